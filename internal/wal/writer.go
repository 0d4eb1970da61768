package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// SyncPolicy says when appended frames are fsynced. The zero value is
// SyncAlways.
type SyncPolicy struct {
	kind  int
	every time.Duration
}

const (
	syncAlways = iota
	syncEvery
	syncNever
)

var (
	// SyncAlways makes Append return only after its frame is fsynced.
	// Concurrent appenders share fsyncs (group commit).
	SyncAlways = SyncPolicy{kind: syncAlways}
	// SyncNever leaves flushing to the operating system; Sync and Close
	// still fsync.
	SyncNever = SyncPolicy{kind: syncNever}
)

// SyncEvery fsyncs in the background every d: a crash of the machine loses
// at most the frames appended in the last d plus the time one fsync takes.
// d <= 0 means SyncAlways.
func SyncEvery(d time.Duration) SyncPolicy {
	if d <= 0 {
		return SyncAlways
	}
	return SyncPolicy{kind: syncEvery, every: d}
}

// String names the policy.
func (p SyncPolicy) String() string {
	switch p.kind {
	case syncEvery:
		return fmt.Sprintf("SyncEvery(%v)", p.every)
	case syncNever:
		return "SyncNever"
	}
	return "SyncAlways"
}

// Options configure Open.
type Options struct {
	// Sync is the sync policy; the zero value is SyncAlways.
	Sync SyncPolicy
	// FS is the file system; nil means OS.
	FS FS
	// FirstSeq is the sequence number of the first frame of a new log; 0
	// means 1. It is ignored when the directory already holds segments.
	FirstSeq uint64
}

// Writer appends frames to the log in a directory. Its methods are safe
// for concurrent use.
type Writer struct {
	fsys   FS
	dir    string
	policy SyncPolicy

	mu       sync.Mutex
	cond     sync.Cond // signalled when synced, syncing or err change
	f        File
	segFirst uint64 // first sequence number of the current segment
	size     int64  // bytes in the current segment
	next     uint64 // sequence number of the next frame
	written  uint64 // last sequence number written to the file
	synced   uint64 // last sequence number known durable
	syncing  bool   // a leader is fsyncing outside mu
	writing  bool   // a leader is writing queued frames outside mu
	err      error  // first write or sync failure, sticky (fail-stop)
	closed   bool
	buf      []byte
	// queue holds the frames Queue took and no leader has taken yet:
	// written+1 up to next-1, less those a leader is writing. spare is
	// the buffer the next leader swaps in.
	queue, spare []byte

	stop chan struct{} // closed by Close to end the SyncEvery loop
	done chan struct{} // closed when the loop has ended
}

// Open opens the log in dir for appending, creating its first segment if
// there is none (dir must exist). It checks the last segment: a torn tail
// is cut off as Replay does and described in Info.Cut; any other bad frame
// in it is a *CorruptError. Open does not check earlier segments; Replay
// does. Open does not lock dir; see Lock.
func Open(dir string, opts Options) (*Writer, Info, error) {
	fsys := opts.FS
	if fsys == nil {
		fsys = OS
	}
	w := &Writer{fsys: fsys, dir: dir, policy: opts.Sync}
	w.cond.L = &w.mu
	segs, err := listSegments(fsys, dir)
	if err != nil {
		return nil, Info{}, fmt.Errorf("open log: %w", err)
	}
	info := Info{Segments: len(segs)}
	if len(segs) == 0 {
		first := opts.FirstSeq
		if first == 0 {
			first = 1
		}
		if err := w.createSegment(first); err != nil {
			return nil, info, fmt.Errorf("open log: %w", err)
		}
		info.Segments = 1
		info.Last = first - 1
	} else {
		seg := segs[len(segs)-1]
		var buf []byte
		s, err := scanSegment(fsys, seg, seg.first, 0, nil, &buf)
		if err != nil {
			return nil, info, fmt.Errorf("open log: %w", err)
		}
		if s.bad != nil {
			if !s.tornEligible {
				return nil, info, fmt.Errorf("open log: %w", s.bad)
			}
			info.Cut = &Cut{File: seg.path, Offset: s.bad.Offset, Bytes: s.size - s.bad.Offset, Reason: s.bad.Reason}
			if err := truncateFile(fsys, seg.path, s.bad.Offset); err != nil {
				return nil, info, fmt.Errorf("open log: %w", err)
			}
		}
		flag := os.O_WRONLY | os.O_APPEND
		if fsys == OS {
			flag = os.O_RDWR // appendTo positions or maps it
		}
		f, err := fsys.OpenFile(seg.path, flag, 0)
		if err != nil {
			return nil, info, fmt.Errorf("open log: %w", err)
		}
		af, err := appendTo(fsys, f, s.end)
		if err != nil {
			return nil, info, fmt.Errorf("open log: %w", errors.Join(err, f.Close()))
		}
		w.f, w.segFirst, w.size, w.next = af, seg.first, s.end, s.next
		info.Last = s.next - 1
	}
	w.written, w.synced = w.next-1, w.next-1
	if w.policy.kind == syncEvery {
		w.stop, w.done = make(chan struct{}), make(chan struct{})
		go w.syncLoop()
	}
	return w, info, nil
}

