package bench

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tidwall/buntdb"
)

// BuntDB is tidwall/buntdb in memory with its fastest encoding (fixed-width
// values): key "u:<id>", value "AAA|name" (zero-padded age) and an index
// "age" on u:* whose less function compares the first 3 bytes.
type BuntDB struct{}

// Name implements Engine.
func (BuntDB) Name() string { return "buntdb" }

func lessAge(a, b string) bool  { return a[:3] < b[:3] }
func lessName(a, b string) bool { return a[4:] < b[4:] }

// New implements Engine.
func (BuntDB) New(ix Indexes) Store {
	db, err := buntdb.Open(":memory:")
	if err != nil {
		panic(err)
	}
	if ix >= AgeIndex {
		must(db.CreateIndex("age", "u:*", lessAge))
	}
	if ix >= AgeNameIndexes {
		must(db.CreateIndex("name", "u:*", lessName))
	}
	return &buntStore{db: db, prefix: "u:", age: "age", hasAge: ix >= AgeIndex}
}

// NewPair implements Pairer: keys u:<id> and v:<id> of one database, each
// set with its own age index; buntdb's write transactions exclude each
// other.
func (BuntDB) NewPair() (Store, Store) {
	db, err := buntdb.Open(":memory:")
	if err != nil {
		panic(err)
	}
	must(db.CreateIndex("age", "u:*", lessAge))
	must(db.CreateIndex("age2", "v:*", lessAge))
	return &buntStore{db: db, prefix: "u:", age: "age", hasAge: true}, &buntStore{db: db, prefix: "v:", age: "age2", hasAge: true}
}

type buntStore struct {
	db     *buntdb.DB
	prefix string // of every key: the table
	age    string // the age index's name
	hasAge bool
	last   string
	lkey   string
	buf    []buntKV
}

type buntKV struct{ k, v string }

type buntBatch struct{ keys, vals []string }

func (b *buntBatch) Len() int { return len(b.keys) }

func (s *buntStore) Prepare(ps []Person) Batch {
	b := &buntBatch{keys: make([]string, len(ps)), vals: make([]string, len(ps))}
	for i, p := range ps {
		b.keys[i] = s.prefix + strconv.FormatInt(p.ID, 10)
		b.vals[i] = fmt.Sprintf("%03d|%s", p.Age, p.Name)
	}
	return b
}

func (s *buntStore) InsertOne(b Batch, i int) error {
	bb := b.(*buntBatch)
	return s.db.Update(func(tx *buntdb.Tx) error {
		_, _, err := tx.Set(bb.keys[i], bb.vals[i], nil)
		return err
	})
}

func (s *buntStore) InsertAll(b Batch) error {
	bb := b.(*buntBatch)
	return s.db.Update(func(tx *buntdb.Tx) error {
		for i := range bb.keys {
			if _, _, err := tx.Set(bb.keys[i], bb.vals[i], nil); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *buntStore) Put(b Batch, i int) error { return s.InsertOne(b, i) }

func (s *buntStore) Key(id int64) any { return s.prefix + strconv.FormatInt(id, 10) }

func (s *buntStore) Get(k any) bool {
	key := k.(string)
	err := s.db.View(func(tx *buntdb.Tx) error {
		v, err := tx.Get(key)
		s.last = v
		return err
	})
	s.lkey = key
	return err == nil
}

func decodeBunt(k, v string) Person {
	id, _ := strconv.ParseInt(k[2:], 10, 64)
	age, _ := strconv.ParseInt(v[:3], 10, 64)
	return Person{ID: id, Name: v[4:], Age: age}
}

func (s *buntStore) Fetched() Person { return decodeBunt(s.lkey, s.last) }

func (s *buntStore) collect(k, v string) bool {
	s.buf = append(s.buf, buntKV{k, v})
	return true
}

// filter collects the values whose age bytes are in [lo, hi) by a scan
// of the keys.
func (s *buntStore) filter(lo, hi string) int {
	s.buf = s.buf[:0]
	must(s.db.View(func(tx *buntdb.Tx) error {
		return tx.Ascend("", func(k, v string) bool {
			if a := v[:3]; a >= lo && a < hi {
				s.buf = append(s.buf, buntKV{k, v})
			}
			return true
		})
	}))
	return len(s.buf)
}

func (s *buntStore) Eq() int {
	if !s.hasAge {
		return s.filter(buntEq, buntEqNext)
	}
	s.buf = s.buf[:0]
	must(s.db.View(func(tx *buntdb.Tx) error { return tx.AscendEqual(s.age, buntEq, s.collect) }))
	return len(s.buf)
}

// The read workloads' constants in buntdb's value encoding.
const (
	buntEq     = "030" // EqAge
	buntEqNext = "031" // EqAge + 1
	buntLo     = "030" // RangeLo
	buntHi     = "035" // RangeHi
	buntScan   = "060" // ScanAge
)

func (s *buntStore) Range() int {
	if !s.hasAge {
		return s.filter(buntLo, buntHi)
	}
	s.buf = s.buf[:0]
	must(s.db.View(func(tx *buntdb.Tx) error { return tx.AscendRange(s.age, buntLo, buntHi, s.collect) }))
	return len(s.buf)
}

func (s *buntStore) Scan() int {
	s.buf = s.buf[:0]
	must(s.db.View(func(tx *buntdb.Tx) error {
		return tx.Ascend("", func(k, v string) bool {
			if v[:3] >= buntScan && strings.HasSuffix(v, ScanSuffix) {
				s.buf = append(s.buf, buntKV{k, v})
			}
			return true
		})
	}))
	return len(s.buf)
}

func (s *buntStore) Collected() []int64 {
	ids := make([]int64, len(s.buf))
	for i, kv := range s.buf {
		ids[i] = decodeBunt(kv.k, kv.v).ID
	}
	return ids
}

func (s *buntStore) Close() {
	_ = s.db.Close()
	s.db, s.buf = nil, nil
}
