package dictdb

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/internal/testseed"
)

// hangLimit only detects a hang: no test here waits that long when it works.
const hangLimit = 2 * time.Minute

func TestTempNames(t *testing.T) {
	for _, base := range []string{"db.bin", "a", ".hidden", "x.dictdb-tmp-0123456789abcdef", "é ü"} {
		name := tempName(base)
		if !isTempName(name, base) || !isTempName(name, "") {
			t.Errorf("%q: %q is not recognised", base, name)
		}
		if isTempName(name, base+"x") || isTempName(name, "x"+base) || (len(base) > 1 && isTempName(name, base[1:])) {
			t.Errorf("%q: %q taken for another target's", base, name)
		}
	}
	for _, name := range []string{
		".db.bin.dictdb-tmp-0123456789ABCDEF", // upper case
		".db.bin.dictdb-tmp-0123456789abcde",  // 15 digits
		".db.bin.dictdb-tmp-0123456789abcdef0",
		".db.bin.dictdb-tmp-0123456789abcdeg",
		".db.bin.dictdb-tmp-0123456789abcdef.bak",
		"db.bin.dictdb-tmp-0123456789abcdef", // no leading dot
		".db.bin.tmp1234567",                 // an earlier release's name
		"..dictdb-tmp-0123456789abcdef",      // no target
		".dictdb-tmp-0123456789abcdef",
		"",
	} {
		if isTempName(name, "db.bin") || (name != ".db.bin.dictdb-tmp-0123456789abcdef0" && isTempName(name, "")) {
			t.Errorf("%q taken for a temporary file", name)
		}
	}
}

// The child side of TestSaveKilledMidway: set by the parent.
const (
	envChildTarget = "DICTDB_TEST_SAVE_CHILD"      // path the child saves to, over and over
	envChildStop   = "DICTDB_TEST_SAVE_CHILD_STOP" // "save,byte": pause there, say "mid", wait for stdin's end
)

// childDB is the database a child saves: about 1.5 MB in the binary format.
func childDB(t testing.TB, tag string) *DB {
	db := New()
	tb, err := db.CreateTable("rows")
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]Record, 3000)
	for i := range recs {
		recs[i] = Record{"tag": tag, "i": i, "pad": strings.Repeat("x", 500)}
	}
	if _, err := tb.InsertMany(recs); err != nil {
		t.Fatal(err)
	}
	return db
}

// pausingWriter passes writes through and, at byte stop of save number
// save, says "mid" on stdout and waits for stdin to end.
type pausingWriter struct {
	w          io.Writer
	written    int
	stop       int
	pauseHere  bool
	afterPause func()
}

func (p *pausingWriter) Write(b []byte) (int, error) {
	if p.pauseHere && p.written <= p.stop && p.stop < p.written+len(b) {
		k := p.stop - p.written
		n, err := p.w.Write(b[:k])
		p.written += n
		if err != nil {
			return n, err
		}
		p.afterPause()
		m, err := p.w.Write(b[k:])
		p.written += m
		return n + m, err
	}
	n, err := p.w.Write(b)
	p.written += n
	return n, err
}

// runSaveChild is the child process: it saves childDB to its target in a
// loop, reporting "ready" first; with a stop, it pauses mid-save as told,
// and after that save says "saved" and exits.
func runSaveChild(t *testing.T, target string) {
	db := childDB(t, "child")
	stopSave, stopByte := -1, 0
	if s := os.Getenv(envChildStop); s != "" {
		a, b, _ := strings.Cut(s, ",")
		stopSave, _ = strconv.Atoi(a)
		stopByte, _ = strconv.Atoi(b)
	}
	saves := 0
	testWrapFile = func(w io.Writer) io.Writer {
		return &pausingWriter{w: w, stop: stopByte, pauseHere: saves == stopSave, afterPause: func() {
			fmt.Println("mid")
			io.Copy(io.Discard, os.Stdin)
		}}
	}
	fmt.Println("ready")
	for ; ; saves++ {
		if err := db.Save(target, Binary); err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		if saves == stopSave {
			fmt.Println("saved")
			os.Exit(0)
		}
	}
}

// child is a running child process of TestSaveKilledMidway.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
}

func startChild(t *testing.T, target, stop string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSaveKilledMidway$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildTarget+"="+target, envChildStop+"="+stop)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	return c
}

