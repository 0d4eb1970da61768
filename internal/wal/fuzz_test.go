package wal

import (
	"errors"
	"path/filepath"
	"runtime"
	"testing"
)

// FuzzReplay replays arbitrary bytes as a log segment: it never panics,
// allocates no more than a small multiple of the input, and a replay that
// succeeds leaves a log that replays the same frames again without a cut.
func FuzzReplay(f *testing.F) {
	fsys := NewFaultFS()
	_, full, _ := buildLog(fsys, 3)
	f.Add(full)
	f.Add(full[:len(full)-3])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := NewFaultFS()
		name := filepath.Join(testDir, segmentName(1))
		fsys.WriteFile(name, data)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		n := 0
		info, err := Replay(fsys, testDir, 0, func(uint64, []byte) error { n++; return nil })
		runtime.ReadMemStats(&after)
		if grown := after.TotalAlloc - before.TotalAlloc; grown > uint64(4*len(data))+256<<10 {
			t.Fatalf("replay of %d bytes allocated %d bytes", len(data), grown)
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("replay: %v, want nil or ErrCorrupt", err)
			}
			return
		}
		again := 0
		info2, err := Replay(fsys, testDir, 0, func(uint64, []byte) error { again++; return nil })
		if err != nil || info2.Cut != nil || again != n || info2.Last != info.Last {
			t.Fatalf("second replay: %d frames (first %d), cut %v, %v", again, n, info2.Cut, err)
		}
	})
}
