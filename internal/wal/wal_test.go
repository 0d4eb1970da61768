package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/internal/testhang"
)

const testDir = "/log"

// payloadFor is the payload the tests append as frame seq: its length and
// bytes follow from seq alone, so a replay can tell a frame never written.
func payloadFor(seq uint64) []byte {
	n := int(seq*7919%97) + 8
	p := make([]byte, n)
	binary.LittleEndian.PutUint64(p, seq)
	for i := 8; i < n; i++ {
		p[i] = byte(seq*31 + uint64(i))
	}
	return p
}

// replayAll replays the log in dir and checks that every frame carries
// payloadFor(its seq); it returns the sequence numbers in order.
func replayAll(t *testing.T, fsys FS, dir string) ([]uint64, Info) {
	t.Helper()
	var seqs []uint64
	info, err := Replay(fsys, dir, 0, func(seq uint64, p []byte) error {
		if !bytes.Equal(p, payloadFor(seq)) {
			return fmt.Errorf("frame %d carries %x, never written", seq, p)
		}
		seqs = append(seqs, seq)
		return nil
	})
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	return seqs, info
}

// checkPrefix fails t unless seqs is 1..len(seqs) and holds every seq in
// acked.
func checkPrefix(t *testing.T, seqs []uint64, acked []uint64) {
	t.Helper()
	for i, s := range seqs {
		if s != uint64(i)+1 {
			t.Fatalf("replayed seq %d at position %d", s, i)
		}
	}
	for _, a := range acked {
		if a > uint64(len(seqs)) {
			t.Fatalf("acknowledged seq %d lost: replay ends at %d", a, len(seqs))
		}
	}
}

func mustOpen(t *testing.T, fsys FS, dir string, p SyncPolicy) *Writer {
	t.Helper()
	w, _, err := Open(dir, Options{FS: fsys, Sync: p})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return w
}

func appendN(t *testing.T, w *Writer, n int) {
	t.Helper()
	for range n {
		written, _ := w.Seq()
		seq, err := w.Append(payloadFor(written + 1))
		if err != nil {
			t.Fatalf("append: %v", err)
		}
		if seq != written+1 {
			t.Fatalf("append got seq %d, want %d", seq, written+1)
		}
	}
}

