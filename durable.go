package dictdb

// Durable databases: a directory holding the newest checkpoint (a binary
// dump, named for the commit it holds) and a write-ahead log of every
// commit since (internal/wal). Every commit appends one frame whose
// payload is a binary delta (codec.AppendBinaryDelta) of the tables it
// changed; recovery loads the checkpoint and applies the frames after it
// with the code that applies backup deltas.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/stored"
	"github.com/dictdb-go/dictdb/internal/wal"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// A SyncPolicy says when Open's database makes a commit durable; see
// SyncAlways, SyncEvery and SyncNever, and the package documentation for
// exactly what each guarantees.
type SyncPolicy struct{ p wal.SyncPolicy }

var (
	// SyncAlways, the default, makes every write return only once its
	// commit is on stable storage (fsynced), and readers see a commit only
	// then. Concurrent writers share one fsync (group commit).
	SyncAlways = SyncPolicy{wal.SyncAlways}
	// SyncNever leaves flushing the log to the operating system: a commit
	// survives a crash of the process but may be lost in a crash of the
	// machine. Checkpoint and Close still fsync.
	SyncNever = SyncPolicy{wal.SyncNever}
)

// SyncEvery fsyncs the log in the background every d: a write returns once
// its commit is written to the operating system, and a crash of the
// machine loses at most the commits of the last d plus the time one fsync
// takes. d <= 0 means SyncAlways.
func SyncEvery(d time.Duration) SyncPolicy { return SyncPolicy{wal.SyncEvery(d)} }

// String names the policy: "always", "every 1s", "never".
func (p SyncPolicy) String() string { return p.p.String() }

// WithSync sets the sync policy of the database Open opens (the default
// is SyncAlways). Other calls ignore it.
func WithSync(p SyncPolicy) Option {
	return func(o *options) { o.sync, o.hasSync = p, true }
}

// WithCheckpointSize makes the database Open opens take a checkpoint in
// the background whenever the log has grown by n bytes since the last one,
// so that recovery time stays bounded. n <= 0 (the default) leaves
// checkpoints to Checkpoint. Close waits for a running checkpoint. A
// failed automatic checkpoint is logged at error level (WithLogger) and
// changes nothing: the log keeps every commit.
func WithCheckpointSize(n int64) Option {
	return func(o *options) { o.ckptSize = n }
}

// ReadOnly makes Open read the database directory without taking its lock
// and without changing anything: a torn write at the end of the log is
// skipped (and logged), not cut off. Every write to the database it
// returns fails with ErrReadOnly. It is for inspecting a database that
// another process may have open: that process may write meanwhile, and
// the database read is the state as of the read.
func ReadOnly() Option {
	return func(o *options) { o.readOnly = true }
}

// The files of a database directory: checkpoint-<seq>.dictdb, the binary
// dump of the state at commit seq (20 decimal digits), and the log's
// segments and LOCK (see internal/wal).
const (
	checkpointPrefix = "checkpoint-"
	checkpointExt    = ".dictdb"
	tmpExt           = ".tmp"
)

func checkpointName(seq uint64) string {
	return fmt.Sprintf("%s%020d%s", checkpointPrefix, seq, checkpointExt)
}

