package cond

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrInvalidQuery is returned when a condition cannot be compiled: an empty
// field name, a nil operand of And, Or or Not, an unknown operator, a wrong
// number or type of operands, or an unsupported constant.
var ErrInvalidQuery = errors.New("invalid query")

// A QueryError describes why a query or a condition is invalid. It wraps
// ErrInvalidQuery.
type QueryError struct {
	Table string // the table queried, when the query named an unknown field
	Field string // the field concerned, if any
	Msg   string // what is wrong, for example `operator <: operand is missing`
}

// Error returns the message with its context first:
// `table "users": field "agee": invalid query: not in the schema`.
func (e *QueryError) Error() string {
	msg := "invalid query: " + e.Msg
	if e.Field != "" {
		msg = "field " + strconv.Quote(e.Field) + ": " + msg
	}
	if e.Table != "" {
		msg = "table " + strconv.Quote(e.Table) + ": " + msg
	}
	return msg
}

// Unwrap returns ErrInvalidQuery.
func (e *QueryError) Unwrap() error { return ErrInvalidQuery }

func queryErrorf(format string, args ...any) error {
	return &QueryError{Msg: fmt.Sprintf(format, args...)}
}

// predError reports a problem with one predicate, naming its field and
// operator.
func predError(field string, op Op, format string, args ...any) error {
	return &QueryError{Field: field, Msg: fmt.Sprintf("operator %s: ", op) + fmt.Sprintf(format, args...)}
}

// valueError wraps an error of codec.Normalize so that errors.Is finds both
// ErrInvalidQuery and codec.ErrUnsupportedValue.
func valueError(field string, op Op, err error) error {
	return fmt.Errorf("%w: %w", predError(field, op, "unsupported operand"), err)
}
