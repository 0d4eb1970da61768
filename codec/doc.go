// Package codec is dictdb's value model and its file formats. The value
// model turns the values callers put in records into a small closed set of
// normalized kinds, and defines equality, a total order and hashing over
// them. The formats (JSON, binary, delta, CSV) read and write a neutral
// table-dump model (TableDump plus streamed records), so that this package
// knows nothing of tables.
//
// The binary format (BinaryVersion 2; version 1 files are still read)
// chains its block checksums: each covers every byte before it, earlier
// checksums aside, so a block damaged, moved, swapped, repeated or left
// out fails decoding with ErrCorrupt at the offset of the first block out
// of place. Its layout is described in binary.go.
//
// # Guarantees
//
// Normalized values are one of: nil, bool, int64, float64 (finite), string,
// []byte, time.Time (UTC, no monotonic reading), []any and map[string]any,
// nested at most MaxDepth levels. Every other Go value is rejected with an
// error that wraps ErrUnsupportedValue and names the field path and Go type.
//
// Equality is numeric across int64 and float64 (1 == 1.0), never between bool
// and numbers, and deep for lists and maps. Compare is a total order that
// agrees with Equal:
//
//	null < bool < number < string < bytes < time < list < map
//
// and Hash agrees with Equal: equal values hash alike.
//
// A stored record is a Record: one pointer to a single allocation holding
// its Shape (the sorted field names, immutable and interned, so records with
// the same fields share one) and its values in shape order. NormalizeRecord
// and Normalizer build Records in one pass, never retaining the caller's map.
// A Field resolves a field's slot once per shape, for scans that read one
// field of many records.
//
// # Concurrency
//
// Every function here is pure and safe for concurrent use, and so are Shapes
// and Fields; a Normalizer is for one goroutine. Normalized values and
// Records handed to the rest of dictdb are never mutated once shared.
package codec