// parseCheckpointName returns the sequence number a checkpoint file name
// holds.
func parseCheckpointName(name string) (uint64, bool) {
	s, ok := strings.CutPrefix(name, checkpointPrefix)
	if !ok {
		return 0, false
	}
	if s, ok = strings.CutSuffix(s, checkpointExt); !ok || len(s) != 20 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// durable is the mvcc.Committer of a database that Open opened: it logs
// every commit to the write-ahead log and, under SyncAlways, lets readers
// see a commit once it is durable.
type durable struct {
	fsys     wal.FS
	dir      string
	policy   wal.SyncPolicy
	readOnly bool
	w        *wal.Writer // nil when read-only
	lock     *wal.DirLock
	log      *slog.Logger
	store    *mvcc.Store[*tbl.Table]

	closed   atomic.Bool
	mismatch error // set by Commit (under the store's commit lock) when seqs diverge

	ckptMu   sync.Mutex // one checkpoint at a time; Close waits for it
	ckptSeq  uint64     // the newest checkpoint's commit (under ckptMu)
	hasCkpt  bool
	limit    int64        // automatic checkpoint size, or 0
	logged   atomic.Int64 // bytes logged since the last checkpoint began
	bgMu     sync.Mutex
	bg       sync.WaitGroup
	bgBusy   bool
	bgClosed bool
	ttl      map[string]string // TableTTL: table name -> field
}

// Open opens the durable database in directory dir, creating the directory
// and an empty database if it does not exist. The database loads the
// newest checkpoint in dir and replays the log written since; every commit
// then goes to the log before readers see it, as the sync policy says (see
// WithSync and the package documentation). Close it when done.
//
// Open takes an exclusive lock on dir: a second Open of the same
// directory, from this process or another, fails at once with an error
// wrapping ErrLocked (ReadOnly opens take no lock). A torn write at the
// end of the log, the normal result of a crash, is cut off and logged at
// warning level (WithLogger); it was never acknowledged under SyncAlways.
// Any other damage (a bad frame before the end, a gap in the log, a bad
// checkpoint) gives an error wrapping ErrCorrupt, naming the file and the
// offset, and nothing is opened or changed: the CLI's verify and repair
// commands inspect and cut such a log. A dir that is a file is an error.
//
// Options: WithSync, WithCheckpointSize, ReadOnly and WithLogger.
func Open(dir string, opts ...Option) (*DB, error) {
	o := collect(opts)
	if err := checkTTLDecls(&o); err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, fmt.Errorf("dictdb: open: %w: empty directory name", ErrInvalidArgument)
	}
	fsys := o.fs
	if fsys == nil {
		fsys = wal.OS
	}
	var lock *wal.DirLock
	if o.fs == nil {
		fi, err := os.Stat(dir)
		switch {
		case err == nil && !fi.IsDir():
			return nil, fmt.Errorf("dictdb: open %s: not a directory (Load reads a database file)", dir)
		case errors.Is(err, fs.ErrNotExist) && !o.readOnly:
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("dictdb: open: %w", err)
			}
		case err != nil:
			return nil, fmt.Errorf("dictdb: open: %w", err)
		}
		if !o.readOnly {
			if lock, err = wal.Lock(dir); err != nil {
				return nil, fmt.Errorf("dictdb: open %s: %w", dir, err)
			}
		}
	}
	db := newDB(o)
	d := &durable{fsys: fsys, dir: dir, policy: o.sync.p, readOnly: o.readOnly, lock: lock, log: db.log, limit: o.ckptSize, ttl: o.ttl}
	if !o.hasSync {
		d.policy = wal.SyncAlways
	}
	if err := d.open(db); err != nil {
		if lock != nil {
			lock.Unlock()
		}
		return nil, fmt.Errorf("dictdb: open %s: %w", dir, err)
	}
	db.dur = d
	if o.readOnly {
		db.sweep.interval = 0 // it could not write
	}
	db.sweep.ensureFor(db, db.store.Load())
	return db, nil
}

