package btree

import "errors"

// ErrOrder is returned by Builder.Append for a key that is not above the
// previous one.
var ErrOrder = errors.New("btree: keys must be appended in strictly ascending order")

// A Builder builds a Map from entries in strictly ascending key order,
// bottom up: every node is full except the last two of each level, which
// share their items so that neither is under the minimum.
type Builder[K, V any] struct {
	cmp    func(a, b K) int
	leaves []*node[K, V]
	n      int
}

// NewBuilder returns an empty Builder for keys ordered by cmp.
func NewBuilder[K, V any](cmp func(a, b K) int) *Builder[K, V] {
	return &Builder[K, V]{cmp: cmp}
}

// Append adds the entry k -> v. It returns ErrOrder, and adds nothing, if
// k is not above the previously appended key.
func (b *Builder[K, V]) Append(k K, v V) error {
	var last *node[K, V]
	if len(b.leaves) > 0 {
		last = b.leaves[len(b.leaves)-1]
		if b.cmp(k, last.keys[len(last.keys)-1]) <= 0 {
			return ErrOrder
		}
	}
	if last == nil || len(last.keys) == maxLeaf {
		last = &node[K, V]{keys: make([]K, 0, maxLeaf), vals: make([]V, 0, maxLeaf)}
		b.leaves = append(b.leaves, last)
	}
	last.keys = append(last.keys, k)
	last.vals = append(last.vals, v)
	b.n++
	return nil
}

// Map returns the built map and resets the Builder to empty.
func (b *Builder[K, V]) Map() *Map[K, V] {
	m := &Map[K, V]{n: b.n, cmp: b.cmp}
	level := b.leaves
	b.leaves, b.n = nil, 0
	if len(level) == 0 {
		return m
	}
	if len(level) > 1 {
		redistributeLeaves(level[len(level)-2], level[len(level)-1])
	}
	mins := make([]K, len(level)) // the least key under each node of level
	for i, l := range level {
		mins[i] = l.keys[0]
	}
	for len(level) > 1 {
		level, mins = parents(level, mins)
	}
	m.root = level[0]
	return m
}

// redistributeLeaves moves entries from full leaf l to its right
// neighbour r if r is short.
func redistributeLeaves[K, V any](l, r *node[K, V]) {
	if len(r.keys) < minLeaf {
		var sep K
		redistribute(l, r, &sep)
	}
}

// parents groups the nodes of a level, whose least keys are mins, under
// new interior nodes, full but for the last two, and returns those with
// their least keys.
func parents[K, V any](level []*node[K, V], mins []K) ([]*node[K, V], []K) {
	groups := (len(level) + maxKids - 1) / maxKids
	sizes := make([]int, groups)
	for i := range sizes {
		sizes[i] = maxKids
	}
	sizes[groups-1] = len(level) - (groups-1)*maxKids
	if last := sizes[groups-1]; groups > 1 && last < minKids {
		total := maxKids + last
		sizes[groups-2], sizes[groups-1] = total-total/2, total/2
	}
	up := make([]*node[K, V], 0, groups)
	upMins := make([]K, 0, groups)
	start := 0
	for _, s := range sizes {
		end := start + s
		up = append(up, &node[K, V]{
			keys: append([]K(nil), mins[start+1:end]...),
			kids: append([]*node[K, V](nil), level[start:end]...),
		})
		upMins = append(upMins, mins[start])
		start = end
	}
	return up, upMins
}
