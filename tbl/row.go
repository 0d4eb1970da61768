package tbl

import (
	"iter"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/btree"
	"github.com/dictdb-go/dictdb/internal/stored"
)

// A Row is a read-only view of a stored record. It is shared with every
// table version and snapshot that holds the record, and nothing it hands out
// is: scalars (nil, bool, int64, float64, string, time.Time) come out as
// they are stored, without copying (they share no memory a caller could
// change), while lists, maps and byte slices come out as deep copies the
// caller owns. Reading a scalar field of a Row therefore costs no
// allocation; reading a composite one costs a copy of that value only. The
// zero Row has no fields. A Row is one pointer: a handle to a compact
// codec.Record (its shape and its values in one allocation).
type Row struct {
	rec codec.Record
}

func init() {
	stored.Record = func(r any) codec.Record { return r.(Row).rec }
}

// Get returns the value of field and whether the field is present: a
// scalar as stored, a list, map or byte slice as a deep copy.
func (r Row) Get(field string) (any, bool) { return r.rec.CloneField(field) }

// Len returns the number of fields.
func (r Row) Len() int { return r.rec.Len() }

// Fields returns the field names in sorted order, in a new slice.
func (r Row) Fields() []string { return r.rec.Shape().Names() }

// All iterates over the fields in sorted order, yielding values as Get
// returns them.
func (r Row) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for name, v := range r.rec.All() {
			if !yield(name, codec.Clone(v)) {
				return
			}
		}
	}
}

// Map returns a deep copy of the record that the caller owns.
func (r Row) Map() map[string]any { return r.rec.Map() }

// Record returns a deep copy of the record as a compact codec.Record that
// the caller owns (Map returns one as a map).
func (r Row) Record() codec.Record { return r.rec.Clone() }

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
