package dictdb

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhang"
	"github.com/dictdb-go/dictdb/internal/wal"
)

const faultDir = "/db"

// dumpBytes is the binary dump of what snap holds: equal dumps mean equal
// tables, rows (every value kind exactly), schemas, indexes and next auto
// keys. (Diff cannot compare two databases that share no versions: it
// compares rows by identity.)
func dumpBytes(t testing.TB, snap *Snapshot) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSnapshot(&b, snap, Binary); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jsonDump is snap in JSON, for failure messages.
func jsonDump(t testing.TB, snap *Snapshot) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSnapshot(&b, snap, JSON); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// sameState fails t unless a and b hold the same data.
func sameState(t testing.TB, what string, want, got *Snapshot) {
	t.Helper()
	if !bytes.Equal(dumpBytes(t, want), dumpBytes(t, got)) {
		t.Fatalf("%s: recovered state differs\nwant %s\ngot  %s", what, jsonDump(t, want), jsonDump(t, got))
	}
}

func mustOpen(t testing.TB, dir string, opts ...Option) *DB {
	t.Helper()
	db, err := Open(dir, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// recoveryOps are writes of every kind a log must carry; each returns an
// error for the test to check.
func recoveryOps(t *testing.T, db *DB, csvPath string) []func() error {
	var users, orders *Table
	var snap *Snapshot
	return []func() error{
		func() (err error) {
			users, err = db.CreateTable("users", WithSchema(Col("name", Str), Col("age", Int), Col("score", Float)))
			return err
		},
		func() error {
			for i, n := range []string{"Ann", "Bob", "Cyd", "Dee"} {
				if _, err := users.Insert(Record{"name": n, "age": 20 + i, "score": 1.5 * float64(i)}); err != nil {
					return err
				}
			}
			return nil
		},
		func() error { return users.CreateIndex("age", SortedIndex) },
		func() error { return users.CreateIndex("name", HashIndex, Unique()) },
		func() error { _, err := users.Delete(cond.Field("name").Eq("Dee")); return err },
		func() (err error) {
			orders, err = db.CreateTable("orders", PrimaryKey("k"))
			if err != nil {
				return err
			}
			_, err = orders.InsertMany([]Record{
				{"k": "a", "b": []byte{0, 255}, "t": time.Date(2024, 2, 29, 1, 2, 3, 456789, time.UTC), "l": []any{1, 2.5, nil, "x"}, "m": map[string]any{"z": 1}},
				{"k": "b", "amount": int64(-1) << 62, "f": 2.0},
			})
			return err
		},
		func() error { snap = db.Snapshot(); return nil },
		func() error {
			return db.Update([]string{"users", "orders"}, func(tx *Tx) error {
				u, _ := tx.Table("users")
				o, _ := tx.Table("orders")
				if _, err := u.Update(Record{"score": 9.0}, cond.Field("age").Gte(21)); err != nil {
					return err
				}
				_, err := o.Insert(Record{"k": "c", "note": "in a tx"})
				return err
			})
		},
		func() error { return users.DropIndex("age") },
		func() error {
			_, _, err := users.Upsert(Record{"id": 2, "name": "Bo", "age": 40, "score": 0.0}, OnConflictUpdate)
			return err
		},
		func() error { return db.DropTable("orders") },
		func() error {
			_, err := db.CreateTable("orders", PrimaryKey("id"))
			return err
		},
		func() error {
			o, err := db.Table("orders")
			if err != nil {
				return err
			}
			_, err = o.Insert(Record{"x": 1})
			return err
		},
		func() error { return db.Restore(snap) },
		func() error {
			_, err := db.ImportCSV(csvPath, "people", CSVOptions{})
			return err
		},
		func() error {
			d := &DeltaFile{Tables: []codec.DeltaTable{
				{Name: "people", Upserts: []codec.Record{codec.RecordOf(map[string]any{"id": int64(1), "name": "Zed", "age": "99"})}, Deletes: []any{int64(2)}, NextID: 50},
				{Name: "fresh", Upserts: []codec.Record{codec.RecordOf(map[string]any{"id": int64(7), "v": true})}},
			}}
			return db.ApplyDelta(d)
		},
		func() error {
			p, err := db.Table("people")
			if err != nil {
				return err
			}
			_, err = p.Insert(Record{"name": "auto"}) // takes next auto key 50
			return err
		},
		func() error { return db.DropTable("fresh") },
	}
}

func peopleCSV(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "people.csv")
	must(t, os.WriteFile(p, []byte("id,name,age\n1,Ann,30\n2,Bob,41\n3,Cyd,25\n"), 0o644))
	return p
}

// TestRecoveryEqualsLive runs writes of every kind on a durable database
// and, after each one, opens the directory read-only (recovery from
// checkpoint and log, without the lock) and compares the result with the
// live database; halfway through it takes a checkpoint, and at the end it
// closes and reopens.
func TestRecoveryEqualsLive(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, dir)
	ops := recoveryOps(t, db, peopleCSV(t))
	for i, op := range ops {
		if err := op(); err != nil {
			t.Fatalf("op %d: %v", i, err)
		}
		if i == len(ops)/2 {
			must(t, db.Checkpoint())
		}
		ro := mustOpen(t, dir, ReadOnly())
		if ro.Seq() != db.Seq() {
			t.Fatalf("op %d: recovered seq %d, live %d", i, ro.Seq(), db.Seq())
		}
		sameState(t, fmt.Sprintf("after op %d", i), db.Snapshot(), ro.Snapshot())
	}
	live := db.Snapshot()
	must(t, db.Close())
	again := mustOpen(t, dir)
	defer again.Close()
	sameState(t, "after reopening", live, again.Snapshot())
	if again.Seq() != live.Seq() {
		t.Fatalf("reopened at seq %d, closed at %d", again.Seq(), live.Seq())
	}
	// The reopened database goes on: auto keys, unique indexes.
	u, err := again.Table("users")
	must(t, err)
	if _, err := u.Insert(Record{"name": "Ann", "age": 1, "score": 0.0}); !errors.Is(err, ErrDuplicateKey) {
		t.Fatalf("unique index lost: %v", err)
	}
	id, err := u.Insert(Record{"name": "New", "age": 1, "score": 0.0})
	must(t, err)
	if id != int64(5) {
		t.Fatalf("auto key after reopening: %v, want 5", id)
	}
}

