package cond

import (
	"errors"
	"fmt"
)

// ErrInvalidQuery is returned when a condition cannot be compiled: an empty
// field name, a nil operand of And, Or or Not, an unknown operator, a wrong
// number or type of operands, or an unsupported constant.
var ErrInvalidQuery = errors.New("invalid query")

// A QueryError describes why a condition is invalid. It wraps
// ErrInvalidQuery.
type QueryError struct {
	Msg string // what is wrong, for example `field "age" (<): operand is missing`
}

// Error returns "invalid query: " followed by the message.
func (e *QueryError) Error() string { return "invalid query: " + e.Msg }

// Unwrap returns ErrInvalidQuery.
func (e *QueryError) Unwrap() error { return ErrInvalidQuery }

func queryErrorf(format string, args ...any) error {
	return &QueryError{Msg: fmt.Sprintf(format, args...)}
}

// predError reports a problem with one predicate, naming its field and
// operator.
func predError(field string, op Op, format string, args ...any) error {
	return &QueryError{Msg: fmt.Sprintf("field %q (%s): ", field, op) + fmt.Sprintf(format, args...)}
}

// valueError wraps an error of codec.Normalize so that errors.Is finds both
// ErrInvalidQuery and codec.ErrUnsupportedValue.
func valueError(field string, op Op, err error) error {
	return fmt.Errorf("%w: %w", predError(field, op, "unsupported operand"), err)
}
