package dictdb

import (
	"errors"
	"runtime"
	"testing"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhook"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// twoTables returns a DB with tables a and b of three auto-keyed rows each.
func twoTables(t *testing.T) (*DB, *Table, *Table) {
	t.Helper()
	db := New()
	a, err := db.CreateTable("a")
	require.NoError(t, err)
	b, err := db.CreateTable("b")
	require.NoError(t, err)
	for _, tb := range []*Table{a, b} {
		_, err := tb.InsertMany([]Record{{"v": 1}, {"v": 2}, {"v": 3}})
		require.NoError(t, err)
	}
	return db, a, b
}

// writeEverything stages a change of every kind in tables a, b and c.
func writeEverything(tx *Tx) error {
	ta, err := tx.Table("a")
	if err != nil {
		return err
	}
	if _, err := ta.Insert(Record{"v": 4}); err != nil {
		return err
	}
	if _, err := ta.Update(Record{"v": 0}, nil); err != nil {
		return err
	}
	tb, err := tx.Table("b")
	if err != nil {
		return err
	}
	if _, err := tb.Delete(cond.Field("id").Eq(1)); err != nil {
		return err
	}
	if _, err := tx.CreateTable("c"); err != nil {
		return err
	}
	return tx.DropTable("b")
}

// assertRootUnchanged checks that the current root is before itself, and
// every table version in it too.
func assertRootUnchanged(t *testing.T, db *DB, before *mvcc.Root[*tbl.Table]) {
	t.Helper()
	after := db.store.Load()
	assert.Same(t, before, after, "the root is pointer-identical")
	assert.Equal(t, before.Seq(), after.Seq())
	for _, n := range before.Names() {
		v1, _ := before.Table(n)
		v2, ok := after.Table(n)
		require.True(t, ok, n)
		assert.Same(t, v1, v2, "table %s is pointer-identical", n)
	}
}

func TestRolledBackTransactionLeavesRootIdentical(t *testing.T) {
	boom := errors.New("boom")
	cases := map[string]func(tx *Tx) error{
		"fn returns an error after writing everything": func(tx *Tx) error {
			if err := writeEverything(tx); err != nil {
				return err
			}
			return boom
		},
		"fn returns a failed write's error": func(tx *Tx) error {
			ta, err := tx.Table("a")
			if err != nil {
				return err
			}
			if _, err := ta.Insert(Record{"v": 9}); err != nil {
				return err
			}
			_, err = ta.Insert(Record{"id": 1})
			return err // ErrDuplicateKey
		},
		"fn writes nothing": func(tx *Tx) error { return nil },
		"fn writes and undoes": func(tx *Tx) error {
			if _, err := tx.CreateTable("c"); err != nil {
				return err
			}
			return tx.DropTable("c")
		},
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			db, a, _ := twoTables(t)
			before := db.store.Load()
			err := db.Update([]string{"a", "b", "c"}, fn)
			switch name {
			case "fn returns an error after writing everything":
				require.ErrorIs(t, err, boom)
			case "fn returns a failed write's error":
				require.ErrorIs(t, err, ErrDuplicateKey)
			default:
				require.NoError(t, err)
			}
			assertRootUnchanged(t, db, before)
			assert.Equal(t, []string{"a", "b"}, db.TableNames())
			assert.Equal(t, 3, a.Count())
		})
	}
}

func TestPanicInTransactionPublishesNothing(t *testing.T) {
	db, a, b := twoTables(t)
	before := db.store.Load()
	type myPanic struct{ msg string }

	var leaked *TxTable
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		_ = db.Update([]string{"a", "b", "c"}, func(tx *Tx) error {
			var err error
			leaked, err = tx.Table("a")
			require.NoError(t, err)
			require.NoError(t, writeEverything(tx))
			panic(myPanic{"boom"})
		})
		t.Error("Update returned instead of re-raising the panic")
	}()
	assert.Equal(t, myPanic{"boom"}, recovered, "the panic is re-raised unchanged")
	assertRootUnchanged(t, db, before)
	_, err := leaked.Insert(Record{"v": 1})
	assert.ErrorIs(t, err, ErrTxDone)

	// The locks were released: plain writes and a transaction over the same
	// tables go through (a leaked lock would deadlock here).
	_, err = a.Insert(Record{"v": 5})
	require.NoError(t, err)
	_, err = b.Insert(Record{"v": 5})
	require.NoError(t, err)
	require.NoError(t, db.Update([]string{"a", "b", "c"}, writeEverything))
	assert.Equal(t, []string{"a", "c"}, db.TableNames())
	assert.Equal(t, before.Seq()+3, db.Seq())

	// A panic from inside a tbl write (not fn's own code) behaves the same.
	before = db.store.Load()
	assert.Panics(t, func() {
		_ = db.Update([]string{"a"}, func(tx *Tx) error {
			ta, _ := tx.Table("a")
			_, _ = ta.Insert(Record{"v": 1})
			var rows []Record
			_ = rows[len(tx.names)] // a runtime panic: index out of range
			return nil
		})
	})
	assertRootUnchanged(t, db, before)
	_, err = a.Insert(Record{"v": 6})
	require.NoError(t, err)
}

