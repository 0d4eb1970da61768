package btree

import "iter"

// An Iterator walks the entries of a map in either direction. Next and
// Prev return the entry at the current position and then move forward or
// backward; Done reports that the position has moved past either end.
type Iterator[K, V any] struct {
	root  *node[K, V]
	cmp   func(a, b K) int
	stack []frame[K, V] // root to leaf; empty when done
	buf   [8]frame[K, V]
	// top is the root of a map with a tail: an interior node over the
	// tree and the tail, which the iterator walks as any other (it does
	// not need the leaves at one depth).
	top     node[K, V]
	topKeys [1]K
	topKids [2]*node[K, V]
}

// A frame is a node on an iterator's path and the index of the child or
// entry the path goes through.
type frame[K, V any] struct {
	n *node[K, V]
	i int
}

func newIterator[K, V any](root, tail *node[K, V], cmp func(a, b K) int) *Iterator[K, V] {
	it := &Iterator[K, V]{root: root, cmp: cmp}
	if tail != nil {
		it.topKeys[0] = tail.keys[0]
		it.topKids = [2]*node[K, V]{root, tail}
		it.top = node[K, V]{keys: it.topKeys[:], kids: it.topKids[:]}
		it.root = &it.top
	}
	it.First()
	return it
}

// Iterator returns an iterator positioned at the first entry.
func (m *Map[K, V]) Iterator() *Iterator[K, V] { return newIterator(m.root, m.tail, m.cmp) }

// Done reports whether the iterator has moved past either end.
func (it *Iterator[K, V]) Done() bool { return len(it.stack) == 0 }

// First moves to the first entry.
func (it *Iterator[K, V]) First() {
	it.stack = it.buf[:0]
	if it.root != nil {
		it.leftmost(it.root)
	}
}

// Last moves to the last entry.
func (it *Iterator[K, V]) Last() {
	it.stack = it.buf[:0]
	if it.root != nil {
		it.rightmost(it.root)
	}
}

// Seek moves to the first entry whose key is >= k, and is done if there is
// none.
func (it *Iterator[K, V]) Seek(k K) {
	it.stack = it.buf[:0]
	n := it.root
	if n == nil {
		return
	}
	for !n.leaf() {
		i := child(n, k, it.cmp)
		it.stack = append(it.stack, frame[K, V]{n, i})
		n = n.kids[i]
	}
	i, _ := search(n.keys, k, it.cmp)
	it.stack = append(it.stack, frame[K, V]{n, i})
	if i == len(n.keys) {
		it.next()
	}
}

// Next returns the current entry and moves to the next one. ok is false
// when the iterator is done.
func (it *Iterator[K, V]) Next() (k K, v V, ok bool) {
	if it.Done() {
		return k, v, false
	}
	f := it.stack[len(it.stack)-1]
	k, v = f.n.keys[f.i], f.n.vals[f.i]
	it.next()
	return k, v, true
}

// Prev returns the current entry and moves to the previous one. ok is
// false when the iterator is done.
func (it *Iterator[K, V]) Prev() (k K, v V, ok bool) {
	if it.Done() {
		return k, v, false
	}
	f := it.stack[len(it.stack)-1]
	k, v = f.n.keys[f.i], f.n.vals[f.i]
	it.prev()
	return k, v, true
}

func (it *Iterator[K, V]) leftmost(n *node[K, V]) {
	for {
		it.stack = append(it.stack, frame[K, V]{n, 0})
		if n.leaf() {
			return
		}
		n = n.kids[0]
	}
}

func (it *Iterator[K, V]) rightmost(n *node[K, V]) {
	for {
		it.stack = append(it.stack, frame[K, V]{n, n.size() - 1})
		if n.leaf() {
			return
		}
		n = n.kids[len(n.kids)-1]
	}
}

func (it *Iterator[K, V]) next() {
	for len(it.stack) > 0 {
		f := &it.stack[len(it.stack)-1]
		f.i++
		if f.i < f.n.size() {
			if !f.n.leaf() {
				it.leftmost(f.n.kids[f.i])
			}
			return
		}
		it.stack = it.stack[:len(it.stack)-1]
	}
}

func (it *Iterator[K, V]) prev() {
	for len(it.stack) > 0 {
		f := &it.stack[len(it.stack)-1]
		f.i--
		if f.i >= 0 {
			if !f.n.leaf() {
				it.rightmost(f.n.kids[f.i])
			}
			return
		}
		it.stack = it.stack[:len(it.stack)-1]
	}
}