func TestOpenLockedAndFile(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, dir)
	var second *DB
	var err error
	testhang.Returns(t, "second Open", func() { second, err = Open(dir) })
	if !errors.Is(err, ErrLocked) || second != nil {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	ro, err := Open(dir, ReadOnly())
	must(t, err)
	must(t, db.Close())
	db2 := mustOpen(t, dir) // the lock went with Close
	must(t, db2.Close())
	if _, err := ro.CreateTable("x"); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("write to a read-only database: %v", err)
	}
	if err := ro.Checkpoint(); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Checkpoint of a read-only database: %v", err)
	}

	file := filepath.Join(t.TempDir(), "db.json")
	must(t, New().Save(file, JSON))
	if _, err := Open(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("Open of a file: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing"), ReadOnly()); err == nil {
		t.Fatal("read-only Open of a missing directory succeeded")
	}
	if _, err := Open(""); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Open(\"\"): %v", err)
	}
}

func TestCloseRefusesWrites(t *testing.T) {
	db := mustOpen(t, t.TempDir())
	users, err := db.CreateTable("users")
	must(t, err)
	_, err = users.Insert(Record{"name": "Ann"})
	must(t, err)
	must(t, db.Close())
	must(t, db.Close()) // again: nil
	if _, err := users.Insert(Record{"name": "Bob"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Insert after Close: %v", err)
	}
	if err := db.Update([]string{"users"}, func(tx *Tx) error { return nil }); err != nil {
		t.Fatalf("an Update that writes nothing: %v", err)
	}
	if _, err := db.CreateTable("t"); !errors.Is(err, ErrClosed) {
		t.Fatalf("CreateTable after Close: %v", err)
	}
	if err := db.Checkpoint(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Checkpoint after Close: %v", err)
	}
	if n := users.Count(); n != 1 {
		t.Fatalf("reads after Close: count %d", n)
	}

	mem := New()
	must(t, mem.Close())
	if _, err := mem.CreateTable("t"); err != nil {
		t.Fatalf("an in-memory database after Close: %v", err)
	}
	if err := mem.Checkpoint(); !errors.Is(err, ErrNotDurable) {
		t.Fatalf("Checkpoint in memory: %v", err)
	}
}

// A commit is one frame: after recovery a transaction is there completely
// or not at all, and a checkpoint drops the segments before it.
func TestCheckpointRemovesOldLog(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, dir)
	users, err := db.CreateTable("users")
	must(t, err)
	for range 10 {
		_, err := users.Insert(Record{"x": 1})
		must(t, err)
	}
	must(t, db.Checkpoint())
	_, err = users.Insert(Record{"x": 2})
	must(t, err)
	must(t, db.Checkpoint())
	names := logDirNames(t, dir)
	var ckpts, segs int
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, checkpointPrefix):
			ckpts++
		case strings.HasSuffix(n, ".wal"):
			segs++
		}
	}
	if ckpts != 1 || segs != 1 {
		t.Fatalf("after two checkpoints: %v", names)
	}
	live := db.Snapshot()
	must(t, db.Close())
	again := mustOpen(t, dir)
	defer again.Close()
	sameState(t, "after checkpoints", live, again.Snapshot())
}

