package btree

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dictdb-go/dictdb/internal/testseed"
)

func intCmp(a, b int) int { return cmp.Compare(a, b) }

func sameInt(x, y int) bool { return x == y }

// newRand returns a generator seeded from DICTDB_SEED, or from the clock,
// and logs the seed so that a failure can be replayed.
func newRand(t testing.TB) *rand.Rand {
	seed := testseed.Seed(t)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

type kv struct{ k, v int }

// entries returns the map's entries in ascending order.
func entries(m *Map[int, int]) []kv {
	var out []kv
	for k, v := range m.All() {
		out = append(out, kv{k, v})
	}
	return out
}

// modelEntries returns the model's entries in ascending order.
func modelEntries(model map[int]int) []kv {
	out := make([]kv, 0, len(model))
	for k, v := range model {
		out = append(out, kv{k, v})
	}
	slices.SortFunc(out, func(a, b kv) int { return cmp.Compare(a.k, b.k) })
	return out
}

// check verifies the invariants of the tree at root holding n entries:
// keys sorted and within the ranges their separators give, node sizes
// within bounds (a node on the right-most path may be short, but not
// empty), all leaves at the same depth, and n entries in all.
func check[K, V any](root *node[K, V], n int, cmp func(a, b K) int) error {
	if root == nil {
		if n != 0 {
			return fmt.Errorf("empty tree with Len %d", n)
		}
		return nil
	}
	if !root.leaf() && len(root.kids) < 2 {
		return fmt.Errorf("interior root with %d children", len(root.kids))
	}
	c := checker[K, V]{cmp: cmp, leafDepth: -1}
	if err := c.node(root, nil, nil, 0, true, true); err != nil {
		return err
	}
	if c.count != n {
		return fmt.Errorf("%d entries, Len %d", c.count, n)
	}
	return nil
}

type checker[K, V any] struct {
	cmp       func(a, b K) int
	leafDepth int
	count     int
}

// node checks n, whose keys must be >= *lo and < *hi (nil: unbounded).
func (c *checker[K, V]) node(n *node[K, V], lo, hi *K, depth int, root, rightmost bool) error {
	size := n.size()
	switch {
	case size == 0:
		return fmt.Errorf("empty node at depth %d", depth)
	case size > n.most():
		return fmt.Errorf("node of %d items at depth %d", size, depth)
	case size < n.least() && !root && !rightmost:
		return fmt.Errorf("short node of %d items at depth %d", size, depth)
	}
	for i := range n.keys {
		if i > 0 && c.cmp(n.keys[i-1], n.keys[i]) >= 0 {
			return fmt.Errorf("keys out of order at depth %d", depth)
		}
		if lo != nil && c.cmp(n.keys[i], *lo) < 0 || hi != nil && c.cmp(n.keys[i], *hi) >= 0 {
			return fmt.Errorf("key out of its separators' range at depth %d", depth)
		}
	}
	if n.leaf() {
		if len(n.vals) != len(n.keys) {
			return fmt.Errorf("leaf with %d keys and %d values", len(n.keys), len(n.vals))
		}
		if c.leafDepth < 0 {
			c.leafDepth = depth
		} else if c.leafDepth != depth {
			return fmt.Errorf("leaves at depths %d and %d", c.leafDepth, depth)
		}
		c.count += len(n.keys)
		return nil
	}
	if n.vals != nil || len(n.keys) != len(n.kids)-1 {
		return fmt.Errorf("interior node with %d keys, %d children, %d values", len(n.keys), len(n.kids), len(n.vals))
	}
	for i, kid := range n.kids {
		klo, khi := lo, hi
		if i > 0 {
			klo = &n.keys[i-1]
		}
		if i < len(n.keys) {
			khi = &n.keys[i]
		}
		if err := c.node(kid, klo, khi, depth+1, false, rightmost && i == len(n.kids)-1); err != nil {
			return err
		}
	}
	return nil
}

func checkMap(t testing.TB, m *Map[int, int]) {
	t.Helper()
	if err := checkTail(m.root, m.tail, m.n, m.cmp); err != nil {
		t.Fatal(err)
	}
}

func checkEditor(t testing.TB, e *Editor[int, int]) {
	t.Helper()
	if err := checkTail(e.root, e.tail, e.n, e.w.cmp); err != nil {
		t.Fatal(err)
	}
}

// checkTail is check for a tree with a tail: the tail, if any, holds 1 to
// maxLeaf entries in order, all above every key of a non-empty tree.
func checkTail[K, V any](root, tail *node[K, V], n int, cmp func(a, b K) int) error {
	if tail == nil {
		return check(root, n, cmp)
	}
	switch {
	case root == nil:
		return fmt.Errorf("a tail without a tree")
	case !tail.leaf() || len(tail.keys) == 0 || len(tail.keys) > maxLeaf || len(tail.vals) != len(tail.keys):
		return fmt.Errorf("tail of %d keys and %d values", len(tail.keys), len(tail.vals))
	case cmp(lastKey(root), tail.keys[0]) >= 0:
		return fmt.Errorf("tail not above the tree")
	}
	for i := 1; i < len(tail.keys); i++ {
		if cmp(tail.keys[i-1], tail.keys[i]) >= 0 {
			return fmt.Errorf("tail keys out of order")
		}
	}
	return check(root, n-len(tail.keys), cmp)
}

// equalEntries fails the test unless got equals want.
func equalEntries(t testing.TB, what string, got, want []kv) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: entry %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}
