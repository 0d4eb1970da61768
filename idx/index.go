// Package idx provides persistent secondary indexes over codec values.
//
// # Guarantees
//
// An Index is immutable: Put and Remove return a new Index sharing most of
// its structure with the old one, so every table version (and every
// snapshot) carries indexes that agree exactly with its rows. A Builder
// (Index.Edit) changes a private copy in place for a batch and copies each
// shared node once; the index it started from never changes.
//
// Every row is indexed, a missing field as nil, so an index lookup returns
// exactly what a full scan of the same predicate returns. Entries are
// (value, primary key) pairs in a persistent B+tree ordered by the codec
// total order, then by key: equal values come out in primary-key order.
// Measured on this design, that composite layout beats a hash map of
// per-value buckets for equality as well as ranges, so both index kinds use
// it; the kind decides which predicates the planner may serve with it
// (hash: equality and In; sorted: also ranges, prefixes and ordering).
//
// A unique index rejects a second row with an equal non-null value; any
// number of rows may hold null or miss the field.
//
// Nothing an index hands out is its own memory, so no caller can change an
// index version through a read: values come out as stored when they are
// scalars and as deep copies when they are lists, maps or byte slices, and
// rows are copied out of the index's leaves. Values and rows put in are
// kept as given: the caller must not change them afterwards.
//
// # Concurrency
//
// An Index is safe for concurrent reads. A Builder is for one goroutine.
package idx

import (
	"iter"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/btree"
	"github.com/dictdb-go/dictdb/internal/radix"
)

// key is one index key: a field value and the primary key of the row
// holding it.
type key struct {
	v any
	k codec.Key
}

func compareKeys(a, b key) int {
	if x, ok := a.v.(int64); ok {
		if y, ok := b.v.(int64); ok {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return codec.CompareKeys(a.k, b.k)
		}
	}
	if c := codec.Compare(a.v, b.v); c != 0 {
		return c
	}
	return codec.CompareKeys(a.k, b.k)
}

// minKey sorts before every primary key.
var minKey = codec.IntKey(math.MinInt64)

// An Entry is what an index yields: a field value, the primary key of the
// row holding it, and the row itself. Value belongs to the caller: a list,
// map or byte slice is a deep copy of the value the index holds, so
// changing it changes no index version.
type Entry[R any] struct {
	Value any
	Key   codec.Key
	Row   R
}

// An Index maps field values to rows of type R (kept in the entries, so a
// lookup needs no second search by primary key).
type Index[R any] struct {
	def Def
	m   *btree.Map[key, R]
}

// New returns an empty index.
func New[R any](def Def) *Index[R] {
	return &Index[R]{def: def, m: btree.New[key, R](compareKeys)}
}

// Def returns the index definition.
func (x *Index[R]) Def() Def { return x.def }

// Len returns the number of entries (one per row).
func (x *Index[R]) Len() int { return x.m.Len() }

// Put returns an index that maps v to k's row r, replacing the entry
// (old, k) if hadOld.
func (x *Index[R]) Put(old any, hadOld bool, v any, k codec.Key, r R) *Index[R] {
	m := x.m
	if hadOld && !codec.Identical(old, v) {
		m = m.Delete(key{old, k})
	}
	return &Index[R]{def: x.def, m: m.Set(key{v, k}, r)}
}

// Remove returns an index without the entry (v, k).
func (x *Index[R]) Remove(v any, k codec.Key) *Index[R] {
	return &Index[R]{def: x.def, m: x.m.Delete(key{v, k})}
}

// Conflict reports whether a unique index already maps a value equal to v
// to a key other than k, and returns that key. Null values never conflict.
func (x *Index[R]) Conflict(v any, k codec.Key) (codec.Key, bool) {
	if !x.def.Unique || v == nil {
		return codec.Key{}, false
	}
	for e := range x.Equal(v) {
		if !e.Key.Equal(k) {
			return e.Key, true
		}
	}
	return codec.Key{}, false
}

// Equal iterates, in primary-key order, over the entries whose value
// equals v.
func (x *Index[R]) Equal(v any) iter.Seq[Entry[R]] {
	return x.Scan(Range{Lo: v, LoIncl: true, Hi: v, HiIncl: true})
}

