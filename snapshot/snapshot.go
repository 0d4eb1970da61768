// Package snapshot provides point-in-time, read-only views of a dictdb
// database and of its tables.
//
// # Guarantees
//
// A Snapshot is one immutable root of the database: taking it is a single
// atomic load (O(1), whatever the size of the data), it is consistent across
// all tables (it reflects exactly the commits up to its sequence number), and
// it never changes afterwards. Reading it takes no lock, never blocks writers
// and is never blocked by them.
//
// A View is the read API of one table version. Live tables in the dictdb
// package read through the same View type, so a snapshot and a live table
// answer every read identically.
//
// Nothing a Snapshot, a View or a Diff hands out shares memory with the
// stored data: records come out as deep copies or as tbl.Row handles whose
// accessors copy lists, maps and byte slices, so no caller can change a
// snapshot through what it read.
//
// # Concurrency
//
// Snapshots and Views are safe for concurrent use by any number of goroutines.
//
// # Lifetimes
//
// A Snapshot keeps every row it can see alive. Drop references to old
// snapshots you no longer need: superseded versions are garbage as soon as
// no snapshot refers to them.
package snapshot

import (
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// A Snapshot is a read-only, point-in-time view of every table.
type Snapshot struct {
	root *mvcc.Root[*tbl.Table]
}

// Of wraps a published root.
func Of(root *mvcc.Root[*tbl.Table]) *Snapshot { return &Snapshot{root: root} }

// Root returns the root the snapshot reads.
func (s *Snapshot) Root() *mvcc.Root[*tbl.Table] { return s.root }

// Seq returns the commit sequence number the snapshot reflects.
func (s *Snapshot) Seq() uint64 { return s.root.Seq() }

// TableNames returns the names of the snapshot's tables in sorted order.
func (s *Snapshot) TableNames() []string { return s.root.Names() }

// Table returns a view of the named table as of the snapshot, or an error
// wrapping ErrTableNotFound.
func (s *Snapshot) Table(name string) (*View, error) {
	t, ok := s.root.Table(name)
	if !ok {
		return nil, mvcc.NotFound(name)
	}
	return NewView(t), nil
}

// A View is the read API of one immutable table version.
type View struct {
	t *tbl.Table
}

// NewView returns a view of the table version t.
func NewView(t *tbl.Table) *View { return &View{t: t} }

// Version returns the table version the view reads.
func (v *View) Version() *tbl.Table { return v.t }

// Name returns the table name.
func (v *View) Name() string { return v.t.Name() }

// PrimaryKey returns the primary-key field name.
func (v *View) PrimaryKey() string { return v.t.PrimaryKey() }

// Count returns the number of records, in constant time.
func (v *View) Count() int { return v.t.Len() }

// CountWhere returns the number of records matching where.
func (v *View) CountWhere(where cond.Cond) (int, error) { return v.t.Count(where) }

// Get returns a deep copy of the record stored under key (an integer or a
// string), which the caller owns.
func (v *View) Get(key any) (map[string]any, bool) {
	r, ok := v.t.Get(key)
	if !ok {
		return nil, false
	}
	return r.Map(), true
}

// GetRow returns the stored record under key as a read-only Row, without
// copying it (its accessors copy lists, maps and byte slices: see tbl.Row).
func (v *View) GetRow(key any) (tbl.Row, bool) { return v.t.Get(key) }

// Select runs q and returns deep copies of the result records, which the
// caller owns. An invalid query returns an error wrapping
// cond.ErrInvalidQuery (or codec.ErrUnsupportedValue for a bad constant).
func (v *View) Select(q tbl.Query) ([]map[string]any, error) {
	rows, err := v.t.Select(q)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = r.Map()
	}
	return out, nil
}

// Rows runs q and returns read-only rows without copying them: the
// zero-copy read path (see tbl.Row for what their accessors copy). Rows
// stay valid, and unchanged, forever.
func (v *View) Rows(q tbl.Query) ([]tbl.Row, error) { return v.t.Select(q) }

// All returns deep copies of every record in primary-key order.
func (v *View) All() []map[string]any {
	out := make([]map[string]any, 0, v.t.Len())
	for _, r := range v.t.All() {
		out = append(out, r.Map())
	}
	return out
}

// Copy returns a map from primary key (int64 or string) to a deep copy of
// each record.
func (v *View) Copy() map[any]map[string]any {
	out := make(map[any]map[string]any, v.t.Len())
	for k, r := range v.t.All() {
		out[k.Value()] = r.Map()
	}
	return out
}

// Columns returns the schema's fields in order or, without a schema, the
// sorted union of all records' fields.
func (v *View) Columns() []string { return v.t.Columns() }

// SchemaFields returns the schema's fields in order, or nil without a
// schema.
func (v *View) SchemaFields() []string {
	if s := v.t.Schema(); s != nil {
		return s.Names()
	}
	return nil
}

// Schema returns the schema's columns, or nil without a schema.
func (v *View) Schema() []tbl.Column {
	if s := v.t.Schema(); s != nil {
		return s.Columns()
	}
	return nil
}

// Keys returns the primary keys in order.
func (v *View) Keys() []any {
	out := make([]any, 0, v.t.Len())
	for k := range v.t.All() {
		out = append(out, k.Value())
	}
	return out
}

// Explain describes how Select would run q on this version.
func (v *View) Explain(q tbl.Query) (string, error) { return v.t.Explain(q) }

// Indexes returns the index definitions in creation order.
func (v *View) Indexes() []tbl.IndexDef { return v.t.Indexes() }