// createSegment creates the segment starting at first, syncs the
// directory and makes it current. The caller holds mu or owns w alone.
func (w *Writer) createSegment(first uint64) error {
	f, err := w.fsys.Create(filepath.Join(w.dir, segmentName(first)))
	if err != nil {
		return err
	}
	if err := w.fsys.SyncDir(w.dir); err != nil {
		f.Close()
		return err
	}
	af, err := appendTo(w.fsys, f, 0)
	if err != nil {
		return errors.Join(err, f.Close())
	}
	w.f, w.segFirst, w.size, w.next = af, first, 0, first
	return nil
}

// failLocked records err as the first failure and wakes every waiter.
func (w *Writer) failLocked(err error) {
	if w.err == nil {
		w.err = err
	}
	w.cond.Broadcast()
}

// stoppedLocked returns the error every call gets after a failure or
// Close, or nil.
func (w *Writer) stoppedLocked() error {
	if w.err != nil {
		return fmt.Errorf("%w: %w", ErrStopped, w.err)
	}
	if w.closed {
		return ErrClosed
	}
	return nil
}

// Write writes one frame carrying payload to the log file, without waiting
// for it to be durable, and returns its sequence number. Once Write
// returns, the frame survives a crash of this process but not of the
// machine; WaitDurable or Sync make it durable. Write copies payload into
// a frame; WriteFrame writes a frame the caller built, without the copy.
func (w *Writer) Write(payload []byte) (uint64, error) {
	if len(payload) > MaxPayload {
		return 0, fmt.Errorf("append %d bytes: %w", len(payload), ErrTooLarge)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.drainLocked(); err != nil {
		return 0, err
	}
	w.buf = appendFrame(w.buf[:0], w.next, payload)
	seq, err := w.writeLocked(w.buf)
	if len(w.buf) > 1<<20 {
		w.buf = nil // do not keep a large frame's buffer
	}
	return seq, err
}

// WriteFrame is Write for a frame the caller built: frame[:HeaderSize] is
// room for the header, which WriteFrame fills in, and the payload follows.
// It writes frame to the file as it is, without copying it, and does not
// keep it: the caller may reuse frame once WriteFrame returns.
func (w *Writer) WriteFrame(frame []byte) (uint64, error) {
	if len(frame) < HeaderSize {
		return 0, fmt.Errorf("write a frame of %d bytes: shorter than its header", len(frame))
	}
	if n := len(frame) - HeaderSize; n > MaxPayload {
		return 0, fmt.Errorf("append %d bytes: %w", n, ErrTooLarge)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.drainLocked(); err != nil {
		return 0, err
	}
	putHeader(frame[:HeaderSize], w.next, frame[HeaderSize:])
	return w.writeLocked(frame)
}

// Queue gives the log a frame built as for WriteFrame, numbers it and
// returns its sequence number, without writing it: WaitWritten or
// WaitDurable write it, together with every frame queued before it, in
// one write of the file shared by the goroutines waiting meanwhile. Queue
// copies frame; the caller may reuse it once Queue returns. Until the
// frame is written, a crash of the process loses it.
func (w *Writer) Queue(frame []byte) (uint64, error) {
	if len(frame) < HeaderSize {
		return 0, fmt.Errorf("queue a frame of %d bytes: shorter than its header", len(frame))
	}
	if n := len(frame) - HeaderSize; n > MaxPayload {
		return 0, fmt.Errorf("append %d bytes: %w", n, ErrTooLarge)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.stoppedLocked(); err != nil {
		return 0, err
	}
	seq := w.next
	putHeader(frame[:HeaderSize], seq, frame[HeaderSize:])
	w.queue = append(w.queue, frame...)
	w.next++
	return seq, nil
}

// WaitWritten returns once the frame seq and every frame before it are
// written to the file (see Write). If no write is under way, the caller
// becomes the leader: it writes every frame queued so far in one write, so
// that concurrent callers share it. After a failed write it returns the
// failure, as does every later call for a frame not written before it.
func (w *Writer) WaitWritten(seq uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if w.written >= seq {
			return nil
		}
		if w.err != nil {
			return w.stoppedLocked()
		}
		if seq >= w.next {
			return fmt.Errorf("wait for seq %d: not queued (last %d)", seq, w.next-1)
		}
		if !w.writing {
			w.writeQueueLocked()
			continue
		}
		w.cond.Wait()
	}
}

// writeQueueLocked writes every queued frame in one write, releasing mu
// during the write. w.writing is false on entry and the queue not empty.
func (w *Writer) writeQueueLocked() {
	w.writing = true
	buf, target, f := w.queue, w.next-1, w.f
	w.queue, w.spare = w.spare[:0], nil
	w.mu.Unlock()
	n, err := f.Write(buf)
	w.mu.Lock()
	w.writing = false
	w.size += int64(n)
	if err == nil && n < len(buf) {
		err = errors.New("short write")
	}
	if cap(buf) <= 1<<20 {
		w.spare = buf[:0] // do not keep a large batch's buffer
	}
	if err != nil {
		w.failLocked(fmt.Errorf("write seq %d to %d: %w", w.written+1, target, err))
		return
	}
	w.written = target
	w.cond.Broadcast()
}

// drainLocked waits for a leader's write and writes, holding mu, what is
// still queued, so that a frame written next follows every queued one.
// It returns the error the writer stopped with, if any.
func (w *Writer) drainLocked() error {
	for w.writing {
		w.cond.Wait()
	}
	if err := w.stoppedLocked(); err != nil {
		return err
	}
	return w.flushQueueHeld()
}

// flushQueueHeld writes what is queued without releasing mu (no leader is
// writing). A failure stops the writer.
func (w *Writer) flushQueueHeld() error {
	if len(w.queue) == 0 {
		return nil
	}
	n, err := w.f.Write(w.queue)
	w.size += int64(n)
	if err == nil && n < len(w.queue) {
		err = errors.New("short write")
	}
	w.queue = w.queue[:0]
	if cap(w.queue) > 1<<20 {
		w.queue = nil // do not keep a large batch's buffer
	}
	if err != nil {
		w.failLocked(fmt.Errorf("write seq %d to %d: %w", w.written+1, w.next-1, err))
		return fmt.Errorf("%w: %w", ErrStopped, w.err)
	}
	w.written = w.next - 1
	w.cond.Broadcast()
	return nil
}

// writeLocked writes frame, whose header holds sequence w.next, to the
// file; a failure stops the writer.
func (w *Writer) writeLocked(frame []byte) (uint64, error) {
	seq := w.next
	n, err := w.f.Write(frame)
	w.size += int64(n)
	if err == nil && n < len(frame) {
		err = errors.New("short write")
	}
	if err != nil {
		w.failLocked(fmt.Errorf("write seq %d: %w", seq, err))
		return 0, w.stoppedLocked()
	}
	w.next++
	w.written = seq
	return seq, nil
}

// Append writes one frame carrying payload and returns its sequence
// number. Under SyncAlways it returns only once the frame is durable;
// under the other policies once it is written (see Write).
func (w *Writer) Append(payload []byte) (uint64, error) {
	seq, err := w.Write(payload)
	if err != nil || w.policy.kind != syncAlways {
		return seq, err
	}
	return seq, w.WaitDurable(seq)
}

// WaitDurable returns once the frame seq and every frame before it are
// durable. If no fsync is under way, the caller becomes the leader: it
// writes every frame queued so far in one write (see WaitWritten) and
// fsyncs once for every frame written, so concurrent callers share one
// write and one fsync. After a failed write or fsync it returns the
// failure, and so does every later call for a frame that was not durable
// before it: a failed fsync is never retried and trusted.
func (w *Writer) WaitDurable(seq uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if w.synced >= seq {
			return nil
		}
		if w.err != nil {
			return w.stoppedLocked()
		}
		if seq >= w.next {
			return fmt.Errorf("wait for seq %d: not written (last %d)", seq, w.next-1)
		}
		if seq > w.written {
			// Queued. While an fsync is under way the queue grows, to be
			// written in one write by the leader of the next fsync.
			if !w.writing && !w.syncing {
				w.writeQueueLocked()
				continue
			}
		} else if !w.syncing {
			w.syncLocked()
			continue
		}
		w.cond.Wait()
	}
}

// syncLocked fsyncs the current file for every frame written so far,
// releasing mu during the fsync. w.syncing is false on entry.
func (w *Writer) syncLocked() {
	w.syncing = true
	target, f := w.written, w.f
	w.mu.Unlock()
	err := f.Sync()
	w.mu.Lock()
	w.syncing = false
	if err != nil {
		w.failLocked(fmt.Errorf("fsync %s: %w", f.Name(), err))
		return
	}
	if target > w.synced {
		w.synced = target
	}
	w.cond.Broadcast()
}

// Sync makes every frame written or queued so far durable. After a
// failure it returns the failure.
func (w *Writer) Sync() error {
	w.mu.Lock()
	target := w.next - 1
	if w.err != nil {
		defer w.mu.Unlock()
		return w.stoppedLocked()
	}
	w.mu.Unlock()
	return w.WaitDurable(target)
}

func (w *Writer) syncLoop() {
	defer close(w.done)
	t := time.NewTicker(w.policy.every)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			// A failure is recorded by the writer and stops it.
			_ = w.Sync()
		}
	}
}

