package dictdb

import (
	"context"
	"hash/maphash"
	"runtime"
	"sync"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/interval"
	"github.com/dictdb-go/dictdb/internal/stored"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// A Watch fires once, after the first commit that may change what it
// watches: a table, a key, or the answer of a query (see Table.WatchTable,
// Table.WatchKey, Table.WatchWhere and Table.SelectWatch). It fires only
// for commits readers can see, so a read after it fired sees the commit.
//
// A Watch never misses a change: every commit after it was registered
// that changes its answer fires it. It may fire for a commit that did not
// change the answer (a false positive), but not for one that touches only
// rows matching its query neither before nor after, when the query has an
// equality (Eq, In) or a range (Lt, Lte, Gt, Gte, Between) conjunct on
// any field or the primary key: the watch is registered by table and
// field value, and a commit's notification work follows the watches it may
// affect, not the number registered. Queries without such a conjunct
// watch the whole table. Dropping the table, or a Restore that replaces
// it, fires every watch on it.
//
// A Watch holds no goroutine. Once fired or cancelled it holds nothing in
// the DB; one that is neither, and no longer referenced, is cancelled by
// the garbage collector. Cancel frees it at once. A Watch is safe for
// concurrent use. A Watch that no Table method returned (the zero Watch,
// or a nil one) watches nothing and counts as fired, so that a loop
// waiting on it reads again rather than waiting for ever.
type Watch struct {
	w *watcher
}

// fired is the channel of every Watch no Table method returned.
var fired = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Done returns a channel closed when the watch fires. A cancelled watch
// that had not fired never closes it.
func (w *Watch) Done() <-chan struct{} {
	if w == nil || w.w == nil {
		return fired
	}
	return w.w.sig.ch
}

// Seq returns the sequence number the watch starts after: for
// SelectWatch, that of the version the result was read from; for the
// other watches, the latest commit readers saw when it was registered. The
// watch fires for later commits only. A long poll hands it to its client
// as the index to come back with (see the README).
func (w *Watch) Seq() uint64 {
	if w == nil || w.w == nil {
		return 0
	}
	return w.w.seq
}

// Fired reports whether the watch fired.
func (w *Watch) Fired() bool {
	select {
	case <-w.Done():
		return true
	default:
		return false
	}
}

// Cancel unregisters the watch, freeing what it holds. It is safe to call
// more than once, and after the watch fired.
func (w *Watch) Cancel() {
	if w != nil && w.w != nil {
		w.w.cancel()
	}
}

// Wait blocks until the watch fires, returning nil, or until ctx is done,
// returning ctx's error; either way the watch is cancelled on return. A
// nil ctx is ErrInvalidArgument, and the watch stays registered.
func (w *Watch) Wait(ctx context.Context) error {
	if err := nilContext(ctx, "Watch.Wait"); err != nil {
		return err
	}
	defer w.Cancel()
	select {
	case <-w.Done():
		return nil
	case <-ctx.Done():
		if w.Fired() {
			return nil
		}
		return ctx.Err()
	}
}

// A WatchSet waits for any of several watches with one channel, however
// many there are (no goroutine, no reflection): a query that reads several
// tables or keys adds a watch for each and waits on the set. It is
// go-memdb's WatchSet for dictdb. The zero WatchSet is empty and ready to
// use. A WatchSet is safe for concurrent use.
type WatchSet struct {
	mu      sync.Mutex
	sig     *signal // made by the first use: the zero WatchSet is usable
	watches []*Watch
}

// NewWatchSet returns an empty WatchSet.
func NewWatchSet() *WatchSet { return &WatchSet{sig: newSignal()} }

// signal returns the set's signal, making it on first use.
func (s *WatchSet) signal() *signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sig == nil {
		s.sig = newSignal()
	}
	return s.sig
}

// Add puts w in the set: the set fires when w does (at once if w fired
// already). A nil w is ignored; a zero Watch fires the set at once, as it
// counts as fired.
func (s *WatchSet) Add(w *Watch) {
	if w == nil {
		return
	}
	sig := s.signal()
	s.mu.Lock()
	s.watches = append(s.watches, w)
	s.mu.Unlock()
	if w.w == nil {
		sig.fire()
		return
	}
	w.w.also(sig)
}

