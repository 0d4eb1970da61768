package dictdb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/fuzz"
	"github.com/dictdb-go/dictdb/internal/testhang"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// dbDump returns everything a database holds, in the JSON format with
// dictdb's extras: tables, primary keys, schemas, rows, indexes and next
// auto keys.
func dbDump(t testing.TB, db *dictdb.DB) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, db.SaveTo(&b, dictdb.JSON))
	return b.String()
}

// follower pulls a feed one change at a time.
type follower struct {
	next func() (dictdb.Change, error, bool)
	stop func()
}

func follow(db *dictdb.DB, from uint64) *follower {
	next, stop := iter.Pull2(db.Changes(context.Background(), from))
	return &follower{next, stop}
}

// catchUp applies to replica every change up to seq, checking that they
// come in order with no gap.
func (f *follower) catchUp(t *testing.T, replica *dictdb.DB, last *uint64, seq uint64) {
	t.Helper()
	for *last < seq {
		c, err, ok := f.next()
		require.True(t, ok)
		require.NoError(t, err)
		require.Equal(t, *last+1, c.Seq, "changes must come in commit order, with no gap")
		require.NoError(t, replica.ApplyChange(c), "change %d", c.Seq)
		*last = c.Seq
	}
}

// TestFeedReplayReproducesDatabase runs random programs of the reference
// model's operations (saves and loads aside: they replace the database)
// and, after every operation, replays the new part of the feed onto a
// database that started empty: it must hold exactly what the live one
// holds, commit by commit.
func TestFeedReplayReproducesDatabase(t *testing.T) {
	seed := testseed.Seed(t)
	rng := rand.New(rand.NewPCG(seed, 17))
	programs := 12
	if testing.Short() {
		programs = 4
	}
	for p := range programs {
		data := make([]byte, 200+rng.IntN(300))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		ops := fuzz.Program(data)
		real := fuzz.NewReal(fuzz.Config{Index: dictdb.SortedIndex, Mixed: p%2 == 1})
		replica := dictdb.New()
		_, changes := real.DB.Follow(context.Background())
		next, stop := iter.Pull2(changes)
		f := &follower{next, stop}
		var last uint64
		for i, o := range ops {
			if o.Kind == fuzz.KSaveLoad {
				continue
			}
			fuzz.Run(real, []fuzz.Op{o})
			f.catchUp(t, replica, &last, real.DB.Seq())
			if got, want := dbDump(t, replica), dbDump(t, real.DB); got != want {
				t.Fatalf("program %d, after op %d (%s): replica differs:\n%s", p, i, o, fuzz.Diff("live", []string{want}, "replica", []string{got}))
			}
		}
		f.stop()
	}
}

// TestFeedTransactionIsOneChange checks that a transaction over several
// tables arrives as one change holding all of them, and a failed one as
// nothing.
func TestFeedTransactionIsOneChange(t *testing.T) {
	db := dictdb.New(dictdb.WithChangeHistory(100))
	a, err := db.CreateTable("a")
	require.NoError(t, err)
	b, err := db.CreateTable("b")
	require.NoError(t, err)
	_, err = b.Insert(dictdb.Record{"id": 1, "v": "old"})
	require.NoError(t, err)
	from := db.Seq()
	err = db.Update([]string{"a", "b"}, func(tx *dictdb.Tx) error {
		ta, _ := tx.Table("a")
		tb, _ := tx.Table("b")
		if _, err := ta.Insert(dictdb.Record{"id": 7, "v": "x"}); err != nil {
			return err
		}
		if _, err := tb.Update(dictdb.Record{"v": "new"}, cond.Field("id").Eq(1)); err != nil {
			return err
		}
		return nil
	})
	require.NoError(t, err)
	// A failed transaction commits nothing.
	require.Error(t, db.Update([]string{"a"}, func(tx *dictdb.Tx) error {
		ta, _ := tx.Table("a")
		_, _ = ta.Insert(dictdb.Record{"id": 8})
		return errors.New("no")
	}))
	_, err = a.Insert(dictdb.Record{"id": 9})
	require.NoError(t, err)

	f := follow(db, from)
	defer f.stop()
	c, err, ok := f.next()
	require.True(t, ok)
	require.NoError(t, err)
	require.Equal(t, from+1, c.Seq)
	require.Len(t, c.Tables, 2)
	require.Equal(t, "a", c.Tables[0].Name)
	require.Len(t, c.Tables[0].Inserted, 1)
	require.Equal(t, dictdb.Record{"id": int64(7), "v": "x"}, c.Tables[0].Inserted[0].Map())
	require.Equal(t, "b", c.Tables[1].Name)
	require.Len(t, c.Tables[1].Updated, 1)
	require.Equal(t, "old", first(c.Tables[1].Updated[0].Before.Get("v")))
	require.Equal(t, "new", first(c.Tables[1].Updated[0].After.Get("v")))
	c, err, ok = f.next()
	require.True(t, ok)
	require.NoError(t, err)
	require.Equal(t, from+2, c.Seq, "the failed transaction took no sequence number")
	require.Len(t, c.Tables, 1)
	require.Equal(t, int64(9), first(c.Tables[0].Inserted[0].Get("id")))
}

