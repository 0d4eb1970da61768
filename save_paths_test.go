package dictdb_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
)

// TestSaveThroughADanglingLink saves to a symbolic link whose target does
// not exist yet: the save creates the target, as opening the link would,
// and leaves the link a link.
func TestSaveThroughADanglingLink(t *testing.T) {
	db, _ := newBackupDB(t)
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "data"), 0o755))
	link := filepath.Join(dir, "db.json")
	if err := os.Symlink(filepath.Join("data", "real.json"), link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	require.NoError(t, db.Save(link, dictdb.JSON))
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the link was replaced by a file")
	got, err := dictdb.Load(filepath.Join(dir, "data", "real.json"), dictdb.JSON)
	require.NoError(t, err)
	assert.Equal(t, db.TableNames(), got.TableNames())
}

// TestSaveThroughALinkLoop saves to a link that leads back to itself: the
// save fails as opening the link would (ELOOP), and the links stay.
func TestSaveThroughALinkLoop(t *testing.T) {
	db, _ := newBackupDB(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.Symlink(b, a); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	require.NoError(t, os.Symlink(a, b))
	err := db.Save(a, dictdb.JSON)
	require.ErrorIs(t, err, syscall.ELOOP)
	for _, p := range []string{a, b} {
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		assert.NotZero(t, fi.Mode()&os.ModeSymlink, "%s was replaced", p)
	}
	assert.Len(t, backupFiles(t, dir, ""), 2, "something was left behind")
}

// TestSaveRefusesTemporaryFileNames: a file named like a save's temporary
// file is removed by the next save next to it as a leftover, so a save
// (or CSV export) to such a name is refused before anything is written,
// rather than writing a file that a later save deletes.
func TestSaveRefusesTemporaryFileNames(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	name := filepath.Join(dir, ".db.json.dictdb-tmp-0123456789abcdef")
	err := db.Save(name, dictdb.JSON)
	require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = users.ExportCSV(name, dictdb.CSVOptions{})
	require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	assert.Empty(t, backupFiles(t, dir, ""))

	// Through a link as well.
	link := filepath.Join(dir, "link")
	if os.Symlink(name, link) == nil {
		require.ErrorIs(t, db.Save(link, dictdb.JSON), dictdb.ErrInvalidArgument)
		_, err := os.Stat(name)
		require.True(t, errors.Is(err, os.ErrNotExist), "%v", err)
	}
	// A name that only looks close is saved, and survives the next save.
	close := filepath.Join(dir, ".db.json.dictdb-tmp-0123456789abcdeg")
	require.NoError(t, db.Save(close, dictdb.JSON))
	require.NoError(t, db.Save(filepath.Join(dir, "db.json"), dictdb.JSON))
	_, err = os.Stat(close)
	require.NoError(t, err)
}

// TestAllowedDirDanglingLinkOutside: a link inside the allowed directory
// that names a file outside it, not yet existing, is outside: a save
// through it would create that file.
func TestAllowedDirDanglingLinkOutside(t *testing.T) {
	db, _ := newBackupDB(t)
	root := t.TempDir()
	allowed := filepath.Join(root, "allowed")
	require.NoError(t, os.Mkdir(allowed, 0o755))
	outside := filepath.Join(root, "outside.json")
	link := filepath.Join(allowed, "db.json")
	if err := os.Symlink(outside, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	err := db.Save(link, dictdb.JSON, dictdb.AllowedDir(allowed))
	require.ErrorIs(t, err, dictdb.ErrOutsideAllowedDir)
	_, err = os.Lstat(outside)
	assert.True(t, errors.Is(err, os.ErrNotExist), "a file was created outside: %v", err)
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the link was replaced")

	// A link inside to a file inside, not yet existing, is fine.
	inLink := filepath.Join(allowed, "in.json")
	require.NoError(t, os.Symlink("target.json", inLink))
	require.NoError(t, db.Save(inLink, dictdb.JSON, dictdb.AllowedDir(allowed)))
	_, err = dictdb.Load(filepath.Join(allowed, "target.json"), dictdb.JSON, dictdb.AllowedDir(allowed))
	require.NoError(t, err)
}