// A Range selects values of one kind between two bounds.
type Range struct {
	Lo     any  // the lower bound; its kind is the range's kind
	LoIncl bool // whether values equal to Lo are in the range
	Hi     any  // the upper bound, or nil for the end of Lo's kind
	HiIncl bool // whether values equal to Hi are in the range
	Prefix bool // only strings starting with Lo (a string); Hi unused
}

// Scan iterates, in (value, key) order, over the entries in r.
func (x *Index[R]) Scan(r Range) iter.Seq[Entry[R]] {
	kind := codec.KindOf(r.Lo)
	past := r.beyond()
	return func(yield func(Entry[R]) bool) {
		atLo := !r.LoIncl && !r.Prefix // entries equal to Lo come first: skip them
		for e, row := range x.m.Ascend(key{r.Lo, minKey}) {
			if atLo {
				if codec.Equal(e.v, r.Lo) {
					continue
				}
				atLo = false
			}
			if past(e.v, kind) {
				return
			}
			if !yield(Entry[R]{codec.Clone(e.v), e.k, row}) {
				return
			}
		}
	}
}

// A Hit is an index entry without its value: a row and its primary key.
type Hit[R any] struct {
	Key codec.Key
	Row R
}

// AppendScan appends the entries in r to dst in (value, key) order, like
// Scan, and returns the extended slice. It stops early, with ok false, when
// dst would grow past limit entries. It reads the tree a leaf at a time, so
// it is the fast way to gather many entries.
func (x *Index[R]) AppendScan(dst []Hit[R], r Range, limit int) (_ []Hit[R], ok bool) {
	for ks, rows := range x.runs(r) {
		for i := range ks {
			if len(dst) >= limit {
				return dst, false
			}
			dst = append(dst, Hit[R]{ks[i].k, rows[i]})
		}
	}
	return dst, true
}

// EachHit calls yield with the key and row of each entry in r, in (value,
// key) order, reading the tree a leaf at a time and copying nothing, until
// yield returns false; it reports whether it reached the end of r. It is
// AppendScan for a caller that streams the entries instead of keeping them.
func (x *Index[R]) EachHit(r Range, yield func(codec.Key, R) bool) bool {
	for ks, rows := range x.runs(r) {
		for i := range ks {
			if !yield(ks[i].k, rows[i]) {
				return false
			}
		}
	}
	return true
}

// CountRange returns the number of entries in r, counted a leaf at a time
// without reading a row. It stops early, with ok false and n past limit,
// when there are more than limit.
func (x *Index[R]) CountRange(r Range, limit int) (n int, ok bool) {
	for _, run := range x.runs(r) {
		if n += len(run); n > limit {
			return n, false
		}
	}
	return n, true
}

// AppendRows appends the rows of the entries in r to dst in (value, key)
// order, copying them out of the index a leaf at a time, and returns the
// extended slice: the fast way to gather the rows of a range.
func (x *Index[R]) AppendRows(dst []R, r Range) []R {
	for _, run := range x.runs(r) {
		dst = append(dst, run...)
	}
	return dst
}

// AppendIntKeys appends the primary keys of the entries in r, in (value,
// key) order, to dst as integers, reading the tree a leaf at a time, and
// returns the extended slice. It stops, with ok false, at the first key
// that is not an integer. With ScatterRows it puts a range's rows in any
// order computed from their keys without copying an entry: the keys go
// into memory free of pointers, which the garbage collector never scans.
func (x *Index[R]) AppendIntKeys(dst []int64, r Range) (_ []int64, ok bool) {
	for ks := range x.runs(r) {
		for i := range ks {
			k, isInt := ks[i].k.Int()
			if !isInt {
				return dst, false
			}
			dst = append(dst, k)
		}
	}
	return dst, true
}

// ScatterRows writes the row of the i-th entry in r, in (value, key)
// order, to dst[at[i]], for every entry in r; at must hold a position in
// dst for each of them (it panics otherwise, as an index out of range).
func (x *Index[R]) ScatterRows(dst []R, r Range, at []int64) {
	n := 0
	for _, rows := range x.runs(r) {
		for i, pos := range at[n : n+len(rows)] {
			dst[pos] = rows[i]
		}
		n += len(rows)
	}
}

