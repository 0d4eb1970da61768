package tbl

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

type aggRec = map[string]any

// aggTable returns a table version holding recs.
func aggTable(t testing.TB, pk string, recs ...aggRec) *Table {
	t.Helper()
	tb, err := New("t", pk, nil)
	require.NoError(t, err)
	if len(recs) > 0 {
		tb, _, err = tb.InsertMany(recs)
		require.NoError(t, err)
	}
	return tb
}

func aggRun(t testing.TB, tb *Table, q AggQuery) []aggRec {
	t.Helper()
	rows, err := tb.Aggregate(q)
	require.NoError(t, err)
	return rows
}

func cnt(name string) Agg           { return Agg{Name: name, Kind: AggCount} }
func cntOf(name, field string) Agg  { return Agg{Name: name, Kind: AggCount, Field: field} }
func sumOf(name, field string) Agg  { return Agg{Name: name, Kind: AggSum, Field: field} }
func avgOf(name, field string) Agg  { return Agg{Name: name, Kind: AggAvg, Field: field} }
func minOf(name, field string) Agg  { return Agg{Name: name, Kind: AggMin, Field: field} }
func maxOf(name, field string) Agg  { return Agg{Name: name, Kind: AggMax, Field: field} }
func aggs(a ...Agg) []Agg           { return a }
func fields(f ...string) []string   { return f }
func rowsOf(r ...aggRec) []aggRec   { return r }
func emptyRows() []map[string]any   { return []map[string]any{} }
func one(r aggRec) []map[string]any { return []map[string]any{r} }

// employees is the employees data set of the Python DictDB's aggregation
// examples.
func employees(t testing.TB) *Table {
	return aggTable(t, "id",
		aggRec{"name": "Alice", "dept": "IT", "salary": 70000, "age": 30},
		aggRec{"name": "Bob", "dept": "IT", "salary": 80000, "age": 35},
		aggRec{"name": "Carol", "dept": "HR", "salary": 60000, "age": 28},
		aggRec{"name": "Dave", "dept": "HR", "salary": 65000, "age": 32},
		aggRec{"name": "Eve", "dept": "IT", "salary": 90000, "age": 40},
	)
}

func TestAggregateEmployees(t *testing.T) {
	tb := employees(t)

	got := aggRun(t, tb, AggQuery{Aggs: aggs(cnt("count"), sumOf("total", "salary"), avgOf("avg", "salary"),
		minOf("min", "salary"), maxOf("max", "salary"))})
	assert.Equal(t, one(aggRec{"count": int64(5), "total": int64(365000), "avg": 73000.0,
		"min": int64(60000), "max": int64(90000)}), got)

	got = aggRun(t, tb, AggQuery{Aggs: aggs(cnt("count"), avgOf("avg_salary", "salary")), GroupBy: fields("dept")})
	assert.Equal(t, rowsOf(
		aggRec{"dept": "HR", "count": int64(2), "avg_salary": 62500.0},
		aggRec{"dept": "IT", "count": int64(3), "avg_salary": 80000.0},
	), got)

	got = aggRun(t, tb, AggQuery{Aggs: aggs(cnt("count")), Where: cond.Field("age").Gte(30), GroupBy: fields("dept")})
	assert.Equal(t, rowsOf(aggRec{"dept": "HR", "count": int64(1)}, aggRec{"dept": "IT", "count": int64(3)}), got)

	got = aggRun(t, tb, AggQuery{Aggs: aggs(cnt("count"), avgOf("avg", "salary")), Where: cond.Field("dept").Eq("IT")})
	assert.Equal(t, one(aggRec{"count": int64(3), "avg": 80000.0}), got)

	got = aggRun(t, tb, AggQuery{Aggs: aggs(minOf("first", "name"), maxOf("last", "name"))})
	assert.Equal(t, one(aggRec{"first": "Alice", "last": "Eve"}), got)

	tb, _, err := tb.Insert(aggRec{"name": "Frank", "dept": "IT", "salary": 75000, "age": 30})
	require.NoError(t, err)
	got = aggRun(t, tb, AggQuery{Aggs: aggs(cnt("count"), sumOf("total", "salary")), GroupBy: fields("dept", "age")})
	assert.Equal(t, rowsOf(
		aggRec{"dept": "HR", "age": int64(28), "count": int64(1), "total": int64(60000)},
		aggRec{"dept": "HR", "age": int64(32), "count": int64(1), "total": int64(65000)},
		aggRec{"dept": "IT", "age": int64(30), "count": int64(2), "total": int64(145000)},
		aggRec{"dept": "IT", "age": int64(35), "count": int64(1), "total": int64(80000)},
		aggRec{"dept": "IT", "age": int64(40), "count": int64(1), "total": int64(90000)},
	), got)
}

