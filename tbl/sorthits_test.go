package tbl

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/idx"
)

// TestSortHitsOrdersByKey merges runs of every size, with integer keys over
// spans up to the whole int64 range (the radix sort) and string keys (the
// run merge), and checks the result is every entry once, in key order.
func TestSortHitsOrdersByKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 9))
	for round := range 300 {
		var keys []codec.Key
		seen := map[int64]bool{}
		n := rng.IntN(300)
		if round%3 == 2 {
			n = min(n, 9) // the keys near the extremes: 9 distinct ones
		}
		for len(keys) < n {
			var k int64
			switch round % 3 {
			case 0:
				k = rng.Int64N(1000)
			case 1:
				k = int64(rng.Uint64()) // any int64
			default:
				k = []int64{math.MinInt64, math.MaxInt64, -1, 0, 1}[rng.IntN(5)] + int64(rng.IntN(3))
			}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, codec.IntKey(k))
			}
		}
		if round%5 == 4 {
			for i := range keys {
				keys[i] = codec.StringKey(keys[i].String())
			}
		}
		// Cut the keys into runs, each sorted, as an index yields them.
		var hits []idx.Hit[Row]
		for rest := keys; len(rest) > 0; {
			m := 1 + rng.IntN(len(rest))
			run := slices.Clone(rest[:m])
			slices.SortFunc(run, codec.CompareKeys)
			for _, k := range run {
				hits = append(hits, idx.Hit[Row]{Key: k})
			}
			rest = rest[m:]
		}
		var got []codec.Key
		var tmp []idx.Hit[Row]
		for _, h := range sortHits(hits, &tmp) {
			got = append(got, h.Key)
		}
		want := slices.Clone(keys)
		slices.SortFunc(want, codec.CompareKeys)
		if !slices.EqualFunc(got, want, codec.Key.Equal) {
			t.Fatalf("round %d: merged %v, want %v", round, got, want)
		}
	}
}

// TestRankIntHitsRepeatedKey: the bitmap ranking refuses a key seen twice
// (it would put two hits at one rank), and sortHits then sorts by radix
// and keeps both.
func TestRankIntHitsRepeatedKey(t *testing.T) {
	var hits []idx.Hit[Row]
	for _, k := range []int64{5, 9, 12, 3, 9, 7} {
		hits = append(hits, idx.Hit[Row]{Key: codec.IntKey(k)})
	}
	var tmp []idx.Hit[Row]
	if _, ok := rankIntHits(hits, &tmp, 3, 9); ok {
		t.Fatal("ranking accepted a repeated key")
	}
	var got []int64
	for _, h := range sortHits(slices.Clone(hits), &tmp) {
		k, _ := h.Key.Int()
		got = append(got, k)
	}
	if want := []int64{3, 5, 7, 9, 9, 12}; !slices.Equal(got, want) {
		t.Fatalf("sorted %v, want %v", got, want)
	}
}
