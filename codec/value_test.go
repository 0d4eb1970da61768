package codec_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
)

// Named types as callers define them.
type (
	Status string
	Level  int8
	Flag   bool
	Ratio  float32
	Count  uint16
	Big    uint64
	Blob   []byte
	Record map[string]any
	Tags   []string
	point  struct{ X, Y int }
	myTime time.Time
)

var (
	zone  = time.FixedZone("UTC+2", 2*60*60)
	instB = time.Date(2024, 3, 1, 12, 30, 45, 123456789, time.UTC)
)

func TestNormalizeAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"true", true, true},
		{"false", false, false},
		{"int", 7, int64(7)},
		{"int min", math.MinInt, int64(math.MinInt)},
		{"int8", int8(-8), int64(-8)},
		{"int8 min", int8(math.MinInt8), int64(math.MinInt8)},
		{"int16", int16(-300), int64(-300)},
		{"int32", int32(math.MaxInt32), int64(math.MaxInt32)},
		{"int64 min", int64(math.MinInt64), int64(math.MinInt64)},
		{"int64 max", int64(math.MaxInt64), int64(math.MaxInt64)},
		{"uint", uint(42), int64(42)},
		{"uint8", uint8(255), int64(255)},
		{"uint16", uint16(math.MaxUint16), int64(math.MaxUint16)},
		{"uint32", uint32(math.MaxUint32), int64(math.MaxUint32)},
		{"uint64 fits", uint64(math.MaxInt64), int64(math.MaxInt64)},
		{"uint64 zero", uint64(0), int64(0)},
		{"float32", float32(1.5), 1.5},
		{"float32 widened exactly", float32(0.1), float64(float32(0.1))},
		{"float32 max", float32(math.MaxFloat32), float64(math.MaxFloat32)},
		{"float64", -0.25, -0.25},
		{"float64 integral stays float", 3.0, 3.0},
		{"float64 max", math.MaxFloat64, math.MaxFloat64},
		{"float64 smallest", math.SmallestNonzeroFloat64, math.SmallestNonzeroFloat64},
		{"string", "héllo", "héllo"},
		{"empty string", "", ""},
		{"bytes", []byte{1, 2, 3}, []byte{1, 2, 3}},
		{"empty bytes", []byte{}, []byte{}},
		{"nil bytes", []byte(nil), []byte{}},
		{"named string", Status("active"), "active"},
		{"named int8", Level(-3), int64(-3)},
		{"named bool", Flag(true), true},
		{"named float32", Ratio(0.5), 0.5},
		{"named uint16", Count(9), int64(9)},
		{"named uint64 fits", Big(12), int64(12)},
		{"named bytes", Blob{9, 8}, []byte{9, 8}},
		{"named nil bytes", Blob(nil), []byte{}},
		{"[]string", []string{"a", "b"}, []any{"a", "b"}},
		{"nil []string", []string(nil), []any{}},
		{"named []string", Tags{"x"}, []any{"x"}},
		{"[3]int", [3]int{1, 2, 3}, []any{int64(1), int64(2), int64(3)}},
		{"[2]byte is a list", [2]byte{1, 2}, []any{int64(1), int64(2)}},
		{"[]float32", []float32{0.5}, []any{0.5}},
		{"[][]byte", [][]byte{{1}, nil}, []any{[]byte{1}, []byte{}}},
		{"[]Status", []Status{"on"}, []any{"on"}},
		{"[]any mixed", []any{1, "x", nil, uint8(2), []int{3}}, []any{int64(1), "x", nil, int64(2), []any{int64(3)}}},
		{"nil []any", []any(nil), []any{}},
		{"map[string]int", map[string]int{"a": 1, "b": 2}, map[string]any{"a": int64(1), "b": int64(2)}},
		{"map[Status]float32", map[Status]float32{"on": 1.5}, map[string]any{"on": 1.5}},
		{"map[string][]string", map[string][]string{"k": {"v"}}, map[string]any{"k": []any{"v"}}},
		{"nil map[string]any", map[string]any(nil), map[string]any{}},
		{"named map", Record{"n": int16(1)}, map[string]any{"n": int64(1)}},
		{
			"nested map[string]any",
			map[string]any{"a": map[string]any{"b": []any{1, uint8(2), map[string]int{"c": 3}}}, "d": Blob{1}},
			map[string]any{"a": map[string]any{"b": []any{int64(1), int64(2), map[string]any{"c": int64(3)}}}, "d": []byte{1}},
		},
		{"json.Number int", json.Number("42"), int64(42)},
		{"json.Number negative", json.Number("-7"), int64(-7)},
		{"json.Number float", json.Number("4.5"), 4.5},
		{"json.Number exponent", json.Number("1e3"), 1000.0},
		{"json.Number beyond int64", json.Number("9223372036854775808"), float64(1 << 63)},
		{"[]json.Number", []json.Number{"1", "2.5"}, []any{int64(1), 2.5}},
		{"time UTC", instB, instB},
		{"time in another zone", instB.In(zone), instB},
		{"time local", instB.Local(), instB},
		{"zero time", time.Time{}, time.Time{}.UTC()},
		{"[]time", []time.Time{instB.In(zone)}, []any{instB}},
		{"lists nested MaxDepth deep", nestLists(codec.MaxDepth, 1), nestLists(codec.MaxDepth, int64(1))},
		{"maps nested MaxDepth deep", nestMaps(codec.MaxDepth, "x"), nestMaps(codec.MaxDepth, "x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := codec.Normalize("f", tt.in)
			if err != nil {
				t.Fatalf("Normalize(%#v): unexpected error %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Normalize(%#v) = %#v (%T), want %#v (%T)", tt.in, got, got, tt.want, tt.want)
			}
			if b, ok := got.([]byte); ok && b == nil {
				t.Fatalf("Normalize(%#v) returned a nil []byte; want a non-nil empty slice", tt.in)
			}
			// Normalizing a normalized value is the identity.
			again, err := codec.Normalize("f", got)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("Normalize is not idempotent: %#v -> %#v, %v", got, again, err)
			}
			_ = codec.KindOf(got) // must not panic: the result is normalized
		})
	}
}

