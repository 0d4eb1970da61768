package idx

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

type kv struct {
	v any
	k codec.Key
}

// reference returns the entries of m matching keep, sorted by (value, key).
func reference(m map[int64]any, keep func(any) bool) []kv {
	var out []kv
	for k, v := range m {
		if keep(v) {
			out = append(out, kv{v, codec.IntKey(k)})
		}
	}
	slices.SortFunc(out, func(a, b kv) int {
		if c := codec.Compare(a.v, b.v); c != 0 {
			return c
		}
		return codec.CompareKeys(a.k, b.k)
	})
	return out
}

func collect(seq func(func(Entry[int]) bool)) []kv {
	var out []kv
	for e := range seq {
		out = append(out, kv{e.Value, e.Key})
	}
	return out
}

func randVal(rng *rand.Rand) any {
	switch rng.IntN(5) {
	case 0:
		return nil
	case 1:
		return int64(rng.IntN(10))
	case 2:
		return float64(rng.IntN(10)) + 0.5
	case 3:
		return []string{"a", "ab", "b", "ba", ""}[rng.IntN(5)]
	}
	return rng.IntN(2) == 0
}

// TestIndexAgainstModel applies random puts and removes to an index, a
// builder and a plain map, and checks every lookup against the map.
func TestIndexAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 3))
	x := New[int](Def{Field: "f", Kind: Sorted})
	b := NewBuilder[int](Def{Field: "f", Kind: Sorted})
	model := map[int64]any{}
	for step := range 2000 {
		id := int64(rng.IntN(50))
		k := codec.IntKey(id)
		old, had := model[id]
		if rng.IntN(4) == 0 {
			if had {
				x = x.Remove(old, k)
				b.Remove(old, k)
				delete(model, id)
			}
		} else {
			v := randVal(rng)
			x = x.Put(old, had, v, k, step)
			b.Put(old, had, v, k, step)
			model[id] = v
		}
	}
	built := b.Index()
	all := reference(model, func(any) bool { return true })
	for _, ix := range []*Index[int]{x, built} {
		if got := collect(ix.Ascend()); !slices.EqualFunc(got, all, sameKV) {
			t.Fatalf("Ascend = %v, want %v", got, all)
		}
		desc := collect(ix.Descend())
		slices.Reverse(desc)
		if !slices.EqualFunc(desc, all, sameKV) {
			t.Fatal("Descend is not Ascend reversed")
		}
		for _, v := range []any{nil, int64(3), 3.5, "ab", true} {
			want := reference(model, func(w any) bool { return codec.Equal(w, v) })
			if got := collect(ix.Equal(v)); !slices.EqualFunc(got, want, sameKV) {
				t.Fatalf("Equal(%v) = %v, want %v", v, got, want)
			}
			checkBulkReads(t, ix, Range{Lo: v, LoIncl: true, Hi: v, HiIncl: true})
		}
		r := Range{Lo: int64(2), LoIncl: false, Hi: 7.5, HiIncl: true}
		want := reference(model, func(w any) bool {
			return codec.KindOf(w) == codec.Number && codec.Compare(w, int64(2)) > 0 && codec.Compare(w, 7.5) <= 0
		})
		if got := collect(ix.Scan(r)); !slices.EqualFunc(got, want, sameKV) {
			t.Fatalf("Scan(%+v) = %v, want %v", r, got, want)
		}
		checkBulkReads(t, ix, r)
		p := Range{Lo: "a", LoIncl: true, Prefix: true}
		want = reference(model, func(w any) bool { s, ok := w.(string); return ok && len(s) > 0 && s[0] == 'a' })
		if got := collect(ix.Scan(p)); !slices.EqualFunc(got, want, sameKV) {
			t.Fatalf("prefix scan = %v, want %v", got, want)
		}
		checkBulkReads(t, ix, p)
		nonNull := reference(model, func(w any) bool { return w != nil })
		if mn, ok := ix.Min(); len(nonNull) > 0 && (!ok || !codec.Equal(mn, nonNull[0].v)) {
			t.Fatalf("Min = %v, want %v", mn, nonNull[0].v)
		}
		if mx, ok := ix.Max(); len(nonNull) > 0 && (!ok || !codec.Equal(mx, nonNull[len(nonNull)-1].v)) {
			t.Fatalf("Max = %v, want %v", mx, nonNull[len(nonNull)-1].v)
		}
		if ix.Len() != len(model) {
			t.Fatalf("Len = %d, want %d", ix.Len(), len(model))
		}
	}
}

