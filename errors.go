package dictdb

import (
	"errors"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// The sentinel errors. Every error dictdb returns wraps one of them, usually
// inside a typed error (*Error, *TableError, *ValueError, *cond.QueryError)
// that names the table, field or key; test with errors.Is.
var (
	// ErrTableExists: CreateTable with a name already in use.
	ErrTableExists = mvcc.ErrTableExists
	// ErrTableNotFound: no table of that name (or the handle's table was dropped).
	ErrTableNotFound = mvcc.ErrTableNotFound
	// ErrReentrantWrite: a write from inside an Update function, on its
	// goroutine, to a table that transaction holds (through a Table handle,
	// a nested Update, DropTable, CreateTable, ImportCSV, ApplyDelta or
	// Restore); write through the Tx instead. Waiting would never end, so
	// the write fails at once and the transaction can go on.
	ErrReentrantWrite = mvcc.ErrReentrantWrite
	// ErrDuplicateKey: the primary key already exists.
	ErrDuplicateKey = tbl.ErrDuplicateKey
	// ErrNotFound is returned when a record looked up by a key that must
	// exist is missing. Update and Delete that match nothing return 0 and
	// no error, not ErrNotFound.
	ErrNotFound = tbl.ErrNotFound
	// ErrSchema: a record breaks the table's schema.
	ErrSchema = tbl.ErrSchema
	// ErrPrimaryKeyChange: Update would change a primary key.
	ErrPrimaryKeyChange = tbl.ErrPrimaryKeyChange
	// ErrInvalidKey: a primary-key value that is neither an integer nor a string.
	ErrInvalidKey = tbl.ErrInvalidKey
	// ErrInvalidRecord: a record that is nil, has no field, or has a field
	// named "" (a nested map may have an "" key).
	ErrInvalidRecord = tbl.ErrInvalidRecord
	// ErrInvalidArgument: an argument that is not a record is invalid, for
	// example an empty table, primary-key or schema field name, a bad
	// schema type, an unknown conflict policy, an empty table list for
	// Update, a nil snapshot, reader, writer or delta, an empty path, a bad
	// CSV delimiter or a negative backup option. ErrInvalidIndex and
	// ErrInvalidFormat are narrower cases of it: errors.Is matches both, so
	// CreateIndex("", HashIndex) is an ErrInvalidIndex and an
	// ErrInvalidArgument. An empty field name is an ErrInvalidArgument
	// where it is an argument (CreateIndex, PrimaryKey, Col), an
	// ErrInvalidQuery inside a condition, ordering or projection, and an
	// ErrInvalidRecord as a field of a record.
	ErrInvalidArgument = tbl.ErrInvalidArgument
	// ErrInvalidQuery: a bad condition, ordering, projection, limit or offset.
	ErrInvalidQuery = cond.ErrInvalidQuery
	// ErrUnsupportedValue: a value outside the value model (see the package doc).
	ErrUnsupportedValue = codec.ErrUnsupportedValue
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

// ErrBackupCallback is returned by a BackupManager's backup methods (and
// reported to OnFailure) when the OnBackup callback panicked. The backup
// itself was written; the manager recovers and keeps running.
var ErrBackupCallback = errors.New("backup callback panicked")

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
	// field (for example `field "age" (<): operand is missing`); it wraps
	// ErrInvalidQuery.
	QueryError = cond.QueryError
	// ParseError says where and why cond.Parse rejected its input: Pos is
	// the byte offset of the offending token, Expected what the parser
	// expected there and Found what it found. It wraps ErrInvalidQuery.
	ParseError = cond.ParseError
)
