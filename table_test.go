package dictdb_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

func newTable(t *testing.T, opts ...dictdb.TableOption) *dictdb.Table {
	t.Helper()
	db := dictdb.New()
	tb, err := db.CreateTable("t", opts...)
	require.NoError(t, err)
	return tb
}

func ids(t *testing.T, recs []dictdb.Record, field string) []any {
	t.Helper()
	out := make([]any, len(recs))
	for i, r := range recs {
		out[i] = r[field]
	}
	return out
}

func TestInsertAutoKeys(t *testing.T) {
	tb := newTable(t)
	for want := int64(1); want <= 3; want++ {
		id, err := tb.Insert(dictdb.Record{"name": "x"})
		require.NoError(t, err)
		assert.Equal(t, want, id)
	}
	id, err := tb.Insert(dictdb.Record{"id": 10, "name": "ten"})
	require.NoError(t, err)
	assert.Equal(t, int64(10), id)
	id, _ = tb.Insert(dictdb.Record{"name": "next"})
	assert.Equal(t, int64(11), id, "an explicit key moves the counter past it")
	id, _ = tb.Insert(dictdb.Record{"id": 5, "name": "low"})
	assert.Equal(t, int64(5), id)
	id, _ = tb.Insert(dictdb.Record{"name": "after-low"})
	assert.Equal(t, int64(12), id, "a lower explicit key does not move the counter")

	_, err = tb.Delete(cond.Field("id").Eq(12))
	require.NoError(t, err)
	id, _ = tb.Insert(dictdb.Record{"name": "after-delete"})
	assert.Equal(t, int64(13), id, "deleted keys are never reused")

	id, err = tb.Insert(dictdb.Record{"id": nil, "name": "nil key"})
	require.NoError(t, err)
	assert.Equal(t, int64(14), id, "a nil key is an auto key")

	id, err = tb.Insert(dictdb.Record{"id": 20.0, "name": "float key"})
	require.NoError(t, err)
	assert.Equal(t, int64(20), id, "an integral float key is an integer key")
	rec, ok := tb.Get(20)
	require.True(t, ok)
	assert.Equal(t, int64(20), rec["id"])

	id, err = tb.Insert(dictdb.Record{"id": -3, "name": "negative"})
	require.NoError(t, err)
	assert.Equal(t, int64(-3), id)
	id, _ = tb.Insert(dictdb.Record{"name": "n"})
	assert.Equal(t, int64(21), id)
}

func TestInsertMixedBatchKeys(t *testing.T) {
	tb := newTable(t)
	keys, err := tb.InsertMany([]dictdb.Record{{"id": 5}, {"v": 1}, {"id": 10}, {"v": 2}})
	require.NoError(t, err)
	assert.Equal(t, []any{int64(5), int64(6), int64(10), int64(11)}, keys)
}

func TestInsertStringKeys(t *testing.T) {
	tb := newTable(t, dictdb.PrimaryKey("code"))
	id, err := tb.Insert(dictdb.Record{"code": "ABC", "n": 1})
	require.NoError(t, err)
	assert.Equal(t, "ABC", id)
	_, err = tb.Insert(dictdb.Record{"code": "ABC", "n": 2})
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey)
	assert.Equal(t, `dictdb: table "t": record "ABC": duplicate key`, err.Error())
	id, err = tb.Insert(dictdb.Record{"n": 3})
	require.NoError(t, err)
	assert.Equal(t, int64(1), id, "a string-keyed table still assigns integer auto keys")
	assert.Equal(t, "code", tb.PrimaryKey())
}

func TestInsertDoesNotTouchCallerMap(t *testing.T) {
	tb := newTable(t)
	tags := []any{"a", "b"}
	rec := dictdb.Record{"name": "Alice", "tags": tags}
	_, err := tb.Insert(rec)
	require.NoError(t, err)
	assert.NotContains(t, rec, "id", "the auto key is returned, not written into the caller's map")
	tags[0] = "changed"
	rec["name"] = "Mallory"
	got, _ := tb.Get(1)
	assert.Equal(t, "Alice", got["name"])
	assert.Equal(t, []any{"a", "b"}, got["tags"])

	got["name"] = "Eve"
	got["tags"].([]any)[1] = "z"
	again, _ := tb.Get(1)
	assert.Equal(t, "Alice", again["name"], "Get returns a deep copy")
	assert.Equal(t, []any{"a", "b"}, again["tags"])
}

