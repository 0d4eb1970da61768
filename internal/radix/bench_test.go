package radix

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// BenchmarkUint64s sorts 1e4 words of 17-bit keys above 24 position bits,
// the shape of a 10% range of a 1e5-row table, against slices.Sort.
func BenchmarkUint64s(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]uint64, 10000)
	for i := range src {
		src[i] = rng.Uint64N(1<<17)<<24 | uint64(i)
	}
	b.Run("radix", func(b *testing.B) {
		b.ReportAllocs()
		s := make([]uint64, len(src))
		var tmp []uint64
		for b.Loop() {
			copy(s, src)
			_, tmp = Uint64s(s, tmp, 24)
		}
	})
	b.Run("slices.Sort", func(b *testing.B) {
		b.ReportAllocs()
		s := make([]uint64, len(src))
		for b.Loop() {
			copy(s, src)
			slices.Sort(s)
		}
	})
}
