package bench

import (
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/tidwall/buntdb"
)

// BenchmarkJ_DurableCommits compares durable single-row commits: dictdb's
// write-ahead log against buntdb's append-only file under the matching
// sync policies (buntdb Always vs SyncAlways, EverySecond vs
// SyncEvery(time.Second)), with 1 writer and with 16 concurrent writers
// (buntdb serializes its writers; dictdb's share fsyncs). It reports
// commits per second.
//
//	go test -run '^$' -bench J_ -benchtime 2000x
func BenchmarkJ_DurableCommits(b *testing.B) {
	policies := []struct {
		name string
		dict dictdb.SyncPolicy
		bunt buntdb.SyncPolicy
	}{
		{"always", dictdb.SyncAlways, buntdb.Always},
		{"every-second", dictdb.SyncEvery(time.Second), buntdb.EverySecond},
	}
	for _, p := range policies {
		for _, writers := range []int{1, 16} {
			name := p.name + "/writers=" + strconv.Itoa(writers)
			b.Run(name+"/dictdb", func(b *testing.B) {
				db, err := dictdb.Open(filepath.Join(b.TempDir(), "db"), dictdb.WithSync(p.dict))
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				t, err := db.CreateTable("users")
				if err != nil {
					b.Fatal(err)
				}
				commits(b, writers, func(i int64) error {
					_, err := t.Insert(dictdb.Record{"id": i, "age": 30, "name": "some name"})
					return err
				})
			})
			b.Run(name+"/buntdb", func(b *testing.B) {
				db, err := buntdb.Open(filepath.Join(b.TempDir(), "db.aof"))
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				var cfg buntdb.Config
				if err := db.ReadConfig(&cfg); err != nil {
					b.Fatal(err)
				}
				cfg.SyncPolicy = p.bunt
				if err := db.SetConfig(cfg); err != nil {
					b.Fatal(err)
				}
				commits(b, writers, func(i int64) error {
					return db.Update(func(tx *buntdb.Tx) error {
						_, _, err := tx.Set("u:"+strconv.FormatInt(i, 10), "030|some name", nil)
						return err
					})
				})
			})
		}
	}
}

// commits runs b.N calls of commit with writers goroutines and reports
// commits per second.
func commits(b *testing.B, writers int, commit func(i int64) error) {
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	if writers == 1 {
		for range b.N {
			if err := commit(next.Add(1)); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		b.SetParallelism((writers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := commit(next.Add(1)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}