func TestInsertRejectsBadInput(t *testing.T) {
	type point struct{ X int }
	x := 1
	cases := []struct {
		name string
		rec  dictdb.Record
		want error
	}{
		{"nil record", nil, dictdb.ErrInvalidRecord},
		{"empty record", dictdb.Record{}, dictdb.ErrInvalidRecord},
		{"struct", dictdb.Record{"p": point{1}}, dictdb.ErrUnsupportedValue},
		{"pointer", dictdb.Record{"p": &x}, dictdb.ErrUnsupportedValue},
		{"chan", dictdb.Record{"c": make(chan int)}, dictdb.ErrUnsupportedValue},
		{"func", dictdb.Record{"f": func() {}}, dictdb.ErrUnsupportedValue},
		{"int map keys", dictdb.Record{"m": map[int]string{1: "a"}}, dictdb.ErrUnsupportedValue},
		{"nested struct", dictdb.Record{"l": []any{1, map[string]any{"p": point{}}}}, dictdb.ErrUnsupportedValue},
		{"bool key", dictdb.Record{"id": true}, dictdb.ErrInvalidKey},
		{"fractional key", dictdb.Record{"id": 1.5}, dictdb.ErrInvalidKey},
		{"list key", dictdb.Record{"id": []any{1}}, dictdb.ErrInvalidKey},
		{"empty field name", dictdb.Record{"": 1}, dictdb.ErrInvalidRecord},
		{"empty field name beside others", dictdb.Record{"a": 1, "": 2}, dictdb.ErrInvalidRecord},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := newTable(t)
			_, err := tb.Insert(c.rec)
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, 0, tb.Count(), "nothing is stored")
			_, err = tb.InsertMany([]dictdb.Record{{"ok": 1}, c.rec})
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, 0, tb.Count(), "nothing is stored")
		})
	}
	var ve *dictdb.ValueError
	_, err := newTable(t).Insert(dictdb.Record{"l": []any{1, map[string]any{"p": point{}}}})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "l[1].p", ve.Path)
	assert.Equal(t, "dictdb_test.point", ve.Type)
}

func TestInsertManyAllOrNothing(t *testing.T) {
	tb := newTable(t)
	_, err := tb.Insert(dictdb.Record{"id": 1})
	require.NoError(t, err)
	_, err = tb.InsertMany([]dictdb.Record{{"id": 2}, {"id": 3}, {"id": 2}})
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey, "a duplicate inside the batch")
	_, err = tb.InsertMany([]dictdb.Record{{"id": 4}, {"id": 1}})
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey, "a duplicate of a stored key")
	_, err = tb.InsertMany([]dictdb.Record{{"v": 1}, {"id": 2}})
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey, "an auto key colliding with a later explicit key")
	assert.Equal(t, 1, tb.Count())
	keys, err := tb.InsertMany([]dictdb.Record{{"id": 2}, {"v": 1}})
	require.NoError(t, err)
	assert.Equal(t, []any{int64(2), int64(3)}, keys)
	keys, err = tb.InsertMany(nil)
	require.NoError(t, err)
	assert.Empty(t, keys)
}

