package codec

import (
	"errors"
	"fmt"
)

// ErrUnsupportedValue is returned when a value cannot be stored: a struct,
// pointer, channel, function, a map with non-string keys, NaN or an infinity,
// an integer that does not fit in int64, or nesting deeper than MaxDepth.
var ErrUnsupportedValue = errors.New("unsupported value")

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
