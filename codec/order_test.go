package codec_test

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

const (
	two53 = int64(1) << 53
	two63 = float64(1 << 63) // 2^63, one more than MaxInt64
	// below63 is the largest float64 below 2^63: 2^63 - 1024.
	below63 = float64(1<<63 - 1024)
)

var t0 = time.Date(2020, 5, 17, 8, 0, 0, 0, time.UTC)

// ladder lists equivalence classes of normalized values in ascending order:
// every value of a class is Equal to every other value of that class, and
// sorts strictly before every value of every later class.
var ladder = [][]any{
	// null < bool
	{nil},
	{false},
	{true},
	// numbers, int64 and float64 interleaved
	{-math.MaxFloat64},
	{-1e300},
	{-two63 * 2},
	{int64(math.MinInt64), -two63},
	{int64(math.MinInt64 + 1)},
	{-float64(two53) - 2, -two53 - 2},
	{-two53 - 1},
	{-two53, -float64(two53)},
	{int64(-2), -2.0},
	{-1.5},
	{int64(-1), -1.0},
	{-math.SmallestNonzeroFloat64},
	{int64(0), 0.0, math.Copysign(0, -1)},
	{math.SmallestNonzeroFloat64},
	{0.5},
	{int64(1), 1.0},
	{1.0000000000000002},
	{int64(2), 2.0},
	{two53 - 1, float64(two53 - 1)},
	{two53, float64(two53)},
	{two53 + 1},
	{two53 + 2, float64(two53 + 2)},
	{int64(below63), below63},
	{int64(below63) + 1},
	{int64(math.MaxInt64 - 1)},
	{int64(math.MaxInt64)},
	{two63},
	{1e300},
	{math.MaxFloat64},
	// strings, bytewise
	{""},
	{"\x00"},
	{"A"},
	{"a"},
	{"a\x00"},
	{"aa"},
	{"ab"},
	{"b"},
	{"é"},
	{"\xff"},
	// bytes, bytewise
	{[]byte{}, []byte(nil)},
	{[]byte{0}},
	{[]byte{0, 0}},
	{[]byte{1}},
	{[]byte("a")},
	{[]byte{0xff}},
	// times
	{time.Unix(-1, 0).UTC()},
	{time.Unix(0, 0).UTC()},
	{t0},
	{t0.Add(time.Nanosecond)},
	{t0.Add(time.Second)},
	// lists, lexicographic then by length
	{[]any{}},
	{[]any{nil}},
	{[]any{nil, nil}},
	{[]any{false}},
	{[]any{int64(1), "a"}, []any{1.0, "a"}},
	{[]any{int64(1), "a", nil}},
	{[]any{int64(1), "b"}},
	{[]any{1.5}},
	{[]any{"a"}},
	{[]any{[]byte{}}},
	{[]any{[]any{}}},
	{[]any{[]any{int64(1)}}, []any{[]any{1.0}}},
	{[]any{map[string]any{}}},
	// maps, as sorted (key, value) lists
	{map[string]any{}},
	{map[string]any{"a": nil}},
	{map[string]any{"a": int64(1)}, map[string]any{"a": 1.0}},
	{map[string]any{"a": int64(1), "b": nil}},
	{map[string]any{"a": int64(2)}},
	{map[string]any{"a": []any{}}},
	{map[string]any{"aa": nil}},
	{map[string]any{"b": nil}},
	{map[string]any{"b": map[string]any{"c": int64(1)}}, map[string]any{"b": map[string]any{"c": 1.0}}},
}

func TestCompareLadder(t *testing.T) {
	seed := maphash.MakeSeed()
	for i, ci := range ladder {
		for j, cj := range ladder {
			for _, a := range ci {
				for _, b := range cj {
					want := cmp.Compare(i, j)
					if got := codec.Compare(a, b); got != want {
						t.Errorf("Compare(%#v, %#v) = %d, want %d", a, b, got, want)
					}
					if got := codec.Equal(a, b); got != (i == j) {
						t.Errorf("Equal(%#v, %#v) = %v, want %v", a, b, got, i == j)
					}
					if i == j && codec.HashValue(seed, a) != codec.HashValue(seed, b) {
						t.Errorf("Equal values %#v and %#v hash differently", a, b)
					}
				}
			}
		}
	}
}

