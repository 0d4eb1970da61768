package dictdb

import (
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// DefaultTTLSweep is how often a database's sweeper removes expired rows
// unless WithTTLSweep says otherwise.
const DefaultTTLSweep = time.Second

// The clock that expiry reads and the sweeper waits on: the real one
// unless a test replaces it (see export_test.go).
var ttlClock atomic.Pointer[clockBox]

type clockBox struct{ c clock }

// now returns the time expiry is judged at.
func now() time.Time {
	if b := ttlClock.Load(); b != nil {
		return b.c.Now()
	}
	return time.Now()
}

// after returns a channel that receives once d has passed on the clock.
func after(d time.Duration) <-chan time.Time {
	if b := ttlClock.Load(); b != nil {
		return b.c.After(d)
	}
	return time.After(d)
}

// viewOf returns the View of a table version as reads see it now: without
// the rows its TTL field expired. Every read goes through here.
func viewOf(t *tbl.Table) *View { return &View{t: live(t)} }

// live returns t without the rows expired now; a table without a TTL does
// not even read the clock.
func live(t *tbl.Table) *tbl.Table {
	if t.TTL() == "" {
		return t
	}
	return t.Live(now())
}

// WithTTL makes the table's rows expire: a row whose field holds a
// time.Time before now is expired. Expired rows are never returned by a
// read made after they expired, even before the sweeper removes them;
// a row whose field is missing or holds anything else (a string, a
// number, nil) never expires. See Table.SetTTL for the details. An empty
// field makes CreateTable fail with ErrInvalidArgument.
func WithTTL(field string) TableOption {
	return func(c *tableConfig) {
		if field == "" {
			c.err = &tbl.Error{Err: ErrInvalidArgument, Msg: "WithTTL needs a field name"}
			return
		}
		c.ttl = field
	}
}

// WithTTLSweep sets how often the sweeper of the database New, Open or
// Load makes removes expired rows (default DefaultTTLSweep). d <= 0 turns
// the sweeper off: expired rows are still hidden from every read, and are
// removed by the next write of their table and by DB.Sweep.
func WithTTLSweep(d time.Duration) Option {
	return func(o *options) { o.sweep, o.hasSweep = d, true }
}

// TableTTL declares, for Load, LoadFrom and Open, that the table named
// table expires its rows on field, as Table.SetTTL does, before any read
// can see it: the TTL setting is not stored in files, backups or the
// write-ahead log, so a database that is loaded or opened again declares
// it anew. A name the database does not hold is ignored. Empty names, and
// a field that SetTTL rejects, make Load or Open fail with an error
// wrapping ErrInvalidArgument. Other calls ignore it.
func TableTTL(table, field string) Option {
	return func(o *options) {
		if o.ttl == nil {
			o.ttl = map[string]string{}
		}
		o.ttl[table] = field
	}
}

// checkTTLDecls validates the TableTTL declarations of o.
func checkTTLDecls(o *options) error {
	for table, field := range o.ttl {
		if table == "" || field == "" {
			return &tbl.Error{Err: ErrInvalidArgument, Table: table, Field: field,
				Msg: "TableTTL needs a table name and a field name"}
		}
	}
	return nil
}

// applyTTL returns t with the TTL field decls (TableTTL) declare for it, if any.
func applyTTL(decls map[string]string, t *tbl.Table) (*tbl.Table, error) {
	field, ok := decls[t.Name()]
	if !ok {
		return t, nil
	}
	return t.WithTTL(field)
}

// declareTTL gives the tables of a database just loaded the TTL fields o
// declares, before the database is handed out.
func (db *DB) declareTTL(o *options) error {
	for table, field := range o.ttl {
		t, err := db.Table(table)
		if err != nil {
			continue
		}
		if err := t.SetTTL(field); err != nil {
			return err
		}
	}
	return nil
}

// SetTTL makes the table's rows expire on field: a row whose field holds
// a time.Time before the current time is expired, and every read made
// from then on (Get, Select, Rows, Count, CountWhere, All, Scan,
// Aggregate, Records, Keys, Copy, Columns, CSV exports, typed reads,
// views, snapshots, watches' reads) leaves it out, also when the read is
// of a Snapshot or View taken before it expired: expiry is judged when a
// view is made (Snapshot.Table, Table.View, or each read of a Table).
// Writes do not see expired rows either: a write of the table removes the
// rows expired at its commit, in that commit (an Insert may then reuse
// such a row's key). Rows whose field is missing or holds anything but a
// time.Time (a string, a number, nil) never expire.
//
// The database's sweeper (one goroutine per database, started with the
// first TTL; see WithTTLSweep) deletes expired rows in ordinary commits,
// one per table, which the change feed, watches, backups and the log see
// as deletions. A sweep deletes exactly the rows expired when its commit
// is made, under the table's lock, so a row whose time was moved to the
// future meanwhile is kept. Expiry follows the clock: if it steps back,
// rows not yet removed read as live again. Watches fire at the sweep's
// commit, not at the instant of expiry.
//
// If field has no index, SetTTL creates a sorted index on it (in the same
// commit), so that finding expired rows is one range lookup; without a
// sorted index on the field (after DropIndex, or with a hash index) every
// read of the table scans it. SetTTL with the field already set changes
// nothing; another field replaces it. Like every write, SetTTL removes the
// rows expired (under the field set before) at its commit.
//
// The setting is not stored in files (Save, backups, checkpoints) or in
// the write-ahead log, whose formats have no place for it: declare it
// again with the TableTTL option of Load and Open. Those files hold the
// rows the sweeper has not removed yet, expired or not.
//
// SetTTL fails, changing nothing, with ErrInvalidArgument for an empty
// field (ClearTTL turns expiry off), the primary-key field (keys are never
// times) and a table with a schema (no schema type holds a time), and
// with ErrTableNotFound once the table was dropped.
func (t *Table) SetTTL(field string) error {
	if field == "" {
		return &tbl.Error{Err: ErrInvalidArgument, Table: t.name,
			Msg: "SetTTL needs a field name (ClearTTL turns expiry off)"}
	}
	if err := t.write(func(cur *tbl.Table) (*tbl.Table, error) { return cur.WithTTL(field) }); err != nil {
		return err
	}
	t.db.sweep.ensure(t.db)
	return nil
}

// ClearTTL turns expiry off. Like every write of the table, it removes
// the rows expired at its commit (reads no longer returned them); after it
// no row expires. The index SetTTL created stays. It fails with
// ErrTableNotFound once the table was dropped.
func (t *Table) ClearTTL() error {
	return t.write(func(cur *tbl.Table) (*tbl.Table, error) { return cur.WithTTL("") })
}

// TTL returns the field whose time expires rows (see SetTTL), or "" for
// none or once the table was dropped.
func (t *Table) TTL() string {
	if v, err := t.version(); err == nil {
		return v.TTL()
	}
	return ""
}

// TTL returns the field whose time expires rows (see Table.SetTTL), or ""
// for none.
func (v *View) TTL() string { return v.t.TTL() }

// Sweep removes the rows expired now from every table with a TTL, one
// commit per table that holds any, and returns how many it removed: what
// the background sweeper does at every tick. It waits for the writers of
// each such table, as any write does, and fails as a write does (for
// example with ErrClosed, or ErrReentrantWrite from inside an Update
// function holding such a table); the tables swept before the failure
// stay swept.
func (db *DB) Sweep() (int, error) {
	return db.sweepAll(nil)
}

// sweepAll sweeps every table with a TTL, stopping early (without error)
// once stop is closed.
func (db *DB) sweepAll(stop <-chan struct{}) (int, error) {
	root := db.store.Load()
	total := 0
	for _, name := range root.Names() {
		if stop != nil {
			select {
			case <-stop:
				return total, nil
			default:
			}
		}
		v, _ := root.Table(name)
		if v.TTL() == "" {
			continue
		}
		if db.sweepHook != nil {
			db.sweepHook(name)
		}
		n, err := db.sweepTable(name, v.ID())
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// sweepTable deletes the rows of the named table (if it is still the one
// with identity id) expired at the time of the commit.
func (db *DB) sweepTable(name string, id uint64) (int, error) {
	n := 0
	_, err := db.store.Write([]string{name}, func(r *mvcc.Root[*tbl.Table]) ([]mvcc.Change[*tbl.Table], error) {
		cur, ok := r.Table(name)
		if !ok || cur.ID() != id {
			return nil, nil
		}
		next := live(cur)
		if next == cur {
			return nil, nil
		}
		n = cur.Len() - next.Len()
		return []mvcc.Change[*tbl.Table]{{Name: name, Value: next}}, nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// A sweeper runs a database's background sweeps: one goroutine per
// database, started with the first TTL, stopped by Close. The goroutine
// holds the database only weakly, so an in-memory database that is never
// closed is still collected, and its sweeper ends.
type sweeper struct {
	interval time.Duration // <= 0: no background sweeps

	started atomic.Bool
	mu      sync.Mutex
	stopped bool // Close was called: never start again
	busy    bool // a sweep is running
	stop    chan struct{}
	done    chan struct{} // closed when the goroutine ends
}

func newSweeper(o options) *sweeper {
	s := &sweeper{interval: DefaultTTLSweep}
	if o.hasSweep {
		s.interval = o.sweep
	}
	return s
}

// ensure starts the goroutine, unless it runs, was stopped or sweeps are
// off.
func (s *sweeper) ensure(db *DB) {
	if s.interval <= 0 || s.started.Load() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped || s.started.Load() {
		return
	}
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	s.started.Store(true)
	w := weak.Make(db)
	runtime.AddCleanup(db, func(s *sweeper) { s.halt() }, s)
	go s.run(w, db.log)
}

// ensureFor starts the sweeper if any table of r has a TTL.
func (s *sweeper) ensureFor(db *DB, r *mvcc.Root[*tbl.Table]) {
	if s.interval <= 0 || s.started.Load() {
		return
	}
	for _, name := range r.Names() {
		if v, _ := r.Table(name); v.TTL() != "" {
			s.ensure(db)
			return
		}
	}
}

func (s *sweeper) run(w weak.Pointer[DB], log *slog.Logger) {
	defer close(s.done)
	for {
		select {
		case <-s.stop:
			return
		case <-after(s.interval):
		}
		if !s.begin() {
			return
		}
		if db := w.Value(); db != nil {
			if n, err := db.sweepAll(s.stop); err != nil && !errors.Is(err, ErrClosed) {
				log.Error("TTL sweep failed.", "err", err, "removed", n)
			}
		} else {
			s.end()
			return
		}
		s.end()
	}
}

// begin marks a sweep as running, unless the sweeper was stopped.
func (s *sweeper) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	s.busy = true
	return true
}

func (s *sweeper) end() {
	s.mu.Lock()
	s.busy = false
	s.mu.Unlock()
}

// halt stops the sweeper for good. It returns a channel to wait on for the
// goroutine to end, or nil if there is none or it is in a sweep: a sweep
// may be waiting for a table lock the caller holds (Close called from an
// Update function), so halt never makes its caller wait for one; the
// goroutine then ends as soon as the sweep does.
func (s *sweeper) halt() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	s.stopped = true
	if !s.started.Load() {
		return nil
	}
	close(s.stop)
	if s.busy {
		return nil
	}
	return s.done
}

// SetTTL is Table.SetTTL inside the transaction.
func (t *TxTable) SetTTL(field string) error {
	if field == "" {
		return &tbl.Error{Err: ErrInvalidArgument, Table: t.name,
			Msg: "SetTTL needs a field name (ClearTTL turns expiry off)"}
	}
	err := t.write(func(cur *tbl.Table) (*tbl.Table, error) { return cur.WithTTL(field) })
	if err == nil {
		t.tx.mu.Lock()
		t.tx.ttl = true
		t.tx.mu.Unlock()
	}
	return err
}

// ClearTTL is Table.ClearTTL inside the transaction.
func (t *TxTable) ClearTTL() error {
	return t.write(func(cur *tbl.Table) (*tbl.Table, error) { return cur.WithTTL("") })
}

// TTL is Table.TTL on the staged version.
func (t *TxTable) TTL() string {
	if v, err := t.cur(); err == nil {
		return v.TTL()
	}
	return ""
}
