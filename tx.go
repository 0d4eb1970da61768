package dictdb

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// A Tx is a read-write transaction over the tables named in DB.Update. Its
// reads see its own writes; nothing is visible to anyone else until Update
// commits. A Tx is meant for the goroutine running the Update function, and
// only until that function returns. Its methods, and its TxTables', are
// serialized, so goroutines that the function starts may share it safely:
// what they write before the function returns is part of the transaction,
// and every call after it returns fails with ErrTxDone.
type Tx struct {
	names []string // sorted

	mu     sync.Mutex // guards staged and done
	staged map[string]*tbl.Table
	done   bool
	ttl    bool // a table with a TTL was created
}

// Update runs fn in a transaction over the named tables. It locks them in
// sorted order (so transactions never wait for each other in a cycle),
// waits for their running writers, and gives fn a Tx. If fn returns nil,
// all its writes are published with one compare-and-swap: readers see all
// of them or none. If fn returns an error or panics, nothing is published
// (the panic continues after the locks are released). Tables need not exist
// yet if fn creates them with Tx.CreateTable.
//
// fn writes the named tables through tx. A write from fn's goroutine that
// needs the lock of a table this transaction (or an Update enclosing it)
// holds would wait for itself, so it fails at once with an error wrapping
// ErrReentrantWrite that names the table, and changes nothing: a write
// through a Table handle (Insert, InsertMany, Upsert, Update, Delete,
// CreateIndex, DropIndex), a nested Update naming such a table, DropTable
// or CreateTable under such a name, ImportCSV under such a name not yet
// taken (a taken one fails with ErrTableExists first), ApplyDelta or
// Restore involving one. fn may handle the error and go on; the
// transaction commits as usual. Everything else works from fn: reads,
// snapshots, Save, backups, and writes of tables the transaction does not
// hold (they wait for those tables' writers, as any write does).
//
// Two waits remain the caller's to avoid, because they are not on fn's
// goroutine or not for fn's own locks. A goroutine that fn starts is
// another writer: its write of a held table waits until Update returns, so
// fn must not wait for it. And a write from fn to a table this transaction
// does not hold waits for that table's transaction; if that one, in turn,
// writes from its function a table this one holds, both wait for ever.
// Name in Update every table a transaction writes.
func (db *DB) Update(tables []string, fn func(tx *Tx) error) error {
	if len(tables) == 0 {
		return &tbl.Error{Err: ErrInvalidArgument, Msg: "Update needs at least one table name"}
	}
	if fn == nil {
		return &tbl.Error{Err: ErrInvalidArgument, Msg: "Update needs a function"}
	}
	tx := &Tx{names: slices.Compact(slices.Sorted(slices.Values(tables)))}
	_, err := db.store.Transact(tx.names, func(r *mvcc.Root[*tbl.Table]) ([]mvcc.Change[*tbl.Table], error) {
		tx.staged = make(map[string]*tbl.Table, len(tx.names))
		for _, n := range tx.names {
			if v, ok := r.Table(n); ok {
				tx.staged[n] = v
			}
		}
		if err := tx.run(fn); err != nil {
			return nil, err
		}
		// tx is done: nothing changes staged any more.
		var changes []mvcc.Change[*tbl.Table]
		for _, n := range tx.names {
			before, existed := r.Table(n)
			after, exists := tx.staged[n]
			switch {
			case exists && (!existed || after != before):
				changes = append(changes, mvcc.Change[*tbl.Table]{Name: n, Value: after})
			case existed && !exists:
				changes = append(changes, mvcc.Change[*tbl.Table]{Name: n, Drop: true})
			}
		}
		return changes, nil
	})
	if err == nil && tx.ttl {
		db.sweep.ensure(db)
	}
	return err
}

// run calls fn and then ends tx, also when fn panics: from then on every
// call on tx fails with ErrTxDone.
func (tx *Tx) run(fn func(tx *Tx) error) error {
	defer func() {
		tx.mu.Lock()
		tx.done = true
		tx.mu.Unlock()
	}()
	return fn(tx)
}

// View runs fn with a snapshot of the whole database: read-only work on one
// consistent state. It returns fn's error.
func (db *DB) View(fn func(snap *Snapshot) error) error {
	if fn == nil {
		return &tbl.Error{Err: ErrInvalidArgument, Msg: "View needs a function"}
	}
	return fn(db.Snapshot())
}

// check reports whether tx may touch the table name. The caller holds tx.mu.
func (tx *Tx) check(name string) error {
	if tx.done {
		return ErrTxDone
	}
	if _, ok := slices.BinarySearch(tx.names, name); !ok {
		return fmt.Errorf("dictdb: table %q: %w (add it to the tables DB.Update names)", name, ErrTableNotInTx)
	}
	return nil
}

