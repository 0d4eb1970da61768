package radix

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dictdb-go/dictdb/internal/testseed"
)

type item struct {
	k   int64
	pos int
}

// TestSortIsAStableSort compares Sort with slices.SortStableFunc on keys
// over small, wide and extreme spans, with many equal keys.
func TestSortIsAStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 1))
	var tmp []item
	for round := range 500 {
		s := make([]item, rng.IntN(2000))
		for i := range s {
			switch round % 4 {
			case 0:
				s[i].k = rng.Int64N(30) - 15
			case 1:
				s[i].k = int64(rng.Uint64())
			case 2:
				s[i].k = []int64{math.MinInt64, math.MaxInt64, 0}[rng.IntN(3)]
			default:
				s[i].k = rng.Int64N(1 << 40)
			}
			s[i].pos = i
		}
		want := slices.Clone(s)
		slices.SortStableFunc(want, func(a, b item) int {
			if a.k < b.k {
				return -1
			}
			if a.k > b.k {
				return 1
			}
			return 0
		})
		var got []item
		got, tmp = Sort(s, tmp, func(x *item) int64 { return x.k })
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: Sort differs from a stable sort", round)
		}
	}
}

// TestUint64sSortsByHighBits compares Uint64s with a stable sort on the
// bits above skip.
func TestUint64sSortsByHighBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 2))
	var tmp []uint64
	for round := range 300 {
		skip := uint(rng.IntN(40))
		s := make([]uint64, rng.IntN(3000))
		for i := range s {
			switch round % 3 {
			case 0:
				s[i] = rng.Uint64N(50)<<skip | uint64(i)%(1<<skip)
			case 1:
				s[i] = rng.Uint64()
			default:
				s[i] = []uint64{0, math.MaxUint64, 1 << 63}[rng.IntN(3)]
			}
		}
		want := slices.Clone(s)
		slices.SortStableFunc(want, func(a, b uint64) int {
			a, b = a>>skip, b>>skip
			if a < b {
				return -1
			}
			if a > b {
				return 1
			}
			return 0
		})
		var got []uint64
		got, tmp = Uint64s(s, tmp, skip)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d (skip %d): Uint64s differs from a stable sort", round, skip)
		}
	}
}
