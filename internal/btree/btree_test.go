package btree

import (
	"slices"
	"testing"
)

func TestEmptyMap(t *testing.T) {
	m := New[int, int](intCmp)
	if m.Len() != 0 {
		t.Fatal("Len of empty map")
	}
	if _, ok := m.Get(1); ok {
		t.Fatal("Get in empty map")
	}
	if m.Delete(1) != m {
		t.Fatal("Delete in empty map returned a new map")
	}
	it := m.Iterator()
	if !it.Done() {
		t.Fatal("iterator of empty map not done")
	}
	if _, _, ok := it.Next(); ok {
		t.Fatal("Next in empty map")
	}
	for _, seek := range []func(){it.First, it.Last, func() { it.Seek(0) }} {
		seek()
		if !it.Done() {
			t.Fatal("iterator of empty map not done")
		}
	}
	for range m.All() {
		t.Fatal("All of empty map")
	}
	for range m.Descend() {
		t.Fatal("Descend of empty map")
	}
	for range m.Ascend(0) {
		t.Fatal("Ascend of empty map")
	}
	if NewBuilder[int, int](intCmp).Map().Len() != 0 {
		t.Fatal("empty build not empty")
	}
}

// An ascending load through an Editor fills its leaves (the tail
// included), and deleting the
// last keys again empties and drops short right-most nodes.
func TestAscendingEditsFillLeaves(t *testing.T) {
	const n = maxLeaf*maxKids + 1 // one more than two full levels hold
	e := New[int, int](intCmp).Edit()
	for i := range n {
		e.Set(i, i)
	}
	checkEditor(t, e)
	leaves, full := 0, 0
	var walk func(*node[int, int])
	walk = func(x *node[int, int]) {
		if x.leaf() {
			leaves++
			if len(x.keys) == maxLeaf {
				full++
			}
			return
		}
		for _, k := range x.kids {
			walk(k)
		}
	}
	walk(e.root)
	if e.tail != nil {
		walk(e.tail) // the last leaf, outside the tree until it fills
	}
	if leaves != maxKids+1 || full != maxKids {
		t.Fatalf("%d leaves, %d full; want %d, %d", leaves, full, maxKids+1, maxKids)
	}
	m := e.Map()
	for i := n - 1; i >= n-3; i-- {
		if !e.Delete(i) {
			t.Fatalf("Delete(%d) = false", i)
		}
		checkEditor(t, e)
		m2 := m.Delete(i)
		checkMap(t, m2)
		m = m2
	}
	if e.Len() != n-3 || m.Len() != n-3 {
		t.Fatalf("Len %d and %d, want %d", e.Len(), m.Len(), n-3)
	}
}

// Deleting every key of deep trees, in several orders, keeps them
// balanced, persistently and through an Editor.
func TestDeletesKeepTreesBalanced(t *testing.T) {
	r := newRand(t)
	const n = 20000
	b := NewBuilder[int, int](intCmp)
	for i := range n {
		if err := b.Append(i, i); err != nil {
			t.Fatal(err)
		}
	}
	full := b.Map()
	checkMap(t, full)
	orders := map[string][]int{"ascending": make([]int, n)}
	for i := range n {
		orders["ascending"][i] = i
	}
	orders["descending"] = slices.Clone(orders["ascending"])
	slices.Reverse(orders["descending"])
	orders["random"] = r.Perm(n)
	for name, keys := range orders {
		m, e := full, full.Edit()
		for i, k := range keys {
			m = m.Delete(k)
			if !e.Delete(k) {
				t.Fatalf("%s: Delete(%d) = false", name, k)
			}
			if i%97 == 0 {
				checkMap(t, m)
				checkEditor(t, e)
				if _, ok := m.Get(k); ok {
					t.Fatalf("%s: %d still present", name, k)
				}
			}
		}
		if m.Len() != 0 || m.root != nil || e.Len() != 0 || e.root != nil {
			t.Fatalf("%s: not empty", name)
		}
	}
	checkMap(t, full)
	if got := len(entries(full)); got != n {
		t.Fatalf("deletes changed the built map: %d entries", got)
	}
}

func TestBuilderBalancesLastNodes(t *testing.T) {
	for _, n := range []int{1, 2, minLeaf, maxLeaf, maxLeaf + 1, 2*maxLeaf + 1, maxLeaf*maxKids + 1, maxLeaf*maxKids + maxLeaf + 1, 3 * maxLeaf * maxKids, maxLeaf*maxKids*maxKids + 1} {
		b := NewBuilder[int, int](intCmp)
		for i := range n {
			if err := b.Append(2*i, i); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Append(2*n-2, 0); err == nil {
			t.Fatalf("n=%d: Append of the last key again succeeded", n)
		}
		m := b.Map()
		// Stricter than check: no short node even on the right-most path.
		var walk func(x *node[int, int], root bool)
		walk = func(x *node[int, int], root bool) {
			if !root && x.size() < x.least() {
				t.Fatalf("n=%d: node of %d items", n, x.size())
			}
			for _, k := range x.kids {
				walk(k, false)
			}
		}
		walk(m.root, true)
		checkMap(t, m)
		if m.Len() != n || len(entries(m)) != n {
			t.Fatalf("n=%d: Len %d", n, m.Len())
		}
	}
}
