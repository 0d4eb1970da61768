package codec_test

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
)

var (
	sinkRecord codec.Record
	sinkInt    int
	sinkBool   bool
	sinkHash   uint64
)

func BenchmarkNormalizeRecord(b *testing.B) {
	rec := map[string]any{"name": "Alice", "age": 30, "email": "alice@example.com"}
	b.ReportAllocs()
	for b.Loop() {
		out, err := codec.NormalizeRecord(rec)
		if err != nil {
			b.Fatal(err)
		}
		sinkRecord = out
	}
}

func BenchmarkNormalizeRecordNested(b *testing.B) {
	rec := map[string]any{
		"name": "Alice", "age": 30, "tags": []string{"admin", "ops"},
		"address": map[string]any{"city": "Paris", "zip": "75001"},
	}
	b.ReportAllocs()
	for b.Loop() {
		out, err := codec.NormalizeRecord(rec)
		if err != nil {
			b.Fatal(err)
		}
		sinkRecord = out
	}
}

func BenchmarkCompareInt(b *testing.B) {
	x, y := any(int64(12345)), any(int64(67890))
	b.ReportAllocs()
	for b.Loop() {
		sinkInt = codec.Compare(x, y)
	}
}

func BenchmarkCompareIntFloat(b *testing.B) {
	x, y := any(int64(12345)), any(12345.5)
	b.ReportAllocs()
	for b.Loop() {
		sinkInt = codec.Compare(x, y)
	}
}

func BenchmarkEqualString(b *testing.B) {
	x, y := any("alice@example.com"), any("alice@example.com")
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = codec.Equal(x, y)
	}
}

func BenchmarkHashValueString(b *testing.B) {
	seed := maphash.MakeSeed()
	x := any("alice@example.com")
	b.ReportAllocs()
	for b.Loop() {
		sinkHash = codec.HashValue(seed, x)
	}
}

func BenchmarkHashValueInt(b *testing.B) {
	seed := maphash.MakeSeed()
	x := any(int64(12345))
	b.ReportAllocs()
	for b.Loop() {
		sinkHash = codec.HashValue(seed, x)
	}
}

// discard is a Visitor that keeps nothing.
type discard struct{}

func (discard) BeginTable(*codec.TableDump) error { return nil }
func (discard) Record(map[string]any) error       { return nil }
func (discard) EndTable(*codec.TableDump) error   { return nil }

// BenchmarkDecodeBinary decodes three tables of 1e5 small records in all,
// with nothing kept: the format's own cost, checksums included.
func BenchmarkDecodeBinary(b *testing.B) {
	var buf bytes.Buffer
	w := codec.NewBinaryWriter(&buf)
	for t := range 3 {
		if err := w.BeginTable(&codec.TableDump{Name: fmt.Sprintf("t%d", t), PrimaryKey: "id"}); err != nil {
			b.Fatal(err)
		}
		for i := range 33334 {
			rec, err := codec.NormalizeRecord(map[string]any{"id": i, "name": fmt.Sprintf("user %d", i), "age": i % 90, "score": float64(i) / 7})
			if err != nil {
				b.Fatal(err)
			}
			if err := w.WriteRecord(rec); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.EndTable(); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := codec.DecodeBinary(bytes.NewReader(buf.Bytes()), discard{}); err != nil {
			b.Fatal(err)
		}
	}
}
