package tbl

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

func testSeed(t *testing.T) uint64 { return testseed.Seed(t) }

// randValue returns a value from a small, collision-rich domain of mixed
// kinds, or ok=false for "leave the field out".
func randValue(rng *rand.Rand) (v any, ok bool) {
	switch rng.IntN(10) {
	case 0:
		return nil, false
	case 1:
		return nil, true
	case 2:
		return rng.IntN(2) == 0, true
	case 3, 4:
		return int64(rng.IntN(8)), true
	case 5:
		return float64(rng.IntN(8)) + []float64{0, 0.5}[rng.IntN(2)], true
	case 6, 7:
		return []string{"", "a", "ab", "abc", "b", "ba", "B", "a%b"}[rng.IntN(8)], true
	case 8:
		return []any{int64(rng.IntN(2))}, true
	}
	return []byte{byte(rng.IntN(2))}, true
}

func randConst(rng *rand.Rand) any {
	if v, ok := randValue(rng); ok {
		return v
	}
	return int64(3)
}

var planFields = []string{"id", "h", "s", "u", "plain"}

func randCond(rng *rand.Rand, depth int) cond.Cond {
	if depth > 0 && rng.IntN(3) == 0 {
		n := rng.IntN(3) + 1
		terms := make([]cond.Cond, n)
		for i := range terms {
			terms[i] = randCond(rng, depth-1)
		}
		switch rng.IntN(3) {
		case 0:
			return cond.And(terms...)
		case 1:
			return cond.Or(terms...)
		}
		return cond.Not(terms[0])
	}
	f := cond.Field(planFields[rng.IntN(len(planFields))])
	switch rng.IntN(14) {
	case 0:
		return f.Eq(randConst(rng))
	case 1:
		return f.Ne(randConst(rng))
	case 2:
		return f.Lt(randConst(rng))
	case 3:
		return f.Lte(randConst(rng))
	case 4:
		return f.Gt(randConst(rng))
	case 5:
		return f.Gte(randConst(rng))
	case 6:
		return f.In(randConst(rng), randConst(rng), randConst(rng))
	case 7:
		return f.Between(randConst(rng), randConst(rng))
	case 8:
		return f.StartsWith([]string{"", "a", "ab", "b"}[rng.IntN(4)])
	case 9:
		return f.Like([]string{"a%", "ab", "a_", "%b", "a!%%", ""}[rng.IntN(6)])
	case 10:
		return f.LikeEscape("a!%%", "!")
	case 11:
		return f.IsNull()
	case 12:
		return f.Eq(int64(rng.IntN(40)))
	}
	return f.In()
}

func randRecord(rng *rand.Rand) map[string]any {
	rec := map[string]any{}
	for _, f := range []string{"h", "s", "plain"} {
		if v, ok := randValue(rng); ok {
			rec[f] = v
		}
	}
	if rng.IntN(3) > 0 {
		rec["u"] = int64(rng.IntN(1000))
	}
	if rng.IntN(4) > 0 {
		rec["id"] = int64(rng.IntN(60))
	} else if rng.IntN(2) == 0 {
		rec["id"] = []string{"k", "m", "x"}[rng.IntN(3)]
	}
	return rec
}

// TestIndexedResultsEqualFullScan checks that every query returns, in the
// same order, exactly what a full scan returns, whatever indexes exist, over
// random tables and conditions with nulls, missing fields and mixed kinds.
func TestIndexedResultsEqualFullScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 1))
	for round := range 60 {
		plain, err := New("t", "id", nil)
		require.NoError(t, err)
		indexed := plain
		for _, d := range []idx.Def{{Field: "h", Kind: idx.Hash}, {Field: "s", Kind: idx.Sorted}, {Field: "u", Kind: idx.Sorted, Unique: true}} {
			indexed, err = indexed.CreateIndex(d)
			require.NoError(t, err)
		}
		for range 80 {
			rec := randRecord(rng)
			p2, _, err1 := plain.Insert(rec)
			i2, _, err2 := indexed.Insert(rec)
			if err2 != nil {
				continue // a unique-index clash: keep both tables alike
			}
			require.NoError(t, err1)
			plain, indexed = p2, i2
		}
		require.NoError(t, Verify(indexed))
		for range 40 {
			q := Query{Where: randCond(rng, 2)}
			if rng.IntN(2) == 0 {
				q.OrderBy = [][]string{{"s"}, {"-s"}, {"id"}, {"-id"}, {"h", "-s"}, {"-u"}}[rng.IntN(6)]
			}
			if rng.IntN(2) == 0 {
				q.Limit = rng.IntN(5) + 1
				q.Offset = rng.IntN(3)
			}
			want, err := plain.Select(q)
			require.NoError(t, err)
			got, err := indexed.Select(q)
			require.NoError(t, err)
			require.Equal(t, rawMaps(want), rawMaps(got), "round %d query %s order %v limit %d offset %d",
				round, q.Where, q.OrderBy, q.Limit, q.Offset)
		}
		// Writes through the planner agree too.
		where := randCond(rng, 1)
		_, n1, err1 := plain.Delete(where)
		after, n2, err2 := indexed.Delete(where)
		require.Equal(t, n1, n2)
		require.Equal(t, err1 == nil, err2 == nil)
		require.NoError(t, Verify(after))
	}
}

