package codec_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
)

// A source supplies the choices that genValue turns into a value. Every
// byte sequence is a valid source: an exhausted source yields zeros, and
// zero always chooses a leaf (null, or an empty container), so decoding ends.
type source interface{ next() byte }

// byteSource reads choices from fuzz input.
type byteSource struct{ b []byte }

func (s *byteSource) next() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

// randSource draws choices from a seeded generator.
type randSource struct{ r *rand.Rand }

func (s randSource) next() byte { return byte(s.r.Uint32()) }

// maxGenDepth bounds the nesting of generated values; with at most
// maxGenLen elements per container a value has at most 4^4 leaves.
const (
	maxGenDepth = 4
	maxGenLen   = 4
)

// Values a number can be picked from: the edges of int64, of float64 and of
// their exact overlap, in both representations.
var genNumbers = []any{
	int64(0), 0.0, math.Copysign(0, -1),
	int64(1), 1.0, int64(-1), -1.0, 0.5, -0.5,
	int64(math.MaxInt64), int64(math.MaxInt64 - 1), float64(1 << 63), float64(1<<63 - 1024), int64(1<<63 - 1024),
	int64(math.MinInt64), int64(math.MinInt64 + 1), -float64(1 << 63), math.Nextafter(-float64(1<<63), 0),
	int64(1 << 53), int64(1<<53 + 1), float64(1 << 53), float64(1<<53 + 2), int64(1<<53 + 2),
	math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 1e300, -1e-300,
}

// The byte alphabet of generated strings, byte slices and map keys: small,
// so that equal values and shared prefixes are common, and with NUL and an
// invalid UTF-8 byte.
var genAlphabet = []byte{'a', 'b', 0x00, 0xff}

var genTimes = []time.Time{
	time.Unix(0, 0).UTC(),
	time.Unix(0, 1).UTC(),
	time.Unix(-1, 999999999).UTC(),
	time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
	time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
	time.Time{}.UTC(),
	time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
}

// genValue decodes one normalized value from src. The first choice picks:
//
//	0 null        1 bool            2 small int      3 listed number
//	4 half-integer float            5 raw int64/float64 (8 more choices)
//	6 string      7 bytes           8 time           9 list
//	10 map        others: as choice % 11
//
// Strings, byte slices and containers take a length choice (mod maxGenLen+1
// for containers, mod 5 for strings) and then their elements.
func genValue(src source, depth int) any {
	switch src.next() % 11 {
	case 0:
		return nil
	case 1:
		return src.next()&1 == 1
	case 2:
		return int64(int8(src.next()))
	case 3:
		return genNumbers[int(src.next())%len(genNumbers)]
	case 4:
		return float64(int8(src.next())) / 2
	case 5:
		var raw [8]byte
		kind := src.next()
		for i := range raw {
			raw[i] = src.next()
		}
		u := binary.LittleEndian.Uint64(raw[:])
		if kind&1 == 0 {
			return int64(u)
		}
		f := math.Float64frombits(u)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return float64(int64(u))
		}
		return f
	case 6:
		return string(genBytes(src))
	case 7:
		return genBytes(src)
	case 8:
		return genTimes[int(src.next())%len(genTimes)]
	case 9:
		n := int(src.next()) % (maxGenLen + 1)
		if depth >= maxGenDepth {
			n = 0
		}
		l := make([]any, n)
		for i := range l {
			l[i] = genValue(src, depth+1)
		}
		return l
	default:
		n := int(src.next()) % (maxGenLen + 1)
		if depth >= maxGenDepth {
			n = 0
		}
		m := make(map[string]any, n)
		for range n {
			k := genBytes(src)
			if len(k) > 2 {
				k = k[:2]
			}
			m[string(k)] = genValue(src, depth+1)
		}
		return m
	}
}

func genBytes(src source) []byte {
	b := make([]byte, int(src.next())%5)
	for i := range b {
		b[i] = genAlphabet[int(src.next())%len(genAlphabet)]
	}
	return b
}

