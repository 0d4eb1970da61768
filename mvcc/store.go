package mvcc

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dictdb-go/dictdb/internal/testhook"
)

// A Root is one immutable state of the whole store: a commit sequence number
// and the current version of every table.
type Root[T any] struct {
	seq    uint64
	tables []entry[T] // sorted by name; never mutated after publication
	made   bool       // false only in a zero Root, which no Store publishes
}

// IsZero reports whether r is a zero Root (a Root{} literal), as opposed to
// one a Store or RootOf made.
func (r *Root[T]) IsZero() bool { return !r.made }

type entry[T any] struct {
	name string
	v    T
}

func (r *Root[T]) find(name string) (int, bool) {
	return slices.BinarySearchFunc(r.tables, name, func(e entry[T], name string) int {
		return strings.Compare(e.name, name)
	})
}

// Seq returns the sequence number of the commit that produced r. The empty
// store is 0; every commit adds one.
func (r *Root[T]) Seq() uint64 { return r.seq }

// Table returns the version of the named table.
func (r *Root[T]) Table(name string) (T, bool) {
	if i, ok := r.find(name); ok {
		return r.tables[i].v, true
	}
	var zero T
	return zero, false
}

// Names returns the table names in sorted order.
func (r *Root[T]) Names() []string {
	names := make([]string, len(r.tables))
	for i, e := range r.tables {
		names[i] = e.name
	}
	return names
}

// Len returns the number of tables.
func (r *Root[T]) Len() int { return len(r.tables) }

// A Change replaces (or, with Drop, removes) one table's version.
type Change[T any] struct {
	Name  string
	Value T
	Drop  bool
}

// apply returns a new root: r with changes applied and the next sequence.
func (r *Root[T]) apply(changes []Change[T]) *Root[T] {
	next := &Root[T]{made: true, seq: r.seq + 1, tables: make([]entry[T], len(r.tables), len(r.tables)+len(changes))}
	copy(next.tables, r.tables)
	for _, c := range changes {
		i, found := next.find(c.Name)
		switch {
		case c.Drop && found:
			next.tables = slices.Delete(next.tables, i, i+1)
		case c.Drop:
		case found:
			next.tables[i].v = c.Value
		default:
			next.tables = slices.Insert(next.tables, i, entry[T]{c.Name, c.Value})
		}
	}
	return next
}

// A Store holds the current Root and the per-table writer locks. It is safe
// for concurrent use. The zero Store is not usable; call New.
type Store[T any] struct {
	root atomic.Pointer[Root[T]] // the visible root: what Load returns

	// With a Committer (see Committer), head is the latest commit, which
	// writers build on, and commitMu orders commits; without one, writers
	// build on root and neither is used.
	c        Committer[T]
	head     atomic.Pointer[Root[T]]
	commitMu sync.Mutex

	locks sync.Map // table name -> *tableLock: one writer lock per name, created on demand

	// beforePublish, if set, runs after a write's function succeeded and
	// before its compare-and-swap, while the table locks are held. Tests
	// use it to park a writer mid-commit.
	beforePublish func(names []string)
}

// New returns an empty store at sequence 0.
func New[T any]() *Store[T] {
	s := &Store[T]{}
	s.root.Store(&Root[T]{made: true})
	return s
}

// Load returns the current root: one atomic load, never blocking. With a
// Committer it is the latest commit the Committer let readers see.
func (s *Store[T]) Load() *Root[T] { return s.root.Load() }

func (s *Store[T]) lockFor(name string) *tableLock {
	if l, ok := s.locks.Load(name); ok {
		return l.(*tableLock) // the common case: no shared lock taken
	}
	l, _ := s.locks.LoadOrStore(name, new(tableLock))
	return l.(*tableLock)
}

// sortedNames sorts names in place and drops repeats: the order in which
// writers take locks, so that no two writers wait for each other in a
// cycle.
func sortedNames(names []string) []string {
	slices.Sort(names)
	return slices.Compact(names)
}

// lock takes the writer locks of names, which must be sorted and distinct.
// If one of them is held by a transaction the calling goroutine is running,
// it releases the locks it took and returns an error wrapping
// ErrReentrantWrite instead of waiting for ever.
func (s *Store[T]) lock(names []string) error {
	for i, n := range names {
		l := s.lockFor(n)
		if l.owner.Load() == nil { // the fast path of tableLock.lock
			l.mu.Lock()
		} else if !l.lockOwned() {
			s.unlock(names[:i])
			return Reentrant(n)
		}
	}
	return nil
}

// lockHeld is lock that also stores the lock of names[i] in held[i].
func (s *Store[T]) lockHeld(names []string, held []*tableLock) error {
	for i, n := range names {
		l := s.lockFor(n)
		held[i] = l
		if !l.lock() {
			s.unlock(names[:i])
			return Reentrant(n)
		}
	}
	return nil
}

