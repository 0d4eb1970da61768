package codec

import (
	"cmp"
	"strconv"
	"strings"
)

// A Key is a primary-key value: an int64 or a string. The zero Key is the
// integer 0. Keys order integers before strings, which is the total order of
// their values.
type Key struct {
	s     string
	i     int64
	isStr bool
}

// IntKey returns the integer key i.
func IntKey(i int64) Key { return Key{i: i} }

// StringKey returns the string key s.
func StringKey(s string) Key { return Key{s: s, isStr: true} }

// KeyOf returns the key for a normalized value. Only int64, and float64
// values that are whole numbers, and strings are keys: ok is false otherwise.
func KeyOf(v any) (k Key, ok bool) {
	switch x := v.(type) {
	case int64:
		return Key{i: x}, true
	case string:
		return Key{s: x, isStr: true}, true
	case float64:
		if i := int64(x); float64(i) == x && x >= -(1<<63) && x < 1<<63 {
			return Key{i: i}, true
		}
	}
	return Key{}, false
}

// IsString reports whether k is a string key.
func (k Key) IsString() bool { return k.isStr }

// Int returns the integer of an integer key, and ok false for a string key.
func (k Key) Int() (i int64, ok bool) { return k.i, !k.isStr }

// Value returns the key as a normalized value: an int64 or a string.
func (k Key) Value() any {
	if k.isStr {
		return k.s
	}
	return k.i
}

// String formats the key as Python DictDB error messages do: 7 or abc.
func (k Key) String() string {
	if k.isStr {
		return k.s
	}
	return strconv.FormatInt(k.i, 10)
}

// CompareKeys orders keys: integers numerically, then strings bytewise.
func CompareKeys(a, b Key) int {
	if a.isStr != b.isStr {
		if a.isStr {
			return 1
		}
		return -1
	}
	if a.isStr {
		return strings.Compare(a.s, b.s)
	}
	return cmp.Compare(a.i, b.i)
}

// KeyComparer is the immutable.Comparer for keys.
type KeyComparer struct{}

// Compare implements immutable.Comparer.
func (KeyComparer) Compare(a, b Key) int { return CompareKeys(a, b) }