// sales: 12 sales of 3 products in 2 regions, amounts chosen so that every
// total is easy to check by hand.
func sales(t testing.TB) *Table {
	var recs []aggRec
	for i, s := range []struct {
		product, region string
		amount          any
		units           int
	}{
		{"Servers", "EU", 10000, 1}, {"Servers", "US", 20000, 2}, {"Servers", "EU", 30000, 3},
		{"Laptops", "US", 1500.5, 1}, {"Laptops", "US", 2500.5, 2}, {"Laptops", "EU", 1000, 1},
		{"Networking", "EU", 7000, 7}, {"Networking", "EU", nil, 1}, {"Networking", "US", 3000, 3},
		{"Storage", "US", 4000, 4}, {"Storage", "US", 6000, 6}, {"Storage", "EU", 5000, 5},
	} {
		recs = append(recs, aggRec{"id": i + 1, "product": s.product, "region": s.region, "amount": s.amount, "units": s.units})
	}
	return aggTable(t, "id", recs...)
}

func TestAggregateSales(t *testing.T) {
	tb := sales(t)
	got := aggRun(t, tb, AggQuery{Aggs: aggs(cnt("n"), sumOf("revenue", "amount"), sumOf("units", "units")),
		GroupBy: fields("product")})
	assert.Equal(t, rowsOf(
		aggRec{"product": "Laptops", "n": int64(3), "revenue": 5001.0, "units": int64(4)},
		aggRec{"product": "Networking", "n": int64(3), "revenue": int64(10000), "units": int64(11)},
		aggRec{"product": "Servers", "n": int64(3), "revenue": int64(60000), "units": int64(6)},
		aggRec{"product": "Storage", "n": int64(3), "revenue": int64(15000), "units": int64(15)},
	), got)

	got = aggRun(t, tb, AggQuery{Aggs: aggs(cntOf("priced", "amount"), maxOf("best", "amount")),
		GroupBy: fields("region", "product"), Where: cond.Field("units").Gt(1)})
	assert.Equal(t, rowsOf(
		aggRec{"region": "EU", "product": "Networking", "priced": int64(1), "best": int64(7000)},
		aggRec{"region": "EU", "product": "Servers", "priced": int64(1), "best": int64(30000)},
		aggRec{"region": "EU", "product": "Storage", "priced": int64(1), "best": int64(5000)},
		aggRec{"region": "US", "product": "Laptops", "priced": int64(1), "best": 2500.5},
		aggRec{"region": "US", "product": "Networking", "priced": int64(1), "best": int64(3000)},
		aggRec{"region": "US", "product": "Servers", "priced": int64(1), "best": int64(20000)},
		aggRec{"region": "US", "product": "Storage", "priced": int64(2), "best": int64(6000)},
	), got)

	got = aggRun(t, tb, AggQuery{Aggs: aggs(sumOf("revenue", "amount"), avgOf("avg", "amount"), cntOf("n", "amount"))})
	assert.Equal(t, one(aggRec{"revenue": 90001.0, "avg": 90001.0 / 11, "n": int64(11)}), got)
}