// twin returns a value Equal to v in which every number that has an exact
// counterpart in the other representation (int64 <-> float64) is swapped.
func twin(v any) any {
	switch x := v.(type) {
	case int64:
		if f := float64(x); f >= -(1<<63) && f < 1<<63 && int64(f) == x {
			return f
		}
	case float64:
		if x == math.Trunc(x) && x >= -(1<<63) && x < 1<<63 {
			return int64(x)
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = twin(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = twin(e)
		}
		return out
	case []byte:
		return append([]byte{}, x...)
	}
	return v
}

func sign(c int) int { return max(-1, min(1, c)) }

// checkOrderLaws checks the laws of the total order, of Equal, of hashing
// and of Clone on a, b and c.
func checkOrderLaws(seed maphash.Seed, a, b, c any) error {
	vals := []any{a, b, c}
	for _, v := range vals {
		if codec.Compare(v, v) != 0 || !codec.Equal(v, v) {
			return fmt.Errorf("not reflexive: %#v", v)
		}
		w := twin(v)
		if codec.Compare(v, w) != 0 || !codec.Equal(v, w) || !codec.Equal(w, v) {
			return fmt.Errorf("int/float twin differs: %#v vs %#v", v, w)
		}
		if codec.HashValue(seed, v) != codec.HashValue(seed, w) {
			return fmt.Errorf("int/float twin hashes differently: %#v vs %#v", v, w)
		}
		cl := codec.Clone(v)
		if !codec.Equal(cl, v) || !reflect.DeepEqual(cl, v) {
			return fmt.Errorf("Clone(%#v) = %#v", v, cl)
		}
		if err := disjoint("v", v, cl); err != nil {
			return fmt.Errorf("Clone(%#v): %w", v, err)
		}
		nv, err := codec.Normalize("v", v)
		if err != nil || !reflect.DeepEqual(nv, v) {
			return fmt.Errorf("Normalize is not the identity on %#v: %#v, %v", v, nv, err)
		}
	}
	for _, x := range vals {
		for _, y := range vals {
			cxy, cyx := codec.Compare(x, y), codec.Compare(y, x)
			if cxy < -1 || cxy > 1 {
				return fmt.Errorf("Compare returned %d", cxy)
			}
			if cxy != -cyx {
				return fmt.Errorf("not antisymmetric: Compare(x, y) = %d, Compare(y, x) = %d\nx=%#v\ny=%#v", cxy, cyx, x, y)
			}
			eq := codec.Equal(x, y)
			if eq != (cxy == 0) {
				return fmt.Errorf("Equal = %v but Compare = %d\nx=%#v\ny=%#v", eq, cxy, x, y)
			}
			if eq && codec.HashValue(seed, x) != codec.HashValue(seed, y) {
				return fmt.Errorf("equal values hash differently\nx=%#v\ny=%#v", x, y)
			}
			if kx, ky := codec.KindOf(x), codec.KindOf(y); kx != ky && cxy != sign(int(kx)-int(ky)) {
				return fmt.Errorf("kinds %v, %v but Compare = %d", kx, ky, cxy)
			}
			for _, z := range vals {
				cyz, cxz := codec.Compare(y, z), codec.Compare(x, z)
				if cxy <= 0 && cyz <= 0 {
					want := 0
					if cxy < 0 || cyz < 0 {
						want = -1
					}
					if cxz != want {
						return fmt.Errorf("not transitive: Compare(x,y)=%d Compare(y,z)=%d Compare(x,z)=%d\nx=%#v\ny=%#v\nz=%#v",
							cxy, cyz, cxz, x, y, z)
					}
				}
			}
		}
	}
	return nil
}

// fuzzSeed is the hash seed of FuzzCompare. Equal values must hash alike
// under every seed, so one per process is enough.
var fuzzSeed = maphash.MakeSeed()

func FuzzCompare(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{2, 5, 4, 10, 3, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		src := &byteSource{data}
		a := genValue(src, 0)
		b := genValue(src, 0)
		c := genValue(src, 0)
		if err := checkOrderLaws(fuzzSeed, a, b, c); err != nil {
			t.Fatal(err)
		}
	})
}

func TestGenValueIsDeterministic(t *testing.T) {
	data := []byte("\x09\x03\x02\x07\x06\x03ab\x00\x0a\x02\x01a\x08\x03")
	a := genValue(&byteSource{data}, 0)
	b := genValue(&byteSource{data}, 0)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("decoding the same bytes twice: %#v vs %#v", a, b)
	}
	if v := genValue(&byteSource{}, 0); v != nil {
		t.Fatalf("empty input decodes to %#v, want nil", v)
	}
}

// TestFuzzCorpusCoversEveryKind keeps the committed FuzzCompare corpus
// meaningful: it must parse, and between them its entries must decode to
// values of every kind (nested ones included).
func TestFuzzCorpusCoversEveryKind(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzCompare", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Fatalf("the FuzzCompare corpus has %d entries, want at least 8", len(files))
	}
	seen := map[codec.Kind]bool{}
	var numbers []any
	for _, file := range files {
		data, err := readCorpusEntry(file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		src := &byteSource{data}
		for range 3 {
			walkKinds(genValue(src, 0), func(v any) {
				seen[codec.KindOf(v)] = true
				if codec.KindOf(v) == codec.Number {
					numbers = append(numbers, v)
				}
			})
		}
	}
	for k := codec.Null; k <= codec.Map; k++ {
		if !seen[k] {
			t.Errorf("no corpus entry decodes to a %v", k)
		}
	}
	var ints, floats int
	for _, n := range numbers {
		if _, ok := n.(int64); ok {
			ints++
		} else {
			floats++
		}
	}
	if ints == 0 || floats == 0 {
		t.Errorf("the corpus has %d int64 and %d float64 numbers, want both", ints, floats)
	}
}

func walkKinds(v any, visit func(any)) {
	visit(v)
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkKinds(e, visit)
		}
	case map[string]any:
		for _, e := range x {
			walkKinds(e, visit)
		}
	}
}

// readCorpusEntry parses a one-argument "go test fuzz v1" file holding a
// []byte.
func readCorpusEntry(file string) ([]byte, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return nil, errors.New("not a one-value go test fuzz v1 file")
	}
	arg, ok := strings.CutPrefix(lines[1], "[]byte(")
	if !ok || !strings.HasSuffix(arg, ")") {
		return nil, fmt.Errorf("not a []byte argument: %q", lines[1])
	}
	s, err := strconv.Unquote(strings.TrimSuffix(arg, ")"))
	if err != nil {
		return nil, err
	}
	return bytes.Clone([]byte(s)), nil
}
