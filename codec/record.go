package codec

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"iter"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// A Shape is the sorted list of field names that a set of records shares.
// A Shape never changes once created, so it is safe for concurrent use;
// shapes are interned (see ShapeOf), so the rows of a table of uniform
// records share one.
type Shape struct {
	id    uint64         // process-unique, never 0; keys Field's slot cache
	names []string       // sorted, distinct
	index map[string]int // name -> slot, for wide shapes only
}

// wideShape is the width above which a shape resolves names with a map
// rather than a binary search.
const wideShape = 16

// maxInterned bounds the process-wide intern table. Shapes made after it is
// full work the same; they are merely not shared.
const maxInterned = 1 << 12

var (
	shapeIDs  atomic.Uint64
	shapeSeed = maphash.MakeSeed()
	// interned maps the hash of a shape's names to the shape. The map is
	// never modified once published: an addition publishes a copy, under
	// internMu, so look-ups take no lock and box nothing.
	interned   atomic.Pointer[map[uint64]*Shape]
	internMu   sync.Mutex
	emptyShape = internSorted(nil)
	// lastShape is NormalizeRecord's first guess: the shape it made last.
	lastShape atomic.Pointer[Shape]
)

// ShapeOf returns the interned shape of the given field names, in any order;
// duplicates count once.
func ShapeOf(names ...string) *Shape {
	s := slices.Clone(names)
	slices.Sort(s)
	return internSorted(slices.Compact(s))
}

// internSorted returns the shape of names, which must be sorted and
// distinct. It does not retain names.
func internSorted(names []string) *Shape {
	h := hashNames(names)
	if s := lookupShape(h); s != nil {
		if slices.Equal(s.names, names) {
			return s
		}
		return newShape(names) // a hash collision: correct, just not shared
	}
	internMu.Lock()
	defer internMu.Unlock()
	if s := lookupShape(h); s != nil {
		if slices.Equal(s.names, names) {
			return s
		}
		return newShape(names)
	}
	s := newShape(names)
	var old map[uint64]*Shape
	if p := interned.Load(); p != nil {
		old = *p
	}
	if len(old) < maxInterned {
		next := make(map[uint64]*Shape, len(old)+1)
		maps.Copy(next, old)
		next[h] = s
		interned.Store(&next)
	}
	return s
}

func lookupShape(h uint64) *Shape {
	if p := interned.Load(); p != nil {
		return (*p)[h]
	}
	return nil
}

func newShape(names []string) *Shape {
	s := &Shape{id: shapeIDs.Add(1), names: slices.Clone(names)}
	if len(names) > wideShape {
		s.index = make(map[string]int, len(names))
		for i, n := range names {
			s.index[n] = i
		}
	}
	return s
}

func hashNames(names []string) uint64 {
	var h maphash.Hash
	h.SetSeed(shapeSeed)
	var buf [8]byte
	for _, n := range names {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(n)))
		h.Write(buf[:])
		h.WriteString(n)
	}
	return h.Sum64()
}

// Len returns the number of fields.
func (s *Shape) Len() int { return len(s.names) }

// Name returns the name of slot i.
func (s *Shape) Name(i int) string { return s.names[i] }

// Names returns a copy of the sorted field names.
func (s *Shape) Names() []string { return slices.Clone(s.names) }

// Slot returns the position of name among the sorted names, or -1.
func (s *Shape) Slot(name string) int {
	if s.index != nil {
		if i, ok := s.index[name]; ok {
			return i
		}
		return -1
	}
	lo, hi := 0, len(s.names)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.names[m] < name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(s.names) && s.names[lo] == name {
		return lo
	}
	return -1
}

// A Record is a compact, normalized record: a handle to one allocation
// holding its shape and its values in shape order. Records are read-only
// once shared; copying a Record copies the handle, not the values. The
// zero Record has no fields.
type Record struct {
	// p points at slot 0 of a []any of length Shape.Len()+1: slot 0 holds
	// the *Shape, slots 1.. the values. One allocation per record.
	p *any
}

// NewRecord returns a record of shape s with every value nil, and its values
// in shape order for the caller to fill in before sharing the record.
func NewRecord(s *Shape) (Record, []any) {
	buf := make([]any, len(s.names)+1)
	buf[0] = s
	return Record{p: &buf[0]}, buf[1:]
}

// RecordOf returns a record with the fields of m, which must be normalized.
// The values are shared with m, not copied.
func RecordOf(m map[string]any) Record {
	var n Normalizer
	return n.Wrap(m, "")
}

// Shape returns the record's shape (an empty shape for the zero Record).
func (r Record) Shape() *Shape {
	if r.p == nil {
		return emptyShape
	}
	return (*r.p).(*Shape)
}

// Len returns the number of fields.
func (r Record) Len() int { return r.Shape().Len() }

// Values returns the values in shape order. The slice is the record's own
// storage: it must be treated as read-only once the record is shared.
func (r Record) Values() []any {
	if r.p == nil {
		return nil
	}
	return unsafe.Slice(r.p, len((*r.p).(*Shape).names)+1)[1:]
}

