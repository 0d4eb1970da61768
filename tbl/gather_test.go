package tbl

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

// gatherTable returns a table of n rows, id 0..n-1, with a sorted index on
// s = id % 10, so that a range on s reads several runs of keys.
func gatherTable(t *testing.T, n int) *Table {
	t.Helper()
	tb, err := New("t", "id", nil)
	require.NoError(t, err)
	tb, err = tb.CreateIndex(idx.Def{Field: "s", Kind: idx.Sorted})
	require.NoError(t, err)
	for i := range n {
		tb, _, err = tb.Insert(map[string]any{"id": int64(i), "s": int64(i % 10)})
		require.NoError(t, err)
	}
	return tb
}

func seqKeys(a access) []int64 {
	var out []int64
	for k := range a.rows {
		i, _ := k.Int()
		out = append(out, i)
	}
	return out
}

// TestGatheredAccessLifetime checks that the candidates of an index range
// read the same, in key order, any number of times before close, through
// appendRows too, and after close (when they are read from the index
// again), and that close may be called twice.
func TestGatheredAccessLifetime(t *testing.T) {
	tb := gatherTable(t, 200)
	where := cond.Field("s").Between(2, 5)
	var want []int64
	for i := range int64(200) {
		if s := i % 10; s >= 2 && s <= 5 {
			want = append(want, i)
		}
	}
	a := tb.choose(where)
	require.NotNil(t, a.release, "a range on a sorted index is gathered into scratch memory")
	require.Equal(t, len(want), a.est)
	require.Equal(t, want, seqKeys(a))
	require.Equal(t, want, seqKeys(a), "second read before close")
	var got []int64
	for _, r := range a.appendRows(nil) {
		v, _ := r.Get("id")
		got = append(got, v.(int64))
	}
	require.Equal(t, want, got, "appendRows")
	a.close()
	require.Equal(t, want, seqKeys(a), "read after close")
	a.close()
}

// TestScratchReleaseKeepsNoRows checks that a buffer going back to the pool
// holds no rows (so the pool keeps no version alive) and that an oversized
// one is dropped.
func TestScratchReleaseKeepsNoRows(t *testing.T) {
	r := Row{rec: codec.RecordOf(map[string]any{"id": int64(1)})}
	buf := []idx.Hit[Row]{{Key: codec.IntKey(1), Row: r}, {Key: codec.IntKey(2), Row: r}}
	kept := emptied(buf)
	require.Empty(t, kept)
	for _, h := range buf {
		require.Equal(t, idx.Hit[Row]{}, h)
	}
	require.Nil(t, emptied(make([]idx.Hit[Row], 1, maxPooledHits+1)))
}

