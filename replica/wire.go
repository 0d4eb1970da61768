package replica

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
)

// The command encoding. A command is a version byte and a list of
// operations; inside, counts and lengths are unsigned varints, strings are
// length-prefixed bytes, and each value is a tag byte and a body:
//
//	0 null  1 false  2 true  3 int64 (zig-zag varint)  4 float64 (IEEE bits, LE)
//	5 string  6 bytes  7 time (zig-zag varint Unix seconds, varint nanoseconds; UTC)
//	8 list (count, values)  9 map (count, then key and value pairs, keys sorted)
//
// Every kind of dictdb's value model has its own tag, so int64 and float64,
// string and []byte, and times to the nanosecond survive exactly, and equal
// commands encode to identical bytes (map keys are sorted).

const (
	tagNull byte = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagString
	tagBytes
	tagTime
	tagList
	tagMap
)

// maxDepth bounds the nesting of decoded values and conditions.
const maxDepth = dictdb.MaxDepth + 1

func appendUvarint(b []byte, u uint64) []byte { return binary.AppendUvarint(b, u) }

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendValue appends v, a normalized value (codec.Normalize).
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, tagNull), nil
	case bool:
		if x {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt), x), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat), math.Float64bits(x)), nil
	case string:
		return appendString(append(b, tagString), x), nil
	case []byte:
		b = binary.AppendUvarint(append(b, tagBytes), uint64(len(x)))
		return append(b, x...), nil
	case time.Time:
		b = binary.AppendVarint(append(b, tagTime), x.Unix())
		return binary.AppendUvarint(b, uint64(x.Nanosecond())), nil
	case []any:
		b = binary.AppendUvarint(append(b, tagList), uint64(len(x)))
		var err error
		for _, e := range x {
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]any:
		return appendMap(append(b, tagMap), x)
	default:
		return nil, fmt.Errorf("replica: value of type %T: %w", v, dictdb.ErrUnsupportedValue)
	}
}

func appendMap(b []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	var err error
	for _, k := range keys {
		b = appendString(b, k)
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// appendRecord appends a record: a presence byte (a nil record stays nil, so
// that applying it gives the error the local API gives) and a map body.
// Values are normalized first; a value outside the value model fails here,
// before anything is proposed, with an error wrapping
// dictdb.ErrUnsupportedValue.
func appendRecord(b []byte, rec dictdb.Record) ([]byte, error) {
	if rec == nil {
		return append(b, 0), nil
	}
	norm := make(map[string]any, len(rec))
	for k, v := range rec {
		nv, err := codec.Normalize(k, v)
		if err != nil {
			return nil, err
		}
		norm[k] = nv
	}
	return appendMap(append(b, 1), norm)
}

// reader decodes a command. Every method checks bounds: a damaged command
// fails with an error wrapping ErrBadCommand, never a panic, and counts
// never allocate more than the remaining bytes could hold.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(msg string) {
	if r.err == nil {
		r.err = fmt.Errorf("replica: command byte %d: %s: %w", r.off, msg, ErrBadCommand)
	}
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("unexpected end")
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	u, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.off += n
	return u
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.off += n
	return v
}

// count reads a count of items of at least minSize bytes each.
func (r *reader) count(minSize int) int {
	u := r.uvarint()
	if r.err != nil {
		return 0
	}
	if u > uint64(len(r.b)-r.off)/uint64(max(minSize, 1)) {
		r.fail("count beyond the command's length")
		return 0
	}
	return int(u)
}

func (r *reader) bytes() []byte {
	n := r.count(1)
	if r.err != nil {
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) string() string { return string(r.bytes()) }

func (r *reader) value(depth int) any {
	if depth > maxDepth {
		r.fail("values nested too deeply")
		return nil
	}
	switch tag := r.byte(); tag {
	case tagNull:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		return r.varint()
	case tagFloat:
		if r.err != nil || len(r.b)-r.off < 8 {
			r.fail("truncated float")
			return nil
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.off:]))
		r.off += 8
		return f
	case tagString:
		return r.string()
	case tagBytes:
		return slices.Clone(r.bytes())
	case tagTime:
		sec := r.varint()
		ns := r.uvarint()
		if ns >= 1e9 {
			r.fail("bad nanoseconds")
			return nil
		}
		return time.Unix(sec, int64(ns)).UTC()
	case tagList:
		n := r.count(1)
		l := make([]any, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			l = append(l, r.value(depth+1))
		}
		return l
	case tagMap:
		return r.mapBody(depth + 1)
	default:
		r.fail(fmt.Sprintf("unknown value tag %d", tag))
		return nil
	}
}

func (r *reader) mapBody(depth int) map[string]any {
	n := r.count(2)
	m := make(map[string]any, n)
	for i := 0; i < n && r.err == nil; i++ {
		k := r.string()
		m[k] = r.value(depth)
	}
	return m
}

func (r *reader) record() dictdb.Record {
	switch r.byte() {
	case 0:
		return nil
	case 1:
		return r.mapBody(1)
	default:
		r.fail("bad record flag")
		return nil
	}
}
