package wal

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/dictdb-go/dictdb/internal/testseed"
)

// TestFaults injects each kind of failure under SyncAlways: the Append
// that meets it fails, every later call fails with an error wrapping the
// first failure (fail-stop), and after a crash every acknowledged frame
// replays, with nothing that was never written.
func TestFaults(t *testing.T) {
	eio := errors.New("injected I/O error")
	cases := []struct {
		name  string
		fault Fault
		want  error
	}{
		{"failed write", Fault{Op: OpWrite, Nth: 4, Err: eio}, eio},
		{"failed fsync", Fault{Op: OpSync, Nth: 4, Err: eio}, eio},
		{"short write", Fault{Op: OpWrite, Nth: 4, Err: syscall.EIO, Short: true}, syscall.EIO},
		{"ENOSPC at the Nth call", Fault{Op: OpAny, Nth: 9, Err: syscall.ENOSPC}, syscall.ENOSPC},
		{"ENOSPC short write", Fault{Op: OpWrite, Nth: 6, Err: syscall.ENOSPC, Short: true}, syscall.ENOSPC},
	}
	seed := testseed.Seed(t)
	for _, c := range cases {
		for _, keepRandom := range []bool{false, true} {
			name := c.name + "/synced-only"
			if keepRandom {
				name = c.name + "/random-prefix"
			}
			t.Run(name, func(t *testing.T) {
				fsys := NewFaultFS()
				w := mustOpen(t, fsys, testDir, SyncAlways)
				fsys.Inject(c.fault)
				var acked []uint64
				var first error
				for i := uint64(1); i <= 20; i++ {
					_, err := w.Append(payloadFor(i))
					if err == nil {
						if first != nil {
							t.Fatalf("append %d succeeded after a failure", i)
						}
						acked = append(acked, i)
						continue
					}
					if !errors.Is(err, c.want) {
						t.Fatalf("append %d: %v, want it to wrap %v", i, err, c.want)
					}
					if first == nil {
						first = err
						continue
					}
					if !errors.Is(err, ErrStopped) {
						t.Fatalf("append after failure: %v, want ErrStopped", err)
					}
				}
				if first == nil {
					t.Fatal("the fault never surfaced")
				}
				for name, call := range map[string]func() error{
					"Sync":   w.Sync,
					"Rotate": w.Rotate,
					"Close":  w.Close,
				} {
					if err := call(); !errors.Is(err, ErrStopped) || !errors.Is(err, c.want) {
						t.Fatalf("%s after failure: %v, want ErrStopped wrapping %v", name, err, c.want)
					}
				}
				var rng *rand.Rand
				if keepRandom {
					rng = rand.New(rand.NewPCG(seed, 1))
				}
				fsys.Crash(rng)
				seqs, info := replayAll(t, fsys, testDir)
				checkPrefix(t, seqs, acked)
				if info.Cut != nil {
					t.Logf("cut %v", info.Cut)
				}
				// The log takes new frames after recovery.
				w = mustOpen(t, fsys, testDir, SyncAlways)
				appendN(t, w, 3)
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				again, _ := replayAll(t, fsys, testDir)
				checkPrefix(t, again, nil)
				if len(again) != len(seqs)+3 {
					t.Fatalf("%d frames after 3 more appends, want %d", len(again), len(seqs)+3)
				}
			})
		}
	}
}

// TestFailedFsyncNotTrusted: a failed fsync loses its data on FaultFS
// while the next fsync reports success (as on Linux). The writer must not
// acknowledge anything after it; a writer that retried the fsync would
// acknowledge frames that a crash then loses.
func TestFailedFsyncNotTrusted(t *testing.T) {
	fsys := NewFaultFS()
	w := mustOpen(t, fsys, testDir, SyncNever)
	appendN(t, w, 5)
	fsys.Inject(Fault{Op: OpSync, Nth: 1, Err: syscall.EIO})
	if err := w.Sync(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("sync: %v, want EIO", err)
	}
	if _, err := w.Append(payloadFor(6)); !errors.Is(err, ErrStopped) {
		t.Fatalf("append after failed fsync: %v, want ErrStopped", err)
	}
	if err := w.WaitDurable(5); !errors.Is(err, syscall.EIO) {
		t.Fatalf("wait for a frame the failed fsync covered: %v, want EIO", err)
	}
	fsys.Crash(nil)
	seqs, _ := replayAll(t, fsys, testDir)
	if len(seqs) != 0 {
		t.Fatalf("%d frames survive, want none: the fsync that would have made them durable failed", len(seqs))
	}
}

