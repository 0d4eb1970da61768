package fuzz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/plancover"
)

// errNoPersistence is what a save/load operation reports while the library
// has no persistence to exercise.
var errNoPersistence = errors.New("persistence not available")

// roundTrip saves db in format (0 JSON, 1 binary) and loads it back. It is
// nil while dictdb has no persistence API; see persist.go in this package.
var roundTrip func(db *dictdb.DB, format int) (*dictdb.DB, error)

// Config is a metamorphic configuration of the real database: extra work
// that must not change any result.
type Config struct {
	Name string
	// Index gives every new table an index of this kind on every
	// non-key field of the domain (0: none). Mixed alternates the kinds.
	Index dictdb.IndexKind
	Mixed bool
	// SnapEvery takes a snapshot after every SnapEvery operations and
	// checks, at each later one, that every snapshot taken still reads as
	// it did when taken.
	SnapEvery int
	// SaveLoadEvery replaces the database by a save/load round trip of it
	// after every SaveLoadEvery operations.
	SaveLoadEvery int
}

// Real adapts a *dictdb.DB to the DB interface.
type Real struct {
	DB    *dictdb.DB
	cfg   Config
	slots [NumSlots]*dictdb.Snapshot
	steps int
	held  []heldSnap
	// Problems collects broken invariants of the metamorphic checks.
	Problems []string
	// Plans, if set, counts the strategy of every Select's plan.
	Plans *plancover.Counter
	// dir is the directory of a durable database (NewDurableReal), or "".
	dir string
}

type heldSnap struct {
	snap *dictdb.Snapshot
	dump string
	step int
}

// NewReal returns an adapter over a new database.
func NewReal(cfg Config) *Real { return &Real{DB: dictdb.New(), cfg: cfg} }

// NewDurableReal returns an adapter over a durable database that Open
// opens in dir, under SyncNever (a close and reopen in one process loses
// nothing under any policy). Its save/load operations close the database
// and open it again. Close it when done.
func NewDurableReal(cfg Config, dir string) (*Real, error) {
	db, err := dictdb.Open(dir, dictdb.WithSync(dictdb.SyncNever))
	if err != nil {
		return nil, err
	}
	return &Real{DB: db, cfg: cfg, dir: dir}, nil
}

// Close closes the database.
func (r *Real) Close() error { return r.DB.Close() }

// reopen closes a durable database and opens it again; the reopened
// database must hold what the closed one did.
func (r *Real) reopen() error {
	before := dumpSnap(r.DB.Snapshot())
	if err := r.DB.Close(); err != nil {
		return err
	}
	db, err := dictdb.Open(r.dir, dictdb.WithSync(dictdb.SyncNever))
	if err != nil {
		return err
	}
	r.DB = db
	if after := dumpSnap(db.Snapshot()); after != before {
		r.Problems = append(r.Problems, fmt.Sprintf("reopened database differs:\nwas %s\nnow %s", before, after))
	}
	return nil
}

var indexFields = []string{"a", "b", "c", "id", "k"}

// addIndexes gives a new table the configuration's indexes.
func (r *Real) addIndexes(create func(field string, kind dictdb.IndexKind) error) {
	if r.cfg.Index == 0 {
		return
	}
	for i, f := range indexFields {
		kind := r.cfg.Index
		if r.cfg.Mixed && i%2 == 1 {
			kind = dictdb.HashIndex + dictdb.SortedIndex - kind
		}
		// The primary-key field fails with ErrInvalidIndex: ignore it.
		_ = create(f, kind)
	}
}

// step runs after each top-level operation: the periodic snapshots and
// save/load round trips of the configuration.
func (r *Real) step() {
	r.steps++
	if n := r.cfg.SnapEvery; n > 0 {
		for _, h := range r.held {
			if d := dumpSnap(h.snap); d != h.dump {
				r.Problems = append(r.Problems, fmt.Sprintf("snapshot taken after step %d changed at step %d:\nwas %s\nnow %s", h.step, r.steps, h.dump, d))
			}
		}
		if r.steps%n == 0 {
			s := r.DB.Snapshot()
			r.held = append(r.held, heldSnap{s, dumpSnap(s), r.steps})
			if len(r.held) > 2 {
				r.held = r.held[1:]
			}
		}
	}
	if n := r.cfg.SaveLoadEvery; n > 0 && roundTrip != nil && r.steps%n == 0 {
		db, err := roundTrip(r.DB, r.steps/n%2)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("save/load after step %d: %v", r.steps, err))
			return
		}
		r.DB = db
	}
}

