package idx

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// modelValue returns a value from a small domain where equal values of
// different types meet: integers, whole and fractional floats, strings
// sharing prefixes, bools, null and short lists.
func modelValue(rng *rand.Rand) any {
	switch rng.IntN(9) {
	case 0:
		return nil
	case 1, 2:
		return int64(rng.IntN(8))
	case 3:
		return float64(rng.IntN(8)) // equal to an integer
	case 4:
		return float64(rng.IntN(8)) + 0.5
	case 5, 6:
		return []string{"", "a", "ab", "abc", "b", "ba", "B"}[rng.IntN(7)]
	case 7:
		return rng.IntN(2) == 0
	}
	return []any{int64(rng.IntN(2)), []any{1.0, int64(1)}[rng.IntN(2)]}
}

// modelRange returns a range of one kind: both bounds of the kind of Lo,
// each inclusive or exclusive, or a string prefix.
func modelRange(rng *rand.Rand) Range {
	lo := modelValue(rng)
	for lo == nil {
		lo = modelValue(rng)
	}
	r := Range{Lo: lo, LoIncl: rng.IntN(2) == 0}
	if s, ok := lo.(string); ok && rng.IntN(3) == 0 {
		return Range{Lo: s, LoIncl: true, Prefix: true}
	}
	if rng.IntN(4) > 0 {
		hi := modelValue(rng)
		for codec.KindOf(hi) != codec.KindOf(lo) {
			hi = modelValue(rng)
		}
		r.Hi, r.HiIncl = hi, rng.IntN(2) == 0
	}
	return r
}

// inRange is the model's reading of a Range.
func inRange(r Range, v any) bool {
	if r.Prefix {
		s, ok := v.(string)
		return ok && strings.HasPrefix(s, r.Lo.(string))
	}
	if codec.KindOf(v) != codec.KindOf(r.Lo) {
		return false
	}
	if c := codec.Compare(v, r.Lo); c < 0 || (c == 0 && !r.LoIncl) {
		return false
	}
	if r.Hi == nil {
		return true
	}
	c := codec.Compare(v, r.Hi)
	return c < 0 || (c == 0 && r.HiIncl)
}

// TestIndexRangesAgainstModel applies random puts (some replacing a value
// by an equal one of another type) and removes to an index and to a
// builder, unique or not, and checks every read against a plain map:
// ranges with inclusive and exclusive bounds of every kind and prefixes
// through Scan, AppendScan (with limits) and Runs, equality lookups, Min,
// Max, unique conflicts, and that each entry holds exactly the value put,
// type included.
func TestIndexRangesAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 4))
	for round := range 30 {
		unique := round%3 == 0
		def := Def{Field: "f", Kind: Sorted, Unique: unique}
		x := New[int](def)
		b := NewBuilder[int](def)
		model := map[int64]any{}
		steps := rng.IntN(400) + 1
		for step := range steps {
			id := int64(rng.IntN(60))
			k := codec.IntKey(id)
			old, had := model[id]
			if had && rng.IntN(5) == 0 {
				x = x.Remove(old, k)
				b.Remove(old, k)
				delete(model, id)
				continue
			}
			v := modelValue(rng)
			if had && rng.IntN(3) == 0 {
				v = sameValueOtherType(old)
			}
			if unique {
				clash := false
				for other, w := range model {
					if other != id && v != nil && codec.Equal(v, w) {
						clash = true
					}
				}
				_, got := x.Conflict(v, k)
				_, gotB := b.Conflict(v, k)
				if got != clash || gotB != clash {
					t.Fatalf("round %d step %d: Conflict(%#v, %v) = %v (builder %v), model says %v", round, step, v, k, got, gotB, clash)
				}
				if clash {
					continue
				}
			}
			x = x.Put(old, had, v, k, int(id))
			b.Put(old, had, v, k, int(id))
			model[id] = v
		}
		for _, ix := range []*Index[int]{x, b.Index()} {
			checkAgainstModel(t, rng, ix, model)
		}
	}
}

// sameValueOtherType returns a value equal to v of another Go type where
// there is one (1 and 1.0, [1] and [1.0]), else v.
func sameValueOtherType(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		if x == math.Trunc(x) {
			return int64(x)
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sameValueOtherType(e)
		}
		return out
	}
	return v
}

func checkAgainstModel(t *testing.T, rng *rand.Rand, ix *Index[int], model map[int64]any) {
	t.Helper()
	if ix.Len() != len(model) {
		t.Fatalf("Len = %d, model has %d", ix.Len(), len(model))
	}
	for e := range ix.Ascend() {
		id, _ := e.Key.Int()
		if want, ok := model[id]; !ok || !codec.Identical(e.Value, want) || e.Row != int(id) {
			t.Fatalf("entry (%#v, %v) -> %d; the row holds %#v", e.Value, e.Key, e.Row, want)
		}
	}
	all := reference(model, func(any) bool { return true })
	if got := collect(ix.Ascend()); !slices.EqualFunc(got, all, sameKV) {
		t.Fatalf("Ascend = %v, want %v", got, all)
	}
	nonNull := reference(model, func(v any) bool { return v != nil })
	mn, okMin := ix.Min()
	mx, okMax := ix.Max()
	if len(nonNull) == 0 {
		if okMin || okMax {
			t.Fatalf("Min, Max = %#v, %v, %#v, %v of no non-null values", mn, okMin, mx, okMax)
		}
	} else {
		// Of equal largest values, Max gives the one of the smallest key.
		last := nonNull[len(nonNull)-1].v
		i := slices.IndexFunc(nonNull, func(e kv) bool { return codec.Equal(e.v, last) })
		if !okMin || !codec.Identical(mn, nonNull[0].v) || !okMax || !codec.Identical(mx, nonNull[i].v) {
			t.Fatalf("Min, Max = %#v, %#v, want %#v, %#v", mn, mx, nonNull[0].v, nonNull[i].v)
		}
	}
	for range 40 {
		r := modelRange(rng)
		want := reference(model, func(v any) bool { return inRange(r, v) })
		if got := collect(ix.Scan(r)); !slices.EqualFunc(got, want, sameKV) {
			t.Fatalf("Scan(%+v) = %v, want %v", r, got, want)
		}
		checkBulkReads(t, ix, r)
		limit := rng.IntN(len(want) + 2)
		hits, ok := ix.AppendScan(nil, r, limit)
		if ok != (len(want) <= limit) || len(hits) > limit {
			t.Fatalf("AppendScan(%+v, limit %d) = %d hits, %v; %d in range", r, limit, len(hits), ok, len(want))
		}
		for i, h := range hits {
			if !h.Key.Equal(want[i].k) {
				t.Fatalf("AppendScan(%+v, limit %d) hit %d is %v, want %v", r, limit, i, h.Key, want[i].k)
			}
		}
		v := modelValue(rng)
		wantEq := reference(model, func(w any) bool { return codec.Equal(v, w) })
		if got := collect(ix.Equal(v)); !slices.EqualFunc(got, wantEq, sameKV) {
			t.Fatalf("Equal(%#v) = %v, want %v", v, got, wantEq)
		}
	}
}
