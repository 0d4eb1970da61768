package bench

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"
)

// The benchmarks run the workloads at full size, one sub-benchmark per
// engine:
//
//	go test -run '^$' -bench . -benchtime=1x   # loads (A, B, B2, H) once each
//	go test -run '^$' -bench 'C_|D_|E_|F_|G_|I_'
//
// cmd/compare runs the same workloads with repetitions and prints the
// comparison table.

var sizes = FullSizes

func perRecord(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
}

func BenchmarkA_InsertEach(b *testing.B) {
	ps := People(1, sizes.Insert)
	for _, e := range Engines() {
		b.Run(e.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				s := e.New(AgeIndex)
				batch := s.Prepare(ps)
				GC()
				b.StartTimer()
				for i := range batch.Len() {
					if err := s.InsertOne(batch, i); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				s.Close()
			}
			perRecord(b, len(ps))
		})
	}
}

func BenchmarkB_BulkEmpty(b *testing.B) {
	ps := People(1, sizes.Bulk)
	for _, e := range Engines() {
		b.Run(e.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				s := e.New(AgeIndex)
				batch := s.Prepare(ps)
				GC()
				b.StartTimer()
				if err := s.InsertAll(batch); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				s.Close()
			}
			perRecord(b, len(ps))
		})
	}
}

func BenchmarkB2_BulkNonEmpty(b *testing.B) {
	ps := People(1, sizes.Bulk)
	more := People(int64(sizes.Bulk)+1, sizes.Extra)
	for _, e := range Engines() {
		b.Run(e.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				s := Loaded(e, AgeIndex, ps)
				batch := s.Prepare(more)
				GC()
				b.StartTimer()
				if err := s.InsertAll(batch); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				s.Close()
			}
			perRecord(b, len(more))
		})
	}
}

// readBench runs op on a fixture with ix, built once per engine, after a GC.
func readBench(b *testing.B, ix Indexes, want int, op func(Store) int) {
	ps := People(1, sizes.Read)
	for _, e := range Engines() {
		b.Run(e.Name(), func(b *testing.B) {
			s := Loaded(e, ix, ps)
			defer s.Close()
			GC()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if n := op(s); want >= 0 && n != want {
					b.Fatalf("got %d rows, want %d", n, want)
				}
			}
		})
	}
}

func BenchmarkC_Get(b *testing.B) {
	ps := People(1, sizes.Read)
	ids := RandomIDs(1<<16, len(ps))
	for _, e := range Engines() {
		b.Run(e.Name(), func(b *testing.B) {
			s := Loaded(e, AgeIndex, ps)
			defer s.Close()
			keys := Keys(s, ids)
			GC()
			b.ReportAllocs()
			b.ResetTimer()
			GetLoop(s, keys, b.N)
		})
	}
}

func want(match func(Person) bool) int {
	if sizes.Read != FullSizes.Read {
		return -1
	}
	n := 0
	for _, p := range People(1, sizes.Read) {
		if match(p) {
			n++
		}
	}
	return n
}

func BenchmarkD_Eq(b *testing.B) {
	readBench(b, AgeIndex, want(func(p Person) bool { return MatchEq(p.Age) }), Store.Eq)
}

func BenchmarkE_Range(b *testing.B) {
	readBench(b, AgeIndex, want(func(p Person) bool { return MatchRange(p.Age) }), Store.Range)
}

func BenchmarkF_Scan(b *testing.B) {
	readBench(b, NoIndex, want(func(p Person) bool { return MatchScan(p.Age, p.Name) }), Store.Scan)
}

// BenchmarkG_ReadUnderWrite reports the reader's ns/op while one goroutine
// commits single-row updates back to back, and the writer's commits/s.
// (B/op and allocs/op include the writer's allocations.)
func BenchmarkG_ReadUnderWrite(b *testing.B) {
	ps := People(1, sizes.Read)
	ids := RandomIDs(1<<16, len(ps))
	for _, e := range Engines() {
		b.Run(e.Name(), func(b *testing.B) {
			s := Loaded(e, AgeIndex, ps)
			defer s.Close()
			keys := Keys(s, ids)
			w := NewWriter(s, ps)
			GC()
			b.ResetTimer()
			w.Start()
			GetLoop(s, keys, b.N)
			commits := w.Stop()
			b.ReportMetric(float64(commits)/b.Elapsed().Seconds(), "commits/s")
		})
	}
}

func BenchmarkH_RetainedHeap(b *testing.B) {
	ps := People(1, sizes.Heap)
	for _, e := range Engines() {
		b.Run(e.Name(), func(b *testing.B) {
			var bytes uint64
			for range b.N {
				bytes = RetainedHeap(e, ps)
			}
			b.ReportMetric(float64(bytes), "bytes")
			b.ReportMetric(float64(bytes)/float64(len(ps)), "bytes/row")
		})
	}
}

