package snapshot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/snapshot"
	"github.com/dictdb-go/dictdb/tbl"
)

// put publishes next as the version of its table and returns the new root.
func put(t *testing.T, s *mvcc.Store[*tbl.Table], next *tbl.Table) *mvcc.Root[*tbl.Table] {
	t.Helper()
	r, err := s.Write([]string{next.Name()}, func(*mvcc.Root[*tbl.Table]) ([]mvcc.Change[*tbl.Table], error) {
		return []mvcc.Change[*tbl.Table]{{Name: next.Name(), Value: next}}, nil
	})
	require.NoError(t, err)
	return r
}

// TestDiffOfRoots diffs roots of a store directly: a created table, a
// changed row, an unchanged table and a dropped one.
func TestDiffOfRoots(t *testing.T) {
	s := mvcc.New[*tbl.Table]()
	a, err := tbl.New("a", "id", nil)
	require.NoError(t, err)
	a, _, err = a.InsertMany([]map[string]any{{"v": 1}, {"v": 2}})
	require.NoError(t, err)
	put(t, s, a)
	b, err := tbl.New("b", "id", nil)
	require.NoError(t, err)
	from := put(t, s, b)

	a2, n, err := a.Update(map[string]any{"v": 20}, nil)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	put(t, s, a2)
	c, err := tbl.New("c", "id", nil)
	require.NoError(t, err)
	put(t, s, c)
	to, err := s.Write([]string{"b"}, func(*mvcc.Root[*tbl.Table]) ([]mvcc.Change[*tbl.Table], error) {
		return []mvcc.Change[*tbl.Table]{{Name: "b", Drop: true}}, nil
	})
	require.NoError(t, err)

	d := snapshot.Diff(from, to)
	assert.Equal(t, from.Seq(), d.FromSeq)
	assert.Equal(t, to.Seq(), d.ToSeq)
	require.Len(t, d.Tables, 3)
	assert.Equal(t, "a", d.Tables[0].Name)
	require.Len(t, d.Tables[0].Upserts, 2)
	v, _ := d.Tables[0].Upserts[1].Get("v")
	assert.Equal(t, int64(20), v)
	assert.True(t, d.Tables[1].Dropped, "b")
	assert.True(t, d.Tables[2].Created, "c")
	assert.Empty(t, snapshot.Diff(to, to).Tables)
}
