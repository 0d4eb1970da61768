package codec_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
)

var binFormat = formats[1]

// everyKind is a record holding every kind of the value model, including
// the values JSON cannot keep.
func everyKind() map[string]any {
	return map[string]any{
		"id": int64(7), "null": nil, "t": true, "f": false,
		"int": int64(math.MinInt64), "float": 2.0, "neg0": math.Copysign(0, -1), "tiny": 5e-324,
		"str": "é😀\x00", "badutf8": "\xff\xfe", "bytes": []byte{0, 1, 255}, "empty": []byte{},
		"time": time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC), "zero": time.Time{}.UTC(),
		"old":  time.Unix(-1, 1).UTC(),
		"list": []any{int64(1), 1.0, []any{}, map[string]any{"": nil}},
		"map":  map[string]any{"a": []byte("x"), "b": map[string]any{"c": time.Unix(1, 5).UTC()}},
	}
}

func TestBinaryKeepsEveryKind(t *testing.T) {
	want := []*dumpTable{{Meta: codec.TableDump{Name: "t", PrimaryKey: "id", NextID: 8}, Recs: []map[string]any{everyKind()}}}
	got, err := decode(binFormat, encode(t, binFormat, want))
	if err != nil {
		t.Fatal(err)
	}
	if err := sameTables(got, want); err != nil {
		t.Fatal(err)
	}
	if f := got[0].Recs[0]["neg0"].(float64); !math.Signbit(f) {
		t.Fatal("-0.0 lost its sign")
	}
}

func TestBinaryRandomValues(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	src := randSource{rand.New(rand.NewPCG(seed, 1))}
	recs := make([]map[string]any, 2000)
	for i := range recs {
		m := map[string]any{"id": int64(i)}
		for j := range 4 {
			m[string(rune('a'+j))] = genValue(src, 0)
		}
		recs[i] = m
	}
	want := []*dumpTable{{Meta: codec.TableDump{Name: "r", PrimaryKey: "id"}, Recs: recs}}
	data := encode(t, binFormat, want)
	got, err := decode(binFormat, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameTables(got, want); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encode(t, binFormat, got), data) {
		t.Fatal("re-encoding differs")
	}
}

// TestJSONBinaryJSON: JSON -> binary -> JSON gives the same bytes.
func TestJSONBinaryJSON(t *testing.T) {
	js := encode(t, formats[0], sampleTables())
	a, err := decode(formats[0], js)
	if err != nil {
		t.Fatal(err)
	}
	b, err := decode(binFormat, encode(t, binFormat, a))
	if err != nil {
		t.Fatal(err)
	}
	if again := encode(t, formats[0], b); !bytes.Equal(again, js) {
		t.Fatalf("JSON -> binary -> JSON differs:\n%s\n%s", js, again)
	}
}

func TestBinaryTruncatedAndFlipped(t *testing.T) {
	data := encode(t, binFormat, sampleTables())
	for n := range len(data) {
		if _, err := decode(binFormat, data[:n]); !errors.Is(err, codec.ErrCorrupt) {
			t.Fatalf("truncated at %d: %v", n, err)
		}
	}
	for i := range len(data) {
		for _, bit := range []byte{1, 0x80} {
			c := bytes.Clone(data)
			c[i] ^= bit
			_, err := decode(binFormat, c)
			var ce *codec.CorruptError
			if !errors.As(err, &ce) || !errors.Is(err, codec.ErrCorrupt) || ce.Offset < 0 {
				t.Fatalf("flip at %d: %v", i, err)
			}
			// A damaged header is reported there, not as a later block
			// whose chained checksum no longer matches.
			if i < 16 && ce.Offset >= 16 {
				t.Fatalf("flip at header byte %d reported at offset %d: %v", i, ce.Offset, err)
			}
		}
	}
	if _, err := decode(binFormat, append(bytes.Clone(data), 0)); !errors.Is(err, codec.ErrCorrupt) {
		t.Fatalf("trailing data: %v", err)
	}
	for _, garbage := range [][]byte{nil, []byte("{}"), []byte(codec.BinaryMagic), bytes.Repeat([]byte{0xff}, 100)} {
		if _, err := decode(binFormat, garbage); !errors.Is(err, codec.ErrCorrupt) {
			t.Fatalf("garbage %q: %v", garbage, err)
		}
	}
}

// header returns a valid file header.
func header() []byte {
	h := make([]byte, 16)
	copy(h, codec.BinaryMagic)
	binary.LittleEndian.PutUint16(h[8:], codec.BinaryVersion)
	binary.LittleEndian.PutUint32(h[12:], crc32.Checksum(h[:12], crc32.MakeTable(crc32.Castagnoli)))
	return h
}

