package dictdb

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"syscall"
	"testing"
)

// enospcWriter fails with ENOSPC once limit bytes went through.
type enospcWriter struct {
	w     io.Writer
	limit int
}

func (f *enospcWriter) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n, _ := f.w.Write(p[:f.limit])
		f.limit = 0
		return n, &os.PathError{Op: "write", Path: "backup", Err: syscall.ENOSPC}
	}
	f.limit -= len(p)
	return f.w.Write(p)
}

func binaryDump(t *testing.T, db *DB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := db.SaveTo(&b, Binary); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBackupAfterFailedFullRestoresEverything fails a due full backup (and
// then a delta) with ENOSPC half-way: nothing is left behind, the restore
// still gives the last backup that succeeded, the manager retries the same
// kind of backup, and the next success restores everything.
func TestBackupAfterFailedFullRestoresEverything(t *testing.T) {
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
	dir := t.TempDir()
	m, err := NewBackupManager(db, dir, BackupOptions{Incremental: true, MaxDeltas: 2, Keep: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // full, delta, delta
		change(i)
		if err := m.BackupNow(); err != nil {
			t.Fatal(err)
		}
	}
	lastGood := binaryDump(t, db)
	before := dirNames(t, dir)
	restoreEquals := func(want []byte, what string) {
		t.Helper()
		got, info, err := RestoreBackup(dir, RestoreOptions{})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !bytes.Equal(binaryDump(t, got), want) {
			t.Fatalf("%s: restored %s + %v, not the expected state", what, info.Full, info.Deltas)
		}
	}

	m.testWrap = func(w io.Writer) io.Writer { return &enospcWriter{w: w, limit: 40} }
	for i := range 2 { // the full backup is due: it fails, and is retried
		change(10 + i)
		err := m.BackupNow()
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("attempt %d: got %v, want ENOSPC", i, err)
		}
		if got := dirNames(t, dir); !slices.Equal(got, before) {
			t.Fatalf("a failed backup left files behind: %v, was %v", got, before)
		}
		if m.DeltasSinceFull() != 2 || m.ConsecutiveFailures() != i+1 {
			t.Fatalf("after failure %d: %d deltas since full, %d failures", i, m.DeltasSinceFull(), m.ConsecutiveFailures())
		}
		restoreEquals(lastGood, "after a failed full backup")
	}

	m.testWrap = nil
	change(20)
	if err := m.BackupNow(); err != nil {
		t.Fatal(err)
	}
	if m.DeltasSinceFull() != 0 || m.ConsecutiveFailures() != 0 {
		t.Fatalf("the retried full backup: %d deltas since full, %d failures", m.DeltasSinceFull(), m.ConsecutiveFailures())
	}
	restoreEquals(binaryDump(t, db), "after the full backup that succeeded")

	// A failed delta: the next one covers its changes too.
	m.testWrap = func(w io.Writer) io.Writer { return &enospcWriter{w: w, limit: 100} }
	change(30)
	if err := m.BackupNow(); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want ENOSPC", err)
	}
	m.testWrap = nil
	change(31)
	if err := m.BackupNow(); err != nil {
		t.Fatal(err)
	}
	if m.DeltasSinceFull() != 1 {
		t.Fatalf("%d deltas since full, want 1", m.DeltasSinceFull())
	}
	restoreEquals(binaryDump(t, db), "after a delta that succeeded")
}

// TestReadFooterOfTruncatedFiles reads the footer of every prefix of a
// backup file of each kind and format: only the whole file has one.
func TestReadFooterOfTruncatedFiles(t *testing.T) {
	for _, format := range []Format{JSON, Binary} {
		db := New()
		users, err := db.CreateTable("users")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		m, err := NewBackupManager(db, dir, BackupOptions{Incremental: true, Format: format})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if _, err := users.Insert(Record{"v": i}); err != nil {
				t.Fatal(err)
			}
			if err := m.BackupNow(); err != nil {
				t.Fatal(err)
			}
		}
		files, err := scanBackups(dir)
		if err != nil || len(files) != 2 {
			t.Fatalf("%v: %d files, %v", format, len(files), err)
		}
		for _, f := range files {
			if f.meta == nil {
				t.Fatalf("%s: %v", f.name, f.err)
			}
			raw, err := os.ReadFile(dir + "/" + f.name)
			if err != nil {
				t.Fatal(err)
			}
			for n := range len(raw) {
				if _, _, err := readFooter(bytes.NewReader(raw[:n]), int64(n)); err == nil {
					t.Fatalf("%s cut to %d bytes: a footer was found", f.name, n)
				}
			}
			for i := range raw { // every byte of the file, changed: never a footer that verifies with other content
				c := bytes.Clone(raw)
				c[i] ^= 0x10
				meta, _, err := readFooter(bytes.NewReader(c), int64(len(c)))
				if err == nil && verifyContent(bytes.NewReader(c), meta) == nil {
					t.Fatalf("%s: byte %d changed, and the file still verifies", f.name, i)
				}
			}
		}
	}
}