// unlock releases the locks lock took.
func (s *Store[T]) unlock(names []string) {
	for _, n := range names {
		s.lockFor(n).mu.Unlock()
	}
}

// Write locks the named tables in sorted order and calls fn with the current
// root (with a Committer, the head: see Committer). fn returns the changes
// to publish; it may only change tables it named (a change to another
// table panics, publishing nothing). If fn
// returns an error (or panics) nothing is published and the root is
// unchanged. Otherwise the changes are published with one compare-and-swap
// and Write returns the new root. A write with no changes publishes nothing
// and returns the root fn saw.
//
// fn must not call back into the store to write: use Transact for a
// function that runs code the store does not control. Write fails at once,
// with an error wrapping ErrReentrantWrite, if a table it names is held by
// a Transact whose function is running on the calling goroutine.
func (s *Store[T]) Write(names []string, fn func(*Root[T]) ([]Change[T], error)) (*Root[T], error) {
	return s.write(names, fn, false)
}

// Transact is Write for a function that runs code the store does not
// control, which may call back into the store on the same goroutine. While
// fn runs, a write from its goroutine to a table Transact holds (through
// Write, Transact or Replace) fails at once with an error wrapping
// ErrReentrantWrite instead of waiting for itself; fn can go on and its
// changes are published as usual. Writes of other tables, and reads, work
// as they do anywhere. Transact costs a few atomic operations more than
// Write.
func (s *Store[T]) Transact(names []string, fn func(*Root[T]) ([]Change[T], error)) (*Root[T], error) {
	return s.write(names, fn, true)
}

// write is Write, or Transact if owned.
func (s *Store[T]) write(names []string, fn func(*Root[T]) ([]Change[T], error), owned bool) (*Root[T], error) {
	if len(names) > 1 { // one name, the common case, needs no copy
		names = sortedNames(slices.Clone(names))
	}
	var held []*tableLock // the locks of names, for Transact
	var err error
	if owned {
		held = make([]*tableLock, len(names))
		err = s.lockHeld(names, held)
	} else {
		err = s.lock(names)
	}
	if err != nil {
		return s.root.Load(), err
	}
	if s.c == nil {
		defer s.unlock(names)
		cur := s.root.Load()
		changes, err := s.run(names, held, cur, fn, owned)
		if err != nil || len(changes) == 0 {
			return cur, err
		}
		for {
			next := cur.apply(changes)
			if s.root.CompareAndSwap(cur, next) {
				return next, nil
			}
			cur = s.root.Load() // another table committed; ours cannot have changed
		}
	}
	next, seen, err := s.writeCommitted(names, held, fn, owned)
	if err != nil || next == nil {
		// fn's answer (an error, or no change) may rest on commits of the
		// head it saw that readers do not see yet: wait for them, so that
		// a read after this write returns sees what the write saw.
		if seen != nil && seen.seq > s.root.Load().seq {
			if _, werr := s.await(seen); werr != nil && err == nil {
				err = werr
			}
		}
		return s.root.Load(), err
	}
	return s.await(next)
}

// writeCommitted is write's part under the table locks of names when the
// store has a Committer: it runs fn on the head and commits its changes,
// returning the head root of the commit, or nil if fn changed nothing or
// failed; seen is then the head fn saw. It releases the locks.
func (s *Store[T]) writeCommitted(names []string, held []*tableLock, fn func(*Root[T]) ([]Change[T], error), owned bool) (next, seen *Root[T], err error) {
	defer s.unlock(names)
	cur := s.head.Load()
	changes, err := s.run(names, held, cur, fn, owned)
	if err != nil || len(changes) == 0 {
		return nil, cur, err
	}
	next, err = s.commit(cur, changes)
	return next, nil, err
}

// run calls fn with cur, as the owner of held if owned, and checks that
// its changes touch only the locked tables: a stray change panics with
// nothing published. Then it runs the test hook beforePublish.
func (s *Store[T]) run(names []string, held []*tableLock, cur *Root[T], fn func(*Root[T]) ([]Change[T], error), owned bool) ([]Change[T], error) {
	var changes []Change[T]
	var err error
	if owned {
		changes, err = callOwned(held, cur, fn)
	} else {
		changes, err = fn(cur)
	}
	if err != nil || len(changes) == 0 {
		return nil, err
	}
	for _, c := range changes {
		if _, ok := slices.BinarySearch(names, c.Name); !ok {
			panic("mvcc: a write changed table " + c.Name + " that it did not lock")
		}
	}
	if s.beforePublish != nil {
		s.beforePublish(names)
	}
	return changes, nil
}

