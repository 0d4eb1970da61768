// Package stored gives dictdb's own packages the record behind a tbl.Row
// without copying it, for the paths that only read it: writing files,
// deltas and CSV. The public API never hands out a stored record (Row's
// accessors copy lists, maps and byte slices), and code outside this module
// cannot import an internal package, so only dictdb itself reads records
// this way, and it never changes them.
package stored

import "github.com/dictdb-go/dictdb/codec"

// Record returns the stored record behind row, which must be a tbl.Row
// (passed as any: this package cannot name tbl.Row without an import
// cycle). Package tbl sets it when it initializes. The record must never
// be changed, nor handed to a caller.
var Record func(row any) codec.Record
