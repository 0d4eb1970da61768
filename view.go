package dictdb

import (
	"context"
	"fmt"
	"io"

	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// A Snapshot is a consistent, read-only view of the whole database at one
// commit, returned by DB.Snapshot in constant time. It reflects exactly the
// commits up to its sequence number, on every table at once, and never
// changes afterwards, whatever writers do. Reading it takes no lock, never
// blocks writers and is never blocked by them.
//
// A Snapshot keeps every row it can see alive: drop references to
// snapshots you no longer need. A Snapshot is safe for concurrent use.
//
// A table with a TTL (see Table.SetTTL) is read without the rows expired
// when Table makes its View, also if they had not expired when the
// snapshot was taken; the View itself then never changes.
//
// A nil or zero Snapshot, which no DB returns, reads as an empty database
// at sequence 0; DB.Restore rejects it.
//
// A Snapshot is the database's published version itself (an immutable
// mvcc.Root), so taking one allocates nothing: its cost does not grow
// with the data or with the garbage collector's work.
type Snapshot mvcc.Root[*tbl.Table]

// emptyRoot is the state a nil Snapshot reads as.
var emptyRoot = new(mvcc.Root[*tbl.Table])

// state returns the root s reflects: emptyRoot for a nil s; a zero s is a
// zero root, which reads as empty as well.
func (s *Snapshot) state() *mvcc.Root[*tbl.Table] {
	if s == nil {
		return emptyRoot
	}
	return (*mvcc.Root[*tbl.Table])(s)
}

// snapshotOf returns the Snapshot of a published root.
func snapshotOf(r *mvcc.Root[*tbl.Table]) *Snapshot { return (*Snapshot)(r) }

// Seq returns the commit sequence number the snapshot reflects.
func (s *Snapshot) Seq() uint64 { return s.state().Seq() }

// TableNames returns the names of the snapshot's tables in sorted order.
func (s *Snapshot) TableNames() []string { return s.state().Names() }

// Table returns a view of the named table as of the snapshot, or an error
// wrapping ErrTableNotFound.
func (s *Snapshot) Table(name string) (*View, error) {
	t, ok := s.state().Table(name)
	if !ok {
		return nil, mvcc.NotFound(name)
	}
	return viewOf(t), nil
}

// A View is the read API of one table at one version: a table of a
// Snapshot, a live table's current version (Table.View) or a transaction's
// staged version (TxTable.View). A View never changes, and Table and
// TxTable answer their reads through a View of their current version, so a
// view and a live table answer every read the same way.
//
// Nothing a View hands out shares memory with the stored data: records come
// out as deep copies the caller owns, or as Rows whose accessors copy
// lists, maps and byte slices. A View is safe for concurrent use.
type View struct {
	t *tbl.Table
}

// Name returns the table name.
func (v *View) Name() string { return v.t.Name() }

// PrimaryKey returns the primary-key field name.
func (v *View) PrimaryKey() string { return v.t.PrimaryKey() }

// Count returns the number of records, in constant time.
func (v *View) Count() int { return v.t.Len() }

// CountWhere returns the number of records matching where (nil: all, in
// constant time). An invalid condition is an error wrapping
// ErrInvalidQuery.
func (v *View) CountWhere(where cond.Cond) (int, error) { return v.t.Count(where) }

// Get returns a deep copy of the record stored under key (an integer or a
// string), which the caller owns, and whether there is one.
func (v *View) Get(key any) (Record, bool) {
	r, ok := v.t.Get(key)
	if !ok {
		return nil, false
	}
	return r.Map(), true
}

// GetRow returns the record stored under key as a read-only Row, without
// copying it (see Row for what its accessors copy), and whether there is
// one.
func (v *View) GetRow(key any) (Row, bool) {
	r, ok := v.t.Get(key)
	return Row(r), ok
}

// Select runs q and returns deep copies of the result records, which the
// caller owns. An invalid query is an error wrapping ErrInvalidQuery (or
// ErrUnsupportedValue for a bad constant in a condition).
func (v *View) Select(q Query) ([]Record, error) {
	rows, err := v.t.Select(tbl.Query(q))
	if err != nil {
		return nil, err
	}
	out := make([]Record, len(rows))
	for i, r := range rows {
		out[i] = r.Map()
	}
	return out, nil
}

// Rows runs q as Select does and returns read-only rows without copying
// the records: the zero-copy read path (see Row for what its accessors
// copy). Rows stay valid, and unchanged, for as long as they are kept.
func (v *View) Rows(q Query) ([]Row, error) {
	rows, err := v.t.Select(tbl.Query(q))
	if err != nil {
		return nil, err
	}
	return rowsOf(rows), nil
}

// Records returns deep copies of every record in primary-key order: an
// empty slice for an empty table. All iterates over them without copying.
func (v *View) Records() []Record {
	out := make([]Record, 0, v.t.Len())
	for _, r := range v.t.All() {
		out = append(out, r.Map())
	}
	return out
}

// Copy returns a map from primary key (int64 or string) to a deep copy of
// each record: an empty map for an empty table.
func (v *View) Copy() map[any]Record {
	out := make(map[any]Record, v.t.Len())
	for k, r := range v.t.All() {
		out[k.Value()] = r.Map()
	}
	return out
}

// Keys returns the primary keys (int64 or string) in order: integers
// ascending, then strings ascending.
func (v *View) Keys() []any {
	out := make([]any, 0, v.t.Len())
	for k := range v.t.All() {
		out = append(out, k.Value())
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

// Schema returns the schema's columns in order, or nil without a schema.
func (v *View) Schema() []Column {
	if s := v.t.Schema(); s != nil {
		return s.Columns()
	}
	return nil
}

// Indexes returns the index definitions in creation order.
func (v *View) Indexes() []IndexDef { return v.t.Indexes() }

// IndexedFields returns the indexed field names in creation order.
func (v *View) IndexedFields() []string {
	defs := v.t.Indexes()
	out := make([]string, len(defs))
	for i, d := range defs {
		out[i] = d.Field
	}
	return out
}

// HasIndex reports whether field has a secondary index.
func (v *View) HasIndex(field string) bool { return v.t.HasIndex(field) }

// Explain describes how Select would run q on this version: the index or
// key range used and its estimated rows, the residual filter, and the sort
// strategy. An invalid query is an error as for Select.
func (v *View) Explain(q Query) (string, error) { return v.t.Explain(tbl.Query(q)) }

// Aggregate computes the aggregations of q over the view's rows; see
// Table.Aggregate for the results and the errors. The records returned
// are deep copies the caller owns.
func (v *View) Aggregate(q AggQuery) ([]Record, error) { return v.t.Aggregate(tbl.AggQuery(q)) }

// WriteCSV writes records of the view to w as CSV and returns how many;
// see ExportCSV. With nothing to write and no Columns it writes nothing.
func (v *View) WriteCSV(w io.Writer, opts CSVOptions) (int, error) {
	if w == nil {
		return 0, fmt.Errorf("%w: WriteCSV needs a writer", ErrInvalidArgument)
	}
	recs, cols, err := csvRows(v.t, &opts)
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 && len(cols) == 0 {
		return 0, nil
	}
	return writeCSV(w, recs, cols, opts)
}

// ExportCSV writes records of the view to a CSV file at path (crash-safely,
// like Save) and returns how many. With no record to write and no Columns,
// no file is created and 0 is returned, as the Python DictDB does; with
// Columns, the file holds the header only.
func (v *View) ExportCSV(path string, opts CSVOptions) (int, error) {
	return v.ExportCSVContext(context.Background(), path, opts)
}

// ExportCSVContext is ExportCSV that stops once ctx ends, removing its
// temporary file and leaving the file at path as it was (see the package
// notes on cancellable operations).
func (v *View) ExportCSVContext(ctx context.Context, path string, opts CSVOptions) (int, error) {
	if err := nilContext(ctx, "ExportCSVContext"); err != nil {
		return 0, err
	}
	if path == "" {
		return 0, fmt.Errorf("%w: empty path", ErrInvalidArgument)
	}
	if err := ctx.Err(); err != nil {
		return 0, cancelled(ctx, "export CSV", err)
	}
	recs, cols, err := csvRows(v.t, &opts)
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 && len(cols) == 0 {
		return 0, nil
	}
	var n int
	err = writeFileAtomic(path, func(w io.Writer) (err error) {
		if n, err = writeCSV(writerWithContext(ctx, w), recs, cols, opts); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return 0, cancelled(ctx, "export CSV", err)
	}
	return n, nil
}