func first[A, B any](a A, _ B) A { return a }

// TestFeedLaggingSubscriber checks that a subscriber that falls further
// behind than the history gets ErrLagged, after every change it did get,
// with the sequence to resume from; and that it can resume from the
// history or from a snapshot.
func TestFeedLaggingSubscriber(t *testing.T) {
	db := dictdb.New(dictdb.WithChangeHistory(4))
	tb, err := db.CreateTable("t") // commit 1
	require.NoError(t, err)
	f := follow(db, 0)
	defer f.stop()
	for i := range 2 { // commits 2, 3
		_, err := tb.Insert(dictdb.Record{"n": i})
		require.NoError(t, err)
	}
	for want := uint64(1); want <= 2; want++ {
		c, err, _ := f.next()
		require.NoError(t, err)
		require.Equal(t, want, c.Seq)
	}
	for i := range 8 { // commits 4..11: the history keeps 8..11
		_, err := tb.Insert(dictdb.Record{"n": i})
		require.NoError(t, err)
	}
	// The subscriber may still get changes it had fetched before they left
	// the history (3 here), in order; then the error.
	last := uint64(2)
	var lag *dictdb.LaggedError
	for {
		c, err, ok := f.next()
		require.True(t, ok)
		if err != nil {
			require.ErrorAs(t, err, &lag)
			require.ErrorIs(t, err, dictdb.ErrLagged)
			break
		}
		require.Equal(t, last+1, c.Seq)
		last = c.Seq
	}
	require.Less(t, last, uint64(7), "commits 4..7 are gone")
	require.Equal(t, last, lag.From, "the last change delivered")
	require.Equal(t, uint64(8), lag.Oldest)
	_, _, ok := f.next()
	require.False(t, ok, "the iteration ends after the error")

	// Starting before the history is the same error at once.
	g := follow(db, 3)
	_, err, _ = g.next()
	require.ErrorAs(t, err, &lag)
	require.Equal(t, uint64(3), lag.From)
	g.stop()

	// Resuming from the oldest commit held works.
	g = follow(db, lag.Oldest-1)
	c, err, _ := g.next()
	require.NoError(t, err)
	require.Equal(t, lag.Oldest, c.Seq)
	g.stop()

	// So does the snapshot-then-follow recipe.
	snap := db.Snapshot()
	var b bytes.Buffer
	require.NoError(t, dictdb.WriteSnapshot(&b, snap, dictdb.Binary))
	replica, err := dictdb.LoadFrom(&b, dictdb.Binary)
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"n": "after"})
	require.NoError(t, err)
	g = follow(db, snap.Seq())
	defer g.stop()
	last = snap.Seq()
	g.catchUp(t, replica, &last, db.Seq())
	require.Equal(t, dbDump(t, db), dbDump(t, replica))
}

// TestFeedSnapshotThenFollowUnderWriters takes a snapshot while writers
// run, follows the feed from its sequence, and checks that the snapshot
// plus the changes give exactly the final database: no gap (a change
// missing), no overlap (a change the snapshot holds already).
func TestFeedSnapshotThenFollowUnderWriters(t *testing.T) {
	db := dictdb.New(dictdb.WithChangeHistory(1 << 16))
	for _, name := range []string{"x", "y"} {
		_, err := db.CreateTable(name)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			tb, _ := db.Table([]string{"x", "y"}[w%2])
			<-start
			for i := range 300 {
				switch i % 3 {
				case 0, 1:
					_, _ = tb.Insert(dictdb.Record{"w": w, "i": i})
				default:
					_, _ = tb.Delete(cond.And(cond.Field("w").Eq(w), cond.Field("i").Lt(i/2)))
				}
			}
		})
	}
	close(start)
	snap, changes := db.Follow(context.Background())
	var b bytes.Buffer
	require.NoError(t, dictdb.WriteSnapshot(&b, snap, dictdb.Binary))
	replica, err := dictdb.LoadFrom(&b, dictdb.Binary)
	require.NoError(t, err)
	next, stop := iter.Pull2(changes)
	f := &follower{next, stop}
	defer f.stop()
	wg.Wait()
	last := snap.Seq()
	f.catchUp(t, replica, &last, db.Seq())
	require.Equal(t, dbDump(t, db), dbDump(t, replica))
}