// TestConcurrentGatheredQueries runs index-range queries on one table from
// several goroutines: each query's scratch memory must stay its own until
// it is done (the race detector and the results check it).
func TestConcurrentGatheredQueries(t *testing.T) {
	tb := gatherTable(t, 500)
	queries := []Query{
		{Where: cond.Field("s").Between(2, 5)},
		{Where: cond.Field("s").In(1, 7, 8)},
		{Where: cond.And(cond.Field("s").Gte(3), cond.Field("s").Lt(6))},
		{Where: cond.Field("s").Gt(6), OrderBy: []string{"-id"}, Limit: 7},
	}
	want := make([][]map[string]any, len(queries))
	for i, q := range queries {
		rows, err := tb.Select(q)
		require.NoError(t, err)
		want[i] = rawMaps(rows)
	}
	seed := testSeed(t)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			for range 100 {
				i := rng.IntN(len(queries))
				rows, err := tb.Select(queries[i])
				if err != nil || !slices.EqualFunc(rawMaps(rows), want[i], func(a, b map[string]any) bool { return codec.Equal(a, b) }) {
					errs <- queries[i].Where.String()
					return
				}
				if n, err := tb.Count(queries[i].Where); err != nil || (queries[i].Limit == 0 && n != len(want[i])) {
					errs <- "count " + queries[i].Where.String()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent query %s disagreed with the same query run alone", e)
	}
}

// TestAppendRankedPutsRowsInKeyOrder reads ranges of a sorted index whose
// rows have dense integer keys (ranked straight into place), sparse or
// extreme integer keys and string keys (gathered and sorted instead), and
// checks each returns every row of the range once, in key order, after
// what dst held before.
func TestAppendRankedPutsRowsInKeyOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 11))
	rankedRounds := 0
	for round := range 60 {
		n := 2 + rng.IntN(400)
		var keys []any
		seen := map[any]bool{}
		kind := round % 4
		for len(keys) < n {
			var k any
			switch kind {
			case 0: // dense: ranked
				k = int64(rng.IntN(2*n)) - int64(n)
			case 1: // sparse: over 64 keys of span per key
				k = rng.Int64N(1 << 40)
			case 2: // the extremes, whose span overflows
				k = []int64{math.MinInt64, math.MaxInt64}[rng.IntN(2)] + int64(rng.IntN(2*n)) - int64(n)
			default:
				k = fmt.Sprint(rng.IntN(10 * n))
			}
			if kind == 2 && len(keys) == 0 {
				k = int64(math.MinInt64) // both extremes present
			}
			if kind == 2 && len(keys) == 1 {
				k = int64(math.MaxInt64)
			}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		tb, err := New("t", "id", nil)
		require.NoError(t, err)
		tb, err = tb.CreateIndex(idx.Def{Field: "s", Kind: idx.Sorted})
		require.NoError(t, err)
		vals := map[any]int64{}
		for _, k := range keys {
			vals[k] = rng.Int64N(20)
			tb, _, err = tb.Insert(map[string]any{"id": k, "s": vals[k]})
			require.NoError(t, err)
		}
		lo := rng.Int64N(20)
		hi := lo + rng.Int64N(20-lo)
		where := cond.Field("s").Between(lo, hi)
		var want []codec.Key
		for _, k := range keys {
			if v := vals[k]; v >= lo && v <= hi {
				want = append(want, keyOf(k))
			}
		}
		slices.SortFunc(want, codec.CompareKeys)
		r := idx.Range{Lo: lo, Hi: hi, LoIncl: true, HiIncl: true}
		prefix := Row{rec: codec.RecordOf(map[string]any{"id": "before"})}
		rows, ranked := appendRanked([]Row{prefix}, tb.indexes[0], r, len(want))
		require.Equal(t, dense(want), ranked, "round %d (kind %d): ranked", round, kind)
		if ranked {
			require.Equal(t, prefix, rows[0], "round %d: dst's rows stay first", round)
			requireKeys(t, want, rows[1:], "round %d: ranked", round)
		}
		// Through the planner, ranked or not.
		a := tb.choose(where)
		if a.appendRows != nil {
			requireKeys(t, want, a.appendRows(nil), "round %d: appendRows", round)
		}
		a.close()
		if ranked {
			rankedRounds++
		}
	}
	require.Greater(t, rankedRounds, 10, "rounds read by rank")
}

func requireKeys(t *testing.T, want []codec.Key, rows []Row, msg string, args ...any) {
	t.Helper()
	var got []codec.Key
	for _, r := range rows {
		v, _ := r.Get("id")
		got = append(got, keyOf(v))
	}
	if !slices.EqualFunc(got, want, codec.Key.Equal) {
		t.Fatalf("%s: rows %v, want %v", fmt.Sprintf(msg, args...), got, want)
	}
}

// dense tells whether keys are at least two integers whose span is under
// 64 times their number: the keys appendRanked ranks.
func dense(keys []codec.Key) bool {
	if len(keys) < 2 {
		return false
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, k := range keys {
		i, ok := k.Int()
		if !ok {
			return false
		}
		lo, hi = min(lo, i), max(hi, i)
	}
	return uint64(hi)-uint64(lo) < 64*uint64(len(keys))
}

func keyOf(v any) codec.Key {
	k, _ := codec.KeyOf(v)
	return k
}