// runs yields the entries in r, in (value, key) order, a leaf's worth at
// a time: their keys and rows as sub-slices of the index's own storage,
// which must never reach a caller.
func (x *Index[R]) runs(r Range) iter.Seq2[[]key, []R] {
	return func(yield func([]key, []R) bool) {
		kind := codec.KindOf(r.Lo)
		past := r.beyond()
		atLo := !r.LoIncl && !r.Prefix // entries equal to Lo come first: skip them
		for ks, rows := range x.m.ChunksFrom(key{r.Lo, minKey}) {
			i := 0
			for atLo && i < len(ks) && codec.Equal(ks[i].v, r.Lo) {
				i++
			}
			if i < len(ks) {
				atLo = false
			}
			// Entries past the end follow every entry in the range, so
			// only a leaf whose last entry is past needs searching.
			j := len(ks)
			if j > i && past(ks[j-1].v, kind) {
				j = i + sort.Search(j-i, func(m int) bool { return past(ks[i+m].v, kind) })
			}
			if j > i && !yield(ks[i:j], rows[i:j]) {
				return
			}
			if j < len(ks) {
				return // past the range's end
			}
		}
	}
}

// beyond returns the test for the first value past the range's end, with a
// fast path for integer bounds, the common case.
func (r Range) beyond() func(v any, kind codec.Kind) bool {
	switch {
	case r.Prefix:
		prefix := r.Lo.(string)
		return func(v any, _ codec.Kind) bool {
			s, ok := v.(string)
			return !ok || !strings.HasPrefix(s, prefix)
		}
	case r.Hi == nil:
		return func(v any, kind codec.Kind) bool { return codec.KindOf(v) != kind }
	}
	hi, incl := r.Hi, r.HiIncl
	if h, ok := hi.(int64); ok {
		return func(v any, kind codec.Kind) bool {
			if i, ok := v.(int64); ok {
				return i > h || (i == h && !incl)
			}
			if codec.KindOf(v) != kind {
				return true
			}
			c := codec.Compare(v, h)
			return c > 0 || (c == 0 && !incl)
		}
	}
	return func(v any, kind codec.Kind) bool {
		if codec.KindOf(v) != kind {
			return true
		}
		c := codec.Compare(v, hi)
		return c > 0 || (c == 0 && !incl)
	}
}

// Ascend iterates over every entry in (value, key) order.
func (x *Index[R]) Ascend() iter.Seq[Entry[R]] {
	return func(yield func(Entry[R]) bool) {
		for e, row := range x.m.All() {
			if !yield(Entry[R]{codec.Clone(e.v), e.k, row}) {
				return
			}
		}
	}
}

// Descend iterates over every entry in descending (value, key) order.
func (x *Index[R]) Descend() iter.Seq[Entry[R]] {
	return func(yield func(Entry[R]) bool) {
		for e, row := range x.m.Descend() {
			if !yield(Entry[R]{codec.Clone(e.v), e.k, row}) {
				return
			}
		}
	}
}

// Min returns the smallest non-null value in the index (a list, map or
// byte slice as a deep copy).
func (x *Index[R]) Min() (any, bool) {
	for e := range x.m.Ascend(key{false, minKey}) { // false is the smallest non-null value
		return codec.Clone(e.v), true
	}
	return nil, false
}

// Max returns the largest non-null value in the index (a list, map or
// byte slice as a deep copy). Of equal values (2 and 2.0) it returns the
// one of the smallest primary key, as Min does.
func (x *Index[R]) Max() (any, bool) {
	for e := range x.m.Descend() {
		if e.v == nil {
			return nil, false
		}
		for first := range x.m.Ascend(key{e.v, minKey}) {
			return codec.Clone(first.v), true
		}
	}
	return nil, false
}

