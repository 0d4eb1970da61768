package wal

import (
	"errors"
	"sync"
	"syscall"
	"testing"

	"github.com/dictdb-go/dictdb/internal/testhang"
)

// queueFrame builds the frame of payloadFor(seq) for Queue.
func queueFrame(seq uint64) []byte {
	return append(make([]byte, HeaderSize), payloadFor(seq)...)
}

// queueN queues n frames from goroutines that each wait with wait, and
// returns the sequence numbers acknowledged and the errors. The payload
// follows from the seq, so queueing is serialized; the waits are not.
func queueN(t *testing.T, w *Writer, goroutines, each int, wait func(uint64) error) (acked []uint64, errs []error) {
	t.Helper()
	var mu, qmu sync.Mutex
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				qmu.Lock() // the payload follows from the seq Queue gives
				seq, err := w.queueNext()
				qmu.Unlock()
				if err == nil {
					err = wait(seq)
				}
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					acked = append(acked, seq)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return acked, errs
}

// queueNext queues the frame of the next sequence number.
func (w *Writer) queueNext() (uint64, error) {
	w.mu.Lock()
	next := w.next
	w.mu.Unlock()
	return w.Queue(queueFrame(next))
}

// TestQueueSharesWrites: frames queued by 16 goroutines are written in
// fewer writes than frames, in order, and every acknowledged one replays
// after a crash (SyncAlways) or after Close (SyncNever).
func TestQueueSharesWrites(t *testing.T) {
	for _, p := range []SyncPolicy{SyncAlways, SyncNever} {
		t.Run(p.String(), func(t *testing.T) {
			fsys := NewFaultFS()
			fsys.SyncDelay = 200_000
			w := mustOpen(t, fsys, testDir, p)
			wait := w.WaitWritten
			if p == SyncAlways {
				wait = w.WaitDurable
			}
			var acked []uint64
			testhang.Returns(t, "16 goroutines", func() {
				var errs []error
				acked, errs = queueN(t, w, 16, 40, wait)
				if len(errs) > 0 {
					t.Fatal(errs[0])
				}
			})
			writes := fsys.Count(OpWrite)
			t.Logf("%d frames, %d writes, %d fsyncs", len(acked), writes, fsys.Count(OpSync))
			if p == SyncAlways && writes*2 > len(acked) {
				t.Fatalf("%d writes for %d frames: waiters do not share writes", writes, len(acked))
			}
			if p == SyncNever {
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
			}
			fsys.Crash(nil)
			seqs, _ := replayAll(t, fsys, testDir)
			checkPrefix(t, seqs, acked)
		})
	}
}

// TestQueueCloseAndRotate: Close and Rotate write what is queued; Sync
// makes it durable; WaitWritten of a frame never queued fails.
func TestQueueCloseAndRotate(t *testing.T) {
	fsys := NewFaultFS()
	w := mustOpen(t, fsys, testDir, SyncNever)
	for range 3 {
		if _, err := w.queueNext(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WaitWritten(4); err == nil {
		t.Fatal("WaitWritten of a frame never queued succeeded")
	}
	if err := w.Rotate(); err != nil {
		t.Fatal(err)
	}
	if written, durable := w.Seq(); written != 3 || durable != 3 {
		t.Fatalf("after Rotate: written %d durable %d, want 3 and 3", written, durable)
	}
	for range 2 {
		if _, err := w.queueNext(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	if written, durable := w.Seq(); written != 5 || durable != 5 {
		t.Fatalf("after Sync: written %d durable %d, want 5 and 5", written, durable)
	}
	if _, err := w.queueNext(); err != nil {
		t.Fatal(err)
	}
	if seq, err := w.Write(payloadFor(7)); err != nil || seq != 7 {
		t.Fatalf("Write after a queued frame: seq %d, %v; want 7", seq, err)
	}
	if _, err := w.queueNext(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Queue(queueFrame(9)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Queue after Close: %v, want ErrClosed", err)
	}
	fsys.Crash(nil)
	seqs, _ := replayAll(t, fsys, testDir)
	if len(seqs) != 8 {
		t.Fatalf("%d frames after Close and crash, want 8", len(seqs))
	}
	checkPrefix(t, seqs, nil)
}

// TestQueueWriteFails: a failed write of queued frames fails every waiter
// for them with ErrStopped, and every later Queue; what replays is a
// prefix holding every acknowledged frame.
func TestQueueWriteFails(t *testing.T) {
	for _, short := range []bool{false, true} {
		for nth := 1; nth <= 4; nth++ {
			fsys := NewFaultFS()
			fsys.SyncDelay = 100_000
			w := mustOpen(t, fsys, testDir, SyncAlways)
			base := fsys.Count(OpWrite)
			fsys.Inject(Fault{Op: OpWrite, Nth: base + nth, Err: syscall.ENOSPC, Short: short})
			var acked []uint64
			var errs []error
			testhang.Returns(t, "queue", func() { acked, errs = queueN(t, w, 8, 20, w.WaitDurable) })
			if len(errs) == 0 {
				t.Fatalf("short=%v nth=%d: no waiter saw the failed write", short, nth)
			}
			for _, err := range errs {
				if !errors.Is(err, ErrStopped) {
					t.Fatalf("short=%v nth=%d: %v, want ErrStopped", short, nth, err)
				}
			}
			if _, err := w.Queue(queueFrame(1000)); !errors.Is(err, ErrStopped) {
				t.Fatalf("Queue after the failure: %v, want ErrStopped", err)
			}
			_ = w.Close()
			fsys.Crash(nil)
			n := uint64(0)
			if _, err := Replay(fsys, testDir, 0, func(seq uint64, _ []byte) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			for _, a := range acked {
				if a > n {
					t.Fatalf("short=%v nth=%d: acknowledged seq %d lost: %d frames replay", short, nth, a, n)
				}
			}
		}
	}
}
