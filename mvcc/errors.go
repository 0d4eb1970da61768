package mvcc

import (
	"errors"
	"strconv"
)

// Errors about named tables. The dictdb package re-exports them.
var (
	// ErrTableExists is returned when creating a table whose name is taken.
	ErrTableExists = errors.New("table exists")
	// ErrTableNotFound is returned when a named table does not exist.
	ErrTableNotFound = errors.New("table not found")
	// ErrReentrantWrite is returned when a write would wait for a table
	// lock held by a transaction running on the calling goroutine: a write
	// from inside that transaction's function to a table it holds. Waiting
	// would never end.
	ErrReentrantWrite = errors.New("reentrant write: the calling goroutine's own transaction holds the table; write through its Tx")
)

// A TableError names the table an error concerns. It wraps ErrTableExists or
// ErrTableNotFound or ErrReentrantWrite; its message puts the table first:
// `dictdb: table "users": table not found`.
type TableError struct {
	Err   error
	Table string
}

// Error returns the message, the table first.
func (e *TableError) Error() string {
	return "dictdb: table " + strconv.Quote(e.Table) + ": " + e.Err.Error()
}

// Unwrap returns the sentinel.
func (e *TableError) Unwrap() error { return e.Err }

// NotFound returns the error for a missing table.
func NotFound(table string) error { return &TableError{Err: ErrTableNotFound, Table: table} }

// Exists returns the error for a table name already in use.
func Exists(table string) error { return &TableError{Err: ErrTableExists, Table: table} }

// Reentrant returns the error for a write that would wait for the calling
// goroutine's own transaction, which holds table.
func Reentrant(table string) error { return &TableError{Err: ErrReentrantWrite, Table: table} }
