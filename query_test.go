package dictdb_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// queryPaths runs q through every read path that takes a Query: a Table's
// Select, Rows and Explain, and a snapshot View's Select, Rows and Explain.
func queryPaths(t *testing.T, tb *dictdb.Table, q dictdb.Query) map[string]error {
	t.Helper()
	v, err := tb.View()
	require.NoError(t, err)
	errs := map[string]error{}
	_, errs["Table.Select"] = tb.Select(q)
	_, errs["Table.Rows"] = tb.Rows(q)
	_, errs["Table.Explain"] = tb.Explain(q)
	_, errs["View.Select"] = v.Select(q)
	_, errs["View.Rows"] = v.Rows(q)
	_, errs["View.Explain"] = v.Explain(q)
	return errs
}

// With a schema, a query naming a field the schema lacks is ErrInvalidQuery
// naming the field, wherever the field appears; without a schema every
// field may be named.
func TestQueryUnknownFieldWithSchema(t *testing.T) {
	db := dictdb.New()
	strict, err := db.CreateTable("strict", dictdb.WithSchema(dictdb.Col("name", dictdb.Str), dictdb.Col("age", dictdb.Int)))
	require.NoError(t, err)
	open, err := db.CreateTable("open")
	require.NoError(t, err)
	for _, tb := range []*dictdb.Table{strict, open} {
		_, err := tb.Insert(dictdb.Record{"name": "Alice", "age": 30})
		require.NoError(t, err)
	}

	queries := map[string]dictdb.Query{
		"Where":           {Where: cond.Field("agee").Gt(1)},
		"Where under Not": {Where: cond.Not(cond.Field("agee").IsNull())},
		"Where under Or":  {Where: cond.Or(cond.Field("age").Gt(1), cond.Field("agee").Gt(1))},
		"Where under And": {Where: cond.And(cond.Field("age").Gt(1), cond.Not(cond.Or(cond.Field("agee").Gt(1))))},
		"OrderBy":         {OrderBy: []string{"name", "-agee"}},
		"Columns":         {Columns: []dictdb.Projection{dictdb.As("name", "name"), dictdb.As("age", "agee")}},
		"Distinct":        {Columns: dictdb.Cols("agee"), Distinct: true},
	}
	for name, q := range queries {
		for path, err := range queryPaths(t, strict, q) {
			require.ErrorIs(t, err, dictdb.ErrInvalidQuery, "%s: %s", name, path)
			assert.Contains(t, err.Error(), `"agee"`, "%s: %s: the error names the field", name, path)
			assert.Contains(t, err.Error(), `"strict"`, "%s: %s: the error names the table", name, path)
		}
		for path, err := range queryPaths(t, open, q) {
			assert.NoError(t, err, "%s: %s: without a schema fields are open", name, path)
		}
	}

	// The primary key is a schema field even when the schema does not list it.
	for path, err := range queryPaths(t, strict, dictdb.Query{Where: cond.Field("id").Eq(1), OrderBy: []string{"-id"}, Columns: dictdb.Cols("id")}) {
		assert.NoError(t, err, path)
	}

	// CountWhere, Aggregate, Update and Delete check their fields too.
	v, err := strict.View()
	require.NoError(t, err)
	unknown := cond.Field("agee").Gt(1)
	_, err = strict.CountWhere(unknown)
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	_, err = v.CountWhere(unknown)
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	aggs := map[string]dictdb.AggQuery{
		"Where":   {Aggs: []dictdb.Agg{dictdb.Count("n")}, Where: unknown},
		"GroupBy": {Aggs: []dictdb.Agg{dictdb.Count("n")}, GroupBy: []string{"name", "agee"}},
		"Sum":     {Aggs: []dictdb.Agg{dictdb.Sum("s", "agee")}},
		"Avg":     {Aggs: []dictdb.Agg{dictdb.Avg("s", "agee")}},
		"Min":     {Aggs: []dictdb.Agg{dictdb.Min("s", "agee")}},
		"Max":     {Aggs: []dictdb.Agg{dictdb.Max("s", "agee")}},
		"CountOf": {Aggs: []dictdb.Agg{dictdb.CountOf("s", "agee")}},
	}
	for name, q := range aggs {
		_, err := strict.Aggregate(q)
		require.ErrorIs(t, err, dictdb.ErrInvalidQuery, name)
		assert.Contains(t, err.Error(), `"agee"`, name)
		_, err = v.Aggregate(q)
		require.ErrorIs(t, err, dictdb.ErrInvalidQuery, name)
		_, err = open.Aggregate(q)
		assert.NoError(t, err, "%s: without a schema fields are open", name)
	}
	_, err = strict.Update(dictdb.Record{"age": 1}, unknown)
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	_, err = strict.Delete(unknown)
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	assert.Equal(t, 1, strict.Count())
}

// OrderBy entries written in another convention are ErrInvalidQuery on
// every path, with or without a schema, rather than odd field names.
func TestQueryMalformedOrderBy(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"v": 1, "first name": "A"})
	require.NoError(t, err)
	for _, entry := range []string{"", "-", "+v", "--v", "-+v", "v DESC", "v asc", "-v desc", " v", "v ", "\tv", "- v", " "} {
		for path, err := range queryPaths(t, tb, dictdb.Query{OrderBy: []string{"v", entry}}) {
			require.ErrorIs(t, err, dictdb.ErrInvalidQuery, "%q: %s", entry, path)
			assert.Contains(t, err.Error(), "OrderBy", "%q: %s", entry, path)
		}
	}
	// A field name with an inner space is a field name.
	for _, entry := range []string{"first name", "-first name", "v"} {
		for path, err := range queryPaths(t, tb, dictdb.Query{OrderBy: []string{entry}}) {
			assert.NoError(t, err, "%q: %s", entry, path)
		}
	}
}

// A primary-key range reads its integer keys without boxing them: a
// 10,000-row range allocates a handful of objects for the result, not two
// per row examined (it did, when each key's value was boxed to compare it
// with the bounds, once to estimate the range and once to read it).
func TestPrimaryKeyRangeBoxesNoKeys(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	recs := make([]dictdb.Record, 30000)
	for i := range recs {
		recs[i] = dictdb.Record{"v": int64(i)}
	}
	_, err = tb.InsertMany(recs)
	require.NoError(t, err)
	q := dictdb.Query{Where: cond.And(cond.Field("id").Gte(int64(1000)), cond.Field("id").Lt(int64(11000)))}
	rows, err := tb.Rows(q)
	require.NoError(t, err)
	require.Len(t, rows, 10000)
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := tb.Rows(q); err != nil {
			t.Fatal(err)
		}
	})
	assert.Less(t, allocs, 200.0, "allocations of a 10,000-row primary-key range")
}
