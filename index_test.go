package dictdb_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

func TestIndexCreation(t *testing.T) {
	tb := seedPeople(t)
	require.NoError(t, tb.CreateIndex("age", dictdb.HashIndex))
	require.NoError(t, tb.CreateIndex("age", dictdb.HashIndex), "the same index again is a no-op")
	require.ErrorIs(t, tb.CreateIndex("age", dictdb.SortedIndex), dictdb.ErrInvalidIndex, "another kind")
	require.ErrorIs(t, tb.CreateIndex("", dictdb.SortedIndex), dictdb.ErrInvalidIndex)
	require.ErrorIs(t, tb.CreateIndex("id", dictdb.SortedIndex), dictdb.ErrInvalidIndex)
	err := tb.CreateIndex("name", dictdb.IndexKind(7))
	require.ErrorIs(t, err, dictdb.ErrInvalidIndex)
	assert.Equal(t, `dictdb: table "t": field "name": invalid index: unknown kind 7 (use hash or sorted)`, err.Error())
	require.NoError(t, tb.CreateIndex("name", dictdb.SortedIndex))
	assert.Equal(t, []string{"age", "name"}, tb.IndexedFields())
	assert.True(t, tb.HasIndex("age"))
	assert.False(t, tb.HasIndex("dept"))
	assert.Equal(t, []dictdb.IndexDef{{Field: "age", Kind: dictdb.HashIndex}, {Field: "name", Kind: dictdb.SortedIndex}}, tb.Indexes())

	require.NoError(t, tb.DropIndex("age"))
	require.ErrorIs(t, tb.DropIndex("age"), dictdb.ErrInvalidIndex)
	assert.Equal(t, []string{"name"}, tb.IndexedFields())
}

func TestIndexMaintenance(t *testing.T) {
	for _, kind := range []dictdb.IndexKind{dictdb.HashIndex, dictdb.SortedIndex} {
		t.Run(kind.String(), func(t *testing.T) {
			tb := seedPeople(t)
			require.NoError(t, tb.CreateIndex("age", kind))
			count := func(age int) int {
				rows, err := tb.Select(dictdb.Query{Where: cond.Field("age").Eq(age)})
				require.NoError(t, err)
				return len(rows)
			}
			assert.Equal(t, 2, count(30))
			_, err := tb.Update(dictdb.Record{"age": 30}, cond.Field("name").Eq("Bob"))
			require.NoError(t, err)
			assert.Equal(t, 3, count(30))
			assert.Equal(t, 0, count(25))
			_, err = tb.Delete(cond.Field("name").Eq("Alice"))
			require.NoError(t, err)
			assert.Equal(t, 2, count(30))
			_, _, err = tb.Upsert(dictdb.Record{"id": 4, "age": 30}, dictdb.OnConflictUpdate)
			require.NoError(t, err)
			assert.Equal(t, 3, count(30))
			_, err = tb.Insert(dictdb.Record{"name": "New", "age": 30.0})
			require.NoError(t, err)
			assert.Equal(t, 4, count(30), "1 and 1.0 are the same index value")
		})
	}
}

// TestIndexedOrAndNotMatchFullScan is the Python library's planner bug:
// OR and NOT over an indexed field must not narrow to the index.
func TestIndexedOrAndNotMatchFullScan(t *testing.T) {
	for _, kind := range []dictdb.IndexKind{dictdb.HashIndex, dictdb.SortedIndex} {
		tb := newTable(t)
		_, err := tb.InsertMany([]dictdb.Record{
			{"dept": "IT", "age": 30}, {"dept": "HR", "age": 40}, {"dept": "IT", "age": 50}, {"dept": "Sales", "age": 45},
		})
		require.NoError(t, err)
		require.NoError(t, tb.CreateIndex("dept", kind))
		cases := []struct {
			where cond.Cond
			want  []any
		}{
			{cond.Or(cond.Field("dept").Eq("IT"), cond.Field("age").Gt(42)), []any{int64(1), int64(3), int64(4)}},
			{cond.Not(cond.Field("dept").Eq("IT")), []any{int64(2), int64(4)}},
			{cond.Or(cond.Field("dept").In("HR"), cond.Field("age").Eq(30)), []any{int64(1), int64(2)}},
			{cond.And(cond.Field("dept").Eq("IT"), cond.Field("age").Gt(35)), []any{int64(3)}},
			{cond.Field("dept").Eq(nil), []any{}},
		}
		for _, c := range cases {
			got, err := tb.Select(dictdb.Query{Where: c.where})
			require.NoError(t, err)
			assert.Equal(t, c.want, append([]any{}, ids(t, got, "id")...), "%s with a %s index", c.where, kind)
		}
		n, err := tb.Delete(cond.Not(cond.Field("dept").Eq("IT")))
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	}
}