// TestFailedCreate: a failure to create or sync the directory of a new
// segment stops the writer too.
func TestFailedRotate(t *testing.T) {
	for _, op := range []Op{OpCreate, OpSyncDir} {
		fsys := NewFaultFS()
		w := mustOpen(t, fsys, testDir, SyncAlways)
		appendN(t, w, 2)
		fsys.Inject(Fault{Op: op, Nth: 1, Err: syscall.ENOSPC})
		if err := w.Rotate(); !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("rotate with failing op %d: %v", op, err)
		}
		if _, err := w.Append(nil); !errors.Is(err, ErrStopped) {
			t.Fatalf("append after failed rotate: %v", err)
		}
		fsys.Crash(nil)
		seqs, _ := replayAll(t, fsys, testDir)
		checkPrefix(t, seqs, []uint64{1, 2})
	}
}

// buildLog writes frames 1..n in one segment and returns its name, its
// bytes and the frames' offsets.
func buildLog(fsys *FaultFS, n int) (string, []byte, []int64) {
	var seqs []uint64
	for i := 1; i <= n; i++ {
		seqs = append(seqs, uint64(i))
	}
	name, offs := writeSeg(fsys, 1, seqs...)
	b, _ := fsys.ReadFile(name)
	return name, b, offs
}

// TestTornTailEveryOffset cuts the last frame at every byte: replay gives
// exactly the frames before it, truncates the file to them and reports the
// cut; Verify reports the same and changes nothing.
func TestTornTailEveryOffset(t *testing.T) {
	fsys := NewFaultFS()
	name, full, offs := buildLog(fsys, 5)
	last := offs[4]
	for cut := last + 1; cut < int64(len(full)); cut++ {
		fsys.WriteFile(name, full[:cut])
		info, err := Verify(fsys, testDir)
		if err != nil || info.Cut == nil || info.Cut.Offset != last || info.Last != 4 {
			t.Fatalf("verify cut at %d: %+v, %v", cut, info, err)
		}
		if b, _ := fsys.ReadFile(name); len(b) != int(cut) {
			t.Fatalf("verify changed the file")
		}
		seqs, info := replayAll(t, fsys, testDir)
		if len(seqs) != 4 || info.Cut == nil || info.Cut.File != name || info.Cut.Offset != last || info.Cut.Bytes != cut-last {
			t.Fatalf("cut at %d: %d frames, cut %+v", cut, len(seqs), info.Cut)
		}
		if b, _ := fsys.ReadFile(name); !bytes.Equal(b, full[:last]) {
			t.Fatalf("cut at %d: file is %d bytes, want %d", cut, len(b), last)
		}
		if _, info = replayAll(t, fsys, testDir); info.Cut != nil {
			t.Fatalf("second replay cut again: %+v", info.Cut)
		}
	}
}

// TestZeroTailIsTheEnd: zeros after the last frame, of any length, are
// space reserved ahead (see mappedFile) or left by a file system: the
// segment ends there, nothing is cut and the file is left as it is. Zeros
// followed by other bytes are a torn tail; zeros followed by a good frame
// are damage.
func TestZeroTailIsTheEnd(t *testing.T) {
	fsys := NewFaultFS()
	name, full, offs := buildLog(fsys, 5)
	for _, zeros := range []int{1, headerSize - 1, headerSize, headerSize + 1, 40, 1 << 16, 1<<16 + 3} {
		b := append(bytes.Clone(full), make([]byte, zeros)...)
		fsys.WriteFile(name, b)
		seqs, info := replayAll(t, fsys, testDir)
		if len(seqs) != 5 || info.Cut != nil || info.Last != 5 {
			t.Fatalf("%d zeros: %d frames, last %d, cut %+v", zeros, len(seqs), info.Last, info.Cut)
		}
		if got, _ := fsys.ReadFile(name); !bytes.Equal(got, b) {
			t.Fatalf("%d zeros: replay changed the file", zeros)
		}
		w, info, err := Open(testDir, Options{FS: fsys})
		if err != nil || info.Cut != nil || info.Last != 5 {
			t.Fatalf("%d zeros: Open: %+v, %v", zeros, info, err)
		}
		w.Close()
	}
	// Zeros, then garbage: a torn tail, cut at the zeros.
	b := append(append(bytes.Clone(full), make([]byte, 2*headerSize)...), 7)
	fsys.WriteFile(name, b)
	seqs, info := replayAll(t, fsys, testDir)
	if len(seqs) != 5 || info.Cut == nil || info.Cut.Offset != int64(len(full)) {
		t.Fatalf("zeros then garbage: %d frames, cut %+v", len(seqs), info.Cut)
	}
	// Zeros where the fourth frame was, then the fifth: damage.
	b = bytes.Clone(full)
	clear(b[offs[3]:offs[4]])
	fsys.WriteFile(name, b)
	_, err := Replay(fsys, testDir, 0, nil)
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Offset != offs[3] {
		t.Fatalf("zeroed middle frame: %v, want ErrCorrupt at %d", err, offs[3])
	}
}