// Get returns the value of field name and whether the field is present.
func (r Record) Get(name string) (any, bool) {
	i := r.Shape().Slot(name)
	if i < 0 {
		return nil, false
	}
	return r.Values()[i], true
}

// CloneField returns the value of field name as Get does, but as a deep
// copy when it is a list, map or byte slice (Clone): a scalar costs no copy.
func (r Record) CloneField(name string) (any, bool) {
	i := r.Shape().Slot(name)
	if i < 0 {
		return nil, false
	}
	return Clone(r.Values()[i]), true
}

// All iterates over the fields in sorted order.
func (r Record) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		s, vals := r.Shape(), r.Values()
		for i, v := range vals {
			if !yield(s.names[i], v) {
				return
			}
		}
	}
}

// Map returns a deep copy of the record as a map that the caller owns.
func (r Record) Map() map[string]any {
	s, vals := r.Shape(), r.Values()
	out := make(map[string]any, len(vals))
	for i, v := range vals {
		out[s.names[i]] = Clone(v)
	}
	return out
}

// Clone returns a deep copy of r that shares nothing with it: a new record
// of the same shape whose lists, maps and byte slices are copies.
func (r Record) Clone() Record {
	if r.p == nil {
		return Record{}
	}
	n, vals := NewRecord(r.Shape())
	for i, v := range r.Values() {
		vals[i] = Clone(v)
	}
	return n
}

// Same reports whether r and o are the same record (not merely equal).
func (r Record) Same(o Record) bool { return r.p == o.p }

// With returns a new record: r with field name set to v.
func (r Record) With(name string, v any) Record {
	s := r.Shape()
	if i := s.Slot(name); i >= 0 {
		n, vals := NewRecord(s)
		copy(vals, r.Values())
		vals[i] = v
		return n
	}
	names := make([]string, len(s.names), len(s.names)+1)
	copy(names, s.names)
	i, _ := slices.BinarySearch(names, name)
	n, vals := NewRecord(internSorted(slices.Insert(names, i, name)))
	old := r.Values()
	copy(vals, old[:i])
	vals[i] = v
	copy(vals[i+1:], old[i:])
	return n
}

// EqualRecords reports whether a and b have the same fields with Equal
// values.
func EqualRecords(a, b Record) bool {
	sa, sb := a.Shape(), b.Shape()
	if sa != sb && !slices.Equal(sa.names, sb.names) {
		return false
	}
	vb := b.Values()
	for i, v := range a.Values() {
		if !Equal(v, vb[i]) {
			return false
		}
	}
	return true
}

// HashRecord writes a hash of r to h: the same bytes Hash writes for a map
// with r's fields, so it agrees with EqualRecords.
func HashRecord(h *maphash.Hash, r Record) {
	var buf [9]byte
	s, vals := r.Shape(), r.Values()
	buf[0] = byte(Map)
	binary.LittleEndian.PutUint64(buf[1:], uint64(len(vals)))
	h.Write(buf[:])
	for i, v := range vals {
		binary.LittleEndian.PutUint64(buf[1:], uint64(len(s.names[i])))
		h.Write(buf[1:])
		h.WriteString(s.names[i])
		Hash(h, v)
	}
}

// A Field is a field name that remembers its slot in the shape it last
// resolved, so that reading the same field of many records of one shape
// costs no string comparison. A Field is safe for concurrent use.
type Field struct {
	name string
	// cache packs the last shape's id (high bits) and the slot plus one
	// (low slotBits bits; 0: absent). One word, so readers never see a
	// torn pair.
	cache atomic.Uint64
}

const (
	slotBits = 20
	slotMask = 1<<slotBits - 1
)

// NewField returns a Field for name.
func NewField(name string) *Field { return &Field{name: name} }

// Name returns the field name.
func (f *Field) Name() string { return f.name }

// Slot returns the field's slot in s, or -1.
func (f *Field) Slot(s *Shape) int {
	c := f.cache.Load()
	if c>>slotBits == s.id {
		return int(c&slotMask) - 1
	}
	return f.resolve(s)
}

// resolve looks the field up in s and caches the slot: Slot's slow path.
func (f *Field) resolve(s *Shape) int {
	i := s.Slot(f.name)
	if i+1 <= slotMask && s.id < 1<<(64-slotBits) {
		f.cache.Store(s.id<<slotBits | uint64(i+1))
	}
	return i
}

// Cached returns the field's value in r when the field's slot cache
// answers for r's shape, and ok false when the caller must ask Value. It is
// small enough to be inlined into compiled predicates, the hottest path of
// a scan.
func (f *Field) Cached(r Record) (v any, ok bool) {
	// The cache holds the slot plus one: the value's index in the record's
	// allocation, whose slot 0 is the shape. The shape is read with a
	// checked assertion: reading the interface's data word directly
	// measured no faster (BenchmarkFieldCached).
	if c := f.cache.Load(); r.p != nil && c>>slotBits == (*r.p).(*Shape).id && c&slotMask != 0 {
		return *(*any)(unsafe.Add(unsafe.Pointer(r.p), uintptr(c&slotMask)*unsafe.Sizeof(*r.p))), true
	}
	return nil, false
}

