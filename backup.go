package dictdb

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/internal/goid"
	"github.com/dictdb-go/dictdb/internal/stored"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/snapshot"
	"github.com/dictdb-go/dictdb/tbl"
)

// A clock tells the time and waits. A BackupManager runs on the real one;
// tests replace it to drive the schedule without sleeping.
type clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// BackupOptions configures a BackupManager. The zero value is usable: every
// zero field means its default.
type BackupOptions struct {
	// Interval between periodic backups once Start is called; 0 means 5
	// minutes. The first periodic backup happens one interval after Start.
	Interval time.Duration
	// Format of every backup file, full or delta: JSON (the default when
	// zero) or Binary. JSON full backups are database files in the Python
	// DictDB's layout and JSON deltas are in its delta format (both with
	// dictdb's extra keys); like every JSON file they turn time.Time and
	// []byte into strings. Binary backups keep every value kind exactly.
	Format Format
	// MinInterval is the debounce window of changes (commits and
	// NotifyChange calls): a change sooner than this after the last
	// successful backup is backed up when
	// the window ends. 0 means 5 seconds; negative means no debounce.
	MinInterval time.Duration
	// OnFailure, if set, is called after each failed backup with the error
	// and the number of consecutive failures so far. It runs on the
	// goroutine that ran the backup; a panic in it is recovered and logged.
	OnFailure func(err error, consecutive int)
	// OnBackup, if set, is called after each backup that wrote a file. A
	// panic in it is recovered and counted as a failed backup (an error
	// wrapping ErrBackupCallback, reported to OnFailure); the file stays
	// written and the manager keeps running. OnBackup and OnFailure run
	// after the manager's lock is released, so they may call its methods
	// (ConsecutiveFailures, DeltasSinceFull, BackupNow, Stop).
	OnBackup func(BackupResult)
	// Incremental makes BackupNow write delta files (only what changed since
	// the previous backup) between full backups.
	Incremental bool
	// MaxDeltas is how many deltas may follow a full backup before BackupNow
	// writes a full one again; 0 means 10.
	MaxDeltas int
	// Keep is how many full backups to keep, with the deltas that depend on
	// them; 0 keeps all. After each successful full backup, the manager
	// keeps the Keep newest full backups by backup number (the order they
	// were written in, never the clock), every file written after the
	// oldest of them and every file those depend on, and removes the other
	// backup files. Files it cannot identify (no valid footer) are never
	// removed.
	Keep int
	// FinalBackup makes Stop run one last BackupNow.
	FinalBackup bool
	// Logger receives backup events; nil means the DB's logger.
	Logger *slog.Logger

	clock clock // drives the schedule; nil means the real clock (tests set it)
}

// BackupResult describes one backup that wrote a file.
type BackupResult struct {
	Path  string    // the file written
	Full  bool      // a full backup, or a delta
	Seq   uint64    // the commit the file reflects
	Time  time.Time // when the backup was taken
	Bytes int64     // the size of the file written
}

// A BackupManager takes full and incremental backups of a DB into a
// directory, periodically, on demand and after notified changes. Backups
// are written from snapshots, so they are consistent (a transaction is in a
// backup entirely or not at all) and never block writers. Every file is
// written crash-safely (temporary file, fsync, rename) and names are unique
// even within one clock tick: the manager bumps the stamp itself.
//
// Every file ends with a footer that numbers it (backup numbers grow in the
// order files are written; a new manager continues from the highest number
// in the directory, so restarts and clocks stepping back never reorder
// backups), records the commit it reflects and, for a delta, the file it
// applies on top of and the full backup its chain starts from, and holds a
// SHA-256 checksum of the file's content. RestoreBackup and retention go by
// these footers only. One directory is for one manager at a time: the
// footer also names the directory's backup set, drawn by the first manager
// in an empty directory and adopted by the next ones, so that files copied
// in from another backup directory, or written by a second manager at the
// same time, fail a restore rather than pass for the directory's own. A
// manager's first backup fails with ErrBackupChain in a directory whose
// files do not form one set, and retention never removes another set's
// files.
//
// A delta holds every change since the previous backup: rows upserted and
// deleted, tables created (with schema, primary key and indexes) and
// dropped, index definitions and next auto keys. A change to any of them
// alone produces a delta.
//
// A failed backup (a full disk, say) removes its temporary file and changes
// nothing the manager remembers: the last backup written stays the base of
// the next delta, which therefore holds every change since then; a full
// backup that was due is tried again at the next backup; retention runs
// only after a full backup succeeds. The failure is logged, counted
// (ConsecutiveFailures) and reported to OnFailure; the directory keeps
// restoring the last backup that succeeded, and the next success restores
// everything up to it.
//
// A BackupManager is safe for concurrent use. Backups are serialized. The
// manager keeps the snapshot of its last backup to diff the next delta
// against, which keeps that version's rows alive until the next backup.
type BackupManager struct {
	db    *DB
	dir   string
	opts  BackupOptions
	clock clock
	log   *slog.Logger

	mu          sync.Mutex // serializes backups and guards the fields below
	last        *Snapshot  // the state of the last backup, for deltas
	lastFile    string     // its file name
	lastN       uint64     // its backup number
	fullFile    string     // the full backup the last backup's chain starts from
	fullN       uint64     // its backup number
	nextN       uint64     // the next backup number; 0 until the directory is read
	set         string     // the directory's backup set, once it is read
	lastStamp   int64      // the last stamp used, in microseconds
	lastSuccess time.Time  // of the last successful backup, for the debounce

	// Read without m.mu, so that a callback (or any goroutine) can ask
	// while a backup runs.
	failures atomic.Int64 // consecutive failed backups
	deltas   atomic.Int64 // deltas since the last full backup

	testWrap func(io.Writer) io.Writer // tests: wraps every file written

	notify chan struct{}
	stop   chan struct{} // closed by Stop: the schedule ends
	done   chan struct{} // closed when the manager's goroutine returns
	loopID atomic.Uint64 // the goroutine number of the manager's goroutine

	stateMu   sync.Mutex
	started   bool
	stopped   bool
	stopper   uint64        // the goroutine number of the first Stop
	stopDone  chan struct{} // closed when the first Stop returns
	stopError error
}

