package tbl

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// TestAggregateIndexRuns checks that a grouped aggregation served by
// walking an index's runs (one GroupBy field with an index, no Where, no
// other field read) returns exactly what the scan of the same table
// without the index returns: groups, their order, the group values (the
// first row's, in key order: 1 before 1.0), counts, Min, Max, Sum and Avg,
// and the same error for a Sum over a value that is not a number. Values
// mix kinds, equal ints and floats, nulls and missing fields, over enough
// rows that runs span leaves.
func TestAggregateIndexRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 0))
	pool := []any{nil, int64(1), 1.0, int64(2), 2.5, "a", "b", "", true, false, int64(-3), -3.0}
	for round := range 4 {
		n := 50 + rng.IntN(3000)
		var recs []aggRec
		numeric := round%2 == 0 // Sum and Avg need numbers (or nulls)
		for i := range n {
			r := aggRec{"id": int64(i), "x": int64(rng.IntN(9))}
			switch v := pool[rng.IntN(len(pool))]; {
			case rng.IntN(10) == 0:
				// field missing
			case numeric:
				if _, isStr := v.(string); isStr {
					v = int64(7)
				}
				if _, isBool := v.(bool); isBool {
					v = 4.0
				}
				r["g"] = v
			default:
				r["g"] = v
			}
			recs = append(recs, r)
		}
		plain := aggTable(t, "id", recs...)
		for _, kind := range []idx.Kind{idx.Hash, idx.Sorted} {
			indexed, err := plain.CreateIndex(IndexDef{Field: "g", Kind: kind})
			require.NoError(t, err)
			queries := []AggQuery{
				{Aggs: []Agg{{Name: "n", Kind: AggCount}}, GroupBy: []string{"g"}},
				{Aggs: []Agg{{Name: "n", Kind: AggCount}, {Name: "c", Kind: AggCount, Field: "g"},
					{Name: "lo", Kind: AggMin, Field: "g"}, {Name: "hi", Kind: AggMax, Field: "g"}}, GroupBy: []string{"g"}},
				{Aggs: []Agg{{Name: "s", Kind: AggSum, Field: "g"}, {Name: "m", Kind: AggAvg, Field: "g"}}, GroupBy: []string{"g"}},
				{Aggs: []Agg{{Name: "n", Kind: AggCount}, {Name: "m", Kind: AggAvg, Field: "x"}}, GroupBy: []string{"g"}},
			}
			for qi, q := range queries {
				want, wantErr := plain.Aggregate(q)
				got, gotErr := indexed.Aggregate(q)
				what := fmt.Sprintf("round %d, %v index, query %d", round, kind, qi)
				if wantErr != nil {
					require.Error(t, gotErr, what)
					require.Equal(t, wantErr.Error(), gotErr.Error(), what)
					continue
				}
				require.NoError(t, gotErr, what)
				require.Equal(t, len(want), len(got), what)
				for i := range want {
					// Equal compares kinds too: 6 and 6.0 differ (%#v prints both as 6).
					require.Equal(t, want[i], got[i], "%s: group %d", what, i)
				}
			}
		}
	}
}

// TestAggregateIndexRunsSumKinds: a run of the index holds rows whose
// values are equal but of different kinds (2 and 2.0); a Sum over them is
// a float, as the scan without the index gives.
func TestAggregateIndexRunsSumKinds(t *testing.T) {
	for _, vals := range [][]any{{int64(2), 2.0, int64(2)}, {2.0, int64(2), int64(2)}, {int64(2), int64(2), 2.0}} {
		var recs []aggRec
		for i, v := range vals {
			recs = append(recs, aggRec{"id": int64(i), "a": v})
		}
		plain := aggTable(t, "id", recs...)
		q := AggQuery{Aggs: []Agg{{Name: "s", Kind: AggSum, Field: "a"}, {Name: "lo", Kind: AggMin, Field: "a"}}, GroupBy: []string{"a"}}
		want, err := plain.Aggregate(q)
		require.NoError(t, err)
		require.IsType(t, 0.0, want[0]["s"])
		for _, kind := range []idx.Kind{idx.Hash, idx.Sorted} {
			indexed, err := plain.CreateIndex(IndexDef{Field: "a", Kind: kind})
			require.NoError(t, err)
			got, err := indexed.Aggregate(q)
			require.NoError(t, err)
			require.Equal(t, want, got, "%v index over %v", kind, vals)
		}
	}
}
