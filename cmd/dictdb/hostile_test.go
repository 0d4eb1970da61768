package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// copyFile copies src to a new file in dir and returns its path.
func copyFile(t *testing.T, src, dir string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// wantInProcess runs args in process and checks the exit status and that
// stderr holds every msg.
func wantInProcess(t *testing.T, code int, args []string, msgs ...string) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, got := runInProcess(args...)
	if got != code {
		t.Errorf("dictdb %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, code, stdout, stderr)
	}
	for _, m := range msgs {
		if !strings.Contains(stderr, m) {
			t.Errorf("dictdb %s: stderr %q does not contain %q", strings.Join(args, " "), stderr, m)
		}
	}
	return stdout, stderr
}

// An export onto the database file it reads, or a restore into the backup
// directory it reads, is refused and leaves the file as it was.
func TestOutputOntoInputIsRefused(t *testing.T) {
	dir := t.TempDir()
	db := copyFile(t, company, dir)
	before, _ := os.ReadFile(db)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(db, link); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{db, link, filepath.Join(dir, ".", "company.json")} {
		wantInProcess(t, exitUsage, []string{"export-csv", db, "employees", out}, "is the database file itself")
		after, _ := os.ReadFile(db)
		if !bytes.Equal(before, after) {
			t.Fatalf("export-csv onto %s changed the database file", out)
		}
	}
	// Onto another file it still works.
	wantInProcess(t, exitOK, []string{"export-csv", db, "employees", filepath.Join(dir, "out.csv")}, "exported 7 records")

	backups := makeBackups(t, dictdb.JSON)
	entries, _ := os.ReadDir(backups)
	full := filepath.Join(backups, entries[0].Name())
	fullBefore, _ := os.ReadFile(full)
	// A file named as a backup would replace one, or be taken for an
	// unverified one that fails every later strict restore.
	for _, out := range []string{full, filepath.Join(backups, "dictdb_backup_restored.db")} {
		wantInProcess(t, exitUsage, []string{"restore", backups, out}, "would replace or pose as a backup")
	}
	if after, _ := os.ReadFile(full); !bytes.Equal(fullBefore, after) {
		t.Fatal("restore into the backup directory replaced a backup")
	}
	if _, err := os.Stat(filepath.Join(backups, "dictdb_backup_restored.db")); err == nil {
		t.Fatal("restore wrote a backup-named file into the backup directory")
	}
	wantInProcess(t, exitOK, []string{"verify", backups})
}

// A flag given twice is a usage error, not a silent replacement of the
// first value (a second --where must not widen an export).
func TestRepeatedFlagIsUsageError(t *testing.T) {
	for _, args := range [][]string{
		{"query", company, "employees", "--where", "age > 30", "--where", "dept = 'IT'"},
		{"query", company, "employees", "--limit", "1", "--limit", "2"},
		{"query", company, "employees", "--distinct", "--distinct=false"},
		{"export-csv", company, "employees", "--where=age > 30", "--where=age > 0"},
		{"count", "--where", "age > 1", company, "employees", "--where", "age > 2"},
	} {
		wantInProcess(t, exitUsage, args, "given twice", "Run 'dictdb "+args[0]+" --help' for usage.")
	}
	// Each flag once, anywhere, still works, booleans included.
	wantInProcess(t, exitOK, []string{"query", "--distinct", company, "employees", "--columns", "dept", "--limit", "1"})
	// --help still prints each flag's type.
	stdout, _, code := runInProcess("demo", "--help")
	if code != exitOK || !strings.Contains(stdout, "--duration duration") {
		t.Errorf("demo --help: exit %d\n%s", code, stdout)
	}
}

// makeBackups writes a full backup and two deltas in format f and returns
// the directory.
func makeBackups(t *testing.T, f dictdb.Format) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "backups")
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := tb.Insert(dictdb.Record{"n": i, "at": time.Unix(int64(i), 0), "b": []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{Incremental: true, Format: f})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.BackupNow(); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Delete(cond.Field("n").Lt(10)); err != nil {
		t.Fatal(err)
	}
	if err := m.BackupNow(); err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateTable("u", dictdb.PrimaryKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Insert(dictdb.Record{"k": "x"}); err != nil {
		t.Fatal(err)
	}
	if err := m.BackupNow(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// verify checks backup directories and the backup files in them (a binary
// full backup, and deltas, are not database files on their own) instead of
// reporting sound backups as corrupt, and reports a damaged file.
func TestVerifyBackups(t *testing.T) {
	for _, f := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		t.Run(f.String(), func(t *testing.T) {
			dir := makeBackups(t, f)
			stdout, _ := wantInProcess(t, exitOK, []string{"verify", dir})
			if !strings.Contains(stdout, "+ 2 deltas") || !strings.Contains(stdout, "2 tables, 41 records") || !strings.HasSuffix(stdout, "ok\n") {
				t.Errorf("verify %s:\n%s", dir, stdout)
			}
			entries, err := os.ReadDir(dir)
			if err != nil || len(entries) != 3 {
				t.Fatalf("want 3 backup files, got %v (%v)", entries, err)
			}
			for i, e := range entries {
				stdout, _ := wantInProcess(t, exitOK, []string{"verify", filepath.Join(dir, e.Name())})
				if !strings.HasSuffix(stdout, "ok\n") || (i > 0 && !strings.Contains(stdout, "delta")) {
					t.Errorf("verify %s:\n%s", e.Name(), stdout)
				}
			}
			// Damage the newest delta: the directory and the file both
			// report it, exit status 3.
			last := filepath.Join(dir, entries[2].Name())
			data, _ := os.ReadFile(last)
			data[len(data)/2] ^= 0x20
			if err := os.WriteFile(last, data, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{dir, last} {
				stdout, _ := wantInProcess(t, exitProblems, []string{"verify", p}, "1 problem found")
				if !strings.Contains(stdout, "problem: ") || !strings.Contains(stdout, entries[2].Name()) {
					t.Errorf("verify %s:\n%s", p, stdout)
				}
			}
			// restore refuses the damaged chain; --newest-consistent
			// restores the point before it and names the file it skipped;
			// --up-to restores the full backup alone.
			wantInProcess(t, exitFailure, []string{"restore", dir, filepath.Join(t.TempDir(), "r.db")}, entries[2].Name())
			out := filepath.Join(t.TempDir(), "r.db")
			_, stderr := wantInProcess(t, exitOK, []string{"restore", dir, out, "--newest-consistent"})
			if !strings.Contains(stderr, "skipped "+entries[2].Name()) {
				t.Errorf("restore --newest-consistent: stderr %q", stderr)
			}
			stdout, _ = wantInProcess(t, exitOK, []string{"verify", out})
			if !strings.HasSuffix(stdout, "ok\n") {
				t.Errorf("verify of the restored file:\n%s", stdout)
			}
			wantInProcess(t, exitOK, []string{"restore", dir, filepath.Join(t.TempDir(), "full.db"), "--up-to", entries[0].Name()})
			wantInProcess(t, exitFailure, []string{"restore", dir, filepath.Join(t.TempDir(), "x.db"), "--up-to", "dictdb_backup_1_000000.json"})
		})
	}
	wantInProcess(t, exitProblems, []string{"verify", t.TempDir()}, "1 problem found")
}

// import-csv names a directory given as the CSV file.
func TestImportCSVDirectory(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db.json")
	for _, args := range [][]string{{"import-csv", db, "."}, {"import-csv", db, dir, "--table", "x"}} {
		wantInProcess(t, exitFailure, args, "is a directory, not a CSV file")
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a failed import wrote the database file")
	}
}
