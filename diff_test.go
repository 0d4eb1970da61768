package dictdb_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

func rowKeys(rows []dictdb.Row) []any {
	out := make([]any, len(rows))
	for i, r := range rows {
		out[i], _ = r.Get("id")
	}
	return out
}

func TestDiffReportsEachChangeOnce(t *testing.T) {
	db := dictdb.New()
	users, err := db.CreateTable("users")
	require.NoError(t, err)
	_, err = db.CreateTable("gone")
	require.NoError(t, err)
	_, err = users.InsertMany([]dictdb.Record{{"v": 1}, {"v": 2}, {"v": 3}, {"v": 4}})
	require.NoError(t, err)
	from := db.Snapshot()

	_, err = users.Update(dictdb.Record{"v": 20}, cond.Field("id").Eq(2))
	require.NoError(t, err)
	_, err = users.Update(dictdb.Record{"v": 21}, cond.Field("id").Eq(2)) // twice: reported once
	require.NoError(t, err)
	_, err = users.Delete(cond.Field("id").Eq(3))
	require.NoError(t, err)
	_, err = users.Insert(dictdb.Record{"v": 5})
	require.NoError(t, err)
	_, err = users.Insert(dictdb.Record{"v": 6})
	require.NoError(t, err)
	_, err = users.Delete(cond.Field("id").Eq(6)) // inserted then deleted: not reported
	require.NoError(t, err)
	require.NoError(t, db.DropTable("gone"))
	fresh, err := db.CreateTable("fresh")
	require.NoError(t, err)
	_, err = fresh.Insert(dictdb.Record{"x": 1})
	require.NoError(t, err)
	to := db.Snapshot()

	d := dictdb.Diff(from, to)
	assert.Equal(t, from.Seq(), d.FromSeq)
	assert.Equal(t, to.Seq(), d.ToSeq)
	require.Len(t, d.Tables, 3)
	assert.Equal(t, "fresh", d.Tables[0].Name)
	assert.True(t, d.Tables[0].Created)
	assert.Len(t, d.Tables[0].Upserts, 1)
	assert.Equal(t, "gone", d.Tables[1].Name)
	assert.True(t, d.Tables[1].Dropped)
	u := d.Tables[2]
	assert.Equal(t, "users", u.Name)
	assert.Equal(t, []any{int64(2), int64(5)}, rowKeys(u.Upserts))
	v, _ := u.Upserts[0].Get("v")
	assert.Equal(t, int64(21), v, "the newest version")
	assert.Equal(t, []any{int64(3)}, u.Deletes)

	assert.Empty(t, dictdb.Diff(to, to).Tables, "no changes")
	back := dictdb.Diff(to, from)
	assert.Len(t, back.Tables, 3)
}

func TestDiffOfRecreatedTable(t *testing.T) {
	db := dictdb.New()
	a, _ := db.CreateTable("a")
	_, err := a.Insert(dictdb.Record{"v": 1})
	require.NoError(t, err)
	from := db.Snapshot()
	require.NoError(t, db.DropTable("a"))
	b, _ := db.CreateTable("a")
	_, err = b.Insert(dictdb.Record{"v": 2})
	require.NoError(t, err)
	d := dictdb.Diff(from, db.Snapshot())
	require.Len(t, d.Tables, 1)
	assert.True(t, d.Tables[0].Created, "a different table of the same name is new")
	assert.Len(t, d.Tables[0].Upserts, 1)
}

func TestDiffReportsIndexAndAutoKeyChanges(t *testing.T) {
	db := dictdb.New()
	a, _ := db.CreateTable("a")
	_, err := a.Insert(dictdb.Record{"v": 1})
	require.NoError(t, err)
	from := db.Snapshot()

	require.NoError(t, a.CreateIndex("v", dictdb.SortedIndex, dictdb.Unique()))
	d := dictdb.Diff(from, db.Snapshot())
	require.Len(t, d.Tables, 1, "an index alone is a change")
	assert.True(t, d.Tables[0].IndexesChanged)
	assert.Equal(t, []dictdb.IndexDef{{Field: "v", Kind: dictdb.SortedIndex, Unique: true}}, d.Tables[0].Indexes)
	assert.False(t, d.Tables[0].NextIDChanged)
	assert.Empty(t, d.Tables[0].Upserts)

	mid := db.Snapshot()
	k, err := a.Insert(dictdb.Record{"v": 2})
	require.NoError(t, err)
	_, err = a.Delete(cond.Field("id").Eq(k))
	require.NoError(t, err)
	d = dictdb.Diff(mid, db.Snapshot())
	require.Len(t, d.Tables, 1, "an auto key handed out and its row deleted is a change")
	assert.True(t, d.Tables[0].NextIDChanged)
	assert.Equal(t, int64(3), d.Tables[0].NextID)
	assert.False(t, d.Tables[0].IndexesChanged)
	assert.False(t, d.Tables[0].Empty())

	require.NoError(t, a.DropIndex("v"))
	d = dictdb.Diff(from, db.Snapshot())
	require.Len(t, d.Tables, 1)
	assert.False(t, d.Tables[0].IndexesChanged, "dropped again: the same definitions as before")
}