// dumpSnap prints every table of a snapshot: rows, columns and indexes.
func dumpSnap(s *dictdb.Snapshot) string {
	var b strings.Builder
	for _, n := range s.TableNames() {
		v, err := s.Table(n)
		if err != nil {
			fmt.Fprintf(&b, "%s: %v; ", n, err)
			continue
		}
		fmt.Fprintf(&b, "%s pk=%s idx=%v cols=%q rows=%s; ", n, v.PrimaryKey(), v.Indexes(), v.Columns(), fmtRows(v.Records()))
	}
	return b.String()
}

func (r *Real) table(name string) (*dictdb.Table, error) { return r.DB.Table(name) }

func tableOpts(pk string, schema bool) []dictdb.TableOption {
	opts := []dictdb.TableOption{dictdb.PrimaryKey(pk)}
	if schema {
		opts = append(opts, dictdb.WithSchema(schemaCols...))
	}
	return opts
}

func (r *Real) CreateTable(name, pk string, schema bool) error {
	t, err := r.DB.CreateTable(name, tableOpts(pk, schema)...)
	if err == nil {
		r.addIndexes(func(f string, k dictdb.IndexKind) error { return t.CreateIndex(f, k) })
	}
	return err
}

func (r *Real) DropTable(name string) error { return r.DB.DropTable(name) }

func (r *Real) Insert(name string, rec dictdb.Record) (any, error) {
	t, err := r.table(name)
	if err != nil {
		return nil, err
	}
	return t.Insert(rec)
}

func (r *Real) InsertMany(name string, recs []dictdb.Record) ([]any, error) {
	t, err := r.table(name)
	if err != nil {
		return nil, err
	}
	return t.InsertMany(recs)
}

func (r *Real) Upsert(name string, rec dictdb.Record, on dictdb.Conflict) (any, dictdb.Action, error) {
	t, err := r.table(name)
	if err != nil {
		return nil, 0, err
	}
	return t.Upsert(rec, on)
}

func (r *Real) Update(name string, ch dictdb.Record, where cond.Cond) (int, error) {
	t, err := r.table(name)
	if err != nil {
		return 0, err
	}
	return t.Update(ch, where)
}

func (r *Real) Delete(name string, where cond.Cond) (int, error) {
	t, err := r.table(name)
	if err != nil {
		return 0, err
	}
	return t.Delete(where)
}

func (r *Real) Get(name string, key any) (dictdb.Record, bool, error) {
	t, err := r.table(name)
	if err != nil {
		return nil, false, err
	}
	rec, ok := t.Get(key)
	return rec, ok, nil
}

func (r *Real) Count(name string) (int, error) {
	t, err := r.table(name)
	if err != nil {
		return 0, err
	}
	return t.Count(), nil
}

func (r *Real) CountWhere(name string, where cond.Cond) (int, error) {
	t, err := r.table(name)
	if err != nil {
		return 0, err
	}
	return t.CountWhere(where)
}

func (r *Real) Select(name string, q dictdb.Query) ([]dictdb.Record, error) {
	t, err := r.table(name)
	if err != nil {
		return nil, err
	}
	if r.Plans != nil {
		if plan, err := t.Explain(q); err == nil {
			r.Plans.Add(plan)
		}
	}
	return t.Select(q)
}

func (r *Real) Aggregate(name string, q dictdb.AggQuery) ([]dictdb.Record, error) {
	t, err := r.table(name)
	if err != nil {
		return nil, err
	}
	return t.Aggregate(q)
}

func indexOpts(unique bool) []dictdb.IndexOption {
	if unique {
		return []dictdb.IndexOption{dictdb.Unique()}
	}
	return nil
}

func (r *Real) CreateIndex(name, field string, kind dictdb.IndexKind, unique bool) error {
	t, err := r.table(name)
	if err != nil {
		return err
	}
	return t.CreateIndex(field, kind, indexOpts(unique)...)
}

func (r *Real) DropIndex(name, field string) error {
	t, err := r.table(name)
	if err != nil {
		return err
	}
	return t.DropIndex(field)
}