func TestCompareKindOrder(t *testing.T) {
	// One value per kind, in the documented order; each pair must compare by
	// kind alone, whatever the values inside.
	perKind := [][]any{
		codec.Null:   {nil},
		codec.Bool:   {false, true},
		codec.Number: {int64(math.MinInt64), -math.MaxFloat64, int64(math.MaxInt64), math.MaxFloat64},
		codec.String: {"", "\xff\xff"},
		codec.Bytes:  {[]byte{}, []byte{0xff}},
		codec.Time:   {time.Time{}.UTC(), time.Unix(1<<40, 0).UTC()},
		codec.List:   {[]any{}, []any{map[string]any{"z": nil}}},
		codec.Map:    {map[string]any{}, map[string]any{"": nil}},
	}
	for ka, as := range perKind {
		for kb, bs := range perKind {
			for _, a := range as {
				for _, b := range bs {
					if codec.KindOf(a) != codec.Kind(ka) {
						t.Fatalf("test setup: KindOf(%#v) = %v", a, codec.KindOf(a))
					}
					if ka == kb {
						continue
					}
					if got, want := codec.Compare(a, b), cmp.Compare(ka, kb); got != want {
						t.Errorf("Compare(%v %#v, %v %#v) = %d, want %d", codec.Kind(ka), a, codec.Kind(kb), b, got, want)
					}
					if codec.Equal(a, b) {
						t.Errorf("Equal(%#v, %#v) across kinds", a, b)
					}
				}
			}
		}
	}
}

func TestCompareNumbers(t *testing.T) {
	tests := []struct {
		a, b any
		want int
	}{
		{int64(1), 1.0, 0},
		{1.0, int64(1), 0},
		{int64(1), 1.5, -1},
		{1.5, int64(1), 1},
		{int64(-1), -1.5, 1},
		{int64(0), math.Copysign(0, -1), 0},
		{math.Copysign(0, -1), 0.0, 0},
		// MaxInt64 is 2^63-1; float64(MaxInt64) rounds up to 2^63.
		{int64(math.MaxInt64), float64(math.MaxInt64), -1},
		{int64(math.MaxInt64), two63, -1},
		{two63, int64(math.MaxInt64), 1},
		{int64(math.MaxInt64), below63, 1},
		{int64(below63), below63, 0},
		{int64(math.MinInt64), -two63, 0},
		{int64(math.MinInt64), math.Nextafter(-two63, 0), -1},
		{int64(math.MinInt64 + 1), -two63, 1},
		{int64(math.MinInt64), math.Nextafter(-two63, math.Inf(-1)), 1},
		// 2^53+1 has no float64; converting it would round to 2^53.
		{two53 + 1, float64(two53), 1},
		{two53 + 1, float64(two53 + 2), -1},
		{float64(two53), two53 + 1, -1},
		{two53, float64(two53), 0},
		{int64(3), 2.9999999999999996, 1},
		{int64(math.MaxInt64), math.MaxFloat64, -1},
		{int64(math.MinInt64), -math.MaxFloat64, 1},
		{0.1, 0.2, -1},
		{int64(5), int64(-5), 1},
	}
	seed := maphash.MakeSeed()
	for _, tt := range tests {
		name := fmt.Sprintf("%T(%v)_vs_%T(%v)", tt.a, tt.a, tt.b, tt.b)
		t.Run(name, func(t *testing.T) {
			if got := codec.Compare(tt.a, tt.b); got != tt.want {
				t.Errorf("Compare = %d, want %d", got, tt.want)
			}
			if got := codec.Compare(tt.b, tt.a); got != -tt.want {
				t.Errorf("reversed Compare = %d, want %d", got, -tt.want)
			}
			if got := codec.Equal(tt.a, tt.b); got != (tt.want == 0) {
				t.Errorf("Equal = %v, want %v", got, tt.want == 0)
			}
			if got := codec.Equal(tt.b, tt.a); got != (tt.want == 0) {
				t.Errorf("reversed Equal = %v, want %v", got, tt.want == 0)
			}
			if tt.want == 0 && codec.HashValue(seed, tt.a) != codec.HashValue(seed, tt.b) {
				t.Error("equal numbers hash differently")
			}
		})
	}
}