// NewBackupManager returns a manager writing to dir, which it creates if
// needed. It does not start the periodic schedule; call Start.
func NewBackupManager(db *DB, dir string, opts BackupOptions) (*BackupManager, error) {
	if db == nil || dir == "" {
		return nil, fmt.Errorf("%w: NewBackupManager needs a DB and a directory", ErrInvalidArgument)
	}
	if opts.Format == 0 {
		opts.Format = JSON
	}
	if err := checkFormat(opts.Format, false); err != nil {
		return nil, err
	}
	if opts.Interval < 0 || opts.MaxDeltas < 0 || opts.Keep < 0 {
		return nil, fmt.Errorf("%w: Interval, MaxDeltas and Keep must not be negative", ErrInvalidArgument)
	}
	if opts.Interval == 0 {
		opts.Interval = 5 * time.Minute
	}
	if opts.MinInterval == 0 {
		opts.MinInterval = 5 * time.Second
	}
	if opts.MaxDeltas == 0 {
		opts.MaxDeltas = 10
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	m := &BackupManager{
		db: db, dir: dir, opts: opts, clock: opts.clock, log: opts.Logger,
		notify: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
	if m.clock == nil {
		m.clock = realClock{}
	}
	if m.log == nil {
		m.log = db.log
	}
	return m, nil
}

// Start begins periodic backups (and the handling of NotifyChange) on a
// goroutine of the manager. From then on every commit to the database
// counts as a NotifyChange: the manager follows the change feed's
// publications without subscribing, so it keeps no commits and cannot lag,
// and callers need not notify it (NotifyChange still works, for changes
// the manager cannot see). It fails with ErrBackupState if the manager was
// started or stopped before.
func (m *BackupManager) Start() error {
	m.stateMu.Lock()
	defer m.stateMu.Unlock()
	if m.started || m.stopped {
		return fmt.Errorf("%w: it was already started or stopped", ErrBackupState)
	}
	m.started = true
	go m.loop(m.db.Seq())
	return nil
}

// Stop ends the schedule and waits for a running backup to finish, then,
// with FinalBackup, runs one last backup and returns its error. No
// periodic backup starts after Stop returns. Stop is idempotent and safe
// before Start: a later call waits for the first to finish and returns its
// result. Called from OnBackup or OnFailure, it does not wait for the
// backup that runs the callback (that would wait for ever); a call from a
// callback of the final backup returns nil at once.
func (m *BackupManager) Stop() error {
	me := goid.Current()
	m.stateMu.Lock()
	if m.stopped {
		done, nested := m.stopDone, m.stopper == me || m.loopID.Load() == me
		m.stateMu.Unlock()
		if nested {
			return nil // the outer Stop is on this very goroutine
		}
		<-done
		m.stateMu.Lock()
		defer m.stateMu.Unlock()
		return m.stopError
	}
	m.stopped, m.stopper, m.stopDone = true, me, make(chan struct{})
	close(m.stop)
	started := m.started
	m.stateMu.Unlock()
	if started && m.loopID.Load() != me {
		<-m.done
	}
	var err error
	if m.opts.FinalBackup {
		err = m.BackupNow()
	}
	m.stateMu.Lock()
	m.stopError = err
	close(m.stopDone)
	m.stateMu.Unlock()
	return err
}

// NotifyChange tells the manager the data changed. It never blocks and never
// runs a backup on the caller's goroutine: the manager's goroutine backs up
// at once, or at the end of the debounce window (MinInterval after the last
// successful backup). Notifications before Start wait for it.
func (m *BackupManager) NotifyChange() {
	select {
	case m.notify <- struct{}{}:
	default: // one is already pending
	}
}

// ConsecutiveFailures returns how many backups failed since the last
// success.
func (m *BackupManager) ConsecutiveFailures() int {
	return int(m.failures.Load())
}

// DeltasSinceFull returns how many deltas were written since the last full
// backup.
func (m *BackupManager) DeltasSinceFull() int {
	return int(m.deltas.Load())
}

// loop runs the schedule; seen is the sequence of the last commit before
// Start, so every later commit counts as a change.
func (m *BackupManager) loop(seen uint64) {
	defer close(m.done)
	m.loopID.Store(goid.Current())
	tick := m.clock.After(m.opts.Interval)
	var pending <-chan time.Time // the end of a debounce window
	// Every commit after Start counts as a NotifyChange: the loop waits
	// for the feed's next publication, without subscribing (nothing is
	// kept for it, and it cannot lag).
	var committed <-chan struct{}
	for {
		// Stop first: a callback may have called Stop (which does not
		// wait for this goroutine), and no backup may start after it.
		select {
		case <-m.stop:
			return
		default:
		}
		if committed == nil {
			if seen, committed = m.db.hub.publishedAfter(seen); committed == nil {
				m.NotifyChange()
				continue
			}
		}
		select {
		case <-m.stop:
			return
		case <-tick:
			m.BackupNow()
			tick = m.clock.After(m.opts.Interval)
		case <-committed:
			committed = nil // the next turn notes the commit
		case <-m.notify:
			if pending != nil {
				continue // already scheduled
			}
			if wait := m.debounceWait(); wait > 0 {
				pending = m.clock.After(wait)
			} else {
				m.BackupNow()
			}
		case <-pending:
			pending = nil
			m.BackupNow()
		}
	}
}

// debounceWait returns how long a notified change must wait.
func (m *BackupManager) debounceWait() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.opts.MinInterval < 0 || m.lastSuccess.IsZero() {
		return 0
	}
	return m.opts.MinInterval - m.clock.Now().Sub(m.lastSuccess)
}

// BackupNow takes the backup the options call for: a delta when
// incremental and fewer than MaxDeltas deltas follow the last full backup,
// otherwise a full backup. Its error is also counted and reported to
// OnFailure.
func (m *BackupManager) BackupNow() error {
	return m.run(func() (*BackupResult, error) {
		if m.opts.Incremental && m.last != nil && m.deltas.Load() < int64(m.opts.MaxDeltas) {
			return m.delta()
		}
		return m.full()
	})
}

// BackupFull writes a full backup now.
func (m *BackupManager) BackupFull() error { return m.run(m.full) }

// BackupDelta writes a delta with the changes since the last backup, or
// nothing if there are none. Without an earlier backup by this manager it
// writes a full backup instead, the base every delta needs.
func (m *BackupManager) BackupDelta() error {
	return m.run(func() (*BackupResult, error) {
		if m.last == nil {
			return m.full()
		}
		return m.delta()
	})
}

// run takes one backup under m.mu, then records its outcome and runs the
// callbacks after releasing it, so that a callback may call the manager
// (its counters, or even BackupNow) without waiting for itself.
func (m *BackupManager) run(take func() (*BackupResult, error)) error {
	m.mu.Lock()
	res, err := take()
	if err == nil && res != nil {
		m.lastSuccess = res.Time
	}
	m.mu.Unlock()
	return m.record(res, err)
}

// record counts a backup's outcome and runs the callbacks; m.mu is not
// held. A panic in OnBackup is recovered and counted as a failure (the
// backup itself was written).
func (m *BackupManager) record(res *BackupResult, err error) error {
	if err == nil && res != nil {
		m.log.Info("Backup written.", "path", res.Path, "full", res.Full, "seq", res.Seq)
		// The file is written: OnBackup sees the counter reset, and a panic
		// in it counts as one more failure after those before.
		before := m.failures.Swap(0)
		if m.opts.OnBackup != nil {
			if err = m.callOnBackup(*res); err != nil {
				m.failures.Add(before)
			}
		}
	}
	if err != nil {
		n := int(m.failures.Add(1))
		m.log.Error(fmt.Sprintf("Backup failed (%d consecutive): %v", n, err))
		if m.opts.OnFailure != nil {
			func() {
				defer func() {
					if p := recover(); p != nil {
						m.log.Error(fmt.Sprintf("Backup failure callback raised: %v", p))
					}
				}()
				m.opts.OnFailure(err, n)
			}()
		}
		return err
	}
	m.failures.Store(0)
	return nil
}

func (m *BackupManager) callOnBackup(res BackupResult) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %s: %v", ErrBackupCallback, res.Path, p)
		}
	}()
	m.opts.OnBackup(res)
	return nil
}

