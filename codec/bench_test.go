package codec_test

import (
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
