package dictdb_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhang"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// watchQueries are the queries the watch tests register: equalities and
// ranges on the primary key, indexed and unindexed fields, conjunctions,
// and shapes that watch the whole table (Or, Like, none).
func watchQueries() []dictdb.Query {
	f := cond.Field
	return []dictdb.Query{
		{Where: f("id").Eq(5)},
		{Where: f("id").In(1, 2, 3)},
		{Where: f("id").Gt(20)},
		{Where: f("id").Between(3, 8)},
		{Where: f("a").Eq(3)},
		{Where: f("a").Lt(4)},
		{Where: f("a").Gte(7)},
		{Where: f("a").Gt(2.5)},
		{Where: f("a").Lte(2)},
		{Where: f("b").Eq("x")},
		{Where: f("b").In("x", "y")},
		{Where: f("b").Gt("x")},
		{Where: f("c").Eq(2)},
		{Where: f("c").Between(1, 2)},
		{Where: f("c").IsNull()},
		{Where: cond.And(f("a").Gte(2), f("b").Eq("y"))},
		{Where: cond.Or(f("a").Eq(1), f("c").Eq(3))},
		{Where: f("b").Like("x%")},
		{Where: f("a").Gte(5), OrderBy: []string{"-a"}, Limit: 3},
		{},
	}
}

func randomRow(rng *rand.Rand) dictdb.Record {
	r := dictdb.Record{"id": rng.IntN(30), "a": rng.IntN(10), "b": []string{"x", "y", "z", "xa"}[rng.IntN(4)]}
	switch rng.IntN(4) {
	case 0:
	case 1:
		r["c"] = 1.5
	default:
		r["c"] = rng.IntN(4)
	}
	if rng.IntN(10) == 0 {
		r["a"] = "s" // another kind in a numeric field
	}
	return r
}

// TestWatchNoFalseNegatives registers watches for many queries while
// writers change the table concurrently, then re-runs each query after
// every commit that followed its registration (on a replica fed by the
// change feed): every watch whose answer changed must have fired.
func TestWatchNoFalseNegatives(t *testing.T) {
	seed := testseed.Seed(t)
	db := dictdb.New(dictdb.WithChangeHistory(1 << 16))
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	require.NoError(t, tb.CreateIndex("a", dictdb.SortedIndex))
	require.NoError(t, tb.CreateIndex("b", dictdb.HashIndex))
	other, err := db.CreateTable("u")
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(seed, 1))
	for range 20 {
		_, _, err := tb.Upsert(randomRow(rng), dictdb.OnConflictUpdate)
		require.NoError(t, err)
	}
	base := db.Snapshot()

	type reg struct {
		q    dictdb.Query
		recs []dictdb.Record
		w    *dictdb.Watch
		seq  uint64
	}
	var mu sync.Mutex
	var regs []reg
	queries := watchQueries()
	ops := 300
	if testing.Short() {
		ops = 100
	}
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(10+w)))
			for range ops {
				r := randomRow(rng)
				switch rng.IntN(6) {
				case 0:
					_, _ = tb.Insert(r)
				case 1, 2:
					_, _, _ = tb.Upsert(r, dictdb.OnConflictUpdate)
				case 3:
					_, _ = tb.Delete(cond.Field("id").Eq(r["id"]))
				case 4:
					_, _ = tb.Update(dictdb.Record{"c": rng.IntN(3)}, cond.Field("a").Eq(rng.IntN(10)))
				default:
					_, _ = other.Insert(dictdb.Record{"v": 1})
				}
			}
		})
	}
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(20+w)))
			for range ops / 2 {
				q := queries[rng.IntN(len(queries))]
				recs, watch, seq, err := dictdb.SelectWatchSeq(tb, q)
				if err != nil {
					panic(err)
				}
				mu.Lock()
				regs = append(regs, reg{q, recs, watch, seq})
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	// Replay the feed onto a copy of base, keeping the snapshot after
	// every commit.
	replica := copyOf(t, base)
	snaps := map[uint64]*dictdb.Snapshot{base.Seq(): replica.Snapshot()}
	end := db.Seq()
	for c, err := range db.Changes(context.Background(), base.Seq()) {
		require.NoError(t, err)
		require.NoError(t, replica.ApplyChange(c))
		snaps[c.Seq] = replica.Snapshot()
		if c.Seq == end {
			break
		}
	}
	answer := func(seq uint64, q dictdb.Query) []dictdb.Record {
		v, err := snaps[seq].Table("t")
		require.NoError(t, err)
		recs, err := v.Select(q)
		require.NoError(t, err)
		return recs
	}
	changed, fired := 0, 0
	for _, r := range regs {
		require.Equal(t, r.recs, answer(r.seq, r.q), "the replica answers %v at %d as the live table did", r.q.Where, r.seq)
		for s := r.seq + 1; s <= end; s++ {
			if !reflect.DeepEqual(answer(s, r.q), r.recs) {
				changed++
				require.True(t, r.w.Fired(), "query %v registered at %d changed at commit %d, and the watch did not fire", r.q.Where, r.seq, s)
				require.LessOrEqual(t, dictdb.FiredAt(r.w), s, "query %v registered at %d changed at commit %d, and the watch fired later", r.q.Where, r.seq, s)
				break
			}
		}
		if r.w.Fired() {
			fired++
		}
		r.w.Cancel()
	}
	t.Logf("%d watches, %d answers changed, %d fired", len(regs), changed, fired)
	require.NotZero(t, changed, "the test must change some answers")
	require.Zero(t, dictdb.WatchCount(db))
}