// stamp returns the next unique file stamp for prefix and extension; m.mu
// is held.
func (m *BackupManager) stamp(now time.Time, prefix, ext string) string {
	s := now.UnixMicro()
	for {
		if s <= m.lastStamp {
			s = m.lastStamp + 1
		}
		m.lastStamp = s
		name := fmt.Sprintf("%s%d_%06d.%s", prefix, s/1e6, s%1e6, ext)
		if _, err := os.Lstat(filepath.Join(m.dir, name)); err != nil {
			return name // free (or unreadable: the write will report why)
		}
	}
}

// number returns the next backup number; m.mu is held. The first call
// continues from the highest number in the directory, so that numbers keep
// growing across restarts whatever the clock says, and adopts the
// directory's backup set (or draws one for a directory without); it fails
// if the directory's files do not form one set. A number is used up even
// if its backup fails: a failed write may still leave its file.
func (m *BackupManager) number() (uint64, error) {
	if m.nextN == 0 {
		files, err := scanBackups(m.dir)
		if err != nil {
			return 0, fmt.Errorf("backup: reading the backup directory: %w", err)
		}
		set, err := directorySet(m.dir, files)
		if err != nil {
			return 0, fmt.Errorf("backup: %w", err)
		}
		if set == "" {
			set = newBackupSet()
		}
		m.set = set
		m.nextN = 1
		for _, f := range files {
			if f.meta != nil && f.meta.N >= m.nextN {
				m.nextN = f.meta.N + 1
			}
		}
	}
	n := m.nextN
	m.nextN++
	return n, nil
}

