package btree

import (
	"errors"
	"maps"
	"slices"
	"testing"
)

// A harness applies operations to Maps, an Editor and Builders, and to a
// plain Go map modelling each, and checks that they agree.
type harness struct {
	t  testing.TB
	m  *Map[int, int]
	mm map[int]int // model of m
	e  *Editor[int, int]
	em map[int]int // model of e
	// Frozen maps and the entries they must keep for ever.
	frozen []snapshot
	ops    int
}

type snapshot struct {
	m    *Map[int, int]
	want []kv
}

func newHarness(t testing.TB) *harness {
	return &harness{t: t, m: New[int, int](intCmp), mm: map[int]int{}}
}

const numOps = 13

// do applies operation op with key k and value v.
func (h *harness) do(op byte, k, v int) {
	t := h.t
	t.Helper()
	h.ops++
	switch op % numOps {
	case 0: // persistent Set
		old, oldWant := h.m, h.mm[k]
		h.m = h.m.Set(k, v)
		h.mm[k] = v
		if got, ok := h.m.Get(k); !ok || got != v {
			t.Fatalf("Get(%d) after Set = %d, %v", k, got, ok)
		}
		if got, _ := old.Get(k); got != oldWant {
			t.Fatalf("Set changed the receiver: Get(%d) = %d, want %d", k, got, oldWant)
		}
	case 1: // persistent Delete
		_, had := h.mm[k]
		m := h.m.Delete(k)
		if !had && m != h.m {
			t.Fatalf("Delete(%d) of an absent key returned a new map", k)
		}
		if _, ok := m.Get(k); ok {
			t.Fatalf("Get(%d) after Delete found it", k)
		}
		h.m = m
		delete(h.mm, k)
	case 2: // Get
		got, ok := h.m.Get(k)
		want, wok := h.mm[k]
		if ok != wok || got != want {
			t.Fatalf("Get(%d) = %d, %v, want %d, %v", k, got, ok, want, wok)
		}
		if h.e != nil {
			got, ok := h.e.Get(k)
			want, wok := h.em[k]
			if ok != wok || got != want {
				t.Fatalf("Editor.Get(%d) = %d, %v, want %d, %v", k, got, ok, want, wok)
			}
		}
	case 3: // iterator of the map
		h.iterate(h.m.Iterator(), modelEntries(h.mm), k, v)
	case 4: // Editor Set
		h.editor()
		h.e.Set(k, v)
		h.em[k] = v
	case 5: // Editor Delete
		h.editor()
		_, had := h.em[k]
		if got := h.e.Delete(k); got != had {
			t.Fatalf("Editor.Delete(%d) = %v, want %v", k, got, had)
		}
		delete(h.em, k)
	case 6: // freeze the Editor and keep the result
		h.editor()
		f := h.e.Map()
		checkMap(t, f)
		s := snapshot{f, modelEntries(h.em)}
		if len(h.frozen) < 8 {
			h.frozen = append(h.frozen, s)
		} else {
			h.frozen[v%len(h.frozen)] = s
		}
	case 7: // freeze the Editor into the current map, and keep editing
		h.editor()
		h.m = h.e.Map()
		h.mm = maps.Clone(h.em)
	case 8: // ascending run of Sets through the Editor
		h.editor()
		for i := range v%700 + 1 {
			h.e.Set(k+i, v+i)
			h.em[k+i] = v + i
		}
	case 9: // rebuild the map with a Builder
		b := NewBuilder[int, int](intCmp)
		want := modelEntries(h.mm)
		for _, e := range want {
			if err := b.Append(e.k, e.v); err != nil {
				t.Fatal(err)
			}
		}
		if len(want) > 0 {
			last := want[len(want)-1].k
			if err := b.Append(last-v%2, 0); !errors.Is(err, ErrOrder) {
				t.Fatalf("Append(%d) after %d = %v, want ErrOrder", last-v%2, last, err)
			}
		}
		m := b.Map()
		checkMap(t, m)
		equalEntries(t, "built map", entries(m), want)
		if b.Map().Len() != 0 {
			t.Fatal("Builder not empty after Map")
		}
		h.m = m
	case 10: // Diff of the map against a frozen map, the Editor's state or a near copy
		other := h.m.Delete(k).Set(k+1, v)
		switch {
		case len(h.frozen) > 0 && v%3 == 0:
			other = h.frozen[v%len(h.frozen)].m
		case h.e != nil && v%3 == 1:
			other = h.e.Map()
		}
		checkDiff(t, h.m, other)
		checkDiff(t, other, h.m)
	case 11: // iterator of the Editor
		h.editor()
		h.iterate(h.e.Iterator(), modelEntries(h.em), k, v)
	case 12: // a new Editor, from the map or from scratch
		if v%3 == 0 {
			h.e, h.em = New[int, int](intCmp).Edit(), map[int]int{}
		} else {
			h.e, h.em = h.m.Edit(), maps.Clone(h.mm)
		}
	}
	if h.ops%64 == 0 || len(h.mm)+len(h.em) < 300 {
		h.verify()
	}
}

