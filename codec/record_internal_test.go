package codec

import "testing"

// TestShapeDataIsShape checks that reading slot 0's data word gives the
// record's shape, which Field.Cached relies on instead of a type assertion.
func TestShapeDataIsShape(t *testing.T) {
	for _, m := range []map[string]any{
		{"id": int64(1)},
		{"a": "x", "b": 2.5, "c": nil},
		{"wide": []any{int64(1)}, "z": map[string]any{"k": true}},
	} {
		r := RecordOf(m)
		if got, want := r.shapeData(), r.Shape(); got != want {
			t.Fatalf("shapeData() = %p, Shape() = %p for %v", got, want, m)
		}
	}
}
