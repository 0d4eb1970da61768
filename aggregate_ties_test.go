package dictdb_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// TestAggregateMinMaxTiesKeepFirst checks that Min and Max return, among
// equal values (2 and 2.0), the one of the first record in primary-key
// order, as Python's min() and max() return the first of equal items, and
// that a sorted index on the field (read at its ends) gives the same
// answer as a scan.
func TestAggregateMinMaxTiesKeepFirst(t *testing.T) {
	recs := []dictdb.Record{
		{"id": 1, "v": 1.0, "g": "a"},
		{"id": 2, "v": 2, "g": "a"},
		{"id": 3, "v": 1, "g": "a"},
		{"id": 4, "v": 2.0, "g": "a"},
		{"id": 5, "v": nil, "g": "a"},
	}
	for _, kind := range []string{"none", "hash", "sorted"} {
		t.Run(kind, func(t *testing.T) {
			db := dictdb.New()
			tb, err := db.CreateTable("t")
			require.NoError(t, err)
			switch kind {
			case "hash":
				require.NoError(t, tb.CreateIndex("v", dictdb.HashIndex))
			case "sorted":
				require.NoError(t, tb.CreateIndex("v", dictdb.SortedIndex))
			}
			_, err = tb.InsertMany(recs)
			require.NoError(t, err)
			aggs := []dictdb.Agg{dictdb.Min("lo", "v"), dictdb.Max("hi", "v")}
			for _, q := range []dictdb.AggQuery{
				{Aggs: aggs},
				{Aggs: aggs, Where: cond.Field("g").Eq("a")},
				{Aggs: aggs, GroupBy: []string{"g"}},
			} {
				got, err := tb.Aggregate(q)
				require.NoError(t, err)
				require.Len(t, got, 1)
				assert.Equal(t, float64(1), got[0]["lo"], "Min: record 1's 1.0, not record 3's 1 (%+v)", q)
				assert.Equal(t, int64(2), got[0]["hi"], "Max: record 2's 2, not record 4's 2.0 (%+v)", q)
			}
		})
	}
}