// Seq returns the sequence numbers of the last frame written and of the
// last frame known durable.
func (w *Writer) Seq() (written, durable uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.written, w.synced
}

// Err returns the failure that stopped the writer, wrapped in ErrStopped,
// or nil.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		return nil
	}
	return w.stoppedLocked()
}

// Rotate makes every frame written or queued so far durable, then starts
// a new segment whose first frame is the next one. It does nothing if the
// current segment has no frames.
func (w *Writer) Rotate() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.syncing || w.writing {
		w.cond.Wait()
	}
	if err := w.stoppedLocked(); err != nil {
		return err
	}
	if err := w.flushQueueHeld(); err != nil {
		return err
	}
	if w.size == 0 {
		return nil
	}
	if err := w.f.Sync(); err != nil {
		w.failLocked(fmt.Errorf("fsync %s: %w", w.f.Name(), err))
		return w.stoppedLocked()
	}
	w.synced = w.written
	w.cond.Broadcast()
	old := w.f
	if err := w.createSegment(w.next); err != nil {
		w.failLocked(fmt.Errorf("rotate: %w", err))
		return w.stoppedLocked()
	}
	if err := old.Close(); err != nil {
		w.failLocked(fmt.Errorf("close %s: %w", old.Name(), err))
		return w.stoppedLocked()
	}
	return nil
}