// Len returns the number of watches added.
func (s *WatchSet) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.watches)
}

// Done returns a channel closed when a watch of the set fires.
func (s *WatchSet) Done() <-chan struct{} { return s.signal().ch }

// Watch blocks until a watch of the set fires, returning nil, or ctx is
// done, returning ctx's error; either way it cancels every watch of the
// set on return. An empty set waits for ctx. A nil ctx is
// ErrInvalidArgument, and the watches stay registered.
func (s *WatchSet) Watch(ctx context.Context) error {
	if err := nilContext(ctx, "WatchSet.Watch"); err != nil {
		return err
	}
	defer s.Cancel()
	ch := s.signal().ch
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		select {
		case <-ch:
			return nil
		default:
			return ctx.Err()
		}
	}
}

// Cancel cancels every watch of the set and empties it.
func (s *WatchSet) Cancel() {
	s.mu.Lock()
	ws := s.watches
	s.watches = nil
	s.mu.Unlock()
	for _, w := range ws {
		w.Cancel()
	}
}

// A signal is a channel closed once.
type signal struct {
	once sync.Once
	ch   chan struct{}
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }

func (s *signal) fire() { s.once.Do(func() { close(s.ch) }) }

// WatchTable returns a watch that fires after the next commit that changes
// the table in any way: a row, an index, the auto key, or a drop.
func (t *Table) WatchTable() (*Watch, error) {
	return t.watch(watchSpec{kind: watchAll})
}

// WatchKey returns a watch that fires after the next commit that inserts,
// replaces or deletes the row under key, or drops the table. To read and
// then wait with no gap, call WatchKey first and read after it.
func (t *Table) WatchKey(key any) (*Watch, error) {
	v, err := t.version()
	if err != nil {
		return nil, err
	}
	n, err := codec.Normalize(v.PrimaryKey(), key)
	k, ok := codec.KeyOf(n)
	if err != nil || !ok {
		return nil, &tbl.Error{Err: ErrInvalidKey, Table: t.name, Field: v.PrimaryKey(), Value: key,
			Msg: "invalid primary key: want an integer or a string"}
	}
	return t.watch(watchSpec{kind: watchEq, field: v.PrimaryKey(), values: []any{k.Value()}})
}

// WatchWhere returns a watch that fires after the next commit that may
// change which records match where, or any of them (see Watch for what it
// guarantees). To read and then wait with no gap, call WatchWhere first
// and read after it; SelectWatch does both.
func (t *Table) WatchWhere(where cond.Cond) (*Watch, error) {
	v, err := t.version()
	if err != nil {
		return nil, err
	}
	if err := v.CheckWhere(where); err != nil {
		return nil, err
	}
	return t.watch(specFor(where))
}

// SelectWatch runs q like Select and returns, with the result, a watch
// that fires after the first later commit that may change it (see Watch).
// No commit falls between the read and the watch.
func (t *Table) SelectWatch(q Query) ([]Record, *Watch, error) {
	recs, w, _, err := t.selectWatch(q)
	return recs, w, err
}

// selectWatch is SelectWatch, also returning the sequence number of the
// version read.
func (t *Table) selectWatch(q Query) ([]Record, *Watch, uint64, error) {
	w, err := t.watch(specFor(q.Where))
	if err != nil {
		return nil, nil, 0, err
	}
	// Registered first, read second: a commit published before the
	// registration is in the read, every later one is seen by the watch.
	root := t.db.store.Load()
	v, ok := root.Table(t.name)
	if !ok || v.ID() != t.id {
		w.Cancel()
		return nil, nil, 0, mvcc.NotFound(t.name)
	}
	recs, err := viewOf(v).Select(q)
	if err != nil {
		w.Cancel()
		return nil, nil, 0, err
	}
	w.w.seq = root.Seq() // before the caller sees w: no race
	return recs, w, root.Seq(), nil
}

