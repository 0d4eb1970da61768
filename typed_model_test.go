package dictdb_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/fuzz"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

type propRow struct {
	ID   int64    `dictdb:"id,pk"`
	Name string   `dictdb:"name"`
	N    int      `dictdb:"n,omitempty"`
	F    float64  `dictdb:"f"`
	Tags []string `dictdb:"tags,omitempty"`
	P    *int64   `dictdb:"p"`
}

// propRecord is, written out by hand, the record the typed layer must make
// of r.
func propRecord(r propRow) dictdb.Record {
	rec := dictdb.Record{"name": r.Name, "f": r.F, "p": nil}
	if r.ID != 0 {
		rec["id"] = r.ID
	}
	if r.N != 0 {
		rec["n"] = int64(r.N)
	}
	if len(r.Tags) > 0 {
		tags := make([]any, len(r.Tags))
		for i, t := range r.Tags {
			tags[i] = t
		}
		rec["tags"] = tags
	}
	if r.P != nil {
		rec["p"] = *r.P
	}
	return rec
}

// propRow is, by hand, the struct the typed layer must read from rec.
func propFromRecord(rec dictdb.Record) propRow {
	var r propRow
	r.ID, _ = rec["id"].(int64)
	r.Name, _ = rec["name"].(string)
	if n, ok := rec["n"].(int64); ok {
		r.N = int(n)
	}
	switch f := rec["f"].(type) {
	case float64:
		r.F = f
	case int64:
		r.F = float64(f)
	}
	if tags, ok := rec["tags"].([]any); ok {
		r.Tags = make([]string, len(tags))
		for i, t := range tags {
			r.Tags[i] = t.(string)
		}
	}
	if p, ok := rec["p"].(int64); ok {
		r.P = &p
	}
	return r
}

func randProp(rng *rand.Rand) propRow {
	r := propRow{Name: []string{"a", "b", "c", ""}[rng.IntN(4)], N: rng.IntN(4), F: float64(rng.IntN(5)) / 2}
	if rng.IntN(3) > 0 {
		r.ID = int64(rng.IntN(12))
	}
	if rng.IntN(2) == 0 {
		r.Tags = []string{"x", "y"}[:rng.IntN(3)%2+1]
	}
	if rng.IntN(2) == 0 {
		p := int64(rng.IntN(3))
		r.P = &p
	}
	return r
}

// errClass is the sentinel an error wraps, for comparing outcomes.
func errClass(err error) error {
	for _, s := range []error{dictdb.ErrDuplicateKey, dictdb.ErrNotFound, dictdb.ErrInvalidQuery, dictdb.ErrSchema, dictdb.ErrInvalidArgument} {
		if errors.Is(err, s) {
			return s
		}
	}
	return err
}

// TestTypedAgreesWithMapAPIAndModel runs random writes, half through the
// typed layer and half through the map API, on one table and on the
// reference model (which is given the records the typed layer must make),
// and checks after every step that typed reads, map reads and the model
// agree.
func TestTypedAgreesWithMapAPIAndModel(t *testing.T) {
	seed := testseed.Seed(t)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	steps := 600
	if testing.Short() {
		steps = 150
	}
	db := dictdb.New()
	typed, err := dictdb.CreateTableOf[propRow](db, "t")
	require.NoError(t, err)
	tb, _ := db.Table("t")
	m := fuzz.NewModel()
	require.NoError(t, m.CreateTable("t", "id", false))

	for step := range steps {
		r := randProp(rng)
		where := cond.Field("n").Eq(int64(rng.IntN(4)))
		var got, want error
		var op string
		switch rng.IntN(9) {
		case 0:
			op = "typed Insert"
			var k1, k2 any
			k1, got = typed.Insert(r)
			k2, want = m.Insert("t", propRecord(r))
			if got == nil && want == nil {
				require.Equal(t, k2, k1, "step %d: %s key", step, op)
			}
		case 1:
			op = "map Insert"
			_, got = tb.Insert(propRecord(r))
			_, want = m.Insert("t", propRecord(r))
		case 2:
			op = "typed InsertMany"
			rs := []propRow{r, randProp(rng)}
			_, got = typed.InsertMany(rs)
			_, want = m.InsertMany("t", []dictdb.Record{propRecord(rs[0]), propRecord(rs[1])})
		case 3:
			op = "typed Upsert"
			on := []dictdb.Conflict{dictdb.OnConflictUpdate, dictdb.OnConflictIgnore, dictdb.OnConflictError}[rng.IntN(3)]
			var a1, a2 dictdb.Action
			_, a1, got = typed.Upsert(r, on)
			_, a2, want = m.Upsert("t", propRecord(r), on)
			if got == nil && want == nil {
				require.Equal(t, a2, a1, "step %d: %s action", step, op)
			}
		case 4:
			op = "typed Update"
			got = typed.Update(r)
			switch {
			case r.ID == 0:
				want = dictdb.ErrInvalidArgument
			default:
				var n int
				n, want = m.Update("t", propRecord(r), cond.Field("id").Eq(r.ID))
				if want == nil && n == 0 {
					want = dictdb.ErrNotFound
				}
			}
		case 5:
			op = "map Update"
			ch := dictdb.Record{"f": float64(rng.IntN(3)), "name": "u"}
			var n1, n2 int
			n1, got = tb.Update(ch, where)
			n2, want = m.Update("t", ch, where)
			require.Equal(t, n2, n1, "step %d: %s count", step, op)
		case 6:
			op = "typed Delete"
			var ok bool
			ok, got = typed.Delete(r.ID)
			var n int
			n, want = m.Delete("t", cond.Field("id").Eq(r.ID))
			require.Equal(t, n > 0, ok, "step %d: %s", step, op)
		case 7:
			op = "typed DeleteWhere"
			var n1, n2 int
			n1, got = typed.DeleteWhere(where)
			n2, want = m.Delete("t", where)
			require.Equal(t, n2, n1, "step %d: %s count", step, op)
		case 8:
			op = "typed Get"
			v, ok, err := typed.Get(r.ID)
			require.NoError(t, err)
			rec, mok, _ := m.Get("t", r.ID)
			require.Equal(t, mok, ok, "step %d: Get %d", step, r.ID)
			if ok {
				require.Equal(t, propFromRecord(rec), v, "step %d: Get %d", step, r.ID)
			}
		}
		require.Equal(t, errClass(want), errClass(got), "step %d: %s of %+v", step, op, r)

		// The whole table and a query, typed, mapped and modelled.
		q := dictdb.Query{Where: cond.Field("f").Gte(0.5), OrderBy: []string{"-name", "n"}, Limit: 5}
		for _, q := range []dictdb.Query{{}, q} {
			mrecs, err := m.Select("t", q)
			require.NoError(t, err)
			recs, err := tb.Select(q)
			require.NoError(t, err)
			require.Equal(t, mrecs, recs, "step %d: map Select %+v", step, q)
			want := make([]propRow, len(mrecs))
			for i, rec := range mrecs {
				want[i] = propFromRecord(rec)
			}
			typedRows, err := typed.Select(q)
			require.NoError(t, err)
			require.Equal(t, want, typedRows, "step %d: typed Select %+v", step, q)
			scanned := []propRow{}
			for v, err := range typed.Scan(q) {
				require.NoError(t, err)
				scanned = append(scanned, v)
			}
			require.Equal(t, typedRows, scanned, "step %d: typed Scan %+v", step, q)
		}
	}
}