func (m *BackupManager) formatName() (name, ext string) {
	if m.opts.Format == Binary {
		return "binary", "bin"
	}
	return "json", "json"
}

func (m *BackupManager) full() (*BackupResult, error) {
	now := m.clock.Now()
	snap := m.db.Snapshot()
	n, err := m.number()
	if err != nil {
		return nil, err
	}
	format, ext := m.formatName()
	name := m.stamp(now, fullPrefix, ext)
	path := filepath.Join(m.dir, name)
	removeStaleTemps(m.dir, "") // leftovers of interrupted backups (any of dictdb's temporary files)
	meta := &backupMeta{V: 1, Kind: "full", Format: format, N: n, Seq: snap.Seq(), Time: now.UnixMicro(), Set: m.set}
	size, err := m.writeBackupFile(path, meta, func(w io.Writer) error {
		return writeSnapshot(w, snap, m.opts.Format, options{})
	})
	if err != nil {
		return nil, err
	}
	m.last, m.lastFile, m.lastN, m.fullFile, m.fullN = snap, name, n, name, n
	m.deltas.Store(0)
	m.prune()
	return &BackupResult{Path: path, Full: true, Seq: snap.Seq(), Time: now, Bytes: size}, nil
}

func (m *BackupManager) delta() (*BackupResult, error) {
	now := m.clock.Now()
	snap := m.db.Snapshot()
	diff := snapshot.Diff(m.last.state(), snap.state())
	if len(diff.Tables) == 0 {
		return nil, nil // nothing changed: no file
	}
	d := &codec.Delta{
		Timestamp: float64(now.UnixMicro()) / 1e6,
		Seq:       snap.Seq(), BaseSeq: m.last.Seq(), Base: m.lastFile,
	}
	for _, td := range diff.Tables {
		dt := codec.DeltaTable{Name: td.Name, Dropped: td.Dropped, Deletes: td.Deletes}
		if !td.Dropped {
			v, _ := snap.Table(td.Name)
			dt.NextID = v.t.NextID()
			if td.Created {
				dt.Created = tableDump(v.t)
			} else if td.IndexesChanged {
				dt.HasIndexes = true
				dt.Indexes = []codec.IndexDump{}
				for _, x := range td.Indexes {
					dt.Indexes = append(dt.Indexes, codec.IndexDump{Field: x.Field, Kind: x.Kind.String(), Unique: x.Unique})
				}
			}
		}
		for _, r := range td.Upserts {
			dt.Upserts = append(dt.Upserts, stored.Record(r))
		}
		d.Tables = append(d.Tables, dt)
	}
	n, err := m.number()
	if err != nil {
		return nil, err
	}
	format, ext := m.formatName()
	name := m.stamp(now, deltaPrefix, ext)
	path := filepath.Join(m.dir, name)
	removeStaleTemps(m.dir, "") // leftovers of interrupted backups (any of dictdb's temporary files)
	meta := &backupMeta{
		V: 1, Kind: "delta", Format: format, N: n, Seq: snap.Seq(),
		Base: m.lastFile, BaseN: m.lastN, BaseSeq: m.last.Seq(), Full: m.fullFile, FullN: m.fullN,
		Time: now.UnixMicro(), Set: m.set,
	}
	size, err := m.writeBackupFile(path, meta, func(w io.Writer) error {
		if m.opts.Format == Binary {
			return codec.WriteBinaryDelta(w, d)
		}
		return codec.WriteDelta(w, d)
	})
	if err != nil {
		return nil, err
	}
	m.last, m.lastFile, m.lastN = snap, name, n
	m.deltas.Add(1)
	return &BackupResult{Path: path, Seq: snap.Seq(), Time: now, Bytes: size}, nil
}

