// Package stored gives dictdb's own packages the two accesses to stored
// records that skip a copy and are therefore not part of any public API:
// the record behind a tbl.Row, for the paths that only read it (writing
// files, deltas and CSV), and the loading of decoded records into a table
// version without copying them (Load and CSV imports). The public API never
// hands out a stored record (Row's accessors copy lists, maps and byte
// slices) and copies every record it is given, and code outside this
// module cannot import an internal package, so only dictdb itself takes
// these shortcuts, and it never changes a record afterwards.
package stored

import "github.com/dictdb-go/dictdb/codec"

// Record returns the stored record behind row, which must be a tbl.Row
// (passed as any: this package cannot name tbl.Row without an import
// cycle). Package tbl sets it when it initializes. The record must never
// be changed, nor handed to a caller.
var Record func(row any) codec.Record

// Restore returns the table version t (a *tbl.Table, passed as any for the
// same reason) with recs added, as a *tbl.Table: like InsertMany (auto
// keys, duplicate keys, unique indexes and the schema are handled the same
// way), but the records are taken over without a copy. Each record must be
// normalized (codec's value model) and owned by the caller, who must never
// touch it again: a file decoder's output. On an empty t the rows and
// indexes fill their nodes in place. On error it returns t unchanged, with
// an error naming the record's position. Package tbl sets it when it
// initializes.
var Restore func(t any, recs []map[string]any) (any, error)

// RestoreRecords is Restore for records already in their compact form (a
// file decoder's output, see codec.RecordVisitor): each is taken over as
// the stored record of its row (a record without the primary-key field
// gets one, as a new record). The same rules hold, and the caller must
// never touch a record again. Package tbl sets it when it initializes.
var RestoreRecords func(t any, recs []codec.Record) (any, error)
