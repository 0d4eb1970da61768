package dictdb_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

type Status string

type Address struct {
	Street string `dictdb:"street"`
	Zip    int    `dictdb:"zip,omitempty"`
}

type Audit struct {
	Created time.Time `dictdb:"created"`
	By      string    `dictdb:"by"`
}

// Kitchen holds a field of every supported kind.
type Kitchen struct {
	ID     int64  `dictdb:"id,pk"`
	Audit         // embedded: promoted fields
	Name   string `dictdb:"name"`
	Flag   bool
	I      int
	I8     int8
	I16    int16
	I32    int32
	U      uint
	U8     uint8
	U16    uint16
	U32    uint32
	U64    uint64
	F32    float32
	F64    float64
	Status Status
	Blob   []byte
	Tags   []string
	Grid   [2][2]int
	Attrs  map[string]int
	Home   Address
	Work   *Address
	Nick   *string
	Any    any
	Anys   []any
	Nested map[string][]Address
	Opt    string `dictdb:"opt,omitempty"`
	Skip   string `dictdb:"-"`
	hidden int
}

func kitchen(i int) Kitchen {
	nick := "nick"
	k := Kitchen{
		Audit:  Audit{Created: time.Date(2024, 5, 6, 7, 8, 9, 10, time.UTC), By: "me"},
		Name:   "n" + strings.Repeat("x", i),
		Flag:   i%2 == 0,
		I:      -i,
		I8:     math.MinInt8,
		I16:    math.MaxInt16,
		I32:    math.MinInt32,
		U:      7,
		U8:     math.MaxUint8,
		U16:    math.MaxUint16,
		U32:    math.MaxUint32,
		U64:    math.MaxInt64,
		F32:    1.5,
		F64:    -2.25,
		Status: "active",
		Blob:   []byte{0, 1, 2},
		Tags:   []string{"a", "b"},
		Grid:   [2][2]int{{1, 2}, {3, 4}},
		Attrs:  map[string]int{"x": 1},
		Home:   Address{Street: "main"},
		Any:    map[string]any{"k": []any{int64(1), "two"}},
		Anys:   []any{true, nil, 1.5},
		Nested: map[string][]Address{"old": {{Street: "s", Zip: 9}}},
	}
	if i%2 == 1 {
		k.Work = &Address{Street: "office", Zip: 12345}
		k.Nick = &nick
		k.Opt = "set"
	}
	return k
}

func TestTypedRoundTripEveryKind(t *testing.T) {
	db := dictdb.New()
	ks, err := dictdb.CreateTableOf[Kitchen](db, "k")
	require.NoError(t, err)
	var want []Kitchen
	for i := range 4 {
		k := kitchen(i)
		k.Skip = "not stored"
		k.hidden = 5
		key, err := ks.Insert(k)
		require.NoError(t, err)
		k.ID = key.(int64)
		k.Skip, k.hidden = "", 0
		want = append(want, k)

		got, ok, err := ks.Get(key)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, k, got, "record %d", i)
	}
	all, err := ks.Select(dictdb.Query{})
	require.NoError(t, err)
	assert.Equal(t, want, all)

	// The map API sees the mapping: names from tags, promoted fields, nil
	// pointers as null, omitempty fields absent, "-" and unexported
	// fields absent.
	tb, _ := db.Table("k")
	rec, ok := tb.Get(int64(1))
	require.True(t, ok)
	assert.Equal(t, "me", rec["by"])
	assert.Equal(t, time.Date(2024, 5, 6, 7, 8, 9, 10, time.UTC), rec["created"])
	assert.Contains(t, rec, "Work")
	assert.Nil(t, rec["Work"])
	assert.NotContains(t, rec, "opt")
	assert.NotContains(t, rec, "Skip")
	assert.NotContains(t, rec, "hidden")
	assert.Equal(t, map[string]any{"street": "main"}, rec["Home"])
	assert.Equal(t, []any{[]any{int64(1), int64(2)}, []any{int64(3), int64(4)}}, rec["Grid"])
	rec2, _ := tb.Get(int64(2))
	assert.Equal(t, map[string]any{"street": "office", "zip": int64(12345)}, rec2["Work"])
	assert.Equal(t, "set", rec2["opt"])

	// What a read returns shares nothing with the store.
	got, _, _ := ks.Get(int64(1))
	got.Blob[0], got.Tags[0], got.Attrs["x"] = 99, "changed", 42
	got.Any.(map[string]any)["k"] = "changed"
	again, _, _ := ks.Get(int64(1))
	assert.Equal(t, want[0], again)
}