func TestUpsert(t *testing.T) {
	tb := newTable(t)
	id, action, err := tb.Upsert(dictdb.Record{"name": "A", "status": "active"}, dictdb.OnConflictUpdate)
	require.NoError(t, err)
	assert.Equal(t, int64(1), id)
	assert.Equal(t, dictdb.Inserted, action)

	id, action, err = tb.Upsert(dictdb.Record{"id": 1, "status": "inactive"}, dictdb.OnConflictUpdate)
	require.NoError(t, err)
	assert.Equal(t, dictdb.Updated, action)
	got, _ := tb.Get(id)
	assert.Equal(t, dictdb.Record{"id": int64(1), "name": "A", "status": "inactive"}, got, "fields not mentioned are kept")

	_, action, err = tb.Upsert(dictdb.Record{"id": 1, "status": "x"}, dictdb.OnConflictIgnore)
	require.NoError(t, err)
	assert.Equal(t, dictdb.Ignored, action)
	got, _ = tb.Get(1)
	assert.Equal(t, "inactive", got["status"])

	_, _, err = tb.Upsert(dictdb.Record{"id": 1}, dictdb.OnConflictError)
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey)

	_, action, err = tb.Upsert(dictdb.Record{"id": 10, "name": "B"}, dictdb.OnConflictError)
	require.NoError(t, err)
	assert.Equal(t, dictdb.Inserted, action)
	id, _ = tb.Insert(dictdb.Record{"name": "C"})
	assert.Equal(t, int64(11), id, "an upserted key advances the counter")
	assert.Equal(t, "updated", dictdb.Updated.String())

	_, _, err = tb.Upsert(dictdb.Record{"id": 1}, dictdb.Conflict(9))
	require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
}

func TestUpsertValidatesMergedRecord(t *testing.T) {
	tb := newTable(t, dictdb.WithSchema(dictdb.Col("name", dictdb.Str), dictdb.Col("age", dictdb.Int)))
	_, err := tb.Insert(dictdb.Record{"name": "A", "age": 30})
	require.NoError(t, err)
	_, _, err = tb.Upsert(dictdb.Record{"id": 1, "age": "old"}, dictdb.OnConflictUpdate)
	require.ErrorIs(t, err, dictdb.ErrSchema)
	got, _ := tb.Get(1)
	assert.Equal(t, int64(30), got["age"], "a failed upsert changes nothing")
}

func seedPeople(t *testing.T) *dictdb.Table {
	t.Helper()
	tb := newTable(t)
	_, err := tb.InsertMany([]dictdb.Record{
		{"name": "Alice", "age": 30, "dept": "IT"},
		{"name": "Bob", "age": 25, "dept": "HR"},
		{"name": "Charlie", "age": 30, "dept": "IT"},
		{"name": "Albert", "age": 40},
	})
	require.NoError(t, err)
	return tb
}

func TestSelectOrderLimitOffset(t *testing.T) {
	tb := seedPeople(t)
	cases := []struct {
		name string
		q    dictdb.Query
		want []any
	}{
		{"primary-key order by default", dictdb.Query{}, []any{"Alice", "Bob", "Charlie", "Albert"}},
		{"multi-key order", dictdb.Query{OrderBy: []string{"age", "-name"}}, []any{"Bob", "Charlie", "Alice", "Albert"}},
		{"ties keep key order", dictdb.Query{OrderBy: []string{"age"}}, []any{"Bob", "Alice", "Charlie", "Albert"}},
		{"ties keep key order descending", dictdb.Query{OrderBy: []string{"-age"}}, []any{"Albert", "Alice", "Charlie", "Bob"}},
		{"missing first ascending", dictdb.Query{OrderBy: []string{"dept"}}, []any{"Albert", "Bob", "Alice", "Charlie"}},
		{"missing last descending", dictdb.Query{OrderBy: []string{"-dept"}}, []any{"Alice", "Charlie", "Bob", "Albert"}},
		{"limit", dictdb.Query{Limit: 2}, []any{"Alice", "Bob"}},
		{"offset", dictdb.Query{Offset: 3}, []any{"Albert"}},
		{"offset past end", dictdb.Query{Offset: 4}, []any{}},
		{"limit larger than rest", dictdb.Query{Limit: 100, Offset: 2}, []any{"Charlie", "Albert"}},
		{"ordered page", dictdb.Query{OrderBy: []string{"-age"}, Limit: 2, Offset: 1}, []any{"Alice", "Charlie"}},
		{"where and page", dictdb.Query{Where: cond.Field("age").Eq(30), OrderBy: []string{"id"}, Limit: 1, Offset: 1}, []any{"Charlie"}},
		{"top-k path", dictdb.Query{OrderBy: []string{"name"}, Limit: 1}, []any{"Albert"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := tb.Select(c.q)
			require.NoError(t, err)
			assert.Equal(t, c.want, append([]any{}, ids(t, got, "name")...))
		})
	}
}

