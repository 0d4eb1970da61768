//go:build linux

package wal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// TestMappedAppendsAcrossChunks appends frames through the mapping on
// the real file system, small ones and ones larger than a chunk, so that
// frames straddle the mapped chunks. While the writer is open the file
// holds reserved zeros after the frames: a reader sees exactly the frames
// written and no torn tail. A copy of the file then, what a kill -9
// leaves, opens with every frame and takes further appends. Close cuts
// the reserved space off.
func TestMappedAppendsAcrossChunks(t *testing.T) {
	dir := t.TempDir()
	w, _, err := Open(dir, Options{FS: OS, Sync: SyncNever})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := w.f.(*mappedFile); !ok {
		t.Skipf("the file system of %s cannot reserve space; the log writes plainly", dir)
	}
	var want [][]byte
	appendOne := func(w *Writer, p []byte) {
		t.Helper()
		if _, err := w.Append(p); err != nil {
			t.Fatal(err)
		}
		want = append(want, p)
	}
	for seq := uint64(1); seq <= 3000; seq++ {
		appendOne(w, payloadFor(seq))
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), mapChunk/16+1000) // over a chunk
	appendOne(w, big)
	appendOne(w, payloadFor(3002))
	name := filepath.Join(dir, segmentName(1))
	st, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	written, _ := w.Seq()
	logical := w.size
	if st.Size() <= logical || written != 3002 {
		t.Fatalf("file of %d bytes for %d bytes of frames (%d frames): want reserved space after them", st.Size(), logical, written)
	}
	check := func(what, dir string, n int) {
		t.Helper()
		i := 0
		info, err := Read(OS, dir, 0, func(seq uint64, p []byte) error {
			if !bytes.Equal(p, want[i]) {
				t.Fatalf("%s: frame %d differs", what, seq)
			}
			i++
			return nil
		})
		if err != nil || info.Cut != nil || i != n {
			t.Fatalf("%s: %d frames, cut %+v, %v; want %d", what, i, info.Cut, err, n)
		}
	}
	check("while open", dir, len(want))

	// What a kill leaves: the file as it is now, reserved zeros included.
	crashed := t.TempDir()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(crashed, segmentName(1)), b, 0o644); err != nil {
		t.Fatal(err)
	}
	w2, info, err := Open(crashed, Options{FS: OS, Sync: SyncAlways})
	if err != nil || info.Cut != nil || info.Last != 3002 {
		t.Fatalf("open after a crash: %+v, %v", info, err)
	}
	saved := want
	appendOne(w2, payloadFor(3003))
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	check("reopened after a crash", crashed, len(want))

	want = saved
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err = os.Stat(name); err != nil || st.Size() != logical {
		t.Fatalf("closed file of %v bytes (%v), want %d", st.Size(), err, logical)
	}
	check("closed", dir, len(want))
}

// TestMappedFileTruncatedBehindTheLog truncates the segment while the
// writer has it mapped, as a careless operator might: the next Append
// faults on the mapping, which must fail the write (and stop the writer)
// rather than crash the process.
func TestMappedFileTruncatedBehindTheLog(t *testing.T) {
	dir := t.TempDir()
	w, _, err := Open(dir, Options{FS: OS, Sync: SyncNever})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, ok := w.f.(*mappedFile); !ok {
		t.Skipf("the file system of %s cannot reserve space; the log writes plainly", dir)
	}
	appendN(t, w, 10)
	if err := os.Truncate(filepath.Join(dir, segmentName(1)), 0); err != nil {
		t.Fatal(err)
	}
	_, err = w.Append(payloadFor(11))
	if err == nil {
		t.Fatal("an append into a truncated mapping succeeded")
	}
	if _, err := w.Append(payloadFor(12)); !errors.Is(err, ErrStopped) {
		t.Fatalf("the append after a fault: %v, want ErrStopped", err)
	}
}

// fullDiskChildEnv names the log directory of the child process of
// TestMappedFullDisk.
const fullDiskChildEnv = "DICTDB_WAL_FULL_DISK_CHILD"

// TestMappedFullDisk runs a child process whose files may not grow past
// 3 MiB (RLIMIT_FSIZE, which fails fallocate as a full disk does) and
// which appends until the log refuses: the refusal is an error, never a
// crash, every later append is refused, and every frame acknowledged
// before it is in the log afterwards.
func TestMappedFullDisk(t *testing.T) {
	if dir := os.Getenv(fullDiskChildEnv); dir != "" {
		fullDiskChild(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMappedFullDisk$")
	cmd.Env = append(os.Environ(), fullDiskChildEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var acked, stopped int
	if _, err := fmt.Sscanf(lastLine(out), "acked %d stopped %d", &acked, &stopped); err != nil {
		t.Fatalf("child said %q: %v", out, err)
	}
	if acked == 0 || stopped != 1 {
		t.Fatalf("child acknowledged %d frames, refusals after the first ErrStopped: %d\n%s", acked, stopped, out)
	}
	t.Logf("child: %s", bytes.TrimSpace(out))
	frames := 0
	if _, err := Replay(OS, dir, 0, func(seq uint64, p []byte) error {
		if !bytes.Equal(p, fullDiskPayload) {
			return fmt.Errorf("frame %d was never written", seq)
		}
		frames++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if frames < acked {
		t.Fatalf("%d frames in the log, %d acknowledged", frames, acked)
	}
}

var fullDiskPayload = bytes.Repeat([]byte{'x'}, 4000)

// fullDiskChild appends frames of about 4 KB to a log in dir until an
// append fails, then prints how many succeeded and whether the next one
// was refused with ErrStopped.
func fullDiskChild(dir string) {
	lim := syscall.Rlimit{Cur: 3 << 20, Max: 3 << 20}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		fmt.Println("setrlimit:", err)
		os.Exit(2)
	}
	w, _, err := Open(dir, Options{FS: OS, Sync: SyncNever})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	acked := 0
	p := fullDiskPayload
	for acked < 10000 {
		if _, err := w.Append(p); err != nil {
			fmt.Println("append failed:", err)
			break
		}
		acked++
	}
	stopped := 0
	if _, err := w.Append(p); errors.Is(err, ErrStopped) {
		stopped = 1
	}
	w.Close()
	fmt.Printf("acked %d stopped %d\n", acked, stopped)
	os.Exit(0)
}

func lastLine(b []byte) string {
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	return string(lines[len(lines)-1])
}