// watch registers a watch on t's table.
func (t *Table) watch(spec watchSpec) (*Watch, error) {
	if _, err := t.version(); err != nil {
		return nil, err
	}
	h := t.db.hub
	wr := &watcher{h: h, sig: newSignal(), table: t.name, spec: spec}
	h.mu.Lock()
	h.watches.add(wr)
	wr.seq = h.published
	h.mu.Unlock()
	// A table dropped before the registration is not seen by the watch:
	// check again now that it is in place.
	if _, err := t.version(); err != nil {
		wr.cancel()
		return nil, err
	}
	w := &Watch{w: wr}
	runtime.AddCleanup(w, func(wr *watcher) { wr.cancel() }, wr)
	return w, nil
}

// What a watcher is registered under.
type watchKind uint8

const (
	watchAll   watchKind = iota // every change of the table
	watchEq                     // rows whose field equals one of values
	watchRange                  // rows whose field is within [lo, hi]
)

type watchSpec struct {
	kind   watchKind
	field  string
	values []any    // watchEq
	hashes []uint64 // watchEq: the values' hashes, set at registration
	lo, hi bound    // watchRange
}

// maxInWatch is the largest In list watched by value; longer ones watch a
// range of their conjunct's field or the table.
const maxInWatch = 64

// specFor chooses what to register a query's watch under: one conjunct of
// where that every matching record satisfies, equalities first, then
// ranges; the whole table if there is none. A record that satisfies the
// conjunct neither before nor after a commit matches where neither, so
// the query's answer cannot change through it.
func specFor(where cond.Cond) watchSpec {
	var rng *watchSpec
	for _, c := range cond.Conjuncts(where) {
		p, ok := c.(*cond.Pred)
		if !ok || p.Field == "" {
			continue
		}
		args := make([]any, len(p.Args))
		for i, a := range p.Args {
			n, err := codec.Normalize(p.Field, a)
			if err != nil {
				args = nil
				break
			}
			args[i] = n
		}
		if args == nil && len(p.Args) > 0 {
			continue
		}
		switch p.Op {
		case cond.EqOp:
			if len(args) == 1 {
				return watchSpec{kind: watchEq, field: p.Field, values: args}
			}
		case cond.InOp:
			if len(args) <= maxInWatch {
				return watchSpec{kind: watchEq, field: p.Field, values: args}
			}
		case cond.LtOp, cond.LteOp, cond.GtOp, cond.GteOp, cond.BetweenOp:
			if rng == nil {
				if lo, hi, ok := rangeBounds(p.Op, args); ok {
					rng = &watchSpec{kind: watchRange, field: p.Field, lo: lo, hi: hi}
				}
			}
		}
	}
	if rng != nil {
		return *rng
	}
	return watchSpec{kind: watchAll}
}

// A bound is a point of the total order of values, refined so that a
// range predicate is exactly a closed interval: edge -1 and +1 stand
// before and after every value of kind, and tie puts a bound just before
// (-1) or after (+1) the value v, for exclusive bounds.
type bound struct {
	kind codec.Kind
	edge int8
	tie  int8
	v    any
}

func pointOf(v any) bound {
	k, _ := codec.ValueKind(v)
	return bound{kind: k, v: v}
}

func cmpBound(a, b bound) int {
	switch {
	case a.kind != b.kind:
		return int(a.kind) - int(b.kind)
	case a.edge != b.edge:
		return int(a.edge) - int(b.edge)
	case a.edge == 0:
		if c := codec.Compare(a.v, b.v); c != 0 {
			return c
		}
	}
	return int(a.tie) - int(b.tie)
}