func rawMaps(rows []Row) []map[string]any {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = r.Map()
	}
	return out
}

// TestMergedRangesMatchFullScan checks every pair of range conjuncts on one
// sorted-indexed field (and on the primary key), including equal bounds,
// inclusive and exclusive ends and mixed int/float constants.
func TestMergedRangesMatchFullScan(t *testing.T) {
	plain, err := New("t", "id", nil)
	require.NoError(t, err)
	for i := range 40 {
		rec := map[string]any{"id": int64(i), "s": float64(i%10) / 2}
		if i%7 == 0 {
			rec["s"] = "x"
		}
		plain, _, err = plain.Insert(rec)
		require.NoError(t, err)
	}
	indexed, err := plain.CreateIndex(idx.Def{Field: "s", Kind: idx.Sorted})
	require.NoError(t, err)
	bounds := []any{int64(1), 1.5, int64(2), int64(4), 2.0}
	for _, field := range []string{"s", "id"} {
		f := cond.Field(field)
		ops := []func(any) cond.Cond{f.Gt, f.Gte, f.Lt, f.Lte}
		for _, op1 := range ops {
			for _, op2 := range ops {
				for _, a := range bounds {
					for _, b := range bounds {
						where := cond.And(op1(a), op2(b), f.Ne(3))
						want, err := plain.Select(Query{Where: where})
						require.NoError(t, err)
						got, err := indexed.Select(Query{Where: where})
						require.NoError(t, err)
						require.Equal(t, rawMaps(want), rawMaps(got), "%s", where)
						n, err := indexed.Count(where)
						require.NoError(t, err)
						require.Equal(t, len(want), n, "%s", where)
					}
				}
			}
		}
	}
}

// TestOrderByIndexedRangeKeepsIndexOrder checks the plan that returns the
// candidates of a range on a sorted index in index order when the query is
// ordered by that field: Explain names it, and the rows (equal values of
// mixed kinds, 2 and 2.0, included) come out as a full sort orders them,
// ties in primary-key order, with and without paging and a residual.
func TestOrderByIndexedRangeKeepsIndexOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 2))
	plain, err := New("t", "id", nil)
	require.NoError(t, err)
	indexed, err := plain.CreateIndex(idx.Def{Field: "age", Kind: idx.Sorted})
	require.NoError(t, err)
	for _, id := range rng.Perm(400) {
		age := any(int64(rng.IntN(10)))
		if rng.IntN(4) == 0 {
			age = float64(rng.IntN(10))
		}
		rec := map[string]any{"id": int64(id), "age": age, "odd": id%2 == 1}
		plain, _, err = plain.Insert(rec)
		require.NoError(t, err)
		indexed, _, err = indexed.Insert(rec)
		require.NoError(t, err)
	}
	age := cond.Field("age")
	for _, q := range []Query{
		{Where: cond.And(age.Gte(int64(3)), age.Lt(int64(7))), OrderBy: []string{"age"}},
		{Where: cond.And(age.Gte(int64(3)), age.Lt(int64(7)), cond.Field("odd").Eq(true)), OrderBy: []string{"age"}},
		{Where: cond.And(age.Gt(2.5), age.Lte(int64(8))), OrderBy: []string{"age"}, Offset: 5, Limit: 30},
		{Where: age.Eq(int64(4)), OrderBy: []string{"age"}},
	} {
		plan, err := indexed.Explain(q)
		require.NoError(t, err)
		require.Contains(t, plan, "order: index order", "%s", q.Where)
		want, err := plain.Select(q)
		require.NoError(t, err)
		got, err := indexed.Select(q)
		require.NoError(t, err)
		require.NotEmpty(t, got)
		require.Equal(t, rawMaps(want), rawMaps(got), "%s", q.Where)
	}
}
