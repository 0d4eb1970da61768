//go:build linux

package wal

import (
	"bytes"
	"os"
	"path/filepath"
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