// block returns a block whose checksum is left for reseal to fill in.
func block(kind byte, payload []byte) []byte {
	b := []byte{kind, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[1:], uint32(len(payload)))
	b = append(b, payload...)
	return append(b, 0, 0, 0, 0)
}

// file returns a header followed by blocks, with every checksum valid.
func file(blocks ...[]byte) []byte {
	data := header()
	for _, b := range blocks {
		data = append(data, b...)
	}
	return reseal(data, codec.BinaryVersion)
}

func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestBinaryHostileCounts: lengths and counts claiming far more than the
// input holds fail without allocating for the claim.
func TestBinaryHostileCounts(t *testing.T) {
	table := block('T', []byte{1, 't', 2, 'i', 'd', 0, 1, 0})
	huge := binary.AppendUvarint(nil, 1<<40)
	cases := map[string][]byte{
		"block length":  append(append(header(), 'T', 0xff, 0xff, 0xff, 0x3f), make([]byte, 100)...),
		"record count":  file(table, block('R', huge)),
		"field count":   file(table, block('R', append([]byte{1}, huge...))),
		"list length":   file(table, block('R', append([]byte{1, 1, 0, 1, 'a', 8}, huge...))),
		"string length": file(table, block('R', append([]byte{1, 1, 0, 1, 'a', 5}, huge...))),
		"schema count":  file(block('T', append([]byte{1, 't', 2, 'i', 'd', 1}, huge...))),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = decode(binFormat, data) })
			if !errors.Is(err, codec.ErrCorrupt) || strings.Contains(err.Error(), "checksum") {
				t.Fatalf("got %v", err)
			}
			if n > 1<<20 {
				t.Fatalf("allocated %d bytes for a %d-byte input", n, len(data))
			}
		})
	}
}

func TestBinaryDeepNesting(t *testing.T) {
	p := []byte{1, 1, 0, 1, 'a'}
	for range 100 {
		p = append(p, 8, 1)
	}
	p = append(p, 0)
	data := file(block('T', []byte{1, 't', 2, 'i', 'd', 0, 1, 0}), block('R', p))
	if _, err := decode(binFormat, data); !errors.Is(err, codec.ErrCorrupt) || !strings.Contains(err.Error(), "nesting") {
		t.Fatalf("got %v", err)
	}
}

// FuzzDecodeBinary checks that decoding never panics and that whatever
// decodes re-encodes to bytes that decode to the same data.
func FuzzDecodeBinary(f *testing.F) {
	f.Add(encode(f, binFormat, sampleTables()))
	f.Add(encode(f, binFormat, []*dumpTable{{Meta: codec.TableDump{Name: "t", PrimaryKey: "id"}, Recs: []map[string]any{everyKind()}}}))
	f.Add(encode(f, binFormat, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decode(binFormat, data)
		if err != nil {
			if !errors.Is(err, codec.ErrCorrupt) {
				t.Fatalf("error without ErrCorrupt: %v", err)
			}
			return
		}
		again := encode(t, binFormat, got)
		back, err := decode(binFormat, again)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if err := sameTables(back, got); err != nil {
			t.Fatal(err)
		}
	})
}

// TestBinaryHandBuiltRecord checks the documented layout of a record block.
func TestBinaryHandBuiltRecord(t *testing.T) {
	table := block('T', []byte{1, 't', 2, 'i', 'd', 0, 1, 0})
	// Two records: {"id": 1, "a": "x"} then {"id": 2, "a": null}, keys
	// numbered in the block: id = 0, a = 1.
	recs := []byte{2,
		2, 0, 2, 'i', 'd', 3, 2, 0, 1, 'a', 5, 1, 'x',
		2, 1, 3, 4, 2, 0}
	// The directory: one table, its metadata as in its 'T' block, 2
	// records, fields in name order: "a" of kinds null and string (bits 0
	// and 4), 1 non-null; "id" of kind int (bit 2), 2 non-null. The end
	// block: the directory's offset (after the header and three blocks of
	// 17, 29 and 10 bytes) and the table count, two uint64 LE.
	dir := []byte{1, 1, 't', 2, 'i', 'd', 0, 1, 0, 2, 2, 1, 'a', 17, 1, 2, 'i', 'd', 4, 2}
	end := binary.LittleEndian.AppendUint64(nil, 16+17+29+10)
	end = binary.LittleEndian.AppendUint64(end, 1)
	data := file(table, block('R', recs), block('E', []byte{2}), block('D', dir), block('Z', end))
	got, err := decode(binFormat, data)
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"id": int64(1), "a": "x"}, {"id": int64(2), "a": nil}}
	if len(got) != 1 || !reflect.DeepEqual(got[0].Recs, want) {
		t.Fatalf("got %v", got)
	}
	if again := encode(t, binFormat, got); !bytes.Equal(again, data) {
		t.Fatalf("encoder differs from the documented layout:\n%x\n%x", again, data)
	}
}