func BenchmarkI_Snapshot(b *testing.B) {
	for _, n := range []int{sizes.SnapLo, sizes.SnapHi} {
		b.Run(fmt.Sprintf("dictdb/rows=%d", n), func(b *testing.B) {
			s := Loaded(DictDB{}, AgeIndex, People(1, n))
			defer s.Close()
			GC()
			b.ReportAllocs()
			b.ResetTimer()
			SnapshotLoop(s.(Snapshotter), b.N)
		})
	}
}

// TestConsistency checks that every engine returns the same results for
// every read workload, against counts and id sets from a naive loop, on a
// smaller table; and the same records for sampled primary-key lookups, on
// fixtures loaded both in one batch and one row at a time.
func TestConsistency(t *testing.T) {
	const n = 20_000
	ps := People(1, n)
	var wantEq, wantRange, wantScan []int64
	for _, p := range ps {
		if MatchEq(p.Age) {
			wantEq = append(wantEq, p.ID)
		}
		if MatchRange(p.Age) {
			wantRange = append(wantRange, p.ID)
		}
		if MatchScan(p.Age, p.Name) {
			wantScan = append(wantScan, p.ID)
		}
	}
	if len(wantEq) == 0 || len(wantRange) == 0 || len(wantScan) == 0 {
		t.Fatal("empty expected result")
	}
	check := func(t *testing.T, what string, s Store, op func(Store) int, want []int64) {
		t.Helper()
		if got := op(s); got != len(want) {
			t.Fatalf("%s: %d rows, want %d", what, got, len(want))
		}
		got := slices.Sorted(slices.Values(s.Collected()))
		if !slices.Equal(got, want) {
			t.Fatalf("%s: the rows differ from a naive loop's", what)
		}
	}
	sample := RandomIDs(500, n)
	for _, e := range Engines() {
		t.Run(e.Name(), func(t *testing.T) {
			bulk := Loaded(e, AgeIndex, ps)
			defer bulk.Close()
			one := e.New(AgeIndex)
			defer one.Close()
			b := one.Prepare(ps)
			for i := range b.Len() {
				if err := one.InsertOne(b, i); err != nil {
					t.Fatal(err)
				}
			}
			noIdx := Loaded(e, NoIndex, ps)
			defer noIdx.Close()
			for name, s := range map[string]Store{"bulk": bulk, "single": one, "noindex": noIdx} {
				check(t, name+" eq", s, Store.Eq, wantEq)
				check(t, name+" range", s, Store.Range, wantRange)
				check(t, name+" scan", s, Store.Scan, wantScan)
				for _, id := range sample {
					if !s.Get(s.Key(id)) {
						t.Fatalf("%s: get %d: not found", name, id)
					}
					if got, want := s.Fetched(), ps[id-1]; got != want {
						t.Fatalf("%s: get %d = %+v, want %+v", name, id, got, want)
					}
				}
				if s.Get(s.Key(n + 1)) {
					t.Fatalf("%s: get %d: found a missing key", name, n+1)
				}
			}
			// A batch into the non-empty store, then updates: the
			// same paths (b2) and (g) time.
			more := People(n+1, n/10)
			if err := bulk.InsertAll(bulk.Prepare(more)); err != nil {
				t.Fatal(err)
			}
			all := append(slices.Clone(ps), more...)
			w := NewWriter(bulk, all)
			w.Start()
			time.Sleep(20 * time.Millisecond)
			if w.Stop() == 0 {
				t.Fatal("the writer made no commits")
			}
			for _, id := range []int64{1, n, n + 1, n + int64(len(more))} {
				if !bulk.Get(bulk.Key(id)) {
					t.Fatalf("after b2: get %d: not found", id)
				}
				if got := bulk.Fetched(); got.ID != id || got.Name != all[id-1].Name {
					t.Fatalf("after b2: get %d = %+v", id, got)
				}
			}
		})
	}
	// The full-size counts, by the naive loop: the selectivities the
	// workloads are designed around.
	if !testing.Short() {
		full := People(1, FullSizes.Read)
		var eq, rng, scan int
		for _, p := range full {
			if MatchEq(p.Age) {
				eq++
			}
			if MatchRange(p.Age) {
				rng++
			}
			if MatchScan(p.Age, p.Name) {
				scan++
			}
		}
		if eq != 2016 || rng != 10076 || scan != 1585 {
			t.Fatalf("100k-row counts = %d, %d, %d; want 2016, 10076, 1585", eq, rng, scan)
		}
	}
	runtime.GC()
}