func TestBoolIsNotANumber(t *testing.T) {
	pairs := [][2]any{{true, int64(1)}, {false, int64(0)}, {true, 1.0}, {false, 0.0}, {false, math.Copysign(0, -1)}}
	for _, p := range pairs {
		for _, ab := range [][2]any{p, {p[1], p[0]}} {
			if codec.Equal(ab[0], ab[1]) {
				t.Errorf("Equal(%#v, %#v) = true", ab[0], ab[1])
			}
			want := -1
			if _, isBool := ab[0].(bool); !isBool {
				want = 1
			}
			if got := codec.Compare(ab[0], ab[1]); got != want {
				t.Errorf("Compare(%#v, %#v) = %d, want %d", ab[0], ab[1], got, want)
			}
		}
	}
	if !codec.Equal([]any{true}, []any{true}) || codec.Equal([]any{true}, []any{int64(1)}) {
		t.Error("bool/number distinction lost inside lists")
	}
	if codec.Equal(map[string]any{"x": false}, map[string]any{"x": int64(0)}) {
		t.Error("bool/number distinction lost inside maps")
	}
}

func TestEqualDeep(t *testing.T) {
	tests := []struct {
		a, b any
		want bool
	}{
		{[]any{int64(1), []any{2.0, "x"}}, []any{1.0, []any{int64(2), "x"}}, true},
		{[]any{int64(1)}, []any{int64(1), nil}, false},
		{[]any{nil}, []any{}, false},
		{[]any{}, []any(nil), true},
		{map[string]any{"a": nil}, map[string]any{}, false},
		{map[string]any{"a": nil}, map[string]any{"b": nil}, false},
		{map[string]any{"a": []byte("x")}, map[string]any{"a": "x"}, false},
		{map[string]any{"a": []byte("x")}, map[string]any{"a": []byte("x")}, true},
		{map[string]any{}, map[string]any(nil), true},
		{[]byte{}, []byte(nil), true},
		{"x", []byte("x"), false},
		{t0, t0.In(time.FixedZone("X", 3600)), true},
		{t0, t0.Add(1), false},
		{nil, []any{}, false},
		{nil, nil, true},
		{"", nil, false},
	}
	for _, tt := range tests {
		for _, ab := range [][2]any{{tt.a, tt.b}, {tt.b, tt.a}} {
			if got := codec.Equal(ab[0], ab[1]); got != tt.want {
				t.Errorf("Equal(%#v, %#v) = %v, want %v", ab[0], ab[1], got, tt.want)
			}
			if got := codec.Compare(ab[0], ab[1]) == 0; got != tt.want {
				t.Errorf("Compare(%#v, %#v) == 0 is %v, want %v", ab[0], ab[1], got, tt.want)
			}
		}
	}
}

func TestHashAgreesWithEqual(t *testing.T) {
	seed := maphash.MakeSeed()
	same := [][2]any{
		{int64(1), 1.0},
		{int64(0), math.Copysign(0, -1)},
		{int64(math.MinInt64), -two63},
		{two53 + 2, float64(two53 + 2)},
		{[]any{int64(1), map[string]any{"a": 2.0}}, []any{1.0, map[string]any{"a": int64(2)}}},
		{[]byte{}, []byte(nil)},
		{t0, t0.In(time.FixedZone("X", -7200))},
	}
	for _, p := range same {
		if !codec.Equal(p[0], p[1]) {
			t.Fatalf("test setup: %#v != %#v", p[0], p[1])
		}
		if codec.HashValue(seed, p[0]) != codec.HashValue(seed, p[1]) {
			t.Errorf("HashValue(%#v) != HashValue(%#v)", p[0], p[1])
		}
	}

	// Maps hash independently of insertion order.
	asc, desc := map[string]any{}, map[string]any{}
	for i := range 200 {
		asc["k"+strconv.Itoa(i)] = int64(i)
	}
	for i := 199; i >= 0; i-- {
		desc["k"+strconv.Itoa(i)] = float64(i)
	}
	if !codec.Equal(asc, desc) || codec.HashValue(seed, asc) != codec.HashValue(seed, desc) {
		t.Error("maps built in different orders do not hash alike")
	}

	// Hash and HashValue write the same thing.
	var h maphash.Hash
	h.SetSeed(seed)
	codec.Hash(&h, asc)
	if h.Sum64() != codec.HashValue(seed, asc) {
		t.Error("Hash and HashValue disagree")
	}
}

