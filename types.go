package dictdb

import (
	"github.com/dictdb-go/dictdb/snapshot"
	"github.com/dictdb-go/dictdb/tbl"
)

// A Record is a map-shaped row as callers pass and receive it. Records
// passed in are copied; records returned are deep copies the caller owns.
type Record = map[string]any

// A Row is a read-only handle on a stored record, returned without copying
// by GetRow and Rows. Its accessors never hand out stored memory: Get and
// All return scalars (nil, bool, int64, float64, string, time.Time) as
// stored, at no cost, and lists, maps and byte slices as deep copies the
// caller owns; Map and Record copy the whole record. See tbl.Row.
type Row = tbl.Row

// A Query selects records; see tbl.Query for the order of its steps.
type Query = tbl.Query

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

// A Snapshot is a consistent, read-only view of the whole database at one
// commit.
type Snapshot = snapshot.Snapshot

// A View is the read API of one table at one version: a snapshot's table,
// or a live table's current version.
type View = snapshot.View