// RemoveBefore removes the segments all of whose frames have sequence
// numbers below seq, never the current one; a checkpoint that holds every
// commit up to seq-1 calls it with seq. It syncs the directory first, so
// that what the caller wrote there (the checkpoint) is durable before any
// segment goes, and again after.
func (w *Writer) RemoveBefore(seq uint64) error {
	w.mu.Lock()
	cur := w.segFirst
	stopped := w.stoppedLocked()
	w.mu.Unlock()
	if stopped != nil {
		return stopped
	}
	if err := w.fsys.SyncDir(w.dir); err != nil {
		return fmt.Errorf("remove old segments: %w", err)
	}
	segs, err := listSegments(w.fsys, w.dir)
	if err != nil {
		return fmt.Errorf("remove old segments: %w", err)
	}
	removed := false
	for i := 0; i+1 < len(segs); i++ {
		if segs[i].first >= cur || segs[i+1].first > seq {
			break
		}
		if err := w.fsys.Remove(segs[i].path); err != nil {
			return fmt.Errorf("remove old segments: %w", err)
		}
		removed = true
	}
	if removed {
		if err := w.fsys.SyncDir(w.dir); err != nil {
			return fmt.Errorf("remove old segments: %w", err)
		}
	}
	return nil
}

// Close writes the queued frames and makes every frame written durable
// (unless the writer has failed), and closes the log. It returns the failure that stopped the writer, if
// any. Later calls return ErrClosed or that failure.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	if w.stop != nil {
		close(w.stop)
		<-w.done
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.syncing || w.writing {
		w.cond.Wait()
	}
	if w.err == nil {
		_ = w.flushQueueHeld() // a failure is recorded in w.err
	}
	if w.err == nil && w.synced < w.written {
		if err := w.f.Sync(); err != nil {
			w.failLocked(fmt.Errorf("fsync %s: %w", w.f.Name(), err))
		} else {
			w.synced = w.written
		}
	}
	if err := w.f.Close(); err != nil && w.err == nil {
		w.failLocked(fmt.Errorf("close %s: %w", w.f.Name(), err))
	}
	w.cond.Broadcast()
	if w.err != nil {
		return fmt.Errorf("%w: %w", ErrStopped, w.err)
	}
	return nil
}