func logDirNames(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	must(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestAutomaticCheckpoint shows WithCheckpointSize keeps the log short and
// that Close waits for a running checkpoint.
func TestAutomaticCheckpoint(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, dir, WithCheckpointSize(4<<10), WithSync(SyncNever))
	users, err := db.CreateTable("users")
	must(t, err)
	for i := range 2000 {
		_, err := users.Insert(Record{"i": i, "pad": strings.Repeat("x", 50)})
		must(t, err)
	}
	live := db.Snapshot()
	must(t, db.Close())
	var ckpt bool
	for _, n := range logDirNames(t, dir) {
		if strings.HasPrefix(n, checkpointPrefix) && strings.HasSuffix(n, checkpointExt) {
			ckpt = true
		}
		if strings.HasSuffix(n, tmpExt) {
			t.Fatalf("Close left a temporary checkpoint: %s", n)
		}
	}
	if !ckpt {
		t.Fatal("no automatic checkpoint")
	}
	again := mustOpen(t, dir)
	defer again.Close()
	sameState(t, "after automatic checkpoints", live, again.Snapshot())
}

// faultWorkload commits on db until a write fails, returning the states
// after each acknowledged commit (acked[i] after commit i+1) and the error.
func faultWorkload(db *DB, n int) (acked []*Snapshot, err error) {
	users, err := db.CreateTable("users", WithSchema(Col("n", Int)))
	if err != nil {
		return nil, err
	}
	acked = append(acked, db.Snapshot())
	for i := range n {
		switch i % 4 {
		case 0, 1:
			_, err = users.Insert(Record{"n": i})
		case 2:
			_, err = users.InsertMany([]Record{{"n": i}, {"n": -i}})
		case 3:
			_, err = users.Delete(cond.Field("n").Eq(-i + 1))
		}
		if err != nil {
			return acked, err
		}
		acked = append(acked, db.Snapshot())
		if i == n/2 {
			if err := db.Checkpoint(); err != nil {
				return acked, err
			}
		}
	}
	return acked, nil
}

// recoverAfterCrash crashes fsys (power loss: unsynced data is gone),
// reopens the database and checks that it holds the last acknowledged
// state, or (allowed) the state of the one write that failed.
func recoverAfterCrash(t *testing.T, fsys *wal.FaultFS, acked []*Snapshot, failed bool) *DB {
	t.Helper()
	fsys.Crash(nil)
	db, err := Open(faultDir, WithFS(fsys))
	if err != nil {
		t.Fatalf("Open after the crash: %v (%s)", err, fsys)
	}
	got := db.Snapshot()
	if len(acked) == 0 {
		if len(got.TableNames()) != 0 {
			t.Fatalf("nothing acknowledged, recovered %v", got.TableNames())
		}
		return db
	}
	last := acked[len(acked)-1]
	switch {
	case got.Seq() == last.Seq():
		sameState(t, "after the crash", last, got)
	case failed && got.Seq() == last.Seq()+1:
		// The write that failed survived: allowed (documented).
	default:
		t.Fatalf("recovered seq %d, last acknowledged %d", got.Seq(), last.Seq())
	}
	return db
}

// TestFaultNthCall makes the Nth file-system call fail with ENOSPC (or
// EIO, or a short write), for every N a workload makes, then simulates a
// power loss and reopens: every acknowledged commit is there, and the
// database refused writes after the failure.
func TestFaultNthCall(t *testing.T) {
	probe := wal.NewFaultFS()
	db, err := Open(faultDir, WithFS(probe))
	must(t, err)
	base := probe.Count(wal.OpAny)
	_, err = faultWorkload(db, 12)
	must(t, err)
	total := probe.Count(wal.OpAny) - base
	must(t, db.Close())
	faults := []struct {
		name  string
		fault func(n int) wal.Fault
	}{
		{"ENOSPC", func(n int) wal.Fault { return wal.Fault{Op: wal.OpAny, Nth: n, Err: syscall.ENOSPC} }},
		{"EIO write", func(n int) wal.Fault { return wal.Fault{Op: wal.OpWrite, Nth: n, Err: syscall.EIO} }},
		{"short write", func(n int) wal.Fault { return wal.Fault{Op: wal.OpWrite, Nth: n, Err: syscall.ENOSPC, Short: true} }},
		{"EIO fsync", func(n int) wal.Fault { return wal.Fault{Op: wal.OpSync, Nth: n, Err: syscall.EIO} }},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			for n := 1; n <= total; n++ {
				fsys := wal.NewFaultFS()
				db, err := Open(faultDir, WithFS(fsys))
				must(t, err)
				fsys.Inject(f.fault(n))
				acked, werr := faultWorkload(db, 12)
				if werr != nil && !strings.Contains(werr.Error(), "checkpoint") {
					// A log failure stops the database: later writes fail
					// with ErrStopped, reads keep working.
					if !errors.Is(werr, ErrStopped) {
						t.Fatalf("N=%d: log failure not ErrStopped: %v", n, werr)
					}
					if _, err := db.CreateTable("later"); !errors.Is(err, ErrStopped) {
						t.Fatalf("N=%d: write after the failure: %v", n, err)
					}
					if len(acked) > 0 && db.Seq() != acked[len(acked)-1].Seq() {
						t.Fatalf("N=%d: readers see seq %d after a failed commit, last acknowledged %d", n, db.Seq(), acked[len(acked)-1].Seq())
					}
				}
				_ = db.Close()
				re := recoverAfterCrash(t, fsys, acked, werr != nil)
				must(t, re.Close())
			}
		})
	}
}

