package dictdb_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
)

// copyFile copies the file name from one directory to another.
func copyFile(t *testing.T, from, to, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(from, name))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(to, name), b, 0o644))
}

// TestRestoreRejectsAForeignBackupFile copies the newest full backup of
// another database's backup directory (a higher backup number than any of
// the directory's own) into a directory: a restore must not return that
// other database as the newest point. Strict and NewestConsistent restores
// fail with ErrBackupChain naming both sets; UpTo still restores either
// chain on request; a new manager refuses to add to the mix, and retention
// of the running manager leaves the foreign file alone.
func TestRestoreRejectsAForeignBackupFile(t *testing.T) {
	for _, format := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		t.Run(format.String(), func(t *testing.T) {
			dirA, dirB := t.TempDir(), t.TempDir()
			dbA, users := newBackupDB(t)
			mA, err := dictdb.NewBackupManager(dbA, dirA, dictdb.BackupOptions{Format: format, Incremental: true, Keep: 1})
			require.NoError(t, err)
			require.NoError(t, mA.BackupNow())
			_, err = users.Insert(dictdb.Record{"name": "A2", "age": 1})
			require.NoError(t, err)
			require.NoError(t, mA.BackupNow())
			ownNewest := backupFiles(t, dirA, "dictdb_delta_")[0]

			dbB := dictdb.New()
			_, err = dbB.CreateTable("other")
			require.NoError(t, err)
			mB, err := dictdb.NewBackupManager(dbB, dirB, dictdb.BackupOptions{Format: format})
			require.NoError(t, err)
			for range 5 {
				require.NoError(t, mB.BackupNow())
			}
			fulls := backupFiles(t, dirB, "dictdb_backup_")
			foreign := fulls[len(fulls)-1]
			copyFile(t, dirB, dirA, foreign)

			for _, opts := range []dictdb.RestoreOptions{{}, {NewestConsistent: true}} {
				got, _, err := dictdb.RestoreBackup(dirA, opts)
				require.ErrorIs(t, err, dictdb.ErrBackupChain, "%+v", opts)
				assert.Nil(t, got)
				assert.Contains(t, err.Error(), foreign)
				assert.Contains(t, err.Error(), "different backup sets")
			}
			got, info, err := dictdb.RestoreBackup(dirA, dictdb.RestoreOptions{UpTo: ownNewest})
			require.NoError(t, err)
			assert.Equal(t, dump(t, dbA), dump(t, got))
			assert.Equal(t, []string{ownNewest}, info.Deltas)
			got, _, err = dictdb.RestoreBackup(dirA, dictdb.RestoreOptions{UpTo: foreign})
			require.NoError(t, err)
			assert.Equal(t, dump(t, dbB), dump(t, got))

			// The running manager keeps its set; retention after a full
			// backup removes its own older files, never the foreign one.
			require.NoError(t, mA.BackupFull())
			_, err = os.Stat(filepath.Join(dirA, foreign))
			require.NoError(t, err, "retention removed a file of another backup set")
			assert.Len(t, backupFiles(t, dirA, "dictdb_"), 2)

			// A new manager (a restart) will not write into the mix.
			mA2, err := dictdb.NewBackupManager(dbA, dirA, dictdb.BackupOptions{Format: format})
			require.NoError(t, err)
			require.ErrorIs(t, mA2.BackupNow(), dictdb.ErrBackupChain)

			// With the foreign file moved out, everything works again.
			require.NoError(t, os.Remove(filepath.Join(dirA, foreign)))
			got, _, err = dictdb.RestoreBackup(dirA, dictdb.RestoreOptions{})
			require.NoError(t, err)
			assert.Equal(t, dump(t, dbA), dump(t, got))
			require.NoError(t, mA2.BackupNow())
		})
	}
}

// TestRestoreRejectsTwoManagersInOneDirectory runs two managers of two
// databases on one directory, which is not supported: their files get the
// same backup numbers, and a restore fails rather than return either
// database as the newest point.
func TestRestoreRejectsTwoManagersInOneDirectory(t *testing.T) {
	dir := t.TempDir()
	db1, _ := newBackupDB(t)
	db2 := dictdb.New()
	_, err := db2.CreateTable("other")
	require.NoError(t, err)
	m1, err := dictdb.NewBackupManager(db1, dir, dictdb.BackupOptions{})
	require.NoError(t, err)
	m2, err := dictdb.NewBackupManager(db2, dir, dictdb.BackupOptions{})
	require.NoError(t, err)
	require.NoError(t, m1.BackupNow())
	require.NoError(t, m2.BackupNow()) // adopts the directory's set, as a restart would
	require.NoError(t, m1.BackupNow()) // the number m2 took
	for _, opts := range []dictdb.RestoreOptions{{}, {NewestConsistent: true}} {
		got, _, err := dictdb.RestoreBackup(dir, opts)
		require.ErrorIs(t, err, dictdb.ErrBackupChain)
		assert.Nil(t, got)
		assert.Contains(t, err.Error(), "two managers")
	}
	var ce *dictdb.CorruptError
	_, _, err = dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	assert.False(t, errors.As(err, &ce), "not damage: %v", err)
}

// TestRestoreAcceptsACopyUnderAnotherName: a backup file copied within its
// directory under another backup name has the same number as the original,
// but it is the same backup (equal footers), not a second manager's.
func TestRestoreAcceptsACopyUnderAnotherName(t *testing.T) {
	dir := t.TempDir()
	db, users := newBackupDB(t)
	m, err := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{Incremental: true})
	require.NoError(t, err)
	require.NoError(t, m.BackupNow())
	_, err = users.Insert(dictdb.Record{"name": "B", "age": 2})
	require.NoError(t, err)
	require.NoError(t, m.BackupNow())
	full := backupFiles(t, dir, "dictdb_backup_")[0]
	b, err := os.ReadFile(filepath.Join(dir, full))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dictdb_backup_1_000000.json"), b, 0o644))
	got, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	assert.Equal(t, dump(t, db), dump(t, got))
}