// orders: a status per order, float totals and missing values.
func TestAggregateOrders(t *testing.T) {
	tb := aggTable(t, "order_id",
		aggRec{"order_id": "A-1", "status": "paid", "total": 19.5, "coupon": "X"},
		aggRec{"order_id": "A-2", "status": "paid", "total": 5.25},
		aggRec{"order_id": "A-3", "status": "open", "total": nil},
		aggRec{"order_id": "A-4", "status": nil, "total": 10},
		aggRec{"order_id": "A-5", "total": 2.5},
	)
	got := aggRun(t, tb, AggQuery{Aggs: aggs(cnt("orders"), sumOf("total", "total"), avgOf("avg", "total"),
		cntOf("coupons", "coupon")), GroupBy: fields("status")})
	assert.Equal(t, rowsOf(
		// A missing status and a null status share the null group, which
		// sorts first.
		aggRec{"status": nil, "orders": int64(2), "total": 12.5, "avg": 6.25, "coupons": int64(0)},
		aggRec{"status": "open", "orders": int64(1), "total": nil, "avg": nil, "coupons": int64(0)},
		aggRec{"status": "paid", "orders": int64(2), "total": 24.75, "avg": 12.375, "coupons": int64(1)},
	), got)

	got = aggRun(t, tb, AggQuery{Aggs: aggs(minOf("first", "order_id"), maxOf("last", "order_id"), cnt("n"))})
	assert.Equal(t, one(aggRec{"first": "A-1", "last": "A-5", "n": int64(5)}), got)
}

func TestAggregateNulls(t *testing.T) {
	// The catalogue's [1, 2, 3, None, 5].
	var recs []aggRec
	for _, v := range []any{1, 2, 3, nil, 5} {
		recs = append(recs, aggRec{"value": v})
	}
	tb := aggTable(t, "id", recs...)
	got := aggRun(t, tb, AggQuery{Aggs: aggs(cnt("count"), cntOf("values", "value"), sumOf("sum", "value"),
		avgOf("avg", "value"), minOf("min", "value"), maxOf("max", "value"), cntOf("missing", "nope"),
		sumOf("nosum", "nope"), avgOf("noavg", "nope"), minOf("nomin", "nope"), maxOf("nomax", "nope"))})
	assert.Equal(t, one(aggRec{"count": int64(5), "values": int64(4), "sum": int64(11), "avg": 2.75,
		"min": int64(1), "max": int64(5), "missing": int64(0), "nosum": nil, "noavg": nil, "nomin": nil, "nomax": nil}), got)

	// [None, None]: no values, so nil.
	tb = aggTable(t, "id", aggRec{"value": nil}, aggRec{"other": 1})
	got = aggRun(t, tb, AggQuery{Aggs: aggs(cnt("count"), sumOf("sum", "value"), cntOf("n", "value"))})
	assert.Equal(t, one(aggRec{"count": int64(2), "sum": nil, "n": int64(0)}), got)

	// [2, 4, 6]: Avg is a float.
	tb = aggTable(t, "id", aggRec{"v": 2}, aggRec{"v": 4}, aggRec{"v": 6})
	assert.Equal(t, one(aggRec{"a": 4.0}), aggRun(t, tb, AggQuery{Aggs: aggs(avgOf("a", "v"))}))
}

func TestAggregateEmpty(t *testing.T) {
	tb := aggTable(t, "id")
	q := AggQuery{Aggs: aggs(cnt("count"), sumOf("total", "x"), avgOf("avg", "x"), minOf("min", "id"),
		maxOf("max", "id"), minOf("lo", "x"), cntOf("n", "x"))}
	assert.Equal(t, one(aggRec{"count": int64(0), "total": nil, "avg": nil, "min": nil, "max": nil, "lo": nil,
		"n": int64(0)}), aggRun(t, tb, q))
	assert.Equal(t, one(aggRec{"count": int64(0)}), aggRun(t, tb, AggQuery{Aggs: aggs(cnt("count"))}))
	q.GroupBy = fields("g")
	assert.Equal(t, emptyRows(), aggRun(t, tb, q))

	// A filter that matches nothing: one row without GroupBy, none with it.
	tb = employees(t)
	q = AggQuery{Aggs: aggs(cnt("count"), sumOf("total", "salary")), Where: cond.Field("dept").Eq("Sales")}
	assert.Equal(t, one(aggRec{"count": int64(0), "total": nil}), aggRun(t, tb, q))
	assert.Equal(t, one(aggRec{"count": int64(0)}), aggRun(t, tb, AggQuery{Aggs: aggs(cnt("count")), Where: q.Where}))
	q.GroupBy = fields("dept")
	assert.Equal(t, emptyRows(), aggRun(t, tb, q))
}

