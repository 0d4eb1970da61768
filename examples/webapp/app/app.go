// Package app is the concurrent web application of the Python DictDB's
// concurrency guide, in Go: worker goroutines handle requests against a
// sessions table and an events table (zero-copy reads, upserts, updates and
// inserts), a cleanup goroutine expires idle sessions, and a reporter takes
// consistent snapshots while everyone writes. examples/webapp and the
// dictdb command's demo run it.
package app

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// app holds the shared database and the two tables.
type app struct {
	db       *dictdb.DB
	sessions *dictdb.Table
	events   *dictdb.Table
}

func newApp() (*app, error) {
	db := dictdb.New()
	sessions, err := db.CreateTable("sessions", dictdb.PrimaryKey("session_id"))
	if err != nil {
		return nil, err
	}
	events, err := db.CreateTable("events", dictdb.PrimaryKey("event_id"))
	if err != nil {
		return nil, err
	}
	// Indexes for common queries.
	if err := sessions.CreateIndex("user_id", dictdb.HashIndex); err != nil {
		return nil, err
	}
	if err := sessions.CreateIndex("last_active", dictdb.SortedIndex); err != nil {
		return nil, err
	}
	if err := events.CreateIndex("session_id", dictdb.HashIndex); err != nil {
		return nil, err
	}
	return &app{db: db, sessions: sessions, events: events}, nil
}

// handleRequest is called from many worker goroutines at once. Reads never
// block; the sessions and events writers never wait for each other.
func (a *app) handleRequest(sessionID string, userID int, action string, now time.Time) (read, write time.Duration, err error) {
	start := time.Now()
	_, exists := a.sessions.GetRow(sessionID) // a zero-copy read
	read = time.Since(start)

	start = time.Now()
	if !exists {
		// Two workers may race to create the same session: the upsert makes
		// the loser a no-op instead of an error.
		if _, _, err := a.sessions.Upsert(dictdb.Record{"session_id": sessionID, "user_id": userID, "last_active": now}, dictdb.OnConflictIgnore); err != nil {
			return read, 0, err
		}
	} else if _, err := a.sessions.Update(dictdb.Record{"last_active": now}, cond.Field("session_id").Eq(sessionID)); err != nil {
		return read, 0, err
	}
	if _, err := a.events.Insert(dictdb.Record{"session_id": sessionID, "action": action, "at": now}); err != nil {
		return read, 0, err
	}
	return read, time.Since(start), nil
}

// cleanup deletes sessions idle for longer than ttl.
func (a *app) cleanup(now time.Time, ttl time.Duration) (int, error) {
	return a.sessions.Delete(cond.Field("last_active").Lt(now.Add(-ttl)))
}

type latencies struct {
	mu          sync.Mutex
	read, write []time.Duration
}

func (l *latencies) add(r, w time.Duration) {
	l.mu.Lock()
	l.read = append(l.read, r)
	l.write = append(l.write, w)
	l.mu.Unlock()
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))]
}

// Run serves requests for duration with the given number of worker
// goroutines over the given number of users, prints a summary (requests,
// rows, snapshots, read and write latency percentiles) to w, and returns the
// database for further inspection. It fails if any request failed or if the
// run broke an invariant (every request leaves exactly one event; no
// snapshot sees more events than requests).
func Run(w io.Writer, duration time.Duration, workers, users int) (*dictdb.DB, error) {
	if workers < 1 || users < 1 || duration <= 0 {
		return nil, errors.New("workers, users and duration must be positive")
	}
	a, err := newApp()
	if err != nil {
		return nil, err
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var requests, expired, snapshots atomic.Int64
	var lat latencies
	errs := make(chan error, workers+2)
	actions := []string{"view", "click", "search", "purchase"}

	for w := range workers {
		rng := rand.New(rand.NewPCG(uint64(w), 42))
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				u := rng.IntN(users)
				r, wr, err := a.handleRequest(fmt.Sprintf("s-%d-%d", u, rng.IntN(3)), u, actions[rng.IntN(len(actions))], time.Now())
				if err != nil {
					errs <- err
					return
				}
				lat.add(r, wr)
				requests.Add(1)
			}
		})
	}
	// Cleanup: expire sessions idle for a fifth of the run, five times a run.
	wg.Go(func() {
		tick := time.NewTicker(max(duration/5, time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				n, err := a.cleanup(now, duration/5)
				if err != nil {
					errs <- err
					return
				}
				expired.Add(int64(n))
			}
		}
	})
	// Reporter: consistent snapshots of both tables while everyone writes.
	wg.Go(func() {
		tick := time.NewTicker(max(duration/10, time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				snap := a.db.Snapshot() // O(1), never blocks the writers
				ev, err := snap.Table("events")
				if err != nil {
					errs <- err
					return
				}
				if ev.Count() > int(requests.Load())+workers {
					errs <- fmt.Errorf("snapshot %d sees more events than requests", snap.Seq())
					return
				}
				snapshots.Add(1)
			}
		}
	})

	time.Sleep(duration)
	close(stop)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}

	n := requests.Load()
	fmt.Fprintf(w, "served %d requests with %d workers in %v (%.0f req/s)\n", n, workers, duration, float64(n)/duration.Seconds())
	fmt.Fprintf(w, "rows: sessions=%d events=%d (expired sessions: %d)\n", a.sessions.Count(), a.events.Count(), expired.Load())
	fmt.Fprintf(w, "snapshots taken while writing: %d (latest commit seq %d)\n", snapshots.Load(), a.db.Seq())
	fmt.Fprintf(w, "read latency:  p50 %v  p99 %v\n", percentile(lat.read, 0.50), percentile(lat.read, 0.99))
	fmt.Fprintf(w, "write latency: p50 %v  p99 %v\n", percentile(lat.write, 0.50), percentile(lat.write, 0.99))
	if int64(a.events.Count()) != n {
		return nil, fmt.Errorf("%d requests but %d events", n, a.events.Count())
	}
	return a.db, nil
}