func TestHashSeparatesValues(t *testing.T) {
	seed := maphash.MakeSeed()
	// Each pair differs, and a naive encoding writes the same bytes for
	// both; a 64-bit hash of distinct streams collides with chance 2^-64.
	pairs := [][2]any{
		{[]any{"a\x00\x03b", "c"}, []any{"a", "b\x00\x03c"}},
		{map[string]any{"a\x00\x03": "b"}, map[string]any{"a": "\x00\x03b"}},
		{[]any{[]byte("ab"), []byte{}}, []any{[]byte("a"), []byte("b")}},
		{[]any{[]any{}, nil}, []any{[]any{nil}}},
		{map[string]any{"a": map[string]any{}, "b": nil}, map[string]any{"a": map[string]any{"b": nil}}},
		{int64(1), true},
		{int64(0), false},
		{int64(0), nil},
		{"", []byte{}},
		{"", []any{}},
		{[]any{}, map[string]any{}},
		{0.5, int64(math.Float64bits(0.5))},
		{two53 + 1, float64(two53)},
		{t0, t0.Add(1)},
		{t0, t0.Add(time.Second)},
	}
	for _, p := range pairs {
		if codec.Equal(p[0], p[1]) {
			t.Fatalf("test setup: %#v == %#v", p[0], p[1])
		}
		if codec.HashValue(seed, p[0]) == codec.HashValue(seed, p[1]) {
			t.Errorf("HashValue(%#v) == HashValue(%#v)", p[0], p[1])
		}
	}
}

func TestCompareRejectsUnnormalized(t *testing.T) {
	for _, v := range []any{1, int32(1), float32(1), Status("x"), []string{"a"}, map[string]int{}} {
		mustPanic(t, fmt.Sprintf("Compare(%T, nil)", v), func() { codec.Compare(v, nil) })
		mustPanic(t, fmt.Sprintf("Compare(nil, %T)", v), func() { codec.Compare(nil, v) })
		mustPanic(t, fmt.Sprintf("HashValue(%T)", v), func() { codec.HashValue(maphash.MakeSeed(), v) })
	}
}

func TestEqualScalarsDoNotAllocate(t *testing.T) {
	a, b, i, f := any("hello"), any("hello"), any(int64(3)), any(3.0)
	allocs := testing.AllocsPerRun(100, func() {
		if !codec.Equal(a, b) || !codec.Equal(i, f) || !codec.Equal(f, i) || codec.Equal(a, i) {
			panic("wrong result")
		}
	})
	if allocs != 0 {
		t.Errorf("Equal on scalars allocates %v times", allocs)
	}
}

// seedFromEnv returns the property-test seed: DICTDB_SEED if set, a fresh
// random one otherwise. It logs it so a failure can be replayed.
func seedFromEnv(t *testing.T) uint64 { return testseed.Seed(t) }

func TestCompareProperties(t *testing.T) {
	seed := seedFromEnv(t)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	src := randSource{r}
	n := 10000
	if testing.Short() {
		n = 1000
	}
	hseed := maphash.MakeSeed()
	for i := range n {
		a := genValue(src, 0)
		var b, c any
		// Mix independent values with close relatives, so that equal pairs
		// and long common prefixes occur often.
		switch r.IntN(4) {
		case 0:
			b = twin(a)
		case 1:
			b = codec.Clone(a)
		default:
			b = genValue(src, 0)
		}
		switch r.IntN(3) {
		case 0:
			c = twin(b)
		default:
			c = genValue(src, 0)
		}
		if err := checkOrderLaws(hseed, a, b, c); err != nil {
			t.Fatalf("iteration %d: %v\na=%#v\nb=%#v\nc=%#v", i, err, a, b, c)
		}
	}

	// Sorting with Compare yields a sequence whose neighbours are ordered,
	// whatever the starting permutation.
	vals := make([]any, 300)
	for i := range vals {
		vals[i] = genValue(src, 1)
	}
	sorted := slices.SortedFunc(slices.Values(vals), codec.Compare)
	r.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
	slices.SortStableFunc(vals, codec.Compare)
	for i := range sorted {
		if i > 0 && codec.Compare(sorted[i-1], sorted[i]) > 0 {
			t.Fatalf("sorted[%d] > sorted[%d]: %#v > %#v", i-1, i, sorted[i-1], sorted[i])
		}
		if !codec.Equal(sorted[i], vals[i]) {
			t.Fatalf("two sorts disagree at %d: %#v vs %#v", i, sorted[i], vals[i])
		}
	}
}

func ExampleCompare() {
	vals := []any{"b", int64(2), 1.5, nil, true, []any{}, int64(1), []byte("a")}
	slices.SortFunc(vals, codec.Compare)
	fmt.Println(vals)
	fmt.Println(codec.Compare(int64(1), 1.0), codec.Equal(int64(1), 1.0))
	fmt.Println(codec.Compare(int64(1<<53+1), float64(1<<53)))
	fmt.Println(codec.Equal(true, int64(1)), codec.Compare(true, int64(0)))
	// Output:
	// [<nil> true 1 1.5 2 b [97] []]
	// 0 true
	// 1
	// false -1
}