func TestAggregateSumTypes(t *testing.T) {
	vals := func(vs ...any) *Table {
		var recs []aggRec
		for _, v := range vs {
			recs = append(recs, aggRec{"v": v})
		}
		return aggTable(t, "id", recs...)
	}
	sum := AggQuery{Aggs: aggs(sumOf("s", "v"), avgOf("a", "v"))}

	assert.Equal(t, one(aggRec{"s": int64(6), "a": 2.0}), aggRun(t, vals(1, 2, 3), sum))
	assert.Equal(t, one(aggRec{"s": 6.5, "a": 6.5 / 3}), aggRun(t, vals(1, 2.5, 3), sum))
	assert.Equal(t, one(aggRec{"s": 0.0, "a": 0.0}), aggRun(t, vals(0.0), sum), "a float keeps the sum a float")

	// Integer overflow is an error, not a wrap-around, but a float makes
	// the sum a float, and Avg never overflows.
	_, err := vals(int64(math.MaxInt64), 1).Aggregate(AggQuery{Aggs: aggs(sumOf("s", "v"))})
	require.ErrorIs(t, err, cond.ErrInvalidQuery)
	assert.Contains(t, err.Error(), "overflow")
	_, err = vals(int64(math.MinInt64), -1).Aggregate(AggQuery{Aggs: aggs(sumOf("s", "v"))})
	require.ErrorIs(t, err, cond.ErrInvalidQuery)
	assert.Equal(t, one(aggRec{"s": int64(math.MaxInt64)}),
		aggRun(t, vals(int64(math.MaxInt64), 1, -1), AggQuery{Aggs: aggs(sumOf("s", "v"))}),
		"a sum that comes back into range is no overflow")
	got := aggRun(t, vals(int64(math.MaxInt64), int64(math.MaxInt64), 0.5), sum)
	assert.InEpsilon(t, 2*float64(math.MaxInt64), got[0]["s"], 1e-12)
	got = aggRun(t, vals(int64(math.MaxInt64), int64(math.MaxInt64)), AggQuery{Aggs: aggs(avgOf("a", "v"))})
	assert.InEpsilon(t, float64(math.MaxInt64), got[0]["a"], 1e-12)

	// Values that are not numbers.
	for _, v := range []any{true, "3", []byte("x"), time.Unix(0, 0), []any{1}, aggRec{"a": 1}} {
		for _, a := range []Agg{sumOf("s", "v"), avgOf("a", "v")} {
			_, err := vals(1, v).Aggregate(AggQuery{Aggs: aggs(a)})
			require.ErrorIs(t, err, cond.ErrInvalidQuery, "%s of %T", a.Kind, v)
			var qe *cond.QueryError
			require.ErrorAs(t, err, &qe)
			assert.Contains(t, err.Error(), "not a number")
		}
		_, err := vals(1, v).Aggregate(AggQuery{Aggs: aggs(sumOf("s", "v")), GroupBy: fields("v")})
		require.ErrorIs(t, err, cond.ErrInvalidQuery, "grouped Sum of %T", v)
	}
	// Count, Min and Max take any kind.
	got = aggRun(t, vals(true, 4, "apple", nil), AggQuery{Aggs: aggs(minOf("min", "v"), maxOf("max", "v"), cntOf("n", "v"))})
	assert.Equal(t, one(aggRec{"min": true, "max": "apple", "n": int64(3)}), got)
}

