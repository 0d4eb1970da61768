package wal

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
)

// TestWriteFrame writes frames built in one reused buffer, mixed with
// Write, and checks that the log holds the same bytes as one written with
// Write alone, and replays.
func TestWriteFrame(t *testing.T) {
	for _, fsys := range []struct {
		name string
		fs   FS
		dir  string
	}{{"mem", NewFaultFS(), testDir}, {"os", OS, t.TempDir()}} {
		t.Run(fsys.name, func(t *testing.T) {
			ref := NewFaultFS()
			wRef := mustOpen(t, ref, testDir, SyncNever)
			w := mustOpen(t, fsys.fs, fsys.dir, SyncAlways)
			var frame []byte // reused: WriteFrame must not keep it
			for seq := uint64(1); seq <= 50; seq++ {
				if _, err := wRef.Write(payloadFor(seq)); err != nil {
					t.Fatal(err)
				}
				var got uint64
				var err error
				if seq%5 == 0 {
					got, err = w.Write(payloadFor(seq))
				} else {
					frame = append(append(frame[:0], make([]byte, HeaderSize)...), payloadFor(seq)...)
					got, err = w.WriteFrame(frame)
					clear(frame) // the caller's to change once WriteFrame returns
				}
				if err != nil || got != seq {
					t.Fatalf("frame %d: got seq %d, %v", seq, got, err)
				}
			}
			if err := w.WaitDurable(50); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := wRef.Close(); err != nil {
				t.Fatal(err)
			}
			want, err := ref.ReadFile(filepath.Join(testDir, segmentName(1)))
			if err != nil {
				t.Fatal(err)
			}
			f, err := fsys.fs.Open(filepath.Join(fsys.dir, segmentName(1)))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			_, err = got.ReadFrom(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("the log holds %d bytes unlike the %d Write writes", got.Len(), len(want))
			}
			seqs, info := replayAll(t, fsys.fs, fsys.dir)
			if len(seqs) != 50 || info.Cut != nil {
				t.Fatalf("replayed %d frames, info %+v", len(seqs), info)
			}
			if _, err := w.WriteFrame(make([]byte, HeaderSize)); !errors.Is(err, ErrClosed) {
				t.Fatalf("WriteFrame after Close: %v, want ErrClosed", err)
			}
		})
	}
}

// TestWriteFrameShort refuses a frame without room for its header and
// writes nothing.
func TestWriteFrameShort(t *testing.T) {
	fsys := NewFaultFS()
	w := mustOpen(t, fsys, testDir, SyncNever)
	defer w.Close()
	if _, err := w.WriteFrame(make([]byte, HeaderSize-1)); err == nil {
		t.Fatal("WriteFrame of a short frame succeeded")
	}
	if seq, err := w.WriteFrame(append(make([]byte, HeaderSize), payloadFor(1)...)); err != nil || seq != 1 {
		t.Fatalf("WriteFrame after a refused frame: seq %d, %v; want 1", seq, err)
	}
}
