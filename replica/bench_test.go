package replica

import (
	"errors"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb"
)

// benchNode is a cluster's leader for benchmarks: do runs a write on the
// current leader, following a leadership change (the CPU may be shared).
type benchNode struct {
	b *testing.B
	c *InmemCluster
}

func benchCluster(b *testing.B, size int) *benchNode {
	b.Helper()
	c := newCluster(b, size, InmemOptions{})
	n := &benchNode{b, c}
	n.do(CreateTable("t", "", nil))
	return n
}

func (n *benchNode) do(op Op) {
	for {
		_, err := waitLeader(n.b, n.c).Apply(op)
		if errors.Is(err, ErrNotLeader) || errors.Is(err, ErrUnknownOutcome) {
			continue // a leadership change on a busy machine; retry on the new leader
		}
		if err != nil {
			n.b.Fatal(err)
		}
		return
	}
}

// BenchmarkCommit compares one replicated insert on a 3-node in-memory
// cluster, on a 1-node raft cluster and on the plain local database.
func BenchmarkCommit(b *testing.B) {
	rec := dictdb.Record{"name": "Ada", "age": 36, "tags": []any{"x", "y"}}
	for _, size := range []int{3, 1} {
		b.Run(map[int]string{3: "raft3", 1: "raft1"}[size], func(b *testing.B) {
			l := benchCluster(b, size)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				l.do(Insert("t", rec))
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
		})
	}
	b.Run("local", func(b *testing.B) {
		db := dictdb.New()
		t, _ := db.CreateTable("t")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := t.Insert(rec); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
	})
}

// BenchmarkBatch compares 1,000 rows written as one InsertMany command with
// 1,000 single-insert commands, on a 3-node in-memory cluster (per 1,000
// rows).
func BenchmarkBatch(b *testing.B) {
	recs := make([]dictdb.Record, 1000)
	for i := range recs {
		recs[i] = dictdb.Record{"n": i, "s": "row"}
	}
	b.Run("batch1000", func(b *testing.B) {
		l := benchCluster(b, 3)
		b.ReportAllocs()
		for b.Loop() {
			l.do(InsertMany("t", recs))
		}
	})
	b.Run("single1000", func(b *testing.B) {
		l := benchCluster(b, 3)
		b.ReportAllocs()
		for b.Loop() {
			for _, r := range recs {
				l.do(Insert("t", r))
			}
		}
	})
}

// BenchmarkApplyDuringPersist measures the latency of FSM.Apply (a
// single-row insert command) while a snapshot of a large table is being
// persisted, against idle. The table has 1e5 rows by default and 1e6 with
// DICTDB_BIG=1 (skipped under -short). It reports the median and p99
// latencies of both and their ratio.
func BenchmarkApplyDuringPersist(b *testing.B) {
	rows := 100_000
	if os.Getenv("DICTDB_BIG") != "" {
		if testing.Short() {
			b.Skip("1e6 rows: not under -short")
		}
		rows = 1_000_000
	}
	db := dictdb.New()
	t, _ := db.CreateTable("big")
	batch := make([]dictdb.Record, 0, 10_000)
	for i := range rows {
		batch = append(batch, dictdb.Record{"n": i, "s": "some text of a row", "f": float64(i) / 3})
		if len(batch) == cap(batch) {
			if _, err := t.InsertMany(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if _, err := db.CreateTable("w"); err != nil {
		b.Fatal(err)
	}
	f := NewFSM(db)
	cmd, err := Encode(Insert("w", dictdb.Record{"v": 1}))
	if err != nil {
		b.Fatal(err)
	}
	measure := func(n int) []time.Duration {
		lat := make([]time.Duration, n)
		for i := range lat {
			start := time.Now()
			if r := f.Apply(logOf(cmd)).(*response); r.err != nil {
				b.Fatal(r.err)
			}
			lat[i] = time.Since(start)
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		return lat
	}
	b.ReportAllocs()
	var idle, busy []time.Duration
	for b.Loop() {
		idle = measure(2000)
		snap, err := f.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		done := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done)
			if err := snap.Persist(&discardSink{}); err != nil {
				b.Error(err)
			}
		}()
		busy = busy[:0]
		for {
			select {
			case <-done:
			default:
				busy = append(busy, measure(100)...)
				continue
			}
			break
		}
		wg.Wait()
		snap.Release()
		sort.Slice(busy, func(i, j int) bool { return busy[i] < busy[j] })
	}
	q := func(l []time.Duration, p float64) float64 { return float64(l[int(p*float64(len(l)-1))].Nanoseconds()) }
	b.ReportMetric(q(idle, 0.5), "idle-p50-ns")
	b.ReportMetric(q(busy, 0.5), "persist-p50-ns")
	b.ReportMetric(q(idle, 0.99), "idle-p99-ns")
	b.ReportMetric(q(busy, 0.99), "persist-p99-ns")
	b.ReportMetric(q(busy, 0.5)/q(idle, 0.5), "p50-ratio")
}

type discardSink struct{}

func (discardSink) Write(p []byte) (int, error) { return len(p), nil }
func (discardSink) ID() string                  { return "discard" }
func (discardSink) Cancel() error               { return nil }
func (discardSink) Close() error                { return nil }