func TestAggregateMinMaxOrder(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tb := aggTable(t, "id",
		aggRec{"v": "banana"}, aggRec{"v": "apple"}, aggRec{"v": "cherry"},
		aggRec{"n": 2.5}, aggRec{"n": 2}, aggRec{"n": -1}, aggRec{"n": 3},
		aggRec{"w": t0.Add(time.Hour)}, aggRec{"w": t0},
		aggRec{"l": []any{1, 2}}, aggRec{"l": []any{1}}, aggRec{"l": []any{0, 9}},
	)
	got := aggRun(t, tb, AggQuery{Aggs: aggs(minOf("vmin", "v"), maxOf("vmax", "v"), minOf("nmin", "n"),
		maxOf("nmax", "n"), minOf("wmin", "w"), maxOf("wmax", "w"), minOf("lmin", "l"), maxOf("lmax", "l"),
		minOf("idmin", "id"), maxOf("idmax", "id"))})
	assert.Equal(t, one(aggRec{"vmin": "apple", "vmax": "cherry", "nmin": int64(-1), "nmax": int64(3),
		"wmin": t0, "wmax": t0.Add(time.Hour), "lmin": []any{int64(0), int64(9)}, "lmax": []any{int64(1), int64(2)},
		"idmin": int64(1), "idmax": int64(12)}), got)
}

func TestAggregateGroupKeys(t *testing.T) {
	tb := aggTable(t, "id",
		aggRec{"g": 1, "v": 1},
		aggRec{"g": 1.0, "v": 2}, // 1 and 1.0 are one group, shown as the first row's 1
		aggRec{"g": 1.5, "v": 3},
		aggRec{"g": "1", "v": 4},
		aggRec{"g": true, "v": 5}, // a bool is not the number 1
		aggRec{"g": nil, "v": 6},
		aggRec{"v": 7}, // missing: the null group
		aggRec{"g": []any{1, "a"}, "v": 8},
		aggRec{"g": []any{1.0, "a"}, "v": 9},
		aggRec{"g": aggRec{"k": 1}, "v": 10},
		aggRec{"g": -3, "v": 11},
	)
	got := aggRun(t, tb, AggQuery{Aggs: aggs(sumOf("s", "v")), GroupBy: fields("g")})
	assert.Equal(t, rowsOf(
		aggRec{"g": nil, "s": int64(13)},
		aggRec{"g": true, "s": int64(5)},
		aggRec{"g": int64(-3), "s": int64(11)},
		aggRec{"g": int64(1), "s": int64(3)},
		aggRec{"g": 1.5, "s": int64(3)},
		aggRec{"g": "1", "s": int64(4)},
		aggRec{"g": []any{int64(1), "a"}, "s": int64(17)},
		aggRec{"g": aggRec{"k": int64(1)}, "s": int64(10)},
	), got)
	// A missing group field: one null group.
	got = aggRun(t, tb, AggQuery{Aggs: aggs(cnt("n")), GroupBy: fields("nope")})
	assert.Equal(t, rowsOf(aggRec{"nope": nil, "n": int64(11)}), got)
}

func TestAggregateInvalid(t *testing.T) {
	tb := employees(t)
	for name, q := range map[string]AggQuery{
		"no aggregations":      {},
		"no aggregations, grp": {GroupBy: fields("dept")},
		"empty name":           {Aggs: aggs(cnt(""))},
		"duplicate name":       {Aggs: aggs(cnt("n"), sumOf("n", "salary"))},
		"name of a group":      {Aggs: aggs(cnt("dept")), GroupBy: fields("dept")},
		"unknown kind":         {Aggs: aggs(Agg{Name: "x", Kind: 99, Field: "salary"})},
		"zero kind":            {Aggs: aggs(Agg{Name: "x", Field: "salary"})},
		"sum without field":    {Aggs: aggs(Agg{Name: "x", Kind: AggSum})},
		"avg without field":    {Aggs: aggs(Agg{Name: "x", Kind: AggAvg})},
		"min without field":    {Aggs: aggs(Agg{Name: "x", Kind: AggMin})},
		"max without field":    {Aggs: aggs(Agg{Name: "x", Kind: AggMax})},
		"empty group field":    {Aggs: aggs(cnt("n")), GroupBy: fields("")},
		"duplicate group":      {Aggs: aggs(cnt("n")), GroupBy: fields("dept", "dept")},
		"bad where":            {Aggs: aggs(cnt("n")), Where: cond.Field("").Eq(1)},
		"bad where, count":     {Aggs: aggs(cnt("n")), Where: cond.And(nil)},
		"sum over strings":     {Aggs: aggs(sumOf("s", "name"))},
		"avg over strings":     {Aggs: aggs(avgOf("s", "dept")), GroupBy: fields("dept")},
	} {
		t.Run(name, func(t *testing.T) {
			rows, err := tb.Aggregate(q)
			require.Error(t, err)
			assert.Nil(t, rows)
			assert.ErrorIs(t, err, cond.ErrInvalidQuery)
			var qe *cond.QueryError
			assert.True(t, errors.As(err, &qe), "%v is a *cond.QueryError", err)
		})
	}
}