func TestSelectTopKMatchesFullSort(t *testing.T) {
	tb := newTable(t)
	var recs []dictdb.Record
	for i := range 200 {
		recs = append(recs, dictdb.Record{"v": i % 7, "w": (i * 31) % 11})
	}
	_, err := tb.InsertMany(recs)
	require.NoError(t, err)
	for _, order := range [][]string{{"v"}, {"-v"}, {"v", "-w"}, {"-w", "v"}} {
		all, err := tb.Select(dictdb.Query{OrderBy: order})
		require.NoError(t, err)
		for _, page := range []struct{ off, lim int }{{0, 1}, {0, 5}, {3, 7}, {20, 10}} {
			got, err := tb.Select(dictdb.Query{OrderBy: order, Offset: page.off, Limit: page.lim})
			require.NoError(t, err)
			assert.Equal(t, all[page.off:page.off+page.lim], got, "order %v page %v", order, page)
		}
	}
}

func TestSelectProjectionAndDistinct(t *testing.T) {
	tb := seedPeople(t)
	got, err := tb.Select(dictdb.Query{Columns: []dictdb.Projection{dictdb.As("person", "name"), dictdb.As("years", "age")}, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"person": "Alice", "years": int64(30)}}, got)

	got, err = tb.Select(dictdb.Query{Columns: dictdb.Cols("dept"), OrderBy: []string{"id"}})
	require.NoError(t, err)
	assert.Equal(t, []any{"IT", "HR", "IT", nil}, ids(t, got, "dept"), "a missing field projects as nil")

	got, err = tb.Select(dictdb.Query{Columns: dictdb.Cols("dept"), Distinct: true})
	require.NoError(t, err)
	assert.Equal(t, []any{"IT", "HR", nil}, ids(t, got, "dept"), "first occurrences, in order")

	got, err = tb.Select(dictdb.Query{Columns: dictdb.Cols("dept"), Distinct: true, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []any{"IT", "HR"}, ids(t, got, "dept"), "distinct runs before limit")

	got, err = tb.Select(dictdb.Query{Distinct: true})
	require.NoError(t, err)
	assert.Len(t, got, 4, "whole records differ by key")

	nums := newTable(t)
	_, err = nums.InsertMany([]dictdb.Record{{"v": 1}, {"v": 1.0}, {"v": true}, {"v": []any{1, "a"}}, {"v": []any{1.0, "a"}}})
	require.NoError(t, err)
	got, err = nums.Select(dictdb.Query{Columns: dictdb.Cols("v"), Distinct: true})
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1), true, []any{int64(1), "a"}}, ids(t, got, "v"), "1 and 1.0 collapse; true does not")
}

func TestSelectRejectsBadQueries(t *testing.T) {
	tb := seedPeople(t)
	bad := []dictdb.Query{
		{Limit: -1},
		{Offset: -1},
		{OrderBy: []string{""}},
		{OrderBy: []string{"-"}},
		{OrderBy: []string{"--id"}},
		{Columns: []dictdb.Projection{dictdb.As("", "x")}},
		{Columns: []dictdb.Projection{dictdb.As("x", "")}},
		{Columns: []dictdb.Projection{dictdb.As("x", "a"), dictdb.As("x", "b")}},
		{Where: cond.Field("").Eq(1)},
	}
	for _, q := range bad {
		_, err := tb.Select(q)
		assert.ErrorIs(t, err, dictdb.ErrInvalidQuery, "%+v", q)
	}
	_, err := tb.Select(dictdb.Query{Where: cond.Field("x").Eq(struct{}{})})
	assert.ErrorIs(t, err, dictdb.ErrUnsupportedValue)
	_, err = tb.Update(dictdb.Record{"a": 1}, cond.Field("").Eq(1))
	assert.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	_, err = tb.Delete(cond.Field("").Eq(1))
	assert.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	assert.Equal(t, 4, tb.Count())
}