// TestFlippedByte flips every bit of every byte of a middle frame: replay
// and Verify report ErrCorrupt with the file and the frame's offset and
// change nothing; Repair cuts the log there.
func TestFlippedByte(t *testing.T) {
	fsys := NewFaultFS()
	name, full, offs := buildLog(fsys, 5)
	mid := offs[2]
	for i := mid; i < offs[3]; i++ {
		for bit := range 8 {
			b := bytes.Clone(full)
			b[i] ^= 1 << bit
			fsys.WriteFile(name, b)
			for op, run := range map[string]func() (Info, error){
				"replay": func() (Info, error) { return Replay(fsys, testDir, 0, nil) },
				"verify": func() (Info, error) { return Verify(fsys, testDir) },
			} {
				_, err := run()
				var ce *CorruptError
				if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) || ce.File != name || ce.Offset != mid {
					t.Fatalf("%s with byte %d bit %d flipped: %v, want ErrCorrupt at %s offset %d", op, i, bit, err, name, mid)
				}
				if got, _ := fsys.ReadFile(name); !bytes.Equal(got, b) {
					t.Fatalf("%s changed a corrupt log", op)
				}
			}
		}
	}
	info, err := Repair(fsys, testDir)
	if err != nil || info.Cut == nil || info.Cut.Offset != mid || info.Cut.Bytes != int64(len(full))-mid {
		t.Fatalf("repair: %+v, %v", info.Cut, err)
	}
	seqs, _ := replayAll(t, fsys, testDir)
	checkPrefix(t, seqs, []uint64{1, 2})
	if len(seqs) != 2 {
		t.Fatalf("%d frames after repair, want 2", len(seqs))
	}
}

// TestSequenceChecks: frames that check out one by one but are swapped,
// repeated or missing, within a segment or across segments, are
// corruption, never a torn tail.
func TestSequenceChecks(t *testing.T) {
	type seg struct {
		first uint64
		seqs  []uint64
	}
	cases := []struct {
		name    string
		segs    []seg
		badSeg  int // index of the segment named in the error
		badSeqs int // index of the bad frame in it (-1: the segment's name)
	}{
		{"swapped", []seg{{1, []uint64{1, 2, 4, 3, 5}}}, 0, 2},
		{"duplicated", []seg{{1, []uint64{1, 2, 2, 3}}}, 0, 2},
		{"duplicated last", []seg{{1, []uint64{1, 2, 3, 3}}}, 0, 3},
		{"gap", []seg{{1, []uint64{1, 2, 4}}}, 0, 2},
		{"first frame not the name", []seg{{1, []uint64{2, 3}}}, 0, 0},
		{"gap between segments", []seg{{1, []uint64{1, 2}}, {4, []uint64{4, 5}}}, 1, -1},
		{"overlapping segments", []seg{{1, []uint64{1, 2, 3}}, {3, []uint64{3, 4}}}, 1, -1},
		{"segment empty before another", []seg{{1, []uint64{1, 2}}, {3, nil}, {4, []uint64{4}}}, 2, -1},
		{"segment frames not its name", []seg{{1, []uint64{1, 2}}, {3, []uint64{4}}}, 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := NewFaultFS()
			var names []string
			var offs [][]int64
			for _, s := range c.segs {
				n, o := writeSeg(fsys, s.first, s.seqs...)
				names = append(names, n)
				offs = append(offs, o)
			}
			_, err := Replay(fsys, testDir, 0, nil)
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("replay: %v, want a CorruptError", err)
			}
			wantOff := int64(0)
			if c.badSeqs >= 0 {
				wantOff = offs[c.badSeg][c.badSeqs]
			}
			if ce.File != names[c.badSeg] || ce.Offset != wantOff {
				t.Fatalf("replay: %v, want %s offset %d", err, names[c.badSeg], wantOff)
			}
			if _, _, err := Open(testDir, Options{FS: fsys}); c.badSeg == len(c.segs)-1 && c.badSeqs >= 0 && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("open of a log whose last segment is corrupt: %v", err)
			}
			info, err := Repair(fsys, testDir)
			if err != nil || info.Cut == nil {
				t.Fatalf("repair: %+v, %v", info, err)
			}
			if _, err := Verify(fsys, testDir); err != nil {
				t.Fatalf("verify after repair: %v", err)
			}
		})
	}
}