func TestAggKindString(t *testing.T) {
	assert.Equal(t, "Count", AggCount.String())
	assert.Equal(t, "Max", AggMax.String())
	assert.Equal(t, "AggKind(0)", AggKind(0).String())
	assert.Equal(t, []string{"a", "b", "n", "s"},
		AggQuery{GroupBy: fields("a", "b"), Aggs: aggs(cnt("n"), sumOf("s", "x"))}.Columns())
}

func TestAggregateIndexEnds(t *testing.T) {
	tb := aggTable(t, "id",
		aggRec{"id": 5, "age": 30, "h": 1}, aggRec{"id": 2, "age": nil, "h": 9}, aggRec{"id": 9, "h": 4},
		aggRec{"id": 7, "age": 25.5, "h": 2}, aggRec{"id": 3, "age": "old", "h": 3},
	)
	scan := aggRun(t, tb, AggQuery{Aggs: aggs(minOf("lo", "age"), maxOf("hi", "age"), minOf("hlo", "h"), maxOf("hhi", "h"))})
	assert.Equal(t, one(aggRec{"lo": 25.5, "hi": "old", "hlo": int64(1), "hhi": int64(9)}), scan)

	// The primary key is read from the ends of the key order.
	v, ok := tb.indexEnd("id", false)
	assert.True(t, ok)
	assert.Equal(t, int64(2), v)
	v, ok = tb.indexEnd("id", true)
	assert.True(t, ok)
	assert.Equal(t, int64(9), v)
	_, ok = tb.indexEnd("age", false)
	assert.False(t, ok, "no index yet")

	tb, err := tb.CreateIndex(IndexDef{Field: "age", Kind: idx.Sorted})
	require.NoError(t, err)
	tb, err = tb.CreateIndex(IndexDef{Field: "h", Kind: idx.Hash})
	require.NoError(t, err)
	v, ok = tb.indexEnd("age", false)
	assert.True(t, ok)
	assert.Equal(t, 25.5, v)
	v, ok = tb.indexEnd("age", true)
	assert.True(t, ok)
	assert.Equal(t, "old", v)
	_, ok = tb.indexEnd("h", true)
	assert.False(t, ok, "a hash index has no order")
	assert.Equal(t, scan, aggRun(t, tb, AggQuery{Aggs: aggs(minOf("lo", "age"), maxOf("hi", "age"), minOf("hlo", "h"), maxOf("hhi", "h"))}))

	// Only nulls indexed, and an empty table.
	nulls := aggTable(t, "id", aggRec{"age": nil}, aggRec{"x": 1})
	nulls, err = nulls.CreateIndex(IndexDef{Field: "age", Kind: idx.Sorted})
	require.NoError(t, err)
	assert.Equal(t, one(aggRec{"lo": nil, "hi": nil, "n": int64(2)}),
		aggRun(t, nulls, AggQuery{Aggs: aggs(minOf("lo", "age"), maxOf("hi", "age"), cnt("n"))}))
	empty, err := aggTable(t, "id").CreateIndex(IndexDef{Field: "age", Kind: idx.Sorted})
	require.NoError(t, err)
	assert.Equal(t, one(aggRec{"lo": nil, "hi": nil, "klo": nil, "khi": nil}),
		aggRun(t, empty, AggQuery{Aggs: aggs(minOf("lo", "age"), maxOf("hi", "age"), minOf("klo", "id"), maxOf("khi", "id"))}))

	// Ties between equal values: Min and Max give the first row's in
	// primary-key order (as Python's min() and max()), with and without an
	// index.
	ties := aggTable(t, "id", aggRec{"v": 1.0}, aggRec{"v": 1}, aggRec{"v": 1.0}, aggRec{"v": 1})
	tq := AggQuery{Aggs: aggs(minOf("lo", "v"), maxOf("hi", "v"))}
	assert.Equal(t, one(aggRec{"lo": 1.0, "hi": 1.0}), aggRun(t, ties, tq))
	ties, err = ties.CreateIndex(IndexDef{Field: "v", Kind: idx.Sorted})
	require.NoError(t, err)
	assert.Equal(t, one(aggRec{"lo": 1.0, "hi": 1.0}), aggRun(t, ties, tq))

	// String keys order after integer keys, as in the total order.
	mixed := aggTable(t, "k", aggRec{"k": "b"}, aggRec{"k": 10}, aggRec{"k": "a"})
	assert.Equal(t, one(aggRec{"lo": int64(10), "hi": "b"}),
		aggRun(t, mixed, AggQuery{Aggs: aggs(minOf("lo", "k"), maxOf("hi", "k"))}))
}

