package idx_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/idx"
)

// scribble overwrites in place every list element, map entry and byte
// reachable from v.
func scribble(v any) {
	switch x := v.(type) {
	case []any:
		for i := range x {
			scribble(x[i])
			x[i] = "scribbled"
		}
	case map[string]any:
		for k := range x {
			scribble(x[k])
			x[k] = "scribbled"
		}
		x["scribbled"] = true
	case []byte:
		for i := range x {
			x[i] ^= 0xff
		}
	}
}

// TestReadsNeverShareIndexMemory overwrites every value an index hands out
// (Min, Max, the values of Scan, Equal, Ascend and Descend) and the slices
// AppendRows and AppendScan fill, and checks that an older and a newer
// version of the index still hold exactly the values and rows put in. (Rows
// are the caller's type, kept as given: what they point to is theirs.)
func TestReadsNeverShareIndexMemory(t *testing.T) {
	values := func() []any {
		return []any{
			[]any{"a", int64(1), []any{[]byte{1, 2}}},
			map[string]any{"k": []any{int64(2)}, "m": map[string]any{"b": []byte{3}}},
			[]byte{4, 5, 6},
			[]any{map[string]any{"z": []byte{7}}},
			int64(9),
			"s",
		}
	}
	for _, kind := range []idx.Kind{idx.Hash, idx.Sorted} {
		t.Run(kind.String(), func(t *testing.T) {
			old := idx.New[[]any](idx.Def{Field: "f", Kind: kind})
			for i, v := range values() {
				old = old.Put(nil, false, v, codec.IntKey(int64(i)), []any{fmt.Sprint("row", i)})
			}
			cur := old.Put(nil, false, []any{"new"}, codec.IntKey(100), []any{"row100"})
			check := func(when string) {
				t.Helper()
				for _, x := range []*idx.Index[[]any]{old, cur} {
					i := 0
					want := values()
					for e := range x.Ascend() {
						if e.Key.Equal(codec.IntKey(100)) {
							continue
						}
						n, _ := e.Key.Int()
						if !codec.Equal(e.Value, want[n]) || fmt.Sprint(e.Value) != fmt.Sprint(want[n]) {
							t.Fatalf("%s: the entry of key %d holds %v, want %v", when, n, e.Value, want[n])
						}
						if fmt.Sprint(e.Row) != fmt.Sprint([]any{fmt.Sprint("row", n)}) {
							t.Fatalf("%s: the row of key %d is %v", when, n, e.Row)
						}
						i++
					}
					if i != len(want) {
						t.Fatalf("%s: %d entries, want %d", when, i, len(want))
					}
				}
			}
			check("before")
			for _, x := range []*idx.Index[[]any]{old, cur} {
				if v, ok := x.Min(); ok {
					scribble(v)
				}
				if v, ok := x.Max(); ok {
					scribble(v)
				}
				for _, v := range values() {
					for e := range x.Equal(v) {
						scribble(e.Value)
					}
				}
				for _, seq := range []func(func(idx.Entry[[]any]) bool){
					x.Ascend(), x.Descend(), x.Scan(idx.Range{Lo: []any{}, LoIncl: true}),
					x.Scan(idx.Range{Lo: []byte{}, LoIncl: true}), x.Scan(idx.Range{Lo: map[string]any{}, LoIncl: true}),
				} {
					for e := range seq {
						scribble(e.Value)
					}
				}
				for _, r := range []idx.Range{{Lo: []any{}, LoIncl: true}, {Lo: []byte{}, LoIncl: true}} {
					rows := x.AppendRows(nil, r)
					for i := range rows {
						rows[i] = nil
					}
					hits, _ := x.AppendScan(nil, r, math.MaxInt)
					for i := range hits {
						hits[i].Row = nil
					}
				}
			}
			check("after overwriting every read")
		})
	}
}
