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
//     returned maps are deep copies. Row gives a zero-copy, read-only path.
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
// Writers never wait for themselves. Inside the function of DB.Update, a
// write on the same goroutine to a table the transaction holds (through a
// Table handle, a nested Update, DropTable, CreateTable, ImportCSV,
// ApplyDelta or Restore) fails at once with ErrReentrantWrite naming the
// table, changing nothing, and the transaction can go on and commit. The
// check runs only when a table's lock is taken, so it costs nothing on the
// uncontended path. Reads, snapshots, Save, backups and writes of other
// tables work inside the function. Update names the tables it locks, in
// sorted order, so transactions never wait for each other in a cycle; two
// waits remain the caller's: a goroutine the function starts waits, like
// any other writer, until the transaction ends (the function must not wait
// for it), and writing from the function to a table the transaction did not
// name can wait in a cycle with another transaction doing the converse.
// Name in Update every table a transaction writes.
//
// # Lifetimes
//
// Versions are immutable and garbage-collected once no snapshot, view or
// row refers to them. Holding a Snapshot keeps its rows alive.
package dictdb
