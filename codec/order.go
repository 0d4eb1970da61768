package codec

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"time"
)

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b in the
// total order of normalized values (see the package doc). Numbers compare by
// exact numeric value across int64 and float64; lists compare element by
// element, then by length; maps compare as their sorted (key, value) lists.
func Compare(a, b any) int {
	ka, kb := KindOf(a), KindOf(b)
	if ka != kb {
		return cmp.Compare(ka, kb)
	}
	switch x := a.(type) {
	case nil:
		return 0
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, y)
		case float64:
			return compareIntFloat(x, y)
		}
	case float64:
		switch y := b.(type) {
		case int64:
			return -compareIntFloat(y, x)
		case float64:
			return cmp.Compare(x, y)
		}
	case string:
		return strings.Compare(x, b.(string))
	case []byte:
		return bytes.Compare(x, b.([]byte))
	case time.Time:
		return x.Compare(b.(time.Time))
	case []any:
		y := b.([]any)
		for i := range min(len(x), len(y)) {
			if c := Compare(x[i], y[i]); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(x), len(y))
	case map[string]any:
		return compareMaps(x, b.(map[string]any))
	}
	panic("unreachable")
}

// compareIntFloat compares an int64 and a finite float64 exactly, without
// the rounding of converting the integer to float64.
func compareIntFloat(i int64, f float64) int {
	if f < -(1 << 63) {
		return 1
	}
	if f >= 1<<63 {
		return -1
	}
	t := math.Trunc(f)
	if c := cmp.Compare(i, int64(t)); c != 0 {
		return c
	}
	switch {
	case f > t:
		return -1
	case f < t:
		return 1
	}
	return 0
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func compareMaps(x, y map[string]any) int {
	kx, ky := sortedKeys(x), sortedKeys(y)
	for i := range min(len(kx), len(ky)) {
		if c := strings.Compare(kx[i], ky[i]); c != 0 {
			return c
		}
		if c := Compare(x[kx[i]], y[ky[i]]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(kx), len(ky))
}

// Equal reports whether two normalized values are equal: Compare(a, b) == 0,
// computed without allocating for scalars.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return compareIntFloat(x, y) == 0
		}
		return false
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !Equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return KindOf(a) == KindOf(b) && Compare(a, b) == 0
}

// Identical reports whether two normalized values are equal and of the same
// Go types throughout: Equal, but 1 and 1.0 (also inside lists and maps)
// differ, and so do 0.0 and -0.0. A value stored in place of another (an
// index entry for a row's field) must be identical to it, not just equal.
func Identical(a, b any) bool {
	switch x := a.(type) {
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !Identical(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Identical(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return Equal(a, b)
}

// Hash writes a hash of the normalized value v to h. Equal values write the
// same bytes: an integral float hashes as the integer it equals.
func Hash(h *maphash.Hash, v any) {
	var buf [9]byte
	switch x := v.(type) {
	case nil:
		h.WriteByte(byte(Null))
	case bool:
		buf[0] = byte(Bool)
		if x {
			buf[1] = 1
		}
		h.Write(buf[:2])
	case int64:
		buf[0] = byte(Number)
		binary.LittleEndian.PutUint64(buf[1:], uint64(x))
		h.Write(buf[:])
	case float64:
		if t := math.Trunc(x); t == x && x >= -(1<<63) && x < 1<<63 {
			Hash(h, int64(x))
			return
		}
		buf[0] = byte(Number) | 0x80
		binary.LittleEndian.PutUint64(buf[1:], math.Float64bits(x))
		h.Write(buf[:])
	case string:
		// Length-prefixed, like bytes and map keys, so that the encoding of a
		// list or map is unambiguous: a NUL terminator would let
		// ["a\x00\x03b", "c"] and ["a", "b\x00\x03c"] write the same bytes.
		buf[0] = byte(String)
		binary.LittleEndian.PutUint64(buf[1:], uint64(len(x)))
		h.Write(buf[:])
		h.WriteString(x)
	case []byte:
		h.WriteByte(byte(Bytes))
		binary.LittleEndian.PutUint64(buf[1:], uint64(len(x)))
		h.Write(buf[1:])
		h.Write(x)
	case time.Time:
		buf[0] = byte(Time)
		binary.LittleEndian.PutUint64(buf[1:], uint64(x.Unix()))
		h.Write(buf[:])
		binary.LittleEndian.PutUint64(buf[1:], uint64(x.Nanosecond()))
		h.Write(buf[:])
	case []any:
		buf[0] = byte(List)
		binary.LittleEndian.PutUint64(buf[1:], uint64(len(x)))
		h.Write(buf[:])
		for _, e := range x {
			Hash(h, e)
		}
	case map[string]any:
		buf[0] = byte(Map)
		binary.LittleEndian.PutUint64(buf[1:], uint64(len(x)))
		h.Write(buf[:])
		for _, k := range sortedKeys(x) {
			binary.LittleEndian.PutUint64(buf[1:], uint64(len(k)))
			h.Write(buf[1:])
			h.WriteString(k)
			Hash(h, x[k])
		}
	default:
		KindOf(v) // panics with a clear message
	}
}

// HashValue returns the 64-bit hash of v under seed.
func HashValue(seed maphash.Seed, v any) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	Hash(&h, v)
	return h.Sum64()
}