// await waits for the child to print want; anything else it says is a
// failure, and so is waiting past hangLimit.
func (c *child) await(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(hangLimit)
	for {
		select {
		case line, ok := <-c.lines:
			switch {
			case !ok:
				t.Fatalf("child exited before saying %q", want)
			case line == want:
				return
			case strings.HasPrefix(line, "error:"):
				t.Fatalf("child: %s", line)
			}
		case <-timeout:
			c.cmd.Process.Kill()
			t.Fatalf("child hung before saying %q", want)
		}
	}
}

func (c *child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
	for range c.lines {
	}
}

// dirNames lists dir's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// makeDecoys creates, in dir, files, a directory and a link whose names
// resemble temporary files of target base, and returns their names. With
// others, it adds dead temporary files of other targets (".x<base>...").
func makeDecoys(t *testing.T, dir, base string, others bool) []string {
	t.Helper()
	names := []string{
		"." + base + ".dictdb-tmp-0123456789ABCDEF",
		"." + base + ".dictdb-tmp-0123456789abcde",
		"." + base + ".dictdb-tmp-0123456789abcdef.bak",
		"." + base + ".dictdb-tmp-xyz",
		base + ".dictdb-tmp-0123456789abcdef",
		"." + base + ".tmp123456789",
	}
	if others {
		names = append(names, ".x"+base+".dictdb-tmp-0123456789abcdef", "."+base+"x.dictdb-tmp-0123456789abcdef")
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("not dictdb's"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := "." + base + ".dictdb-tmp-fedcba9876543210"
	if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
		t.Fatal(err)
	}
	names = append(names, d)
	l := "." + base + ".dictdb-tmp-00000000000000aa"
	if err := os.Symlink(filepath.Join(dir, names[0]), filepath.Join(dir, l)); err == nil {
		names = append(names, l)
	}
	return names
}

// checkDecoys fails unless every decoy is still there, unchanged.
func checkDecoys(t *testing.T, dir string, decoys []string) {
	t.Helper()
	for _, n := range decoys {
		fi, err := os.Lstat(filepath.Join(dir, n))
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if fi.Mode().IsRegular() {
			if b, _ := os.ReadFile(filepath.Join(dir, n)); string(b) != "not dictdb's" {
				t.Errorf("%s changed: %q", n, b)
			}
		}
	}
}

// leftovers returns dir's entries that are neither keep nor decoys.
func leftovers(t *testing.T, dir string, keep []string) []string {
	t.Helper()
	var out []string
	for _, n := range dirNames(t, dir) {
		if !slices.Contains(keep, n) {
			out = append(out, n)
		}
	}
	return out
}

// TestSaveKilledMidway kills child processes in the middle of saves, at
// chosen bytes and at random moments, then checks that the next save
// removes every temporary file they left, and nothing else; and that a
// save still being written by a live process is left alone.
func TestSaveKilledMidway(t *testing.T) {
	if target := os.Getenv(envChildTarget); target != "" {
		runSaveChild(t, target)
		return
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 5))
	dir := t.TempDir()
	target := filepath.Join(dir, "data.bin")
	decoys := makeDecoys(t, dir, "data.bin", true)
	keep := append([]string{"data.bin"}, decoys...)

	var size countingWriter
	if err := childDB(t, "child").SaveTo(&size, Binary); err != nil {
		t.Fatal(err)
	}
	// Each child's saves remove what the children killed before it left:
	// after a kill, at most the file of the save it interrupted remains.
	const atByte, atRandom = 12, 12
	randomLeft := 0
	for round := range atByte + atRandom {
		if round%2 == 0 {
			// Pause at a chosen byte of the first, second or third
			// save, then kill: a temporary file is surely left.
			c := startChild(t, target, fmt.Sprintf("%d,%d", rng.IntN(3), rng.IntN(int(size.n))))
			c.await(t, "mid")
			c.kill(t)
		} else {
			c := startChild(t, target, "")
			c.await(t, "ready")
			time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
			c.kill(t)
		}
		left := leftovers(t, dir, keep)
		if round%2 == 1 {
			randomLeft += len(left)
		}
		if len(left) > 1 {
			t.Fatalf("after %d saves killed, temporary files pile up: %v", round+1, left)
		}
		if round%2 == 0 && len(left) != 1 {
			t.Fatalf("a save killed midway left %v", left)
		}
	}
	t.Logf("%d of the %d kills at random moments interrupted a save", randomLeft, atRandom)
	checkDecoys(t, dir, decoys)

	// A live save by another process keeps its file through our save,
	// and completes.
	live := renameOpen // only where a live file is locked (see tempfile.go)
	var c *child
	if live {
		c = startChild(t, target, fmt.Sprintf("0,%d", size.n/2))
		c.await(t, "mid")
	}
	db := childDB(t, "parent")
	if err := db.Save(target, Binary); err != nil {
		t.Fatal(err)
	}
	checkDecoys(t, dir, decoys)
	got, err := Load(target, Binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameDB(got, db); err != nil {
		t.Fatal(err)
	}
	left := leftovers(t, dir, keep)
	if live {
		if len(left) != 1 || !isTempName(left[0], "data.bin") {
			t.Fatalf("want only the live save's temporary file left, got %v", left)
		}
		c.stdin.Close()
		c.await(t, "saved")
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("the live save: %v", err)
		}
		if left = leftovers(t, dir, keep); len(left) != 0 {
			t.Fatalf("left after the live save completed: %v", left)
		}
		got, err := Load(target, Binary)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameDB(got, childDB(t, "child")); err != nil {
			t.Fatal(err)
		}
	} else if len(left) != 0 {
		t.Fatalf("left after a save: %v", left)
	}
	checkDecoys(t, dir, decoys)
}

