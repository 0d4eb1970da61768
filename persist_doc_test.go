package dictdb

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestSaveKeepsModeAndFollowsLinks checks what Save's doc promises about
// the file it writes: a new file is 0644, a replaced one keeps its
// permissions, and a symbolic link is saved through to its target.
func TestSaveKeepsModeAndFollowsLinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions and symbolic links")
	}
	db := persistDB(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "db.json")
	if err := db.Save(path, JSON); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("new file: %v, %v; want mode 0644", fi.Mode(), err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := db.Save(path, JSON); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("replaced file: %v, %v; want mode 0600 kept", fi.Mode(), err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(path, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := db.Save(link, JSON); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if _, err := Load(path, JSON); err != nil {
		t.Fatalf("the link's target was not saved: %v", err)
	}
}

// TestLoadRejectsTableTwice checks a file naming one table twice, which
// Load's doc lists among the damaged files.
func TestLoadRejectsTableTwice(t *testing.T) {
	const file = `{"tables": {"t": {"primary_key": "id", "schema": null, "records": []}, "t": {"primary_key": "id", "schema": null, "records": []}}}`
	_, err := LoadFrom(strings.NewReader(file), JSON)
	var ce *CorruptError
	if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || !strings.Contains(err.Error(), "appears twice") {
		t.Fatalf("LoadFrom = %v; want a *CorruptError saying the table appears twice", err)
	}
}
