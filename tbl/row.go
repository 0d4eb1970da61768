package tbl

import (
	"iter"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/btree"
)

// A Row is a read-only view of a stored record. It is shared with every
// table version and snapshot that holds the record, so it offers accessors
// only; values it returns must be treated as read-only too (use Map for a
// private deep copy). The zero Row has no fields. A Row is one pointer: a
// handle to a compact codec.Record (its shape and its values in one
// allocation).
type Row struct {
	rec codec.Record
}

// RowOf wraps a normalized record that nobody will mutate again.
func RowOf(rec codec.Record) Row { return Row{rec: rec} }

// Get returns the value of field and whether the field is present.
func (r Row) Get(field string) (any, bool) { return r.rec.Get(field) }

// Len returns the number of fields.
func (r Row) Len() int { return r.rec.Len() }

// Fields returns the field names in sorted order.
func (r Row) Fields() []string { return r.rec.Shape().Names() }

// All iterates over the fields in sorted order.
func (r Row) All() iter.Seq2[string, any] { return r.rec.All() }

// Map returns a deep copy of the record that the caller owns.
func (r Row) Map() map[string]any { return r.rec.Map() }

// Record returns the stored record itself, for dictdb's own packages (to
// match conditions against it, or to write it to a file). Callers must never
// mutate its values.
func (r Row) Record() codec.Record { return r.rec }

// DiffRows calls fn, in primary-key order, for every key whose row differs
// between two versions of one table: present in one only, or replaced by a
// write (rows compare by identity, see Same). Subtrees the versions share
// are skipped unread, so the cost follows the number of changes, not the
// table's size. It stops when fn returns false.
func DiffRows(old, cur *Table, fn func(k codec.Key, oldRow Row, hadOld bool, newRow Row, hasNew bool) bool) {
	btree.Diff(old.rows, cur.rows, Same, fn)
}

// Same reports whether a and b are the same stored record (not merely
// equal): a write that replaced a row makes a new one.
func Same(a, b Row) bool {
	return a.rec.Same(b.rec)
}