func TestSelectReturnsCopies(t *testing.T) {
	tb := newTable(t)
	_, err := tb.Insert(dictdb.Record{"name": "A", "nested": map[string]any{"k": []any{1}}})
	require.NoError(t, err)
	got, err := tb.Select(dictdb.Query{})
	require.NoError(t, err)
	got[0]["name"] = "Modified"
	got[0]["nested"].(map[string]any)["k"].([]any)[0] = 99
	again, _ := tb.Select(dictdb.Query{})
	assert.Equal(t, "A", again[0]["name"])
	assert.Equal(t, []any{int64(1)}, again[0]["nested"].(map[string]any)["k"])

	rows, err := tb.Rows(dictdb.Query{})
	require.NoError(t, err)
	v, ok := rows[0].Get("name")
	assert.True(t, ok)
	assert.Equal(t, "A", v)
	assert.Equal(t, []string{"id", "name", "nested"}, rows[0].Fields())
}

func TestUpdate(t *testing.T) {
	tb := seedPeople(t)
	n, err := tb.Update(dictdb.Record{"age": 31}, cond.Field("dept").Eq("IT"))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	got, _ := tb.Get(1)
	assert.Equal(t, dictdb.Record{"id": int64(1), "name": "Alice", "age": int64(31), "dept": "IT"}, got)

	n, err = tb.Update(dictdb.Record{"age": 1}, cond.Field("dept").Eq("nobody"))
	require.NoError(t, err, "matching nothing is no error")
	assert.Equal(t, 0, n)

	n, err = tb.Update(dictdb.Record{"flag": true}, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, n)

	n, err = tb.Update(dictdb.Record{"id": 2, "x": 1}, cond.Field("id").Eq(2))
	require.NoError(t, err, "setting the key to its own value is allowed")
	assert.Equal(t, 1, n)
	_, err = tb.Update(dictdb.Record{"id": 99}, cond.Field("id").Eq(1))
	require.ErrorIs(t, err, dictdb.ErrPrimaryKeyChange)
	_, err = tb.Update(dictdb.Record{}, nil)
	require.ErrorIs(t, err, dictdb.ErrInvalidRecord)
	_, err = tb.Update(dictdb.Record{"c": make(chan int)}, nil)
	require.ErrorIs(t, err, dictdb.ErrUnsupportedValue)
	_, ok := tb.Get(99)
	assert.False(t, ok)

	empty := newTable(t)
	n, err = empty.Update(dictdb.Record{"a": 1}, nil)
	require.NoError(t, err, "an empty table matches nothing")
	assert.Equal(t, 0, n)
}

func TestDelete(t *testing.T) {
	tb := seedPeople(t)
	n, err := tb.Delete(cond.Field("age").Eq(30))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = tb.Delete(cond.Field("age").Eq(30))
	require.NoError(t, err, "matching nothing is no error")
	assert.Equal(t, 0, n)
	n, err = tb.Delete(nil)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, 0, tb.Count())
	n, err = tb.Delete(nil)
	require.NoError(t, err, "an empty table matches nothing")
	assert.Equal(t, 0, n)
	id, _ := tb.Insert(dictdb.Record{"a": 1})
	assert.Equal(t, int64(5), id, "deleting everything keeps the key counter")
}