// copyOf returns a new database holding what snap holds.
func copyOf(t *testing.T, snap *dictdb.Snapshot) *dictdb.DB {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, dictdb.WriteSnapshot(&b, snap, dictdb.Binary))
	db, err := dictdb.LoadFrom(&b, dictdb.Binary)
	require.NoError(t, err)
	return db
}

// TestWatchIgnoresRowsOutsideItsQuery checks the bound on false
// positives: a commit that touches only rows matching the query neither
// before nor after does not fire a watch on an equality or range of the
// primary key, an indexed or an unindexed field; a commit that moves a row
// into or out of the answer does.
func TestWatchIgnoresRowsOutsideItsQuery(t *testing.T) {
	f := cond.Field
	cases := []struct {
		where     cond.Cond
		unrelated []dictdb.Record // upserted: never matching, before or after
		into      dictdb.Record   // upserted: now matches
		outOf     dictdb.Record   // upserted afterwards: no longer matches
	}{
		{f("id").Eq(5), []dictdb.Record{{"id": 6}, {"id": 4, "a": 5}}, dictdb.Record{"id": 5}, nil},
		{f("id").In(5, 7), []dictdb.Record{{"id": 6}}, dictdb.Record{"id": 7}, nil},
		{f("id").Gt(10), []dictdb.Record{{"id": 10}, {"id": 1}}, dictdb.Record{"id": 11}, nil},
		{f("id").Between(3, 4), []dictdb.Record{{"id": 2}, {"id": 5}}, dictdb.Record{"id": 3}, nil},
		{f("a").Eq(3), []dictdb.Record{{"id": 1, "a": 2}, {"id": 2, "a": "3"}, {"id": 1, "a": 4}}, dictdb.Record{"id": 1, "a": 3.0}, dictdb.Record{"id": 1, "a": 9}},
		{f("a").Lt(3), []dictdb.Record{{"id": 1, "a": 3}, {"id": 2, "a": "1"}, {"id": 3}}, dictdb.Record{"id": 1, "a": 2.9}, dictdb.Record{"id": 1, "a": 30}},
		{f("a").Gte(3), []dictdb.Record{{"id": 1, "a": 2}, {"id": 2, "a": "9"}, {"id": 3, "a": nil}}, dictdb.Record{"id": 1, "a": 3}, dictdb.Record{"id": 1, "a": 1}},
		{f("a").Between(2, 4), []dictdb.Record{{"id": 1, "a": 1}, {"id": 1, "a": 5}}, dictdb.Record{"id": 2, "a": 4}, dictdb.Record{"id": 2, "a": 4.5}},
		{f("b").Eq("x"), []dictdb.Record{{"id": 1, "b": "y"}, {"id": 2, "b": "X"}}, dictdb.Record{"id": 3, "b": "x"}, dictdb.Record{"id": 3, "b": "z"}},
		{f("c").Gt("m"), []dictdb.Record{{"id": 1, "c": "a"}, {"id": 2, "c": 100}}, dictdb.Record{"id": 3, "c": "n"}, dictdb.Record{"id": 3, "c": "m"}},
		// A conjunction watches one of its conjuncts: rows outside both.
		{cond.And(f("c").Lte(1), f("b").Eq("x")), []dictdb.Record{{"id": 1, "c": 2, "b": "y"}, {"id": 2, "c": 5, "b": "z"}}, dictdb.Record{"id": 1, "c": 0, "b": "x"}, nil},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			db := dictdb.New()
			tb, err := db.CreateTable("t")
			require.NoError(t, err)
			require.NoError(t, tb.CreateIndex("a", dictdb.SortedIndex))
			require.NoError(t, tb.CreateIndex("b", dictdb.HashIndex))
			_, w, err := tb.SelectWatch(dictdb.Query{Where: c.where})
			require.NoError(t, err)
			for _, r := range c.unrelated {
				_, _, err := tb.Upsert(r, dictdb.OnConflictUpdate)
				require.NoError(t, err)
			}
			_, err = tb.Delete(cond.Field("id").Eq(c.unrelated[0]["id"]))
			require.NoError(t, err)
			_, err = db.CreateTable("other")
			require.NoError(t, err)
			require.False(t, w.Fired(), "fired for rows outside %v", c.where)
			_, _, err = tb.Upsert(c.into, dictdb.OnConflictUpdate)
			require.NoError(t, err)
			require.True(t, w.Fired(), "did not fire for a row entering %v", c.where)
			if c.outOf != nil {
				_, w, err := tb.SelectWatch(dictdb.Query{Where: c.where})
				require.NoError(t, err)
				_, _, err = tb.Upsert(c.outOf, dictdb.OnConflictUpdate)
				require.NoError(t, err)
				require.True(t, w.Fired(), "did not fire for a row leaving %v", c.where)
			}
			require.Zero(t, dictdb.WatchCount(db))
		})
	}
}

