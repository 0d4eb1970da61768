package dictdb

import (
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/tbl"
)

// MaxDepth is how deeply lists and maps may nest inside a record field: a
// scalar field has depth 0, a list of scalars 1, a list of maps of scalars
// 2. Deeper values fail with ErrUnsupportedValue.
const MaxDepth = codec.MaxDepth

// A Record is a map-shaped row as callers pass and receive it. Records
// passed in are copied; records returned are deep copies the caller owns.
type Record = map[string]any

// A Query selects records for Select, Rows and Explain. The zero Query
// selects every record in primary-key order.
//
// The steps run in SQL order: filter by Where, sort by OrderBy (records
// with equal sort keys stay in primary-key order), project Columns, drop
// duplicates if Distinct, then skip Offset records and return at most
// Limit.
//
// On a table with a schema, every field the query names (in Where, OrderBy
// and the Field of Columns) must be a schema field: a query naming another
// one fails with ErrInvalidQuery naming it, since no record can hold it.
// Without a schema records are open and any field may be named; a missing
// field reads as null. Indexes never change the answer, only its speed.
type Query struct {
	// Where filters the records; nil matches every record.
	Where cond.Cond
	// OrderBy lists the sort fields, each "field" for ascending or
	// "-field" for descending order. Values sort in the total order of
	// values (see the package doc): null and missing values first
	// ascending, last descending. Any other form ("", "-", "+field",
	// "--field", surrounding white space, "field DESC") is ErrInvalidQuery.
	OrderBy []string
	// Limit is the maximum number of records returned; 0 means no limit,
	// and a negative Limit is ErrInvalidQuery.
	Limit int
	// Offset is the number of records skipped first; a negative Offset is
	// ErrInvalidQuery.
	Offset int
	// Columns projects each record onto these output fields (see Cols and
	// As); empty means whole records. A missing field projects as nil.
	Columns []Projection
	// Distinct drops records equal to an earlier one (after projection),
	// before Offset and Limit apply.
	Distinct bool
}

// A Projection is one output column of a Query: Alias is the output name,
// Field the record field read.
type Projection = tbl.Projection

// Cols returns projections that keep each field under its own name.
func Cols(fields ...string) []Projection {
	out := make([]Projection, len(fields))
	for i, f := range fields {
		out[i] = Projection{Alias: f, Field: f}
	}
	return out
}

// As returns a projection that outputs field under the name alias.
func As(alias, field string) Projection { return Projection{Alias: alias, Field: field} }

// A Column is one field of a schema; build it with Col.
type Column = tbl.Column

// A Type is a schema field type.
type Type = tbl.Type

// The schema field types, named as in the Python DictDB's files.
const (
	Int   = tbl.Int   // int64 (bool does not pass)
	Float = tbl.Float // float64; integers pass and are stored as float64
	Str   = tbl.Str   // string
	Bool  = tbl.Bool  // bool
	List  = tbl.List  // []any
	Dict  = tbl.Dict  // map[string]any
)

// Action says what Upsert did: Inserted, Updated or Ignored.
type Action = tbl.Action

// The outcomes of Upsert.
const (
	Inserted = tbl.Inserted
	Updated  = tbl.Updated
	Ignored  = tbl.Ignored
)

// Conflict is Upsert's policy for an existing key.
type Conflict = tbl.Conflict

// The conflict policies of Upsert.
const (
	OnConflictUpdate = tbl.OnConflictUpdate // merge into the stored record
	OnConflictIgnore = tbl.OnConflictIgnore // keep the stored record
	OnConflictError  = tbl.OnConflictError  // fail with ErrDuplicateKey
)
