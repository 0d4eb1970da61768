package dictdb

import (
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
	// ErrNotFound: Update or Delete matched no record.
	ErrNotFound = tbl.ErrNotFound
	// ErrSchema: a record breaks the table's schema.
	ErrSchema = tbl.ErrSchema
	// ErrPrimaryKeyChange: Update would change a primary key.
	ErrPrimaryKeyChange = tbl.ErrPrimaryKeyChange
	// ErrInvalidKey: a primary-key value that is neither an integer nor a string.
	ErrInvalidKey = tbl.ErrInvalidKey
	// ErrInvalidRecord: a nil or empty record, or a bad table definition.
	ErrInvalidRecord = tbl.ErrInvalidRecord
	// ErrInvalidQuery: a bad condition, ordering, projection, limit or offset.
	ErrInvalidQuery = cond.ErrInvalidQuery
	// ErrUnsupportedValue: a value outside the value model (see the package doc).
	ErrUnsupportedValue = codec.ErrUnsupportedValue
)

// Typed errors, re-exported for errors.As.
type (
	// Error carries the table, field and key of a record-level failure.
	Error = tbl.Error
	// TableError names the table of ErrTableExists, ErrTableNotFound and
	// ErrReentrantWrite.
	TableError = mvcc.TableError
	// ValueError names the field path and Go type of an unsupported value.
	ValueError = codec.ValueError
)
