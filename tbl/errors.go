package tbl

import (
	"errors"
	"fmt"

	"github.com/dictdb-go/dictdb/codec"
)

// Sentinel errors. Errors returned by this package wrap one of them (or
// cond.ErrInvalidQuery, codec.ErrUnsupportedValue) and can be tested with
// errors.Is.
var (
	// ErrDuplicateKey is returned when a primary key or a unique index
	// value already exists.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrNotFound is returned when Update or Delete match no record.
	ErrNotFound = errors.New("no matching records")
	// ErrSchema is returned when a record does not satisfy the table schema.
	ErrSchema = errors.New("schema violation")
	// ErrPrimaryKeyChange is returned when Update would change a primary key.
	ErrPrimaryKeyChange = errors.New("primary key change")
	// ErrInvalidKey is returned for a primary-key value that is not an
	// integer or a string.
	ErrInvalidKey = errors.New("invalid primary key")
	// ErrInvalidRecord is returned for a nil or empty record, and for
	// invalid table definitions.
	ErrInvalidRecord = errors.New("invalid record")
	// ErrInvalidIndex is returned for a bad index definition: an empty or
	// primary-key field, an unknown kind, a field indexed with another
	// kind, or dropping an index that does not exist.
	ErrInvalidIndex = errors.New("invalid index")
)

// An Error carries the table, field and key a failure concerns. It wraps
// one of the sentinel errors (Err). Its message keeps the Python DictDB
// wording where one exists.
type Error struct {
	Err   error  // the sentinel: ErrDuplicateKey, ErrSchema, ...
	Table string // the table name
	Field string // the field or index concerned, if any
	Key   any    // the primary key concerned, if any
	Msg   string // the full message
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

func errorf(sentinel error, table, field string, key any, format string, args ...any) *Error {
	// key may be a stored value (the value two rows clash on): the error
	// carries a copy, never memory a stored version holds.
	return &Error{Err: sentinel, Table: table, Field: field, Key: codec.Clone(key), Msg: fmt.Sprintf(format, args...)}
}

func duplicateKey(table string, key any) *Error {
	return errorf(ErrDuplicateKey, table, "", key, "Record with key '%v' already exists in table '%s'.", key, table)
}
