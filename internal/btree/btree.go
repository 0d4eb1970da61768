package btree

import "slices"

const (
	// maxKids is the capacity of an interior node. Against 64, 32 makes
	// persistent Sets 10-15% faster (smaller path copies) for Gets about 8%
	// slower; both beat immutable.SortedMap on reads.
	maxKids = 32
	// maxLeaf is the capacity of a leaf. An insert copies the whole leaf
	// it lands in, keys and values, where an interior node on its path
	// copies only its children (see node), so leaves are narrower: against
	// 32, 16 cuts a single-row insert with one secondary index from 3.9 KB
	// to 3.3 KB of garbage (bench/RESULTS.md), for 2% more retained heap.
	// 8 saves no more: the extra interior level eats it.
	maxLeaf = 16
	// minKids and minLeaf are the least a node holds, except the root and
	// the nodes on the right-most path.
	minKids = maxKids / 2
	minLeaf = maxLeaf / 2
)

// most is the capacity of n: maxLeaf or maxKids.
func (n *node[K, V]) most() int {
	if n.leaf() {
		return maxLeaf
	}
	return maxKids
}

// least is the least n holds off the root and the right-most path.
func (n *node[K, V]) least() int {
	if n.leaf() {
		return minLeaf
	}
	return minKids
}

// An owner tags the nodes an Editor may change in place. It must not be a
// zero-size type: distinct owners must have distinct addresses.
type owner struct{ _ byte }

// A node is a leaf (kids == nil) or an interior node. A leaf holds entries
// keys[i] -> vals[i] in ascending order. An interior node holds
// len(keys)+1 children: every key in kids[i] is below keys[i], and every
// key in kids[i+1] is at least keys[i].
//
// A copy of a node shares its keys array with the original until it changes a key: most writes only replace one child pointer of
// each interior node on their path, or one value of a leaf, so a path copy
// copies the children and values but not the separators, which are the
// wide part of a node (32 bytes each in a secondary index). An array that
// is shared is never written; ownKeys copies it first.
//
// Whether the keys are shared is told by their capacity, which saves a
// field (a node is 80 bytes, a size class below 96): a shared keys slice
// is always clipped to its length (see mutable), and every array a writer
// allocates for keys has room beyond them until it fills up, so an array
// with spare capacity is the node's own. A full array of its own is at
// worst copied once more than needed.
type node[K, V any] struct {
	owner *owner // the Editor that may change this node in place, or nil
	keys  []K
	vals  []V
	kids  []*node[K, V]
}

// ownKeys makes n's keys its own, so that they may be changed in place.
// n must be one the writer may change. A copy has room for two more keys:
// one insertion still leaves it spare capacity, the mark of its own.
func (n *node[K, V]) ownKeys() {
	if len(n.keys) == cap(n.keys) {
		n.keys = append(make([]K, 0, len(n.keys)+2), n.keys...)
	}
}

func (n *node[K, V]) leaf() bool { return n.kids == nil }

// size is the number of entries of a leaf or children of an interior node.
func (n *node[K, V]) size() int {
	if n.leaf() {
		return len(n.keys)
	}
	return len(n.kids)
}