// TestRoundTrip appends frames over several segments, reopens, appends
// more, and replays all of them from the start and from the middle.
func TestRoundTrip(t *testing.T) {
	for _, fsys := range []struct {
		name string
		fs   FS
		dir  string
	}{{"mem", NewFaultFS(), testDir}, {"os", OS, t.TempDir()}} {
		t.Run(fsys.name, func(t *testing.T) {
			w := mustOpen(t, fsys.fs, fsys.dir, SyncAlways)
			for range 5 {
				appendN(t, w, 40)
				if err := w.Rotate(); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Rotate(); err != nil { // empty segment: no new file
				t.Fatal(err)
			}
			appendN(t, w, 7)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Append(nil); !errors.Is(err, ErrClosed) {
				t.Fatalf("append after close: %v, want ErrClosed", err)
			}
			w = mustOpen(t, fsys.fs, fsys.dir, SyncNever)
			appendN(t, w, 13)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			seqs, info := replayAll(t, fsys.fs, fsys.dir)
			if len(seqs) != 220 || info.Last != 220 || info.Segments != 6 || info.Cut != nil {
				t.Fatalf("replayed %d frames, info %+v; want 220 frames in 6 segments", len(seqs), info)
			}
			checkPrefix(t, seqs, nil)
			var from []uint64
			if _, err := Replay(fsys.fs, fsys.dir, 77, func(seq uint64, _ []byte) error {
				from = append(from, seq)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(from) != 144 || from[0] != 77 {
				t.Fatalf("replay from 77 gave %d frames starting %v", len(from), from[:1])
			}
			if _, err := Replay(fsys.fs, fsys.dir, 222, nil); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("replay from past the end: %v, want ErrCorrupt", err)
			}
		})
	}
}

// TestRemoveBefore removes the segments wholly before a checkpoint and
// keeps the rest replayable from it.
func TestRemoveBefore(t *testing.T) {
	fsys := NewFaultFS()
	w := mustOpen(t, fsys, testDir, SyncAlways)
	defer w.Close()
	for range 4 { // segments 1, 11, 21, 31
		appendN(t, w, 10)
		if err := w.Rotate(); err != nil {
			t.Fatal(err)
		}
	}
	appendN(t, w, 5) // segment 41: 41..45
	syncDirs := fsys.Count(OpSyncDir)
	if err := w.RemoveBefore(25); err != nil {
		t.Fatal(err)
	}
	if fsys.Count(OpSyncDir) < syncDirs+2 {
		t.Fatalf("RemoveBefore synced the directory %d times, want a sync before and after", fsys.Count(OpSyncDir)-syncDirs)
	}
	names, _ := fsys.ReadDir(testDir)
	want := []string{segmentName(21), segmentName(31), segmentName(41)}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("segments left %v, want %v", names, want)
	}
	if err := w.RemoveBefore(1000); err != nil { // never the current segment
		t.Fatal(err)
	}
	names, _ = fsys.ReadDir(testDir)
	if fmt.Sprint(names) != fmt.Sprint([]string{segmentName(41)}) {
		t.Fatalf("segments left %v, want only the current one", names)
	}
	n := 0
	if _, err := Replay(fsys, testDir, 41, func(uint64, []byte) error { n++; return nil }); err != nil || n != 5 {
		t.Fatalf("replay from 41: %d frames, %v", n, err)
	}
	if _, err := Replay(fsys, testDir, 30, nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("replay from a removed seq: %v, want ErrCorrupt", err)
	}
}

// TestGroupCommit runs 16 concurrent appenders under SyncAlways: far fewer
// fsyncs than appends, and after a crash that keeps only synced data every
// acknowledged frame replays.
func TestGroupCommit(t *testing.T) {
	fsys := NewFaultFS()
	fsys.SyncDelay = 200_000 // 200µs, a fast disk
	w := mustOpen(t, fsys, testDir, SyncAlways)
	const appenders, each = 16, 40
	var mu sync.Mutex
	var acked []uint64
	testhang.Returns(t, "16 appenders", func() {
		var wg sync.WaitGroup
		for range appenders {
			wg.Go(func() {
				for range each {
					// Write and WaitDurable separately, so that the payload can
					// follow from the seq; Append does the same.
					seq, err := w.Write(nil)
					if err == nil {
						err = w.WaitDurable(seq)
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					acked = append(acked, seq)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	})
	syncs := fsys.Count(OpSync)
	t.Logf("%d appends, %d fsyncs", appenders*each, syncs)
	if syncs*4 > appenders*each {
		t.Fatalf("%d fsyncs for %d appends: appenders do not share fsyncs", syncs, appenders*each)
	}
	fsys.Crash(nil) // w is dead with its files
	n := 0
	if _, err := Replay(fsys, testDir, 0, func(seq uint64, _ []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, a := range acked {
		if a > uint64(n) {
			t.Fatalf("acknowledged seq %d lost after crash: %d frames replay", a, n)
		}
	}
}

// TestSyncEveryAndNever: the frames are written at once and made durable
// by the background loop, Sync or Close.
func TestSyncEveryAndNever(t *testing.T) {
	for _, p := range []SyncPolicy{SyncEvery(1_000_000), SyncNever} {
		t.Run(p.String(), func(t *testing.T) {
			fsys := NewFaultFS()
			w := mustOpen(t, fsys, testDir, p)
			appendN(t, w, 10)
			if err := w.Sync(); err != nil {
				t.Fatal(err)
			}
			if written, durable := w.Seq(); written != 10 || durable != 10 {
				t.Fatalf("after Sync: written %d durable %d", written, durable)
			}
			appendN(t, w, 5)
			testhang.Returns(t, "Close", func() {
				if err := w.Close(); err != nil {
					t.Error(err)
				}
			})
			fsys.Crash(nil)
			seqs, _ := replayAll(t, fsys, testDir)
			if len(seqs) != 15 {
				t.Fatalf("%d frames after Close and crash, want 15", len(seqs))
			}
		})
	}
	t.Run("background", func(t *testing.T) {
		fsys := NewFaultFS()
		w := mustOpen(t, fsys, testDir, SyncEvery(1_000_000))
		defer w.Close()
		appendN(t, w, 3)
		testhang.Returns(t, "the background fsync", func() {
			for {
				if _, durable := w.Seq(); durable == 3 {
					return
				}
				time.Sleep(time.Millisecond)
			}
		})
	})
}

// TestLock: a second Lock of the same directory fails at once with
// ErrLocked until the first is released.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: %v, want ErrLocked", err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := Lock(dir)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	l2.Unlock()
	if _, err := Lock(filepath.Join(dir, "missing")); err == nil || errors.Is(err, ErrLocked) {
		t.Fatalf("lock of a missing directory: %v", err)
	}
}

// writeSeg stores a segment made of frames with the given sequence numbers.
func writeSeg(fsys *FaultFS, first uint64, seqs ...uint64) (string, []int64) {
	var b []byte
	var offs []int64
	for _, s := range seqs {
		offs = append(offs, int64(len(b)))
		b = appendFrame(b, s, payloadFor(s))
	}
	name := filepath.Join(testDir, segmentName(first))
	fsys.WriteFile(name, b)
	return name, offs
}
