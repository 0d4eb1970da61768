package tbl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dictdb-go/dictdb/codec"
)

// Sentinel errors. Errors returned by this package wrap one of them (or
// cond.ErrInvalidQuery, codec.ErrUnsupportedValue) and can be tested with
// errors.Is.
var (
	// ErrDuplicateKey is returned when a primary key or a unique index
	// value already exists.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrNotFound is returned when a record looked up by a key that must
	// exist is missing. Update and Delete never return it: matching no
	// record is a count of 0 and no error.
	ErrNotFound = errors.New("record not found")
	// ErrSchema is returned when a record does not satisfy the table schema.
	ErrSchema = errors.New("schema violation")
	// ErrPrimaryKeyChange is returned when Update would change a primary key.
	ErrPrimaryKeyChange = errors.New("primary key change")
	// ErrInvalidKey is returned for a primary-key value that is not an
	// integer or a string.
	ErrInvalidKey = errors.New("invalid primary key")
	// ErrInvalidRecord is returned for a nil or empty record, or one with
	// a field named "" (codec.ErrInvalidRecord).
	ErrInvalidRecord = codec.ErrInvalidRecord
	// ErrInvalidArgument is returned for an invalid argument that is not a
	// record: an empty table or primary-key name, a bad schema, an unknown
	// conflict policy (codec.ErrInvalidArgument).
	ErrInvalidArgument = codec.ErrInvalidArgument
	// ErrInvalidIndex is returned for a bad index definition: an empty or
	// primary-key field, an unknown kind, a field indexed with another
	// kind, or dropping an index that does not exist. It is a case of
	// ErrInvalidArgument: errors.Is matches both.
	ErrInvalidIndex error = &narrowError{msg: "invalid index", broad: ErrInvalidArgument}
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

// An Error carries the table, field, key and value a failure concerns. It
// wraps one of the sentinel errors (Err). Its message puts the context
// first: `dictdb: table "users": record 1: duplicate key`.
//
// For ErrDuplicateKey, Key is the primary key of the record being written
// and Existing the primary key of the stored record it clashes with (the
// same key for a duplicate primary key); for a unique index, Field names
// the index and Value holds the value both records have. CreateIndex over
// duplicates reports two of the records that hold the value as Existing
// and Key, in key order.
type Error struct {
	Err      error  // the sentinel: ErrDuplicateKey, ErrSchema, ...
	Table    string // the table name
	Field    string // the field or index concerned, if any
	Key      any    // the primary key of the record concerned (int64 or string), if any
	Value    any    // the value concerned, if any: a unique index's clashing value, a bad primary-key value
	Existing any    // for ErrDuplicateKey, the primary key of the record already stored
	Msg      string // what went wrong, without the context above
}

// Error returns the message with its context first: the table, the record's
// primary key, the field, then what went wrong.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("dictdb: ")
	if e.Table != "" {
		fmt.Fprintf(&b, "table %q: ", e.Table)
	}
	if e.Key != nil {
		b.WriteString("record ")
		b.WriteString(valueText(e.Key))
		b.WriteString(": ")
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// valueText prints a key or value as a message shows it: a string quoted,
// anything else as fmt prints it.
func valueText(k any) string {
	if s, ok := k.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(k)
}

// withKey names the record a schema error concerns, when it does not yet.
func withKey(err error, key any) error {
	if e, ok := err.(*Error); ok && e.Key == nil {
		e.Key = key
	}
	return err
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

func errorf(sentinel error, table, field string, key any, format string, args ...any) *Error {
	// key may be a stored value (the value two rows clash on): the error
	// carries a copy, never memory a stored version holds.
	return &Error{Err: sentinel, Table: table, Field: field, Key: codec.Clone(key), Msg: fmt.Sprintf(format, args...)}
}

func duplicateKey(table string, key any) *Error {
	e := errorf(ErrDuplicateKey, table, "", key, "duplicate key")
	e.Existing = key
	return e
}

// uniqueClash is the error for a record whose value v of the unique index
// on field is already held by the record under existing.
func uniqueClash(table, field string, key, existing, v any, format string, args ...any) *Error {
	e := errorf(ErrDuplicateKey, table, field, key, format, args...)
	e.Value, e.Existing = codec.Clone(v), existing // a copy: v may be stored
	return e
}
