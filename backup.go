package dictdb

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/stored"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/snapshot"
	"github.com/dictdb-go/dictdb/tbl"
)

// A Clock tells the time and waits. BackupOptions takes one so that tests
// can drive the schedule without sleeping; the default is the real clock.
type Clock interface {
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
	// Format of full backups: JSON (the default when zero) or Binary. Delta
	// files are always JSON, in the Python DictDB's delta format.
	Format Format
	// MinInterval is the debounce window of NotifyChange: a change notified
	// sooner than this after the last successful backup is backed up when
	// the window ends. 0 means 5 seconds; negative means no debounce.
	MinInterval time.Duration
	// OnFailure, if set, is called after each failed backup with the error
	// and the number of consecutive failures so far. It runs on the
	// goroutine that ran the backup; a panic in it is recovered and logged.
	OnFailure func(err error, consecutive int)
	// OnBackup, if set, is called after each backup that wrote a file.
	OnBackup func(BackupResult)
	// Incremental makes BackupNow write delta files (only what changed since
	// the previous backup) between full backups.
	Incremental bool
	// MaxDeltas is how many deltas may follow a full backup before BackupNow
	// writes a full one again; 0 means 10.
	MaxDeltas int
	// Keep is how many full backups to keep, with the deltas that depend on
	// them; older files are removed after each full backup. 0 keeps all.
	Keep int
	// FinalBackup makes Stop run one last BackupNow.
	FinalBackup bool
	// Clock drives the schedule; nil means the real clock.
	Clock Clock
	// Logger receives backup events; nil means the DB's logger.
	Logger *slog.Logger
}

// BackupResult describes one backup that wrote a file.
type BackupResult struct {
	Path  string // the file written
	Full  bool   // a full backup, or a delta
	Seq   uint64 // the commit the file reflects
	Time  time.Time
	Bytes int64
}

// ErrBackupState is returned by Start on a manager already started or
// stopped.
var ErrBackupState = errors.New("backup manager cannot start")

// A BackupManager takes full and incremental backups of a DB into a
// directory, periodically, on demand and after notified changes. Backups
// are written from snapshots, so they are consistent (a transaction is in a
// backup entirely or not at all) and never block writers. Every file is
// written crash-safely (temporary file, fsync, rename) and names are unique
// even within one clock tick: the manager bumps the stamp itself.
//
// A BackupManager is safe for concurrent use. Backups are serialized. The
// manager keeps the snapshot of its last backup to diff the next delta
// against, which keeps that version's rows alive until the next backup.
type BackupManager struct {
	db    *DB
	dir   string
	opts  BackupOptions
	clock Clock
	log   *slog.Logger

	mu          sync.Mutex // serializes backups and guards the fields below
	last        *Snapshot  // the state of the last backup, for deltas
	lastFile    string     // its file name
	lastStamp   int64      // the last stamp used, in microseconds
	lastSuccess time.Time  // of the last successful backup, for the debounce
	failures    int
	deltas      int

	notify    chan struct{}
	stop      chan struct{}
	done      chan struct{}
	stateMu   sync.Mutex
	started   bool
	stopped   bool
	stopError error
}