// open recovers the state in d.dir into db and, unless read-only, opens
// the log for appending.
func (d *durable) open(db *DB) error {
	names, err := d.fsys.ReadDir(d.dir)
	if err != nil {
		return err
	}
	var ckpts []uint64
	for _, n := range names {
		if seq, ok := parseCheckpointName(n); ok {
			ckpts = append(ckpts, seq)
		} else if !d.readOnly && strings.HasPrefix(n, checkpointPrefix) && strings.HasSuffix(n, tmpExt) {
			// A checkpoint interrupted by a crash; never renamed into place.
			_ = d.fsys.Remove(filepath.Join(d.dir, n))
		}
	}
	slices.Sort(ckpts)
	tables := map[string]*tbl.Table{}
	var seq uint64
	if len(ckpts) > 0 {
		seq = ckpts[len(ckpts)-1]
		if tables, err = d.loadCheckpoint(seq); err != nil {
			return err
		}
		d.ckptSeq, d.hasCkpt = seq, true
	}
	apply := func(s uint64, payload []byte) error {
		delta, err := codec.DecodeBinaryDelta(payload)
		if err != nil {
			return err
		}
		if _, err := replayDelta(tables, delta, nil); err != nil {
			return err
		}
		seq = s
		return nil
	}
	var info wal.Info
	if d.readOnly {
		info, err = wal.Read(d.fsys, d.dir, seq+1, apply)
	} else {
		info, err = wal.Replay(d.fsys, d.dir, seq+1, apply)
	}
	if err != nil {
		return logError(err)
	}
	if c := info.Cut; c != nil {
		msg := "Cut a torn write off the end of the log."
		if d.readOnly {
			msg = "Skipped a torn write at the end of the log."
		}
		d.log.Warn(msg, "file", c.File, "offset", c.Offset, "bytes", c.Bytes, "reason", c.Reason)
	}
	if !d.readOnly {
		for _, old := range ckpts[:max(len(ckpts)-1, 0)] {
			// Left by a crash between a checkpoint and the removal of
			// the one before.
			_ = d.fsys.Remove(filepath.Join(d.dir, checkpointName(old)))
		}
		w, winfo, err := wal.Open(d.dir, wal.Options{Sync: d.policy, FS: d.fsys, FirstSeq: seq + 1})
		if err != nil {
			return logError(err)
		}
		if winfo.Last != seq {
			w.Close()
			return &CorruptError{Format: "write-ahead log", Offset: -1,
				Msg: fmt.Sprintf("the log ends at commit %d, the recovered state at %d", winfo.Last, seq)}
		}
		d.w = w
	}
	var c mvcc.Committer[*tbl.Table] = d
	if db.hub != nil {
		db.hub = newHub(seq, db.hub.historySize())
		c = loggedFeed{d, db.hub}
	}
	for name, t := range tables {
		if tables[name], err = applyTTL(d.ttl, t); err != nil {
			return err
		}
	}
	d.store = mvcc.NewAt(mvcc.RootOf(seq, tables), c)
	db.store = d.store
	db.log.Info("Opened database.", "dir", d.dir, "seq", seq, "checkpoint", d.ckptSeq, "frames", info.Frames)
	return nil
}

// loadCheckpoint reads the checkpoint of commit seq.
func (d *durable) loadCheckpoint(seq uint64) (map[string]*tbl.Table, error) {
	path := filepath.Join(d.dir, checkpointName(seq))
	f, err := d.fsys.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	loaded, err := loadFrom(f, Binary, options{})
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	root := loaded.store.Load()
	tables := make(map[string]*tbl.Table, root.Len())
	for _, n := range root.Names() {
		tables[n], _ = root.Table(n)
	}
	return tables, nil
}

// replayDelta applies one logged commit to tables and appends to steps
// the versions of each table around it.
func replayDelta(tables map[string]*tbl.Table, delta *codec.Delta, steps []tableStep) ([]tableStep, error) {
	for i := range delta.Tables {
		dt := &delta.Tables[i]
		cur, exists := tables[dt.Name]
		if dt.Dropped {
			delete(tables, dt.Name)
			steps = append(steps, tableStep{dt.Name, cur, nil})
			continue
		}
		next, err := applyTableDelta(cur, exists, dt)
		if err != nil {
			return steps, inTable(dt.Name, err)
		}
		tables[dt.Name] = next
		steps = append(steps, tableStep{dt.Name, cur, next})
	}
	return steps, nil
}

// logError turns the log's corruption error into a *CorruptError naming
// the file and offset, wrapping ErrCorrupt.
func logError(err error) error {
	var ce *wal.CorruptError
	if errors.As(err, &ce) {
		off := ce.Offset
		return &CorruptError{Format: "write-ahead log", Offset: off, Msg: "file " + ce.File, Err: err}
	}
	return err
}

// A prepared commit of a durable database, as Prepare returns it: the
// log's frame (wal.HeaderSize bytes of room for the header, then the
// binary delta) and, with a change feed, the feed's record. Commit gives
// it back to prepPool once the frame is written; the delta's slices are
// kept for the next commit.
type prepared struct {
	frame []byte
	delta codec.Delta
	rec   *commitRec // set by loggedFeed.Prepare
}

// prepPool recycles prepared commits. (One the store discards is left to
// the garbage collector.)
var prepPool = sync.Pool{New: func() any { return new(prepared) }}

// Limits on what a prepared commit keeps for reuse: a large commit's
// buffers go to the garbage collector instead.
const (
	maxPooledFrame = 64 << 10
	maxPooledRows  = 256
)

// maxQueuedFrame is the largest frame Commit queues; a larger one it
// writes at once (see commit).
const maxQueuedFrame = 64 << 10

