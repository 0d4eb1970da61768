package codec

import (
	"errors"
	"fmt"
)

// Sentinel errors. Packages tbl and dictdb re-export them.
var (
	// ErrUnsupportedValue is returned when a value cannot be stored: a
	// struct, pointer, channel, function, a map with non-string keys, NaN
	// or an infinity, an integer that does not fit in int64, or nesting
	// deeper than MaxDepth.
	ErrUnsupportedValue = errors.New("unsupported value")
	// ErrInvalidRecord is returned when a record as a whole is malformed:
	// nil, without fields, or with a field named "" (a nested map may have
	// an "" key; only a record's own field names must not be empty).
	ErrInvalidRecord = errors.New("invalid record")
	// ErrInvalidArgument is returned when an argument that is not a record
	// is invalid: an empty name, a nil reader or writer, a delimiter that
	// cannot delimit, an option out of range.
	ErrInvalidArgument = errors.New("invalid argument")
)

// A ValueError reports which field held an unsupported value and of what Go
// type it was. It wraps ErrUnsupportedValue.
type ValueError struct {
	Path   string // dotted field path; list positions appear as [i]
	Type   string // the Go type, as fmt's %T prints it
	Reason string // optional detail, such as "NaN" or "nesting deeper than 32"
}

func (e *ValueError) Error() string {
	msg := fmt.Sprintf("unsupported value for field %q: Go type %s", e.Path, e.Type)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// Unwrap returns ErrUnsupportedValue.
func (e *ValueError) Unwrap() error { return ErrUnsupportedValue }

// ErrCorrupt is returned (wrapped in a *CorruptError) when a file or stream
// cannot be decoded: bad syntax, a bad checksum, a truncated input, a
// structure that is not a dictdb dump, or values outside the value model.
var ErrCorrupt = errors.New("corrupt file")

// ErrNotDelta is returned (wrapped in a *CorruptError) by ReadDelta for a
// JSON document whose "type" is not "delta".
var ErrNotDelta = errors.New("not a valid delta file")