// TestWatchKeyTableAndDrop checks key and table watches, and that
// dropping a table fires every watch on it.
func TestWatchKeyTableAndDrop(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t", dictdb.PrimaryKey("k"))
	require.NoError(t, err)
	kw, err := tb.WatchKey("a")
	require.NoError(t, err)
	other, err := tb.WatchKey("b")
	require.NoError(t, err)
	tw, err := tb.WatchTable()
	require.NoError(t, err)
	qw, err := tb.WatchWhere(cond.Field("v").Eq(1))
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"k": "a", "v": 0})
	require.NoError(t, err)
	require.True(t, kw.Fired())
	require.True(t, tw.Fired())
	require.False(t, other.Fired())
	require.False(t, qw.Fired())
	require.NoError(t, tb.CreateIndex("v", dictdb.HashIndex))
	require.False(t, qw.Fired(), "an index changes no answer")
	require.NoError(t, db.DropTable("t"))
	require.True(t, other.Fired())
	require.True(t, qw.Fired())
	require.Zero(t, dictdb.WatchCount(db))

	_, err = tb.WatchKey("a")
	require.ErrorIs(t, err, dictdb.ErrTableNotFound)
	tb2, err := db.CreateTable("t2")
	require.NoError(t, err)
	_, err = tb2.WatchKey(1.5)
	require.ErrorIs(t, err, dictdb.ErrInvalidKey)
	_, err = tb2.WatchWhere(&cond.Pred{Field: "x", Op: cond.Op(250)})
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	require.Zero(t, dictdb.WatchCount(db))
}

// TestWatchSetFiresOnAny checks that a WatchSet wakes on any of its
// watches, including one that fired before it was added, and cancels
// them all when Watch returns.
func TestWatchSetFiresOnAny(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	ws := dictdb.NewWatchSet()
	for k := range 100 {
		w, err := tb.WatchKey(k)
		require.NoError(t, err)
		ws.Add(w)
	}
	require.Equal(t, 100, dictdb.WatchCount(db))
	_, err = tb.Insert(dictdb.Record{"id": 57})
	require.NoError(t, err)
	testhang.Returns(t, "WatchSet.Watch", func() { require.NoError(t, ws.Watch(context.Background())) })
	require.Zero(t, dictdb.WatchCount(db))

	// A watch that fired before it joined a set fires the set at once.
	w, err := tb.WatchKey(1)
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"id": 1})
	require.NoError(t, err)
	ws = dictdb.NewWatchSet()
	ws.Add(w)
	testhang.Returns(t, "WatchSet.Watch", func() { require.NoError(t, ws.Watch(context.Background())) })
}

