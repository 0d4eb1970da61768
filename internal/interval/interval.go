// Package interval is a set of closed intervals that answers stabbing
// queries: which intervals hold a point. Insert, Delete and a query that
// reports k intervals cost O(log n) and O((k+1) log n) expected: a treap
// ordered by lower bound, each node holding the largest upper bound of its
// subtree, so subtrees that cannot hold the point are skipped unread.
//
// A Tree is not safe for concurrent use.
package interval

import "math/rand/v2"

// A Tree holds intervals [Lo, Hi] over bounds of type B ordered by the
// compare function given to New, each carrying a value V that identifies
// it (Delete finds an interval by its bounds and value).
type Tree[B any, V comparable] struct {
	cmp  func(a, b B) int
	root *node[B, V]
	n    int
}

type node[B any, V comparable] struct {
	lo, hi, max B
	v           V
	prio        uint32
	left, right *node[B, V]
}

// New returns an empty tree ordering bounds by cmp.
func New[B any, V comparable](cmp func(a, b B) int) *Tree[B, V] {
	return &Tree[B, V]{cmp: cmp}
}

// Len returns the number of intervals.
func (t *Tree[B, V]) Len() int { return t.n }

func (t *Tree[B, V]) fix(n *node[B, V]) {
	n.max = n.hi
	if n.left != nil && t.cmp(n.left.max, n.max) > 0 {
		n.max = n.left.max
	}
	if n.right != nil && t.cmp(n.right.max, n.max) > 0 {
		n.max = n.right.max
	}
}

// Insert adds [lo, hi] with value v. An interval with lo after hi holds
// no point and is stored all the same, so that Delete finds it.
func (t *Tree[B, V]) Insert(lo, hi B, v V) {
	t.root = t.insert(t.root, &node[B, V]{lo: lo, hi: hi, max: hi, v: v, prio: rand.Uint32()})
	t.n++
}

func (t *Tree[B, V]) insert(n, x *node[B, V]) *node[B, V] {
	if n == nil {
		return x
	}
	if t.cmp(x.lo, n.lo) < 0 {
		n.left = t.insert(n.left, x)
		if n.left.prio > n.prio {
			n = t.rotateRight(n)
		}
	} else {
		n.right = t.insert(n.right, x)
		if n.right.prio > n.prio {
			n = t.rotateLeft(n)
		}
	}
	t.fix(n)
	return n
}

func (t *Tree[B, V]) rotateRight(n *node[B, V]) *node[B, V] {
	l := n.left
	n.left, l.right = l.right, n
	t.fix(n)
	t.fix(l)
	return l
}

func (t *Tree[B, V]) rotateLeft(n *node[B, V]) *node[B, V] {
	r := n.right
	n.right, r.left = r.left, n
	t.fix(n)
	t.fix(r)
	return r
}

// Delete removes the interval with lower bound lo and value v, reporting
// whether there was one.
func (t *Tree[B, V]) Delete(lo B, v V) bool {
	var found bool
	t.root = t.delete(t.root, lo, v, &found)
	if found {
		t.n--
	}
	return found
}

func (t *Tree[B, V]) delete(n *node[B, V], lo B, v V, found *bool) *node[B, V] {
	if n == nil {
		return nil
	}
	c := t.cmp(lo, n.lo)
	switch {
	case c == 0 && n.v == v:
		*found = true
		return t.merge(n.left, n.right)
	case c < 0:
		n.left = t.delete(n.left, lo, v, found)
	case c > 0:
		n.right = t.delete(n.right, lo, v, found)
	default:
		// Equal lower bounds may sit on either side after rotations.
		n.left = t.delete(n.left, lo, v, found)
		if !*found {
			n.right = t.delete(n.right, lo, v, found)
		}
	}
	t.fix(n)
	return n
}

// merge joins two treaps whose keys are ordered (every key of a before
// every key of b).
func (t *Tree[B, V]) merge(a, b *node[B, V]) *node[B, V] {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.prio > b.prio:
		a.right = t.merge(a.right, b)
		t.fix(a)
		return a
	default:
		b.left = t.merge(a, b.left)
		t.fix(b)
		return b
	}
}

// Stab calls fn with the value of every interval holding p (lo <= p <=
// hi), in no particular order. fn must not change the tree.
func (t *Tree[B, V]) Stab(p B, fn func(V)) { t.stab(t.root, p, fn) }

func (t *Tree[B, V]) stab(n *node[B, V], p B, fn func(V)) {
	for n != nil && t.cmp(n.max, p) >= 0 {
		t.stab(n.left, p, fn)
		if t.cmp(n.lo, p) > 0 {
			return // every lower bound on the right is larger still
		}
		if t.cmp(n.hi, p) >= 0 {
			fn(n.v)
		}
		n = n.right
	}
}

// Each calls fn with the value of every interval, in order of lower
// bound. fn must not change the tree.
func (t *Tree[B, V]) Each(fn func(V)) { each(t.root, fn) }

func each[B any, V comparable](n *node[B, V], fn func(V)) {
	for n != nil {
		each(n.left, fn)
		fn(n.v)
		n = n.right
	}
}
