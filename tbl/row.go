package tbl

import (
	"iter"
	"maps"
	"reflect"
	"slices"

	"github.com/benbjohnson/immutable"

	"github.com/dictdb-go/dictdb/codec"
)

// A Row is a read-only view of a stored record. It is shared with every
// table version and snapshot that holds the record, so it offers accessors
// only; values it returns must be treated as read-only too (use Map for a
// private deep copy). The zero Row has no fields.
type Row struct {
	m map[string]any
}

// RowOf wraps a normalized record that the caller will never mutate again.
func RowOf(m map[string]any) Row { return Row{m: m} }

// Get returns the value of field and whether the field is present.
func (r Row) Get(field string) (any, bool) {
	v, ok := r.m[field]
	return v, ok
}

// Len returns the number of fields.
func (r Row) Len() int { return len(r.m) }

// Fields returns the field names in sorted order.
func (r Row) Fields() []string { return slices.Sorted(maps.Keys(r.m)) }

// All iterates over the fields in sorted order.
func (r Row) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, k := range r.Fields() {
			if !yield(k, r.m[k]) {
				return
			}
		}
	}
}

// Map returns a deep copy of the record that the caller owns.
func (r Row) Map() map[string]any { return codec.CloneRecord(r.m) }

// Raw returns the stored map itself, for dictdb's own packages. Callers
// must never mutate it.
func (r Row) Raw() map[string]any { return r.m }

// A Cursor walks a table version's rows in primary-key order, one at a
// time: for merging two versions side by side, where an iter.Seq would need
// a coroutine per step. A Cursor is for one goroutine.
type Cursor struct {
	it *immutable.SortedMapIterator[codec.Key, Row]
}

// Cursor returns a cursor before the first row.
func (t *Table) Cursor() *Cursor { return &Cursor{it: t.rows.Iterator()} }

// Next returns the next row and its key, or ok false after the last row.
func (c *Cursor) Next() (k codec.Key, r Row, ok bool) { return c.it.Next() }

// Same reports whether a and b are the same stored record (not merely
// equal): a write that replaced a row makes a new one.
func Same(a, b Row) bool {
	return reflect.ValueOf(a.m).UnsafePointer() == reflect.ValueOf(b.m).UnsafePointer()
}
