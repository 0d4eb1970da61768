package dictdb_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// benchTable creates table name holding n records {id: 1..n, v: i}.
func benchTable(b *testing.B, db *dictdb.DB, name string, n int) *dictdb.Table {
	b.Helper()
	tb, err := db.CreateTable(name)
	if err != nil {
		b.Fatal(err)
	}
	recs := make([]dictdb.Record, n)
	for i := range recs {
		recs[i] = dictdb.Record{"id": i + 1, "v": i, "name": fmt.Sprintf("user%d", i)}
	}
	if _, err := tb.InsertMany(recs); err != nil {
		b.Fatal(err)
	}
	runtime.GC() // collect the build's garbage outside the timed loop
	return tb
}

var snapSink *dictdb.Snapshot

// BenchmarkSnapshot: db.Snapshot costs the same whatever the table size.
func BenchmarkSnapshot(b *testing.B) {
	for _, n := range []struct {
		name string
		rows int
	}{{"rows=1e3", 1_000}, {"rows=1e6", 1_000_000}} {
		b.Run(n.name, func(b *testing.B) {
			db := dictdb.New()
			benchTable(b, db, "t", n.rows)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				snapSink = db.Snapshot()
			}
			b.StopTimer()
			if v, err := snapSink.Table("t"); err != nil || v.Count() != n.rows {
				b.Fatalf("snapshot sees %v rows (%v)", v, err)
			}
		})
	}
}

// BenchmarkGetWhileCommitting: a primary-key Get, idle and while one
// goroutine commits single-row updates back to back.
func BenchmarkGetWhileCommitting(b *testing.B) {
	const rows = 100_000
	for _, committing := range []bool{false, true} {
		name := "idle"
		if committing {
			name = "committing"
		}
		b.Run(name, func(b *testing.B) {
			db := dictdb.New()
			tb := benchTable(b, db, "t", rows)
			stop, stopped := make(chan struct{}), make(chan int)
			if committing {
				go func() {
					n := 0
					defer func() { stopped <- n }()
					for {
						select {
						case <-stop:
							return
						default:
						}
						key := n%rows + 1
						if _, err := tb.Update(dictdb.Record{"v": n}, cond.Field("id").Eq(key)); err != nil {
							b.Error(err)
							return
						}
						n++
					}
				}()
			}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				key := (i*7919)%rows + 1
				if _, ok := tb.Get(key); !ok {
					b.Fatalf("key %d missing", key)
				}
				i++
			}
			b.StopTimer()
			if committing {
				close(stop)
				b.ReportMetric(float64(<-stopped)/float64(b.N), "commits/op")
			}
		})
	}
}

// updateRow updates the v field of row key of a transaction's table.
func updateRow(tx *dictdb.Tx, name string, key, v int) error {
	t, err := tx.Table(name)
	if err != nil {
		return err
	}
	_, err = t.Update(dictdb.Record{"v": v}, cond.Field("id").Eq(key))
	return err
}

const writeBenchRows = 10_000

// BenchmarkTwoTableTransaction: one db.Update updating one row in each of
// two tables.
func BenchmarkTwoTableTransaction(b *testing.B) {
	db := dictdb.New()
	benchTable(b, db, "a", writeBenchRows)
	benchTable(b, db, "b", writeBenchRows)
	tables := []string{"a", "b"}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		key := i%writeBenchRows + 1
		err := db.Update(tables, func(tx *dictdb.Tx) error {
			if err := updateRow(tx, "a", key, i); err != nil {
				return err
			}
			return updateRow(tx, "b", key, i)
		})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSingleTableWrite: an update of one row of one table, through
// Table.Update and through a one-table db.Update.
func BenchmarkSingleTableWrite(b *testing.B) {
	b.Run("Table.Update", func(b *testing.B) {
		db := dictdb.New()
		tb := benchTable(b, db, "a", writeBenchRows)
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			if _, err := tb.Update(dictdb.Record{"v": i}, cond.Field("id").Eq(i%writeBenchRows+1)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("DB.Update", func(b *testing.B) {
		db := dictdb.New()
		benchTable(b, db, "a", writeBenchRows)
		tables := []string{"a"}
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			key := i%writeBenchRows + 1
			if err := db.Update(tables, func(tx *dictdb.Tx) error { return updateRow(tx, "a", key, i) }); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