// Update and Delete that match nothing return 0 and no error, as
// database/sql's RowsAffected does, commit nothing, and still report a bad
// condition or (with a schema) a change no record could hold.
func TestUpdateDeleteMatchingNothing(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t", dictdb.WithSchema(dictdb.Col("name", dictdb.Str), dictdb.Col("age", dictdb.Int)))
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"name": "Alice", "age": 30})
	require.NoError(t, err)
	seq := db.Seq()
	nobody := cond.Field("name").Eq("nobody")

	n, err := tb.Update(dictdb.Record{"age": 31}, nobody)
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	n, err = tb.Delete(nobody)
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	err = db.Update([]string{"t"}, func(tx *dictdb.Tx) error {
		tt, err := tx.Table("t")
		if err != nil {
			return err
		}
		if n, err := tt.Update(dictdb.Record{"age": 31}, nobody); err != nil || n != 0 {
			return fmt.Errorf("tx update: %d, %v", n, err)
		}
		if n, err := tt.Delete(nobody); err != nil || n != 0 {
			return fmt.Errorf("tx delete: %d, %v", n, err)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, seq, db.Seq(), "nothing matched, nothing committed")

	// Errors that do not depend on what matches are still errors.
	_, err = tb.Update(dictdb.Record{"agee": 31}, nobody)
	require.ErrorIs(t, err, dictdb.ErrSchema, "a field outside the schema")
	assert.Contains(t, err.Error(), `"agee"`)
	_, err = tb.Update(dictdb.Record{"age": "old"}, nobody)
	require.ErrorIs(t, err, dictdb.ErrSchema, "a value of the wrong type")
	_, err = tb.Update(dictdb.Record{"age": 31}, cond.Field("nmae").Eq("x"))
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery, "a condition on a field outside the schema")
	_, err = tb.Delete(cond.Field("nmae").Eq("x"))
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	_, err = tb.Delete(cond.Field("").Eq("x"))
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	assert.Equal(t, seq, db.Seq())
	assert.Equal(t, 1, tb.Count())
}

func TestSchema(t *testing.T) {
	schema := dictdb.WithSchema(dictdb.Col("name", dictdb.Str), dictdb.Col("age", dictdb.Int), dictdb.Col("score", dictdb.Float))
	cases := []struct {
		rec dictdb.Record
		msg string
	}{
		{dictdb.Record{"name": "A", "age": 1, "score": 1.5}, ""},
		{dictdb.Record{"name": "A", "age": 1, "score": 2}, ""},
		{dictdb.Record{"age": 1, "score": 1.5}, `field "name": schema violation: required field is missing`},
		{dictdb.Record{"name": 1, "age": 1, "score": 1.5}, `field "name": schema violation: want str, got int`},
		{dictdb.Record{"name": "A", "age": "30", "score": 1.5}, `field "age": schema violation: want int, got str`},
		{dictdb.Record{"name": "A", "age": true, "score": 1.5}, `field "age": schema violation: want int, got bool`},
		{dictdb.Record{"name": "A", "age": 1.5, "score": 1.5}, `field "age": schema violation: want int, got float`},
		{dictdb.Record{"name": nil, "age": 1, "score": 1.5}, `field "name": schema violation: want str, got null`},
		{dictdb.Record{"name": "A", "age": 1, "score": 1.5, "extra": 1}, `field "extra": schema violation: not in the schema`},
		{dictdb.Record{"id": "k", "name": "A", "age": 1, "score": 1.5}, `field "id": schema violation: want int, got str`},
	}
	for _, c := range cases {
		tb := newTable(t, schema)
		_, err := tb.Insert(c.rec)
		if c.msg == "" {
			require.NoError(t, err)
			continue
		}
		require.ErrorIs(t, err, dictdb.ErrSchema, "%v", c.rec)
		assert.Contains(t, err.Error(), c.msg)
		assert.True(t, strings.HasPrefix(err.Error(), `dictdb: table "t": record `), err.Error())
		var e *dictdb.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "t", e.Table)
	}
	tb := newTable(t, schema)
	_, err := tb.Insert(dictdb.Record{"name": "A", "age": 1, "score": 2})
	require.NoError(t, err)
	got, _ := tb.Get(1)
	assert.Equal(t, 2.0, got["score"], "a float field stores integers as float64")
	assert.Equal(t, []string{"name", "age", "score", "id"}, tb.SchemaFields(), "the key is appended as int")
	assert.Equal(t, []string{"name", "age", "score", "id"}, tb.Columns())

	_, err = tb.Update(dictdb.Record{"age": "x"}, nil)
	require.ErrorIs(t, err, dictdb.ErrSchema)

	db := dictdb.New()
	_, err = db.CreateTable("bad", dictdb.WithSchema(dictdb.Col("a", dictdb.Int), dictdb.Col("a", dictdb.Str)))
	require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = db.CreateTable("bad", dictdb.WithSchema(dictdb.Col("a", dictdb.Type(99))))
	require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	assert.Empty(t, db.TableNames())
}

