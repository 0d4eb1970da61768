package bench

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Sizes are the row counts of the workloads.
type Sizes struct {
	Insert int // (a) single-row inserts
	Bulk   int // (b) one batch into an empty table, and the table (b2) adds to
	Extra  int // (b2) one batch into a table holding Bulk rows
	Read   int // (c)-(g) rows in the read fixtures
	Heap   int // (h) rows whose retained heap is measured
	SnapLo int // (i) the small table
	SnapHi int // (i) the large table
	// Writers is the records each writer of (j) inserts, one per commit.
	Writers int
}

// FullSizes are the full workload sizes, those RESULTS.md reports.
var FullSizes = Sizes{Insert: 100_000, Bulk: 1_000_000, Extra: 100_000, Read: 100_000, Heap: 1_000_000, SnapLo: 1_000, SnapHi: 1_000_000, Writers: 100_000}

// Div returns s with every size divided by d (at least 1,000 rows).
func (s Sizes) Div(d int) Sizes {
	f := func(n int) int { return max(n/d, 1_000) }
	return Sizes{Insert: f(s.Insert), Bulk: f(s.Bulk), Extra: f(s.Extra), Read: f(s.Read), Heap: f(s.Heap), SnapLo: s.SnapLo, SnapHi: f(s.SnapHi), Writers: f(s.Writers)}
}

// GC collects garbage twice, so that timings and heap figures do not pay
// for the previous step's garbage.
func GC() {
	runtime.GC()
	runtime.GC()
}

// InsertEach is workload (a): a new store with the primary key and an age
// index, then each record of ps in its own write transaction. It returns
// the time of the inserts only.
func InsertEach(e Engine, ps []Person) time.Duration {
	s := e.New(AgeIndex)
	defer s.Close()
	b := s.Prepare(ps)
	GC()
	start := time.Now()
	for i := range b.Len() {
		if err := s.InsertOne(b, i); err != nil {
			panic(err)
		}
	}
	return time.Since(start)
}

// BulkLoad is workload (b): ps in one write transaction into a new store
// with ix. It returns the loaded store and the time of the batch only.
func BulkLoad(e Engine, ix Indexes, ps []Person) (Store, time.Duration) {
	s := e.New(ix)
	b := s.Prepare(ps)
	GC()
	start := time.Now()
	if err := s.InsertAll(b); err != nil {
		panic(err)
	}
	return s, time.Since(start)
}

// BulkMore is workload (b2): ps (new keys) in one write transaction into
// the non-empty store s. It returns the time of the batch only.
func BulkMore(s Store, ps []Person) time.Duration {
	b := s.Prepare(ps)
	GC()
	start := time.Now()
	if err := s.InsertAll(b); err != nil {
		panic(err)
	}
	return time.Since(start)
}

// Loaded returns a store with ix holding ps, loaded in one batch.
func Loaded(e Engine, ix Indexes, ps []Person) Store {
	s, _ := BulkLoad(e, ix, ps)
	return s
}

// Keys returns the engine's lookup keys for ids (built outside the timed
// region).
func Keys(s Store, ids []int64) []any {
	ks := make([]any, len(ids))
	for i, id := range ids {
		ks[i] = s.Key(id)
	}
	return ks
}

// GetLoop runs n primary-key lookups (workload c), cycling through keys,
// whose length must be a power of two.
func GetLoop(s Store, keys []any, n int) {
	mask := len(keys) - 1
	for i := range n {
		if !s.Get(keys[i&mask]) {
			panic("bench: key not found")
		}
	}
}

// A Writer commits single-row updates to a store back to back, alternating
// between two versions of every row so that each commit changes the row.
type Writer struct {
	s       Store
	vers    [2]Batch
	order   []int
	commits atomic.Int64
	stop    atomic.Bool
	wg      sync.WaitGroup
}

// NewWriter returns a writer over s, which holds ps; it prepares the
// updated records (not timed).
func NewWriter(s Store, ps []Person) *Writer {
	w := &Writer{s: s, vers: [2]Batch{s.Prepare(Updated(ps)), s.Prepare(ps)}}
	ids := RandomIDs(len(ps), len(ps))
	w.order = make([]int, len(ids))
	for i, id := range ids {
		w.order[i] = int(id - ps[0].ID)
	}
	return w
}

// Start starts the writer goroutine.
func (w *Writer) Start() {
	w.stop.Store(false)
	w.commits.Store(0)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		// Each row alternates between its two versions on every visit.
		seen := make([]uint8, w.vers[0].Len())
		for i := 0; !w.stop.Load(); i++ {
			r := w.order[i%len(w.order)]
			if err := w.s.Put(w.vers[seen[r]&1], r); err != nil {
				panic(err)
			}
			seen[r]++
			w.commits.Add(1)
		}
	}()
}

// Stop stops the writer and returns how many commits it made.
func (w *Writer) Stop() int64 {
	w.stop.Store(true)
	w.wg.Wait()
	return w.commits.Load()
}

// ReadUnderWrite is workload (g): primary-key lookups for about d while w
// commits back to back. It returns the reader's time per lookup and the
// writer's commits per second over the same window.
func ReadUnderWrite(s Store, keys []any, w *Writer, d time.Duration) (readNs, commitsPerS float64) {
	GC()
	w.Start()
	start := time.Now()
	reads := 0
	for {
		GetLoop(s, keys, 1024)
		reads += 1024
		if reads%(16*1024) == 0 && time.Since(start) >= d {
			break
		}
	}
	elapsed := time.Since(start)
	commits := w.Stop()
	return float64(elapsed.Nanoseconds()) / float64(reads), float64(commits) / elapsed.Seconds()
}

// RetainedHeap is workload (h): the heap a store with indexes on age and
// name retains for ps, in bytes: HeapAlloc after loading minus before, each
// after two collections, with the prepared records alive throughout.
func RetainedHeap(e Engine, ps []Person) uint64 {
	s := e.New(AgeNameIndexes)
	b := s.Prepare(ps)
	var before, after runtime.MemStats
	GC()
	runtime.ReadMemStats(&before)
	if err := s.InsertAll(b); err != nil {
		panic(err)
	}
	GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(b)
	runtime.KeepAlive(s)
	s.Close()
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// A Snapshotter is a store that takes database snapshots (dictdb).
type Snapshotter interface{ Snapshot() any }

// SnapshotLoop takes n snapshots of s (workload i).
func SnapshotLoop(s Snapshotter, n int) {
	for range n {
		if s.Snapshot() == nil {
			panic("bench: nil snapshot")
		}
	}
}