func TestTypedUnsupportedTypesNameTheField(t *testing.T) {
	cases := map[string]func() error{
		"Ch": func() error {
			_, err := dictdb.CreateTableOf[struct{ Ch chan int }](dictdb.New(), "t")
			return err
		},
		"Fn": func() error {
			_, err := dictdb.CreateTableOf[struct{ Fn func() }](dictdb.New(), "t")
			return err
		},
		"C": func() error {
			_, err := dictdb.CreateTableOf[struct{ C complex128 }](dictdb.New(), "t")
			return err
		},
		"M": func() error {
			_, err := dictdb.CreateTableOf[struct{ M map[int]string }](dictdb.New(), "t")
			return err
		},
		"E": func() error {
			_, err := dictdb.CreateTableOf[struct{ E error }](dictdb.New(), "t")
			return err
		},
		"Deep.Inner": func() error {
			type inner struct{ Inner []chan int }
			_, err := dictdb.CreateTableOf[struct{ Deep inner }](dictdb.New(), "t")
			return err
		},
		"P": func() error {
			_, err := dictdb.CreateTableOf[struct{ P *func() }](dictdb.New(), "t")
			return err
		},
	}
	for field, f := range cases {
		err := f()
		require.Error(t, err, field)
		assert.ErrorIs(t, err, dictdb.ErrUnsupportedType, field)
		assert.Contains(t, err.Error(), field, "the error names the field")
	}
	// Not a struct at all.
	_, err := dictdb.CreateTableOf[int](dictdb.New(), "t")
	assert.ErrorIs(t, err, dictdb.ErrUnsupportedType)
	// The table is not created when the type is rejected.
	db := dictdb.New()
	_, err = dictdb.CreateTableOf[struct{ Ch chan int }](db, "t")
	require.Error(t, err)
	assert.Empty(t, db.TableNames())
	// Two pk fields, an unknown tag option, a pk of a float type.
	_, err = dictdb.CreateTableOf[struct {
		A int `dictdb:"a,pk"`
		B int `dictdb:"b,pk"`
	}](db, "t")
	assert.ErrorIs(t, err, dictdb.ErrUnsupportedType)
	_, err = dictdb.CreateTableOf[struct {
		A int `dictdb:"a,sometimes"`
	}](db, "t")
	assert.ErrorIs(t, err, dictdb.ErrUnsupportedType)
	_, err = dictdb.CreateTableOf[struct {
		A float64 `dictdb:"a,pk"`
	}](db, "t")
	assert.ErrorIs(t, err, dictdb.ErrUnsupportedType)
	// Two fields of one name at one depth are ambiguous.
	type X struct{ N int }
	type Y struct{ N int }
	_, err = dictdb.CreateTableOf[struct {
		X
		Y
	}](db, "t")
	assert.ErrorIs(t, err, dictdb.ErrUnsupportedType)
	assert.Empty(t, db.TableNames())
}

type Node struct {
	ID   int64   `dictdb:"id,pk"`
	Name string  `dictdb:"name"`
	Kids []Node  `dictdb:"kids,omitempty"`
	Next *Node   `dictdb:"next,omitempty"`
	Vals []int64 `dictdb:"vals"`
}

func TestTypedRecursiveTypesAndPointerCycles(t *testing.T) {
	db := dictdb.New()
	nodes, err := dictdb.CreateTableOf[Node](db, "n")
	require.NoError(t, err)
	tree := Node{Name: "root", Kids: []Node{{Name: "a", Kids: []Node{{Name: "b"}}}}, Next: &Node{Name: "n"}}
	key, err := nodes.Insert(tree)
	require.NoError(t, err)
	tree.ID = key.(int64)
	got, ok, err := nodes.Get(key)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, tree, got)

	// A pointer cycle fails with ErrUnsupportedValue and stores nothing.
	loop := &Node{Name: "loop"}
	loop.Next = loop
	_, err = nodes.Insert(*loop)
	assert.ErrorIs(t, err, dictdb.ErrUnsupportedValue)
	assert.Equal(t, 1, nodes.Count())
}