// TestFeedEndsWithContext checks that a subscriber waiting for commits
// returns the context's error when it is cancelled, leaving no goroutine.
func TestFeedEndsWithContext(t *testing.T) {
	db := dictdb.New(dictdb.WithChangeHistory(10))
	_, err := db.CreateTable("t")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	var seqs []uint64
	go func() {
		for c, err := range db.Changes(ctx, 0) {
			if err != nil {
				got <- err
				return
			}
			seqs = append(seqs, c.Seq)
			if c.Seq == 1 {
				cancel()
			}
		}
		got <- nil
	}()
	var err2 error
	testhang.Returns(t, "a cancelled subscription", func() { err2 = <-got })
	require.ErrorIs(t, err2, context.Canceled)
	require.Equal(t, []uint64{1}, seqs)
}

// TestFeedFromTheFuture checks that a from after the latest commit is an
// invalid argument, not a wait for ever.
func TestFeedFromTheFuture(t *testing.T) {
	db := dictdb.New()
	for _, err := range db.Changes(context.Background(), 5) {
		require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
		return
	}
	t.Fatal("Changes yielded nothing")
}

// TestFeedDeliversWhatReadersSee checks that every change is delivered
// once readers see it: a subscriber that reads the table when it gets a
// change finds the change's rows there.
func TestFeedDeliversWhatReadersSee(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	problems := make(chan string, 1)
	done := make(chan struct{})
	_, changes := db.Follow(ctx)
	go func() {
		defer close(done)
		for c, err := range changes {
			if err != nil {
				problems <- err.Error()
				return
			}
			if db.Seq() < c.Seq {
				problems <- fmt.Sprintf("change %d delivered before readers see it (seq %d)", c.Seq, db.Seq())
				return
			}
			for _, r := range c.Tables[0].Inserted {
				if _, ok := tb.Get(first(r.Get("id"))); !ok {
					problems <- "an inserted row is not readable"
					return
				}
			}
			if c.Seq == 201 {
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for range 100 {
				_, _ = tb.Insert(dictdb.Record{"v": 1})
			}
		})
	}
	wg.Wait()
	testhang.Returns(t, "the subscriber", func() { <-done })
	select {
	case p := <-problems:
		t.Fatal(p)
	default:
	}

}

// TestFeedFollowWithoutHistory checks the default in-memory buffer: no
// commit is kept while no subscription is open, so Changes from an older
// sequence lags at once, while Follow keeps every commit after its
// snapshot for its subscriber, however late it starts reading.
func TestFeedFollowWithoutHistory(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"v": 1})
	require.NoError(t, err)
	for _, err := range db.Changes(context.Background(), 1) {
		var lag *dictdb.LaggedError
		require.ErrorAs(t, err, &lag)
		require.Equal(t, uint64(1), lag.From)
		require.Equal(t, uint64(3), lag.Oldest)
		break
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	snap, changes := db.Follow(ctx)
	require.Equal(t, uint64(2), snap.Seq())
	for i := range 10 {
		_, err := tb.Insert(dictdb.Record{"v": i})
		require.NoError(t, err)
	}
	want := snap.Seq() + 1
	for c, err := range changes {
		require.NoError(t, err)
		require.Equal(t, want, c.Seq)
		if want++; c.Seq == db.Seq() {
			break
		}
	}
	require.Equal(t, uint64(13), want)

	// A Follow whose context ends before it is read yields the context's
	// error, and lets go of its buffer.
	ctx2, cancel2 := context.WithCancel(context.Background())
	_, changes = db.Follow(ctx2)
	cancel2()
	for _, err := range changes {
		require.ErrorIs(t, err, context.Canceled)
	}
}
