package btree

import "testing"

func TestDiffMatchesNaiveMerge(t *testing.T) {
	r := newRand(t)
	empty := New[int, int](intCmp)
	for range 60 {
		keys := 1 + r.IntN(20000)
		a := randomMap(r, r.IntN(8000), keys)
		// Unrelated builds share nothing.
		b := randomMap(r, r.IntN(8000), keys)
		checkDiff(t, a, b)
		checkDiff(t, a, empty)
		checkDiff(t, empty, a)
		checkDiff(t, a, a)
		// Maps that share most of their structure.
		e := a.Edit()
		edit(r, e, r.IntN(50), keys)
		c := e.Map()
		checkDiff(t, a, c)
		checkDiff(t, c, a)
		edit(r, e, r.IntN(2000), keys)
		d := e.Map()
		checkDiff(t, c, d)
		checkDiff(t, a, d)
		// Same entries, different structure.
		b2 := NewBuilder[int, int](intCmp)
		for k, v := range a.All() {
			_ = b2.Append(k, v)
		}
		checkDiff(t, a, b2.Map())
	}
}

func TestDiffSkipsSharedSubtrees(t *testing.T) {
	r := newRand(t)
	const n, changes = 100000, 10
	b := NewBuilder[int, int](intCmp)
	for i := range n {
		_ = b.Append(2*i, i)
	}
	a := b.Map()
	leaves := (n + maxLeaf - 1) / maxLeaf
	height := 0
	for x := a.root; !x.leaf(); x = x.kids[0] {
		height++
	}
	for _, tc := range []struct {
		name string
		edit func(e *Editor[int, int], k int)
		// Leaves a change may dirty per tree: an insertion into a full
		// leaf splits it, a deletion from a short one rebalances it with
		// a neighbour.
		perChange int
	}{
		{"updates", func(e *Editor[int, int], k int) { e.Set(2*k, -1) }, 1},
		{"deletes", func(e *Editor[int, int], k int) { e.Delete(2 * k) }, 2},
		{"inserts", func(e *Editor[int, int], k int) { e.Set(2*k+1, k) }, 2},
	} {
		e := a.Edit()
		for _, k := range r.Perm(n)[:changes] {
			tc.edit(e, k)
		}
		c := e.Map()
		checkDiff(t, a, c)
		count := 0
		seen := diff(a, c, sameInt, func(int, int, bool, int, bool) bool { count++; return true })
		if count != changes {
			t.Fatalf("%s: %d changes, want %d", tc.name, count, changes)
		}
		// Each change dirties one path from the root.
		maxNodes := 1 + changes*tc.perChange*(height+1)
		for i, v := range seen {
			if v.nodes > maxNodes || v.leaves > changes*tc.perChange || v.leaves*100 >= leaves*tc.perChange {
				t.Errorf("%s: diff entered %d nodes and %d leaves of tree %d (%d leaves, height %d), want at most %d nodes and under %d%% of the leaves",
					tc.name, v.nodes, v.leaves, i, leaves, height, maxNodes, tc.perChange)
			}
		}
		t.Logf("%s: entered %+v of trees with %d leaves", tc.name, seen, leaves)
	}
}