// Value returns the field's value in r, nil if absent.
func (f *Field) Value(r Record) any {
	v, _ := f.Get(r)
	return v
}

// Get returns the field's value in r and whether it is present.
func (f *Field) Get(r Record) (any, bool) {
	if r.p == nil {
		return nil, false
	}
	s := (*r.p).(*Shape)
	i := f.Slot(s)
	if i < 0 {
		return nil, false
	}
	return unsafe.Slice(r.p, len(s.names)+1)[i+1], true
}

// A Normalizer turns callers' maps into normalized Records, remembering the
// last shapes it made: the records of one write usually share a shape, so
// they then cost no sorting and no intern look-up. The zero Normalizer is
// ready to use; it is for one goroutine.
type Normalizer struct {
	last    *Shape
	mergeA  *Shape // the last Merge's operand shapes and result shape
	mergeB  *Shape
	mergeTo *Shape
}

// NewNormalizer returns a Normalizer that first tries shape s (may be nil).
func NewNormalizer(s *Shape) *Normalizer { return &Normalizer{last: s} }

// Last returns the shape of the last record normalized, or nil.
func (n *Normalizer) Last() *Shape { return n.last }

// NormalizeRecord returns a normalized deep copy of rec as a Record. It
// rejects a field named "" (ErrInvalidRecord) and unsupported values
// (ErrUnsupportedValue); the caller's map is never retained.
func NormalizeRecord(rec map[string]any) (Record, error) {
	hint := lastShape.Load()
	n := Normalizer{last: hint}
	r, err := n.Normalize(rec, "")
	if n.last != hint && n.last != nil {
		lastShape.Store(n.last)
	}
	return r, err
}

// Normalize returns a normalized deep copy of rec, as NormalizeRecord does.
// If ensure is not empty, the record has that field even if rec lacks it
// (with a nil value).
func (n *Normalizer) Normalize(rec map[string]any, ensure string) (Record, error) {
	return n.build(rec, ensure, true)
}

// Wrap returns a record with the fields of rec, which must be normalized,
// as Normalize does but sharing the values instead of copying them. It
// never fails.
func (n *Normalizer) Wrap(rec map[string]any, ensure string) Record {
	r, _ := n.build(rec, ensure, false)
	return r
}

func (n *Normalizer) build(rec map[string]any, ensure string, normalizing bool) (Record, error) {
	size := len(rec)
	if ensure != "" {
		if _, ok := rec[ensure]; !ok {
			size++
		}
	}
	s := n.last
	if s == nil || len(s.names) != size || (ensure != "" && s.Slot(ensure) < 0) {
		s = n.shapeOf(rec, ensure)
	}
	for {
		r, vals := NewRecord(s)
		fits := true
		for k, v := range rec {
			i := s.Slot(k)
			if i < 0 {
				fits = false // rec has another field set than the last record
				break
			}
			if normalizing {
				if k == "" {
					return Record{}, fmt.Errorf("%w: a field name must not be empty", ErrInvalidRecord)
				}
				nv, err := normalize(k, v, 0)
				if err != nil {
					return Record{}, err
				}
				v = nv
			}
			vals[i] = v
		}
		if fits {
			return r, nil
		}
		s = n.shapeOf(rec, ensure)
	}
}

// shapeOf returns the interned shape of rec's fields plus ensure, and
// remembers it.
func (n *Normalizer) shapeOf(rec map[string]any, ensure string) *Shape {
	var buf [16]string // the names of most records fit: no allocation
	names := buf[:0]
	for k := range rec {
		names = append(names, k)
	}
	if _, ok := rec[ensure]; ensure != "" && !ok {
		names = append(names, ensure)
	}
	slices.Sort(names)
	n.last = internSorted(names)
	return n.last
}

// Merge returns a new record with the fields of old and of changes, the
// values of changes winning.
func (n *Normalizer) Merge(old, changes Record) Record {
	so, sc := old.Shape(), changes.Shape()
	var s *Shape
	switch {
	case n.mergeA == so && n.mergeB == sc:
		s = n.mergeTo
	case covers(so, sc):
		s = so
	default:
		names := make([]string, 0, len(so.names)+len(sc.names))
		names = append(append(names, so.names...), sc.names...)
		slices.Sort(names)
		s = internSorted(slices.Compact(names))
	}
	n.mergeA, n.mergeB, n.mergeTo = so, sc, s
	r, vals := NewRecord(s)
	if s == so {
		copy(vals, old.Values())
	} else {
		for i, v := range old.Values() {
			vals[s.Slot(so.names[i])] = v
		}
	}
	for i, v := range changes.Values() {
		vals[s.Slot(sc.names[i])] = v
	}
	return r
}

// covers reports whether every name of b is in a.
func covers(a, b *Shape) bool {
	if a == b {
		return true
	}
	for _, name := range b.names {
		if a.Slot(name) < 0 {
			return false
		}
	}
	return true
}
