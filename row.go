package dictdb

import (
	"iter"
	"unsafe"

	"github.com/dictdb-go/dictdb/tbl"
)

// A Row is a read-only handle on a stored record, returned without copying
// by GetRow and Rows: the zero-copy read path. A Row is one pointer, shared
// with every table version and snapshot that holds the record, and it stays
// valid, and unchanged, for as long as the caller keeps it.
//
// Nothing a Row hands out is shared: scalars (nil, bool, int64, float64,
// string, time.Time) come out as stored, at no cost, since no caller can
// change them; lists, maps and byte slices come out as deep copies of the
// one value read, which the caller owns. Reading a scalar field therefore
// allocates nothing, and reading a composite one copies that value only.
// Map copies the whole record. The zero Row has no fields.
type Row tbl.Row

// Get returns the value of field and whether the record has the field: a
// scalar as stored, a list, map or byte slice as a deep copy.
func (r Row) Get(field string) (any, bool) { return tbl.Row(r).Get(field) }

// Len returns the number of fields.
func (r Row) Len() int { return tbl.Row(r).Len() }

// Fields returns the field names in sorted order, in a new slice.
func (r Row) Fields() []string { return tbl.Row(r).Fields() }

// All iterates over the fields in sorted order, yielding each value as Get
// returns it.
func (r Row) All() iter.Seq2[string, any] { return tbl.Row(r).All() }

// Map returns a deep copy of the record, which the caller owns.
func (r Row) Map() Record { return tbl.Row(r).Map() }

// rowsOf returns rows as a slice of the root package's Row, sharing its
// array. Row is defined as tbl.Row, so the two have one underlying type and
// one memory layout, and each element converts to the other for free; Go
// has no conversion of whole slices, and a copy into a new slice made Rows
// through an index about twice as slow (it doubled the bytes allocated per
// result row), so the slice is reinterpreted instead. The caller must not
// use rows afterwards.
func rowsOf(rows []tbl.Row) []Row {
	if rows == nil {
		return nil
	}
	return unsafe.Slice((*Row)(unsafe.Pointer(unsafe.SliceData(rows))), len(rows))
}