// prune applies retention after a full backup; m.mu is held. It keeps the
// Keep newest full backups by backup number (never by name or clock), every
// file written after the oldest of them, and every file those depend on
// (their chains back to their full backups). It removes only files whose
// footer verifies and that belong to the manager's backup set: a file it
// cannot identify, or one of another set, is never removed.
func (m *BackupManager) prune() {
	if m.opts.Keep == 0 {
		return
	}
	files, err := scanBackups(m.dir)
	if err != nil {
		m.log.Error("Backup retention: " + err.Error())
		return
	}
	firstOwn := uint64(math.MaxUint64) // files without a set before it are the set's
	for _, f := range files {
		if f.meta != nil && f.meta.Set == m.set {
			firstOwn = min(firstOwn, f.meta.N)
		}
	}
	byName := map[string]*backupFile{}
	var fulls []uint64
	for i := range files {
		f := &files[i]
		if f.meta != nil && f.meta.Set != m.set && (f.meta.Set != "" || f.meta.N > firstOwn) {
			m.log.Error("Backup retention: " + f.name + " belongs to another backup set: restores of " +
				m.dir + " fail until it is moved out")
			continue
		}
		if f.meta != nil {
			byName[f.name] = f
			if f.meta.full() {
				fulls = append(fulls, f.meta.N)
			}
		}
	}
	if len(fulls) <= m.opts.Keep {
		return
	}
	slices.Sort(fulls)
	oldestKept := fulls[len(fulls)-m.opts.Keep]
	keep := map[string]bool{}
	for name, f := range byName {
		if f.meta.N < oldestKept {
			continue
		}
		for cur := f; cur != nil && !keep[name]; {
			keep[name] = true
			if cur.meta.full() {
				break
			}
			name = cur.meta.Base
			cur = byName[name]
		}
	}
	for name := range byName {
		if keep[name] {
			continue
		}
		if err := os.Remove(filepath.Join(m.dir, name)); err != nil {
			m.log.Error("Backup retention: " + err.Error())
		}
	}
}

// RestoreOptions configures RestoreBackup.
type RestoreOptions struct {
	// NewestConsistent makes RestoreBackup restore the newest point it can
	// verify completely instead of failing when the newest point cannot be
	// restored: an older point of the same chain, or an older full backup
	// and its deltas. RestoreInfo.Skipped then lists every file it passed
	// over and why. A directory holding files of more than one backup set
	// fails all the same (see RestoreBackup): no point of it is known to be
	// the directory's own.
	NewestConsistent bool
	// UpTo, if set, names the backup file whose point to restore (its full
	// backup and the deltas up to it) instead of the newest one.
	UpTo string
	// AllowUnverified lets RestoreBackup read a directory that holds no
	// backup with dictdb's verified footer (files from the Python DictDB or
	// from an earlier dictdb): the newest full backup by the stamp in its
	// name, then the deltas after it in name order, unverified. It has no
	// effect on a directory with verified backups, where such files are
	// skipped.
	AllowUnverified bool
	// DBOptions configure the restored database (WithLogger).
	DBOptions []Option
}

// RestoreInfo says what RestoreBackup restored.
type RestoreInfo struct {
	Full   string   // the full backup loaded
	Deltas []string // the deltas applied, in order
	Seq    uint64   // the commit the restored data reflects (0 if unknown)
	// Skipped lists, with NewestConsistent, the backup files newer than the
	// restored point that could not be used, and every file found damaged,
	// each with the reason.
	Skipped []SkippedFile
	// Problem is, with NewestConsistent, why the newest point was not
	// restored (the reason of the first file skipped), or nil.
	Problem error
}

// A SkippedFile is a backup file RestoreBackup did not use, and why.
type SkippedFile struct {
	Name string // the file's name in the backup directory
	Err  error  // why it was not used
}

// RestoreBackup rebuilds a database from a backup directory. It restores
// the newest point: the backup with the highest backup number, reached from
// its full backup through the chain of deltas recorded in the files'
// footers (never by the names' clock stamps). Every file's checksum is
// verified before anything in it is used, and deltas are applied through the
// normal write paths, so the result equals the database at the commit that
// backup reflects: rows, schemas, index definitions and next auto keys.
//
// A missing, damaged or unverifiable file on the way, or any file that
// cannot be identified, is an error wrapping ErrBackupChain (and ErrCorrupt
// for damage), unless opts.NewestConsistent asks for the newest point that
// verifies instead. Files of more than one backup set (copied in from
// another backup directory, or written by two managers at once, which
// gives two files one backup number) fail every restore but one with
// opts.UpTo, which restores the chain of the file it names.
func RestoreBackup(dir string, opts RestoreOptions) (*DB, *RestoreInfo, error) {
	return RestoreBackupContext(context.Background(), dir, opts)
}

