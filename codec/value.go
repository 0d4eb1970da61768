package codec

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// MaxDepth is how deeply lists and maps may nest inside a record field. A
// field holding a scalar has depth 0; a list of scalars has depth 1.
const MaxDepth = 32

// Kind classifies a normalized value. Kinds are listed in the total order.
type Kind uint8

// The kinds of normalized values, in the order Compare sorts them.
const (
	Null Kind = iota
	Bool
	Number
	String
	Bytes
	Time
	List
	Map
)

var kindNames = [...]string{"null", "bool", "number", "string", "bytes", "time", "list", "map"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// KindOf returns the kind of a normalized value. It panics if v is not
// normalized, which is a programming error inside dictdb; ValueKind is the
// form that reports it instead.
func KindOf(v any) Kind {
	k, ok := ValueKind(v)
	if !ok {
		panic(fmt.Sprintf("codec: value of type %T is not normalized", v))
	}
	return k
}

// ValueKind returns the kind of a normalized value; ok is false for a value
// outside the value model. It is the one mapping from Go types to kinds.
func ValueKind(v any) (k Kind, ok bool) {
	switch v.(type) {
	case nil:
		return Null, true
	case bool:
		return Bool, true
	case int64, float64:
		return Number, true
	case string:
		return String, true
	case []byte:
		return Bytes, true
	case time.Time:
		return Time, true
	case []any:
		return List, true
	case map[string]any:
		return Map, true
	}
	return 0, false
}

// Normalize converts v into a normalized value (see the package doc). The path
// names the field in errors.
func Normalize(path string, v any) (any, error) {
	return normalize(path, v, 0)
}

func normalize(path string, v any, depth int) (any, error) {
	switch x := v.(type) {
	case nil, bool, int64, string:
		return x, nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		return fromUint(path, v, uint64(x))
	case uint64:
		return fromUint(path, v, x)
	case float64:
		return fromFloat(path, v, x)
	case float32:
		return fromFloat(path, v, float64(x))
	case []byte:
		return copyBytes(x), nil
	case time.Time:
		return x.Round(0).UTC(), nil
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, &ValueError{Path: path, Type: "json.Number", Reason: "not a number"}
		}
		return fromFloat(path, v, f)
	case []any:
		if depth >= MaxDepth {
			return nil, tooDeep(path, v)
		}
		out := make([]any, len(x))
		for i, e := range x {
			ne, err := normalize(path+"["+strconv.Itoa(i)+"]", e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = ne
		}
		return out, nil
	case map[string]any:
		if depth >= MaxDepth {
			return nil, tooDeep(path, v)
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			ne, err := normalize(joinPath(path, k), e, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = ne
		}
		return out, nil
	}
	return normalizeReflect(path, v, depth)
}

// normalizeReflect handles named scalar types (type Status string), typed
// slices and arrays ([]string, [3]int) and maps with string keys
// (map[string]int).
func normalizeReflect(path string, v any, depth int) (any, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fromUint(path, v, rv.Uint())
	case reflect.Float32, reflect.Float64:
		return fromFloat(path, v, rv.Float())
	case reflect.String:
		return rv.String(), nil
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return copyBytes(rv.Bytes()), nil
		}
		if depth >= MaxDepth {
			return nil, tooDeep(path, v)
		}
		out := make([]any, rv.Len())
		for i := range out {
			ne, err := normalize(path+"["+strconv.Itoa(i)+"]", rv.Index(i).Interface(), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = ne
		}
		return out, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, &ValueError{Path: path, Type: fmt.Sprintf("%T", v), Reason: "map keys must be strings"}
		}
		if depth >= MaxDepth {
			return nil, tooDeep(path, v)
		}
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			k := it.Key().String()
			ne, err := normalize(joinPath(path, k), it.Value().Interface(), depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = ne
		}
		return out, nil
	}
	return nil, &ValueError{Path: path, Type: fmt.Sprintf("%T", v)}
}

// copyBytes returns a copy of b that is never nil, so that an empty byte
// string stays distinguishable from null wherever it is encoded.
func copyBytes(b []byte) []byte {
	return append(make([]byte, 0, len(b)), b...)
}

// joinPath names the map entry k under path: "a.b", or just "b" at the root.
func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func fromUint(path string, v any, u uint64) (any, error) {
	if u > math.MaxInt64 {
		return nil, &ValueError{Path: path, Type: fmt.Sprintf("%T", v), Reason: "integer overflows int64"}
	}
	return int64(u), nil
}

func fromFloat(path string, v any, f float64) (any, error) {
	if math.IsNaN(f) {
		return nil, &ValueError{Path: path, Type: fmt.Sprintf("%T", v), Reason: "NaN"}
	}
	if math.IsInf(f, 0) {
		return nil, &ValueError{Path: path, Type: fmt.Sprintf("%T", v), Reason: "infinity"}
	}
	return f, nil
}

func tooDeep(path string, v any) error {
	return &ValueError{Path: path, Type: fmt.Sprintf("%T", v), Reason: "nesting deeper than " + strconv.Itoa(MaxDepth)}
}

// TypeName returns the Python DictDB name of a normalized value's type, as
// schema error messages print it: NoneType, bool, int, float, str, bytes,
// datetime, list or dict.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case time.Time:
		return "datetime"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	}
	return fmt.Sprintf("%T", v)
}

// Clone returns a deep copy of a normalized value: lists, maps and byte
// slices are copied, scalars (which share nothing a caller could change)
// returned as they are. The scalar path is small enough to be inlined, so
// cloning a value that is usually a scalar costs one type check.
func Clone(v any) any {
	switch v.(type) {
	case []byte, []any, map[string]any:
		return cloneComposite(v)
	}
	return v
}

// cloneComposite is Clone for lists, maps and byte slices.
func cloneComposite(v any) any {
	switch x := v.(type) {
	case []byte:
		return copyBytes(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Clone(e)
		}
		return out
	case map[string]any:
		return CloneRecord(x)
	}
	return v
}

// CloneRecord returns a deep copy of a normalized record.
func CloneRecord(rec map[string]any) map[string]any {
	out := make(map[string]any, len(rec))
	for k, v := range rec {
		out[k] = Clone(v)
	}
	return out
}