// rangeBounds returns the interval of values a range predicate matches,
// as package cond's matchers define it: values of the operand's kind only.
// ok is false for an operand list those matchers treat as matching nothing.
func rangeBounds(op cond.Op, args []any) (lo, hi bound, ok bool) {
	if len(args) == 0 || args[0] == nil {
		return lo, hi, false
	}
	c := args[0]
	k := codec.KindOf(c)
	start, end := bound{kind: k, edge: -1}, bound{kind: k, edge: 1}
	switch op {
	case cond.LtOp:
		return start, bound{kind: k, v: c, tie: -1}, true
	case cond.LteOp:
		return start, bound{kind: k, v: c}, true
	case cond.GtOp:
		return bound{kind: k, v: c, tie: 1}, end, true
	case cond.GteOp:
		return bound{kind: k, v: c}, end, true
	case cond.BetweenOp:
		if len(args) != 2 || args[1] == nil || codec.KindOf(args[1]) != k || codec.Compare(c, args[1]) > 0 {
			return lo, hi, false
		}
		return bound{kind: k, v: c}, bound{kind: k, v: args[1]}, true
	}
	return lo, hi, false
}

// A watcher is a registered watch. Its fields other than sig, extra and
// registered are set before registration and never change.
type watcher struct {
	h     *hub
	sig   *signal
	table string
	spec  watchSpec
	seq   uint64 // see Watch.Seq; set before the Watch is handed out

	// Guarded by h.mu:
	registered bool
	fired      bool
	firedAt    uint64    // the commit that fired it
	extra      []*signal // the WatchSets it belongs to
}

// cancel unregisters w.
func (w *watcher) cancel() {
	w.h.mu.Lock()
	w.h.watches.remove(w)
	w.extra = nil
	w.h.mu.Unlock()
}

// also makes w fire s too.
func (w *watcher) also(s *signal) {
	w.h.mu.Lock()
	defer w.h.mu.Unlock()
	if w.fired {
		s.fire()
		return
	}
	if w.registered {
		w.extra = append(w.extra, s)
	}
}

// The registry holds the registered watchers by table and, for
// equality and range watches, by field and value. The hub's mutex guards
// it.
type registry struct {
	seed   maphash.Seed
	tables map[string]*tableWatches
	n      int    // registered watchers
	seq    uint64 // the commit being fired for
	fire1  []*watcher
}

// tableWatches are the watchers of one table.
type tableWatches struct {
	all    map[*watcher]struct{}
	eq     map[string]*eqWatches    // by field
	ranges map[string]*rangeWatches // by field
	n      int
}

type eqWatches struct {
	f  *codec.Field
	by map[uint64]map[*watcher]struct{}
	n  int
}

type rangeWatches struct {
	f    *codec.Field
	tree *interval.Tree[bound, *watcher]
}

func (r *registry) init() {
	r.seed = maphash.MakeSeed()
	r.tables = map[string]*tableWatches{}
}

// add registers w.
func (r *registry) add(w *watcher) {
	tw := r.tables[w.table]
	if tw == nil {
		tw = &tableWatches{all: map[*watcher]struct{}{}, eq: map[string]*eqWatches{}, ranges: map[string]*rangeWatches{}}
		r.tables[w.table] = tw
	}
	switch s := &w.spec; s.kind {
	case watchAll:
		tw.all[w] = struct{}{}
	case watchEq:
		e := tw.eq[s.field]
		if e == nil {
			e = &eqWatches{f: codec.NewField(s.field), by: map[uint64]map[*watcher]struct{}{}}
			tw.eq[s.field] = e
		}
		s.hashes = make([]uint64, len(s.values))
		for i, v := range s.values {
			h := codec.HashValue(r.seed, v)
			s.hashes[i] = h
			set := e.by[h]
			if set == nil {
				set = map[*watcher]struct{}{}
				e.by[h] = set
			}
			set[w] = struct{}{}
		}
		e.n++
	case watchRange:
		rw := tw.ranges[s.field]
		if rw == nil {
			rw = &rangeWatches{f: codec.NewField(s.field), tree: interval.New[bound, *watcher](cmpBound)}
			tw.ranges[s.field] = rw
		}
		rw.tree.Insert(s.lo, s.hi, w)
	}
	tw.n++
	r.n++
	w.registered = true
}