// release gives p back to the pool, dropping its references to rows and
// tables.
func (p *prepared) release() {
	p.rec = nil
	if cap(p.frame) > maxPooledFrame {
		p.frame = nil
	}
	ts := p.delta.Tables[:cap(p.delta.Tables)]
	for i := range ts {
		t := &ts[i]
		ups, dels := t.Upserts, t.Deletes
		clear(ups)
		clear(dels)
		if cap(ups) > maxPooledRows {
			ups = nil
		}
		if cap(dels) > maxPooledRows {
			dels = nil
		}
		*t = codec.DeltaTable{Upserts: ups[:0], Deletes: dels[:0]}
	}
	p.delta = codec.Delta{Tables: ts[:0]}
	if len(ts) > 16 {
		p.delta.Tables = nil
	}
	prepPool.Put(p)
}

// Prepare encodes the commit that changes makes of base as a binary delta
// in a frame for the log.
func (d *durable) Prepare(base *mvcc.Root[*tbl.Table], changes []mvcc.Change[*tbl.Table]) (any, error) {
	return d.prepare(base, changes)
}

func (d *durable) prepare(base *mvcc.Root[*tbl.Table], changes []mvcc.Change[*tbl.Table]) (*prepared, error) {
	if d.readOnly {
		return nil, fmt.Errorf("dictdb: %w", ErrReadOnly)
	}
	if d.closed.Load() {
		return nil, fmt.Errorf("dictdb: %w", ErrClosed)
	}
	p := prepPool.Get().(*prepared)
	for _, c := range changes {
		frameTable(&p.delta, base, c)
	}
	var hdr [wal.HeaderSize]byte
	b, err := codec.AppendBinaryDelta(append(p.frame[:0], hdr[:]...), &p.delta)
	if err != nil {
		p.release()
		return nil, err
	}
	p.frame = b
	return p, nil
}

// frameTable appends to delta one table's change in a commit, unless the
// change changes nothing. It reuses the slices of the delta's spare
// tables.
func frameTable(delta *codec.Delta, base *mvcc.Root[*tbl.Table], c mvcc.Change[*tbl.Table]) {
	cur := c.Value
	old, had := base.Table(c.Name)
	if !c.Drop && had && old == cur {
		return
	}
	var dt *codec.DeltaTable
	if n := len(delta.Tables); n < cap(delta.Tables) {
		delta.Tables = delta.Tables[:n+1]
		dt = &delta.Tables[n]
	} else {
		delta.Tables = append(delta.Tables, codec.DeltaTable{})
		dt = &delta.Tables[n]
	}
	dt.Name = c.Name
	if c.Drop {
		dt.Dropped = true
		return
	}
	dt.NextID = cur.NextID()
	if !had || old.ID() != cur.ID() {
		dt.Created = tableDump(cur)
		dt.Upserts = slices.Grow(dt.Upserts, cur.Len())
		for _, r := range cur.All() {
			dt.Upserts = append(dt.Upserts, stored.Record(r))
		}
		return
	}
	if !tbl.SameIndexes(old, cur) {
		dt.HasIndexes, dt.Indexes = true, []codec.IndexDump{}
		for _, x := range cur.Indexes() {
			dt.Indexes = append(dt.Indexes, codec.IndexDump{Field: x.Field, Kind: x.Kind.String(), Unique: x.Unique})
		}
	}
	tbl.ChangedRows(old, cur, func(k codec.Key, _ tbl.Row, _ bool, r tbl.Row, ok bool) bool {
		if ok {
			dt.Upserts = append(dt.Upserts, stored.Record(r))
		} else {
			dt.Deletes = append(dt.Deletes, k.Value())
		}
		return true
	})
}

// Commit queues the prepared frame in the log as commit seq; Wait writes
// it.
func (d *durable) Commit(seq uint64, prep any) error {
	p := prep.(*prepared)
	err := d.commit(seq, p)
	p.release()
	return err
}

// commit queues p's frame as commit seq. It runs under the store's commit
// lock, so it does not write: the writers waiting meanwhile share one
// write of the file (see Wait). A large frame is written at once instead,
// without the copy Queue makes, after the frames queued before it.
func (d *durable) commit(seq uint64, p *prepared) error {
	if d.mismatch != nil {
		return d.mismatch
	}
	var got uint64
	var err error
	if len(p.frame) > maxQueuedFrame {
		got, err = d.w.WriteFrame(p.frame)
	} else {
		got, err = d.w.Queue(p.frame)
	}
	if err != nil {
		return d.walError(err)
	}
	if got != seq {
		// Never expected: the log and the store disagree on numbering.
		// The frame is queued; refuse everything from now on.
		d.mismatch = fmt.Errorf("dictdb: %w: the log numbered commit %d as %d", ErrStopped, seq, got)
		return d.mismatch
	}
	if d.limit > 0 && d.logged.Add(int64(len(p.frame))) >= d.limit {
		d.startCheckpoint()
	}
	return nil
}