type Embedder struct {
	Inner
	ID   string `dictdb:"id,pk"`
	Name string `dictdb:"name"` // shallower: wins over Inner.Name
}

type Inner struct {
	Name  string `dictdb:"name"`
	Depth int    `dictdb:"depth"`
}

func TestTypedEmbeddingAndStringKeys(t *testing.T) {
	db := dictdb.New()
	es, err := dictdb.CreateTableOf[Embedder](db, "e")
	require.NoError(t, err)
	tb, _ := db.Table("e")
	assert.Equal(t, "id", tb.PrimaryKey())
	key, err := es.Insert(Embedder{ID: "k1", Name: "outer", Inner: Inner{Name: "inner", Depth: 3}})
	require.NoError(t, err)
	assert.Equal(t, "k1", key)
	rec, _ := tb.Get("k1")
	assert.Equal(t, dictdb.Record{"id": "k1", "name": "outer", "depth": int64(3)}, rec)
	got, _, err := es.Get("k1")
	require.NoError(t, err)
	assert.Equal(t, Embedder{ID: "k1", Name: "outer", Inner: Inner{Depth: 3}}, got)
}

type Person struct {
	ID    int64    `dictdb:"id,pk"`
	Name  string   `dictdb:"name"`
	Age   int      `dictdb:"age"`
	Score float64  `dictdb:"score"`
	Tags  []string `dictdb:"tags"`
}

func TestTypedWritesAndQueries(t *testing.T) {
	db := dictdb.New()
	people, err := dictdb.CreateTableOf[Person](db, "people")
	require.NoError(t, err)
	keys, err := people.InsertMany([]Person{{Name: "ann", Age: 30}, {Name: "bob", Age: 25}, {ID: 10, Name: "cy", Age: 41}})
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1), int64(2), int64(10)}, keys)

	// A duplicate in the batch adds nothing.
	_, err = people.InsertMany([]Person{{ID: 20, Name: "d"}, {ID: 10, Name: "dup"}})
	assert.ErrorIs(t, err, dictdb.ErrDuplicateKey)
	assert.Equal(t, 3, people.Count())

	got, err := people.Select(dictdb.Query{Where: cond.Field("age").Gte(30), OrderBy: []string{"-age"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"cy", "ann"}, names(got))

	// Fields that map onto nothing in Person are rejected, each named.
	for _, q := range []dictdb.Query{
		{Where: cond.And(cond.Field("age").Gt(1), cond.Not(cond.Field("agee").Eq(1)))},
		{OrderBy: []string{"-agee"}},
		{Columns: dictdb.Cols("agee")},
		{Columns: []dictdb.Projection{dictdb.As("years", "age")}},
	} {
		_, err := people.Select(q)
		require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
		var qe *dictdb.QueryError
		require.ErrorAs(t, err, &qe)
		assert.Contains(t, []string{"agee", "years"}, qe.Field)
		n := 0
		for _, err := range people.Scan(q) {
			assert.ErrorIs(t, err, dictdb.ErrInvalidQuery)
			n++
		}
		assert.Equal(t, 1, n)
	}
	_, err = people.DeleteWhere(cond.Field("nme").Eq("ann"))
	assert.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	_, err = people.UpdateWhere(dictdb.Record{"nme": "x"}, nil)
	assert.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	assert.Equal(t, 3, people.Count())

	// Projection onto fields of T fills those only.
	proj, err := people.Select(dictdb.Query{Columns: dictdb.Cols("name"), OrderBy: []string{"name"}})
	require.NoError(t, err)
	assert.Equal(t, []Person{{Name: "ann"}, {Name: "bob"}, {Name: "cy"}}, proj)

	// Update by key merges; a missing key is ErrNotFound.
	require.NoError(t, people.Update(Person{ID: 2, Name: "bob", Age: 26, Tags: []string{"x"}}))
	bob, _, _ := people.Get(2)
	assert.Equal(t, Person{ID: 2, Name: "bob", Age: 26, Tags: []string{"x"}}, bob)
	assert.ErrorIs(t, people.Update(Person{ID: 99}), dictdb.ErrNotFound)
	assert.ErrorIs(t, people.Update(Person{Name: "nokey"}), dictdb.ErrInvalidArgument)

	n, err := people.UpdateWhere(dictdb.Record{"score": 1.5}, cond.Field("age").Lt(30))
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	key, action, err := people.Upsert(Person{ID: 2, Name: "bobby", Age: 27}, dictdb.OnConflictUpdate)
	require.NoError(t, err)
	assert.Equal(t, int64(2), key)
	assert.Equal(t, dictdb.Updated, action)
	bob, _, _ = people.Get(2)
	assert.Equal(t, Person{ID: 2, Name: "bobby", Age: 27}, bob, "the nil Tags overwrote the stored ones")

	ok, err := people.Delete(int64(2))
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = people.Delete(int64(2))
	require.NoError(t, err)
	assert.False(t, ok)
	n, err = people.DeleteWhere(cond.Field("age").Gt(40))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, ok, err = people.Get(int64(10))
	require.NoError(t, err)
	assert.False(t, ok)
}