// RestoreBackupContext is RestoreBackup that stops once ctx ends, returning
// no database and an error wrapping ctx.Err(); a file it was reading then
// is not counted as damaged, and NewestConsistent does not go on to an
// older point (see the package notes on cancellable operations).
func RestoreBackupContext(ctx context.Context, dir string, opts RestoreOptions) (*DB, *RestoreInfo, error) {
	if err := nilContext(ctx, "RestoreBackupContext"); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, cancelled(ctx, "restore backup", err)
	}
	if dir == "" {
		return nil, nil, fmt.Errorf("dictdb: restore backup: %w: empty directory name", ErrInvalidArgument)
	}
	files, err := scanBackups(dir)
	if err != nil {
		return nil, nil, err
	}
	r := &restorer{ctx: ctx, dir: dir, opts: opts, byName: map[string]*backupFile{}, bad: map[string]error{}}
	var targets []*backupFile
	for i := range files {
		f := &files[i]
		if f.meta == nil {
			r.unverified = append(r.unverified, SkippedFile{Name: f.name, Err: chainError(f.name, f.err)})
			continue
		}
		r.byName[f.name] = f
		targets = append(targets, f)
	}
	if len(targets) == 0 {
		if opts.AllowUnverified && len(files) > 0 {
			db, info, err := restoreUnverified(ctx, dir, files, opts)
			if err != nil {
				return nil, info, cancelled(ctx, "restore backup", err)
			}
			return db, info, nil
		}
		if len(r.unverified) > 0 {
			return nil, nil, fmt.Errorf("%w: no verified backup in %s: %w", ErrBackupChain, dir, r.unverified[0].Err)
		}
		return nil, nil, fmt.Errorf("%w: no full backup in %s", ErrBackupChain, dir)
	}
	if _, err := directorySet(dir, files); err != nil && opts.UpTo == "" {
		return nil, nil, err
	}
	slices.SortFunc(targets, func(a, b *backupFile) int { return cmpN(b.meta.N, a.meta.N) })
	if opts.UpTo != "" {
		t, ok := r.byName[opts.UpTo]
		if !ok {
			for _, u := range r.unverified {
				if u.Name == opts.UpTo {
					return nil, nil, u.Err
				}
			}
			return nil, nil, fmt.Errorf("%w: no backup file %s in %s", ErrBackupChain, opts.UpTo, dir)
		}
		targets = []*backupFile{t}
	} else if !opts.NewestConsistent && len(r.unverified) > 0 {
		return nil, nil, r.unverified[0].Err
	}
	var skipped []SkippedFile
	for _, t := range targets {
		db, info, err := r.restoreTo(t)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, cancelled(ctx, "restore backup", err)
			}
			if !opts.NewestConsistent {
				return nil, info, err
			}
			skipped = append(skipped, SkippedFile{Name: t.name, Err: err})
			continue
		}
		// Damaged files older than the point restored are worth knowing
		// about too.
		for name, err := range r.bad {
			if f := r.byName[name]; f.meta.N < t.meta.N {
				skipped = append(skipped, SkippedFile{Name: name, Err: err})
			}
		}
		info.Skipped = append(skipped, r.unverified...)
		slices.SortFunc(info.Skipped, func(a, b SkippedFile) int { return strings.Compare(a.Name, b.Name) })
		if len(skipped) > 0 {
			info.Problem = skipped[0].Err
		} else if len(r.unverified) > 0 {
			info.Problem = r.unverified[0].Err
		}
		return db, info, nil
	}
	return nil, &RestoreInfo{Skipped: append(skipped, r.unverified...)},
		fmt.Errorf("%w: no point in %s verifies: %w", ErrBackupChain, dir, skipped[0].Err)
}

func cmpN(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func chainError(name string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrBackupChain, name, err)
}

// restorer restores points of one directory, reusing the database built
// for one point when the next point extends its chain.
type restorer struct {
	ctx        context.Context
	dir        string
	opts       RestoreOptions
	byName     map[string]*backupFile
	bad        map[string]error // files found damaged or unusable
	unverified []SkippedFile

	db      *DB
	applied []*backupFile // the chain db reflects
}

// chain returns the files from t's full backup to t, checking every link:
// each delta's base is the file before it (backup number and commit), and
// every delta belongs to the chain of that full backup.
func (r *restorer) chain(t *backupFile) ([]*backupFile, error) {
	out := []*backupFile{t}
	for cur := t; !cur.meta.full(); {
		base, ok := r.byName[cur.meta.Base]
		switch {
		case !ok:
			return nil, fmt.Errorf("%w: %s follows %s, which is missing or unverifiable", ErrBackupChain, cur.name, cur.meta.Base)
		case base.meta.N != cur.meta.BaseN || base.meta.Seq != cur.meta.BaseSeq:
			return nil, fmt.Errorf("%w: %s follows backup %d at commit %d, but %s is backup %d at commit %d",
				ErrBackupChain, cur.name, cur.meta.BaseN, cur.meta.BaseSeq, base.name, base.meta.N, base.meta.Seq)
		}
		out = append(out, base)
		cur = base
	}
	slices.Reverse(out)
	full := out[0]
	for _, f := range out[1:] {
		if f.meta.Full != full.name || f.meta.FullN != full.meta.N {
			return nil, fmt.Errorf("%w: %s belongs to the chain of %s, but follows %s", ErrBackupChain, f.name, f.meta.Full, full.name)
		}
	}
	for _, f := range out {
		if f.meta.Set != t.meta.Set {
			return nil, fmt.Errorf("%w: %s and %s belong to different backup sets", ErrBackupChain, f.name, t.name)
		}
	}
	for _, f := range out {
		if err := r.bad[f.name]; err != nil {
			return nil, dependsOn(t, f, err)
		}
	}
	return out, nil
}

// dependsOn is the error of a point t whose chain holds f, which failed.
func dependsOn(t, f *backupFile, err error) error {
	if t == f {
		return err
	}
	return fmt.Errorf("%w: %s depends on %s: %w", ErrBackupChain, t.name, f.name, err)
}

