package dictdb

import (
	"errors"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/wal"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// The sentinel errors. Every error dictdb returns wraps one of them, usually
// inside a typed error (*Error, *TableError, *ValueError, *QueryError,
// *CorruptError) that names the table, field or key; test with errors.Is.
var (
	// ErrTableExists is returned when CreateTable (or ImportCSV into a new
	// table) names a table that exists.
	ErrTableExists = mvcc.ErrTableExists
	// ErrTableNotFound is returned when no table has the name given, or the
	// handle's table was dropped.
	ErrTableNotFound = mvcc.ErrTableNotFound
	// ErrReentrantWrite is returned when a write from inside an Update
	// function, on its goroutine, goes to a table that transaction holds
	// (through a Table handle, a nested Update, DropTable, CreateTable,
	// ImportCSV, ApplyDelta or Restore); write through the Tx instead.
	// Waiting would never end, so the write fails at once and the
	// transaction can go on.
	ErrReentrantWrite = mvcc.ErrReentrantWrite
	// ErrTableNotInTx is returned when a transaction touches a table its
	// Update did not name; add the table to the list.
	ErrTableNotInTx = errors.New("table not named by the transaction")
	// ErrTxDone is returned when a Tx or TxTable is used after its Update
	// returned.
	ErrTxDone = errors.New("transaction has ended")
	// ErrDuplicateKey is returned when a write would store a primary key
	// that exists, or a value a unique index holds already.
	ErrDuplicateKey = tbl.ErrDuplicateKey
	// ErrNotFound is returned when a record looked up by a key that must
	// exist is missing. Update and Delete that match nothing return 0 and
	// no error, not ErrNotFound.
	ErrNotFound = tbl.ErrNotFound
	// ErrSchema is returned when a record breaks the table's schema.
	ErrSchema = tbl.ErrSchema
	// ErrPrimaryKeyChange is returned when an Update would change a
	// primary key.
	ErrPrimaryKeyChange = tbl.ErrPrimaryKeyChange
	// ErrInvalidKey is returned for a primary-key value that is neither an
	// integer nor a string.
	ErrInvalidKey = tbl.ErrInvalidKey
	// ErrInvalidRecord is returned for a record that is nil, has no field,
	// or has a field named "" (a nested map may have an "" key).
	ErrInvalidRecord = tbl.ErrInvalidRecord
	// ErrInvalidArgument is returned when an argument that is not a record
	// is invalid, for example an empty table, primary-key or schema field
	// name, a bad schema type, an unknown conflict policy, an empty table
	// list for Update, a nil snapshot, reader, writer or delta, an empty
	// path, a bad CSV delimiter or a negative backup option.
	// ErrInvalidIndex and ErrInvalidFormat are narrower cases of it:
	// errors.Is matches both, so CreateIndex("", HashIndex) is an
	// ErrInvalidIndex and an ErrInvalidArgument. An empty field name is an
	// ErrInvalidArgument where it is an argument (CreateIndex, PrimaryKey,
	// Col), an ErrInvalidQuery inside a condition, ordering or projection,
	// and an ErrInvalidRecord as a field of a record.
	ErrInvalidArgument = tbl.ErrInvalidArgument
	// ErrInvalidIndex is returned for a bad index definition (an empty or
	// primary-key field, an unknown kind, a field indexed with another
	// kind) or a DropIndex of a field without an index.
	ErrInvalidIndex = tbl.ErrInvalidIndex
	// ErrInvalidFormat is returned for a Format that is not valid for the
	// call, before any file is touched. It is a case of ErrInvalidArgument.
	ErrInvalidFormat error = &narrowError{msg: "invalid file format", broad: ErrInvalidArgument}
	// ErrInvalidQuery is returned for a bad condition, ordering,
	// projection, limit or offset, or, with a schema, a field the schema
	// lacks.
	ErrInvalidQuery = cond.ErrInvalidQuery
	// ErrUnsupportedValue is returned for a value outside the value model
	// (see the package doc).
	ErrUnsupportedValue = codec.ErrUnsupportedValue
	// ErrCorrupt is returned, wrapped in a *CorruptError, when a file
	// cannot be loaded: bad syntax or checksum, truncation, a structure
	// that is not a dictdb dump, or records that break their table's rules.
	ErrCorrupt = codec.ErrCorrupt
	// ErrOutsideAllowedDir is returned when a path given to Save or Load
	// resolves outside the directory set with AllowedDir.
	ErrOutsideAllowedDir = errors.New("path outside the allowed directory")
	// ErrBackupState is returned by Start on a manager already started or
	// stopped.
	ErrBackupState = errors.New("backup manager cannot start")
	// ErrBackupChain is returned by RestoreBackup when the backup files do
	// not give the point asked for: a file is missing, damaged (the error
	// then also wraps ErrCorrupt), or does not follow the file before it,
	// or the directory holds files of more than one backup set. A
	// BackupManager's first backup returns it for such a directory too.
	ErrBackupChain = errors.New("broken backup chain")
	// ErrBackupCallback is returned by a BackupManager's backup methods
	// (and reported to OnFailure) when the OnBackup callback panicked. The
	// backup itself was written; the manager recovers and keeps running.
	ErrBackupCallback = errors.New("backup callback panicked")
	// ErrUnsupportedType is returned when a typed table is made for a Go
	// type that cannot be mapped onto records (a field of a channel,
	// function or complex type, a map with non-string keys, ...), or a
	// schema is derived from a struct whose fields no schema type holds.
	// The message names the field.
	ErrUnsupportedType = errors.New("unsupported Go type")
	// ErrTypeMismatch is returned when a typed table reads a stored record
	// whose value does not fit the struct field it maps to (a string into
	// an int field, an integer that overflows an int8, ...). The message
	// names the record and the field.
	ErrTypeMismatch = errors.New("stored value does not fit the Go type")
	// ErrClosed is returned by every write to a database Open opened,
	// after its Close (reads keep working), and by its Checkpoint.
	ErrClosed = errors.New("database closed")
	// ErrNotDurable is returned by Checkpoint on a database that Open did
	// not open (New, Load, RestoreBackup): it has no directory.
	ErrNotDurable = errors.New("database has no directory (not opened by Open)")
	// ErrReadOnly is returned by every write to a database opened with
	// ReadOnly, and by its Checkpoint.
	ErrReadOnly = errors.New("database opened read-only")
	// ErrLocked is returned by Open when another Open, in this process or
	// another, holds the directory.
	ErrLocked = wal.ErrLocked
	// ErrStopped is returned by every write to a database Open opened once
	// a write or fsync of its log has failed (fail-stop); the error also
	// wraps that first failure. A failed fsync is never retried: the
	// database refuses writes until it is closed and opened again, which
	// recovers every acknowledged commit. Reads keep working. The write
	// whose log write or fsync failed may or may not survive a crash.
	ErrStopped = wal.ErrStopped
	// ErrLagged is returned, wrapped in a *LaggedError, to a Changes
	// subscriber whose next commit is no longer held.
	ErrLagged = errors.New("subscriber lagged behind the change feed")
)

// A narrowError is a sentinel that names a narrower case of another one;
// errors.Is matches both.
type narrowError struct {
	msg   string
	broad error
}

func (e *narrowError) Error() string { return e.msg }

// Unwrap returns the broader sentinel.
func (e *narrowError) Unwrap() error { return e.broad }

// Typed errors, re-exported for errors.As.
type (
	// Error is a record-level failure. Its fields: Err, the sentinel it
	// wraps (ErrDuplicateKey, ErrSchema, ...); Table, the table name;
	// Field, the field or index concerned, if any; Key, the primary key
	// (int64 or string) of the record being written, if any; Value, the
	// value concerned, if any (a unique index's clashing value, a bad
	// primary-key value); Existing, for ErrDuplicateKey, the primary key of
	// the stored record it clashes with (Key itself for a duplicate primary
	// key); Msg, what went wrong without that context. Its message puts the
	// context first: `dictdb: table "users": record 1: duplicate key`.
	Error = tbl.Error
	// TableError names, in its Table field, the table of ErrTableExists,
	// ErrTableNotFound and ErrReentrantWrite, which it wraps (field Err).
	TableError = mvcc.TableError
	// ValueError is an unsupported value: Path is the field path (list
	// positions appear as [i]), Type the Go type as fmt's %T prints it, and
	// Reason an optional detail such as "NaN". It wraps ErrUnsupportedValue.
	ValueError = codec.ValueError
	// QueryError says why a query or a condition is invalid, in its Msg
	// field (for example `operator <: operand is missing`), with the Table and
	// Field it concerns when known; it wraps ErrInvalidQuery.
	QueryError = cond.QueryError
	// ParseError says where and why cond.Parse rejected its input: Pos is
	// the byte offset of the offending token, Expected what the parser
	// expected there and Found what it found. It wraps ErrInvalidQuery.
	ParseError = cond.ParseError
	// CorruptError locates a load failure: Format, the byte Offset and (for
	// JSON and CSV) the Line, with Msg saying what was wrong; it wraps
	// ErrCorrupt and the lower-level error Err, if any.
	CorruptError = codec.CorruptError
)
