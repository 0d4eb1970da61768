package btree

// A Map is an immutable map from keys to values sorted by a comparison
// function. The zero value is not usable; use New.
type Map[K, V any] struct {
	root *node[K, V] // nil when empty
	n    int
	cmp  func(a, b K) int
}

// New returns an empty map ordered by cmp, which returns a negative number,
// zero or a positive number as a is less than, equal to or greater than b.
func New[K, V any](cmp func(a, b K) int) *Map[K, V] {
	return &Map[K, V]{cmp: cmp}
}

// Len returns the number of entries.
func (m *Map[K, V]) Len() int { return m.n }

// Get returns the value of key k, and whether k is present.
func (m *Map[K, V]) Get(k K) (V, bool) { return get(m.root, k, m.cmp) }

// Set returns a map with k mapped to v. m is unchanged.
func (m *Map[K, V]) Set(k K, v V) *Map[K, V] {
	w := writer[K, V]{cmp: m.cmp}
	root, added := w.set(m.root, k, v)
	n := m.n
	if added {
		n++
	}
	return &Map[K, V]{root: root, n: n, cmp: m.cmp}
}

// Delete returns a map without key k: m itself if k is absent. m is
// unchanged.
func (m *Map[K, V]) Delete(k K) *Map[K, V] {
	if _, ok := m.Get(k); !ok {
		return m
	}
	w := writer[K, V]{cmp: m.cmp}
	root, _ := w.delete(m.root, k)
	return &Map[K, V]{root: root, n: m.n - 1, cmp: m.cmp}
}

// Edit returns an Editor that starts from m's entries, in O(1).
func (m *Map[K, V]) Edit() *Editor[K, V] {
	return &Editor[K, V]{
		root: m.root,
		n:    m.n,
		w:    writer[K, V]{cmp: m.cmp},
		// Frozen until the first edit: an Editor that never edits
		// never needs an owner tag.
		frozen: true,
	}
}

// An Editor changes a sorted map in place: it copies a node it shares with
// a Map the first time it changes it, and changes its own copies in place
// afterwards. Map freezes its current state. An Editor is for one goroutine
// at a time.
//
// An Editor is small and may be used as a value (e := *m.Edit()), which
// saves an allocation per batch; it must not be copied once it has edited.
type Editor[K, V any] struct {
	root *node[K, V]
	n    int
	w    writer[K, V]
	// frozen tells that Map handed out the current nodes: the next edit
	// takes a new owner tag first. Taking it lazily saves an allocation
	// for an Editor that ends with Map, as a single-row commit does.
	frozen bool
	// last is the tree's right-most leaf, or nil when unknown: a key above
	// its last key is above every key, so Get answers it without a
	// descent, and Set appends it in place when e owns the leaf and it has
	// room. Ascending loads (automatic keys, saved files, logs) then cost
	// no search. Every Set that descends finds the leaf again; Delete
	// forgets it.
	last *node[K, V]
}

// thaw gives e a new owner tag if Map froze its nodes.
func (e *Editor[K, V]) thaw() {
	if e.frozen {
		e.w.owner = new(owner)
		e.frozen = false
	}
}

// Len returns the number of entries.
func (e *Editor[K, V]) Len() int { return e.n }

// Get returns the value of key k, and whether k is present.
func (e *Editor[K, V]) Get(k K) (V, bool) {
	if e.above(k) {
		var zero V
		return zero, false
	}
	return get(e.root, k, e.w.cmp)
}

// above tells whether k is known to be above every key.
func (e *Editor[K, V]) above(k K) bool {
	l := e.last
	return l != nil && len(l.keys) > 0 && e.w.cmp(k, l.keys[len(l.keys)-1]) > 0
}

// Set maps k to v.
func (e *Editor[K, V]) Set(k K, v V) {
	e.thaw()
	if l := e.last; l != nil && l.owner == e.w.owner && len(l.keys) < maxLeaf && e.above(k) {
		// An append to the right-most leaf, which e owns: no separator
		// above it changes, as every key at or above the last one goes
		// to the right-most child.
		e.w.room(l)
		l.keys = append(l.keys, k)
		l.vals = append(l.vals, v)
		e.n++
		return
	}
	root, added := e.w.set(e.root, k, v)
	e.root = root
	if added {
		e.n++
	}
	e.last = root
	for !e.last.leaf() {
		e.last = e.last.kids[len(e.last.kids)-1]
	}
}

// Delete removes k and reports whether it was present.
func (e *Editor[K, V]) Delete(k K) bool {
	// One descent: an absent key costs copies of the path's nodes, which
	// the Editor owns anyway, rather than a second descent for every
	// present key.
	if e.root == nil {
		return false
	}
	e.thaw()
	root, found := e.w.delete(e.root, k)
	e.root, e.last = root, nil
	if found {
		e.n--
	}
	return found
}

// Iterator returns an iterator over the current entries, positioned at the
// first one. It is valid until the next Set or Delete on e.
func (e *Editor[K, V]) Iterator() *Iterator[K, V] {
	return newIterator(e.root, e.w.cmp)
}

// Map returns the current entries as a Map, in O(1). The Editor stays
// usable: it takes a new owner tag before its next edit, so that its later
// edits copy the nodes they touch and never change the returned Map.
func (e *Editor[K, V]) Map() *Map[K, V] {
	e.frozen = true
	return &Map[K, V]{root: e.root, n: e.n, cmp: e.w.cmp}
}