// TestSaveKeepsConcurrentTemp: a save to the same path from another
// goroutine, paused mid-write, keeps its temporary file through a save
// that cleans up, and completes.
func TestSaveKeepsConcurrentTemp(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "db.json")
	paused, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	testWrapFile = func(w io.Writer) io.Writer {
		first := false
		once.Do(func() { first = true })
		return &pausingWriter{w: w, stop: 100, pauseHere: first, afterPause: func() {
			close(paused)
			<-resume
		}}
	}
	defer func() { testWrapFile = nil }()
	a, b := childDB(t, "a"), childDB(t, "b")
	done := make(chan error, 1)
	go func() { done <- a.Save(target, JSON) }()
	select {
	case <-paused:
	case <-time.After(hangLimit):
		t.Fatal("hang")
	}
	if err := b.Save(target, JSON); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(t, dir, []string{"db.json"}); len(left) != 1 {
		t.Fatalf("want the paused save's temporary file, got %v", left)
	}
	close(resume)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the paused save: %v", err)
		}
	case <-time.After(hangLimit):
		t.Fatal("hang")
	}
	if left := leftovers(t, dir, []string{"db.json"}); len(left) != 0 {
		t.Fatalf("left: %v", left)
	}
	got, err := Load(target, JSON)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameDB(got, a); err != nil {
		t.Fatal(err)
	}
}

// TestRemoveStaleTempsLocked: where files can be locked, a temporary file
// whose writer is alive is kept even when this process's registry does not
// know it (as for another process's save), and a dead one is removed.
func TestRemoveStaleTempsLocked(t *testing.T) {
	if !renameOpen {
		t.Skip("no file locks here")
	}
	dir := t.TempDir()
	f, err := createTemp(dir, "db")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	releaseTemp(f) // unknown to the registry: only its lock protects it
	dead := filepath.Join(dir, tempName("db"))
	if err := os.WriteFile(dead, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := removeStaleTemps(dir, "db")
	if err != nil || n != 1 {
		t.Fatalf("removed %d, %v", n, err)
	}
	if _, err := os.Stat(f.Name()); err != nil {
		t.Fatalf("live file removed: %v", err)
	}
	if _, err := os.Stat(dead); err == nil {
		t.Fatal("dead file kept")
	}
}

// TestBackupRemovesStaleTemps: a backup removes temporary files that
// interrupted backups (or saves) left in its directory, whatever their
// target, keeps a live one and everything else.
func TestBackupRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	db := childDB(t, "b")
	var stale []string
	for _, base := range []string{"dictdb_backup_1700000000_000001.bin", "dictdb_delta_1700000000_000002.json", "db.bin"} {
		n := tempName(base)
		if err := os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		stale = append(stale, n)
	}
	decoys := makeDecoys(t, dir, "dictdb_backup_1700000000_000001.bin", false)
	live, err := createTemp(dir, "db.bin") // a save in progress
	if err != nil {
		t.Fatal(err)
	}
	defer func() { live.Close(); releaseTemp(live) }()
	m, err := NewBackupManager(db, dir, BackupOptions{Format: Binary})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.BackupNow(); err != nil {
		t.Fatal(err)
	}
	names := dirNames(t, dir)
	for _, n := range stale {
		if slices.Contains(names, n) {
			t.Errorf("stale %s kept", n)
		}
	}
	if !slices.Contains(names, filepath.Base(live.Name())) {
		t.Error("live temporary file removed")
	}
	checkDecoys(t, dir, decoys)
}