// remove unregisters w, if it is registered.
func (r *registry) remove(w *watcher) {
	if !w.registered {
		return
	}
	w.registered = false
	tw := r.tables[w.table]
	switch s := &w.spec; s.kind {
	case watchAll:
		delete(tw.all, w)
	case watchEq:
		e := tw.eq[s.field]
		for _, h := range s.hashes {
			if set := e.by[h]; set != nil {
				delete(set, w)
				if len(set) == 0 {
					delete(e.by, h)
				}
			}
		}
		if e.n--; e.n == 0 {
			delete(tw.eq, s.field)
		}
	case watchRange:
		rw := tw.ranges[s.field]
		rw.tree.Delete(s.lo, w)
		if rw.tree.Len() == 0 {
			delete(tw.ranges, s.field)
		}
	}
	r.n--
	if tw.n--; tw.n == 0 {
		delete(r.tables, w.table)
	}
}

// fireWatcher fires w and unregisters it: a watch fires once.
func (r *registry) fireWatcher(w *watcher) {
	if !w.registered {
		return
	}
	r.remove(w)
	w.fired, w.firedAt = true, r.seq
	w.sig.fire()
	for _, s := range w.extra {
		s.fire()
	}
	w.extra = nil
}

// fire fires the watchers rec may affect. Its cost follows the tables and
// rows rec changed and the watchers it fires, not the number registered.
func (r *registry) fire(rec *commitRec) {
	if r.n == 0 {
		return
	}
	r.seq = rec.seq
	for _, s := range rec.steps {
		tw := r.tables[s.name]
		if tw == nil {
			continue
		}
		if s.old == nil || s.cur == nil || s.old.ID() != s.cur.ID() {
			r.fireAll(tw) // the table came, went or was replaced
			continue
		}
		for w := range tw.all {
			r.fireWatcher(w)
		}
		if len(tw.eq) == 0 && len(tw.ranges) == 0 {
			continue
		}
		if keys, ok := tbl.ChangedKeys(s.old, s.cur); ok {
			// The few rows one small write changed: look them up rather
			// than walk the trees.
			for _, k := range keys {
				before, had := s.old.GetKey(k)
				after, has := s.cur.GetKey(k)
				if had && has && tbl.Same(before, after) {
					continue
				}
				r.fireChanged(tw, before, had, after, has)
			}
			continue
		}
		tbl.DiffRows(s.old, s.cur, func(_ codec.Key, before tbl.Row, had bool, after tbl.Row, has bool) bool {
			return r.fireChanged(tw, before, had, after, has)
		})
	}
}

// fireChanged fires the watchers of tw that a changed row matches before
// or after the change, and reports whether tw still has row watchers.
func (r *registry) fireChanged(tw *tableWatches, before tbl.Row, had bool, after tbl.Row, has bool) bool {
	if had {
		r.fireRow(tw, stored.Record(before))
	}
	if has {
		r.fireRow(tw, stored.Record(after))
	}
	return len(tw.eq) > 0 || len(tw.ranges) > 0
}

// fireRow fires the equality and range watchers of tw that rec matches.
func (r *registry) fireRow(tw *tableWatches, rec codec.Record) {
	for _, e := range tw.eq {
		if set := e.by[codec.HashValue(r.seed, e.f.Value(rec))]; set != nil {
			for w := range set {
				r.fireWatcher(w)
			}
		}
	}
	for _, rw := range tw.ranges {
		v := rw.f.Value(rec)
		if v == nil {
			continue // no range holds null
		}
		rw.tree.Stab(pointOf(v), func(w *watcher) { r.fire1 = append(r.fire1, w) })
	}
	for _, w := range r.fire1 {
		r.fireWatcher(w)
	}
	clear(r.fire1)
	r.fire1 = r.fire1[:0]
}

// fireAll fires every watcher of tw.
func (r *registry) fireAll(tw *tableWatches) {
	for w := range tw.all {
		r.fireWatcher(w)
	}
	for _, e := range tw.eq {
		for _, set := range e.by {
			for w := range set {
				r.fireWatcher(w)
			}
		}
	}
	for _, rw := range tw.ranges {
		rw.tree.Each(func(w *watcher) { r.fire1 = append(r.fire1, w) })
	}
	for _, w := range r.fire1 {
		r.fireWatcher(w)
	}
	clear(r.fire1)
	r.fire1 = r.fire1[:0]
}
