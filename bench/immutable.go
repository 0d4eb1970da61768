package bench

import (
	"cmp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/benbjohnson/immutable"
)

// Immutable is raw benbjohnson/immutable as a careful user would build a
// store on it: a snapshot struct behind an atomic.Pointer, a sync.Mutex for
// writers, the primary key in a HAMT (immutable.Map, default hasher) and
// each secondary index in a SortedMap over a composite (value, id) key.
// Batches into an empty store use builders; batches into a non-empty one
// must use persistent Sets (builders cannot start from an existing map).
type Immutable struct{}

// Name implements Engine.
func (Immutable) Name() string { return "immutable" }

type ageKey struct{ age, id int64 }

type ageCmp struct{}

func (ageCmp) Compare(a, b ageKey) int {
	if c := cmp.Compare(a.age, b.age); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

type nameKey struct {
	name string
	id   int64
}

type nameCmp struct{}

func (nameCmp) Compare(a, b nameKey) int {
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

type immSnap struct {
	pk   *immutable.Map[int64, *Person]
	age  *immutable.SortedMap[ageKey, *Person]  // nil without the index
	name *immutable.SortedMap[nameKey, *Person] // nil without the index
}

// New implements Engine.
func (Immutable) New(ix Indexes) Store {
	s := &immSnap{pk: immutable.NewMap[int64, *Person](nil)}
	if ix >= AgeIndex {
		s.age = immutable.NewSortedMap[ageKey, *Person](ageCmp{})
	}
	if ix >= AgeNameIndexes {
		s.name = immutable.NewSortedMap[nameKey, *Person](nameCmp{})
	}
	st := &immStore{}
	st.cur.Store(s)
	return st
}

type immStore struct {
	mu   sync.Mutex
	cur  atomic.Pointer[immSnap]
	last *Person
	buf  []*Person
}

func (s *immStore) Prepare(ps []Person) Batch { return pointers(ps) }

// set upserts p into n with persistent Sets.
func (n *immSnap) set(p *Person) {
	old, had := n.pk.Get(p.ID)
	if had && n.age != nil {
		n.age = n.age.Delete(ageKey{old.Age, old.ID})
	}
	if had && n.name != nil {
		n.name = n.name.Delete(nameKey{old.Name, old.ID})
	}
	n.pk = n.pk.Set(p.ID, p)
	if n.age != nil {
		n.age = n.age.Set(ageKey{p.Age, p.ID}, p)
	}
	if n.name != nil {
		n.name = n.name.Set(nameKey{p.Name, p.ID}, p)
	}
}

func (s *immStore) InsertOne(b Batch, i int) error {
	s.mu.Lock()
	n := *s.cur.Load()
	n.set(b.(memBatch)[i])
	s.cur.Store(&n)
	s.mu.Unlock()
	return nil
}

func (s *immStore) InsertAll(b Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := *s.cur.Load()
	ps := b.(memBatch)
	if n.pk.Len() > 0 {
		for _, p := range ps {
			n.set(p)
		}
		s.cur.Store(&n)
		return nil
	}
	pk := immutable.NewMapBuilder[int64, *Person](nil)
	var age *immutable.SortedMapBuilder[ageKey, *Person]
	var name *immutable.SortedMapBuilder[nameKey, *Person]
	if n.age != nil {
		age = immutable.NewSortedMapBuilder[ageKey, *Person](ageCmp{})
	}
	if n.name != nil {
		name = immutable.NewSortedMapBuilder[nameKey, *Person](nameCmp{})
	}
	for _, p := range ps {
		if old, had := pk.Get(p.ID); had {
			if age != nil {
				age.Delete(ageKey{old.Age, old.ID})
			}
			if name != nil {
				name.Delete(nameKey{old.Name, old.ID})
			}
		}
		pk.Set(p.ID, p)
		if age != nil {
			age.Set(ageKey{p.Age, p.ID}, p)
		}
		if name != nil {
			name.Set(nameKey{p.Name, p.ID}, p)
		}
	}
	n.pk = pk.Map()
	if age != nil {
		n.age = age.Map()
	}
	if name != nil {
		n.name = name.Map()
	}
	s.cur.Store(&n)
	return nil
}

func (s *immStore) Put(b Batch, i int) error { return s.InsertOne(b, i) }

func (s *immStore) Key(id int64) any { return id }

func (s *immStore) Get(k any) bool {
	p, ok := s.cur.Load().pk.Get(k.(int64))
	s.last = p
	return ok
}

func (s *immStore) Fetched() Person { return *s.last }

// ageRange collects the rows with lo <= age < hi from the sorted index.
func (s *immStore) ageRange(lo, hi int64) int {
	s.buf = s.buf[:0]
	n := s.cur.Load()
	if n.age == nil {
		return s.scan(func(p *Person) bool { return p.Age >= lo && p.Age < hi })
	}
	it := n.age.Iterator()
	it.Seek(ageKey{lo, -1 << 63})
	for !it.Done() {
		k, p, _ := it.Next()
		if k.age >= hi {
			break
		}
		s.buf = append(s.buf, p)
	}
	return len(s.buf)
}

func (s *immStore) scan(match func(*Person) bool) int {
	s.buf = s.buf[:0]
	it := s.cur.Load().pk.Iterator()
	for !it.Done() {
		_, p, _ := it.Next()
		if match(p) {
			s.buf = append(s.buf, p)
		}
	}
	return len(s.buf)
}

func (s *immStore) Eq() int    { return s.ageRange(EqAge, EqAge+1) }
func (s *immStore) Range() int { return s.ageRange(RangeLo, RangeHi) }
func (s *immStore) Scan() int {
	s.buf = s.buf[:0]
	it := s.cur.Load().pk.Iterator()
	for !it.Done() {
		_, p, _ := it.Next()
		if p.Age >= ScanAge && strings.HasSuffix(p.Name, ScanSuffix) {
			s.buf = append(s.buf, p)
		}
	}
	return len(s.buf)
}

func (s *immStore) Collected() []int64 { return personIDs(s.buf) }

func (s *immStore) Close() { s.cur.Store(nil); s.buf = nil }
