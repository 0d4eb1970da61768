package dictdb

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/internal/cputime"
)

// benchInsert inserts b.N single rows with writers goroutines, into one
// table or (spread) one table per goroutine, and reports commits per
// second and the process's CPU time per commit (cpu-ns/op, user and
// system: on a shared machine it moves with the load much less than
// ns/op does).
func benchInsert(b *testing.B, db *DB, writers int, spread bool) {
	b.Helper()
	tables := make([]*Table, writers)
	for i := range tables {
		if i == 0 || spread {
			t, err := db.CreateTable("t" + strconv.Itoa(i))
			if err != nil {
				b.Fatal(err)
			}
			tables[i] = t
		} else {
			tables[i] = tables[0]
		}
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Process()
	if writers == 1 {
		for i := range b.N {
			if _, err := tables[0].Insert(Record{"n": i, "name": "some name"}); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		b.SetParallelism((writers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		var g atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			t := tables[int(g.Add(1)-1)%writers]
			for pb.Next() {
				if _, err := t.Insert(Record{"n": next.Add(1), "name": "some name"}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
	b.ReportMetric(float64((cputime.Process()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkDurableInsert: single-row inserts into a durable database
// under each sync policy, against the in-memory database ("memory", the
// baseline the ratios are taken against): SyncNever, SyncEvery(time.Second)
// with 1 and 16 writers, and SyncAlways with 1 writer, 16 writers on one
// table and 16 writers on 16 tables (group commit shares the fsyncs among
// them). Each reports commits per second.
func BenchmarkDurableInsert(b *testing.B) {
	every := SyncEvery(time.Second)
	for _, c := range []struct {
		name    string
		sync    *SyncPolicy
		writers int
		spread  bool
	}{
		{"memory", nil, 1, false},
		{"SyncNever", &SyncNever, 1, false},
		{"SyncEvery/writers=1", &every, 1, false},
		{"SyncEvery/writers=16", &every, 16, false},
		{"SyncAlways/writers=1", &SyncAlways, 1, false},
		{"SyncAlways/writers=16/one-table", &SyncAlways, 16, false},
		{"SyncAlways/writers=16/16-tables", &SyncAlways, 16, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			if c.sync == nil {
				benchInsert(b, New(), c.writers, c.spread)
				return
			}
			db, err := Open(b.TempDir(), WithSync(*c.sync))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			benchInsert(b, db, c.writers, c.spread)
		})
	}
}

// BenchmarkDurableRecovery opens a database of 1e6 rows, most in the
// checkpoint and the last 10,000 in the log (single-row commits), against
// Load of a binary file of the same rows. It is slow to set up: it runs
// only with DICTDB_BENCH_RECOVERY=1.
func BenchmarkDurableRecovery(b *testing.B) {
	if os.Getenv("DICTDB_BENCH_RECOVERY") == "" {
		b.Skip("set DICTDB_BENCH_RECOVERY=1 to run")
	}
	const rows, logged = 1_000_000, 10_000
	dir := b.TempDir()
	db, err := Open(filepath.Join(dir, "db"), WithSync(SyncNever))
	if err != nil {
		b.Fatal(err)
	}
	t, err := db.CreateTable("rows")
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]Record, 0, 10_000)
	for i := range rows - logged {
		batch = append(batch, Record{"id": i, "name": fmt.Sprintf("name %d", i), "v": float64(i) / 3})
		if len(batch) == cap(batch) {
			if _, err := t.InsertMany(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := db.Checkpoint(); err != nil {
		b.Fatal(err)
	}
	for i := rows - logged; i < rows; i++ {
		if _, err := t.Insert(Record{"id": i, "name": fmt.Sprintf("name %d", i), "v": float64(i) / 3}); err != nil {
			b.Fatal(err)
		}
	}
	file := filepath.Join(dir, "rows.dictdb")
	if err := db.Save(file, Binary); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	b.Run("Open", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			db, err := Open(filepath.Join(dir, "db"))
			if err != nil {
				b.Fatal(err)
			}
			if n := mustCount(b, db); n != rows {
				b.Fatalf("%d rows", n)
			}
			db.Close()
		}
	})
	b.Run("Load", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			db, err := Load(file, Binary)
			if err != nil {
				b.Fatal(err)
			}
			if n := mustCount(b, db); n != rows {
				b.Fatalf("%d rows", n)
			}
		}
	})
}

func mustCount(b *testing.B, db *DB) int {
	t, err := db.Table("rows")
	if err != nil {
		b.Fatal(err)
	}
	return t.Count()
}
