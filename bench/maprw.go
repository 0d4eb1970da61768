package bench

import (
	"strings"
	"sync"
)

// MapRW is the baseline: map[int64]*Person for the primary key plus hash
// indexes map[value]map[id]*Person, behind one sync.RWMutex, with proper
// upsert. It has no sorted index, so the range query is a full scan.
type MapRW struct{}

// Name implements Engine.
func (MapRW) Name() string { return "map-rwmutex" }

// New implements Engine.
func (MapRW) New(ix Indexes) Store {
	s := &mapStore{pk: map[int64]*Person{}}
	if ix >= AgeIndex {
		s.age = map[int64]map[int64]*Person{}
	}
	if ix >= AgeNameIndexes {
		s.name = map[string]map[int64]*Person{}
	}
	return s
}

type mapStore struct {
	mu   sync.RWMutex
	pk   map[int64]*Person
	age  map[int64]map[int64]*Person
	name map[string]map[int64]*Person
	last *Person
	buf  []*Person
}

func (s *mapStore) Prepare(ps []Person) Batch { return pointers(ps) }

func addTo[K comparable](ix map[K]map[int64]*Person, v K, p *Person) {
	b := ix[v]
	if b == nil {
		b = map[int64]*Person{}
		ix[v] = b
	}
	b[p.ID] = p
}

func removeFrom[K comparable](ix map[K]map[int64]*Person, v K, id int64) {
	b := ix[v]
	delete(b, id)
	if len(b) == 0 {
		delete(ix, v)
	}
}

// put upserts p; s.mu must be held.
func (s *mapStore) put(p *Person) {
	if old, ok := s.pk[p.ID]; ok {
		if s.age != nil {
			removeFrom(s.age, old.Age, old.ID)
		}
		if s.name != nil {
			removeFrom(s.name, old.Name, old.ID)
		}
	}
	s.pk[p.ID] = p
	if s.age != nil {
		addTo(s.age, p.Age, p)
	}
	if s.name != nil {
		addTo(s.name, p.Name, p)
	}
}

func (s *mapStore) InsertOne(b Batch, i int) error {
	s.mu.Lock()
	s.put(b.(memBatch)[i])
	s.mu.Unlock()
	return nil
}

func (s *mapStore) InsertAll(b Batch) error {
	s.mu.Lock()
	for _, p := range b.(memBatch) {
		s.put(p)
	}
	s.mu.Unlock()
	return nil
}

func (s *mapStore) Put(b Batch, i int) error { return s.InsertOne(b, i) }

func (s *mapStore) Key(id int64) any { return id }

func (s *mapStore) Get(k any) bool {
	s.mu.RLock()
	p, ok := s.pk[k.(int64)]
	s.mu.RUnlock()
	s.last = p
	return ok
}

func (s *mapStore) Fetched() Person { return *s.last }

func (s *mapStore) Eq() int {
	s.buf = s.buf[:0]
	s.mu.RLock()
	if s.age != nil {
		for _, p := range s.age[EqAge] {
			s.buf = append(s.buf, p)
		}
	} else {
		for _, p := range s.pk {
			if p.Age == EqAge {
				s.buf = append(s.buf, p)
			}
		}
	}
	s.mu.RUnlock()
	return len(s.buf)
}

func (s *mapStore) Range() int {
	s.buf = s.buf[:0]
	s.mu.RLock()
	for _, p := range s.pk {
		if p.Age >= RangeLo && p.Age < RangeHi {
			s.buf = append(s.buf, p)
		}
	}
	s.mu.RUnlock()
	return len(s.buf)
}

func (s *mapStore) Scan() int {
	s.buf = s.buf[:0]
	s.mu.RLock()
	for _, p := range s.pk {
		if p.Age >= ScanAge && strings.HasSuffix(p.Name, ScanSuffix) {
			s.buf = append(s.buf, p)
		}
	}
	s.mu.RUnlock()
	return len(s.buf)
}

func (s *mapStore) Collected() []int64 { return personIDs(s.buf) }

func (s *mapStore) Close() { s.pk, s.age, s.name, s.buf = nil, nil, nil, nil }