func names(ps []Person) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func TestTypedReadsOfForeignRecords(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("people")
	require.NoError(t, err)
	people, err := dictdb.TableOf[Person](db, "people")
	require.NoError(t, err)
	// Fields the struct lacks are ignored, missing ones stay zero, an
	// integral float reads into an int, an int into a float.
	_, err = tb.Insert(dictdb.Record{"id": 1, "name": "ann", "extra": true, "age": 30.0, "score": 2})
	require.NoError(t, err)
	p, ok, err := people.Get(1)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, Person{ID: 1, Name: "ann", Age: 30, Score: 2}, p)

	// A value that does not fit fails with ErrTypeMismatch naming the
	// record and field; Select fails whole, Scan yields it and goes on.
	_, err = tb.Insert(dictdb.Record{"id": 2, "name": "bob", "age": "old"})
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"id": 3, "name": "cy"})
	require.NoError(t, err)
	_, _, err = people.Get(2)
	require.ErrorIs(t, err, dictdb.ErrTypeMismatch)
	assert.Contains(t, err.Error(), `"age"`)
	assert.Contains(t, err.Error(), "record 2")
	_, err = people.Select(dictdb.Query{})
	assert.ErrorIs(t, err, dictdb.ErrTypeMismatch)
	var seen []string
	var errs int
	for p, err := range people.All() {
		if err != nil {
			errs++
			continue
		}
		seen = append(seen, p.Name)
	}
	assert.Equal(t, []string{"ann", "cy"}, seen)
	assert.Equal(t, 1, errs)

	// Overflow of a narrow field.
	type Small struct {
		ID  int64 `dictdb:"id,pk"`
		Age int8  `dictdb:"age"`
		U   uint8 `dictdb:"u"`
	}
	small, err := dictdb.TableOf[Small](db, "people")
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"id": 4, "age": 300})
	require.NoError(t, err)
	_, _, err = small.Get(4)
	assert.ErrorIs(t, err, dictdb.ErrTypeMismatch)
	_, err = tb.Insert(dictdb.Record{"id": 5, "u": -1})
	require.NoError(t, err)
	_, _, err = small.Get(5)
	assert.ErrorIs(t, err, dictdb.ErrTypeMismatch)

	// A struct whose pk is another field than the table's is refused.
	type OtherKey struct {
		Code string `dictdb:"code,pk"`
	}
	_, err = dictdb.TableOf[OtherKey](db, "people")
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = dictdb.TableOf[Person](db, "nope")
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
}

func TestTypedEncodeErrors(t *testing.T) {
	db := dictdb.New()
	type V struct {
		ID  int64   `dictdb:"id,pk"`
		F   float64 `dictdb:"f"`
		U   uint64  `dictdb:"u"`
		Any any     `dictdb:"any"`
	}
	vs, err := dictdb.CreateTableOf[V](db, "v")
	require.NoError(t, err)
	for _, bad := range []V{{F: math.NaN()}, {F: math.Inf(1)}, {U: math.MaxUint64}, {Any: make(chan int)}} {
		_, err := vs.Insert(bad)
		assert.ErrorIs(t, err, dictdb.ErrUnsupportedValue)
	}
	_, err = vs.InsertMany([]V{{F: 1}, {F: math.NaN()}})
	assert.ErrorIs(t, err, dictdb.ErrUnsupportedValue)
	assert.Equal(t, 0, vs.Count())
}

