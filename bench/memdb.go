package bench

import (
	"strings"

	memdb "github.com/hashicorp/go-memdb"
)

// MemDB is hashicorp/go-memdb: table people with a unique IntFieldIndex on
// ID and non-unique IntFieldIndex on Age (and StringFieldIndex on Name).
type MemDB struct{}

// Name implements Engine.
func (MemDB) Name() string { return "go-memdb" }

// New implements Engine.
func (MemDB) New(ix Indexes) Store {
	db, err := memdb.NewMemDB(&memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		"people": {Name: "people", Indexes: memIndexes(ix)},
	}})
	if err != nil {
		panic(err)
	}
	return &memStore{db: db, table: "people", hasAge: ix >= AgeIndex}
}

// NewPair implements Pairer: tables people and people2 of one database,
// whose write transactions exclude each other.
func (MemDB) NewPair() (Store, Store) {
	db, err := memdb.NewMemDB(&memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		"people":  {Name: "people", Indexes: memIndexes(AgeIndex)},
		"people2": {Name: "people2", Indexes: memIndexes(AgeIndex)},
	}})
	if err != nil {
		panic(err)
	}
	return &memStore{db: db, table: "people", hasAge: true}, &memStore{db: db, table: "people2", hasAge: true}
}

func memIndexes(ix Indexes) map[string]*memdb.IndexSchema {
	idx := map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: &memdb.IntFieldIndex{Field: "ID"}},
	}
	if ix >= AgeIndex {
		idx["age"] = &memdb.IndexSchema{Name: "age", Indexer: &memdb.IntFieldIndex{Field: "Age"}}
	}
	if ix >= AgeNameIndexes {
		idx["name"] = &memdb.IndexSchema{Name: "name", Indexer: &memdb.StringFieldIndex{Field: "Name"}}
	}
	return idx
}

type memStore struct {
	db     *memdb.MemDB
	table  string
	hasAge bool
	last   *Person
	buf    []*Person
}

type memBatch []*Person

func (b memBatch) Len() int { return len(b) }

func (s *memStore) Prepare(ps []Person) Batch { return pointers(ps) }

// pointers returns pointers to fresh copies of ps.
func pointers(ps []Person) memBatch {
	b := make(memBatch, len(ps))
	for i := range ps {
		p := ps[i]
		b[i] = &p
	}
	return b
}

func (s *memStore) InsertOne(b Batch, i int) error {
	txn := s.db.Txn(true)
	if err := txn.Insert(s.table, b.(memBatch)[i]); err != nil {
		txn.Abort()
		return err
	}
	txn.Commit()
	return nil
}

func (s *memStore) InsertAll(b Batch) error {
	txn := s.db.Txn(true)
	for _, p := range b.(memBatch) {
		if err := txn.Insert(s.table, p); err != nil {
			txn.Abort()
			return err
		}
	}
	txn.Commit()
	return nil
}

func (s *memStore) Put(b Batch, i int) error { return s.InsertOne(b, i) }

func (s *memStore) Key(id int64) any { return id }

func (s *memStore) Get(k any) bool {
	txn := s.db.Txn(false)
	v, err := txn.First(s.table, "id", k)
	if err != nil || v == nil {
		s.last = nil
		return false
	}
	s.last = v.(*Person)
	return true
}

func (s *memStore) Fetched() Person { return *s.last }

// filter collects the rows matching match by a scan of the primary key.
func (s *memStore) filter(match func(*Person) bool) int {
	s.buf = s.buf[:0]
	it, err := s.db.Txn(false).Get(s.table, "id")
	if err != nil {
		panic(err)
	}
	for v := it.Next(); v != nil; v = it.Next() {
		if p := v.(*Person); match(p) {
			s.buf = append(s.buf, p)
		}
	}
	return len(s.buf)
}

func (s *memStore) Eq() int {
	if !s.hasAge {
		return s.filter(func(p *Person) bool { return MatchEq(p.Age) })
	}
	s.buf = s.buf[:0]
	txn := s.db.Txn(false)
	it, err := txn.Get(s.table, "age", int64(EqAge))
	if err != nil {
		panic(err)
	}
	for v := it.Next(); v != nil; v = it.Next() {
		s.buf = append(s.buf, v.(*Person))
	}
	return len(s.buf)
}

func (s *memStore) Range() int {
	if !s.hasAge {
		return s.filter(func(p *Person) bool { return MatchRange(p.Age) })
	}
	s.buf = s.buf[:0]
	txn := s.db.Txn(false)
	it, err := txn.LowerBound(s.table, "age", int64(RangeLo))
	if err != nil {
		panic(err)
	}
	for v := it.Next(); v != nil; v = it.Next() {
		p := v.(*Person)
		if p.Age >= RangeHi {
			break
		}
		s.buf = append(s.buf, p)
	}
	return len(s.buf)
}

func (s *memStore) Scan() int {
	s.buf = s.buf[:0]
	txn := s.db.Txn(false)
	it, err := txn.Get(s.table, "id")
	if err != nil {
		panic(err)
	}
	for v := it.Next(); v != nil; v = it.Next() {
		p := v.(*Person)
		if p.Age >= ScanAge && strings.HasSuffix(p.Name, ScanSuffix) {
			s.buf = append(s.buf, p)
		}
	}
	return len(s.buf)
}

func (s *memStore) Collected() []int64 { return personIDs(s.buf) }

func (s *memStore) Close() { s.db, s.buf = nil, nil }

func personIDs(ps []*Person) []int64 {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}
