package dictdb

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// dropSet rewrites the footers of every backup file in dir without a
// backup set, as earlier releases wrote them.
func dropSet(t *testing.T, dir string) {
	t.Helper()
	files, err := scanBackups(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.meta == nil {
			t.Fatalf("%s: %v", f.name, f.err)
		}
		path := filepath.Join(dir, f.name)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		meta := *f.meta
		meta.Set = ""
		indent := ""
		if meta.Format == "json" {
			indent = "  "
			if meta.full() {
				indent = "    "
			}
		}
		footer, err := encodeFooter(&meta, indent)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(raw[:f.bodyLen:f.bodyLen], footer...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBackupSetAfterUpgrade: a directory of files without a backup set (an
// earlier release's) still restores; a manager of this release continues
// it under a new set, the whole directory restores, and retention removes
// the old files like its own. A file without a set numbered after the
// set's first file (copied in from another directory) fails the restore.
func TestBackupSetAfterUpgrade(t *testing.T) {
	db := New()
	users, err := db.CreateTable("users")
	if err != nil {
		t.Fatal(err)
	}
	change := func(i int) {
		t.Helper()
		if _, err := users.Insert(Record{"v": i}); err != nil {
			t.Fatal(err)
		}
	}
	dir, other := t.TempDir(), t.TempDir()
	old, err := NewBackupManager(db, dir, BackupOptions{Incremental: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		change(i)
		if err := old.BackupNow(); err != nil {
			t.Fatal(err)
		}
	}
	dropSet(t, dir)
	if _, info, err := RestoreBackup(dir, RestoreOptions{}); err != nil || len(info.Deltas) != 2 {
		t.Fatalf("files without a set: %+v, %v", info, err)
	}

	m, err := NewBackupManager(db, dir, BackupOptions{Incremental: true, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		change(10 + i)
		if err := m.BackupNow(); err != nil {
			t.Fatal(err)
		}
	}
	if m.set == "" {
		t.Fatal("the new manager drew no backup set")
	}
	got, info, err := RestoreBackup(dir, RestoreOptions{})
	if err != nil || len(info.Deltas) != 1 || len(got.TableNames()) != 1 {
		t.Fatalf("after the upgrade: %+v, %v", info, err)
	}
	if n, _ := got.Table("users"); n.Count() != 5 {
		t.Fatalf("restored %d records, want 5", n.Count())
	}
	if err := m.BackupFull(); err != nil { // Keep 2: the old full backup and its deltas go
		t.Fatal(err)
	}
	files, _ := scanBackups(dir)
	if len(files) != 3 {
		t.Fatalf("%d files after retention, want 3", len(files))
	}

	// Another database's file without a set, with a higher number.
	foreignDB := New()
	if _, err := foreignDB.CreateTable("foreign"); err != nil {
		t.Fatal(err)
	}
	fm, err := NewBackupManager(foreignDB, other, BackupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if err := fm.BackupNow(); err != nil {
			t.Fatal(err)
		}
	}
	dropSet(t, other)
	foreign, _ := scanBackups(other)
	name := foreign[len(foreign)-1].name
	raw, err := os.ReadFile(filepath.Join(other, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := RestoreBackup(dir, RestoreOptions{}); !errors.Is(err, ErrBackupChain) {
		t.Fatalf("a foreign file without a set was restored: %v", err)
	}
	if err := m.BackupFull(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Fatalf("retention removed a foreign file: %v", err)
	}
}