// editor makes sure there is an Editor.
func (h *harness) editor() {
	if h.e == nil {
		h.e, h.em = h.m.Edit(), maps.Clone(h.mm)
	}
}

// verify checks the invariants and contents of everything.
func (h *harness) verify() {
	t := h.t
	t.Helper()
	checkMap(t, h.m)
	want := modelEntries(h.mm)
	equalEntries(t, "map", entries(h.m), want)
	var desc, chunked []kv
	for k, v := range h.m.Descend() {
		desc = append(desc, kv{k, v})
	}
	slices.Reverse(desc)
	equalEntries(t, "Descend, reversed", desc, want)
	for ks, vs := range h.m.Chunks() {
		for i := range ks {
			chunked = append(chunked, kv{ks[i], vs[i]})
		}
	}
	equalEntries(t, "Chunks", chunked, want)
	if h.m.Len() != len(h.mm) {
		t.Fatalf("Len %d, want %d", h.m.Len(), len(h.mm))
	}
	if h.e != nil {
		checkEditor(t, h.e)
		if h.e.Len() != len(h.em) {
			t.Fatalf("Editor.Len %d, want %d", h.e.Len(), len(h.em))
		}
		var got []kv
		for it := h.e.Iterator(); !it.Done(); {
			k, v, _ := it.Next()
			got = append(got, kv{k, v})
		}
		equalEntries(t, "editor", got, modelEntries(h.em))
	}
	for i, s := range h.frozen {
		checkMap(t, s.m)
		equalEntries(t, "frozen map "+string(rune('0'+i)), entries(s.m), s.want)
	}
}

// iterate checks Seek, First or Last, then a walk of Next and Prev chosen
// by the bits of v, against the sorted entries want.
func (h *harness) iterate(it *Iterator[int, int], want []kv, k, v int) {
	t := h.t
	t.Helper()
	var pos int // index in want of the current entry
	switch v % 3 {
	case 0:
		it.Seek(k)
		pos, _ = slices.BinarySearchFunc(want, k, func(e kv, k int) int { return intCmp(e.k, k) })
	case 1:
		it.First()
		pos = 0
	case 2:
		it.Last()
		pos = len(want) - 1
	}
	for step := range 40 {
		done := pos < 0 || pos >= len(want)
		if it.Done() != done {
			t.Fatalf("step %d: Done() = %v, want %v", step, it.Done(), done)
		}
		forward := v>>(step%20+2)&1 == 0
		var gk, gv int
		var ok bool
		if forward {
			gk, gv, ok = it.Next()
		} else {
			gk, gv, ok = it.Prev()
		}
		if ok == done || ok && (kv{gk, gv} != want[pos]) {
			t.Fatalf("step %d: got %d %d %v at position %d of %d", step, gk, gv, ok, pos, len(want))
		}
		if done {
			break
		}
		if forward {
			pos++
		} else {
			pos--
		}
	}
	// The range functions, from the same key.
	var got []kv
	for gk, gv := range h.m.Ascend(k) {
		got = append(got, kv{gk, gv})
		if len(got) == 50 {
			break
		}
	}
	all := modelEntries(h.mm)
	i, _ := slices.BinarySearchFunc(all, k, func(e kv, k int) int { return intCmp(e.k, k) })
	equalEntries(t, "Ascend", got, all[i:min(i+50, len(all))])
	got = got[:0]
	for ks, vs := range h.m.ChunksFrom(k) {
		if len(ks) == 0 || len(ks) != len(vs) {
			t.Fatalf("ChunksFrom(%d) yielded %d keys and %d values", k, len(ks), len(vs))
		}
		for j, gk := range ks {
			got = append(got, kv{gk, vs[j]})
		}
		if len(got) >= 50 {
			break
		}
	}
	equalEntries(t, "ChunksFrom", got[:min(50, len(got))], all[i:min(i+50, len(all))])
	if len(got) < min(50, len(all)-i) {
		t.Fatalf("ChunksFrom(%d) stopped after %d entries", k, len(got))
	}
	got = got[:0]
	for ks, vs := range h.m.Chunks() {
		for j, gk := range ks {
			got = append(got, kv{gk, vs[j]})
		}
	}
	equalEntries(t, "Chunks", got, all)
	got = got[:0]
	for gk, gv := range h.m.Descend() {
		got = append(got, kv{gk, gv})
		if len(got) == 50 {
			break
		}
	}
	slices.Reverse(all)
	equalEntries(t, "Descend", got, all[:min(50, len(all))])
}