// nestLists wraps leaf in n levels of []any.
func nestLists(n int, leaf any) any {
	v := leaf
	for range n {
		v = []any{v}
	}
	return v
}

// nestMaps wraps leaf in n levels of map[string]any under the key "k".
func nestMaps(n int, leaf any) any {
	v := leaf
	for range n {
		v = map[string]any{"k": v}
	}
	return v
}

func TestNormalizeTimeStripsMonotonicAndZone(t *testing.T) {
	now := time.Now() // In, Local and UTC would strip the monotonic reading
	if !strings.Contains(now.String(), "m=") {
		t.Fatalf("test setup: time.Now() has no monotonic reading: %s", now)
	}
	got, err := codec.Normalize("t", now)
	if err != nil {
		t.Fatal(err)
	}
	tm := got.(time.Time)
	if tm.Location() != time.UTC {
		t.Errorf("location = %v, want UTC", tm.Location())
	}
	if strings.Contains(tm.String(), "m=") {
		t.Errorf("monotonic reading kept: %s", tm)
	}
	if !tm.Equal(now) {
		t.Errorf("instant changed: %s != %s", tm, now)
	}
	want := time.Unix(now.Unix(), int64(now.Nanosecond())).UTC()
	if !reflect.DeepEqual(tm, want) || tm != want {
		t.Errorf("normalized time %#v is not the plain UTC time %#v", tm, want)
	}
}

func TestNormalizeCopiesBytes(t *testing.T) {
	in := []byte("abc")
	blob := Blob("xyz")
	list := []any{[]byte("uvw")}
	rec := map[string]any{"b": in, "blob": blob, "list": list}

	got, err := codec.NormalizeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	in[0], blob[0], list[0].([]byte)[0] = 'X', 'X', 'X'
	list[0] = "replaced"
	rec["b"] = "replaced"
	rec["new"] = 1

	want := map[string]any{"b": []byte("abc"), "blob": []byte("xyz"), "list": []any{[]byte("uvw")}}
	if !reflect.DeepEqual(shallowMap(got), want) {
		t.Fatalf("mutating the input changed the normalized record: %#v, want %#v", shallowMap(got), want)
	}

	single, err := codec.Normalize("b", in)
	if err != nil {
		t.Fatal(err)
	}
	in[1] = 'Y'
	if string(single.([]byte)) != "Xbc" {
		t.Fatalf("Normalize shares memory with its input: %q", single)
	}
}