// NewBackupManager returns a manager writing to dir, which it creates if
// needed. It does not start the periodic schedule; call Start.
func NewBackupManager(db *DB, dir string, opts BackupOptions) (*BackupManager, error) {
	if db == nil || dir == "" {
		return nil, fmt.Errorf("%w: NewBackupManager needs a DB and a directory", ErrInvalidRecord)
	}
	if opts.Format == 0 {
		opts.Format = JSON
	}
	if err := checkFormat(opts.Format, false); err != nil {
		return nil, err
	}
	if opts.Interval < 0 || opts.MaxDeltas < 0 || opts.Keep < 0 {
		return nil, fmt.Errorf("%w: Interval, MaxDeltas and Keep must not be negative", ErrInvalidRecord)
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
		db: db, dir: dir, opts: opts, clock: opts.Clock, log: opts.Logger,
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
// goroutine of the manager. It fails with ErrBackupState if the manager was
// started or stopped before.
func (m *BackupManager) Start() error {
	m.stateMu.Lock()
	defer m.stateMu.Unlock()
	if m.started || m.stopped {
		return fmt.Errorf("%w: it was already started or stopped", ErrBackupState)
	}
	m.started = true
	go m.loop()
	return nil
}

// Stop ends the schedule and waits for a running backup to finish, then,
// with FinalBackup, runs one last backup and returns its error. Stop is
// idempotent and safe before Start.
func (m *BackupManager) Stop() error {
	m.stateMu.Lock()
	defer m.stateMu.Unlock()
	if m.stopped {
		return m.stopError
	}
	m.stopped = true
	close(m.stop)
	if m.started {
		<-m.done
	}
	if m.opts.FinalBackup {
		m.stopError = m.BackupNow()
	}
	return m.stopError
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
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.failures
}

// DeltasSinceFull returns how many deltas were written since the last full
// backup.
func (m *BackupManager) DeltasSinceFull() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.deltas
}

func (m *BackupManager) loop() {
	defer close(m.done)
	tick := m.clock.After(m.opts.Interval)
	var pending <-chan time.Time // the end of a debounce window
	for {
		select {
		case <-m.stop:
			return
		case <-tick:
			m.BackupNow()
			tick = m.clock.After(m.opts.Interval)
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
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.opts.Incremental && m.last != nil && m.deltas < m.opts.MaxDeltas {
		return m.record(m.delta())
	}
	return m.record(m.full())
}

// BackupFull writes a full backup now.
func (m *BackupManager) BackupFull() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.record(m.full())
}

// BackupDelta writes a delta with the changes since the last backup, or
// nothing if there are none. Without an earlier backup by this manager it
// writes a full backup instead, the base every delta needs.
func (m *BackupManager) BackupDelta() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil {
		return m.record(m.full())
	}
	return m.record(m.delta())
}

// record counts a backup's outcome; m.mu is held.
func (m *BackupManager) record(res *BackupResult, err error) error {
	if err != nil {
		m.failures++
		n := m.failures
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
	m.failures = 0
	if res != nil {
		m.lastSuccess = res.Time
		m.log.Info("Backup written.", "path", res.Path, "full", res.Full, "seq", res.Seq)
		if m.opts.OnBackup != nil {
			m.opts.OnBackup(*res)
		}
	}
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

const (
	fullPrefix  = "dictdb_backup_"
	deltaPrefix = "dictdb_delta_"
)

func (m *BackupManager) full() (*BackupResult, error) {
	now := m.clock.Now()
	snap := m.db.Snapshot()
	ext := "json"
	if m.opts.Format == Binary {
		ext = "bin"
	}
	name := m.stamp(now, fullPrefix, ext)
	path := filepath.Join(m.dir, name)
	var n int64
	err := writeFileAtomic(path, func(w io.Writer) error {
		cw := &byteCounter{w: w}
		err := writeSnapshot(cw, snap, m.opts.Format, saveConfig{})
		n = cw.n
		return err
	})
	if err != nil {
		return nil, err
	}
	m.last, m.lastFile, m.deltas = snap, name, 0
	m.prune()
	return &BackupResult{Path: path, Full: true, Seq: snap.Seq(), Time: now, Bytes: n}, nil
}

func (m *BackupManager) delta() (*BackupResult, error) {
	now := m.clock.Now()
	snap := m.db.Snapshot()
	diff := snapshot.Diff(m.last, snap)
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
			dt.NextID = v.Version().NextID()
			if td.Created {
				dt.Created = tableDump(v.Version())
			}
		}
		for _, r := range td.Upserts {
			dt.Upserts = append(dt.Upserts, stored.Record(r))
		}
		d.Tables = append(d.Tables, dt)
	}
	name := m.stamp(now, deltaPrefix, "json")
	path := filepath.Join(m.dir, name)
	var n int64
	err := writeFileAtomic(path, func(w io.Writer) error {
		cw := &byteCounter{w: w}
		err := codec.WriteDelta(cw, d)
		n = cw.n
		return err
	})
	if err != nil {
		return nil, err
	}
	m.last, m.lastFile = snap, name
	m.deltas++
	return &BackupResult{Path: path, Seq: snap.Seq(), Time: now, Bytes: n}, nil
}

// prune removes full backups beyond Keep, and the deltas older than the
// oldest full backup kept; m.mu is held.
func (m *BackupManager) prune() {
	if m.opts.Keep == 0 {
		return
	}
	files, err := listBackups(m.dir)
	if err != nil {
		m.log.Error("Backup retention: " + err.Error())
		return
	}
	var fulls []backupFile
	for _, f := range files {
		if f.full {
			fulls = append(fulls, f)
		}
	}
	if len(fulls) <= m.opts.Keep {
		return
	}
	oldestKept := fulls[len(fulls)-m.opts.Keep].stamp
	for _, f := range files {
		if f.stamp < oldestKept {
			if err := os.Remove(filepath.Join(m.dir, f.name)); err != nil {
				m.log.Error("Backup retention: " + err.Error())
			}
		}
	}
}

type byteCounter struct {
	w io.Writer
	n int64
}

func (c *byteCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// backupFile is a backup file found in a directory.
type backupFile struct {
	name  string
	stamp int64 // microseconds
	full  bool
}

// listBackups returns the directory's backup files in stamp order.
func listBackups(dir string) ([]backupFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []backupFile
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		var f backupFile
		var rest string
		switch {
		case strings.HasPrefix(name, fullPrefix):
			f.full, rest = true, strings.TrimPrefix(name, fullPrefix)
		case strings.HasPrefix(name, deltaPrefix):
			rest = strings.TrimPrefix(name, deltaPrefix)
		default:
			continue
		}
		stem, _, ok := strings.Cut(rest, ".")
		secs, micros, ok2 := strings.Cut(stem, "_")
		s, err1 := strconv.ParseInt(secs, 10, 64)
		us, err2 := strconv.ParseInt(micros, 10, 64)
		if !ok || !ok2 || err1 != nil || err2 != nil || strings.HasPrefix(name, ".") {
			continue
		}
		f.name, f.stamp = name, s*1_000_000+us
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b backupFile) int {
		if a.stamp != b.stamp {
			return int(a.stamp - b.stamp)
		}
		return strings.Compare(a.name, b.name)
	})
	return out, nil
}