// search returns the index of the first key >= k in keys, and whether that
// key equals k.
func search[K any](keys []K, k K, cmp func(a, b K) int) (int, bool) {
	lo, hi := 0, len(keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		c := cmp(keys[m], k)
		if c == 0 {
			return m, true
		}
		if c < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, false
}

// child returns the index of the child of interior node n that covers k:
// the number of separators <= k.
func child[K, V any](n *node[K, V], k K, cmp func(a, b K) int) int {
	lo, hi := 0, len(n.keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cmp(n.keys[m], k) <= 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func get[K, V any](n *node[K, V], k K, cmp func(a, b K) int) (v V, ok bool) {
	if n == nil {
		return v, false
	}
	for !n.leaf() {
		n = n.kids[child(n, k, cmp)]
	}
	if i, found := search(n.keys, k, cmp); found {
		return n.vals[i], true
	}
	return v, false
}

// A writer changes a tree. Nodes tagged with its owner are changed in
// place; any other node is copied first. A nil owner (persistent updates)
// copies every node it changes.
type writer[K, V any] struct {
	cmp   func(a, b K) int
	owner *owner
}

// capFor is the capacity for a copy of a node that holds n items: room for
// one insertion. Most writes change a node once (a single-row commit copies
// one path), so a full-size copy would mostly be garbage; an Editor that
// inserts into the same node again grows it to full size once (see room).
func (w *writer[K, V]) capFor(n int) int { return n + 1 }

// room makes sure n, which w may change, has room for one more item,
// growing it straight to full size.
func (w *writer[K, V]) room(n *node[K, V]) {
	n.ownKeys() // which leaves room for a key
	if n.leaf() && len(n.vals) < cap(n.vals) || !n.leaf() && len(n.kids) < cap(n.kids) {
		return
	}
	// most+2: a node overflows to most+1 before its parent splits it, and
	// its keys must still have spare room then (see node).
	m := n.most()
	n.keys = append(make([]K, 0, m+2), n.keys...)
	if n.leaf() {
		n.vals = append(make([]V, 0, m+1), n.vals...)
	} else {
		n.kids = append(make([]*node[K, V], 0, m+1), n.kids...)
	}
}

func (w *writer[K, V]) newLeaf(keys []K, vals []V) *node[K, V] {
	c := w.capFor(len(keys))
	return &node[K, V]{
		owner: w.owner,
		keys:  append(make([]K, 0, c), keys...),
		vals:  append(make([]V, 0, c), vals...),
	}
}

func (w *writer[K, V]) newInterior(keys []K, kids []*node[K, V]) *node[K, V] {
	c := w.capFor(len(kids))
	return &node[K, V]{
		owner: w.owner,
		keys:  append(make([]K, 0, c), keys...),
		kids:  append(make([]*node[K, V], 0, c), kids...),
	}
}

// mutable returns n if w may change it in place, else a copy w may change,
// which shares n's keys (see node).
func (w *writer[K, V]) mutable(n *node[K, V]) *node[K, V] {
	if w.owner != nil && n.owner == w.owner {
		return n
	}
	c := w.capFor(n.size())
	if n.leaf() {
		return &node[K, V]{owner: w.owner, keys: slices.Clip(n.keys), vals: append(make([]V, 0, c), n.vals...)}
	}
	return &node[K, V]{owner: w.owner, keys: slices.Clip(n.keys), kids: append(make([]*node[K, V], 0, c), n.kids...)}
}

// set stores k -> v in the tree at root and returns the new root and
// whether k is a new key.
func (w *writer[K, V]) set(root *node[K, V], k K, v V) (*node[K, V], bool) {
	if root == nil {
		return w.newLeaf([]K{k}, []V{v}), true
	}
	root = w.mutable(root)
	added, appended := w.insert(root, k, v, true)
	if root.size() > root.most() {
		sep, right := w.split(root, appended)
		root = w.newInterior([]K{sep}, []*node[K, V]{root, right})
	}
	return root, added
}

// insert stores k -> v under n, which w may change, and splits children
// that overflow. A node may overflow by one item until its parent splits
// it. rightmost tells whether n is on the right-most path of the tree;
// appended reports an insertion after the last key of the tree.
func (w *writer[K, V]) insert(n *node[K, V], k K, v V, rightmost bool) (added, appended bool) {
	if n.leaf() {
		i, found := search(n.keys, k, w.cmp)
		if found {
			n.vals[i] = v
			return false, false
		}
		w.room(n)
		n.keys = slices.Insert(n.keys, i, k)
		n.vals = slices.Insert(n.vals, i, v)
		return true, rightmost && i == len(n.keys)-1
	}
	i := child(n, k, w.cmp)
	c := w.mutable(n.kids[i])
	n.kids[i] = c
	added, appended = w.insert(c, k, v, rightmost && i == len(n.kids)-1)
	if c.size() > c.most() {
		sep, right := w.split(c, appended)
		w.room(n)
		n.keys = slices.Insert(n.keys, i, sep)
		n.kids = slices.Insert(n.kids, i+1, right)
	}
	return added, appended
}

// split moves the upper part of n, which w may change, into a new node and
// returns it with its separator. After an append it keeps n full and
// starts the new node with the one last item, so that ascending loads fill
// their nodes; otherwise it splits in the middle.
func (w *writer[K, V]) split(n *node[K, V], appended bool) (K, *node[K, V]) {
	h := n.size() / 2
	if appended {
		h = n.size() - 1
	}
	n.ownKeys()
	if n.leaf() {
		right := w.newLeaf(n.keys[h:], n.vals[h:])
		clear(n.keys[h:])
		clear(n.vals[h:])
		n.keys, n.vals = n.keys[:h], n.vals[:h]
		return right.keys[0], right
	}
	sep := n.keys[h-1]
	right := w.newInterior(n.keys[h:], n.kids[h:])
	clear(n.keys[h-1:])
	clear(n.kids[h:])
	n.keys, n.kids = n.keys[:h-1], n.kids[:h]
	return sep, right
}

// delete removes k from the tree at root and returns the new root and
// whether k was there.
func (w *writer[K, V]) delete(root *node[K, V], k K) (*node[K, V], bool) {
	root = w.mutable(root)
	if !w.remove(root, k) {
		return root, false
	}
	for !root.leaf() && len(root.kids) == 1 {
		root = root.kids[0]
	}
	if root.size() == 0 {
		return nil, true
	}
	return root, true
}

// remove deletes k under n, which w may change, and repairs the children
// that become short. It reports whether k was there; if not, it changed
// nothing but which nodes w holds copies of.
func (w *writer[K, V]) remove(n *node[K, V], k K) bool {
	if n.leaf() {
		i, found := search(n.keys, k, w.cmp)
		if !found {
			return false
		}
		n.ownKeys()
		n.keys = slices.Delete(n.keys, i, i+1)
		n.vals = slices.Delete(n.vals, i, i+1)
		return true
	}
	i := child(n, k, w.cmp)
	c := w.mutable(n.kids[i])
	n.kids[i] = c
	if !w.remove(c, k) {
		return false
	}
	if c.size() == 0 || (c.size() < c.least() && len(n.kids) > 1) {
		n.ownKeys() // both repairs below change n's separators
	}
	switch {
	case c.size() == 0:
		// Only a right-most node can be left empty; drop it.
		n.kids = slices.Delete(n.kids, i, i+1)
		if len(n.keys) > 0 {
			j := max(i-1, 0)
			n.keys = slices.Delete(n.keys, j, j+1)
		}
	case c.size() < c.least() && len(n.kids) > 1:
		w.rebalance(n, i)
	}
	return true
}

// rebalance merges the short child i of n with a neighbour, or moves items
// from the neighbour so that both hold at least their least. Child i is
// already one w may change; the neighbour is copied only if needed.
func (w *writer[K, V]) rebalance(n *node[K, V], i int) {
	li := i // the left of the pair
	if i == len(n.kids)-1 {
		li = i - 1
	}
	l, r := n.kids[li], n.kids[li+1]
	if l.size()+r.size() <= l.most() {
		if li != i {
			l = w.mutable(l)
			n.kids[li] = l
		}
		l.ownKeys()
		if l.leaf() {
			l.keys = append(l.keys, r.keys...)
			l.vals = append(l.vals, r.vals...)
		} else {
			l.keys = append(l.keys, n.keys[li])
			l.keys = append(l.keys, r.keys...)
			l.kids = append(l.kids, r.kids...)
		}
		n.keys = slices.Delete(n.keys, li, li+1)
		n.kids = slices.Delete(n.kids, li+1, li+2)
		return
	}
	if li == i {
		r = w.mutable(r)
		n.kids[li+1] = r
	} else {
		l = w.mutable(l)
		n.kids[li] = l
	}
	redistribute(l, r, &n.keys[li])
}

// redistribute evens out the items of neighbours l and r, both of which
// may be changed, and updates their separator sep.
func redistribute[K, V any](l, r *node[K, V], sep *K) {
	l.ownKeys()
	r.ownKeys()
	h := (l.size() + r.size()) / 2
	if l.leaf() {
		if len(l.keys) > h {
			r.keys = slices.Insert(r.keys, 0, l.keys[h:]...)
			r.vals = slices.Insert(r.vals, 0, l.vals[h:]...)
			clear(l.keys[h:])
			clear(l.vals[h:])
			l.keys, l.vals = l.keys[:h], l.vals[:h]
		} else {
			m := h - len(l.keys)
			l.keys = append(l.keys, r.keys[:m]...)
			l.vals = append(l.vals, r.vals[:m]...)
			r.keys = slices.Delete(r.keys, 0, m)
			r.vals = slices.Delete(r.vals, 0, m)
		}
		*sep = r.keys[0]
		return
	}
	if len(l.kids) > h {
		r.keys = slices.Insert(r.keys, 0, *sep)
		r.keys = slices.Insert(r.keys, 0, l.keys[h:]...)
		r.kids = slices.Insert(r.kids, 0, l.kids[h:]...)
		*sep = l.keys[h-1]
		clear(l.keys[h-1:])
		clear(l.kids[h:])
		l.keys, l.kids = l.keys[:h-1], l.kids[:h]
	} else {
		m := h - len(l.kids)
		l.keys = append(l.keys, *sep)
		l.keys = append(l.keys, r.keys[:m-1]...)
		l.kids = append(l.kids, r.kids[:m]...)
		*sep = r.keys[m-1]
		r.keys = slices.Delete(r.keys, 0, m)
		r.kids = slices.Delete(r.kids, 0, m)
	}
}

// The tail. A map keeps its last entries, all above every key of its tree,
// in a leaf outside the tree: its tail. A key above every other (automatic
// keys, loads, logs: ascending keys) goes into the tail, a copy of at most
// maxLeaf entries, instead of a copy of the tree's right-most leaf and of
// every interior node above it; a full tail joins the tree as its new
// right-most leaf (appendLeaf), one path copy per maxLeaf appends. The
// invariant: tail is nil, or it holds 1 to maxLeaf entries, the tree is
// not empty, and every key of the tree is below tail.keys[0].

// inTail tells whether k belongs to tail (a nil tail holds nothing).
func (w *writer[K, V]) inTail(tail *node[K, V], k K) bool {
	return tail != nil && w.cmp(k, tail.keys[0]) >= 0
}

// lastKey returns the largest key of the non-empty tree at n.
func lastKey[K, V any](n *node[K, V]) K {
	for !n.leaf() {
		n = n.kids[len(n.kids)-1]
	}
	return n.keys[len(n.keys)-1]
}

// setTail stores k -> v in the map of tree root and tail, and returns its
// new tree and tail and whether k is a new key.
func (w *writer[K, V]) setTail(root, tail *node[K, V], k K, v V) (*node[K, V], *node[K, V], bool) {
	if w.inTail(tail, k) {
		i, found := len(tail.keys), false
		if w.cmp(k, tail.keys[i-1]) <= 0 { // not an append: search
			i, found = search(tail.keys, k, w.cmp)
		}
		if found {
			tail = w.mutable(tail)
			tail.vals[i] = v
			return root, tail, false
		}
		if len(tail.keys) < maxLeaf {
			tail = w.mutable(tail)
			w.room(tail)
			tail.keys = slices.Insert(tail.keys, i, k)
			tail.vals = slices.Insert(tail.vals, i, v)
			return root, tail, true
		}
		// A full tail joins the tree; k goes where it belongs now.
		root, tail = w.appendLeaf(root, tail), nil
	}
	// A tail starts once the tree has outgrown one leaf, so that ascending
	// keys fill every leaf.
	if tail == nil && root != nil && (!root.leaf() || len(root.keys) == maxLeaf) && w.cmp(k, lastKey(root)) > 0 {
		return root, w.newLeaf([]K{k}, []V{v}), true
	}
	root, added := w.set(root, k, v)
	return root, tail, added
}

// deleteTail removes k from the map of tree root and tail, and returns its
// new tree and tail and whether k was there.
func (w *writer[K, V]) deleteTail(root, tail *node[K, V], k K) (*node[K, V], *node[K, V], bool) {
	if w.inTail(tail, k) {
		i, found := search(tail.keys, k, w.cmp)
		switch {
		case !found:
			return root, tail, false
		case len(tail.keys) == 1:
			return root, nil, true
		}
		tail = w.mutable(tail)
		tail.ownKeys()
		tail.keys = slices.Delete(tail.keys, i, i+1)
		tail.vals = slices.Delete(tail.vals, i, i+1)
		return root, tail, true
	}
	if root == nil {
		return nil, tail, false
	}
	root, found := w.delete(root, k)
	if root == nil {
		root, tail = tail, nil // the tail is all that is left: it becomes the tree
	}
	return root, tail, found
}

// appendLeaf returns the non-empty tree at root with leaf, whose keys are
// all above root's, as its right-most leaf.
func (w *writer[K, V]) appendLeaf(root, leaf *node[K, V]) *node[K, V] {
	leaf = w.mutable(leaf)
	root = w.mutable(root)
	if root.leaf() {
		if sep, apart := w.joinLeaves(root, leaf); apart {
			return w.newInterior([]K{sep}, []*node[K, V]{root, leaf})
		}
		return root
	}
	w.pushRight(root, leaf)
	if root.size() > root.most() {
		sep, right := w.split(root, true)
		root = w.newInterior([]K{sep}, []*node[K, V]{root, right})
	}
	return root
}

// pushRight adds leaf as the right-most leaf under n, an interior node w
// may change, splitting the nodes on the right-most path that overflow (n
// itself may overflow by one, for its parent to split).
func (w *writer[K, V]) pushRight(n, leaf *node[K, V]) {
	i := len(n.kids) - 1
	c := w.mutable(n.kids[i])
	n.kids[i] = c
	if c.leaf() {
		sep, apart := w.joinLeaves(c, leaf)
		if apart {
			w.room(n)
			n.keys = append(n.keys, sep)
			n.kids = append(n.kids, leaf)
		}
		return
	}
	w.pushRight(c, leaf)
	if c.size() > c.most() {
		sep, right := w.split(c, true)
		w.room(n)
		n.keys = append(n.keys, sep)
		n.kids = append(n.kids, right)
	}
}

// joinLeaves readies l, the right-most leaf of a tree, and r, whose keys
// are all above l's, both of which w may change, to be neighbours: if r's
// entries fit into l they move there (apart false: r is to be dropped);
// otherwise, as l stops being the right-most leaf, it gets at least
// minLeaf entries, and sep is r's least key.
func (w *writer[K, V]) joinLeaves(l, r *node[K, V]) (sep K, apart bool) {
	if len(l.keys)+len(r.keys) <= maxLeaf {
		l.ownKeys()
		l.keys = append(l.keys, r.keys...)
		l.vals = append(l.vals, r.vals...)
		return sep, false
	}
	if len(l.keys) < minLeaf {
		redistribute(l, r, &sep)
	}
	return r.keys[0], true
}