// All returns the entries in ascending key order.
func (m *Map[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		if m.root != nil && ascend(m.root, yield) && m.tail != nil {
			ascend(m.tail, yield)
		}
	}
}

// Ascend returns the entries with keys >= from in ascending order.
func (m *Map[K, V]) Ascend(from K) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		switch {
		case m.tail != nil && m.cmp(from, m.tail.keys[0]) >= 0:
			ascendFrom(m.tail, from, m.cmp, yield)
		case m.root != nil && ascendFrom(m.root, from, m.cmp, yield) && m.tail != nil:
			ascend(m.tail, yield)
		}
	}
}

// Descend returns the entries in descending key order.
func (m *Map[K, V]) Descend() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		if (m.tail == nil || descend(m.tail, yield)) && m.root != nil {
			descend(m.root, yield)
		}
	}
}

func ascend[K, V any](n *node[K, V], yield func(K, V) bool) bool {
	if n.leaf() {
		for i, k := range n.keys {
			if !yield(k, n.vals[i]) {
				return false
			}
		}
		return true
	}
	for _, c := range n.kids {
		if !ascend(c, yield) {
			return false
		}
	}
	return true
}

func ascendFrom[K, V any](n *node[K, V], from K, cmp func(a, b K) int, yield func(K, V) bool) bool {
	if n.leaf() {
		i, _ := search(n.keys, from, cmp)
		for ; i < len(n.keys); i++ {
			if !yield(n.keys[i], n.vals[i]) {
				return false
			}
		}
		return true
	}
	i := child(n, from, cmp)
	if !ascendFrom(n.kids[i], from, cmp, yield) {
		return false
	}
	for _, c := range n.kids[i+1:] {
		if !ascend(c, yield) {
			return false
		}
	}
	return true
}

func descend[K, V any](n *node[K, V], yield func(K, V) bool) bool {
	if n.leaf() {
		for i := len(n.keys) - 1; i >= 0; i-- {
			if !yield(n.keys[i], n.vals[i]) {
				return false
			}
		}
		return true
	}
	for i := len(n.kids) - 1; i >= 0; i-- {
		if !descend(n.kids[i], yield) {
			return false
		}
	}
	return true
}

// Chunks returns the entries in ascending key order a leaf at a time: each
// step yields the keys and values of one leaf, for loops that are faster
// over slices than through a call per entry. The slices are the tree's own
// storage: callers must not change them or keep them past the step.
func (m *Map[K, V]) Chunks() iter.Seq2[[]K, []V] {
	return func(yield func([]K, []V) bool) {
		if m.root != nil && chunks(m.root, yield) && m.tail != nil {
			yield(m.tail.keys, m.tail.vals)
		}
	}
}

// ChunksFrom is Chunks for the entries with keys >= from: the first chunk
// starts at the first such key.
func (m *Map[K, V]) ChunksFrom(from K) iter.Seq2[[]K, []V] {
	return func(yield func([]K, []V) bool) {
		if t := m.tail; t != nil && m.cmp(from, t.keys[0]) >= 0 {
			if i, _ := search(t.keys, from, m.cmp); i < len(t.keys) {
				yield(t.keys[i:], t.vals[i:])
			}
			return
		}
		n := m.root
		if n == nil {
			return
		}
		// Descend to from's leaf, remembering the path to resume after it.
		type step struct {
			n *node[K, V]
			i int
		}
		path := make([]step, 0, maxHeight)
		for !n.leaf() {
			i := child(n, from, m.cmp)
			path = append(path, step{n, i})
			n = n.kids[i]
		}
		i, _ := search(n.keys, from, m.cmp)
		if i < len(n.keys) && !yield(n.keys[i:], n.vals[i:]) {
			return
		}
		for d := len(path) - 1; d >= 0; d-- {
			p := path[d]
			for _, c := range p.n.kids[p.i+1:] {
				if !chunks(c, yield) {
					return
				}
			}
		}
		if m.tail != nil {
			yield(m.tail.keys, m.tail.vals)
		}
	}
}

// maxHeight is more than the height of any tree that fits in memory: every
// interior node off the right-most path has at least minKids children.
const maxHeight = 16

func chunks[K, V any](n *node[K, V], yield func([]K, []V) bool) bool {
	if n.leaf() {
		return len(n.keys) == 0 || yield(n.keys, n.vals)
	}
	for _, c := range n.kids {
		if !chunks(c, yield) {
			return false
		}
	}
	return true
}
