package dictdb

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/dictdb-go/dictdb/internal/stored"
	"github.com/dictdb-go/dictdb/internal/wal"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// A DB is an in-memory database of named tables. It is safe for concurrent
// use by any number of goroutines; see the package documentation for the
// guarantees.
type DB struct {
	store *mvcc.Store[*tbl.Table]
	hub   *hub // the change feed and the watches
	log   *slog.Logger
	dur   *durable // the directory and log of a database Open opened, or nil
	sweep *sweeper // removes expired rows (see Table.SetTTL)

	sweepHook func(table string) // tests only: called before a table's sweep commits
}

// An Option configures New, Open, Load, LoadFrom, Save, SaveTo and
// WriteSnapshot. Every option is accepted by every one of them and applies
// where it means something: WithLogger to the database that New, Open or
// Load makes, AllowedDir to the path of Save and Load, PythonCompatible to
// what a save writes, WithSync, WithCheckpointSize and ReadOnly to Open,
// WithTTLSweep to the database that New, Open or Load makes, TableTTL to
// the tables Open and Load read.
type Option func(*options)

// options holds what the Options set.
type options struct {
	log        *slog.Logger
	allowedDir string
	omitExtras bool

	// Open's settings.
	sync     SyncPolicy
	hasSync  bool
	ckptSize int64
	readOnly bool
	fs       wal.FS // the file system of the directory; nil: the real one (tests set it)
	history  int    // WithChangeHistory
	noFeed   bool   // tests only: no Committer

	// TTL settings.
	sweep    time.Duration     // WithTTLSweep
	hasSweep bool              // WithTTLSweep was given
	ttl      map[string]string // TableTTL: table name -> field
}

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// WithLogger makes the DB log table-level events (creation, drops, restores)
// to l at debug and info levels. The default is silent: dictdb never writes
// to stderr by itself.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// New returns an empty database.
func New(opts ...Option) *DB {
	return newDB(collect(opts))
}

