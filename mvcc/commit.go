package mvcc

import "slices"

// A Committer sees every commit of a Store, in commit order, and decides
// when readers may see it: a write-ahead log makes commits durable through
// it, a change feed records them. NewAt sets it.
//
// With a Committer the store keeps two roots. The head is the latest
// commit; writers build on it. The visible root is what Load returns;
// readers see it. A write takes its table locks, calls its function with
// the head, calls Prepare, and then, under one store-wide commit lock,
// calls Commit with the next sequence number and advances the head. It
// releases its table locks at once, so that the next writer of the same
// tables builds on the head while this commit waits: commits pipeline, and
// a log can share one fsync among them (group commit). Then it calls Wait,
// makes the head root of its commit visible (never moving the visible root
// backwards) and calls Published.
type Committer[T any] interface {
	// Prepare describes the commit that applies changes to base, the root
	// the write's function saw. It runs with the changed tables' locks
	// held, so their versions in base cannot change, but before the commit
	// is ordered: calls for disjoint tables run concurrently. It must have
	// no side effects: the store may discard its result. An error fails
	// the write, publishing nothing.
	Prepare(base *Root[T], changes []Change[T]) (any, error)

	// Commit records the prepared commit as number seq. The store calls it
	// in sequence order, one call at a time, with the commit lock held. An
	// error fails the write, publishing nothing and taking no sequence
	// number.
	Commit(seq uint64, prepared any) error

	// Wait returns once commit seq may be shown to readers (for a log:
	// once it is durable under its sync policy). An error fails the write:
	// readers never see that commit. The head has moved past it, so a
	// Committer whose Wait fails must refuse every later Commit.
	Wait(seq uint64) error

	// Published tells that readers now see commit seq and every commit
	// before it. Calls come from the committing goroutines, concurrently
	// and possibly out of order.
	Published(seq uint64)
}

// RootOf returns a root at sequence seq holding the given tables.
func RootOf[T any](seq uint64, tables map[string]T) *Root[T] {
	r := &Root[T]{made: true, seq: seq, tables: make([]entry[T], 0, len(tables))}
	for name, v := range tables {
		r.tables = append(r.tables, entry[T]{name, v})
	}
	slices.SortFunc(r.tables, func(a, b entry[T]) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	return r
}

// NewAt returns a store whose current root is root and whose commits go
// through c; a nil c gives the plain in-memory store that New returns.
func NewAt[T any](root *Root[T], c Committer[T]) *Store[T] {
	s := &Store[T]{c: c}
	s.root.Store(root)
	s.head.Store(root)
	return s
}

// base returns the root writers build on: the head with a Committer, the
// visible root without.
func (s *Store[T]) base() *Root[T] {
	if s.c != nil {
		return s.head.Load()
	}
	return s.root.Load()
}

// commit orders a write's changes, built on cur with the locks of names
// held, through the Committer: Prepare, then Commit and the head's advance
// under the commit lock. It returns the head root of the commit, which
// readers do not see yet (see await).
func (s *Store[T]) commit(cur *Root[T], changes []Change[T]) (*Root[T], error) {
	prepared, err := s.c.Prepare(cur, changes)
	if err != nil {
		return nil, err
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	// Writers of other tables may have committed since cur was loaded;
	// the locked tables cannot have changed.
	next := s.head.Load().apply(changes)
	if err := s.c.Commit(next.seq, prepared); err != nil {
		return nil, err
	}
	s.head.Store(next)
	return next, nil
}

// await waits until the Committer lets readers see next, a head root that
// commit returned, then makes it visible unless a later root already is.
func (s *Store[T]) await(next *Root[T]) (*Root[T], error) {
	if err := s.c.Wait(next.seq); err != nil {
		return s.root.Load(), err
	}
	for {
		v := s.root.Load()
		if v.seq >= next.seq || s.root.CompareAndSwap(v, next) {
			break
		}
	}
	s.c.Published(next.seq)
	return next, nil
}
