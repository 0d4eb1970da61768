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

// TestOrderedRangesAgree checks workload (e-ordered): every engine that
// runs it returns exactly the rows of (e), in ascending age order; dictdb,
// go-memdb and immutable break ties by ID (buntdb by its key strings).
func TestOrderedRangesAgree(t *testing.T) {
	const n = 20_000
	ps := People(1, n)
	var want []int64
	for _, p := range ps {
		if MatchRange(p.Age) {
			want = append(want, p.ID)
		}
	}
	ran := 0
	for _, e := range Engines() {
		t.Run(e.Name(), func(t *testing.T) {
			s := Loaded(e, AgeIndex, ps)
			defer s.Close()
			o, ok := s.(OrderedRanger)
			if !ok {
				t.Skip("no sorted index")
			}
			ran++
			if got := o.RangeOrdered(); got != len(want) {
				t.Fatalf("%d rows, want %d", got, len(want))
			}
			got := s.Collected()
			for i := 1; i < len(got); i++ {
				a, b := ps[got[i-1]-1], ps[got[i]-1]
				if a.Age > b.Age || (a.Age == b.Age && e.Name() != "buntdb" && a.ID >= b.ID) {
					t.Fatalf("rows %d and %d out of (age, id) order: %+v, %+v", i-1, i, a, b)
				}
			}
			if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
				t.Fatal("the rows differ from a naive loop's")
			}
		})
	}
	if ran < 4 {
		t.Fatalf("%d engines ran (e-ordered), want 4", ran)
	}
}

func BenchmarkEO_RangeOrdered(b *testing.B) {
	readBench(b, AgeIndex, want(func(p Person) bool { return MatchRange(p.Age) }), func(s Store) int {
		o, ok := s.(OrderedRanger)
		if !ok {
			b.Skip("no sorted index")
		}
		return o.RangeOrdered()
	})
}