// checkBulkReads checks that CountRange, AppendRows, AppendScan,
// AppendIntKeys (when the keys are integers), ScatterRows and EachHit read
// exactly what Scan reads, in the same order, that CountRange
// and AppendScan give up past their limits, and that EachHit stops when
// told.
func checkBulkReads(t *testing.T, ix *Index[int], r Range) {
	t.Helper()
	var rows []int
	var hits []Hit[int]
	for e := range ix.Scan(r) {
		rows = append(rows, e.Row)
		hits = append(hits, Hit[int]{e.Key, e.Row})
	}
	if runs := ix.AppendRows(nil, r); !slices.Equal(runs, rows) {
		t.Fatalf("AppendRows(%+v) = %v, Scan gives %v", r, runs, rows)
	}
	if n, ok := ix.CountRange(r, len(rows)); n != len(rows) || !ok {
		t.Fatalf("CountRange(%+v, %d) = %d, %v; Scan gives %d", r, len(rows), n, ok, len(rows))
	}
	if len(rows) > 0 {
		if n, ok := ix.CountRange(r, len(rows)-1); ok || n < len(rows) {
			t.Fatalf("CountRange(%+v, %d) = %d, %v: did not give up", r, len(rows)-1, n, ok)
		}
	}
	sameHit := func(a, b Hit[int]) bool { return a.Key.Equal(b.Key) && a.Row == b.Row }
	if got, ok := ix.AppendScan(nil, r, math.MaxInt); !ok || !slices.EqualFunc(got, hits, sameHit) {
		t.Fatalf("AppendScan(%+v) = %v, %v; Scan gives %v", r, got, ok, hits)
	}
	if len(hits) > 0 {
		if _, ok := ix.AppendScan(nil, r, len(hits)-1); ok {
			t.Fatalf("AppendScan(%+v) with limit %d did not give up", r, len(hits)-1)
		}
	}
	keys, ok := ix.AppendIntKeys([]int64{-1}, r)
	allInt := true
	for i, h := range hits {
		k, isInt := h.Key.Int()
		if allInt = allInt && isInt; allInt && (len(keys) < i+2 || keys[i+1] != k) {
			t.Fatalf("AppendIntKeys(%+v) = %v; Scan gives %v", r, keys, hits)
		}
	}
	if ok != allInt || keys[0] != -1 || (ok && len(keys) != len(hits)+1) {
		t.Fatalf("AppendIntKeys(%+v) = %v, %v; Scan gives %v", r, keys, ok, hits)
	}
	at := make([]int64, len(rows)) // reversed, after one slot left alone
	for i := range at {
		at[i] = int64(len(rows) - i)
	}
	scattered := make([]int, len(rows)+1)
	scattered[0] = -7
	ix.ScatterRows(scattered, r, at)
	for i, row := range rows {
		if scattered[len(rows)-i] != row || scattered[0] != -7 {
			t.Fatalf("ScatterRows(%+v) reversed = %v; Scan gives %v", r, scattered, rows)
		}
	}
	var each []Hit[int]
	if ok := ix.EachHit(r, func(k codec.Key, row int) bool {
		each = append(each, Hit[int]{k, row})
		return true
	}); !ok || !slices.EqualFunc(each, hits, sameHit) {
		t.Fatalf("EachHit(%+v) = %v, %v; Scan gives %v", r, each, ok, hits)
	}
	if len(hits) > 0 {
		stop := len(hits) / 2
		each = each[:0]
		if ok := ix.EachHit(r, func(k codec.Key, row int) bool {
			each = append(each, Hit[int]{k, row})
			return len(each) <= stop
		}); ok || !slices.EqualFunc(each, hits[:stop+1], sameHit) {
			t.Fatalf("EachHit(%+v) told to stop after %d: %v, %v", r, stop+1, each, ok)
		}
	}
}

func sameKV(a, b kv) bool { return a.k.Equal(b.k) && codec.Equal(a.v, b.v) }