func TestNormalizeRecordDeepCopies(t *testing.T) {
	inner := map[string]any{"x": int64(1)}
	list := []any{int64(1), inner}
	rec := map[string]any{"m": inner, "l": list, "b": []byte{1}}
	got, err := codec.NormalizeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	checkDisjoint(t, "rec", map[string]any(rec), shallowMap(got))
	inner["x"] = int64(2)
	inner["y"] = true
	list[0] = "changed"
	want := map[string]any{
		"m": map[string]any{"x": int64(1)},
		"l": []any{int64(1), map[string]any{"x": int64(1)}},
		"b": []byte{1},
	}
	if !reflect.DeepEqual(shallowMap(got), want) {
		t.Fatalf("NormalizeRecord retained caller memory: %#v", shallowMap(got))
	}

	empty, err := codec.NormalizeRecord(nil)
	if err != nil || empty == (codec.Record{}) || empty.Len() != 0 {
		t.Fatalf("NormalizeRecord(nil) = %#v, %v; want an empty non-zero record", empty, err)
	}
}

// shallowMap returns r's fields as a map sharing r's values.
func shallowMap(r codec.Record) map[string]any {
	m := map[string]any{}
	for k, v := range r.All() {
		m[k] = v
	}
	return m
}

func TestNormalizeRejects(t *testing.T) {
	x := 1
	tests := []struct {
		name   string
		in     any
		path   string // for Normalize("f", in)
		typ    string
		reason string // substring of Reason; "" means Reason must be empty
	}{
		{"struct", struct{}{}, "f", "struct {}", ""},
		{"named struct", point{1, 2}, "f", "codec_test.point", ""},
		{"struct wrapping time", myTime(instB), "f", "codec_test.myTime", ""},
		{"pointer", &x, "f", "*int", ""},
		{"pointer to time", &instB, "f", "*time.Time", ""},
		{"nil pointer", (*int)(nil), "f", "*int", ""},
		{"error value", errors.New("boom"), "f", "*errors.errorString", ""},
		{"chan", make(chan int), "f", "chan int", ""},
		{"func", func() {}, "f", "func()", ""},
		{"complex", complex(1, 2), "f", "complex128", ""},
		{"uintptr", uintptr(1), "f", "uintptr", ""},
		{"map[int]string", map[int]string{1: "a"}, "f", "map[int]string", "map keys must be strings"},
		{"map[any]any", map[any]any{"a": 1}, "f", "map[interface {}]interface {}", "map keys must be strings"},
		{"uint64 overflow", uint64(1 << 63), "f", "uint64", "overflows int64"},
		{"uint64 max", uint64(math.MaxUint64), "f", "uint64", "overflows int64"},
		{"uint overflow", uint(math.MaxUint), "f", "uint", "overflows int64"},
		{"named uint64 overflow", Big(math.MaxUint64), "f", "codec_test.Big", "overflows int64"},
		{"NaN", math.NaN(), "f", "float64", "NaN"},
		{"+Inf", math.Inf(1), "f", "float64", "infinity"},
		{"-Inf", math.Inf(-1), "f", "float64", "infinity"},
		{"float32 NaN", float32(math.NaN()), "f", "float32", "NaN"},
		{"float32 Inf", float32(math.Inf(1)), "f", "float32", "infinity"},
		{"named float32 Inf", Ratio(math.Inf(-1)), "f", "codec_test.Ratio", "infinity"},
		{"json.Number garbage", json.Number("abc"), "f", "json.Number", "not a number"},
		{"json.Number NaN", json.Number("NaN"), "f", "json.Number", "NaN"},
		{"json.Number Inf", json.Number("Inf"), "f", "json.Number", "infinity"},
		{"in list", []any{1, 2, struct{}{}}, "f[2]", "struct {}", ""},
		{"in typed slice", []*int{&x}, "f[0]", "*int", ""},
		{"in array", [2]any{1, math.NaN()}, "f[1]", "float64", "NaN"},
		{"in map", map[string]any{"a": make(chan int)}, "f.a", "chan int", ""},
		{"in typed map", map[string][]any{"k": {nil, &x}}, "f.k[1]", "*int", ""},
		{"deep path", map[string]any{"a": map[string]any{"b": []any{1, 2, func() {}}}}, "f.a.b[2]", "func()", ""},
		{"map[int] nested", []any{map[int]int{}}, "f[0]", "map[int]int", "map keys must be strings"},
		{
			"lists deeper than MaxDepth", nestLists(codec.MaxDepth+1, 1),
			"f" + strings.Repeat("[0]", codec.MaxDepth), "[]interface {}", "nesting deeper than 32",
		},
		{
			"maps deeper than MaxDepth", nestMaps(codec.MaxDepth+1, 1),
			"f" + strings.Repeat(".k", codec.MaxDepth), "map[string]interface {}", "nesting deeper than 32",
		},
		{
			"typed slices deeper than MaxDepth", nestTyped(codec.MaxDepth + 1),
			"f" + strings.Repeat("[0]", codec.MaxDepth), "[]int", "nesting deeper than 32",
		},
		{
			"too deep by depth of contents", nestLists(codec.MaxDepth, []string{"x"}),
			"f" + strings.Repeat("[0]", codec.MaxDepth), "[]string", "nesting deeper than 32",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := codec.Normalize("f", tt.in)
			if err == nil {
				t.Fatalf("Normalize(%T) = %#v, want an error", tt.in, got)
			}
			if got != nil {
				t.Errorf("Normalize returned a value %#v along with its error", got)
			}
			checkValueError(t, err, tt.path, tt.typ, tt.reason)
		})
	}
}