func (r *restorer) restoreTo(t *backupFile) (*DB, *RestoreInfo, error) {
	info := &RestoreInfo{}
	chain, err := r.chain(t)
	if err != nil {
		if r.bad[t.name] == nil {
			r.bad[t.name] = err
		}
		return nil, info, err
	}
	info.Full = chain[0].name
	if r.db == nil || len(r.applied) > len(chain) || !slices.Equal(r.applied, chain[:len(r.applied)]) {
		r.db, r.applied = nil, nil
		db, err := r.loadFull(chain[0])
		if err != nil {
			r.bad[chain[0].name] = err
			return nil, info, dependsOn(t, chain[0], err)
		}
		r.db, r.applied = db, chain[:1:1]
	}
	for _, f := range chain[1:len(r.applied)] {
		info.Deltas = append(info.Deltas, f.name)
	}
	for _, f := range chain[len(r.applied):] {
		if err := r.applyDelta(f); err != nil {
			r.bad[f.name] = err
			return nil, info, dependsOn(t, f, err)
		}
		r.applied = append(r.applied, f)
		info.Deltas = append(info.Deltas, f.name)
	}
	info.Seq = t.meta.Seq
	return r.db, info, nil
}

// open opens a backup file and verifies its content against its footer.
func (r *restorer) open(f *backupFile) (*os.File, error) {
	file, err := os.Open(filepath.Join(r.dir, f.name))
	if err != nil {
		return nil, chainError(f.name, err)
	}
	// The footer again, from the file opened: the file checked is the file
	// read, even if it was replaced since the directory was scanned.
	fi, err := file.Stat()
	if err == nil {
		var meta *backupMeta
		if meta, _, err = readFooter(file, fi.Size()); err == nil && *meta != *f.meta {
			err = errNoFooter("the file changed while it was read")
		}
	}
	if err == nil {
		err = verifyContent(file, f.meta)
	}
	if err != nil {
		file.Close()
		return nil, chainError(f.name, err)
	}
	return file, nil
}

// content returns the reader a decoder reads: the whole JSON document (its
// footer is a key the decoders skip), or the binary content alone.
func content(file *os.File, f *backupFile) io.Reader {
	if f.meta.Format == "binary" {
		return io.NewSectionReader(file, 0, f.meta.Size)
	}
	return file
}

func (r *restorer) loadFull(f *backupFile) (*DB, error) {
	file, err := r.open(f)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	cfg := collect(r.opts.DBOptions)
	format := JSON
	if f.meta.Format == "binary" {
		format = Binary
	}
	db, err := loadFrom(readerWithContext(r.ctx, content(file, f)), format, cfg)
	if err != nil {
		return nil, chainError(f.name, err)
	}
	return db, nil
}

func (r *restorer) applyDelta(f *backupFile) error {
	file, err := r.open(f)
	if err != nil {
		return err
	}
	defer file.Close()
	d, err := codec.ReadDelta(readerWithContext(r.ctx, content(file, f)))
	if err != nil {
		return chainError(f.name, err)
	}
	if d.Seq != f.meta.Seq || d.BaseSeq != f.meta.BaseSeq || d.Base != f.meta.Base {
		return chainError(f.name, errNoFooter("the delta and its footer disagree"))
	}
	if err := r.db.ApplyDelta(d); err != nil {
		return chainError(f.name, err)
	}
	return nil
}

// restoreUnverified restores a directory of files without dictdb's footer
// the way their writers ordered them: by the stamps in their names.
func restoreUnverified(ctx context.Context, dir string, files []backupFile, opts RestoreOptions) (*DB, *RestoreInfo, error) {
	fullAt := -1
	for i, f := range files {
		if f.full {
			fullAt = i
		}
	}
	if fullAt < 0 {
		return nil, nil, fmt.Errorf("%w: no full backup in %s", ErrBackupChain, dir)
	}
	info := &RestoreInfo{Full: files[fullAt].name}
	db, err := LoadContext(ctx, filepath.Join(dir, info.Full), Auto, opts.DBOptions...)
	if err != nil {
		return nil, info, fmt.Errorf("%w: full backup %s: %w", ErrBackupChain, info.Full, err)
	}
	prev := info.Full
	for _, f := range files[fullAt+1:] {
		if f.full {
			continue
		}
		err := db.applyDeltaFile(ctx, filepath.Join(dir, f.name), prev, info)
		if err != nil {
			err = fmt.Errorf("%w: delta %s: %w", ErrBackupChain, f.name, err)
			if opts.NewestConsistent && ctx.Err() == nil {
				info.Problem = err
				info.Skipped = append(info.Skipped, SkippedFile{Name: f.name, Err: err})
				return db, info, nil
			}
			return nil, info, err
		}
		info.Deltas = append(info.Deltas, f.name)
		prev = f.name
	}
	return db, info, nil
}

// applyDeltaFile reads one unverified delta file and applies it in one
// commit.
func (db *DB) applyDeltaFile(ctx context.Context, path, prev string, info *RestoreInfo) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	d, err := codec.ReadDelta(readerWithContext(ctx, file))
	if err != nil {
		return err
	}
	if d.Base != "" && d.Base != prev {
		return fmt.Errorf("it follows %s, but the file before it is %s", d.Base, prev)
	}
	if info.Seq != 0 && d.BaseSeq != 0 && d.BaseSeq != info.Seq {
		return fmt.Errorf("it starts at commit %d, but the chain reached commit %d", d.BaseSeq, info.Seq)
	}
	if err := db.ApplyDelta(d); err != nil {
		return err
	}
	info.Seq = d.Seq
	return nil
}

