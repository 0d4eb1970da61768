package tbl

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/internal/plancover"
)

// oracleSelect runs q the plain way, sharing nothing with the planner: it
// filters rows (given in primary-key order) with the compiled condition,
// sorts them stably by OrderBy, projects Columns, drops duplicates, then
// applies Offset and Limit, all by direct loops.
func oracleSelect(t testing.TB, rows []map[string]any, q Query) []map[string]any {
	t.Helper()
	match, err := cond.Compile(q.Where)
	require.NoError(t, err)
	var out []map[string]any
	for _, r := range rows {
		if match(codec.RecordOf(r)) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b map[string]any) int {
		for _, o := range q.OrderBy {
			field, desc := strings.CutPrefix(o, "-")
			c := codec.Compare(a[field], b[field])
			if desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	if len(q.Columns) > 0 {
		projected := make([]map[string]any, len(out))
		for i, r := range out {
			p := map[string]any{}
			for _, c := range q.Columns {
				p[c.Alias] = r[c.Field]
			}
			projected[i] = p
		}
		out = projected
	}
	if q.Distinct {
		var kept []map[string]any
		for _, r := range out {
			if !slices.ContainsFunc(kept, func(k map[string]any) bool { return codec.Equal(k, r) }) {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	out = out[min(q.Offset, len(out)):]
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return nonNil(out)
}

// tableRows returns every row of tb, in primary-key order, as plain maps.
func tableRows(tb *Table) []map[string]any {
	var out []map[string]any
	for _, r := range tb.All() {
		out = append(out, r.Map())
	}
	return out
}

// checkOracle compares Select and Count of q on tb with the oracle over
// rows, and returns the plan Explain reports.
func checkOracle(t testing.TB, tb *Table, rows []map[string]any, q Query) string {
	t.Helper()
	want := oracleSelect(t, rows, q)
	got, err := tb.Select(q)
	require.NoError(t, err)
	plan, err := tb.Explain(q)
	require.NoError(t, err)
	require.Equal(t, want, nonNil(rawMaps(got)), "query %s order %v cols %v distinct %v offset %d limit %d\n%s",
		q.Where, q.OrderBy, q.Columns, q.Distinct, q.Offset, q.Limit, plan)
	n, err := tb.Count(q.Where)
	require.NoError(t, err)
	require.Equal(t, len(oracleSelect(t, rows, Query{Where: q.Where})), n, "Count(%s)\n%s", q.Where, plan)
	return plan
}

func nonNil(rows []map[string]any) []map[string]any {
	if len(rows) == 0 {
		return nil
	}
	return rows
}

// randKey returns a primary key of the table's key mode: 0 integers, 1
// strings, 2 both.
func randKey(rng *rand.Rand, mode int) any {
	if mode == 1 || (mode == 2 && rng.IntN(2) == 0) {
		return string(rune('a'+rng.IntN(20))) + []string{"", "a", "k"}[rng.IntN(3)]
	}
	return int64(rng.IntN(200) - 20)
}

// randBound returns a constant for a primary-key comparison: mostly of a
// key kind and near the keys, sometimes of another kind.
func randBound(rng *rand.Rand) any {
	switch rng.IntN(8) {
	case 0, 1, 2:
		return int64(rng.IntN(200) - 20)
	case 3:
		return float64(rng.IntN(200)-20) + 0.5
	case 4, 5:
		return string(rune('a' + rng.IntN(21)))
	case 6:
		return float64(rng.IntN(200) - 20)
	}
	return randConst(rng)
}

func randPKCond(rng *rand.Rand) cond.Cond {
	f := cond.Field("id")
	switch rng.IntN(8) {
	case 0:
		return f.Gt(randBound(rng))
	case 1:
		return f.Gte(randBound(rng))
	case 2:
		return f.Lt(randBound(rng))
	case 3:
		return f.Lte(randBound(rng))
	case 4:
		return f.Between(randBound(rng), randBound(rng))
	case 5:
		return cond.And([]func(any) cond.Cond{f.Gt, f.Gte}[rng.IntN(2)](randBound(rng)),
			[]func(any) cond.Cond{f.Lt, f.Lte}[rng.IntN(2)](randBound(rng)))
	case 6:
		return f.In(randBound(rng), randBound(rng))
	}
	return f.StartsWith(string(rune('a' + rng.IntN(21))))
}

// randQuery returns a query over the fields of randRecord.
func randQuery(rng *rand.Rand) Query {
	var q Query
	switch rng.IntN(5) {
	case 3:
		// Two bounds on one field, which a sorted index reads as one range.
		f := cond.Field([]string{"s", "u", "plain", "h"}[rng.IntN(4)])
		lo := []func(any) cond.Cond{f.Gt, f.Gte}[rng.IntN(2)]
		hi := []func(any) cond.Cond{f.Lt, f.Lte}[rng.IntN(2)]
		q.Where = cond.And(lo(randConst(rng)), hi(randConst(rng)), randCond(rng, 0))
	case 0:
		q.Where = randPKCond(rng)
	case 1:
		q.Where = cond.And(randPKCond(rng), randCond(rng, 1))
	case 2:
		q.Where = randCond(rng, 2)
	}
	if rng.IntN(3) > 0 {
		q.OrderBy = [][]string{{"s"}, {"-s"}, {"id"}, {"-id"}, {"h"}, {"-h"}, {"u"}, {"-u"}, {"plain"}, {"h", "-s"}, {"-plain", "id"}}[rng.IntN(11)]
	}
	if rng.IntN(2) == 0 {
		q.Limit = rng.IntN(6) + 1
		q.Offset = rng.IntN(4)
	} else if rng.IntN(4) == 0 {
		q.Offset = rng.IntN(4)
	}
	if rng.IntN(3) == 0 {
		for _, f := range [][]string{{"h"}, {"s"}, {"plain"}, {"h", "s"}, {"u"}}[rng.IntN(5)] {
			q.Columns = append(q.Columns, Projection{Alias: f, Field: f})
		}
	}
	q.Distinct = rng.IntN(3) == 0
	return q
}

// TestPlannerMatchesOracle compares every query, whatever plan the planner
// picks, with the oracle: over tables with integer, string and mixed keys,
// hash, sorted and unique indexes, primary-key ranges with bounds of every
// kind, orderings, projections, distinct and paging. It fails unless every
// strategy of the planner ran at least once.
func TestPlannerMatchesOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 2))
	var seen plancover.Counter
	for round := range 80 {
		mode := round % 3
		tb, err := New("t", "id", nil)
		require.NoError(t, err)
		defs := []idx.Def{{Field: "h", Kind: idx.Hash}, {Field: "s", Kind: idx.Sorted}, {Field: "u", Kind: idx.Sorted, Unique: true}, {Field: "plain", Kind: idx.Sorted}}
		for _, d := range defs {
			if rng.IntN(3) > 0 {
				tb, err = tb.CreateIndex(d)
				require.NoError(t, err)
			}
		}
		for range rng.IntN(150) {
			rec := randRecord(rng)
			if _, ok := rec["id"]; ok || mode > 0 {
				rec["id"] = randKey(rng, mode)
			}
			if next, _, err := tb.Insert(rec); err == nil {
				tb = next
			}
		}
		require.NoError(t, Verify(tb))
		rows := tableRows(tb)
		for range 60 {
			q := randQuery(rng)
			seen.Add(checkOracle(t, tb, rows, q))
		}
	}
	require.Empty(t, seen.Missing(), "strategies that never ran; all counts: %s", &seen)
	t.Logf("strategies: %s", &seen)
}

// TestPrimaryKeyRangesRecheck checks primary-key ranges whose key scan
// starts at or before the bound: the scan yields keys the predicate
// excludes, and the planner must check each candidate against it. It
// checks In lookups with repeated keys too: each row comes once.
func TestPrimaryKeyRangesRecheck(t *testing.T) {
	ints, strs, mixed := mustTable(t), mustTable(t), mustTable(t)
	var err error
	for i := range 10 {
		s := string(rune('a' + 2*i)) // a c e ... s
		ints, _, err = ints.Insert(map[string]any{"id": i + 1, "v": i})
		require.NoError(t, err)
		strs, _, err = strs.Insert(map[string]any{"id": s, "v": i})
		require.NoError(t, err)
		mixed, _, err = mixed.Insert(map[string]any{"id": i + 1, "v": i})
		require.NoError(t, err)
		mixed, _, err = mixed.Insert(map[string]any{"id": s, "v": i})
		require.NoError(t, err)
	}
	f := cond.Field("id")
	keys := func(from, to int) []any {
		var out []any
		for i := from; i <= to; i++ {
			out = append(out, int64(i))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		tb    *Table
		where cond.Cond
		want  []any // nil: only compared with the oracle
	}{
		{"int keys, id > 5", ints, f.Gt(5), keys(6, 10)},
		{"int keys, id >= 5.5", ints, f.Gte(5.5), keys(6, 10)},
		{"int keys, id > 5.0", ints, f.Gt(5.0), keys(6, 10)},
		{"int keys, id >= 5.0", ints, f.Gte(5.0), keys(5, 10)},
		{"int keys, id >= -3.0", ints, f.Gte(-3.0), keys(1, 10)},
		{"int keys, 5.0 <= id < 7", ints, cond.And(f.Gte(5.0), f.Lt(7)), keys(5, 6)},
		{"int keys, id > 4.5", ints, f.Gt(4.5), keys(5, 10)},
		{"int keys, id < 5", ints, f.Lt(5), keys(1, 4)},
		{"int keys, id <= 4.5", ints, f.Lte(4.5), keys(1, 4)},
		{"int keys, 3 < id < 6", ints, cond.And(f.Gt(3), f.Lt(6)), keys(4, 5)},
		{"int keys, 2.5 < id <= 4", ints, cond.And(f.Gt(2.5), f.Lte(4)), keys(3, 4)},
		{"int keys, id in (2, 2, 3.0, 2.0)", ints, f.In(2, 2, 3.0, 2.0), keys(2, 3)},
		{"mixed keys, id in ('c', 1, 'c')", mixed, f.In("c", 1, "c"), []any{int64(1), "c"}},
		{"int keys, id > 'a'", ints, f.Gt("a"), nil},
		{"int keys, id < true", ints, f.Lt(true), nil},
		{"string keys, id < 'k'", strs, f.Lt("k"), []any{"a", "c", "e", "g", "i"}},
		{"string keys, id <= 'k'", strs, f.Lte("k"), []any{"a", "c", "e", "g", "i", "k"}},
		{"string keys, id > 'k'", strs, f.Gt("k"), []any{"m", "o", "q", "s"}},
		{"string keys, id > 'j'", strs, f.Gt("j"), []any{"k", "m", "o", "q", "s"}},
		{"string keys, id >= 'k'", strs, f.Gte("k"), []any{"k", "m", "o", "q", "s"}},
		{"string keys, id > 5", strs, f.Gt(5), nil},
		{"mixed keys, id > 5", mixed, f.Gt(5), keys(6, 10)},
		{"mixed keys, id >= 5.5", mixed, f.Gte(5.5), keys(6, 10)},
		{"mixed keys, id < 'k'", mixed, f.Lt("k"), []any{"a", "c", "e", "g", "i"}},
		{"mixed keys, id > 'q'", mixed, f.Gt("q"), []any{"s"}},
		{"mixed keys, id < 3", mixed, f.Lt(3), keys(1, 2)},
		{"mixed keys, id between 3 and 'k'", mixed, f.Between(3, "k"), nil},
		{"mixed keys, id > 5 and id < 'k'", mixed, cond.And(f.Gt(5), f.Lt("k")), nil},
		{"mixed keys, id > 8 and id <= 9.5", mixed, cond.And(f.Gt(8), f.Lte(9.5)), keys(9, 9)},
		{"mixed keys, id > 'c' and id < 'i'", mixed, cond.And(f.Gt("c"), f.Lt("i")), []any{"e", "g"}},
		{"mixed keys, startswith(id, 'k')", mixed, f.StartsWith("k"), []any{"k"}},
		{"mixed keys, id > []byte", mixed, f.Gt([]byte{1}), nil},
	} {
		rows := tableRows(tc.tb)
		q := Query{Where: tc.where}
		checkOracle(t, tc.tb, rows, q)
		checkOracle(t, tc.tb, rows, Query{Where: tc.where, OrderBy: []string{"-v"}, Limit: 2})
		if tc.want != nil {
			got, err := tc.tb.Select(q)
			require.NoError(t, err)
			var ids []any
			for _, r := range got {
				v, _ := r.Get("id")
				ids = append(ids, v)
			}
			require.Equal(t, tc.want, ids, tc.name)
		}
	}
}

func mustTable(t *testing.T) *Table {
	t.Helper()
	tb, err := New("t", "id", nil)
	require.NoError(t, err)
	return tb
}

// insertAll returns tb with recs inserted.
func insertAll(t *testing.T, tb *Table, recs ...map[string]any) *Table {
	t.Helper()
	tb, _, err := tb.InsertMany(recs)
	require.NoError(t, err)
	return tb
}

// TestTopKLeavesDistinctToTheSort checks that a limited, ordered, distinct
// query gets the first distinct rows: a top-k selection of offset+limit
// rows before Distinct would keep duplicates and lose rows.
func TestTopKLeavesDistinctToTheSort(t *testing.T) {
	tb := mustTable(t)
	for i := range 20 {
		tb = insertAll(t, tb, map[string]any{"c": i / 5, "d": 3 - i/5})
	}
	cols := []Projection{{Alias: "c", Field: "c"}}
	q := Query{OrderBy: []string{"c"}, Columns: cols, Distinct: true, Limit: 2}
	got, err := tb.Select(q)
	require.NoError(t, err)
	require.Equal(t, []map[string]any{{"c": int64(0)}, {"c": int64(1)}}, rawMaps(got))
	checkOracle(t, tb, tableRows(tb), Query{OrderBy: []string{"-d"}, Columns: cols, Distinct: true, Limit: 2, Offset: 1})
	// Without Distinct the same query is a top-k selection, with it a sort.
	plan, err := tb.Explain(Query{OrderBy: []string{"c"}, Columns: cols, Limit: 2})
	require.NoError(t, err)
	require.Contains(t, plan, "order: top-2 selection by c")
	plan, err = tb.Explain(q)
	require.NoError(t, err)
	require.Contains(t, plan, "order: sort by c")
}

// TestOffsetSkipsDistinctRows checks that Offset counts rows after
// Distinct dropped the duplicates, in every ordering strategy.
func TestOffsetSkipsDistinctRows(t *testing.T) {
	tb := insertAll(t, mustTable(t), map[string]any{"a": "x"}, map[string]any{"a": "x"}, map[string]any{"a": "y"})
	cols := []Projection{{Alias: "a", Field: "a"}}
	got, err := tb.Select(Query{Columns: cols, Distinct: true, Offset: 1})
	require.NoError(t, err)
	require.Equal(t, []map[string]any{{"a": "y"}}, rawMaps(got))
	sorted, err := tb.CreateIndex(idx.Def{Field: "a", Kind: idx.Sorted})
	require.NoError(t, err)
	for _, x := range []*Table{tb, sorted} {
		for _, order := range [][]string{nil, {"a"}, {"-a"}, {"id"}} {
			for _, limit := range []int{0, 1} {
				checkOracle(t, x, tableRows(x), Query{Columns: cols, Distinct: true, Offset: 1, OrderBy: order, Limit: limit})
			}
		}
	}
	// An index lookup of a repeated value reads its rows once.
	for range 10 {
		sorted = insertAll(t, sorted, map[string]any{"a": "z"})
	}
	checkOracle(t, sorted, tableRows(sorted), Query{Where: cond.Field("a").In("x", "y", "x")})
}

// TestIndexEntryTakesNewValueKind checks that an update replacing a value
// by an equal one of another Go type (1 by 1.0, [1] by [1.0]) replaces the
// index entry too, so that what the index yields has the row's type.
func TestIndexEntryTakesNewValueKind(t *testing.T) {
	for _, kind := range []idx.Kind{idx.Sorted, idx.Hash} {
		for _, tc := range []struct{ from, to any }{
			{1, 1.0},
			{1.0, 1},
			{[]any{1}, []any{1.0}},
			{map[string]any{"x": 2.0}, map[string]any{"x": 2}},
		} {
			tb := insertAll(t, mustTable(t), map[string]any{"a": tc.from})
			tb, err := tb.CreateIndex(idx.Def{Field: "a", Kind: kind})
			require.NoError(t, err)
			tb, n, err := tb.Update(map[string]any{"a": tc.to}, nil)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			want, err := codec.Normalize("a", tc.to)
			require.NoError(t, err)
			require.NoError(t, Verify(tb), "%v index, %#v to %#v", kind, tc.from, tc.to)
			for e := range tb.index("a").Ascend() {
				require.Equal(t, want, e.Value, "%v index entry after %#v to %#v", kind, tc.from, tc.to)
			}
			res, err := tb.Aggregate(AggQuery{Aggs: []Agg{{Name: "m", Kind: AggMin, Field: "a"}, {Name: "x", Kind: AggMax, Field: "a"}}})
			require.NoError(t, err)
			require.Equal(t, []map[string]any{{"m": want, "x": want}}, res, "%v index, %#v to %#v", kind, tc.from, tc.to)
		}
	}
}

// TestVerifyFindsIndexValueOfAnotherKind checks that Verify reports an
// index entry whose value equals the row's field but has another type.
func TestVerifyFindsIndexValueOfAnotherKind(t *testing.T) {
	for _, tc := range []struct{ stored, stale any }{
		{1.0, int64(1)},
		{int64(1), 1.0},
		{[]any{1.0}, []any{int64(1)}},
		{map[string]any{"x": int64(2)}, map[string]any{"x": 2.0}},
	} {
		tb := insertAll(t, mustTable(t), map[string]any{"id": 1, "a": tc.stored})
		tb, err := tb.CreateIndex(idx.Def{Field: "a", Kind: idx.Sorted})
		require.NoError(t, err)
		require.NoError(t, Verify(tb))
		k := codec.IntKey(1)
		r, _ := tb.GetKey(k)
		b := tb.indexes[0].Edit()
		b.Remove(tc.stored, k)
		b.Put(nil, false, tc.stale, k, r)
		broken := *tb
		broken.indexes = []*idx.Index[Row]{b.Index()}
		err = Verify(&broken)
		require.Error(t, err, "stored %#v, index holds %#v", tc.stored, tc.stale)
		require.Contains(t, err.Error(), fmt.Sprintf("index %q", "a"))
	}
}