// nestTyped returns n nested typed slices ([][]...[]int) built with reflect,
// with a single element at each level.
func nestTyped(n int) any {
	v := reflect.ValueOf([]int{1})
	for range n - 1 {
		s := reflect.MakeSlice(reflect.SliceOf(v.Type()), 1, 1)
		s.Index(0).Set(v)
		v = s
	}
	return v.Interface()
}

func checkValueError(t *testing.T, err error, path, typ, reason string) {
	t.Helper()
	if !errors.Is(err, codec.ErrUnsupportedValue) {
		t.Fatalf("error %v does not wrap ErrUnsupportedValue", err)
	}
	var ve *codec.ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *ValueError", err, err)
	}
	if ve.Path != path {
		t.Errorf("Path = %q, want %q", ve.Path, path)
	}
	if ve.Type != typ {
		t.Errorf("Type = %q, want %q", ve.Type, typ)
	}
	if reason == "" && ve.Reason != "" || !strings.Contains(ve.Reason, reason) {
		t.Errorf("Reason = %q, want %q", ve.Reason, reason)
	}
	msg := err.Error()
	if !strings.Contains(msg, fmt.Sprintf("%q", path)) || !strings.Contains(msg, typ) {
		t.Errorf("message %q does not name the field %q and the type %q", msg, path, typ)
	}
}

func TestNormalizeRecordRejects(t *testing.T) {
	x := 1
	tests := []struct {
		name   string
		rec    map[string]any
		path   string
		typ    string
		reason string
	}{
		{"top-level pointer", map[string]any{"ptr": &x}, "ptr", "*int", ""},
		{"nested", map[string]any{"a": map[string]any{"b": []any{1, 2, make(chan int)}}}, "a.b[2]", "chan int", ""},
		{"nested typed", map[string]any{"a": map[string][]float64{"b": {0, 1, math.Inf(1)}}}, "a.b[2]", "float64", "infinity"},
		{"bad value beside good ones", map[string]any{"ok": 1, "bad": point{}}, "bad", "codec_test.point", ""},
		{"too deep", map[string]any{"d": nestLists(codec.MaxDepth+1, nil)}, "d" + strings.Repeat("[0]", codec.MaxDepth), "[]interface {}", "nesting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := codec.NormalizeRecord(tt.rec)
			if err == nil {
				t.Fatalf("NormalizeRecord = %#v, want an error", got)
			}
			if got != (codec.Record{}) {
				t.Errorf("NormalizeRecord returned a partial record %#v along with its error", got)
			}
			checkValueError(t, err, tt.path, tt.typ, tt.reason)
		})
	}
}

