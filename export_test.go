package dictdb

import (
	"io"

	"github.com/dictdb-go/dictdb/internal/wal"
	"github.com/dictdb-go/dictdb/tbl"
)

// TableVersion returns the table version v reads, for tests that walk the
// read API of package tbl under the public one.
func TableVersion(v *View) *tbl.Table { return v.t }

// Clock is the clock of a BackupManager's schedule.
type Clock = clock

// WithClock returns opts with the schedule driven by c instead of the real
// clock, for tests that move time by hand.
func WithClock(opts BackupOptions, c Clock) BackupOptions {
	opts.clock = c
	return opts
}

// WithFS makes Open work in the file system fsys (a *wal.FaultFS) instead
// of the real one; Open then takes no directory lock.
func WithFS(fsys wal.FS) Option { return func(o *options) { o.fs = fsys } }

// WatchCount returns the number of watches registered in db.
func WatchCount(db *DB) int {
	db.hub.mu.Lock()
	defer db.hub.mu.Unlock()
	return db.hub.watches.n
}

// SelectWatchSeq is SelectWatch, also returning the sequence number of the
// version it read.
func SelectWatchSeq(t *Table, q Query) ([]Record, *Watch, uint64, error) {
	return t.selectWatch(q)
}

// WithoutFeed makes New return a database without a Committer, for
// benchmarks that measure what the feed costs. Its feed and watches never
// fire.
func WithoutFeed() Option { return func(o *options) { o.noFeed = true } }

// FiredAt returns the sequence number of the commit that fired w (0: not
// fired).
func FiredAt(w *Watch) uint64 {
	w.w.h.mu.Lock()
	defer w.w.h.mu.Unlock()
	return w.w.firedAt
}

// FailWrites makes every file m writes fail with err.
func FailWrites(m *BackupManager, err error) {
	m.testWrap = func(io.Writer) io.Writer { return refusingWriter{err} }
}

type refusingWriter struct{ err error }

func (w refusingWriter) Write([]byte) (int, error) { return 0, w.err }

// SetTTLClock makes expiry and the TTL sweepers of every database read c
// instead of the real clock, until the returned function is called.
func SetTTLClock(c Clock) (restore func()) {
	ttlClock.Store(&clockBox{c})
	return func() { ttlClock.Store(nil) }
}

// SetSweepHook makes db's sweeps call hook with a table's name after they
// chose to sweep it and before they commit.
func SetSweepHook(db *DB, hook func(table string)) { db.sweepHook = hook }

// WaitSweeper waits until the sweeper goroutine of db, if one was started,
// has ended; call it after Close.
func WaitSweeper(db *DB) {
	if db.sweep.started.Load() {
		<-db.sweep.done
	}
}
