package dictdb

import (
	"sync"
	"testing"

	"github.com/dictdb-go/dictdb/internal/testhang"
	"github.com/dictdb-go/dictdb/internal/wal"
)

// TestConcurrentWritersShareWrites: 16 writers under SyncAlways, on a disk
// whose fsync takes a while, share the log's writes as well as its
// fsyncs; after a crash every acknowledged insert is there, and the
// recovered commits are a prefix of the commits.
func TestConcurrentWritersShareWrites(t *testing.T) {
	fsys := wal.NewFaultFS()
	fsys.SyncDelay = 200_000 // 200µs
	db, err := Open(faultDir, WithFS(fsys))
	must(t, err)
	tables := make([]*Table, 4)
	for i := range tables {
		tables[i], err = db.CreateTable(string(rune('a' + i)))
		must(t, err)
	}
	writes, syncs := fsys.Count(wal.OpWrite), fsys.Count(wal.OpSync)
	const writers, each = 16, 25
	var mu sync.Mutex
	acked := map[int64]bool{}
	testhang.Returns(t, "16 writers", func() {
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				tb := tables[w%len(tables)]
				for i := range each {
					n := int64(w*each + i)
					if _, err := tb.Insert(Record{"id": n}); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					acked[n] = true
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	})
	writes, syncs = fsys.Count(wal.OpWrite)-writes, fsys.Count(wal.OpSync)-syncs
	t.Logf("%d commits, %d writes, %d fsyncs", len(acked), writes, syncs)
	if writes*2 > len(acked) {
		t.Fatalf("%d writes of the log for %d commits: writers do not share writes", writes, len(acked))
	}
	fsys.Crash(nil) // db is dead with its files
	re, err := Open(faultDir, WithFS(fsys))
	must(t, err)
	defer re.Close()
	found := 0
	for i, tb := range tables {
		rt, err := re.Table(tb.Name())
		must(t, err)
		for w := i; w < writers; w += len(tables) {
			for j := range each {
				n := int64(w*each + j)
				if _, ok := rt.Get(n); ok {
					found++
				} else if acked[n] {
					t.Fatalf("acknowledged insert %d lost in the crash", n)
				}
			}
		}
	}
	if found < len(acked) {
		t.Fatalf("recovered %d inserts, %d acknowledged", found, len(acked))
	}
}

// TestLargeFramesKeepOrder: commits whose frames are too large to queue
// (written at once) interleave with small queued ones from concurrent
// writers; after a crash every acknowledged commit is there, and reopening
// after Close gives the live state.
func TestLargeFramesKeepOrder(t *testing.T) {
	fsys := wal.NewFaultFS()
	db, err := Open(faultDir, WithFS(fsys), WithSync(SyncNever))
	must(t, err)
	small, err := db.CreateTable("small")
	must(t, err)
	big, err := db.CreateTable("big")
	must(t, err)
	batch := make([]Record, 2000)
	testhang.Returns(t, "writers", func() {
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := range 50 {
					if _, err := small.Insert(Record{"id": w*100 + i, "pad": "some text to make a row"}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Go(func() {
			for round := range 5 {
				for i := range batch {
					batch[i] = Record{"id": round*len(batch) + i, "pad": "a row of a large commit, padded out"}
				}
				if _, err := big.InsertMany(batch); err != nil {
					t.Error(err)
					return
				}
			}
		})
		wg.Wait()
	})
	live := db.Snapshot()
	must(t, db.Close())
	fsys.Crash(nil)
	re, err := Open(faultDir, WithFS(fsys))
	must(t, err)
	defer re.Close()
	if re.Seq() != live.Seq() {
		t.Fatalf("reopened at seq %d, closed at %d", re.Seq(), live.Seq())
	}
	sameState(t, "after reopening", live, re.Snapshot())
}