func (r *Real) Columns(name string) ([]string, []string, error) {
	t, err := r.table(name)
	if err != nil {
		return nil, nil, err
	}
	return t.Columns(), t.IndexedFields(), nil
}

func (r *Real) TableNames() []string { return r.DB.TableNames() }

func (r *Real) Snapshot(slot int) { r.slots[slot] = r.DB.Snapshot() }

func (r *Real) ReadSnapshot(slot int, name string, q dictdb.Query) ([]dictdb.Record, int, error) {
	s := r.slots[slot]
	if s == nil {
		return nil, 0, errNoSnapshot
	}
	v, err := s.Table(name)
	if err != nil {
		return nil, 0, err
	}
	rows, err := v.Select(q)
	return rows, v.Count(), err
}

func (r *Real) Restore(slot int) error { return r.DB.Restore(r.slots[slot]) }

func (r *Real) Tx(tables []string, commit bool, body func(Store)) error {
	return r.DB.Update(tables, func(tx *dictdb.Tx) error {
		body(&realTx{tx: tx, r: r})
		if !commit {
			return errRollback
		}
		return nil
	})
}

func (r *Real) SaveLoad(format int) error {
	if r.dir != "" {
		return r.reopen()
	}
	if roundTrip == nil {
		return errNoPersistence
	}
	db, err := roundTrip(r.DB, format%2)
	if err != nil {
		return err
	}
	r.DB = db
	return nil
}

// realTx adapts a transaction to the Store interface.
type realTx struct {
	tx *dictdb.Tx
	r  *Real
}

func (x *realTx) CreateTable(name, pk string, schema bool) error {
	t, err := x.tx.CreateTable(name, tableOpts(pk, schema)...)
	if err == nil {
		x.r.addIndexes(func(f string, k dictdb.IndexKind) error { return t.CreateIndex(f, k) })
	}
	return err
}

func (x *realTx) DropTable(name string) error { return x.tx.DropTable(name) }

func (x *realTx) Insert(name string, rec dictdb.Record) (any, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return nil, err
	}
	return t.Insert(rec)
}

func (x *realTx) InsertMany(name string, recs []dictdb.Record) ([]any, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return nil, err
	}
	return t.InsertMany(recs)
}

func (x *realTx) Upsert(name string, rec dictdb.Record, on dictdb.Conflict) (any, dictdb.Action, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return nil, 0, err
	}
	return t.Upsert(rec, on)
}

func (x *realTx) Update(name string, ch dictdb.Record, where cond.Cond) (int, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return 0, err
	}
	return t.Update(ch, where)
}

func (x *realTx) Delete(name string, where cond.Cond) (int, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return 0, err
	}
	return t.Delete(where)
}

func (x *realTx) Get(name string, key any) (dictdb.Record, bool, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return nil, false, err
	}
	rec, ok := t.Get(key)
	return rec, ok, nil
}

func (x *realTx) Count(name string) (int, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return 0, err
	}
	return t.Count(), nil
}

func (x *realTx) CountWhere(name string, where cond.Cond) (int, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return 0, err
	}
	v, err := t.View()
	if err != nil {
		return 0, err
	}
	return v.CountWhere(where)
}

func (x *realTx) Select(name string, q dictdb.Query) ([]dictdb.Record, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return nil, err
	}
	return t.Select(q)
}

func (x *realTx) Aggregate(name string, q dictdb.AggQuery) ([]dictdb.Record, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return nil, err
	}
	return t.Aggregate(q)
}

func (x *realTx) CreateIndex(name, field string, kind dictdb.IndexKind, unique bool) error {
	t, err := x.tx.Table(name)
	if err != nil {
		return err
	}
	return t.CreateIndex(field, kind, indexOpts(unique)...)
}

func (x *realTx) DropIndex(name, field string) error {
	t, err := x.tx.Table(name)
	if err != nil {
		return err
	}
	return t.DropIndex(field)
}

func (x *realTx) Columns(name string) ([]string, []string, error) {
	t, err := x.tx.Table(name)
	if err != nil {
		return nil, nil, err
	}
	v, err := t.View()
	if err != nil {
		return nil, nil, err
	}
	var idx []string
	for _, d := range v.Indexes() {
		idx = append(idx, d.Field)
	}
	return v.Columns(), idx, nil
}
