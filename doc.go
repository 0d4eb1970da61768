// Package dictdb is an embedded, in-memory table store: tables of map-shaped
// records keyed by a primary key, a condition DSL (package cond), optional
// schemas, O(1) point-in-time snapshots and multi-table transactions, all on
// a lock-free multi-version (MVCC) copy-on-write design.
//
// # Guarantees
//
//   - Readers never block and are never blocked. A read is one atomic load of
//     the current root plus a walk of immutable data; no read takes a lock.
//   - Every write is atomic. A write locks its table, builds the next version
//     with pure functions, validates it, and publishes it with one
//     compare-and-swap of the root. A write that fails publishes nothing:
//     the previous version stays current, with no partial state.
//   - Writers of different tables never wait for each other. Writers of one
//     table are serialized by that table's mutex.
//   - DB.Update commits writes to several tables with one compare-and-swap:
//     no reader ever sees some of them without the others.
//   - DB.Snapshot is O(1) and consistent across all tables; a snapshot never
//     changes afterwards.
//   - Records are never shared with the caller: inserted maps are copied,
//     and no read hands out memory a stored version holds, so nothing a
//     caller does with a result can change a snapshot. Returned maps are
//     deep copies. Row is the zero-copy path: it returns scalars (nil, bool,
//     int64, float64, string, time.Time) as stored, and lists, maps and
//     byte slices as deep copies of the one value read. Aggregate results,
//     snapshot diffs and errors that carry a value hold copies as well.
//
// # Values
//
// Record values are normalized on the way in to nil, bool, int64 (every Go
// integer type that fits), float64 (float32 too; NaN and infinities are
// rejected), string, []byte (copied), time.Time (UTC), []any and
// map[string]any (nested at most codec.MaxDepth levels). Named types, typed
// slices and maps with string keys are converted. Anything else (structs,
// pointers, channels, functions, maps with other keys) fails with
// ErrUnsupportedValue naming the field and Go type, and nothing is stored.
//
// Numbers compare by value across int64 and float64 (1 == 1.0); bool is not
// a number. Values sort in a total order:
// null < bool < number < string < bytes < time < list < map.
//
// # Differences from the Python DictDB
//
//   - Rows come back in primary-key order unless OrderBy says otherwise.
//   - <, <=, >, >= and Between are false for null, missing or different-kind
//     values (never an error); Ne is the exact negation of Eq.
//   - OrderBy uses the total order: null and missing first ascending, last
//     descending; ties keep primary-key order.
//   - Limit 0 means no limit; a negative Limit or Offset is ErrInvalidQuery.
//   - Distinct runs before Offset and Limit (SQL semantics).
//   - Primary keys are integers or strings. The auto key is the largest
//     integer key ever held plus one: never reused, never overwriting.
//   - Update cannot change a primary key (ErrPrimaryKeyChange). Update and
//     Delete matching nothing return 0 and an error wrapping ErrNotFound.
//   - Upsert validates the merged record before publishing anything.
//   - Schemas: a Float field accepts integers (stored as float64); a bool
//     never passes an Int field; fields are required and non-null; extra
//     fields are rejected.
//   - Nil and empty records are rejected (ErrInvalidRecord).
//
// # Concurrency
//
// DB, Table, Snapshot and View are safe for concurrent use. A handle (Table)
// stays bound to the table it was obtained for; after DropTable its calls
// fail with ErrTableNotFound.
//
// # Lifetimes
//
// Versions are immutable and garbage-collected once no snapshot, view or
// row refers to them. Holding a Snapshot keeps its rows alive.
package dictdb
