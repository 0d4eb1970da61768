package main

// The demo is the concurrent web application of examples/webapp (the Python
// DictDB's concurrency guide, in Go), run as a subcommand: worker goroutines
// handle requests against a sessions table and an events table, a cleanup
// goroutine expires idle sessions, and a reporter takes consistent
// snapshots while everyone writes.

import (
	"errors"
	"flag"
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

var demoCmd = &command{
	name:    "demo",
	args:    "[--duration 2s] [--workers 8] [--users 500] [--save FILE]",
	summary: "run the concurrent web application demo and print a summary",
	detail: `
Worker goroutines serve requests against a sessions table and an events table
(upserts, updates, inserts, zero-copy reads), a cleanup goroutine expires idle
sessions, and a reporter takes O(1) consistent snapshots while everyone
writes. At the end it prints throughput and latencies, and checks that every
request left exactly one event. With --save the final database is written to
FILE (JSON for a .json name, binary otherwise) for the other commands to
inspect:

  dictdb demo --duration 1s --save demo.db
  dictdb query demo.db events --where "action = 'purchase'" --limit 5`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		duration := fs.Duration("duration", 2*time.Second, "how long to serve requests")
		workers := fs.Int("workers", 8, "number of worker goroutines")
		users := fs.Int("users", 500, "number of distinct users")
		save := fs.String("save", "", "write the final database to `FILE`")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 0, 0, "no arguments"); err != nil {
				return err
			}
			if *workers < 1 || *users < 1 || *duration <= 0 {
				return usagef("--workers, --users and --duration must be positive")
			}
			a, err := runDemo(e.stdout, *duration, *workers, *users)
			if err != nil {
				return err
			}
			if *save != "" {
				format, _ := outputFormat("", *save, dictdb.Binary)
				if err := saveDB(e, a.db, *save, format); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "saved the database to %s (%s)\n", *save, format)
			}
			return nil
		}
	},
}

// demoApp holds the shared database and the two tables.
type demoApp struct {
	db       *dictdb.DB
	sessions *dictdb.Table
	events   *dictdb.Table
}

func newDemoApp() (*demoApp, error) {
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
	return &demoApp{db: db, sessions: sessions, events: events}, nil
}

// handleRequest is called from many worker goroutines at once. Reads never
// block; the sessions and events writers never wait for each other.
func (a *demoApp) handleRequest(sessionID string, userID int, action string, now time.Time) (read, write time.Duration, err error) {
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
	} else if _, err := a.sessions.Update(dictdb.Record{"last_active": now}, cond.Field("session_id").Eq(sessionID)); err != nil && !errors.Is(err, dictdb.ErrNotFound) {
		return read, 0, err // ErrNotFound: the cleanup expired it meanwhile
	}
	if _, err := a.events.Insert(dictdb.Record{"session_id": sessionID, "action": action, "at": now}); err != nil {
		return read, 0, err
	}
	return read, time.Since(start), nil
}

// cleanup deletes sessions idle for longer than ttl.
func (a *demoApp) cleanup(now time.Time, ttl time.Duration) (int, error) {
	n, err := a.sessions.Delete(cond.Field("last_active").Lt(now.Add(-ttl)))
	if errors.Is(err, dictdb.ErrNotFound) {
		return 0, nil
	}
	return n, err
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

// runDemo serves requests for duration and prints a summary to w.
func runDemo(w io.Writer, duration time.Duration, workers, users int) (*demoApp, error) {
	a, err := newDemoApp()
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
	return a, nil
}
