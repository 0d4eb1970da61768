package dictdb_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// TestRestoreNeverReusesAutoKeys checks that DB.Restore does not hand out
// again the auto keys issued after the snapshot: the auto key stays one more
// than the largest integer key the table ever held, also when the table was
// dropped meanwhile (directly or in a transaction) and comes back.
func TestRestoreNeverReusesAutoKeys(t *testing.T) {
	db := dictdb.New()
	a, err := db.CreateTable("a")
	require.NoError(t, err)
	b, err := db.CreateTable("b")
	require.NoError(t, err)
	c, err := db.CreateTable("c")
	require.NoError(t, err)
	for _, tb := range []*dictdb.Table{a, b, c} {
		_, err := tb.Insert(dictdb.Record{"v": 1})
		require.NoError(t, err)
	}
	snap := db.Snapshot()

	// a: keys 2 and 50 issued after the snapshot, still there.
	k, err := a.Insert(dictdb.Record{"v": 2})
	require.NoError(t, err)
	require.Equal(t, int64(2), k)
	_, err = a.Insert(dictdb.Record{"id": 50})
	require.NoError(t, err)
	// b: key 2 issued, then the table dropped.
	_, err = b.Insert(dictdb.Record{"v": 2})
	require.NoError(t, err)
	require.NoError(t, db.DropTable("b"))
	// c: key 2 issued, then the table dropped by a transaction.
	_, err = c.Insert(dictdb.Record{"v": 2})
	require.NoError(t, err)
	require.NoError(t, db.Update([]string{"c"}, func(tx *dictdb.Tx) error { return tx.DropTable("c") }))

	require.NoError(t, db.Restore(snap))
	for name, want := range map[string]int64{"a": 51, "b": 3, "c": 3} {
		tb, err := db.Table(name)
		require.NoError(t, err)
		k, err := tb.Insert(dictdb.Record{"v": 3})
		require.NoError(t, err, name)
		require.Equal(t, want, k, "table %s: auto key after Restore", name)
	}

	// Restoring the same snapshot again still never goes back.
	require.NoError(t, db.Restore(snap))
	k, err = a.Insert(dictdb.Record{"v": 4})
	require.NoError(t, err)
	require.Equal(t, int64(52), k)

	// A table created under the same name after a drop is another table:
	// it starts from its own keys.
	require.NoError(t, db.DropTable("a"))
	a2, err := db.CreateTable("a")
	require.NoError(t, err)
	k, err = a2.Insert(dictdb.Record{"v": 1})
	require.NoError(t, err)
	require.Equal(t, int64(1), k)
	n, err := a2.Delete(cond.Field("v").Eq(1))
	require.NoError(t, err)
	require.Equal(t, 1, n)
}