// A DeltaFile is the decoded content of a delta file, the incremental
// backup format that both the Python DictDB (JSON) and dictdb (JSON or
// binary) write: ReadDelta returns one and DB.ApplyDelta applies it. Its
// fields are those of the file: the tables, each with its upserted records
// (whole, normalized records), its deleted primary keys, and, when dictdb
// wrote it, the table's definition if new, its index definitions if they
// changed, its next auto key and whether it was dropped.
type DeltaFile = codec.Delta

// ReadDelta reads a delta file in either format, as written by a
// BackupManager or by the Python DictDB. Memory is bounded by the input's
// size. A file that is not a delta, or a damaged one, is an error wrapping
// ErrCorrupt.
func ReadDelta(r io.Reader) (*DeltaFile, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: ReadDelta needs a reader", ErrInvalidArgument)
	}
	return codec.ReadDelta(r)
}

// ApplyDelta applies a decoded delta to the database in one commit, through
// the normal write paths: tables the delta drops are dropped, tables it
// creates are created with their schema and indexes, a table's index
// definitions are replaced by the delta's when it carries them (indexes no
// longer defined are dropped before the rows change, new ones are built
// after), upserts replace (or insert) whole records, deletes of missing
// keys are ignored, and each table's auto-key counter moves to the delta's.
// Tables the delta names but the database lacks are created without schema
// when the delta carries no definition (the Python DictDB skips them;
// dictdb keeps their rows). Nothing is published on error.
func (db *DB) ApplyDelta(d *DeltaFile) error {
	if d == nil {
		return fmt.Errorf("%w: ApplyDelta needs a delta", ErrInvalidArgument)
	}
	names := make([]string, len(d.Tables))
	for i, t := range d.Tables {
		switch {
		case t.Name == "":
			return fmt.Errorf("%w: delta table %d has an empty name", ErrInvalidArgument, i)
		case slices.Contains(names[:i], t.Name):
			return fmt.Errorf("%w: delta table %q appears twice", ErrInvalidArgument, t.Name)
		case t.Created != nil && t.Created.Name != t.Name:
			return fmt.Errorf("%w: delta table %q: its definition names table %q", ErrInvalidArgument, t.Name, t.Created.Name)
		}
		names[i] = t.Name
	}
	_, err := db.store.Write(names, func(r *mvcc.Root[*tbl.Table]) ([]mvcc.Change[*tbl.Table], error) {
		var changes []mvcc.Change[*tbl.Table]
		for _, dt := range d.Tables {
			if dt.Dropped {
				changes = append(changes, mvcc.Change[*tbl.Table]{Name: dt.Name, Drop: true})
				continue
			}
			cur, exists := r.Table(dt.Name)
			next, err := applyTableDelta(cur, exists, &dt)
			if err != nil {
				return nil, inTable(dt.Name, err)
			}
			changes = append(changes, mvcc.Change[*tbl.Table]{Name: dt.Name, Value: next})
		}
		return changes, nil
	})
	return err
}

// applyTableDelta returns the version of table dt.Name that dt makes of
// cur (exists: whether there is a table of that name), for every part of
// dt but Dropped.
func applyTableDelta(cur *tbl.Table, exists bool, dt *codec.DeltaTable) (*tbl.Table, error) {
	var err error
	switch {
	case dt.Created != nil:
		cur, err = tableFromDump(dt.Created)
	case !exists:
		cur, err = tbl.New(dt.Name, "id", nil)
	}
	if err != nil {
		return nil, err
	}
	var want []idx.Def
	if dt.HasIndexes {
		// Keep the indexes that start the wanted list unchanged; drop the
		// others before the rows change, so that rows the table no longer
		// forbids go in; build the rest afterwards, in order.
		for _, x := range dt.Indexes {
			kind, ok := idx.ParseKind(x.Kind)
			if !ok {
				return nil, fmt.Errorf("%w: index on %q has the unknown kind %q", ErrInvalidIndex, x.Field, x.Kind)
			}
			want = append(want, idx.Def{Field: x.Field, Kind: kind, Unique: x.Unique})
		}
		have := cur.Indexes()
		same := 0
		for same < len(have) && same < len(want) && have[same] == want[same] {
			same++
		}
		for _, x := range have[same:] {
			if cur, err = cur.DropIndex(x.Field); err != nil {
				return nil, err
			}
		}
		want = want[same:]
	}
	next, err := cur.ApplyDelta(dt.Upserts, dt.Deletes)
	if err != nil {
		return nil, err
	}
	for _, x := range want {
		if next, err = next.CreateIndex(x); err != nil {
			return nil, err
		}
	}
	return next.WithNextID(max(dt.NextID, nextIDOf(dt.Created))), nil
}

func nextIDOf(d *codec.TableDump) int64 {
	if d == nil {
		return 0
	}
	return d.NextID
}