// TestTornLastFrame cuts the end of the log, as a crash during a write
// does: Open cuts it off, logs a warning and loses only that commit.
func TestTornLastFrame(t *testing.T) {
	fsys := wal.NewFaultFS()
	db, err := Open(faultDir, WithFS(fsys))
	must(t, err)
	acked, err := faultWorkload(db, 6)
	must(t, err)
	must(t, db.Close())
	seg := lastSegment(t, fsys)
	data, err := fsys.ReadFile(seg)
	must(t, err)
	fsys.WriteFile(seg, data[:len(data)-3])
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	re, err := Open(faultDir, WithFS(fsys), WithLogger(logger))
	must(t, err)
	defer re.Close()
	sameState(t, "after the torn write", acked[len(acked)-2], re.Snapshot())
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), seg) {
		t.Fatalf("no warning naming %s: %q", seg, logs.String())
	}
}

func lastSegment(t *testing.T, fsys *wal.FaultFS) string {
	names, err := fsys.ReadDir(faultDir)
	must(t, err)
	var segs []string
	for _, n := range names {
		if strings.HasSuffix(n, ".wal") {
			segs = append(segs, filepath.Join(faultDir, n))
		}
	}
	slices.Sort(segs)
	if len(segs) == 0 {
		t.Fatal("no segment")
	}
	return segs[len(segs)-1]
}