func TestUniqueIndexEnforcedOnEveryWritePath(t *testing.T) {
	tb := newTable(t)
	require.NoError(t, tb.CreateIndex("email", dictdb.HashIndex, dictdb.Unique()))
	_, err := tb.Insert(dictdb.Record{"email": "a@x"})
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"email": "b@x"})
	require.NoError(t, err)

	_, err = tb.Insert(dictdb.Record{"email": "a@x"})
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey)
	assert.Contains(t, err.Error(), `field "email": duplicate key: unique index value`)
	assert.Contains(t, err.Error(), "a@x")
	_, err = tb.InsertMany([]dictdb.Record{{"email": "c@x"}, {"email": "c@x"}})
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey, "inside one batch")
	_, _, err = tb.Upsert(dictdb.Record{"id": 2, "email": "a@x"}, dictdb.OnConflictUpdate)
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey)
	_, _, err = tb.Upsert(dictdb.Record{"email": "a@x"}, dictdb.OnConflictUpdate)
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey)
	_, err = tb.Update(dictdb.Record{"email": "a@x"}, cond.Field("id").Eq(2))
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey)
	_, err = tb.Update(dictdb.Record{"email": "z@x"}, nil)
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey, "two rows would get the same value")
	assert.Equal(t, 2, tb.Count())

	_, err = tb.Update(dictdb.Record{"email": "a@x"}, cond.Field("id").Eq(1))
	require.NoError(t, err, "a row keeps its own value")
	_, err = tb.InsertMany([]dictdb.Record{{"name": "no email"}, {"email": nil}})
	require.NoError(t, err, "nulls and missing values never clash")

	dup := newTable(t)
	_, err = dup.InsertMany([]dictdb.Record{{"v": 1}, {"v": 1.0}})
	require.NoError(t, err)
	err = dup.CreateIndex("v", dictdb.SortedIndex, dictdb.Unique())
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey)
	assert.Empty(t, dup.IndexedFields(), "a failed creation leaves no index")
}

func TestExplain(t *testing.T) {
	tb := seedPeople(t)
	require.NoError(t, tb.CreateIndex("age", dictdb.SortedIndex))
	plan, err := tb.Explain(dictdb.Query{Where: cond.And(cond.Field("age").Gte(30), cond.Field("dept").Eq("IT"))})
	require.NoError(t, err)
	assert.Contains(t, plan, "sorted index on age")
	assert.Contains(t, plan, "estimated rows 3")
	assert.Contains(t, plan, "filter: (age >= 30 AND dept = 'IT')")

	plan, err = tb.Explain(dictdb.Query{Where: cond.Field("id").Eq(2)})
	require.NoError(t, err)
	assert.Contains(t, plan, "primary key id = 2, estimated rows 1")

	plan, err = tb.Explain(dictdb.Query{OrderBy: []string{"-age"}, Limit: 2})
	require.NoError(t, err)
	assert.Contains(t, plan, "streamed in sorted index on age (descending), stopping after 2 rows")

	plan, err = tb.Explain(dictdb.Query{Where: cond.Or(cond.Field("age").Eq(1), cond.Field("name").Eq("x"))})
	require.NoError(t, err)
	assert.Contains(t, plan, "full scan")

	_, err = tb.Explain(dictdb.Query{Limit: -1})
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
}