func TestUniqueConflict(t *testing.T) {
	x := New[int](Def{Field: "email", Kind: Hash, Unique: true})
	x = x.Put(nil, false, "a", codec.IntKey(1), 1)
	x = x.Put(nil, false, nil, codec.IntKey(2), 2)
	if other, clash := x.Conflict("a", codec.IntKey(3)); !clash || !other.Equal(codec.IntKey(1)) {
		t.Fatalf("Conflict(a, 3) = %v, %v", other, clash)
	}
	if _, clash := x.Conflict("a", codec.IntKey(1)); clash {
		t.Fatal("a row never conflicts with itself")
	}
	if _, clash := x.Conflict(nil, codec.IntKey(3)); clash {
		t.Fatal("nulls never conflict")
	}
	plain := New[int](Def{Field: "email", Kind: Hash})
	plain = plain.Put(nil, false, "a", codec.IntKey(1), 1)
	if _, clash := plain.Conflict("a", codec.IntKey(2)); clash {
		t.Fatal("a non-unique index never conflicts")
	}
	before := x
	_ = x.Remove("a", codec.IntKey(1))
	if before.Len() != 2 {
		t.Fatal("Remove changed the receiver")
	}
}

func TestParseKind(t *testing.T) {
	for s, want := range map[string]Kind{"hash": Hash, "HASH": Hash, "Sorted": Sorted} {
		if k, ok := ParseKind(s); !ok || k != want {
			t.Errorf("ParseKind(%q) = %v, %v", s, k, ok)
		}
	}
	if _, ok := ParseKind("btree"); ok {
		t.Error("btree is not a kind")
	}
	if Hash.String() != "hash" || Sorted.String() != "sorted" || Kind(9).String() != "Kind(9)" {
		t.Error("bad kind names")
	}
}

// TestGrowKeepsEntries checks that a builder told of a batch's size in
// advance builds the same index, whether it collects (empty start) or
// edits in place (non-empty start), and that Grow reserves room only while
// collecting.
func TestGrowKeepsEntries(t *testing.T) {
	def := Def{Field: "v", Kind: Sorted}
	for _, start := range []int{0, 10} {
		plain, grown := NewBuilder[int](def), NewBuilder[int](def)
		for i := range start {
			plain.Put(nil, false, int64(i%3), codec.IntKey(int64(i)), i)
			grown.Put(nil, false, int64(i%3), codec.IntKey(int64(i)), i)
		}
		a, b := plain.Index(), grown.Index()
		pb, gb := a.Edit(), b.Edit()
		gb.Grow(1000)
		if start == 0 && cap(gb.pending) < 1000 || start > 0 && cap(gb.pending) != 0 {
			t.Fatalf("start %d: pending capacity %d after Grow(1000)", start, cap(gb.pending))
		}
		for i := start; i < start+1000; i++ {
			pb.Put(nil, false, int64(i%7), codec.IntKey(int64(i)), i)
			gb.Put(nil, false, int64(i%7), codec.IntKey(int64(i)), i)
		}
		var want, got []Entry[int]
		for e := range pb.Index().Ascend() {
			want = append(want, e)
		}
		for e := range gb.Index().Ascend() {
			got = append(got, e)
		}
		if len(got) != start+1000 || !reflect.DeepEqual(got, want) {
			t.Fatalf("start %d: %d entries after Grow, want %d equal to the plain builder's", start, len(got), len(want))
		}
	}
}

// TestAppendIntKeysStopsAtStringKey: a range holding a string key is not
// one AppendIntKeys can give; it reports so after the integer keys before.
func TestAppendIntKeysStopsAtStringKey(t *testing.T) {
	b := NewBuilder[int](Def{Field: "v", Kind: Sorted})
	b.Put(nil, false, int64(1), codec.IntKey(5), 0)
	b.Put(nil, false, int64(1), codec.StringKey("x"), 1)
	b.Put(nil, false, int64(2), codec.IntKey(3), 2)
	ix := b.Index()
	keys, ok := ix.AppendIntKeys(nil, Range{Lo: int64(1), LoIncl: true})
	if ok || !slices.Equal(keys, []int64{5}) {
		t.Fatalf("AppendIntKeys = %v, %v; want [5], false", keys, ok)
	}
	keys, ok = ix.AppendIntKeys(nil, Range{Lo: int64(2), LoIncl: true})
	if !ok || !slices.Equal(keys, []int64{3}) {
		t.Fatalf("AppendIntKeys from 2 = %v, %v; want [3], true", keys, ok)
	}
}
