package cond_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
)

// TestOrderingAgainstCompare checks <, <=, >, >= and BETWEEN over every
// pair of values of a domain of all kinds, bounds equal to values
// included (the extreme integers too, where an interval's bounds would
// overflow), against their definition: true exactly when the field holds a
// value of the bound's kind that codec.Compare places as the operator
// says; null, a missing field and another kind are never in order.
func TestOrderingAgainstCompare(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	domain := []any{
		nil, false, true, int64(math.MinInt64), int64(math.MinInt64 + 1), int64(-1), int64(1), int64(2),
		int64(math.MaxInt64 - 1), int64(math.MaxInt64), 1.0, 1.5, 2.0, "", "a", "ab", "b", "B",
		[]byte("a"), []byte("b"), t0, t0.Add(time.Hour), []any{int64(1)}, []any{int64(1), int64(2)}, []any{2.0},
	}
	ops := []struct {
		name string
		make func(f cond.FieldRef, v any) cond.Cond
		want func(c int) bool
	}{
		{"<", cond.FieldRef.Lt, func(c int) bool { return c < 0 }},
		{"<=", cond.FieldRef.Lte, func(c int) bool { return c <= 0 }},
		{">", cond.FieldRef.Gt, func(c int) bool { return c > 0 }},
		{">=", cond.FieldRef.Gte, func(c int) bool { return c >= 0 }},
	}
	for _, bound := range domain {
		for _, op := range ops {
			m, err := cond.Compile(op.make(cond.Field("f"), bound))
			if err != nil {
				t.Fatalf("f %s %#v: %v", op.name, bound, err)
			}
			if m(codec.RecordOf(map[string]any{"g": int64(1)})) {
				t.Errorf("a missing field is %s %#v", op.name, bound)
			}
			for _, v := range domain {
				want := v != nil && bound != nil && codec.KindOf(v) == codec.KindOf(bound) && op.want(codec.Compare(v, bound))
				if got := m(codec.RecordOf(map[string]any{"f": v})); got != want {
					t.Errorf("%#v %s %#v = %v, want %v", v, op.name, bound, got, want)
				}
			}
		}
		for _, hi := range domain {
			m, err := cond.Compile(cond.Field("f").Between(bound, hi))
			if err != nil {
				t.Fatalf("f BETWEEN %#v AND %#v: %v", bound, hi, err)
			}
			for _, v := range domain {
				kind := codec.KindOf(v)
				want := v != nil && bound != nil && hi != nil && kind == codec.KindOf(bound) && kind == codec.KindOf(hi) &&
					codec.Compare(v, bound) >= 0 && codec.Compare(v, hi) <= 0
				if got := m(codec.RecordOf(map[string]any{"f": v})); got != want {
					t.Errorf("%s BETWEEN %#v AND %#v = %v, want %v", fmt.Sprintf("%#v", v), bound, hi, got, want)
				}
			}
		}
	}
}