// checkDiff compares Diff(a, b) with a merge of all entries of both.
func checkDiff(t testing.TB, a, b *Map[int, int]) {
	t.Helper()
	type change struct {
		k        int
		av, bv   int
		aok, bok bool
	}
	var want []change
	am, bm := map[int]int{}, map[int]int{}
	for k, v := range a.All() {
		am[k] = v
	}
	for k, v := range b.All() {
		bm[k] = v
	}
	keys := slices.Sorted(maps.Keys(am))
	for k := range bm {
		if _, ok := am[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		av, aok := am[k]
		bv, bok := bm[k]
		if aok != bok || av != bv {
			want = append(want, change{k, av, bv, aok, bok})
		}
	}
	var got []change
	Diff(a, b, sameInt, func(k, av int, aok bool, bv int, bok bool) bool {
		got = append(got, change{k, av, bv, aok, bok})
		return true
	})
	if !slices.Equal(got, want) {
		t.Fatalf("Diff: %d changes %v, want %d %v", len(got), head(got), len(want), head(want))
	}
	// Stopping early yields a prefix.
	if len(want) > 1 {
		stop := len(want) / 2
		got = got[:0]
		Diff(a, b, sameInt, func(k, av int, aok bool, bv int, bok bool) bool {
			got = append(got, change{k, av, bv, aok, bok})
			return len(got) < stop
		})
		if !slices.Equal(got, want[:stop]) {
			t.Fatalf("Diff stopped after %d: %v, want %v", stop, head(got), head(want[:stop]))
		}
	}
}

func head[T any](s []T) []T { return s[:min(len(s), 10)] }

func TestMatchesModel(t *testing.T) {
	r := newRand(t)
	for round := range 6 {
		h := newHarness(t)
		keys := 1 << (6 + 2*round) // small key spaces first, then deep trees
		for i := range 4000 {
			// Mostly inserts in the first half, mostly deletes after.
			op := byte(r.IntN(numOps))
			if i < 2000 && op == 1 || i >= 2000 && (op == 0 || op == 8) && r.IntN(3) > 0 {
				op = []byte{1, 5}[r.IntN(2)]
			}
			h.do(op, r.IntN(keys), r.IntN(1<<20))
		}
		h.verify()
		// Delete everything, through both interfaces.
		for k := range h.mm {
			h.do(1, k, 0)
		}
		h.editor()
		for k := range h.em {
			h.do(5, k, 0)
		}
		h.verify()
		if h.m.Len() != 0 || h.m.root != nil || h.e.Len() != 0 || h.e.root != nil {
			t.Fatalf("not empty after deleting every key")
		}
	}
}