// TestNormalizeRecordEmptyFieldName: a record with a field named "" is an
// invalid record, not an unsupported value; a nested map may have an ""
// key.
func TestNormalizeRecordEmptyFieldName(t *testing.T) {
	for _, rec := range []map[string]any{{"": 1}, {"a": 1, "": "v", "b": 2}} {
		got, err := codec.NormalizeRecord(rec)
		if !errors.Is(err, codec.ErrInvalidRecord) || errors.Is(err, codec.ErrUnsupportedValue) {
			t.Fatalf("NormalizeRecord(%v) = %v, want ErrInvalidRecord only", rec, err)
		}
		if got != (codec.Record{}) {
			t.Errorf("NormalizeRecord returned a partial record %#v along with its error", got)
		}
	}
	if _, err := codec.NormalizeRecord(map[string]any{"a": map[string]any{"": 1}}); err != nil {
		t.Fatalf("a nested \"\" key: %v", err)
	}
}

func TestNormalizeEmptyRootPath(t *testing.T) {
	_, err := codec.Normalize("", map[string]any{"a": []any{struct{}{}}})
	checkValueError(t, err, "a[0]", "struct {}", "")
}

func TestValueErrorMessage(t *testing.T) {
	err := &codec.ValueError{Path: "a.b", Type: "chan int"}
	if got, want := err.Error(), `unsupported value for field "a.b": Go type chan int`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	err.Reason = "NaN"
	if got, want := err.Error(), `unsupported value for field "a.b": Go type chan int (NaN)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(fmt.Errorf("insert: %w", err), codec.ErrUnsupportedValue) {
		t.Error("a wrapped ValueError does not match ErrUnsupportedValue")
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		v    any
		kind codec.Kind
		name string
		py   string
	}{
		{nil, codec.Null, "null", "NoneType"},
		{true, codec.Bool, "bool", "bool"},
		{int64(1), codec.Number, "number", "int"},
		{1.5, codec.Number, "number", "float"},
		{"s", codec.String, "string", "str"},
		{[]byte{1}, codec.Bytes, "bytes", "bytes"},
		{[]byte(nil), codec.Bytes, "bytes", "bytes"},
		{instB, codec.Time, "time", "datetime"},
		{[]any{}, codec.List, "list", "list"},
		{map[string]any{}, codec.Map, "map", "dict"},
	}
	for _, tt := range tests {
		if got := codec.KindOf(tt.v); got != tt.kind {
			t.Errorf("KindOf(%#v) = %v, want %v", tt.v, got, tt.kind)
		}
		if got := tt.kind.String(); got != tt.name {
			t.Errorf("%d.String() = %q, want %q", tt.kind, got, tt.name)
		}
		if got := codec.TypeName(tt.v); got != tt.py {
			t.Errorf("TypeName(%#v) = %q, want %q", tt.v, got, tt.py)
		}
	}
	if got := codec.Kind(42).String(); got != "Kind(42)" {
		t.Errorf("Kind(42).String() = %q", got)
	}
	if got := codec.TypeName(7); got != "int" {
		// Not normalized: TypeName falls back to %T.
		t.Errorf("TypeName(int(7)) = %q", got)
	}
	if got := codec.TypeName(struct{}{}); got != "struct {}" {
		t.Errorf("TypeName(struct{}{}) = %q", got)
	}
	for _, v := range []any{7, int32(1), float32(1), Status("x"), []string{}, map[string]int{}, &x0} {
		mustPanic(t, fmt.Sprintf("KindOf(%T)", v), func() { codec.KindOf(v) })
	}
}

var x0 int

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

func TestCloneIsDeepAndEqual(t *testing.T) {
	orig := map[string]any{
		"n": int64(1), "f": 2.5, "s": "x", "b": []byte{1, 2}, "e": []byte{}, "t": instB, "z": nil, "ok": true,
		"l": []any{[]byte{3}, map[string]any{"k": []any{int64(4)}}},
		"m": map[string]any{"inner": []any{}},
	}
	c := codec.Clone(orig).(map[string]any)
	if !reflect.DeepEqual(c, orig) || !codec.Equal(c, orig) {
		t.Fatalf("Clone = %#v, want %#v", c, orig)
	}
	checkDisjoint(t, "v", orig, c)
	if c["e"].([]byte) == nil {
		t.Error("Clone turned an empty []byte into nil")
	}

	// Mutate every mutable part of the clone; the original must not move.
	c["b"].([]byte)[0] = 9
	c["l"].([]any)[0].([]byte)[0] = 9
	c["l"].([]any)[1].(map[string]any)["k"].([]any)[0] = "changed"
	c["m"].(map[string]any)["added"] = true
	c["new"] = 1
	want := map[string]any{
		"n": int64(1), "f": 2.5, "s": "x", "b": []byte{1, 2}, "e": []byte{}, "t": instB, "z": nil, "ok": true,
		"l": []any{[]byte{3}, map[string]any{"k": []any{int64(4)}}},
		"m": map[string]any{"inner": []any{}},
	}
	if !reflect.DeepEqual(orig, want) {
		t.Fatalf("mutating the clone changed the original: %#v", orig)
	}

	cr := codec.CloneRecord(orig)
	if !reflect.DeepEqual(cr, orig) {
		t.Fatalf("CloneRecord = %#v", cr)
	}
	checkDisjoint(t, "rec", orig, cr)
	if got := codec.CloneRecord(nil); got == nil || len(got) != 0 {
		t.Errorf("CloneRecord(nil) = %#v, want an empty map", got)
	}
	for _, v := range []any{nil, true, int64(3), 1.5, "s", instB} {
		if got := codec.Clone(v); got != v {
			t.Errorf("Clone(%#v) = %#v", v, got)
		}
	}
}

// checkDisjoint fails t if the normalized values a and b share a byte
// slice's, a list's or a map's memory anywhere.
func checkDisjoint(t *testing.T, path string, a, b any) {
	t.Helper()
	if err := disjoint(path, a, b); err != nil {
		t.Error(err)
	}
}

func disjoint(path string, a, b any) error {
	switch x := a.(type) {
	case []byte:
		y, ok := b.([]byte)
		if ok && cap(x) > 0 && cap(y) > 0 && &x[:1][0] == &y[:1][0] {
			return fmt.Errorf("%s: []byte memory is shared", path)
		}
	case []any:
		y, ok := b.([]any)
		if !ok {
			return nil
		}
		if cap(x) > 0 && cap(y) > 0 && &x[:1][0] == &y[:1][0] {
			return fmt.Errorf("%s: list memory is shared", path)
		}
		for i := range min(len(x), len(y)) {
			if err := disjoint(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); err != nil {
				return err
			}
		}
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return nil
		}
		if reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer() {
			return fmt.Errorf("%s: map is shared", path)
		}
		for k, v := range x {
			if err := disjoint(path+"."+k, v, y[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

func ExampleNormalize() {
	type Status string
	v, err := codec.Normalize("user", map[string]any{
		"status": Status("active"),
		"age":    uint8(30),
		"score":  float32(0.5),
		"tags":   []string{"a", "b"},
		"seen":   time.Date(2024, 1, 2, 15, 4, 5, 0, time.FixedZone("CET", 3600)),
	})
	fmt.Printf("%#v\n", v.(map[string]any)["tags"])
	fmt.Printf("%T %T %T %v\n", v.(map[string]any)["age"], v.(map[string]any)["score"],
		v.(map[string]any)["status"], v.(map[string]any)["seen"])
	fmt.Println(err)

	n := 1
	_, err = codec.Normalize("user", map[string]any{"next": &n})
	fmt.Println(err)
	fmt.Println(errors.Is(err, codec.ErrUnsupportedValue))
	// Output:
	// []interface {}{"a", "b"}
	// int64 float64 string 2024-01-02 14:04:05 +0000 UTC
	// <nil>
	// unsupported value for field "user.next": Go type *int
	// true
}
