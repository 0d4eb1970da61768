package dictdb_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// ctxDB returns a database with one table of n records.
func ctxDB(t *testing.T, n int) *dictdb.DB {
	t.Helper()
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	recs := make([]dictdb.Record, n)
	for i := range recs {
		recs[i] = dictdb.Record{"id": i + 1, "name": "some name to make the file longer", "n": i}
	}
	_, err = tb.InsertMany(recs)
	require.NoError(t, err)
	return db
}

func jsonDump(t *testing.T, db *dictdb.DB) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, db.SaveTo(&b, dictdb.JSON))
	return b.Bytes()
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// cancelPoints runs op once under a context that never ends, counting how
// often it looks at the context, then under contexts that end at random
// looks among those (and at the first): the cancellation points. op gets
// the context and reports whether it completed; check runs after every
// cancelled op. It requires some runs to be cancelled.
func cancelPoints(t *testing.T, op func(ctx context.Context) error, check func(err error)) {
	t.Helper()
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 19))
	full := newCountingCtx(0)
	require.NoError(t, op(full))
	total := full.asks.Load()
	require.Greater(t, total, int64(2), "the operation looks at its context as it goes")
	points := []int64{1, 2, total}
	for range 6 {
		points = append(points, 1+rng.Int64N(total))
	}
	cancelledRuns := 0
	for _, k := range points {
		ctx := newCountingCtx(k)
		err := op(ctx)
		if err != nil {
			require.ErrorIs(t, err, context.Canceled, "cancelled at look %d of %d", k, total)
			cancelledRuns++
		}
		check(err)
	}
	assert.Greater(t, cancelledRuns, 3)
}

func TestSaveContextCancelledLeavesPreviousFile(t *testing.T) {
	db := ctxDB(t, 20000)
	dir := t.TempDir()
	path := filepath.Join(dir, "db.json")
	require.NoError(t, db.Save(path, dictdb.JSON))
	before, err := os.ReadFile(path)
	require.NoError(t, err)
	tb, _ := db.Table("t")
	_, err = tb.Insert(dictdb.Record{"name": "new"})
	require.NoError(t, err)
	after := jsonDump(t, db)

	cancelPoints(t, func(ctx context.Context) error {
		// Back to the previous file before each run.
		require.NoError(t, os.WriteFile(path, before, 0o644))
		return db.SaveContext(ctx, path, dictdb.JSON)
	}, func(err error) {
		got, rerr := os.ReadFile(path)
		require.NoError(t, rerr)
		if err != nil {
			assert.Equal(t, before, got, "a cancelled save leaves the previous file")
		} else {
			assert.Equal(t, after, got)
		}
		assert.Equal(t, []string{"db.json"}, dirNames(t, dir), "no temporary file is left")
	})
}

func TestLoadContextCancelledReturnsNothing(t *testing.T) {
	db := ctxDB(t, 20000)
	path := filepath.Join(t.TempDir(), "db.bin")
	require.NoError(t, db.Save(path, dictdb.Binary))
	want := jsonDump(t, db)
	for _, f := range []dictdb.Format{dictdb.Binary, dictdb.Auto} {
		var got *dictdb.DB
		cancelPoints(t, func(ctx context.Context) (err error) {
			got, err = dictdb.LoadContext(ctx, path, f)
			return err
		}, func(err error) {
			if err != nil {
				assert.Nil(t, got)
			} else {
				assert.Equal(t, want, jsonDump(t, got))
			}
		})
	}
}

func TestImportCSVContextCancelledAddsNothing(t *testing.T) {
	db := ctxDB(t, 20000)
	path := filepath.Join(t.TempDir(), "t.csv")
	tb, _ := db.Table("t")
	_, err := tb.ExportCSV(path, dictdb.CSVOptions{})
	require.NoError(t, err)

	target := dictdb.New()
	other, err := target.CreateTable("other")
	require.NoError(t, err)
	_, err = other.Insert(dictdb.Record{"x": 1})
	require.NoError(t, err)
	before := jsonDump(t, target)
	cancelPoints(t, func(ctx context.Context) error {
		_ = target.DropTable("t")
		n, err := target.ImportCSVContext(ctx, path, "t", dictdb.CSVOptions{})
		if err == nil {
			assert.Equal(t, 20000, n)
		}
		return err
	}, func(err error) {
		if err != nil {
			assert.Equal(t, before, jsonDump(t, target), "a cancelled import adds nothing")
			assert.Equal(t, []string{"other"}, target.TableNames())
		} else {
			imported, _ := target.Table("t")
			assert.Equal(t, 20000, imported.Count())
		}
	})
}

func TestExportCSVContextCancelledLeavesPreviousFile(t *testing.T) {
	db := ctxDB(t, 20000)
	dir := t.TempDir()
	path := filepath.Join(dir, "t.csv")
	require.NoError(t, os.WriteFile(path, []byte("previous\n"), 0o644))
	tb, _ := db.Table("t")
	var whole []byte
	cancelPoints(t, func(ctx context.Context) error {
		require.NoError(t, os.WriteFile(path, []byte("previous\n"), 0o644))
		_, err := tb.ExportCSVContext(ctx, path, dictdb.CSVOptions{})
		if err == nil && whole == nil {
			whole, _ = os.ReadFile(path)
		}
		return err
	}, func(err error) {
		got, _ := os.ReadFile(path)
		if err != nil {
			assert.Equal(t, "previous\n", string(got))
		} else {
			assert.Equal(t, whole, got)
		}
		assert.Equal(t, []string{"t.csv"}, dirNames(t, dir))
	})
}