// Table returns the transaction's handle on a table it named.
func (tx *Tx) Table(name string) (*TxTable, error) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if err := tx.check(name); err != nil {
		return nil, err
	}
	if _, ok := tx.staged[name]; !ok {
		return nil, mvcc.NotFound(name)
	}
	return &TxTable{tx: tx, name: name}, nil
}

// CreateTable creates a table inside the transaction; the name must be one
// the transaction named. It is published with the rest of the transaction.
func (tx *Tx) CreateTable(name string, opts ...TableOption) (*TxTable, error) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if err := tx.check(name); err != nil {
		return nil, err
	}
	// Validate the definition first, as DB.CreateTable does.
	t, err := newTable(name, opts)
	if err != nil {
		return nil, err
	}
	if _, ok := tx.staged[name]; ok {
		return nil, mvcc.Exists(name)
	}
	tx.staged[name] = t
	tx.ttl = tx.ttl || t.TTL() != ""
	return &TxTable{tx: tx, name: name}, nil
}

// DropTable drops a table inside the transaction.
func (tx *Tx) DropTable(name string) error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if err := tx.check(name); err != nil {
		return err
	}
	if _, ok := tx.staged[name]; !ok {
		return mvcc.NotFound(name)
	}
	delete(tx.staged, name)
	return nil
}

// A TxTable is a table inside a transaction: the write API of Table, and
// the read API of View over the transaction's staged version (its reads see
// the transaction's own writes). Like its Tx, it is meant for the goroutine
// running the Update function; calls from goroutines it starts are
// serialized with the transaction's other calls, and every call after the
// function returned fails with ErrTxDone (or, without an error result,
// returns zero values).
type TxTable struct {
	tx   *Tx
	name string
}

// cur returns the staged version of the table.
func (t *TxTable) cur() (*tbl.Table, error) {
	t.tx.mu.Lock()
	defer t.tx.mu.Unlock()
	return t.staged()
}

// staged is cur for a caller that holds tx.mu.
func (t *TxTable) staged() (*tbl.Table, error) {
	if err := t.tx.check(t.name); err != nil {
		return nil, err
	}
	v, ok := t.tx.staged[t.name]
	if !ok {
		return nil, mvcc.NotFound(t.name)
	}
	return v, nil
}

// write runs one write on the staged version: fn gets it and returns the
// next one, which is staged unless fn fails. The transaction's lock is held
// throughout, so concurrent writes of the transaction follow each other
// and none is lost.
func (t *TxTable) write(fn func(cur *tbl.Table) (*tbl.Table, error)) error {
	t.tx.mu.Lock()
	defer t.tx.mu.Unlock()
	cur, err := t.staged()
	if err != nil {
		return err
	}
	next, err := fn(live(cur))
	if err != nil {
		return err
	}
	t.tx.staged[t.name] = next
	return nil
}

// View returns a read-only view of the table as staged so far. It fails
// with ErrTxDone after the transaction ended, and with ErrTableNotFound if
// the transaction dropped the table.
func (t *TxTable) View() (*View, error) {
	v, err := t.cur()
	if err != nil {
		return nil, err
	}
	return viewOf(v), nil
}

// view returns a view of the staged version, or nil if there is none.
func (t *TxTable) view() *View {
	v, err := t.View()
	if err != nil {
		return nil
	}
	return v
}

// Name returns the table name.
func (t *TxTable) Name() string { return t.name }

// Insert is Table.Insert inside the transaction.
func (t *TxTable) Insert(rec Record) (any, error) {
	var key codec.Key
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, key, err = cur.Insert(rec)
		return next, err
	})
	if err != nil {
		return nil, err
	}
	return key.Value(), nil
}

// InsertMany is Table.InsertMany inside the transaction.
func (t *TxTable) InsertMany(recs []Record) ([]any, error) {
	var keys []codec.Key
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, keys, err = cur.InsertMany(recs)
		return next, err
	})
	if err != nil {
		return nil, err
	}
	return keyValues(keys), nil
}

// Upsert is Table.Upsert inside the transaction.
func (t *TxTable) Upsert(rec Record, on Conflict) (any, Action, error) {
	var key codec.Key
	var action Action
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, key, action, err = cur.Upsert(rec, on)
		return next, err
	})
	if err != nil {
		return nil, 0, err
	}
	return key.Value(), action, nil
}

