package bench

import (
	"slices"
	"sync"
	"testing"
)

// BenchmarkJ_TwoWriters runs workload (j): one writer, then two writers on
// two tables of one database, each inserting WriterRows records one per
// commit. It reports both rates and their ratio.
func BenchmarkJ_TwoWriters(b *testing.B) {
	ps := People(1, sizes.Writers)
	for _, e := range Pairers() {
		b.Run(e.Name(), func(b *testing.B) {
			b.ReportAllocs()
			var one, two float64
			for range b.N {
				one += ParallelInserts(e, 1, ps)
				two += ParallelInserts(e, 2, ps)
			}
			b.ReportMetric(one/float64(b.N), "commits/s(1)")
			b.ReportMetric(two/float64(b.N), "commits/s(2)")
			b.ReportMetric(two/one, "x")
		})
	}
}

// TestPairsKeepTablesApart checks the stores of workload (j): two writers
// inserting the same ids into the two tables at the same time leave each
// table with exactly its own rows, readable by key and through its age
// index.
func TestPairsKeepTablesApart(t *testing.T) {
	const n = 3_000
	ps := People(1, n)
	other := slices.Clone(ps)
	for i := range other {
		other[i].Name = "other" + other[i].Name
	}
	var wantEq []int64
	for _, p := range ps {
		if MatchEq(p.Age) {
			wantEq = append(wantEq, p.ID)
		}
	}
	for _, e := range Pairers() {
		t.Run(e.Name(), func(t *testing.T) {
			a, b := e.NewPair()
			defer a.Close()
			defer b.Close()
			var wg sync.WaitGroup
			for s, recs := range map[Store][]Person{a: ps, b: other} {
				batch := s.Prepare(recs)
				wg.Go(func() {
					for i := range batch.Len() {
						if err := s.InsertOne(batch, i); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			for s, recs := range map[Store][]Person{a: ps, b: other} {
				for _, id := range RandomIDs(200, n) {
					if !s.Get(s.Key(id)) {
						t.Fatalf("get %d: not found", id)
					}
					if got := s.Fetched(); got != recs[id-1] {
						t.Fatalf("get %d = %+v, want %+v", id, got, recs[id-1])
					}
				}
				if got := s.Eq(); got != len(wantEq) {
					t.Fatalf("eq: %d rows, want %d", got, len(wantEq))
				}
				if got := slices.Sorted(slices.Values(s.Collected())); !slices.Equal(got, wantEq) {
					t.Fatal("eq: the rows differ from a naive loop's")
				}
			}
		})
	}
}