func TestRestoreBackupContextCancelledReturnsNothing(t *testing.T) {
	db := ctxDB(t, 20000)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{})
	require.NoError(t, err)
	require.NoError(t, m.BackupFull())
	tb, _ := db.Table("t")
	for i := range 3 {
		_, err := tb.Insert(dictdb.Record{"name": "later", "n": i})
		require.NoError(t, err)
		require.NoError(t, m.BackupDelta())
	}
	want := jsonDump(t, db)
	files := dirNames(t, dir)
	for _, opts := range []dictdb.RestoreOptions{{}, {NewestConsistent: true}} {
		var got *dictdb.DB
		cancelPoints(t, func(ctx context.Context) (err error) {
			got, _, err = dictdb.RestoreBackupContext(ctx, dir, opts)
			return err
		}, func(err error) {
			if err != nil {
				assert.Nil(t, got, "a cancelled restore returns no database, not an older point")
			} else {
				assert.Equal(t, want, jsonDump(t, got))
			}
			assert.Equal(t, files, dirNames(t, dir), "a restore changes no file")
		})
	}
}

func TestContextNilIsRejected(t *testing.T) {
	db := ctxDB(t, 1)
	path := filepath.Join(t.TempDir(), "x")
	//lint:ignore SA1012 a nil context is the case under test
	err := db.SaveContext(nil, path, dictdb.JSON) //nolint:staticcheck
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = os.Stat(path)
	assert.ErrorIs(t, err, os.ErrNotExist)
	//lint:ignore SA1012 a nil context is the case under test
	_, err = dictdb.LoadContext(nil, path, dictdb.JSON) //nolint:staticcheck
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	//lint:ignore SA1012 a nil context is the case under test
	_, err = db.ImportCSVContext(nil, path, "x", dictdb.CSVOptions{}) //nolint:staticcheck
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	//lint:ignore SA1012 a nil context is the case under test
	_, _, err = dictdb.RestoreBackupContext(nil, path, dictdb.RestoreOptions{}) //nolint:staticcheck
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	tb, _ := db.Table("t")
	//lint:ignore SA1012 a nil context is the case under test
	_, err = tb.ExportCSVContext(nil, path, dictdb.CSVOptions{}) //nolint:staticcheck
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	n := 0
	//lint:ignore SA1012 a nil context is the case under test
	for _, err := range tb.ScanContext(nil, dictdb.Query{}) { //nolint:staticcheck
		assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
		n++
	}
	assert.Equal(t, 1, n)
	assert.Equal(t, []string{"t"}, db.TableNames())

	// The change feed and the watches.
	n = 0
	//lint:ignore SA1012 a nil context is the case under test
	for _, err := range db.Changes(nil, 0) { //nolint:staticcheck
		assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
		n++
	}
	assert.Equal(t, 1, n)
	//lint:ignore SA1012 a nil context is the case under test
	snap, changes := db.Follow(nil) //nolint:staticcheck
	assert.Equal(t, db.Seq(), snap.Seq())
	for _, err := range changes {
		assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	}
	w, err := tb.WatchTable()
	require.NoError(t, err)
	//lint:ignore SA1012 a nil context is the case under test
	assert.ErrorIs(t, w.Wait(nil), dictdb.ErrInvalidArgument) //nolint:staticcheck
	set := dictdb.NewWatchSet()
	set.Add(w)
	//lint:ignore SA1012 a nil context is the case under test
	assert.ErrorIs(t, set.Watch(nil), dictdb.ErrInvalidArgument) //nolint:staticcheck
	_, err = tb.Insert(dictdb.Record{"name": "x"})
	require.NoError(t, err)
	assert.True(t, w.Fired(), "a watch a nil context was refused for stays registered")
	assert.NoError(t, set.Watch(context.Background()))
}

// A cancelled checkpoint leaves the directory as it was: the previous
// checkpoint and the whole log, no temporary file; the database reopens
// to every commit.
func TestCheckpointContextCancelledLeavesDirectory(t *testing.T) {
	dir := t.TempDir()
	db, err := dictdb.Open(dir)
	require.NoError(t, err)
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	recs := make([]dictdb.Record, 60000)
	for i := range recs {
		recs[i] = dictdb.Record{"id": i + 1, "name": "some name to make the checkpoint longer", "n": i}
	}
	_, err = tb.InsertMany(recs)
	require.NoError(t, err)
	require.NoError(t, db.Checkpoint())

	cancelPoints(t, func(ctx context.Context) error {
		// A commit before each run, so that there is something to write.
		_, err := tb.Insert(dictdb.Record{"name": "new"})
		require.NoError(t, err)
		before := dirNames(t, dir)
		err = db.CheckpointContext(ctx)
		if err != nil {
			assert.Equal(t, before, dirNames(t, dir), "a cancelled checkpoint changes no file")
		}
		return err
	}, func(error) {})

	want := jsonDump(t, db)
	require.NoError(t, db.Close())
	reopened, err := dictdb.Open(dir)
	require.NoError(t, err)
	defer reopened.Close()
	assert.Equal(t, want, jsonDump(t, reopened), "the reopened database has every commit")

	//lint:ignore SA1012 a nil context is the case under test
	err = reopened.CheckpointContext(nil) //nolint:staticcheck
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
}