// ErrBackupChain is returned by RestoreBackup when the backup files do not
// form a complete chain: a delta is missing, corrupt, or does not follow the
// file before it.
var ErrBackupChain = errors.New("broken backup chain")

// RestoreOptions configures RestoreBackup.
type RestoreOptions struct {
	// NewestConsistent makes a broken chain restore the newest consistent
	// point (the full backup and the deltas before the break) instead of
	// failing; RestoreInfo.Problem then says what was skipped.
	NewestConsistent bool
	// DB options for the restored database (a logger, ...).
	DBOptions []Option
}

// RestoreInfo says what RestoreBackup restored.
type RestoreInfo struct {
	Full    string   // the full backup loaded
	Deltas  []string // the deltas applied, in order
	Seq     uint64   // the commit the restored data reflects (0 if unknown)
	Problem error    // with NewestConsistent: why the chain stopped early
}

// RestoreBackup rebuilds a database from a backup directory: the newest full
// backup, then every later delta in order, applied through the normal write
// paths (schemas, unique indexes, index maintenance and the auto-key counter
// are all restored exactly). Each delta must follow the file before it; a
// missing or corrupt file is an error wrapping ErrBackupChain (or ErrCorrupt
// for the full backup), unless opts.NewestConsistent asks for the newest
// consistent point instead.
func RestoreBackup(dir string, opts RestoreOptions) (*DB, *RestoreInfo, error) {
	files, err := listBackups(dir)
	if err != nil {
		return nil, nil, err
	}
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
	loadOpts := make([]LoadOption, len(opts.DBOptions))
	for i, o := range opts.DBOptions {
		loadOpts[i] = o
	}
	db, err := Load(filepath.Join(dir, info.Full), Auto, loadOpts...)
	if err != nil {
		return nil, info, fmt.Errorf("%w: full backup %s: %w", ErrBackupChain, info.Full, err)
	}
	prev := info.Full
	for _, f := range files[fullAt+1:] {
		if f.full {
			continue
		}
		err := db.applyDeltaFile(filepath.Join(dir, f.name), prev, info)
		if err != nil {
			err = fmt.Errorf("%w: delta %s: %w", ErrBackupChain, f.name, err)
			if opts.NewestConsistent {
				info.Problem = err
				return db, info, nil
			}
			return nil, info, err
		}
		info.Deltas = append(info.Deltas, f.name)
		prev = f.name
	}
	return db, info, nil
}

// applyDeltaFile reads one delta file and applies it in one commit.
func (db *DB) applyDeltaFile(path, prev string, info *RestoreInfo) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	d, err := codec.ReadDelta(file)
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

// ApplyDelta applies a decoded delta to the database in one commit, through
// the normal write paths: tables the delta drops are dropped, tables it
// creates are created with their schema and indexes, upserts replace (or
// insert) whole records, deletes of missing keys are ignored, and each
// table's auto-key counter moves to the delta's. Tables the delta names but
// the database lacks are created without schema when the delta carries no
// definition (the Python DictDB skips them; dictdb keeps their rows).
// Nothing is published on error.
func (db *DB) ApplyDelta(d *codec.Delta) error {
	if d == nil {
		return fmt.Errorf("%w: ApplyDelta needs a delta", ErrInvalidRecord)
	}
	names := make([]string, len(d.Tables))
	for i, t := range d.Tables {
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
			var err error
			switch {
			case dt.Created != nil:
				cur, err = tableFromDump(dt.Created)
			case !exists:
				cur, err = tbl.New(dt.Name, "id", nil)
			}
			if err != nil {
				return nil, fmt.Errorf("table '%s': %w", dt.Name, err)
			}
			next, err := cur.ApplyDelta(dt.Upserts, dt.Deletes)
			if err != nil {
				return nil, fmt.Errorf("table '%s': %w", dt.Name, err)
			}
			next = next.WithNextID(max(dt.NextID, nextIDOf(dt.Created)))
			changes = append(changes, mvcc.Change[*tbl.Table]{Name: dt.Name, Value: next})
		}
		return changes, nil
	})
	return err
}

func nextIDOf(d *codec.TableDump) int64 {
	if d == nil {
		return 0
	}
	return d.NextID
}