type Strict struct {
	ID    int64          `dictdb:"id,pk"`
	Name  string         `dictdb:"name"`
	Age   int            `dictdb:"age"`
	Score float64        `dictdb:"score"`
	OK    bool           `dictdb:"ok"`
	Tags  []string       `dictdb:"tags"`
	Meta  map[string]any `dictdb:"meta"`
	Home  Address        `dictdb:"home"`
}

func TestWithSchemaOf(t *testing.T) {
	db := dictdb.New()
	st, err := dictdb.CreateTableOf[Strict](db, "s", dictdb.WithSchemaOf[Strict]())
	require.NoError(t, err)
	tb, _ := db.Table("s")
	assert.Equal(t, []dictdb.Column{
		dictdb.Col("id", dictdb.Int), dictdb.Col("name", dictdb.Str), dictdb.Col("age", dictdb.Int),
		dictdb.Col("score", dictdb.Float), dictdb.Col("ok", dictdb.Bool), dictdb.Col("tags", dictdb.List),
		dictdb.Col("meta", dictdb.Dict), dictdb.Col("home", dictdb.Dict),
	}, tb.Schema())
	v := Strict{Name: "a", Tags: []string{}, Meta: map[string]any{}}
	key, err := st.Insert(v)
	require.NoError(t, err)
	v.ID = key.(int64)
	got, _, err := st.Get(key)
	require.NoError(t, err)
	assert.Equal(t, v, got)

	// Foreign records written through the map API are rejected.
	_, err = tb.Insert(dictdb.Record{"name": "x"})
	assert.ErrorIs(t, err, dictdb.ErrSchema)
	_, err = tb.Insert(dictdb.Record{"name": "x", "age": "old", "score": 1.0, "ok": true, "tags": []any{}, "meta": map[string]any{}, "home": map[string]any{}})
	assert.ErrorIs(t, err, dictdb.ErrSchema)
	_, err = tb.Insert(dictdb.Record{"name": "x", "age": 1, "score": 1.0, "ok": true, "tags": []any{}, "meta": map[string]any{}, "home": map[string]any{}, "other": 1})
	assert.ErrorIs(t, err, dictdb.ErrSchema)
	// A nil slice is null, which the schema rejects.
	_, err = st.Insert(Strict{Name: "nil tags", Meta: map[string]any{}})
	assert.ErrorIs(t, err, dictdb.ErrSchema)
	assert.Equal(t, 1, tb.Count())

	// Types a schema cannot hold fail table creation, naming the field.
	for field, opt := range map[string]dictdb.TableOption{
		"When": dictdb.WithSchemaOf[struct{ When time.Time }](),
		"P":    dictdb.WithSchemaOf[struct{ P *int }](),
		"Opt": dictdb.WithSchemaOf[struct {
			Opt int `dictdb:",omitempty"`
		}](),
		"Ch": dictdb.WithSchemaOf[struct{ Ch chan int }](),
	} {
		_, err := db.CreateTable("bad", opt)
		require.ErrorIs(t, err, dictdb.ErrUnsupportedType, field)
		assert.Contains(t, err.Error(), field)
	}
	assert.Equal(t, []string{"s"}, db.TableNames())
}