// Update is Table.Update inside the transaction.
func (t *TxTable) Update(changes Record, where cond.Cond) (int, error) {
	var n int
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, n, err = cur.Update(changes, where)
		return next, err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Delete is Table.Delete inside the transaction.
func (t *TxTable) Delete(where cond.Cond) (int, error) {
	var n int
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, n, err = cur.Delete(where)
		return next, err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// The reads of a TxTable are View's, on the staged version: they see the
// transaction's own writes. The methods without an error result return
// zero values, as Table's do for a dropped table, once the transaction
// ended or dropped the table.

// Get is Table.Get on the staged version.
func (t *TxTable) Get(key any) (Record, bool) {
	if v := t.view(); v != nil {
		return v.Get(key)
	}
	return nil, false
}

// GetRow is Table.GetRow on the staged version.
func (t *TxTable) GetRow(key any) (Row, bool) {
	if v := t.view(); v != nil {
		return v.GetRow(key)
	}
	return Row{}, false
}

// Select is Table.Select on the staged version.
func (t *TxTable) Select(q Query) ([]Record, error) {
	v, err := t.View()
	if err != nil {
		return nil, err
	}
	return v.Select(q)
}

// Rows is Table.Rows on the staged version.
func (t *TxTable) Rows(q Query) ([]Row, error) {
	v, err := t.View()
	if err != nil {
		return nil, err
	}
	return v.Rows(q)
}

// Count is Table.Count on the staged version.
func (t *TxTable) Count() int {
	if v := t.view(); v != nil {
		return v.Count()
	}
	return 0
}

// CountWhere is Table.CountWhere on the staged version.
func (t *TxTable) CountWhere(where cond.Cond) (int, error) {
	v, err := t.View()
	if err != nil {
		return 0, err
	}
	return v.CountWhere(where)
}

// Records is Table.Records on the staged version.
func (t *TxTable) Records() []Record {
	if v := t.view(); v != nil {
		return v.Records()
	}
	return nil
}

// Copy is Table.Copy on the staged version.
func (t *TxTable) Copy() map[any]Record {
	if v := t.view(); v != nil {
		return v.Copy()
	}
	return nil
}

// Keys is Table.Keys on the staged version.
func (t *TxTable) Keys() []any {
	if v := t.view(); v != nil {
		return v.Keys()
	}
	return nil
}

// Columns is Table.Columns on the staged version.
func (t *TxTable) Columns() []string {
	if v := t.view(); v != nil {
		return v.Columns()
	}
	return nil
}

// PrimaryKey is Table.PrimaryKey on the staged version.
func (t *TxTable) PrimaryKey() string {
	if v := t.view(); v != nil {
		return v.PrimaryKey()
	}
	return ""
}

// SchemaFields is Table.SchemaFields on the staged version.
func (t *TxTable) SchemaFields() []string {
	if v := t.view(); v != nil {
		return v.SchemaFields()
	}
	return nil
}

// Schema is Table.Schema on the staged version.
func (t *TxTable) Schema() []Column {
	if v := t.view(); v != nil {
		return v.Schema()
	}
	return nil
}

// Indexes is Table.Indexes on the staged version.
func (t *TxTable) Indexes() []IndexDef {
	if v := t.view(); v != nil {
		return v.Indexes()
	}
	return nil
}

// IndexedFields is Table.IndexedFields on the staged version.
func (t *TxTable) IndexedFields() []string {
	if v := t.view(); v != nil {
		return v.IndexedFields()
	}
	return nil
}

// HasIndex is Table.HasIndex on the staged version.
func (t *TxTable) HasIndex(field string) bool {
	v := t.view()
	return v != nil && v.HasIndex(field)
}

// Explain is Table.Explain on the staged version.
func (t *TxTable) Explain(q Query) (string, error) {
	v, err := t.View()
	if err != nil {
		return "", err
	}
	return v.Explain(q)
}

// WriteCSV is Table.WriteCSV on the staged version.
func (t *TxTable) WriteCSV(w io.Writer, opts CSVOptions) (int, error) {
	v, err := t.View()
	if err != nil {
		return 0, err
	}
	return v.WriteCSV(w, opts)
}

// ExportCSV is Table.ExportCSV on the staged version.
func (t *TxTable) ExportCSV(path string, opts CSVOptions) (int, error) {
	return t.ExportCSVContext(context.Background(), path, opts)
}

// ExportCSVContext is Table.ExportCSVContext on the staged version.
func (t *TxTable) ExportCSVContext(ctx context.Context, path string, opts CSVOptions) (int, error) {
	v, err := t.View()
	if err != nil {
		return 0, err
	}
	return v.ExportCSVContext(ctx, path, opts)
}

func keyValues(keys []codec.Key) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k.Value()
	}
	return out
}