func newDB(o options) *DB {
	h := newHub(0, o.history)
	db := &DB{store: mvcc.NewAt(mvcc.RootOf[*tbl.Table](0, nil), mvcc.Committer[*tbl.Table](committer{h})), hub: h, log: o.log, sweep: newSweeper(o)}
	if o.noFeed {
		db.store = mvcc.New[*tbl.Table]()
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	db.log.Debug("Initialized an empty DictDB instance.")
	return db
}

// A TableOption configures a table at creation.
type TableOption func(*tableConfig)

type tableConfig struct {
	pk     string
	schema []tbl.Column
	hasSch bool
	ttl    string // WithTTL
	err    error  // an option that could not apply, reported by newTable
}

// PrimaryKey names the primary-key field (default "id"). Its values must be
// integers or strings; a record without one gets the next auto key.
func PrimaryKey(field string) TableOption {
	return func(c *tableConfig) { c.pk = field }
}

// WithSchema gives the table a schema: every listed field is required and
// non-null, of its type, and no other field is allowed. If the primary key
// is not listed it is added as an Int column, as the Python DictDB does.
func WithSchema(cols ...Column) TableOption {
	return func(c *tableConfig) { c.schema, c.hasSch = slices.Clone(cols), true }
}

// Col returns a schema column.
func Col(name string, t Type) Column { return Column{Name: name, Type: t} }

// CreateTable creates an empty table and returns its handle. It fails with
// ErrTableExists if the name is taken, and ErrInvalidArgument for an empty
// name, an empty primary-key name or a bad schema.
func (db *DB) CreateTable(name string, opts ...TableOption) (*Table, error) {
	t, err := newTable(name, opts)
	if err != nil {
		return nil, err
	}
	if err := db.addTable(t); err != nil {
		return nil, err
	}
	if t.TTL() != "" {
		db.sweep.ensure(db)
	}
	db.log.Info("Created table.", "table", name, "pk", t.PrimaryKey())
	return &Table{db: db, name: name, id: t.ID()}, nil
}

// newTable builds an empty table version from its options.
func newTable(name string, opts []TableOption) (*tbl.Table, error) {
	cfg := tableConfig{pk: "id"}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	if name == "" {
		return nil, &tbl.Error{Err: ErrInvalidArgument, Msg: "table names must not be empty"}
	}
	var schema *tbl.Schema
	if cfg.hasSch {
		s, err := tbl.NewSchema(cfg.pk, cfg.schema)
		if err != nil {
			return nil, err
		}
		schema = s
	}
	t, err := tbl.New(name, cfg.pk, schema)
	if err != nil || cfg.ttl == "" {
		return t, err
	}
	return t.WithTTL(cfg.ttl)
}

// restoreRecords returns t with recs added, taking the records over without
// a copy: recs must be normalized, and owned by the caller, who never
// touches them again (a decoder's output). See stored.Restore.
func restoreRecords(t *tbl.Table, recs []map[string]any) (*tbl.Table, error) {
	next, err := stored.Restore(t, recs)
	return next.(*tbl.Table), err
}

// inTable names the table an error concerns, unless the error names it
// already.
func inTable(name string, err error) error {
	var e *tbl.Error
	if errors.As(err, &e) && e.Table != "" {
		return err
	}
	return fmt.Errorf("table %q: %w", name, err)
}

// addTable publishes a new table version under its name, failing if the
// name is taken.
func (db *DB) addTable(t *tbl.Table) error {
	_, err := db.store.Write([]string{t.Name()}, func(r *mvcc.Root[*tbl.Table]) ([]mvcc.Change[*tbl.Table], error) {
		if _, exists := r.Table(t.Name()); exists {
			return nil, mvcc.Exists(t.Name())
		}
		return []mvcc.Change[*tbl.Table]{{Name: t.Name(), Value: t}}, nil
	})
	return err
}

// Table returns a handle on the named table, or an error wrapping
// ErrTableNotFound. A handle stays bound to the table it was obtained for:
// if that table is dropped, the handle's calls with an error result fail
// with ErrTableNotFound, even if a new table of the same name is created
// later, and the others return zero values (see Table).
func (db *DB) Table(name string) (*Table, error) {
	t, ok := db.store.Load().Table(name)
	if !ok {
		return nil, mvcc.NotFound(name)
	}
	return &Table{db: db, name: name, id: t.ID()}, nil
}

// DropTable removes the named table, or fails with ErrTableNotFound.
// Snapshots taken before the drop still see the table.
func (db *DB) DropTable(name string) error {
	_, err := db.store.Write([]string{name}, func(r *mvcc.Root[*tbl.Table]) ([]mvcc.Change[*tbl.Table], error) {
		if _, exists := r.Table(name); !exists {
			return nil, mvcc.NotFound(name)
		}
		return []mvcc.Change[*tbl.Table]{{Name: name, Drop: true}}, nil
	})
	if err == nil {
		db.log.Info("Dropped table.", "table", name)
	}
	return err
}

// TableNames returns the names of the tables in sorted order.
func (db *DB) TableNames() []string { return db.store.Load().Names() }

// Snapshot returns a consistent, read-only view of every table as of now, in
// constant time. It never blocks and never changes.
func (db *DB) Snapshot() *Snapshot { return snapshotOf(db.store.Load()) }

// Seq returns the sequence number of the latest commit.
func (db *DB) Seq() uint64 { return db.store.Load().Seq() }

// Restore puts the whole database back to the state of snap, atomically:
// tables created since snap are dropped, tables dropped since come back, and
// every table holds exactly its rows as of snap. The auto keys of a table
// that exists when Restore runs are not rolled back: the restored table of
// that name goes on from the larger of its next auto key in snap and the
// live table's, so a key the live table handed out is not handed out again.
// A table that was dropped comes back with the next auto key it had in
// snap. Handles obtained before stay bound to their tables: a handle on a
// table that snap restores works again. Restore waits for running writers
// of every table involved and produces a new commit. Called from inside an
// Update function whose transaction holds one of those tables, it fails at
// once with ErrReentrantWrite, changing nothing.
func (db *DB) Restore(snap *Snapshot) error {
	if snap == nil || snap.state().IsZero() {
		return &tbl.Error{Err: ErrInvalidArgument, Msg: "Restore needs a snapshot taken by DB.Snapshot"}
	}
	// Never lower a live table's next auto key: the rule depends only on
	// the two roots, so a database saved and loaded in between behaves
	// the same.
	adjust := func(cur *mvcc.Root[*tbl.Table], name string, v *tbl.Table) *tbl.Table {
		if live, ok := cur.Table(name); ok {
			return v.WithNextID(live.NextID())
		}
		return v
	}
	if _, err := db.store.Replace(snap.state(), adjust); err != nil {
		return err
	}
	db.sweep.ensureFor(db, snap.state())
	db.log.Info("Restored database.", "seq", snap.Seq())
	return nil
}

// RestoreExact is Restore without its exception for auto keys: every table,
// including one that exists when it runs, takes exactly the next auto key it
// had in snap, so the database becomes snap's state in every respect that a
// binary dump records. It is for copies that must stay identical to another
// one, such as a replica installing its leader's snapshot; unlike Restore,
// a key the live table handed out may be handed out again. Everything else
// (atomicity, handles, waiting for writers, ErrReentrantWrite) is as for
// Restore.
func (db *DB) RestoreExact(snap *Snapshot) error {
	if snap == nil || snap.state().IsZero() {
		return &tbl.Error{Err: ErrInvalidArgument, Msg: "RestoreExact needs a snapshot taken by DB.Snapshot"}
	}
	if _, err := db.store.Replace(snap.state(), nil); err != nil {
		return err
	}
	db.sweep.ensureFor(db, snap.state())
	db.log.Info("Restored database exactly.", "seq", snap.Seq())
	return nil
}