// TestFlippedByteInMiddleFrame: damage before the tail is ErrCorrupt
// naming the file and offset, and Open changes nothing.
func TestFlippedByteInMiddleFrame(t *testing.T) {
	fsys := wal.NewFaultFS()
	db, err := Open(faultDir, WithFS(fsys))
	must(t, err)
	users, err := db.CreateTable("users")
	must(t, err)
	for range 5 {
		_, err := users.Insert(Record{"x": "some payload"})
		must(t, err)
	}
	must(t, db.Close())
	seg := lastSegment(t, fsys)
	data, err := fsys.ReadFile(seg)
	must(t, err)
	bad := slices.Clone(data)
	bad[len(bad)/2] ^= 0x40
	fsys.WriteFile(seg, bad)
	_, err = Open(faultDir, WithFS(fsys))
	var ce *CorruptError
	if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || ce.Offset <= 0 || !strings.Contains(err.Error(), seg) {
		t.Fatalf("Open of a damaged log: %v", err)
	}
	if now, _ := fsys.ReadFile(seg); !bytes.Equal(now, bad) {
		t.Fatal("Open changed a damaged log")
	}
	if _, err := Open(faultDir, WithFS(fsys), ReadOnly()); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("read-only Open of a damaged log: %v", err)
	}
}

// gateFS is a file system whose fsyncs of log segments wait until the
// test lets them go.
type gateFS struct {
	wal.FS
	mu      sync.Mutex
	blocked bool
	entered chan struct{}
	release chan struct{}
}

type gateFile struct {
	wal.File
	fs *gateFS
}

func (g *gateFS) wrap(f wal.File, err error) (wal.File, error) {
	if err != nil {
		return nil, err
	}
	return &gateFile{File: f, fs: g}, nil
}

func (g *gateFS) Create(name string) (wal.File, error) { return g.wrap(g.FS.Create(name)) }
func (g *gateFS) OpenFile(name string, flag int, perm os.FileMode) (wal.File, error) {
	return g.wrap(g.FS.OpenFile(name, flag, perm))
}

func (f *gateFile) Sync() error {
	f.fs.mu.Lock()
	blocked := f.fs.blocked
	f.fs.mu.Unlock()
	if blocked && strings.HasSuffix(f.Name(), ".wal") {
		f.fs.entered <- struct{}{}
		<-f.fs.release
	}
	return f.File.Sync()
}

// TestReadersNeverSeeUndurableCommit holds a commit's fsync and shows that
// Get, Count and Snapshot do not see the commit until the fsync returned,
// under SyncAlways.
func TestReadersNeverSeeUndurableCommit(t *testing.T) {
	g := &gateFS{FS: wal.NewFaultFS(), entered: make(chan struct{}), release: make(chan struct{})}
	db, err := Open(faultDir, WithFS(g))
	must(t, err)
	defer db.Close()
	var once sync.Once
	letGo := func() {
		once.Do(func() {
			g.mu.Lock()
			g.blocked = false
			g.mu.Unlock()
			close(g.release)
		})
	}
	defer letGo() // before Close, which fsyncs, if the test fails
	users, err := db.CreateTable("users")
	must(t, err)
	g.mu.Lock()
	g.blocked = true
	g.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		_, err := users.Insert(Record{"id": 1, "name": "Ann"})
		done <- err
	}()
	testhang.Returns(t, "fsync start", func() { <-g.entered })
	before := db.Seq()
	if _, ok := users.Get(1); ok {
		t.Fatal("Get sees a commit whose fsync has not returned")
	}
	if users.Count() != 0 || len(db.Snapshot().TableNames()) != 1 {
		t.Fatal("a read sees a commit whose fsync has not returned")
	}
	v, _ := db.Snapshot().Table("users")
	if v.Count() != 0 {
		t.Fatal("a snapshot sees a commit whose fsync has not returned")
	}
	letGo()
	testhang.Returns(t, "insert", func() { must(t, <-done) })
	if _, ok := users.Get(1); !ok || db.Seq() != before+1 {
		t.Fatal("the commit is not visible once durable")
	}
}
