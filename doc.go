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
//     changes afterwards. (Tables with a TTL are read without the rows
//     expired when a view of them is made, also from an older snapshot;
//     see Table.SetTTL.)
//   - Records are never shared with the caller: inserted maps are copied,
//     and no read hands out memory a stored version holds, so nothing a
//     caller does with a result can change a snapshot. Returned maps are
//     deep copies. Row is the zero-copy path: it returns scalars (nil, bool,
//     int64, float64, string, time.Time) as stored, and lists, maps and
//     byte slices as deep copies of the one value read. Aggregate results,
//     snapshot diffs and errors that carry a value hold copies as well.
//
// # Durable databases
//
// New returns an in-memory database. Open returns one backed by a
// directory: the newest checkpoint plus a write-ahead log to which every
// commit appends one checksummed frame (a transaction over several tables
// is one frame: after a crash it is there completely or not at all)
// before readers see it. What a write's return guarantees depends on the
// SyncPolicy (WithSync):
//
//   - SyncAlways (the default): the write returns nil only once its commit
//     is on stable storage (fsynced), with every commit before it. Readers
//     (Get, queries, Snapshot, Seq, Table handles) see a commit only once
//     it is durable, so no reader ever sees a commit that a crash, of the
//     process or of the machine, could lose. Concurrent writers share one
//     write of the log and one fsync (group commit). One exception: the
//     function of a write holding a table (an Update function, say) works
//     on the latest commit of that table, which may not be durable yet; if
//     the log fails to write or fsync it, the dependent commit fails too.
//   - SyncEvery(d): the write returns, and readers see the commit, once its
//     frame is written to the operating system (concurrent writers share
//     one write of the log file); a background fsync every d bounds what a
//     crash of the machine loses to the commits of the last d plus the
//     duration of one fsync. A crash of the process alone loses nothing.
//   - SyncNever: as SyncEvery, with no background fsync: the operating
//     system decides when the log reaches the disk. Close and Checkpoint
//     still fsync.
//
// Open recovers every commit whose write returned (under SyncEvery and
// SyncNever, those that reached the disk) and no other, except possibly
// a write that failed with ErrStopped: when a write or fsync of the log
// fails, the writes whose commits it carried may or may not survive a
// crash, and every later write fails with ErrStopped (fail-stop: a failed
// fsync is never retried); reads keep working. A torn frame at the end of
// the log is cut off and logged at warning level; any other damage is
// ErrCorrupt, naming the file and offset, and Open opens nothing.
// Checkpoint writes the visible state from a snapshot while writers go
// on; WithCheckpointSize takes checkpoints in the background. Open locks
// the directory (ErrLocked for a second Open); ReadOnly opens it without
// the lock, for inspection. Close releases it; later writes fail with
// ErrClosed.
//
// # Values
//
// Record values are normalized on the way in to nil, bool, int64 (every Go
// integer type that fits), float64 (float32 too; NaN and infinities are
// rejected), string, []byte (copied), time.Time (UTC), []any and
// map[string]any (nested at most MaxDepth levels). Named types, typed
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
//     Restore never lowers the counter of a table that exists when it runs;
//     a dropped table that a snapshot brings back resumes from the
//     snapshot's counter.
//   - OrderBy entries are "field" or "-field". "", "-", "+field", "--field",
//     leading or trailing white space and SQL's "field DESC" are
//     ErrInvalidQuery, not odd field names.
//   - Update cannot change a primary key (ErrPrimaryKeyChange). Update and
//     Delete matching nothing return 0 and a nil error, as database/sql's
//     RowsAffected (the Python DictDB raises an error).
//   - Upsert validates the merged record before publishing anything.
//   - Schemas: a Float field accepts integers (stored as float64); a bool
//     never passes an Int field; fields are required and non-null; extra
//     fields are rejected.
//   - With a schema, a query that names a field the schema lacks (in Where,
//     OrderBy, Columns, GroupBy or an aggregation, also of Update, Delete
//     and CountWhere) is ErrInvalidQuery naming the field, and an Update
//     whose changes hold such a field or a value of the wrong type is
//     ErrSchema even when no record matches. Without a schema records are
//     open and any field may be named; a missing one reads as null.
//   - Nil and empty records, and records with a field named "", are
//     rejected (ErrInvalidRecord); other bad arguments, such as empty table
//     or field names, give ErrInvalidArgument.
//   - Sum and Avg add floats with compensated summation, as Python's sum()
//     does since 3.12 (ten 0.1 sum to 1.0); integers are summed exactly and
//     join the float sum at the end, so a column mixing integers beyond
//     2^53 with floats may round closer to the exact sum than Python does.
//     The mean of integers is rounded once, as Python's int / int. An
//     integer Sum beyond int64 and a float sum beyond float64 are
//     ErrInvalidQuery; a bool is not a number.
//   - IEquals, IContains, IStartsWith and IEndsWith lower-case both sides
//     with strings.ToLower, rune by rune, where Python's str.lower() maps
//     'İ' (U+0130) to "i̇" (two runes; Go gives 'i') and a final 'Σ' to 'ς'
//     (Go gives 'σ'): iequals("istanbul") matches "İstanbul" in Go only,
//     iequals("οδος") matches "ΟΔΟΣ" in Python only. ILike folds case as
//     Python's re.IGNORECASE does.
//   - CSV: blank lines are skipped (Python makes a record of empty
//     strings); numbers are parsed with Go's strict strconv, so " 42",
//     "1_000", "nan" and "inf" stay strings (Python's int() and float()
//     accept them); "\r\n" inside a quoted field is read as "\n"; a leading
//     UTF-8 byte-order mark is skipped; a bare "\r" ends a row, as in
//     Python; a row wider than the header, an empty or repeated header
//     name, a cell that is not UTF-8 and a quote outside RFC 4180 are errors
//     with the line unless CSVOptions.Lenient is set (Python drops the extra
//     cells, keeps the last repeated column and reads "b"c as bc); a conversion to a list or
//     dict schema field keeps the string; a failed import leaves no table
//     behind (Python keeps an empty one); an empty primary-key cell gets the
//     next auto key (Python stores the record under None); export writes a
//     record's fields primary key first, then sorted (Python: insertion
//     order), with time.Time in RFC 3339 and []byte in base64.
//   - Files from the Python DictDB can hold values dictdb does not store:
//     NaN, Infinity and -Infinity (Python's json writes them), integers
//     beyond int64, and true or false in an int field (a bool is an int to
//     Python). Load fails on them with an error wrapping ErrCorrupt and
//     ErrUnsupportedValue (ErrSchema for the bool) that names the table,
//     the record's key, the field and the value; nothing is loaded. To load
//     such a file, change the data on the Python side and save it again:
//     None (or, with a schema, a sentinel number or a string) for NaN and
//     infinities, a string or a float for a huge integer, and a bool field
//     or 0 and 1 for the bools.
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
// why, in RestoreInfo.Skipped. Each footer also names the directory's
// backup set, which every manager in a directory adopts: a file copied in
// from another backup directory, or written by a second manager at the
// same time, fails a restore with ErrBackupChain instead of being taken
// for the newest point.
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
// DB, Table, Snapshot and View are safe for concurrent use. A View is one
// table version: Snapshot.Table, Table.View and TxTable.View return one,
// and Table and TxTable offer the same read methods as View, answered by a
// View of their current version. A handle (Table)
// stays bound to the table it was obtained for; after DropTable its calls
// with an error result fail with ErrTableNotFound, and the others (Get,
// Count, Records, PrimaryKey, ...) return zero values: see Table.
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
// Name in Update every table a transaction writes. A goroutine the function
// starts may instead write through the Tx, which never waits: the calls of
// a Tx are serialized, what they write before the function returns
// commits with it, and later calls fail with ErrTxDone.
//
// # Go structs, streaming reads and contexts
//
// The typed layer (TableOf, CreateTableOf, TxTableOf, ViewOf, WithSchemaOf)
// maps a Go struct type onto a table's records with encoding/json-style
// tags, compiled once per type; unsupported field types fail with
// ErrUnsupportedType, naming the field, when the typed table is made. See
// Typed for the mapping. Typed and map writes mix on one table, under the
// same guarantees.
//
// All and Scan return iterators (iter.Seq2): an iteration reads the one
// version current when it starts, never sees writes made meanwhile and is
// never disturbed by them; a query whose plan reads rows in order streams
// them, and breaking out of the loop reads nothing more.
//
// Long operations have a form taking a context.Context, named as in
// database/sql (SaveContext, LoadContext, ImportCSVContext,
// ExportCSVContext, RestoreBackupContext, CheckpointContext, ScanContext).
// Once the context ends they stop with an error wrapping ctx.Err() and
// leave nothing half-done: a cancelled save or export leaves the previous
// file, a cancelled load or restore returns no database, a cancelled
// import creates no table, a cancelled checkpoint leaves the previous
// checkpoint and the whole log.
//
// # Expiring rows
//
// A table made with WithTTL, or given Table.SetTTL, expires a row once the
// time.Time in the named field is before now (any other value never
// expires): no read returns it from then on, writes do not see it, and a
// background sweeper (one per database, WithTTLSweep; DB.Sweep) deletes it
// in an ordinary commit that the change feed, watches and the log see. The
// setting is not stored in files: declare it again with TableTTL when
// loading or opening.
//
// # Options
//
// A setting a call may take or leave is a functional option of the type
// named for what it configures: Option for a database and its files (New,
// Open, Load, Save: WithLogger, AllowedDir, PythonCompatible, WithSync,
// WithCheckpointSize, ReadOnly, WithTTLSweep, TableTTL), TableOption for
// CreateTable (PrimaryKey, WithSchema, WithSchemaOf, WithTTL) and
// IndexOption for CreateIndex
// (Unique). The three operations with many settings take a struct whose
// zero value means every default: CSVOptions, BackupOptions and
// RestoreOptions.
//
// # Lifetimes
//
// Versions are immutable and garbage-collected once no snapshot, view or
// row refers to them. Holding a Snapshot keeps its rows alive.
//
// A DB comes from New, Open, Load, LoadFrom or RestoreBackup, and a Table,
// TxTable, View, Typed or BackupManager from the function or method that
// returns it; as with os.File, their zero values are not usable. Values a
// caller may declare are usable as zero: options structs, Record, Query,
// and WatchSet (a zero Watch counts as fired).
package dictdb