// Wait waits until commit seq is written to the log file or, under
// SyncAlways, durable. Concurrent writers share the write (and the fsync):
// the first to wait writes every frame queued so far.
func (d *durable) Wait(seq uint64) error {
	if d.readOnly {
		return nil
	}
	wait := d.w.WaitWritten
	if d.policy == wal.SyncAlways {
		wait = d.w.WaitDurable
	}
	if err := wait(seq); err != nil {
		return d.walError(err)
	}
	return nil
}

// Published does nothing.
func (d *durable) Published(uint64) {}

// loggedFeed is the Committer of a durable database: each commit goes to
// the log, then to the change feed, which hears of it once it is durable.
type loggedFeed struct {
	d *durable
	h *hub
}

func (c loggedFeed) Prepare(base *mvcc.Root[*tbl.Table], changes []mvcc.Change[*tbl.Table]) (any, error) {
	p, err := c.d.prepare(base, changes)
	if err != nil {
		return nil, err
	}
	p.rec = c.h.prepare(base, changes)
	return p, nil
}

func (c loggedFeed) Commit(seq uint64, prep any) error {
	p := prep.(*prepared)
	rec := p.rec
	err := c.d.commit(seq, p)
	p.release()
	if err != nil {
		return err
	}
	c.h.commit(seq, rec)
	return nil
}

func (c loggedFeed) Wait(seq uint64) error { return c.d.Wait(seq) }

func (c loggedFeed) Published(seq uint64) { c.h.publish(seq) }

// walError wraps an error of the log for a caller of dictdb.
func (d *durable) walError(err error) error {
	if errors.Is(err, wal.ErrClosed) {
		return fmt.Errorf("dictdb: %w", ErrClosed)
	}
	return fmt.Errorf("dictdb: write-ahead log: %w", err)
}

// Close closes a database that Open opened: it waits for a running
// checkpoint, makes every commit durable, closes the log and releases the
// directory's lock. Afterwards every write fails with an error wrapping
// ErrClosed, and reads keep working on the state as of Close. Close
// returns the log's failure, if one stopped it (ErrStopped), and nil when
// called again. On a database that New, Load or RestoreBackup made, which
// holds no files, Close only stops the TTL sweeper and returns nil.
//
// Close first stops the database's TTL sweeper (see Table.SetTTL) for
// good and waits for its goroutine to end, unless a sweep is running: that
// sweep may be waiting for a table that the caller's own transaction
// holds, so Close does not wait for it; it ends with its commit, which
// fails with ErrClosed once the log is closed. Expired rows stay hidden
// from reads after Close.
func (db *DB) Close() error {
	if done := db.sweep.halt(); done != nil {
		<-done
	}
	d := db.dur
	if d == nil || !d.closed.CompareAndSwap(false, true) {
		return nil
	}
	d.bgMu.Lock()
	d.bgClosed = true
	d.bgMu.Unlock()
	d.bg.Wait()
	d.ckptMu.Lock()
	defer d.ckptMu.Unlock()
	var err error
	if d.w != nil {
		if werr := d.w.Close(); werr != nil {
			err = fmt.Errorf("dictdb: close %s: %w", d.dir, werr)
		}
	}
	if d.lock != nil {
		if uerr := d.lock.Unlock(); uerr != nil && err == nil {
			err = fmt.Errorf("dictdb: close %s: %w", d.dir, uerr)
		}
	}
	db.log.Info("Closed database.", "dir", d.dir)
	return err
}

// Checkpoint writes the state readers see to a new checkpoint in the
// database's directory and drops the log before it, so that the next Open
// reads less. It writes from a snapshot: writers keep running meanwhile.
// The checkpoint is written to a temporary file, fsynced and renamed into
// place, and the directory fsynced, before the log segments it replaces
// and the previous checkpoint are removed: a crash at any point leaves a
// directory that Open recovers. A failed Checkpoint changes nothing the
// database needs; the log keeps every commit. It fails with ErrNotDurable
// on a database that Open did not open, ErrReadOnly on a read-only one
// and ErrClosed after Close.
func (db *DB) Checkpoint() error {
	return db.CheckpointContext(context.Background())
}

