package tbl

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

// TestTimeRangesThroughASortedIndex: Lt and Lte on a time are served by a
// sorted index from MinTime on, and answer what a full scan answers, down
// to the earliest times there are.
func TestTimeRangesThroughASortedIndex(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	vals := []any{MinTime, time.Date(-1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, base,
		base.Add(time.Hour), "2026-01-01", int64(3), nil}
	plain, err := New("t", "id", nil)
	require.NoError(t, err)
	for i, v := range vals {
		plain, _, err = plain.Insert(map[string]any{"id": i, "at": v})
		require.NoError(t, err)
	}
	indexed, err := plain.CreateIndex(IndexDef{Field: "at", Kind: idx.Sorted})
	require.NoError(t, err)
	for _, c := range []cond.Cond{
		cond.Field("at").Lt(base), cond.Field("at").Lte(base), cond.Field("at").Lt(time.Time{}),
		cond.Field("at").Lte(MinTime), cond.Field("at").Lt(MinTime),
	} {
		want, err := plain.Select(Query{Where: c})
		require.NoError(t, err)
		got, err := indexed.Select(Query{Where: c})
		require.NoError(t, err)
		assert.Equal(t, len(want), len(got), c.String())
		plan, err := indexed.Explain(Query{Where: c})
		require.NoError(t, err)
		assert.Contains(t, plan, "sorted index on at", c.String())
	}
}

func TestLive(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tb, err := New("t", "id", nil)
	require.NoError(t, err)
	tb, _, err = tb.InsertMany([]map[string]any{
		{"id": 1, "exp": t0.Add(time.Hour)}, {"id": 2, "exp": t0.Add(2 * time.Hour)}, {"id": 3},
	})
	require.NoError(t, err)
	assert.Same(t, tb, tb.Live(t0.Add(3*time.Hour)), "no TTL: nothing expires")
	tt, err := tb.WithTTL("exp")
	require.NoError(t, err)
	assert.True(t, tt.HasIndex("exp"))
	assert.Same(t, tt, tt.Live(t0), "nothing expired: the version itself")
	l1 := tt.Live(t0.Add(90 * time.Minute))
	assert.Equal(t, 2, l1.Len())
	assert.Equal(t, 3, tt.Len(), "Live never changes its receiver")
	assert.Same(t, l1, tt.Live(t0.Add(100*time.Minute)), "reused while nothing else expired")
	assert.Equal(t, 1, tt.Live(t0.Add(3*time.Hour)).Len())
	assert.Equal(t, 3, tt.Live(t0).Len(), "the clock went back")
	r, _ := tt.Get(1)
	assert.True(t, tt.Expired(r, t0.Add(time.Hour+1)))
	assert.False(t, tt.Expired(r, t0.Add(time.Hour)))
	r, _ = tt.Get(3)
	assert.False(t, tt.Expired(r, t0.Add(1000*time.Hour)))

	_, err = tt.WithTTL("id")
	assert.ErrorIs(t, err, ErrInvalidArgument)
	off, err := tt.WithTTL("")
	require.NoError(t, err)
	assert.Equal(t, "", off.TTL())
	assert.Same(t, off, off.Live(t0.Add(3*time.Hour)))
}
