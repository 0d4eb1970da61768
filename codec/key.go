package codec

import (
	"cmp"
	"strconv"
	"strings"
	"unsafe"
)

// A Key is a primary-key value: an int64 or a string. The zero Key is the
// integer 0. Keys order integers before strings, which is the total order of
// their values.
//
// A Key is two words (16 bytes), because every row and every index entry
// holds one: p points at a string key's bytes (nil for an integer key) and n
// is the integer or the string's length. Go strings are immutable, so the
// pointer keeps the key's bytes alive and unchanged.
type Key struct {
	_ [0]func() // not comparable with ==: two pointers may hold equal strings
	p *byte
	n int64
}

// emptyString is what the empty string key points at: any non-nil pointer
// marks a string key.
var emptyString byte

// IntKey returns the integer key i.
func IntKey(i int64) Key { return Key{n: i} }

// StringKey returns the string key s.
func StringKey(s string) Key {
	if len(s) == 0 {
		return Key{p: &emptyString}
	}
	return Key{p: unsafe.StringData(s), n: int64(len(s))}
}

// str returns a string key's string.
func (k Key) str() string { return unsafe.String(k.p, int(k.n)) }

// KeyOf returns the key for a normalized value. Only int64, and float64
// values that are whole numbers, and strings are keys: ok is false otherwise.
func KeyOf(v any) (k Key, ok bool) {
	switch x := v.(type) {
	case int64:
		return IntKey(x), true
	case string:
		return StringKey(x), true
	case float64:
		if i := int64(x); float64(i) == x && x >= -(1<<63) && x < 1<<63 {
			return IntKey(i), true
		}
	}
	return Key{}, false
}

// IsString reports whether k is a string key.
func (k Key) IsString() bool { return k.p != nil }

// Int returns the integer of an integer key, and ok false for a string key.
func (k Key) Int() (i int64, ok bool) { return k.n, k.p == nil }

// Value returns the key as a normalized value: an int64 or a string.
func (k Key) Value() any {
	if k.p != nil {
		return k.str()
	}
	return k.n
}

// String formats the key as Python DictDB error messages do: 7 or abc.
func (k Key) String() string {
	if k.p != nil {
		return k.str()
	}
	return strconv.FormatInt(k.n, 10)
}

// CompareKeys orders keys: integers numerically, then strings bytewise.
func CompareKeys(a, b Key) int {
	if a.p == nil && b.p == nil {
		return cmp.Compare(a.n, b.n)
	}
	if a.p == nil {
		return -1
	}
	if b.p == nil {
		return 1
	}
	return strings.Compare(a.str(), b.str())
}

// Less reports whether k orders before o (CompareKeys(k, o) < 0), and is
// small enough to be inlined into merge loops.
func (k Key) Less(o Key) bool {
	if k.p == nil && o.p == nil {
		return k.n < o.n
	}
	return CompareKeys(k, o) < 0
}

// Equal reports whether k and o are the same key. Use it instead of ==,
// which Key does not support: two string keys may hold equal bytes at
// different addresses.
func (k Key) Equal(o Key) bool {
	if k.p == nil || o.p == nil {
		return k.p == o.p && k.n == o.n
	}
	return k.n == o.n && k.str() == o.str()
}
