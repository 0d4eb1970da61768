package tbl

import (
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/internal/radix"
)

// sortHits returns entries in primary-key order, sorted in place or into
// *tmp. They come as runs of equal values, each run already in key order.
// Several runs of integer keys are radix-sorted: merging them head by head
// mispredicts most branches, while a radix sort is a few linear passes.
func sortHits(entries []idx.Hit[Row], tmp *[]idx.Hit[Row]) []idx.Hit[Row] {
	sorted, allInt := true, true
	for i := range entries {
		_, isInt := entries[i].Key.Int()
		allInt = allInt && isInt
		sorted = sorted && (i == 0 || entries[i-1].Key.Less(entries[i].Key))
	}
	switch {
	case sorted:
		return entries
	case allInt && len(entries) < 1<<posBits:
		return sortIntHits(entries, tmp)
	}
	slices.SortFunc(entries, func(a, b idx.Hit[Row]) int { return codec.CompareKeys(a.Key, b.Key) })
	return entries
}

// posBits is how many low bits of a packed sort word hold an entry's
// position.
const posBits = 24

// sortIntHits sorts hits with integer keys into *tmp. It radix-sorts words
// packing each key's offset from the smallest key with the entry's
// position, which moves 8 bytes free of pointers per step instead of a
// whole hit, then gathers the hits in one pass. Keys spanning more than the
// word has room for fall back to sorting the hits themselves.
func sortIntHits(entries []idx.Hit[Row], tmp *[]idx.Hit[Row]) []idx.Hit[Row] {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range entries {
		k, _ := entries[i].Key.Int()
		lo, hi = min(lo, k), max(hi, k)
	}
	if uint64(hi)-uint64(lo) >= 1<<(64-posBits) {
		var out []idx.Hit[Row]
		out, *tmp = radix.Sort(entries, (*tmp)[:0], func(h *idx.Hit[Row]) int64 {
			k, _ := h.Key.Int()
			return k
		})
		return out
	}
	if span := uint64(hi) - uint64(lo); span < 64*uint64(len(entries)) {
		if out, ok := rankIntHits(entries, tmp, lo, span); ok {
			return out
		}
	}
	p := getPacked()
	defer p.release()
	w := slices.Grow((*p.words)[:0], len(entries))
	for i := range entries {
		k, _ := entries[i].Key.Int()
		w = append(w, (uint64(k)-uint64(lo))<<posBits|uint64(i))
	}
	*p.words = w
	var sorted []uint64
	sorted, *p.spare = radix.Uint64s(w, (*p.spare)[:0], posBits)
	out := slices.Grow((*tmp)[:0], len(entries))
	for _, x := range sorted {
		out = append(out, entries[x&(1<<posBits-1)])
	}
	*tmp = out
	return out
}

// rankIntHits sorts hits whose integer keys lie in [lo, lo+span], a span
// dense enough for rankInts, into *tmp without comparing or moving keys:
// it puts every hit straight at its rank. A 10% range of a table of
// consecutive keys sorts this way in about a third of the radix sort's
// time. It reports false, having changed nothing but scratch memory, if
// a key repeats (an index never yields one twice).
func rankIntHits(entries []idx.Hit[Row], tmp *[]idx.Hit[Row], lo int64, span uint64) ([]idx.Hit[Row], bool) {
	ks := getKeys()
	defer putKeys(ks)
	keys := slices.Grow((*ks)[:0], len(entries))
	for i := range entries {
		k, _ := entries[i].Key.Int()
		keys = append(keys, k)
	}
	*ks = keys
	if !rankInts(keys, lo, span) {
		return nil, false
	}
	out := slices.Grow((*tmp)[:0], len(entries))[:len(entries)]
	for i, at := range keys {
		out[at] = entries[i]
	}
	*tmp = out
	return out, true
}

// rankInts replaces each of keys, distinct integers in [lo, lo+span], by
// its rank among them: the number of keys below it. The span must be dense
// enough that a bitmap of it has no more words than there are keys (span
// < 64*len(keys)): it sets each key's bit, sums the bits of the words
// before each word, and a key's rank is its word's sum plus the bits below
// it in its word. It reports false, with keys in no useful state, if a key
// repeats.
func rankInts(keys []int64, lo int64, span uint64) bool {
	n := int(span>>6) + 1
	p := getPacked()
	defer p.release()
	set := slices.Grow((*p.words)[:0], n)[:n]
	*p.words = set
	clear(set)
	for _, k := range keys {
		off := uint64(k) - uint64(lo)
		bit := uint64(1) << (off & 63)
		if set[off>>6]&bit != 0 {
			return false
		}
		set[off>>6] |= bit
	}
	below := slices.Grow((*p.spare)[:0], n)[:n] // keys in the words before
	*p.spare = below
	sum := uint64(0)
	for w, x := range set {
		below[w] = sum
		sum += uint64(bits.OnesCount64(x))
	}
	for i, k := range keys {
		off := uint64(k) - uint64(lo)
		w := off >> 6
		keys[i] = int64(below[w] + uint64(bits.OnesCount64(set[w]&(1<<(off&63)-1))))
	}
	return true
}

// keyBuffers pools the integer keys rankIntHits and appendRanked rank:
// memory free of pointers, so the pool keeps no rows alive.
var keyBuffers = sync.Pool{New: func() any { return new([]int64) }}

func getKeys() *[]int64 { return keyBuffers.Get().(*[]int64) }

func putKeys(ks *[]int64) { keyBuffers.Put(ks) }

// packed is sortIntHits' pooled memory: the packed sort words and room to
// radix-sort them, pooled one by one as scratch's buffers are. Take one
// with getPacked and give it back with release once the sorted words are
// read.
type packed struct {
	words, spare *[]uint64
}

var wordBuffers = sync.Pool{New: func() any { return new([]uint64) }}

func getPacked() packed {
	return packed{words: wordBuffers.Get().(*[]uint64), spare: wordBuffers.Get().(*[]uint64)}
}

// release gives the buffers back to the pool; p must not be used after.
func (p packed) release() {
	wordBuffers.Put(p.words)
	wordBuffers.Put(p.spare)
}
