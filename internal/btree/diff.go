package btree

// Diff calls fn, in ascending key order, for every key whose entry differs
// between a and b: present in one only (aok or bok is false, and the
// missing value is the zero V), or present in both with values for which
// same returns false. It stops when fn returns false. Subtrees that a and b
// share (the same node) are skipped without being read, so the cost is in
// proportion to what is not shared. a and b must be ordered by the same
// comparison.
func Diff[K, V any](a, b *Map[K, V], same func(x, y V) bool, fn func(k K, av V, aok bool, bv V, bok bool) bool) {
	diff(a, b, same, fn)
}

// visits counts the nodes diff entered in one tree.
type visits struct{ nodes, leaves int }

// diff is Diff, and returns the nodes it entered in a and in b.
func diff[K, V any](a, b *Map[K, V], same func(x, y V) bool, fn func(k K, av V, aok bool, bv V, bok bool) bool) (seen [2]visits) {
	if a.root == b.root && a.tail == b.tail {
		return seen
	}
	ca, cb := newCursor(a.joined()), newCursor(b.joined())
	defer func() { seen = [2]visits{ca.visits, cb.visits} }()
	var zero V
	for !ca.done() || !cb.done() {
		if h := shared(ca, cb); h >= 0 {
			ca.skip(h)
			cb.skip(h)
			continue
		}
		// Enter subtrees until both cursors are at entries, the taller
		// subtree first so that shared nodes are met at equal heights.
		if !ca.done() && !ca.atEntry() && (cb.done() || cb.atEntry() || ca.pendingHeight() >= cb.pendingHeight()) {
			ca.enter()
			continue
		}
		if !cb.done() && !cb.atEntry() {
			cb.enter()
			continue
		}
		if la, lb, ok := sameKeyLeaves(ca, cb, a.cmp); ok {
			// A leaf rewritten in place (values replaced, no key added or
			// removed): compare the values side by side.
			for i, k := range la.keys {
				if !same(la.vals[i], lb.vals[i]) && !fn(k, la.vals[i], true, lb.vals[i], true) {
					return
				}
			}
			ca.skip(0)
			cb.skip(0)
			continue
		}
		switch {
		case cb.done():
			k, v := ca.entry()
			if !fn(k, v, true, zero, false) {
				return
			}
			ca.advance()
		case ca.done():
			k, v := cb.entry()
			if !fn(k, zero, false, v, true) {
				return
			}
			cb.advance()
		default:
			ka, va := ca.entry()
			kb, vb := cb.entry()
			switch c := a.cmp(ka, kb); {
			case c < 0:
				if !fn(ka, va, true, zero, false) {
					return
				}
				ca.advance()
			case c > 0:
				if !fn(kb, zero, false, vb, true) {
					return
				}
				cb.advance()
			default:
				if !same(va, vb) && !fn(ka, va, true, vb, true) {
					return
				}
				ca.advance()
				cb.advance()
			}
		}
	}
	return seen
}

// sameKeyLeaves returns the leaves both cursors are at the start of, if
// they hold the same keys.
func sameKeyLeaves[K, V any](a, b *cursor[K, V], cmp func(x, y K) int) (la, lb *node[K, V], ok bool) {
	if a.done() || b.done() {
		return nil, nil, false
	}
	fa, fb := a.top(), b.top()
	la, lb = fa.n, fb.n
	if fa.i != 0 || fb.i != 0 || !la.leaf() || !lb.leaf() || len(la.keys) != len(lb.keys) {
		return nil, nil, false
	}
	for i, k := range la.keys {
		if cmp(k, lb.keys[i]) != 0 {
			return nil, nil, false
		}
	}
	return la, lb, true
}

// A cursor walks a tree for diff, entering nodes only on demand. The top
// frame is either a leaf at an entry, or an interior node at a child not
// yet entered (pending).
type cursor[K, V any] struct {
	stack  []frame[K, V]
	height int // of the root; leaves have height 0
	visits visits
}

func newCursor[K, V any](root *node[K, V]) *cursor[K, V] {
	c := &cursor[K, V]{}
	if root == nil {
		return c
	}
	for n := root; !n.leaf(); n = n.kids[0] {
		c.height++
	}
	c.stack = append(c.stack, frame[K, V]{root, 0})
	c.count(root)
	return c
}

func (c *cursor[K, V]) done() bool { return len(c.stack) == 0 }

func (c *cursor[K, V]) top() *frame[K, V] { return &c.stack[len(c.stack)-1] }

func (c *cursor[K, V]) atEntry() bool { return c.top().n.leaf() }

// pendingHeight is the height of the pending child when not at an entry.
func (c *cursor[K, V]) pendingHeight() int { return c.height - len(c.stack) }

func (c *cursor[K, V]) entry() (K, V) {
	f := c.top()
	return f.n.keys[f.i], f.n.vals[f.i]
}

func (c *cursor[K, V]) enter() {
	f := c.top()
	n := f.n.kids[f.i]
	c.stack = append(c.stack, frame[K, V]{n, 0})
	c.count(n)
}

func (c *cursor[K, V]) count(n *node[K, V]) {
	c.visits.nodes++
	if n.leaf() {
		c.visits.leaves++
	}
}

// advance moves past the current entry or pending child.
func (c *cursor[K, V]) advance() {
	for len(c.stack) > 0 {
		f := c.top()
		f.i++
		if f.i < f.n.size() {
			return
		}
		c.stack = c.stack[:len(c.stack)-1]
	}
}

// atStart reports whether the cursor is at the first key of some node.
func (c *cursor[K, V]) atStart() bool {
	f := c.top()
	return !f.n.leaf() || f.i == 0
}

// startNode returns the node of height h whose first key the cursor is at,
// or nil.
func (c *cursor[K, V]) startNode(h int) *node[K, V] {
	top := len(c.stack) - 1
	if f := c.stack[top]; !f.n.leaf() && h == c.pendingHeight() {
		return f.n.kids[f.i]
	}
	d := c.height - h // depth of the node
	if d < 0 || d > top {
		return nil
	}
	for j := top; j >= d; j-- {
		if c.stack[j].i != 0 {
			return nil
		}
	}
	return c.stack[d].n
}

// skip moves past the node of height h whose first key the cursor is at.
func (c *cursor[K, V]) skip(h int) {
	if !c.atEntry() && h == c.pendingHeight() {
		c.advance()
		return
	}
	c.stack = c.stack[:c.height-h]
	c.advance()
}

// shared returns the greatest height of a node both cursors are at the
// first key of, or -1.
func shared[K, V any](a, b *cursor[K, V]) int {
	if a.done() || b.done() || !a.atStart() || !b.atStart() {
		return -1
	}
	for h := min(a.height, b.height); h >= 0; h-- {
		if n := a.startNode(h); n != nil && n == b.startNode(h) {
			return h
		}
	}
	return -1
}

// joined returns m's entries as one tree: its tree with its tail as the
// right-most leaf, made by copying the tree's right-most path (m is
// unchanged). Two maps that share all but their right-most paths still
// share every other subtree.
func (m *Map[K, V]) joined() *node[K, V] {
	if m.tail == nil {
		return m.root
	}
	w := writer[K, V]{cmp: m.cmp}
	return w.appendLeaf(m.root, m.tail)
}
