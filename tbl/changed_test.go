package tbl

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// rowChange is one call of a ChangedRows or DiffRows callback.
type rowChange struct {
	k             codec.Key
	before, after Row
	had, has      bool
}

func collectChanges(walk func(*Table, *Table, func(codec.Key, Row, bool, Row, bool) bool), old, cur *Table) []rowChange {
	var out []rowChange
	walk(old, cur, func(k codec.Key, before Row, had bool, after Row, has bool) bool {
		out = append(out, rowChange{k, before, after, had, has})
		return true
	})
	return out
}

func requireSameChanges(t *testing.T, want, got []rowChange, what string) {
	t.Helper()
	require.Equal(t, len(want), len(got), "%s: number of changed rows", what)
	for i := range want {
		w, g := want[i], got[i]
		require.Zero(t, codec.CompareKeys(w.k, g.k), "%s: change %d: key %v, want %v", what, i, g.k, w.k)
		require.Equal(t, [2]bool{w.had, w.has}, [2]bool{g.had, g.has}, "%s: key %v", what, w.k)
		require.True(t, Same(w.before, g.before) && Same(w.after, g.after), "%s: key %v: other rows", what, w.k)
	}
}

// randomWrite applies one random write to t and returns the new version
// (t itself when the write failed or changed nothing).
func randomWrite(rng *rand.Rand, t *Table) *Table {
	var next *Table
	var err error
	switch rng.IntN(10) {
	case 0, 1, 2:
		next, _, err = t.Insert(modelRecord(rng))
	case 3:
		recs := make([]map[string]any, 1+rng.IntN(20))
		for i := range recs {
			recs[i] = modelRecord(rng)
		}
		next, _, err = t.InsertMany(recs)
	case 4, 5:
		next, _, _, err = t.Upsert(modelRecord(rng), Conflict(rng.IntN(3)))
	case 6:
		next, _, err = t.Update(modelChanges(rng), modelWhere(rng))
	case 7:
		next, _, err = t.Delete(modelWhere(rng))
	case 8:
		var ups []codec.Record
		var dels []any
		for range rng.IntN(20) {
			if rng.IntN(3) == 0 {
				dels = append(dels, int64(rng.IntN(30)))
				continue
			}
			rec := modelRecord(rng)
			if rec["id"] == nil {
				rec["id"] = int64(rng.IntN(30))
			}
			r, rerr := codec.NormalizeRecord(rec)
			if rerr != nil {
				return t
			}
			ups = append(ups, r)
		}
		next, err = t.ApplyDelta(ups, dels)
	default:
		field := []string{"u", "v", "w"}[rng.IntN(3)]
		if t.HasIndex(field) {
			next, err = t.DropIndex(field)
		} else {
			next, err = t.CreateIndex(idx.Def{Field: field, Kind: idx.Kind(1 + rng.IntN(2)), Unique: rng.IntN(4) == 0})
		}
	}
	if err != nil {
		return t
	}
	return next
}

// TestChangedRowsMatchesDiffRows checks ChangedRows and SameIndexes
// against the full diff and the index lists, between each version and the
// next (the short path) and between random earlier versions (the walk).
func TestChangedRowsMatchesDiffRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 0))
	for run := range 20 {
		cur, err := New("t", "id", nil)
		require.NoError(t, err)
		versions := []*Table{cur}
		for step := range 300 {
			next := randomWrite(rng, cur)
			versions = append(versions, next)
			requireSameChanges(t, collectChanges(DiffRows, cur, next), collectChanges(changedRows, cur, next),
				fmt.Sprintf("run %d step %d", run, step))
			require.Equal(t, slices.Equal(cur.Indexes(), next.Indexes()), SameIndexes(cur, next))
			a, b := versions[rng.IntN(len(versions))], versions[rng.IntN(len(versions))]
			requireSameChanges(t, collectChanges(DiffRows, a, b), collectChanges(changedRows, a, b), "random pair")
			require.Equal(t, slices.Equal(a.Indexes(), b.Indexes()), SameIndexes(a, b))
			cur = next
		}
	}
}

// TestChangedRowsStops checks that ChangedRows stops when fn returns false.
func TestChangedRowsStops(t *testing.T) {
	cur, err := New("t", "id", nil)
	require.NoError(t, err)
	next, _, err := cur.InsertMany([]map[string]any{{"id": 1}, {"id": 2}, {"id": 3}})
	require.NoError(t, err)
	var seen []any
	ChangedRows(cur, next, func(k codec.Key, _ Row, _ bool, _ Row, _ bool) bool {
		seen = append(seen, k.Value())
		return false
	})
	require.Equal(t, []any{int64(1)}, seen)
}
