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
// # Backups: what a restore equals, what is verified, what retention keeps
//
// RestoreBackup returns the database as it was at the commit of the newest
// backup in a directory (or of the file RestoreOptions.UpTo names): the same
// tables, rows, schemas, primary keys, index definitions and next auto keys.
// Deltas carry all of these, and a change to any of them alone produces a
// delta. Binary backups keep every value kind exactly; JSON backups hold
// what JSON holds.
//
// Every backup file ends with a footer: its backup number (the order of
// writing, never the clock), the commit it reflects, for a delta the file it
// applies on top of and its full backup, and a SHA-256 of the content.
// Restore verifies each file before using anything in it. A strict restore
// returns the newest point or fails with ErrBackupChain (wrapping ErrCorrupt
// for damage), never an older state; with NewestConsistent it returns the
// newest point whose files all verify and lists the files it skipped, and
// why, in RestoreInfo.Skipped.
//
// Retention (BackupOptions.Keep) keeps the newest full backups by backup
// number, everything written after the oldest of them and everything those
// depend on: never the newest full backup, never a file it cannot identify.
// A failed backup leaves nothing behind and changes nothing: the next delta
// holds every change since the last backup written, a due full backup is
// retried, and the next success restores everything.
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
