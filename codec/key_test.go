package codec_test

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/dictdb-go/dictdb/codec"
)

func TestKeyOf(t *testing.T) {
	tests := []struct {
		v      any
		ok     bool
		isStr  bool
		intVal int64
		str    string
	}{
		{int64(7), true, false, 7, "7"},
		{int64(-3), true, false, -3, "-3"},
		{int64(math.MinInt64), true, false, math.MinInt64, "-9223372036854775808"},
		{int64(math.MaxInt64), true, false, math.MaxInt64, "9223372036854775807"},
		{"abc", true, true, 0, "abc"},
		{"", true, true, 0, ""},
		{"7", true, true, 0, "7"},
		{7.0, true, false, 7, "7"},
		{math.Copysign(0, -1), true, false, 0, "0"},
		{-float64(1 << 63), true, false, math.MinInt64, "-9223372036854775808"},
		{float64(1 << 53), true, false, 1 << 53, "9007199254740992"},
		{7.5, false, false, 0, ""},
		{-0.5, false, false, 0, ""},
		{float64(1 << 63), false, false, 0, ""},
		{math.MaxFloat64, false, false, 0, ""},
		{-math.MaxFloat64, false, false, 0, ""},
		{math.SmallestNonzeroFloat64, false, false, 0, ""},
		{nil, false, false, 0, ""},
		{true, false, false, 0, ""},
		{false, false, false, 0, ""},
		{[]byte("abc"), false, false, 0, ""},
		{time.Unix(0, 0).UTC(), false, false, 0, ""},
		{[]any{int64(1)}, false, false, 0, ""},
		{map[string]any{}, false, false, 0, ""},
	}
	for _, tt := range tests {
		k, ok := codec.KeyOf(tt.v)
		if ok != tt.ok {
			t.Errorf("KeyOf(%#v) ok = %v, want %v", tt.v, ok, tt.ok)
			continue
		}
		if !ok {
			if !k.Equal(codec.Key{}) {
				t.Errorf("KeyOf(%#v) = %v, false; want the zero Key", tt.v, k)
			}
			continue
		}
		if k.IsString() != tt.isStr {
			t.Errorf("KeyOf(%#v).IsString() = %v", tt.v, k.IsString())
		}
		if i, isInt := k.Int(); isInt != !tt.isStr || isInt && i != tt.intVal {
			t.Errorf("KeyOf(%#v).Int() = %d, %v; want %d, %v", tt.v, i, isInt, tt.intVal, !tt.isStr)
		}
		if got := k.String(); got != tt.str {
			t.Errorf("KeyOf(%#v).String() = %q, want %q", tt.v, got, tt.str)
		}
		// The key's value is Equal to the value it came from, and is
		// itself a key: int64 or string.
		kv := k.Value()
		if !codec.Equal(kv, tt.v) {
			t.Errorf("KeyOf(%#v).Value() = %#v, not Equal", tt.v, kv)
		}
		switch kv.(type) {
		case int64, string:
		default:
			t.Errorf("Value() has type %T", kv)
		}
		if back, ok := codec.KeyOf(kv); !ok || !back.Equal(k) {
			t.Errorf("KeyOf(KeyOf(%#v).Value()) = %v, %v", tt.v, back, ok)
		}
	}
}

func TestKeyConstructors(t *testing.T) {
	var zero codec.Key
	if !zero.Equal(codec.IntKey(0)) || zero.IsString() || zero.Value() != int64(0) || zero.String() != "0" {
		t.Errorf("the zero Key is not the integer 0: %#v", zero)
	}
	if codec.StringKey("").Equal(zero) {
		t.Error(`StringKey("") equals the zero (integer) Key`)
	}
	if codec.StringKey("7").Equal(codec.IntKey(7)) {
		t.Error(`StringKey("7") == IntKey(7)`)
	}
	if k := codec.StringKey("x"); !k.IsString() || k.Value() != "x" || k.String() != "x" {
		t.Errorf("StringKey(x) = %#v", k)
	}
	if i, ok := codec.StringKey("x").Int(); ok {
		t.Errorf("StringKey(x).Int() = %d, true", i)
	}
	if k := codec.IntKey(-42); k.IsString() || k.Value() != int64(-42) || k.String() != "-42" {
		t.Errorf("IntKey(-42) = %#v", k)
	}
	if k, _ := codec.KeyOf(int64(9)); !k.Equal(codec.IntKey(9)) {
		t.Error("KeyOf(int64(9)) != IntKey(9)")
	}
	if k, _ := codec.KeyOf("9"); !k.Equal(codec.StringKey("9")) {
		t.Error(`KeyOf("9") != StringKey("9")`)
	}
}

func TestCompareKeysAgreesWithCompare(t *testing.T) {
	keys := []codec.Key{
		codec.IntKey(math.MinInt64), codec.IntKey(-1), codec.IntKey(0), codec.IntKey(1), codec.IntKey(10),
		codec.IntKey(math.MaxInt64),
		codec.StringKey(""), codec.StringKey("-1"), codec.StringKey("0"), codec.StringKey("10"), codec.StringKey("9"),
		codec.StringKey("a"), codec.StringKey("a\x00"), codec.StringKey("b"), codec.StringKey("\xff"),
	}
	// keys is in ascending order already: integers numerically, then
	// strings bytewise.
	for i, a := range keys {
		for j, b := range keys {
			want := cmp.Compare(i, j)
			if got := codec.CompareKeys(a, b); got != want {
				t.Errorf("CompareKeys(%v, %v) = %d, want %d", a, b, got, want)
			}
			if got := codec.Compare(a.Value(), b.Value()); got != want {
				t.Errorf("Compare(%#v, %#v) = %d, but the keys compare %d", a.Value(), b.Value(), got, want)
			}
		}
	}
	shuffled := slices.Clone(keys)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, codec.CompareKeys)
	if !slices.EqualFunc(shuffled, keys, codec.Key.Equal) {
		t.Errorf("sorted keys = %v, want %v", shuffled, keys)
	}
}

// TestKeyIsTwoWords guards the key's size: every row and index entry holds
// one, so a wider key costs memory and copying on every write.
func TestKeyIsTwoWords(t *testing.T) {
	if got := unsafe.Sizeof(codec.Key{}); got != 16 {
		t.Errorf("Sizeof(Key) = %d, want 16", got)
	}
}

// TestStringKeysEqualAcrossCopies checks that keys compare by their bytes,
// not by where the bytes are.
func TestStringKeysEqualAcrossCopies(t *testing.T) {
	a := codec.StringKey(strings.Repeat("ab", 3))
	b := codec.StringKey(string([]byte("ababab")))
	if !a.Equal(b) || codec.CompareKeys(a, b) != 0 {
		t.Errorf("StringKey(ababab) copies differ: Equal %v, Compare %d", a.Equal(b), codec.CompareKeys(a, b))
	}
	if a.Equal(codec.StringKey("ababac")) || codec.StringKey("").Equal(codec.IntKey(0)) {
		t.Error("different keys are Equal")
	}
}
