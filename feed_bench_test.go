package dictdb_test

import (
	"context"
	"testing"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// benchInsertRows inserts one row per iteration into a table with a
// sorted index on "a": the single-row commit the feed and watch costs are
// measured on.
func benchInsertRows(b *testing.B, db *dictdb.DB, tb *dictdb.Table) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := tb.Insert(dictdb.Record{"a": i % 1000, "b": "x"}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func feedBenchTable(b *testing.B, opts ...dictdb.Option) (*dictdb.DB, *dictdb.Table) {
	db := dictdb.New(opts...)
	tb, err := db.CreateTable("t")
	if err != nil {
		b.Fatal(err)
	}
	if err := tb.CreateIndex("a", dictdb.SortedIndex); err != nil {
		b.Fatal(err)
	}
	return db, tb
}

// BenchmarkCommitFeed measures what the change feed costs a single-row
// insert: without a Committer (the store's plain path), with the feed's
// Committer and nobody listening (what New does), and with a subscriber
// reading every change.
func BenchmarkCommitFeed(b *testing.B) {
	b.Run("no-committer", func(b *testing.B) {
		db, tb := feedBenchTable(b, dictdb.WithoutFeed())
		benchInsertRows(b, db, tb)
	})
	b.Run("feed", func(b *testing.B) {
		db, tb := feedBenchTable(b)
		benchInsertRows(b, db, tb)
	})
	b.Run("feed+subscriber", func(b *testing.B) {
		db, tb := feedBenchTable(b, dictdb.WithChangeHistory(1<<20))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			n := 0
			for c, err := range db.Changes(ctx, db.Seq()) {
				if err != nil {
					return
				}
				n += len(c.Tables)
			}
		}()
		benchInsertRows(b, db, tb)
		cancel()
		<-done
	})
}

// BenchmarkCommitIdleWatches measures a single-row insert with 100,000
// registered watches it does not affect (a third on other keys, a third on
// other values of the indexed field, a third on other ranges of it), and
// with none. "elsewhere" registers the same watches on another database,
// so that the heap, and so the garbage collector's work, is the same as
// with the watches on the table: comparing "here" with "elsewhere" gives
// the notification cost alone; "none" gives the raw difference.
func BenchmarkCommitIdleWatches(b *testing.B) {
	const n = 100_000
	for _, where := range []string{"none", "elsewhere", "here"} {
		b.Run(where, func(b *testing.B) {
			db, tb := feedBenchTable(b)
			var ws []*dictdb.Watch
			switch where {
			case "elsewhere":
				_, other := feedBenchTable(b)
				ws = idleWatches(b, other, n)
			case "here":
				ws = idleWatches(b, tb, n)
			}
			benchInsertRows(b, db, tb)
			b.StopTimer()
			for _, w := range ws {
				if w.Fired() {
					b.Fatal("an idle watch fired")
				}
				w.Cancel()
			}
		})
	}
}

// idleWatches registers n watches on tb that rows with non-negative keys
// and values of "a" never fire.
func idleWatches(b *testing.B, tb *dictdb.Table, n int) []*dictdb.Watch {
	ws := make([]*dictdb.Watch, 0, n)
	for k := range n {
		var w *dictdb.Watch
		var err error
		switch k % 3 {
		case 0:
			w, err = tb.WatchKey(-k - 1)
		case 1:
			w, err = tb.WatchWhere(cond.Field("a").Eq(-k - 1))
		default:
			w, err = tb.WatchWhere(cond.Field("a").Between(-2*k-2, -2*k-1))
		}
		if err != nil {
			b.Fatal(err)
		}
		ws = append(ws, w)
	}
	return ws
}
