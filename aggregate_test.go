package dictdb_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// employeesDB returns a DB whose "employees" table holds the catalogue's
// data set.
func employeesDB(t testing.TB) (*dictdb.DB, *dictdb.Table) {
	t.Helper()
	db := dictdb.New()
	emp, err := db.CreateTable("employees")
	require.NoError(t, err)
	_, err = emp.InsertMany([]dictdb.Record{
		{"name": "Alice", "dept": "IT", "salary": 70000, "age": 30},
		{"name": "Bob", "dept": "IT", "salary": 80000, "age": 35},
		{"name": "Carol", "dept": "HR", "salary": 60000, "age": 28},
		{"name": "Dave", "dept": "HR", "salary": 65000, "age": 32},
		{"name": "Eve", "dept": "IT", "salary": 90000, "age": 40},
	})
	require.NoError(t, err)
	return db, emp
}

func TestTableAggregate(t *testing.T) {
	_, emp := employeesDB(t)

	rows, err := emp.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("count"),
		dictdb.Avg("avg_salary", "salary")}, GroupBy: []string{"dept"}})
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{
		{"dept": "HR", "count": int64(2), "avg_salary": 62500.0},
		{"dept": "IT", "count": int64(3), "avg_salary": 80000.0},
	}, rows)

	rows, err = emp.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("count")},
		Where: cond.Field("age").Gte(30), GroupBy: []string{"dept"}})
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"dept": "HR", "count": int64(1)}, {"dept": "IT", "count": int64(3)}}, rows)

	rows, err = emp.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("count"), dictdb.CountOf("named", "name"),
		dictdb.Sum("total", "salary"), dictdb.Min("youngest", "age"), dictdb.Max("oldest", "age"),
		dictdb.Min("first", "id"), dictdb.Max("last", "id")}})
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"count": int64(5), "named": int64(5), "total": int64(365000),
		"youngest": int64(28), "oldest": int64(40), "first": int64(1), "last": int64(5)}}, rows)

	// Group by two fields after adding Frank.
	_, err = emp.Insert(dictdb.Record{"name": "Frank", "dept": "IT", "salary": 75000, "age": 30})
	require.NoError(t, err)
	rows, err = emp.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("count")},
		GroupBy: []string{"dept", "age"}, Where: cond.Field("dept").Eq("IT")})
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{
		{"dept": "IT", "age": int64(30), "count": int64(2)},
		{"dept": "IT", "age": int64(35), "count": int64(1)},
		{"dept": "IT", "age": int64(40), "count": int64(1)},
	}, rows)

	// Min and Max of a sorted-indexed field read the index.
	require.NoError(t, emp.CreateIndex("age", dictdb.SortedIndex))
	rows, err = emp.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Min("lo", "age"), dictdb.Max("hi", "age")}})
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"lo": int64(28), "hi": int64(40)}}, rows)
}

func TestAggregateEmptyTable(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	q := dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("count"), dictdb.Sum("total", "x")}}
	rows, err := tb.Aggregate(q)
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"count": int64(0), "total": nil}}, rows)
	q.GroupBy = []string{"g"}
	rows, err = tb.Aggregate(q)
	require.NoError(t, err)
	assert.Empty(t, rows)

	require.NoError(t, db.DropTable("t"))
	_, err = tb.Aggregate(q)
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
}

func TestAggregateErrors(t *testing.T) {
	_, emp := employeesDB(t)
	for _, q := range []dictdb.AggQuery{
		{},
		{Aggs: []dictdb.Agg{dictdb.Count("")}},
		{Aggs: []dictdb.Agg{dictdb.Count("n"), dictdb.Sum("n", "salary")}},
		{Aggs: []dictdb.Agg{dictdb.Sum("s", "name")}},
		{Aggs: []dictdb.Agg{dictdb.Sum("s", "")}},
		{Aggs: []dictdb.Agg{{Name: "x", Kind: 42}}},
		{Aggs: []dictdb.Agg{dictdb.Count("n")}, GroupBy: []string{""}},
	} {
		rows, err := emp.Aggregate(q)
		assert.Nil(t, rows)
		assert.ErrorIs(t, err, dictdb.ErrInvalidQuery, "%+v", q)
	}
}

