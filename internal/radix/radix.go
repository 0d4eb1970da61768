// Package radix sorts slices by an int64 key in linear time: a least
// significant digit radix sort, stable, in passes of 11 bits over the span
// between the smallest and the largest key (one pass for keys within 2048
// of each other, six for the whole int64 range). It is for large slices
// whose comparison sort would be dominated by comparisons; it allocates
// nothing but the scratch slice it is given room in.
package radix

import "math"

const (
	bits = 11
	mask = 1<<bits - 1
)

// Sort sorts s by key, stably, using tmp as scratch space (grown to len(s)
// if needed), and returns the sorted slice, which is s or tmp's storage,
// and the scratch slice as grown. key is called a few times per element and
// must be the same every time for an element.
func Sort[T any](s, tmp []T, key func(*T) int64) (sorted, scratch []T) {
	if len(s) < 2 {
		return s, tmp
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range s {
		k := key(&s[i])
		lo, hi = min(lo, k), max(hi, k)
	}
	span := uint64(hi) - uint64(lo) // wraps correctly for any lo <= hi
	if cap(tmp) < len(s) {
		tmp = make([]T, len(s))
	}
	tmp = tmp[:len(s)]
	src, dst := s, tmp
	var count [1 << bits]int
	for shift := uint(0); shift < 64 && span>>shift > 0; shift += bits {
		clear(count[:])
		for i := range src {
			count[(uint64(key(&src[i]))-uint64(lo))>>shift&mask]++
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for i := range src {
			d := (uint64(key(&src[i])) - uint64(lo)) >> shift & mask
			dst[count[d]] = src[i]
			count[d]++
		}
		src, dst = dst, src
	}
	return src, tmp
}

// Uint64s uses 8-bit digits: its passes are cheap, and 256 scatter
// destinations stay in cache where 2048 would not.
const (
	wordBits = 8
	wordMask = 1<<wordBits - 1
)

// Uint64s sorts s by the bits of each word above the low skip bits (the
// words' order on equal high bits is kept), using tmp as scratch space, and
// returns the sorted slice, which is s or tmp's storage, and the scratch
// slice as grown. It is Sort without a key function: the loops read plain
// words, which makes it several times faster for large slices.
func Uint64s(s, tmp []uint64, skip uint) (sorted, scratch []uint64) {
	if len(s) < 2 {
		return s, tmp
	}
	var hi uint64
	for _, w := range s {
		hi = max(hi, w>>skip)
	}
	passes := 0
	for span := hi; span > 0; span >>= wordBits {
		passes++
	}
	if cap(tmp) < len(s) {
		tmp = make([]uint64, len(s))
	}
	tmp = tmp[:len(s)]
	// One read counts the digits of every pass.
	var all [64 / wordBits][1 << wordBits]int
	counts := all[:passes]
	for _, w := range s {
		w >>= skip
		for p := range counts {
			counts[p][w>>(uint(p)*wordBits)&wordMask]++
		}
	}
	src, dst := s, tmp
	for p := range counts {
		count := &counts[p]
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		shift := skip + uint(p)*wordBits
		for _, w := range src {
			d := w >> shift & wordMask
			dst[count[d]] = w
			count[d]++
		}
		src, dst = dst, src
	}
	return src, tmp
}