// TestWatchCancelFreesEverything registers watches of every kind, alone
// and in sets, waits on some with contexts that are cancelled, cancels the
// rest, and checks that no watch stays registered and no goroutine is
// left.
func TestWatchCancelFreesEverything(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	require.NoError(t, tb.CreateIndex("a", dictdb.SortedIndex))
	goroutines := runtime.NumGoroutine()
	var watches []*dictdb.Watch
	queries := watchQueries()
	for i := range 2000 {
		var w *dictdb.Watch
		switch i % 3 {
		case 0:
			w, err = tb.WatchKey(i)
		case 1:
			w, err = tb.WatchTable()
		default:
			_, w, err = tb.SelectWatch(queries[i%len(queries)])
		}
		require.NoError(t, err)
		watches = append(watches, w)
	}
	require.Equal(t, 2000, dictdb.WatchCount(db))
	var sets []*dictdb.WatchSet
	for i := 0; i < 1000; i += 100 {
		ws := dictdb.NewWatchSet()
		for _, w := range watches[i : i+100] {
			ws.Add(w)
		}
		sets = append(sets, ws)
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	for _, ws := range sets {
		wg.Go(func() { require.ErrorIs(t, ws.Watch(ctx), context.Canceled) })
	}
	for _, w := range watches[1000:1100] {
		wg.Go(func() { require.ErrorIs(t, w.Wait(ctx), context.Canceled) })
	}
	cancel()
	testhang.Returns(t, "cancelled waits", wg.Wait)
	require.Equal(t, 900, dictdb.WatchCount(db), "the sets and waits cancelled their watches")
	for _, w := range watches {
		w.Cancel()
		w.Cancel() // twice is harmless
	}
	require.Zero(t, dictdb.WatchCount(db))
	testhang.Returns(t, "goroutines to end", func() {
		for runtime.NumGoroutine() > goroutines+1 { // +1: the one running this
			runtime.Gosched()
		}
	})
	// Nothing fires after cancellation.
	_, err = tb.Insert(dictdb.Record{"id": 0})
	require.NoError(t, err)
	require.False(t, watches[0].Fired())
}

// TestWatchForgottenIsCollected checks that a watch neither fired nor
// cancelled, once unreachable, is unregistered by the garbage collector.
func TestWatchForgottenIsCollected(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	for k := range 100 {
		_, err := tb.WatchKey(k)
		require.NoError(t, err)
	}
	require.Equal(t, 100, dictdb.WatchCount(db))
	testhang.Returns(t, "the collector to free forgotten watches", func() {
		for dictdb.WatchCount(db) > 0 {
			runtime.GC()
			runtime.Gosched()
		}
	})
}

// The zero WatchSet is usable: a watch added to it fires it, and the
// commit that fires it goes through (it once panicked in the commit's
// publication, with the set's signal never made).
func TestZeroWatchSetIsUsable(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	w, err := tb.WatchTable()
	require.NoError(t, err)
	var set dictdb.WatchSet
	set.Add(w)
	_, err = tb.Insert(dictdb.Record{"a": 1})
	require.NoError(t, err)
	testhang.Returns(t, "the set fires", func() {
		require.NoError(t, set.Watch(context.Background()))
	})
	_, err = tb.Insert(dictdb.Record{"a": 2})
	require.NoError(t, err, "the database keeps committing")
	require.Equal(t, 2, tb.Count())
}

// A Watch that no Table method returned watches nothing and counts as
// fired: nothing waits on it for ever, and nothing panics.
func TestZeroWatchCountsAsFired(t *testing.T) {
	for name, w := range map[string]*dictdb.Watch{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			require.True(t, w.Fired())
			require.Equal(t, uint64(0), w.Seq())
			testhang.Returns(t, "Wait returns", func() {
				require.NoError(t, w.Wait(context.Background()))
			})
			w.Cancel()
			if w == nil {
				return // Add ignores a nil Watch
			}
			var set dictdb.WatchSet
			set.Add(w)
			select {
			case <-set.Done():
			default:
				t.Fatal("a set holding a fired watch has not fired")
			}
		})
	}
}