// A Builder changes an index in place, for batches: it starts from an
// index in constant time and copies each node it shares with that index
// only on its first change, so the index it started from never changes. A
// Builder is for one goroutine.
//
// A builder that starts from an empty, non-unique index only collects the
// new entries of a batch, then sorts them and builds the tree bottom up
// with full leaves: a bulk load costs a sort instead of a tree insertion
// per entry.
//
// A Builder may be used as a value (b := *x.Edit()), which saves an
// allocation per batch; it must not be copied once it has changed.
type Builder[R any] struct {
	def     Def
	e       btree.Editor[key, R]
	pending []pendingEntry[R] // new entries not yet in e (only while collecting)
	collect bool              // e is empty and every change so far was a new entry
}

type pendingEntry[R any] struct {
	k key
	r R
}

// NewBuilder returns a builder for an empty index.
func NewBuilder[R any](def Def) *Builder[R] { return New[R](def).Edit() }

// Edit returns a builder starting from x's entries.
func (x *Index[R]) Edit() *Builder[R] {
	return &Builder[R]{def: x.def, e: *x.m.Edit(), collect: x.m.Len() == 0 && !x.def.Unique}
}

// Def returns the index definition.
func (b *Builder[R]) Def() Def { return b.def }

// Put maps v to k's row r, replacing the entry (old, k) if hadOld.
func (b *Builder[R]) Put(old any, hadOld bool, v any, k codec.Key, r R) {
	if b.collect && !hadOld {
		b.pending = append(b.pending, pendingEntry[R]{key{v, k}, r})
		return
	}
	b.flush()
	if hadOld && !codec.Identical(old, v) {
		b.e.Delete(key{old, k})
	}
	b.e.Set(key{v, k}, r)
}

// Grow prepares for n more entries: a builder collecting a bulk load
// reserves room for them at once instead of growing its buffer by
// appends, which for a million entries copied and discarded five times
// their size.
func (b *Builder[R]) Grow(n int) {
	if b.collect && n > 0 {
		b.pending = slices.Grow(b.pending, n)
	}
}

// Remove deletes the entry (v, k).
func (b *Builder[R]) Remove(v any, k codec.Key) {
	b.flush()
	b.e.Delete(key{v, k})
}

// sortPending sorts the collected entries. Bulk loads usually come in
// primary-key order with integer values: then a stable radix sort by value
// alone gives (value, key) order in linear time.
func (b *Builder[R]) sortPending() {
	p := b.pending
	inKeyOrder := true
	for i := range p {
		if _, isInt := p[i].k.v.(int64); !isInt || (i > 0 && !p[i-1].k.k.Less(p[i].k.k)) {
			inKeyOrder = false
			break
		}
	}
	if !inKeyOrder {
		slices.SortFunc(p, func(x, y pendingEntry[R]) int { return compareKeys(x.k, y.k) })
		return
	}
	b.pending, _ = radix.Sort(p, nil, func(e *pendingEntry[R]) int64 { return e.k.v.(int64) })
}

// flush moves the collected entries into the tree and stops collecting.
func (b *Builder[R]) flush() {
	b.collect = false
	if len(b.pending) == 0 {
		return
	}
	b.sortPending()
	if b.e.Len() == 0 {
		tb := btree.NewBuilder[key, R](compareKeys)
		ok := true
		for _, p := range b.pending {
			if tb.Append(p.k, p.r) != nil {
				ok = false // equal keys: cannot happen, as each row has one entry
				break
			}
		}
		if ok {
			b.e = *tb.Map().Edit()
			b.pending = nil
			return
		}
	}
	for _, p := range b.pending {
		b.e.Set(p.k, p.r)
	}
	b.pending = nil
}

// Conflict is Index.Conflict on the builder's entries.
func (b *Builder[R]) Conflict(v any, k codec.Key) (codec.Key, bool) {
	if !b.def.Unique || v == nil {
		return codec.Key{}, false
	}
	b.flush()
	it := b.e.Iterator()
	it.Seek(key{v, minKey})
	for !it.Done() {
		e, _, _ := it.Next()
		if !codec.Equal(e.v, v) {
			break
		}
		if !e.k.Equal(k) {
			return e.k, true
		}
	}
	return codec.Key{}, false
}

// Index returns the index as built so far. The builder may go on, and
// never changes an index it returned.
func (b *Builder[R]) Index() *Index[R] {
	b.flush()
	return &Index[R]{def: b.def, m: b.e.Map()}
}