func TestTypedTransactionAndSnapshot(t *testing.T) {
	db := dictdb.New()
	people, err := dictdb.CreateTableOf[Person](db, "people")
	require.NoError(t, err)
	_, err = people.Insert(Person{Name: "ann"})
	require.NoError(t, err)
	snap := db.Snapshot()

	boom := errors.New("boom")
	err = db.Update([]string{"people"}, func(tx *dictdb.Tx) error {
		tp, err := dictdb.TxTableOf[Person](tx, "people")
		require.NoError(t, err)
		_, err = tp.Insert(Person{Name: "bob"})
		require.NoError(t, err)
		got, err := tp.Select(dictdb.Query{OrderBy: []string{"name"}})
		require.NoError(t, err)
		assert.Equal(t, []string{"ann", "bob"}, names(got), "the transaction sees its own writes")
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 1, people.Count(), "a failed transaction publishes nothing")

	require.NoError(t, db.Update([]string{"people"}, func(tx *dictdb.Tx) error {
		tp, err := dictdb.TxTableOf[Person](tx, "people")
		if err != nil {
			return err
		}
		_, err = tp.Insert(Person{Name: "cy"})
		return err
	}))
	assert.Equal(t, 2, people.Count())

	sv, err := snap.Table("people")
	require.NoError(t, err)
	old, err := dictdb.ViewOf[Person](sv)
	require.NoError(t, err)
	got, err := old.Select(dictdb.Query{})
	require.NoError(t, err)
	assert.Equal(t, []string{"ann"}, names(got), "the snapshot does not see later writes")
	_, err = dictdb.ViewOf[Person](nil)
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
}

func TestTypedDroppedTable(t *testing.T) {
	db := dictdb.New()
	people, err := dictdb.CreateTableOf[Person](db, "people")
	require.NoError(t, err)
	require.NoError(t, db.DropTable("people"))
	_, _, err = people.Get(1)
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
	_, err = people.Insert(Person{})
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
	_, err = people.Select(dictdb.Query{})
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
	assert.Equal(t, 0, people.Count())
	for _, err := range people.All() {
		assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
	}
}

// The mapping is compiled once per type: a second typed table of the same
// type reuses it, and different types do not clash.
func TestTypedMappingIsPerType(t *testing.T) {
	type A struct {
		ID int64 `dictdb:"id,pk"`
		X  int   `dictdb:"x"`
	}
	type B struct {
		ID int64  `dictdb:"id,pk"`
		X  string `dictdb:"x"`
	}
	db := dictdb.New()
	a, err := dictdb.CreateTableOf[A](db, "a")
	require.NoError(t, err)
	b, err := dictdb.CreateTableOf[B](db, "b")
	require.NoError(t, err)
	_, err = a.Insert(A{X: 1})
	require.NoError(t, err)
	_, err = b.Insert(B{X: "one"})
	require.NoError(t, err)
	ga, _, _ := a.Get(1)
	gb, _, _ := b.Get(1)
	assert.Equal(t, A{ID: 1, X: 1}, ga)
	assert.Equal(t, B{ID: 1, X: "one"}, gb)
	assert.True(t, reflect.DeepEqual(ga, A{ID: 1, X: 1}))
}

// What Insert was given stays the caller's: changing it afterwards changes
// nothing stored.
func TestTypedInsertCopiesTheCallersValues(t *testing.T) {
	db := dictdb.New()
	ks, err := dictdb.CreateTableOf[Kitchen](db, "k")
	require.NoError(t, err)
	k := kitchen(1)
	key, err := ks.Insert(k)
	require.NoError(t, err)
	want, _, err := ks.Get(key)
	require.NoError(t, err)
	k.Blob[0], k.Tags[0], k.Attrs["x"], k.Work.Street, *k.Nick = 9, "changed", 9, "changed", "changed"
	k.Any.(map[string]any)["k"] = "changed"
	k.Anys[0] = "changed"
	k.Nested["old"][0].Street = "changed"
	got, _, err := ks.Get(key)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// Typed tables of one new type made from many goroutines at once share one
// compiled mapping and work (run with -race).
func TestTypedConcurrentFirstUse(t *testing.T) {
	type Fresh struct {
		ID   int64  `dictdb:"id,pk"`
		Name string `dictdb:"name"`
	}
	db := dictdb.New()
	_, err := db.CreateTable("f")
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := dictdb.TableOf[Fresh](db, "f")
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := f.Insert(Fresh{ID: int64(i + 1), Name: "x"}); err != nil {
				t.Error(err)
			}
			if _, err := f.Select(dictdb.Query{Where: cond.Field("name").Eq("x")}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	tb, _ := db.Table("f")
	assert.Equal(t, 8, tb.Count())
}

// A panic in the loop body of a scan under a context goes on to the
// caller unchanged: the scan's own unwinding does not swallow it.
func TestScanContextPassesOnPanics(t *testing.T) {
	_, tb := iterTable(t, 5000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type boom struct{}
	func() {
		defer func() {
			assert.Equal(t, boom{}, recover())
		}()
		n := 0
		for range tb.ScanContext(ctx, dictdb.Query{Where: cond.Field("n").Gte(0)}) {
			if n++; n == 1500 {
				panic(boom{})
			}
		}
		t.Error("the loop ended without the panic")
	}()
	// The table still works.
	n := 0
	for _, err := range tb.ScanContext(ctx, dictdb.Query{}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 5000, n)
}

// randValue returns a random normalized value, nested up to depth.
func randValue(rng *rand.Rand, depth int) any {
	switch rng.IntN(10) {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return []int64{0, 1, -1, 300, -200, math.MaxInt64, math.MinInt64, 70000}[rng.IntN(8)]
	case 3:
		return []float64{0, 1.5, -2, 1e300, 3, 4294967296}[rng.IntN(6)]
	case 4:
		return []string{"", "x", "active"}[rng.IntN(3)]
	case 5:
		return []byte{1, 2}
	case 6:
		return time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	case 7, 8:
		if depth > 0 {
			n := rng.IntN(3)
			l := make([]any, n)
			for i := range l {
				l[i] = randValue(rng, depth-1)
			}
			return l
		}
		return nil
	default:
		if depth > 0 {
			m := map[string]any{}
			for _, k := range []string{"street", "zip", "k", "x"} {
				if rng.IntN(2) == 0 {
					m[k] = randValue(rng, depth-1)
				}
			}
			return m
		}
		return nil
	}
}

// Records of any values written through the map API read through the typed
// layer as a Kitchen or as ErrTypeMismatch, never a panic; a record that
// reads writes back as the same Kitchen.
func TestTypedReadsAnyForeignRecord(t *testing.T) {
	seed := testseed.Seed(t)
	rng := rand.New(rand.NewPCG(seed, 7))
	db := dictdb.New()
	ks, err := dictdb.CreateTableOf[Kitchen](db, "k")
	require.NoError(t, err)
	tb, _ := db.Table("k")
	fields := []string{"created", "by", "name", "Flag", "I", "I8", "I16", "I32", "U", "U8", "U16", "U32", "U64",
		"F32", "F64", "Status", "Blob", "Tags", "Grid", "Attrs", "Home", "Work", "Nick", "Any", "Anys", "Nested", "opt"}
	n := 2000
	if testing.Short() {
		n = 300
	}
	fits := 0
	for i := range n {
		rec := dictdb.Record{"id": i + 1}
		for _, f := range fields {
			if rng.IntN(20) == 0 { // a field or two: some records fit
				rec[f] = randValue(rng, 3)
			}
		}
		_, err := tb.Insert(rec)
		require.NoError(t, err)
		got, ok, err := ks.Get(i + 1)
		if err != nil {
			require.ErrorIs(t, err, dictdb.ErrTypeMismatch, "%v", rec)
			continue
		}
		require.True(t, ok)
		fits++
		// What reads writes back and reads the same.
		got.ID = int64(n + i + 1)
		_, err = ks.Insert(got)
		require.NoError(t, err)
		again, _, err := ks.Get(got.ID)
		require.NoError(t, err)
		require.Equal(t, got, again)
	}
	assert.Greater(t, fits, 0)
	t.Logf("%d of %d records fit", fits, n)
}

// A typed table of a transaction fails with ErrTxDone once the
// transaction's function returned, and its iterators yield that error.
func TestTypedTxTableAfterTheTransaction(t *testing.T) {
	db := dictdb.New()
	_, err := dictdb.CreateTableOf[Person](db, "people")
	require.NoError(t, err)
	var kept *dictdb.Typed[Person]
	require.NoError(t, db.Update([]string{"people"}, func(tx *dictdb.Tx) error {
		kept, err = dictdb.TxTableOf[Person](tx, "people")
		return err
	}))
	_, err = kept.Insert(Person{Name: "late"})
	assert.ErrorIs(t, err, dictdb.ErrTxDone)
	_, _, err = kept.Get(1)
	assert.ErrorIs(t, err, dictdb.ErrTxDone)
	for _, err := range kept.All() {
		assert.ErrorIs(t, err, dictdb.ErrTxDone)
	}
	_, err = dictdb.TxTableOf[Person](nil, "people")
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = dictdb.TableOf[Person](nil, "people")
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = dictdb.CreateTableOf[Person](nil, "people")
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
}
