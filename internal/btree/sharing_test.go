package btree

import (
	"math/rand/v2"
	"testing"
)

// randomMap returns a map of about n random entries, built persistently,
// through an Editor or with a Builder.
func randomMap(r *rand.Rand, n, keys int) *Map[int, int] {
	switch r.IntN(3) {
	case 0:
		m := New[int, int](intCmp)
		for range n {
			m = m.Set(r.IntN(keys), r.Int())
		}
		return m
	case 1:
		e := New[int, int](intCmp).Edit()
		for range n {
			e.Set(r.IntN(keys), r.Int())
		}
		return e.Map()
	default:
		b := NewBuilder[int, int](intCmp)
		for k := r.IntN(3); k < keys && n > 0; k += 1 + r.IntN(3) {
			_ = b.Append(k, r.Int())
			n--
		}
		return b.Map()
	}
}

// edit applies n random Sets and Deletes to e.
func edit(r *rand.Rand, e *Editor[int, int], n, keys int) {
	for range n {
		if r.IntN(3) == 0 {
			e.Delete(r.IntN(keys))
		} else {
			e.Set(r.IntN(keys), r.Int())
		}
	}
}

func TestSetAndDeleteNeverMutateReceiver(t *testing.T) {
	r := newRand(t)
	for range 50 {
		keys := 1 + r.IntN(20000)
		m := randomMap(r, r.IntN(10000), keys)
		want := entries(m)
		for range 200 {
			k := r.IntN(keys)
			var m2 *Map[int, int]
			if r.IntN(2) == 0 {
				m2 = m.Set(k, r.Int())
			} else {
				m2 = m.Delete(k)
			}
			checkMap(t, m2)
		}
		checkMap(t, m)
		equalEntries(t, "receiver", entries(m), want)
	}
}

func TestEditorNeverMutatesFrozenMap(t *testing.T) {
	r := newRand(t)
	for round := range 40 {
		keys := 1 + r.IntN(30000)
		m := randomMap(r, r.IntN(10000), keys)
		snaps := []snapshot{{m, entries(m)}}
		e := m.Edit()
		for range 6 {
			edit(r, e, r.IntN(3000), keys)
			f := e.Map()
			snaps = append(snaps, snapshot{f, entries(f)})
			switch r.IntN(4) {
			case 0: // freeze twice in a row
				g := e.Map()
				snaps = append(snaps, snapshot{g, entries(g)})
			case 1: // an Editor from a map another Editor produced
				e2 := f.Edit()
				edit(r, e2, r.IntN(2000), keys)
				g := e2.Map()
				snaps = append(snaps, snapshot{g, entries(g)})
				edit(r, e2, r.IntN(2000), keys)
			case 2: // persistent updates of a frozen map
				g := f.Set(r.IntN(keys), 1).Delete(r.IntN(keys))
				snaps = append(snaps, snapshot{g, entries(g)})
			}
		}
		edit(r, e, 5000, keys) // edits after the last freeze
		for i, s := range snaps {
			checkMap(t, s.m)
			equalEntries(t, "snapshot", entries(s.m), s.want)
			if s.m.Len() != len(s.want) {
				t.Fatalf("round %d, snapshot %d: Len %d, want %d", round, i, s.m.Len(), len(s.want))
			}
		}
		checkEditor(t, e)
	}
}

// No node of a frozen map carries the tag the Editor it came from edits
// with afterwards, so that Editor can never change it in place. (The
// Editor takes its new tag lazily, at its first edit after Map.)
func TestFrozenMapHasNoNodeOfItsEditor(t *testing.T) {
	r := newRand(t)
	e := New[int, int](intCmp).Edit()
	for range 10 {
		edit(r, e, 5000, 20000)
		f := e.Map()
		edit(r, e, 1, 20000)
		var walk func(*node[int, int])
		walk = func(n *node[int, int]) {
			if n.owner != nil && n.owner == e.w.owner {
				t.Fatal("frozen map holds a node its Editor may change")
			}
			for _, k := range n.kids {
				walk(k)
			}
		}
		walk(f.root)
	}
}

// TestPathCopiesShareSeparators checks that a write which changes no key of
// a node copies its children or values but shares its keys with the
// original, and that the copy's later key changes leave the original
// untouched.
func TestPathCopiesShareSeparators(t *testing.T) {
	e := New[int, int](intCmp).Edit()
	for k := range 3 * maxLeaf * maxKids {
		e.Set(2*k, k)
	}
	m := e.Map()
	want := entries(m)
	m2 := m.Set(2*maxLeaf*maxKids, -1) // replaces a value: no key changes
	if &m2.root.keys[0] != &m.root.keys[0] {
		t.Fatal("the root's copy does not share its separators")
	}
	leaf, leaf2 := m.root, m2.root
	for !leaf.leaf() {
		i := child(leaf, 2*maxLeaf*maxKids, intCmp)
		leaf, leaf2 = leaf.kids[i], leaf2.kids[i]
	}
	if leaf == leaf2 || &leaf.keys[0] != &leaf2.keys[0] {
		t.Fatal("the leaf's copy does not share its keys")
	}
	// Now change keys everywhere on that path through the copy.
	e2 := m2.Edit()
	for k := range maxLeaf * maxKids {
		e2.Set(2*maxLeaf*maxKids+2*k+1, 0)
	}
	for k := range maxLeaf {
		e2.Delete(2 * k)
	}
	checkEditor(t, e2)
	equalEntries(t, "original after edits of a copy", entries(m), want)
	checkMap(t, m)
}

// TestAppendsKeepNodesAtFullSize checks that ascending appends through an
// Editor, a bulk load's pattern, leave no node larger than a full one: a
// key array copied on its own (see ownKeys) must not let the values or
// children grow by append's doubling.
func TestAppendsKeepNodesAtFullSize(t *testing.T) {
	m := New[int, int](intCmp)
	for round := range 20 {
		e := m.Edit()
		for k := range 2000 {
			e.Set(round*2000+k, k)
		}
		m = e.Map()
		var walk func(n *node[int, int])
		walk = func(n *node[int, int]) {
			if m := n.most(); cap(n.keys) > m+2 || cap(n.vals) > m+1 || cap(n.kids) > m+1 {
				t.Fatalf("round %d: a node of %d items with capacities %d keys, %d values, %d children",
					round, n.size(), cap(n.keys), cap(n.vals), cap(n.kids))
			}
			for _, c := range n.kids {
				walk(c)
			}
		}
		walk(m.root)
	}
}