// callOwned calls fn with held, the locks the caller took, naming this
// goroutine as their owner until fn returns or panics.
func callOwned[T any](held []*tableLock, cur *Root[T], fn func(*Root[T]) ([]Change[T], error)) (changes []Change[T], err error) {
	o := newOwner()
	for _, l := range held {
		l.owner.Store(o)
	}
	defer func() {
		for _, l := range held {
			l.owner.Store(nil)
		}
		o.release()
	}()
	o.run(func() { changes, err = fn(cur) })
	return changes, err
}

// Replace publishes next's tables as the whole new state, atomically, with a
// new sequence number: tables absent from next are dropped, the others set
// to adjust(cur, name, v) for each table v of next, where cur is the root
// being replaced, read while every table of both roots is locked (a nil
// adjust publishes next's tables as they are). adjust may be called more
// than once for one call (when the compare-and-swap is retried); only the
// results of its last round are published. Replace locks every table of
// the current root and of next first, so it waits for running writers and
// excludes new ones meanwhile. It fails, publishing nothing, with an error
// wrapping ErrReentrantWrite if one of those tables is held by a Transact
// whose function is running on the calling goroutine.
func (s *Store[T]) Replace(next *Root[T], adjust func(cur *Root[T], name string, v T) T) (*Root[T], error) {
	for {
		got, err := s.replace(next, adjust)
		if got != nil || err != nil {
			return got, err
		}
	}
}

// replace locks every table of the current root and of next, then publishes
// a root holding exactly next's tables. Its compare-and-swap is retried
// against the latest root, and the new root is built from next alone, not
// from changes applied to the latest root: a table created meanwhile under
// a name replace did not lock would otherwise survive it. replace returns
// nil, having published nothing, when such a table appeared, so that
// Replace starts over with it locked.
func (s *Store[T]) replace(next *Root[T], adjust func(cur *Root[T], name string, v T) T) (*Root[T], error) {
	names := sortedNames(append(s.base().Names(), next.Names()...))
	if err := s.lock(names); err != nil {
		return nil, err
	}
	if s.c != nil {
		r, err := s.replaceCommitted(names, next, adjust)
		if r == nil || err != nil {
			return nil, err
		}
		return s.await(r)
	}
	defer s.unlock(names)
	cur := s.root.Load()
	if !covers(names, cur) {
		return nil, nil
	}
	if s.beforePublish != nil {
		s.beforePublish(names)
	}
	for {
		if !covers(names, cur) {
			return nil, nil
		}
		nr := &Root[T]{made: true, seq: cur.seq + 1, tables: slices.Clone(next.tables)}
		if adjust != nil {
			for i, e := range nr.tables {
				nr.tables[i].v = adjust(cur, e.name, e.v)
			}
		}
		if s.root.CompareAndSwap(cur, nr) {
			return nr, nil
		}
		cur = s.root.Load() // another table committed: one we did not lock, maybe
	}
}

// covers reports whether names, sorted, holds every table of r.
func covers[T any](names []string, r *Root[T]) bool {
	for _, e := range r.tables {
		if _, ok := slices.BinarySearch(names, e.name); !ok {
			return false
		}
	}
	return true
}

// replaceCommitted is replace's part under the locks of names when the
// store has a Committer: it commits the change from the head to next's
// tables and returns the head root of the commit, or nil if a table under
// a name it did not lock appeared. It releases the locks.
func (s *Store[T]) replaceCommitted(names []string, next *Root[T], adjust func(cur *Root[T], name string, v T) T) (*Root[T], error) {
	defer s.unlock(names)
	cur := s.head.Load()
	if !covers(names, cur) {
		return nil, nil
	}
	if s.beforePublish != nil {
		s.beforePublish(names)
	}
	var changes []Change[T]
	for _, e := range cur.tables {
		if _, ok := next.find(e.name); !ok {
			changes = append(changes, Change[T]{Name: e.name, Drop: true})
		}
	}
	for _, e := range next.tables {
		v := e.v
		if adjust != nil {
			v = adjust(cur, e.name, v)
		}
		changes = append(changes, Change[T]{Name: e.name, Value: v})
	}
	prepared, err := s.c.Prepare(cur, changes)
	if err != nil {
		return nil, err
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	head := s.head.Load()
	if !covers(names, head) {
		// A table appeared under a name not locked (and the head moved):
		// start over with it locked.
		return nil, nil
	}
	// Every table of head is locked, so head holds the same tables as
	// cur: applying the changes leaves exactly next's tables.
	nr := head.apply(changes)
	if err := s.c.Commit(nr.seq, prepared); err != nil {
		return nil, err
	}
	s.head.Store(nr)
	return nr, nil
}

// setBeforePublish installs the hook that testhook.SetBeforePublish
// describes.
func (s *Store[T]) setBeforePublish(hook func(names []string)) { s.beforePublish = hook }

func init() {
	testhook.SetBeforePublish = func(store any, hook func(names []string)) {
		store.(interface{ setBeforePublish(func([]string)) }).setBeforePublish(hook)
	}
}