func TestIntrospection(t *testing.T) {
	tb := seedPeople(t)
	assert.Equal(t, 4, tb.Count())
	assert.Equal(t, []string{"age", "dept", "id", "name"}, tb.Columns(), "sorted union of fields without a schema")
	assert.Nil(t, tb.SchemaFields())
	assert.Len(t, tb.Records(), 4)
	cp := tb.Copy()
	assert.Equal(t, "Bob", cp[int64(2)]["name"])
	n, err := tb.CountWhere(cond.Field("age").Gte(30))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Empty(t, newTable(t).Columns())
}

func TestTables(t *testing.T) {
	db := dictdb.New()
	users, err := db.CreateTable("users")
	require.NoError(t, err)
	_, err = db.CreateTable("products", dictdb.PrimaryKey("sku"))
	require.NoError(t, err)
	_, err = db.CreateTable("users")
	require.ErrorIs(t, err, dictdb.ErrTableExists)
	assert.Equal(t, `dictdb: table "users": table exists`, err.Error())
	_, err = db.CreateTable("")
	require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = db.CreateTable("x", dictdb.PrimaryKey(""))
	require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	assert.Equal(t, []string{"products", "users"}, db.TableNames())

	_, err = users.Insert(dictdb.Record{"name": "A"})
	require.NoError(t, err)
	products, err := db.Table("products")
	require.NoError(t, err)
	assert.Equal(t, 0, products.Count(), "tables are independent")

	_, err = db.Table("nope")
	require.ErrorIs(t, err, dictdb.ErrTableNotFound)
	assert.Equal(t, `dictdb: table "nope": table not found`, err.Error())
	require.ErrorIs(t, db.DropTable("nope"), dictdb.ErrTableNotFound)

	require.NoError(t, db.DropTable("users"))
	_, err = db.Table("users")
	require.ErrorIs(t, err, dictdb.ErrTableNotFound)
	_, err = users.Insert(dictdb.Record{"name": "B"})
	require.ErrorIs(t, err, dictdb.ErrTableNotFound, "a handle on a dropped table fails")
	_, err = users.Select(dictdb.Query{})
	require.ErrorIs(t, err, dictdb.ErrTableNotFound)
	assert.Equal(t, 0, users.Count())

	_, err = db.CreateTable("users")
	require.NoError(t, err)
	_, err = users.Insert(dictdb.Record{"name": "C"})
	require.ErrorIs(t, err, dictdb.ErrTableNotFound, "an old handle does not reach a new table of the same name")
}

func TestValueKindsRoundTrip(t *testing.T) {
	tb := newTable(t)
	when := time.Date(2024, 5, 6, 7, 8, 9, 10, time.FixedZone("X", 3600))
	type status string
	rec := dictdb.Record{
		"i8": int8(-3), "u32": uint32(7), "f32": float32(1.5), "s": status("ok"),
		"b": []byte{1, 2}, "t": when, "l": []string{"a"}, "m": map[string]int{"k": 1}, "n": nil, "bool": true,
	}
	id, err := tb.Insert(rec)
	require.NoError(t, err)
	got, _ := tb.Get(id)
	assert.Equal(t, dictdb.Record{
		"id": int64(1), "i8": int64(-3), "u32": int64(7), "f32": 1.5, "s": "ok",
		"b": []byte{1, 2}, "t": when.UTC(), "l": []any{"a"}, "m": map[string]any{"k": int64(1)}, "n": nil, "bool": true,
	}, got)
	_, err = tb.Insert(dictdb.Record{"u": uint64(1 << 63)})
	require.ErrorIs(t, err, dictdb.ErrUnsupportedValue)
	var e error = &dictdb.ValueError{}
	assert.True(t, errors.Is(e, dictdb.ErrUnsupportedValue))
}
