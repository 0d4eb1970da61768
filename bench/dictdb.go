package bench

import (
	"fmt"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// DictDB is dictdb with its fast paths: InsertMany (builders on an empty
// table), Insert, GetRow and Rows (zero-copy), and a sorted index on age.
type DictDB struct{}

// Name implements Engine.
func (DictDB) Name() string { return "dictdb" }

// New implements Engine.
func (DictDB) New(ix Indexes) Store { return newDictStore(dictdb.New(), "people", ix) }

// NewPair implements Pairer: tables people and people2 of one database.
func (DictDB) NewPair() (Store, Store) {
	db := dictdb.New()
	return newDictStore(db, "people", AgeIndex), newDictStore(db, "people2", AgeIndex)
}

func newDictStore(db *dictdb.DB, table string, ix Indexes) *dictStore {
	t, err := db.CreateTable(table)
	if err != nil {
		panic(err)
	}
	if ix >= AgeIndex {
		must(t.CreateIndex("age", dictdb.SortedIndex))
	}
	if ix >= AgeNameIndexes {
		must(t.CreateIndex("name", dictdb.HashIndex))
	}
	return &dictStore{
		db: db, t: t,
		eq:  dictdb.Query{Where: cond.Field("age").Eq(EqAge)},
		rng: dictdb.Query{Where: cond.And(cond.Field("age").Gte(RangeLo), cond.Field("age").Lt(RangeHi))},
		rngOrdered: dictdb.Query{Where: cond.And(cond.Field("age").Gte(RangeLo), cond.Field("age").Lt(RangeHi)),
			OrderBy: []string{"age"}},
		scan: dictdb.Query{Where: cond.And(cond.Field("age").Gte(ScanAge), cond.Field("name").EndsWith(ScanSuffix))},
	}
}

type dictStore struct {
	db            *dictdb.DB
	t             *dictdb.Table
	eq, rng, scan dictdb.Query
	rngOrdered    dictdb.Query // (e-ordered)
	last          dictdb.Row
	rows          []dictdb.Row
}

type dictBatch []dictdb.Record

func (b dictBatch) Len() int { return len(b) }

func (s *dictStore) Prepare(ps []Person) Batch {
	b := make(dictBatch, len(ps))
	for i, p := range ps {
		b[i] = dictdb.Record{"id": p.ID, "name": p.Name, "age": p.Age}
	}
	return b
}

func (s *dictStore) InsertOne(b Batch, i int) error {
	_, err := s.t.Insert(b.(dictBatch)[i])
	return err
}

func (s *dictStore) InsertAll(b Batch) error {
	_, err := s.t.InsertMany(b.(dictBatch))
	return err
}

func (s *dictStore) Put(b Batch, i int) error {
	_, _, err := s.t.Upsert(b.(dictBatch)[i], dictdb.OnConflictUpdate)
	return err
}

func (s *dictStore) Key(id int64) any { return id }

func (s *dictStore) Get(k any) bool {
	r, ok := s.t.GetRow(k)
	s.last = r
	return ok
}

func (s *dictStore) Fetched() Person { return personOfRow(s.last) }

func personOfRow(r dictdb.Row) Person {
	id, _ := r.Get("id")
	name, _ := r.Get("name")
	age, _ := r.Get("age")
	return Person{ID: id.(int64), Name: name.(string), Age: age.(int64)}
}

func (s *dictStore) query(q dictdb.Query) int {
	rows, err := s.t.Rows(q)
	if err != nil {
		panic(err)
	}
	s.rows = rows
	return len(rows)
}

func (s *dictStore) Eq() int    { return s.query(s.eq) }
func (s *dictStore) Range() int { return s.query(s.rng) }
func (s *dictStore) Scan() int  { return s.query(s.scan) }

func (s *dictStore) Collected() []int64 {
	ids := make([]int64, len(s.rows))
	for i, r := range s.rows {
		ids[i] = personOfRow(r).ID
	}
	return ids
}

func (s *dictStore) Close() { s.db, s.t, s.rows = nil, nil, nil }

// Snapshot takes a dictdb snapshot (workload i).
func (s *dictStore) Snapshot() any { return s.db.Snapshot() }

// Explain describes dictdb's plans for the read workloads.
func (s *dictStore) Explain() string {
	out := ""
	for _, q := range []dictdb.Query{s.eq, s.rng, s.rngOrdered, s.scan} {
		e, err := s.t.Explain(q)
		if err != nil {
			e = err.Error()
		}
		out += fmt.Sprintf("%v: %s\n", q.Where, e)
	}
	return out
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
