package wal

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"
)

// TestReadLeavesTornTail shows that Read hands over the frames before a
// torn tail and reports it, changing nothing, where Replay cuts it.
func TestReadLeavesTornTail(t *testing.T) {
	fsys := NewFaultFS()
	w, _, err := Open(testDir, Options{FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	for seq := uint64(1); seq <= 3; seq++ {
		if _, err := w.Append(payloadFor(seq)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(testDir, segmentName(1))
	good, err := fsys.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	torn := append(slices.Clone(good), 9, 0, 0, 0, 1, 2, 3)
	fsys.WriteFile(name, torn)

	var seqs []uint64
	info, err := Read(fsys, testDir, 2, func(seq uint64, p []byte) error {
		if !bytes.Equal(p, payloadFor(seq)) {
			t.Errorf("frame %d: wrong payload", seq)
		}
		seqs = append(seqs, seq)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seqs, []uint64{2, 3}) || info.Last != 3 || info.Cut == nil || info.Cut.Offset != int64(len(good)) {
		t.Fatalf("Read: seqs %v, info %+v", seqs, info)
	}
	if now, _ := fsys.ReadFile(name); !bytes.Equal(now, torn) {
		t.Fatal("Read changed the segment")
	}
	if _, err := Replay(fsys, testDir, 0, func(uint64, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if now, _ := fsys.ReadFile(name); !bytes.Equal(now, good) {
		t.Fatal("Replay did not cut the torn tail")
	}
}