// TestAggregateProperty compares Aggregate with a naive fold over Select
// results on random tables, conditions, groupings and indexes.
func TestAggregateProperty(t *testing.T) {
	seed := rand.Uint64()
	if s := os.Getenv("AGG_SEED"); s != "" { // replay a logged seed
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("seed %d (replay with AGG_SEED=%[1]d)", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	groupVals := []any{nil, int64(1), 1.0, int64(2), 2.5, "a", "b", true, false, []any{int64(1)}, []any{1.0}}
	numVals := []any{nil, int64(0), int64(1), int64(-7), int64(1000), 0.5, -2.25, int64(math.MaxInt64 / 2), int64(math.MinInt64 / 2)}
	anyVals := append(slices.Clone(groupVals), "zz", []byte("b"), time.Unix(5, 0).UTC(), map[string]any{"a": int64(1)})
	pick := func(vals []any) any { return vals[rng.IntN(len(vals))] }

	iters := 300
	if testing.Short() {
		iters = 50
	}
	for it := range iters {
		n := rng.IntN(60)
		var recs []aggRec
		for i := range n {
			r := aggRec{"id": i*3 + 1}
			for _, f := range []string{"g1", "g2"} {
				if rng.IntN(5) > 0 {
					r[f] = pick(groupVals[:4+rng.IntN(len(groupVals)-3)])
				}
			}
			if rng.IntN(6) > 0 {
				r["x"] = pick(numVals)
			}
			if rng.IntN(6) > 0 {
				r["y"] = pick(anyVals)
			}
			r["k"] = int64(rng.IntN(10))
			recs = append(recs, r)
		}
		tb := aggTable(t, "id", recs...)
		if rng.IntN(2) == 0 {
			var err error
			tb, err = tb.CreateIndex(IndexDef{Field: "y", Kind: idx.Sorted})
			require.NoError(t, err)
			tb, err = tb.CreateIndex(IndexDef{Field: "k", Kind: []idx.Kind{idx.Hash, idx.Sorted}[rng.IntN(2)]})
			require.NoError(t, err)
		}
		var q AggQuery
		switch rng.IntN(4) {
		case 1:
			q.Where = cond.Field("k").Gte(rng.IntN(10))
		case 2:
			q.Where = cond.Field("k").Eq(rng.IntN(10))
		case 3:
			q.Where = cond.Or(cond.Field("g1").Eq(1), cond.Field("k").Lt(3))
		}
		q.GroupBy = [][]string{nil, {"g1"}, {"g2", "g1"}, {"missing"}}[rng.IntN(4)]
		kinds := []Agg{cnt("c"), cntOf("cx", "x"), sumOf("sx", "x"), avgOf("ax", "x"), minOf("mny", "y"),
			maxOf("mxy", "y"), minOf("mnx", "x"), maxOf("mxid", "id"), minOf("mnid", "id"), cntOf("cy", "y")}
		rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
		q.Aggs = kinds[:1+rng.IntN(len(kinds))]

		got, err := tb.Aggregate(q)
		want, wantErr := naiveAggregate(t, tb, q)
		if wantErr {
			require.ErrorIs(t, err, cond.ErrInvalidQuery, "iteration %d: %+v", it, q)
			continue
		}
		require.NoError(t, err, "iteration %d", it)
		require.Len(t, got, len(want), "iteration %d: %+v", it, q)
		for i := range want {
			require.Len(t, got[i], len(want[i]))
			for k, w := range want[i] {
				if f, ok := w.(float64); ok && q.Aggs != nil && isAvgOrSum(q, k) {
					require.InDelta(t, f, got[i][k], 1e-9*math.Max(1, math.Abs(f)), "iteration %d row %d %s", it, i, k)
					continue
				}
				require.Equal(t, w, got[i][k], "iteration %d row %d %s: %+v", it, i, k, q)
			}
		}
	}
}

func isAvgOrSum(q AggQuery, name string) bool {
	for _, a := range q.Aggs {
		if a.Name == name {
			return a.Kind == AggSum || a.Kind == AggAvg
		}
	}
	return false
}

// naiveAggregate folds over Select's rows with a linear search for groups
// and exact integer arithmetic. wantErr reports an expected overflow.
func naiveAggregate(t *testing.T, tb *Table, q AggQuery) (out []aggRec, wantErr bool) {
	rows, err := tb.Select(Query{Where: q.Where})
	require.NoError(t, err)
	type group struct {
		key  []any
		rows []map[string]any
	}
	var groups []*group
	for _, r := range rows {
		key := make([]any, len(q.GroupBy))
		for i, f := range q.GroupBy {
			key[i], _ = r.Get(f)
		}
		i := slices.IndexFunc(groups, func(g *group) bool { return codec.Equal(g.key, key) })
		if i < 0 {
			groups = append(groups, &group{key: key})
			i = len(groups) - 1
		}
		groups[i].rows = append(groups[i].rows, r.Map())
	}
	if len(q.GroupBy) == 0 && len(groups) == 0 {
		groups = append(groups, &group{})
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return codec.Compare(a.key, b.key) })
	for _, g := range groups {
		row := aggRec{}
		for i, f := range q.GroupBy {
			row[f] = g.key[i]
		}
		for _, a := range q.Aggs {
			var vals []any
			for _, r := range g.rows {
				if a.Field == "" {
					vals = append(vals, true)
				} else if v := r[a.Field]; v != nil {
					vals = append(vals, v)
				}
			}
			switch a.Kind {
			case AggCount:
				row[a.Name] = int64(len(vals))
				continue
			case AggMin, AggMax:
				if len(vals) == 0 {
					row[a.Name] = nil
					continue
				}
				// Ties: Min and Max keep the first in primary-key order.
				best := vals[0]
				for _, v := range vals[1:] {
					if c := codec.Compare(v, best); (a.Kind == AggMin && c < 0) || (a.Kind == AggMax && c > 0) {
						best = v
					}
				}
				row[a.Name] = best
				continue
			}
			if len(vals) == 0 {
				row[a.Name] = nil
				continue
			}
			isum, fsum, hasFloat := new(big.Int), 0.0, false
			for _, v := range vals {
				switch x := v.(type) {
				case int64:
					isum.Add(isum, big.NewInt(x))
				case float64:
					fsum += x
					hasFloat = true
				}
			}
			total, _ := new(big.Float).SetInt(isum).Float64()
			total += fsum
			switch {
			case a.Kind == AggAvg:
				row[a.Name] = total / float64(len(vals))
			case hasFloat:
				row[a.Name] = total
			case !isum.IsInt64():
				return nil, true
			default:
				row[a.Name] = isum.Int64()
			}
		}
		out = append(out, row)
	}
	return out, false
}
