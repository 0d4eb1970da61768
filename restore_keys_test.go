package dictdb_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
)

// TestRestoreNeverLowersALiveTablesAutoKey checks that DB.Restore does not
// hand out again the auto keys a live table issued after the snapshot, and
// that the rule depends only on the snapshot and the live database: the
// same Restore after a save and load gives the same keys. A table dropped
// meanwhile comes back with the snapshot's next auto key, as documented.
func TestRestoreNeverLowersALiveTablesAutoKey(t *testing.T) {
	build := func() (*dictdb.DB, *dictdb.Snapshot) {
		db := dictdb.New()
		for _, name := range []string{"a", "b"} {
			tb, err := db.CreateTable(name)
			require.NoError(t, err)
			_, err = tb.Insert(dictdb.Record{"v": 1})
			require.NoError(t, err)
		}
		snap := db.Snapshot()
		a, _ := db.Table("a")
		k, err := a.Insert(dictdb.Record{"v": 2})
		require.NoError(t, err)
		require.Equal(t, int64(2), k)
		_, err = a.Insert(dictdb.Record{"id": 50})
		require.NoError(t, err)
		b, _ := db.Table("b")
		_, err = b.Insert(dictdb.Record{"v": 2})
		require.NoError(t, err)
		require.NoError(t, db.DropTable("b"))
		return db, snap
	}
	check := func(db *dictdb.DB, snap *dictdb.Snapshot) {
		t.Helper()
		require.NoError(t, db.Restore(snap))
		for name, want := range map[string]int64{"a": 51, "b": 2} {
			tb, err := db.Table(name)
			require.NoError(t, err)
			k, err := tb.Insert(dictdb.Record{"v": 3})
			require.NoError(t, err, name)
			require.Equal(t, want, k, "table %s: auto key after Restore", name)
		}
		// Restoring the same snapshot again still never goes back.
		require.NoError(t, db.Restore(snap))
		a, _ := db.Table("a")
		k, err := a.Insert(dictdb.Record{"v": 4})
		require.NoError(t, err)
		require.Equal(t, int64(52), k)
	}
	db, snap := build()
	check(db, snap)

	// The same after a save and load of the live database.
	db, snap = build()
	var buf bytes.Buffer
	require.NoError(t, db.SaveTo(&buf, dictdb.Binary))
	loaded, err := dictdb.LoadFrom(&buf, dictdb.Binary)
	require.NoError(t, err)
	check(loaded, snap)
}

// TestRestoreExactTakesTheSnapshotsAutoKeys checks that RestoreExact makes
// the database identical to the snapshot's, auto keys included, where
// Restore keeps a live table's larger counter: after it, a binary dump of
// the database equals one of the snapshot, byte for byte.
func TestRestoreExactTakesTheSnapshotsAutoKeys(t *testing.T) {
	src := dictdb.New()
	a, err := src.CreateTable("a")
	require.NoError(t, err)
	_, err = a.Insert(dictdb.Record{"v": 1})
	require.NoError(t, err)
	snap := src.Snapshot()
	var want bytes.Buffer
	require.NoError(t, dictdb.WriteSnapshot(&want, snap, dictdb.Binary))

	for _, exact := range []bool{false, true} {
		db := dictdb.New()
		live, err := db.CreateTable("a")
		require.NoError(t, err)
		_, err = live.Insert(dictdb.Record{"id": 40})
		require.NoError(t, err)
		_, err = db.CreateTable("gone")
		require.NoError(t, err)
		if exact {
			require.NoError(t, db.RestoreExact(snap))
		} else {
			require.NoError(t, db.Restore(snap))
		}
		var got bytes.Buffer
		require.NoError(t, db.SaveTo(&got, dictdb.Binary))
		require.Equal(t, exact, bytes.Equal(want.Bytes(), got.Bytes()), "exact=%v: dump equals the snapshot's", exact)
		restored, err := db.Table("a")
		require.NoError(t, err)
		k, err := restored.Insert(dictdb.Record{"v": 2})
		require.NoError(t, err)
		if exact {
			require.Equal(t, int64(2), k)
		} else {
			require.Equal(t, int64(41), k)
		}
		require.Equal(t, []string{"a"}, db.TableNames())
	}
	require.ErrorIs(t, dictdb.New().RestoreExact(nil), dictdb.ErrInvalidArgument)
}