// CheckpointContext is Checkpoint that stops once ctx ends: it removes its
// temporary file and leaves the directory as it was (the previous
// checkpoint and the whole log), and its error wraps ctx.Err().
func (db *DB) CheckpointContext(ctx context.Context) error {
	if err := nilContext(ctx, "CheckpointContext"); err != nil {
		return err
	}
	d := db.dur
	switch {
	case d == nil:
		return fmt.Errorf("dictdb: checkpoint: %w", ErrNotDurable)
	case d.readOnly:
		return fmt.Errorf("dictdb: checkpoint: %w", ErrReadOnly)
	}
	return cancelled(ctx, "checkpoint", d.checkpoint(ctx))
}

func (d *durable) checkpoint(ctx context.Context) error {
	d.ckptMu.Lock()
	defer d.ckptMu.Unlock()
	if d.closed.Load() {
		return fmt.Errorf("dictdb: checkpoint: %w", ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d.logged.Store(0)
	root := d.store.Load()
	seq := root.Seq()
	if d.hasCkpt && seq == d.ckptSeq {
		return nil // nothing committed since
	}
	// Every commit up to seq must be durable in the log before the
	// checkpoint is: a crash before the old segments go must still find
	// the log reaching seq.
	if err := d.w.Sync(); err != nil {
		return fmt.Errorf("dictdb: checkpoint: write-ahead log: %w", err)
	}
	if err := d.writeCheckpoint(ctx, root); err != nil {
		return fmt.Errorf("dictdb: checkpoint %s: %w", d.dir, err)
	}
	prev, hadPrev := d.ckptSeq, d.hasCkpt
	d.ckptSeq, d.hasCkpt = seq, true
	if err := d.w.Rotate(); err != nil {
		return fmt.Errorf("dictdb: checkpoint: write-ahead log: %w", err)
	}
	// RemoveBefore syncs the directory (the new checkpoint's rename)
	// before it removes any segment.
	if err := d.w.RemoveBefore(seq + 1); err != nil {
		return fmt.Errorf("dictdb: checkpoint: write-ahead log: %w", err)
	}
	if hadPrev && prev != seq {
		if err := d.fsys.Remove(filepath.Join(d.dir, checkpointName(prev))); err != nil {
			return fmt.Errorf("dictdb: checkpoint: %w", err)
		}
		if err := d.fsys.SyncDir(d.dir); err != nil {
			return fmt.Errorf("dictdb: checkpoint: %w", err)
		}
	}
	d.log.Info("Checkpoint written.", "dir", d.dir, "seq", seq)
	return nil
}

// writeCheckpoint writes root as the checkpoint of its commit: a
// temporary file, fsynced, renamed into place, the directory fsynced.
func (d *durable) writeCheckpoint(ctx context.Context, root *mvcc.Root[*tbl.Table]) (err error) {
	final := filepath.Join(d.dir, checkpointName(root.Seq()))
	tmp := final + tmpExt
	_ = d.fsys.Remove(tmp) // a leftover of a failed attempt
	f, err := d.fsys.Create(tmp)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			_ = d.fsys.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(writerWithContext(ctx, f), 1<<20)
	if err = writeSnapshot(bw, snapshotOf(root), Binary, options{}); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = ctx.Err(); err != nil {
		return err // written whole, but not to be put in place once ctx ended
	}
	if err = f.Sync(); err != nil {
		return err
	}
	closed = true
	if err = f.Close(); err != nil {
		return err
	}
	if err = d.fsys.Rename(tmp, final); err != nil {
		return err
	}
	return d.fsys.SyncDir(d.dir)
}

// startCheckpoint starts a checkpoint in the background unless one is
// running or the database is closing.
func (d *durable) startCheckpoint() {
	d.bgMu.Lock()
	defer d.bgMu.Unlock()
	if d.bgClosed || d.bgBusy {
		return
	}
	d.bgBusy = true
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		if err := d.checkpoint(context.Background()); err != nil && !errors.Is(err, ErrClosed) {
			d.log.Error("Automatic checkpoint failed.", "dir", d.dir, "err", err)
		}
		d.bgMu.Lock()
		d.bgBusy = false
		d.bgMu.Unlock()
	}()
}
