package tbl

import (
	"math"
	"slices"
	"sync"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

// scratch is the pooled memory of one index access: the entries it read
// from the index, and room to put them in primary-key order. Take one with
// getScratch and give it back with release once nothing reads its hits, so
// that a query's candidates cost no garbage.
//
// The two buffers are pooled one by one, as they were taken: a sync.Pool
// keeps the first buffer a processor puts back where only that processor
// finds it, so a query that moved to another processor would miss a lone
// pooled object.
type scratch struct {
	hits *[]idx.Hit[Row] // the entries read from the index
	tmp  *[]idx.Hit[Row] // where sortHits may put them in key order; nil until needed
}

// maxPooledHits is the largest buffer of hits the pool keeps: a larger one
// is left to the garbage collector.
const maxPooledHits = 1 << 16

var hitBuffers = sync.Pool{New: func() any { return new([]idx.Hit[Row]) }}

func getScratch() scratch { return scratch{hits: hitBuffers.Get().(*[]idx.Hit[Row])} }

// sortSpace returns the room for sortHits, taking it from the pool on first
// use.
func (s *scratch) sortSpace() *[]idx.Hit[Row] {
	if s.tmp == nil {
		s.tmp = hitBuffers.Get().(*[]idx.Hit[Row])
	}
	return s.tmp
}

// release gives the buffers back to the pool; s must not be used after. It
// clears them first, so that the pool keeps no version of a table alive.
func (s *scratch) release() {
	for _, buf := range []*[]idx.Hit[Row]{s.hits, s.tmp} {
		if buf == nil {
			continue
		}
		if *buf = emptied(*buf); *buf != nil {
			hitBuffers.Put(buf)
		}
	}
	s.hits, s.tmp = nil, nil
}

// emptied clears buf and returns it empty, or nil if it is too large to
// keep.
func emptied(buf []idx.Hit[Row]) []idx.Hit[Row] {
	clear(buf)
	if cap(buf) > maxPooledHits {
		return nil
	}
	return buf[:0]
}

// gathered reads the entries of x in ranges once: counting them is the
// estimate, and keeping them (in pooled scratch memory, given back by the
// access's close) saves reading the index again for the candidates. It
// gives up (ok false) past limit entries.
func gathered(desc func() string, x *idx.Index[Row], ranges []idx.Range, limit int, served []cond.Cond) (access, bool) {
	if len(ranges) == 1 && ranges[0].LoIncl && ranges[0].HiIncl && ranges[0].Hi != nil &&
		!ranges[0].Prefix && codec.Compare(ranges[0].Lo, ranges[0].Hi) == 0 {
		return gatheredValue(desc, x, ranges[0], limit, served) // one value
	}
	if len(ranges) == 1 {
		// One range: count it a leaf at a time, without copying, and
		// gather its entries only when asked for them in key order. In
		// index order (OrderBy on the field) they are never gathered.
		n, ok := x.CountRange(ranges[0], limit)
		if !ok {
			return access{}, false
		}
		g := &gatheredHits{x: x, ranges: ranges, n: n}
		return access{desc: desc, est: n, served: served,
			rows: g.all, appendRows: g.appendRows, release: g.release,
			inIndexOrder: g.appendIndexOrder, eachInIndexOrder: eachInIndexOrder(x, ranges),
			indexField: x.Def().Field}, true
	}
	s := getScratch()
	for _, r := range ranges {
		var ok bool
		if *s.hits, ok = x.AppendScan(*s.hits, r, limit); !ok {
			s.release()
			return access{}, false
		}
	}
	g := &gatheredHits{x: x, ranges: ranges, s: s, held: true}
	return access{desc: desc, est: len(*s.hits), served: served,
		rows: g.all, appendRows: g.appendRows, release: g.release}, true
}

// gatheredHits are the candidates of an index access, held in scratch
// memory until release.
type gatheredHits struct {
	x        *idx.Index[Row]
	ranges   []idx.Range
	s        scratch
	held     bool           // s is ours and holds the hits
	released bool           // release was called
	n        int            // the number of candidates, if counted (else 0)
	sorted   []idx.Hit[Row] // the hits in key order, once sorted (in s)
}

// inOrder returns the hits in primary-key order, gathering them into
// scratch memory and sorting them on first use. After release, it reads
// the index again into fresh memory.
func (g *gatheredHits) inOrder() []idx.Hit[Row] {
	if !g.held && !g.released {
		g.s = getScratch()
		for _, r := range g.ranges {
			*g.s.hits, _ = g.x.AppendScan(*g.s.hits, r, math.MaxInt)
		}
		g.held = true
	}
	if !g.held {
		var again, tmp []idx.Hit[Row]
		for _, r := range g.ranges {
			again, _ = g.x.AppendScan(again, r, math.MaxInt)
		}
		return sortHits(again, &tmp)
	}
	if g.sorted == nil {
		g.sorted = sortHits(*g.s.hits, g.s.sortSpace())
	}
	return g.sorted
}

func (g *gatheredHits) all(yield func(codec.Key, Row) bool) {
	hs := g.inOrder()
	for i := range hs {
		if !yield(hs[i].Key, hs[i].Row) {
			return
		}
	}
}

// appendIndexOrder appends the rows of the candidates in index order: the
// hits as they were read from the index, before any sorting into key order.
func (g *gatheredHits) appendIndexOrder(dst []Row) []Row {
	if !g.held || g.sorted != nil {
		// Copy the rows straight from the index's leaves: the hits are
		// not gathered, or were sorted in place.
		dst = slices.Grow(dst, g.n)
		for _, r := range g.ranges {
			dst = g.x.AppendRows(dst, r)
		}
		return dst
	}
	hs := *g.s.hits
	dst = slices.Grow(dst, len(hs))
	for i := range hs {
		dst = append(dst, hs[i].Row)
	}
	return dst
}

// eachInIndexOrder returns the streamed form of appendIndexOrder: the rows
// of the entries of x in ranges, in index order, read from the index as
// they are yielded.
func eachInIndexOrder(x *idx.Index[Row], ranges []idx.Range) func(yield func(Row) bool) {
	return func(yield func(Row) bool) {
		for _, r := range ranges {
			if !x.EachHit(r, func(_ codec.Key, row Row) bool { return yield(row) }) {
				return
			}
		}
	}
}

func (g *gatheredHits) appendRows(dst []Row) []Row {
	if !g.held && len(g.ranges) == 1 {
		if out, ok := appendRanked(dst, g.x, g.ranges[0], g.n); ok {
			return out
		}
	}
	hs := g.inOrder()
	dst = slices.Grow(dst, len(hs))
	for i := range hs {
		dst = append(dst, hs[i].Row)
	}
	return dst
}

// appendRanked appends the rows of the n entries of x in r to dst in
// primary-key order when their keys are distinct integers dense in their
// span (see rankInts), the common case of a range of a table with
// automatic keys. It moves no entry, where gathering hits and sorting them
// moves each twice: it reads the keys into pooled memory free of pointers,
// ranks them, and reads the index again, writing each row straight to its
// rank in dst, so a row costs one pointer written instead of five, and no
// buffer of rows is cleared. It reports false, with dst unchanged, for
// other keys.
func appendRanked(dst []Row, x *idx.Index[Row], r idx.Range, n int) ([]Row, bool) {
	if n < 2 {
		return dst, false
	}
	ks := getKeys()
	defer putKeys(ks)
	keys, ok := x.AppendIntKeys(slices.Grow((*ks)[:0], n), r)
	*ks = keys
	if !ok || len(keys) != n {
		return dst, false
	}
	lo, hi := keys[0], keys[0]
	for _, k := range keys {
		lo, hi = min(lo, k), max(hi, k)
	}
	span := uint64(hi) - uint64(lo)
	if span >= 64*uint64(n) || !rankInts(keys, lo, span) {
		return dst, false
	}
	out := slices.Grow(dst, n)[:len(dst)+n]
	x.ScatterRows(out[len(dst):], r, keys)
	return out, true
}

// release gives the scratch memory back; it is safe to call more than once.
func (g *gatheredHits) release() {
	if g.held {
		g.s.release()
		g.held, g.sorted = false, nil
	}
	g.released = true
}

// gatheredValue is gathered for the entries of one value, which are in key
// order already: it counts them without copying, and Select copies their
// rows straight out of the index's leaves.
func gatheredValue(desc func() string, x *idx.Index[Row], r idx.Range, limit int, served []cond.Cond) (access, bool) {
	n, ok := x.CountRange(r, limit)
	if !ok {
		return access{}, false
	}
	return access{desc: desc, est: n, served: served,
		rows: func(yield func(codec.Key, Row) bool) {
			x.EachHit(r, yield) // streamed: nothing gathered
		},
		appendRows: func(dst []Row) []Row {
			return x.AppendRows(slices.Grow(dst, n), r)
		},
		// One value: index order is key order.
		inIndexOrder: func(dst []Row) []Row {
			return x.AppendRows(slices.Grow(dst, n), r)
		},
		eachInIndexOrder: eachInIndexOrder(x, []idx.Range{r}),
		indexField:       x.Def().Field}, true
}