func TestAggregateInTransaction(t *testing.T) {
	db, emp := employeesDB(t)
	q := dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("count"), dictdb.Sum("total", "salary"),
		dictdb.Max("top", "salary")}, GroupBy: []string{"dept"}}
	errAbort := errors.New("abort")
	err := db.Update([]string{"employees"}, func(tx *dictdb.Tx) error {
		tt, err := tx.Table("employees")
		require.NoError(t, err)
		_, err = tt.Insert(dictdb.Record{"name": "Gina", "dept": "Sales", "salary": 99000, "age": 50})
		require.NoError(t, err)
		_, err = tt.Delete(cond.Field("name").Eq("Carol"))
		require.NoError(t, err)
		rows, err := tt.Aggregate(q)
		require.NoError(t, err)
		assert.Equal(t, []dictdb.Record{
			{"dept": "HR", "count": int64(1), "total": int64(65000), "top": int64(65000)},
			{"dept": "IT", "count": int64(3), "total": int64(240000), "top": int64(90000)},
			{"dept": "Sales", "count": int64(1), "total": int64(99000), "top": int64(99000)},
		}, rows, "the transaction sees its own writes")

		// Outside the transaction nothing has changed yet.
		rows, err = emp.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("n")}})
		require.NoError(t, err)
		assert.Equal(t, []dictdb.Record{{"n": int64(5)}}, rows)
		return errAbort
	})
	require.ErrorIs(t, err, errAbort)
	rows, err := emp.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("n")}, GroupBy: []string{"dept"}})
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"dept": "HR", "n": int64(2)}, {"dept": "IT", "n": int64(3)}}, rows,
		"an aborted transaction leaves nothing behind")

	// A transaction that ended refuses to aggregate.
	var leaked *dictdb.TxTable
	require.NoError(t, db.Update([]string{"employees"}, func(tx *dictdb.Tx) error {
		leaked, err = tx.Table("employees")
		return err
	}))
	_, err = leaked.Aggregate(q)
	assert.ErrorIs(t, err, dictdb.ErrTxDone)
}

func TestAggregateSnapshot(t *testing.T) {
	db, emp := employeesDB(t)
	snap := db.Snapshot()
	_, err := emp.Insert(dictdb.Record{"name": "Zed", "dept": "IT", "salary": 1, "age": 99})
	require.NoError(t, err)
	view, err := snap.Table("employees")
	require.NoError(t, err)
	q := dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("n"), dictdb.Max("oldest", "age")}}
	rows, err := view.Aggregate(q)
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"n": int64(5), "oldest": int64(40)}}, rows)
	rows, err = emp.Aggregate(q)
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"n": int64(6), "oldest": int64(99)}}, rows)
}

func TestAggregateResultsAreCopies(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"tags": []any{"a", "b"}, "meta": map[string]any{"k": []any{1}}, "raw": []byte("xy")})
	require.NoError(t, err)
	q := dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Max("tags", "tags"), dictdb.Min("raw", "raw")}, GroupBy: []string{"meta"}}
	rows, err := tb.Aggregate(q)
	require.NoError(t, err)
	rows[0]["tags"].([]any)[0] = "mutated"
	rows[0]["meta"].(map[string]any)["k"].([]any)[0] = "mutated"
	rows[0]["raw"].([]byte)[0] = 'M'
	rec, ok := tb.Get(1)
	require.True(t, ok)
	assert.Equal(t, dictdb.Record{"id": int64(1), "tags": []any{"a", "b"},
		"meta": map[string]any{"k": []any{int64(1)}}, "raw": []byte("xy")}, rec)
}

// ExampleTable_Aggregate groups employees by department. Groups come out in
// ascending order of the group key; AggQuery.Columns gives the column
// order: the group fields, then the aggregations.
func ExampleTable_Aggregate() {
	db := dictdb.New()
	emp, _ := db.CreateTable("employees")
	_, _ = emp.InsertMany([]dictdb.Record{
		{"name": "Alice", "dept": "IT", "salary": 70000},
		{"name": "Bob", "dept": "IT", "salary": 80000},
		{"name": "Carol", "dept": "HR", "salary": 60000},
		{"name": "Dave", "dept": "HR", "salary": 65000},
		{"name": "Eve", "dept": "IT", "salary": 90000, "bonus": 5000},
	})

	q := dictdb.AggQuery{
		Aggs: []dictdb.Agg{
			dictdb.Count("people"),
			dictdb.Sum("payroll", "salary"),
			dictdb.Avg("average", "salary"),
			dictdb.Max("top", "salary"),
			dictdb.Sum("bonuses", "bonus"), // nil where nobody has one
		},
		GroupBy: []string{"dept"},
	}
	rows, err := emp.Aggregate(q)
	if err != nil {
		panic(err)
	}
	fmt.Println(q.Columns())
	for _, r := range rows {
		var line []any
		for _, c := range q.Columns() {
			line = append(line, r[c])
		}
		fmt.Println(line...)
	}

	total, _ := emp.Aggregate(dictdb.AggQuery{
		Aggs:  []dictdb.Agg{dictdb.Count("n"), dictdb.Min("lowest", "salary")},
		Where: cond.Field("salary").Gt(60000),
	})
	fmt.Println(total[0]["n"], total[0]["lowest"])

	_, err = emp.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Sum("s", "name")}})
	fmt.Println(errors.Is(err, dictdb.ErrInvalidQuery))
	// Output:
	// [dept people payroll average top bonuses]
	// HR 2 125000 62500 65000 <nil>
	// IT 3 240000 80000 90000 5000
	// 4 65000
	// true
}
