package idx

import (
	"fmt"
	"strings"
)

// Kind is an index kind.
type Kind uint8

// The index kinds.
const (
	// Hash serves equality and In lookups.
	Hash Kind = iota + 1
	// Sorted serves equality, In, ranges, prefixes and ordering.
	Sorted
)

// String returns "hash" or "sorted", the names the Python DictDB uses.
func (k Kind) String() string {
	switch k {
	case Hash:
		return "hash"
	case Sorted:
		return "sorted"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind returns the kind named s, case-insensitively.
func ParseKind(s string) (Kind, bool) {
	switch strings.ToLower(s) {
	case "hash":
		return Hash, true
	case "sorted":
		return Sorted, true
	}
	return 0, false
}

// A Def defines an index: the field it covers, its kind, and whether values
// must be unique. Defs are table metadata that files save and restore.
type Def struct {
	Field  string
	Kind   Kind
	Unique bool
}