// A multi-table transaction parked mid-publication (its function returned,
// its compare-and-swap not yet done) is invisible, then visible all at once.
func TestNoDirtyReadWhileTransactionPublishes(t *testing.T) {
	db, a, b := twoTables(t)
	parked, release := parkWriters(db, "a")
	defer testhook.SetBeforePublish(db.store, nil)
	seq := db.Seq()

	done := make(chan error)
	go func() {
		done <- db.Update([]string{"a", "b"}, func(tx *Tx) error {
			ta, _ := tx.Table("a")
			tb, _ := tx.Table("b")
			if _, err := ta.Insert(Record{"v": 10}); err != nil {
				return err
			}
			_, err := tb.Delete(nil)
			return err
		})
	}()
	<-parked
	snap := db.Snapshot()
	assert.Equal(t, seq, snap.Seq())
	assert.Equal(t, 3, a.Count())
	assert.Equal(t, 3, b.Count())
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, 4, a.Count())
	assert.Equal(t, 0, b.Count())
	va, err := snap.Table("a")
	require.NoError(t, err)
	assert.Equal(t, 3, va.Count())
}

// collected runs the garbage collector until p's target is gone, a few
// times at most, and reports whether it is.
func collected[T any](p weak.Pointer[T]) bool {
	for range 10 {
		runtime.GC()
		if p.Value() == nil {
			return true
		}
	}
	return false
}

func TestSupersededVersionIsCollected(t *testing.T) {
	db := New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	recs := make([]Record, 100)
	for i := range recs {
		recs[i] = Record{"v": i, "payload": []any{"x", i}}
	}
	_, err = tb.InsertMany(recs)
	require.NoError(t, err)

	// Weak pointers to the current root and table version, taken in a
	// function so that no strong reference stays on this frame.
	pointers := func() (weak.Pointer[mvcc.Root[*tbl.Table]], weak.Pointer[tbl.Table]) {
		r := db.store.Load()
		v, ok := r.Table("t")
		require.True(t, ok)
		return weak.Make(r), weak.Make(v)
	}
	snap := db.Snapshot()
	view, err := tb.View()
	require.NoError(t, err)
	wroot, wver := pointers()

	// Supersede the version with an update of every row, then a drop.
	_, err = tb.Update(Record{"v": -1}, nil)
	require.NoError(t, err)
	require.NoError(t, db.DropTable("t"))
	_, err = db.CreateTable("t")
	require.NoError(t, err)

	assert.False(t, collected(wver), "the version stays alive while a snapshot holds it")
	assert.False(t, collected(wroot), "the root stays alive while a snapshot holds it")
	assert.Equal(t, 100, view.Count())
	vs, err := snap.Table("t")
	require.NoError(t, err)
	assert.Equal(t, 100, vs.Count())
	vs = nil

	// Drop the database snapshot: the table view still holds the version,
	// not the root.
	runtime.KeepAlive(snap)
	snap = nil
	assert.True(t, collected(wroot), "the superseded root is collected once no snapshot holds it")
	assert.False(t, collected(wver), "the version stays alive while a view holds it")
	assert.Equal(t, 100, view.Count())

	runtime.KeepAlive(view)
	view = nil
	assert.True(t, collected(wver), "the superseded version is collected once nothing holds it")

	// The versions of rolled-back transactions are garbage too.
	var wstaged weak.Pointer[tbl.Table]
	err = db.Update([]string{"t"}, func(tx *Tx) error {
		tt, err := tx.Table("t")
		if err != nil {
			return err
		}
		if _, err := tt.InsertMany(recs); err != nil {
			return err
		}
		wstaged = weak.Make(tx.staged["t"])
		return errors.New("abort")
	})
	require.Error(t, err)
	assert.True(t, collected(wstaged), "a rolled-back version is collected")
}

// A table created by a writer that commits while Restore is between reading
// the root and publishing must not survive the restore: Restore publishes
// exactly the snapshot's tables, whatever committed before its
// compare-and-swap.
func TestRestoreDropsATableCreatedWhileItPublishes(t *testing.T) {
	db, _, _ := twoTables(t)
	snap := db.Snapshot()
	parked, release := make(chan struct{}), make(chan struct{})
	testhook.SetBeforePublish(db.store, func(names []string) {
		if len(names) == 2 { // the restore locks a and b; CreateTable("c") locks c
			close(parked)
			<-release
		}
	})
	defer testhook.SetBeforePublish(db.store, nil)

	done := make(chan error)
	go func() { done <- db.Restore(snap) }()
	<-parked // the restore built its changes and waits to publish
	_, err := db.CreateTable("c")
	require.NoError(t, err, "c is not locked by the restore: its creation commits first")
	close(release)
	require.NoError(t, <-done)

	assert.Equal(t, []string{"a", "b"}, db.TableNames(), "the restore, committed last, leaves exactly the snapshot's tables")
}
