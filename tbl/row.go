package tbl

import (
	"iter"
	"maps"
	"reflect"
	"slices"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/btree"
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
	return reflect.ValueOf(a.m).UnsafePointer() == reflect.ValueOf(b.m).UnsafePointer()
}
