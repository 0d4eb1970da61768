package bench

import (
	"fmt"
	"testing"
)

// The growth benchmarks time dictdb's single-row insert and primary-key
// get at 1e4 and 1e6 rows (bulk-loaded, with the age index), the get next
// to a Go map of the same records and keys, so that the 1e6/1e4 ratios
// show what grows with the table:
//
//	go test -run '^$' -bench 'Growth' -benchtime 20000x -count 5
var growthSizes = []int{10_000, 1_000_000}

// BenchmarkGrowthInsert inserts new rows (ascending keys past the loaded
// ones) one per commit into a table of n rows.
func BenchmarkGrowthInsert(b *testing.B) {
	for _, n := range growthSizes {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			s := Loaded(DictDB{}, AgeIndex, People(1, n))
			defer s.Close()
			batch := s.Prepare(People(int64(n)+1, b.N))
			GC()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := s.InsertOne(batch, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGrowthGet looks up random primary keys of a table of n rows,
// and the same keys in a map[int64]*Person.
func BenchmarkGrowthGet(b *testing.B) {
	for _, n := range growthSizes {
		ps := People(1, n)
		ids := RandomIDs(1<<16, n)
		b.Run(fmt.Sprintf("dictdb/rows=%d", n), func(b *testing.B) {
			s := Loaded(DictDB{}, AgeIndex, ps)
			defer s.Close()
			keys := Keys(s, ids)
			GC()
			b.ReportAllocs()
			b.ResetTimer()
			GetLoop(s, keys, b.N)
		})
		b.Run(fmt.Sprintf("map/rows=%d", n), func(b *testing.B) {
			m := make(map[int64]*Person, n)
			for i := range ps {
				m[ps[i].ID] = &ps[i]
			}
			GC()
			b.ReportAllocs()
			b.ResetTimer()
			mask := len(ids) - 1
			for i := range b.N {
				if m[ids[i&mask]] == nil {
					b.Fatal("key not found")
				}
			}
		})
	}
}
