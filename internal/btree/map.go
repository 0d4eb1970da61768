package btree

// A Map is an immutable map from keys to values sorted by a comparison
// function. The zero value is not usable; use New.
type Map[K, V any] struct {
	root *node[K, V] // nil when empty
	tail *node[K, V] // the last entries, outside the tree (see setTail), or nil
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
func (m *Map[K, V]) Get(k K) (V, bool) { return getTail(m.root, m.tail, k, m.cmp) }

// getTail is get for the map of tree root and tail.
func getTail[K, V any](root, tail *node[K, V], k K, cmp func(a, b K) int) (V, bool) {
	if tail != nil && cmp(k, tail.keys[0]) >= 0 {
		if cmp(k, tail.keys[len(tail.keys)-1]) > 0 {
			var zero V
			return zero, false // above every key: the next key of an ascending load
		}
		return get(tail, k, cmp)
	}
	return get(root, k, cmp)
}

// Set returns a map with k mapped to v. m is unchanged.
func (m *Map[K, V]) Set(k K, v V) *Map[K, V] {
	w := writer[K, V]{cmp: m.cmp}
	root, tail, added := w.setTail(m.root, m.tail, k, v)
	n := m.n
	if added {
		n++
	}
	return &Map[K, V]{root: root, tail: tail, n: n, cmp: m.cmp}
}

// Delete returns a map without key k: m itself if k is absent. m is
// unchanged.
func (m *Map[K, V]) Delete(k K) *Map[K, V] {
	if _, ok := m.Get(k); !ok {
		return m
	}
	w := writer[K, V]{cmp: m.cmp}
	root, tail, _ := w.deleteTail(m.root, m.tail, k)
	return &Map[K, V]{root: root, tail: tail, n: m.n - 1, cmp: m.cmp}
}

// Edit returns an Editor that starts from m's entries, in O(1).
func (m *Map[K, V]) Edit() *Editor[K, V] {
	return &Editor[K, V]{
		root: m.root,
		tail: m.tail,
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
	tail *node[K, V]
	n    int
	w    writer[K, V]
	// frozen tells that Map handed out the current nodes: the next edit
	// takes a new owner tag first. Taking it lazily saves an allocation
	// for an Editor that ends with Map, as a single-row commit does.
	frozen bool
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
func (e *Editor[K, V]) Get(k K) (V, bool) { return getTail(e.root, e.tail, k, e.w.cmp) }

// Set maps k to v. Ascending keys fill the tail in place, and each full
// tail joins the tree with one descent (see setTail).
func (e *Editor[K, V]) Set(k K, v V) {
	e.thaw()
	root, tail, added := e.w.setTail(e.root, e.tail, k, v)
	e.root, e.tail = root, tail
	if added {
		e.n++
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
	root, tail, found := e.w.deleteTail(e.root, e.tail, k)
	e.root, e.tail = root, tail
	if found {
		e.n--
	}
	return found
}

// Iterator returns an iterator over the current entries, positioned at the
// first one. It is valid until the next Set or Delete on e.
func (e *Editor[K, V]) Iterator() *Iterator[K, V] {
	return newIterator(e.root, e.tail, e.w.cmp)
}

// Map returns the current entries as a Map, in O(1). The Editor stays
// usable: it takes a new owner tag before its next edit, so that its later
// edits copy the nodes they touch and never change the returned Map.
func (e *Editor[K, V]) Map() *Map[K, V] {
	e.frozen = true
	return &Map[K, V]{root: e.root, tail: e.tail, n: e.n, cmp: e.w.cmp}
}
