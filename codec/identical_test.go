package codec_test

import (
	"math"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
)

func TestIdentical(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	same := []any{
		nil, true, int64(1), 1.0, 1.5, "a", []byte("a"), now,
		[]any{int64(1), 1.0}, map[string]any{"x": int64(1), "y": []any{2.0}}, []any{}, map[string]any{},
	}
	for _, v := range same {
		if !codec.Identical(v, v) {
			t.Errorf("codec.Identical(%#v, itself) = false", v)
		}
	}
	// Equal, but not identical: another Go type somewhere, or -0.0.
	for _, p := range [][2]any{
		{int64(1), 1.0},
		{1.0, int64(1)},
		{0.0, math.Copysign(0, -1)},
		{[]any{int64(1)}, []any{1.0}},
		{[]any{[]any{1.0}}, []any{[]any{int64(1)}}},
		{map[string]any{"x": int64(2)}, map[string]any{"x": 2.0}},
		{map[string]any{"x": []any{int64(2)}}, map[string]any{"x": []any{2.0}}},
	} {
		if !codec.Equal(p[0], p[1]) {
			t.Fatalf("codec.Equal(%#v, %#v) = false", p[0], p[1])
		}
		if codec.Identical(p[0], p[1]) || codec.Identical(p[1], p[0]) {
			t.Errorf("codec.Identical(%#v, %#v) = true", p[0], p[1])
		}
	}
	// Not even equal.
	for _, p := range [][2]any{
		{int64(1), int64(2)}, {1.0, 2.0}, {"a", "b"}, {nil, false}, {true, int64(1)},
		{[]any{int64(1)}, []any{int64(1), int64(1)}},
		{map[string]any{"x": int64(1)}, map[string]any{"y": int64(1)}},
		{map[string]any{"x": int64(1)}, []any{int64(1)}},
	} {
		if codec.Identical(p[0], p[1]) || codec.Identical(p[1], p[0]) {
			t.Errorf("codec.Identical(%#v, %#v) = true", p[0], p[1])
		}
	}
}
