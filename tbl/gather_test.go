package tbl

import (
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
