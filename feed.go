package dictdb

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/stored"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// DefaultChangeBuffer is how many commits a DB keeps for its Changes
// subscribers when WithChangeHistory is not given: a subscriber that falls
// further behind gets a *LaggedError.
const DefaultChangeBuffer = 1024

// WithChangeHistory makes the DB keep the last n commits (at least 1) for
// Changes at all times, so that a subscriber can start from any of them,
// and makes n the bound on how far a subscriber may fall behind (instead
// of DefaultChangeBuffer). A subscriber that falls more than n commits
// behind, or asks to start before the oldest commit kept, gets a
// *LaggedError.
//
// Without it, an in-memory DB keeps commits only while a subscription is
// open (up to DefaultChangeBuffer of them), and none otherwise: a
// subscription then starts from the latest commit (use Follow for a
// snapshot and the changes after it). Keeping commits keeps the table
// versions each one replaced, as a Snapshot of them would: a commit that
// deletes a large table keeps its rows alive until n more commits have
// happened.
func WithChangeHistory(n int) Option {
	return func(o *options) { o.history = max(n, 1) }
}

// A Change is one commit, as Changes delivers it: its sequence number and
// what it did to each table, with the rows before and after. Applying the
// changes from sequence 1 on, in order, to an empty database (see
// DB.ApplyChange) rebuilds the database commit by commit.
//
// Rows are read-only and shared with the database's versions; the slices
// belong to the receiver.
type Change struct {
	// Seq is the commit's sequence number (DB.Seq after it).
	Seq uint64
	// Tables holds one entry per table the commit changed, in name order.
	// It is empty for a commit that changed nothing (a Restore to the
	// current state, say): every commit is delivered, so sequence numbers
	// run without gaps.
	Tables []TableChange
}

// A TableChange is what one commit did to one table.
type TableChange struct {
	// Name is the table name.
	Name string
	// Created is set when the commit created the table, or dropped the
	// table of this name and created another (DB.Restore can). PrimaryKey,
	// Schema, Indexes and NextID then describe the new table and Inserted
	// holds all its rows.
	Created bool
	// Dropped is set when the commit dropped the table; nothing else is
	// set then.
	Dropped bool
	// PrimaryKey is the table's primary-key field.
	PrimaryKey string
	// Schema is the table's schema when Created is set (nil: no schema).
	Schema []Column
	// Inserted holds the rows the commit added, in primary-key order.
	Inserted []Row
	// Updated holds, in primary-key order, every row the commit replaced:
	// the stored record before and after (a write that replaced a record
	// by an equal one is listed too).
	Updated []RowUpdate
	// Deleted holds the rows the commit removed as they were, in
	// primary-key order.
	Deleted []Row
	// IndexesChanged is set when the table's index definitions changed
	// (or Created is set); Indexes then lists them in creation order.
	IndexesChanged bool
	Indexes        []IndexDef
	// NextIDChanged is set when the next auto key moved (or Created is
	// set); NextID is then the new one.
	NextIDChanged bool
	NextID        int64
}

// A RowUpdate is a row a commit replaced: the record before and after.
type RowUpdate struct {
	Before, After Row
}

// A LaggedError tells a Changes subscriber that the commits it needs next
// are no longer held: it fell more than the history behind (see
// WithChangeHistory), or asked to start before the oldest commit kept. No
// change was skipped: every change delivered before the error is exact and
// in order. To go on, call Changes again with From where the log still
// holds it, or take a DB.Snapshot and follow from its Seq (the
// snapshot-then-follow recipe). It wraps ErrLagged.
type LaggedError struct {
	// From is the sequence number of the last commit delivered (or the
	// from argument of Changes, if none was): the argument to resume with.
	From uint64
	// Oldest is the sequence number of the oldest commit still held; a
	// subscription can start from Oldest-1 on.
	Oldest uint64
}

func (e *LaggedError) Error() string {
	return fmt.Sprintf("dictdb: change feed: %v: the commits after %d are no longer held (oldest held: %d)", ErrLagged, e.From, e.Oldest)
}

// Unwrap returns ErrLagged.
func (e *LaggedError) Unwrap() error { return ErrLagged }

// Changes returns an iterator over the commits after sequence from, in
// commit order, one Change per commit, each delivered once readers can see
// it. It yields every commit as it happens and blocks while there is none,
// until ctx is done: it then yields ctx's error and stops. A subscriber
// that falls behind by more than the buffer (DefaultChangeBuffer, or
// WithChangeHistory) gets a *LaggedError (ErrLagged) instead of missing
// changes, and the iteration stops; so does one whose from is older than
// the commits kept (without WithChangeHistory an in-memory DB keeps none
// while no subscription is open). Committing never waits for subscribers,
// and a subscription holds no goroutine: subscribers share one buffer.
//
// On a database Open opened, the commits after from that the buffer no
// longer holds come from the log, also after a restart: Changes rebuilds
// them from the newest checkpoint and the log (which costs about what Open
// costs), then goes on from the buffer. A from older than the newest
// checkpoint, whose Checkpoint removed the log before it, gets a
// *LaggedError whose Oldest is the checkpoint's commit plus one.
//
// To start from a consistent state and follow it with no gap and no
// overlap, use Follow. A from later than DB.Seq yields an error wrapping
// ErrInvalidArgument, and so does a nil ctx. Each iteration is a new
// subscription.
func (db *DB) Changes(ctx context.Context, from uint64) iter.Seq2[Change, error] {
	return func(yield func(Change, error) bool) {
		if err := nilContext(ctx, "Changes"); err != nil {
			yield(Change{}, err)
			return
		}
		if seq := db.store.Load().Seq(); from > seq {
			yield(Change{}, fmt.Errorf("dictdb: change feed: %w: from %d is after the latest commit %d", ErrInvalidArgument, from, seq))
			return
		}
		db.hub.subscribe()
		defer db.hub.unsubscribe()
		if d := db.dur; d != nil {
			// The buffer keeps the commits from held on (the subscription
			// is open): the earlier ones come from the log.
			if held := db.hub.oldestHeld(); from+1 < held {
				var ok bool
				if from, ok = d.feedFromLog(ctx, from, held-1, yield); !ok {
					return
				}
			}
		}
		db.hub.follow(ctx, from, yield)
	}
}

// Follow returns a snapshot of the database and an iterator over the
// commits after it, as Changes(ctx, snap.Seq()) yields them: the
// snapshot-then-follow recipe, with no gap and no overlap however many
// commits happen meanwhile (up to the buffer). The subscription is open
// from the call on: range over the iterator once, and cancel ctx if you
// never do, to close it. With a nil ctx the iterator yields an error
// wrapping ErrInvalidArgument, and no subscription is opened.
func (db *DB) Follow(ctx context.Context) (*Snapshot, iter.Seq2[Change, error]) {
	if err := nilContext(ctx, "Follow"); err != nil {
		return db.Snapshot(), func(yield func(Change, error) bool) { yield(Change{}, err) }
	}
	h := db.hub
	h.subscribe()
	// Every commit readers see from here on stays in the buffer, and the
	// root loaded now is at least the latest commit the hub published.
	snap := db.Snapshot()
	var once sync.Once
	release := func() { once.Do(h.unsubscribe) }
	stop := context.AfterFunc(ctx, release)
	return snap, func(yield func(Change, error) bool) {
		defer func() {
			stop()
			release()
		}()
		if ctx.Err() != nil {
			yield(Change{}, ctx.Err())
			return
		}
		h.follow(ctx, snap.Seq(), yield)
	}
}

// follow yields the commits after from until yield returns false, ctx is
// done or the subscriber lags.
func (h *hub) follow(ctx context.Context, from uint64, yield func(Change, error) bool) {
	var batch []*commitRec
	next := from + 1
	for {
		var wake <-chan struct{}
		var lag *LaggedError
		batch, wake, lag = h.read(next, batch[:0])
		if lag != nil {
			lag.From = next - 1
			yield(Change{}, lag)
			return
		}
		for _, rec := range batch {
			if !yield(rec.change(), nil) {
				return
			}
			next = rec.seq + 1
		}
		if len(batch) > 0 {
			clear(batch)
			continue
		}
		select {
		case <-wake:
		case <-ctx.Done():
			yield(Change{}, ctx.Err())
			return
		}
	}
}

// The hub is the DB's mvcc.Committer: it sees every commit in order,
// keeps the recent ones for Changes and fires the watches a commit may
// affect once readers can see it. A durable DB's committer calls its
// prepare, commit and published from its own Prepare, Commit and
// Published.
type hub struct {
	mu sync.Mutex
	// pending holds the commits ordered but not yet visible, in sequence
	// order; published moves them to the history.
	pending []*commitRec
	// ring is the buffer: the last published commits (up to len(ring),
	// and none while keep is false), the commit of sequence s at
	// ring[s%len(ring)].
	ring []*commitRec
	// published is the latest commit readers see and watches were fired
	// for; oldest the oldest commit the ring holds (published+1 when it
	// holds none).
	published, oldest uint64
	// wake, if not nil, is closed at the next publication: subscribers
	// that caught up wait on it.
	wake chan struct{}
	// subs counts the open subscriptions; keep tells whether commits are
	// kept: with a history, or while a subscription is open.
	subs    int
	history bool

	watches registry
}

// newHub returns a hub for a store whose published root is at sequence
// seq, keeping the last history commits at all times (0: none, and
// DefaultChangeBuffer while a subscription is open).
func newHub(seq uint64, history int) *hub {
	h := &hub{published: seq, oldest: seq + 1, history: history > 0}
	if history <= 0 {
		history = DefaultChangeBuffer
	}
	h.ring = make([]*commitRec, history)
	h.watches.init()
	return h
}

// historySize returns the history newHub was asked to keep.
func (h *hub) historySize() int {
	if !h.history {
		return 0
	}
	return len(h.ring)
}

// subscribe opens a subscription: commits are kept from the next
// publication on.
func (h *hub) subscribe() {
	h.mu.Lock()
	h.subs++
	h.mu.Unlock()
}

// oldestHeld returns the sequence of the oldest commit the buffer holds
// (the latest published plus one if it holds none).
func (h *hub) oldestHeld() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.oldest
}

// unsubscribe closes a subscription; once none is open, and without a
// history, the buffer lets go of every commit.
func (h *hub) unsubscribe() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs--; h.subs == 0 && !h.history {
		clear(h.ring)
		h.oldest = h.published + 1
	}
}

// A commitRec is one commit: the version of each table it changed before
// and after, in name order. Its Change is built on first demand.
type commitRec struct {
	seq   uint64
	steps []tableStep
	one   [1]tableStep // steps' storage for the common one-table commit
	built atomic.Pointer[Change]
}

// A tableStep is one table's versions around a commit: old nil if the
// table did not exist, cur nil if the commit dropped it.
type tableStep struct {
	name     string
	old, cur *tbl.Table
}

// prepare describes a commit of changes on base. It has no side effects.
func (h *hub) prepare(base *mvcc.Root[*tbl.Table], changes []mvcc.Change[*tbl.Table]) *commitRec {
	rec := &commitRec{}
	rec.steps = rec.one[:0]
	for _, c := range changes {
		old, _ := base.Table(c.Name)
		var cur *tbl.Table
		if !c.Drop {
			cur = c.Value
		}
		if old != cur {
			rec.steps = append(rec.steps, tableStep{c.Name, old, cur})
		}
	}
	if len(rec.steps) > 1 {
		slices.SortFunc(rec.steps, func(a, b tableStep) int { return strings.Compare(a.name, b.name) })
	}
	return rec
}

// commit records rec as commit seq. Calls come in sequence order.
func (h *hub) commit(seq uint64, rec *commitRec) {
	rec.seq = seq
	h.mu.Lock()
	h.pending = append(h.pending, rec)
	h.mu.Unlock()
}

// maxPendingKept bounds the capacity of the pending list the hub keeps
// between publications.
const maxPendingKept = 256

// publish makes every pending commit up to seq visible to subscribers
// and fires the watches they affect, in commit order.
func (h *hub) publish(seq uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if seq <= h.published {
		return
	}
	n := 0
	for _, rec := range h.pending {
		if rec.seq > seq {
			break
		}
		h.watches.fire(rec)
		if h.subs > 0 || h.history {
			h.ring[rec.seq%uint64(len(h.ring))] = rec
			if rec.seq-h.oldest >= uint64(len(h.ring)) {
				h.oldest = rec.seq - uint64(len(h.ring)) + 1
			}
		} else {
			h.oldest = rec.seq + 1
		}
		n++
	}
	// Keep the array for the next commits: move what is left to its
	// front and clear the rest, so that it holds no published commit.
	left := copy(h.pending, h.pending[n:])
	clear(h.pending[left:])
	h.pending = h.pending[:left]
	if left == 0 && cap(h.pending) > maxPendingKept {
		h.pending = nil // a burst's large array goes
	}
	h.published = seq
	if h.wake != nil {
		close(h.wake)
		h.wake = nil
	}
}

// read appends to batch the published commits from next on (at most 64),
// or, if there are none, returns a channel closed at the next
// publication. It returns a LaggedError if commit next is no longer held.
func (h *hub) read(next uint64, batch []*commitRec) ([]*commitRec, <-chan struct{}, *LaggedError) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if next < h.oldest {
		return batch, nil, &LaggedError{Oldest: h.oldest}
	}
	for s := next; s <= h.published && len(batch) < 64; s++ {
		batch = append(batch, h.ring[s%uint64(len(h.ring))])
	}
	if len(batch) > 0 {
		return batch, nil, nil
	}
	if h.wake == nil {
		h.wake = make(chan struct{})
	}
	return batch, h.wake, nil
}

// publishedAfter returns the latest published sequence if it is after
// seq, and otherwise a channel closed at the next publication. It is how
// a BackupManager follows the commits without a subscription (which would
// keep commits in the buffer, and could lag).
func (h *hub) publishedAfter(seq uint64) (uint64, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.published > seq {
		return h.published, nil
	}
	if h.wake == nil {
		h.wake = make(chan struct{})
	}
	return seq, h.wake
}

// change returns the commit as a Change the caller owns.
func (rec *commitRec) change() Change {
	c := rec.built.Load()
	if c == nil {
		c = rec.build()
		rec.built.Store(c)
	}
	out := Change{Seq: c.Seq, Tables: slices.Clone(c.Tables)}
	for i := range out.Tables {
		t := &out.Tables[i]
		t.Schema = slices.Clone(t.Schema)
		t.Inserted = slices.Clone(t.Inserted)
		t.Updated = slices.Clone(t.Updated)
		t.Deleted = slices.Clone(t.Deleted)
		t.Indexes = slices.Clone(t.Indexes)
	}
	return out
}

// build computes the commit's Change from the table versions.
func (rec *commitRec) build() *Change {
	c := &Change{Seq: rec.seq, Tables: make([]TableChange, 0, len(rec.steps))}
	for _, s := range rec.steps {
		tc := TableChange{Name: s.name}
		switch {
		case s.cur == nil:
			tc.Dropped = true
		case s.old == nil || s.old.ID() != s.cur.ID():
			tc.Created, tc.PrimaryKey = true, s.cur.PrimaryKey()
			if sch := s.cur.Schema(); sch != nil {
				tc.Schema = sch.Columns()
			}
			for _, r := range s.cur.All() {
				tc.Inserted = append(tc.Inserted, Row(r))
			}
			tc.IndexesChanged, tc.Indexes = true, s.cur.Indexes()
			tc.NextIDChanged, tc.NextID = true, s.cur.NextID()
		default:
			tc.PrimaryKey = s.cur.PrimaryKey()
			if !tbl.SameIndexes(s.old, s.cur) {
				tc.IndexesChanged, tc.Indexes = true, s.cur.Indexes()
			}
			if s.cur.NextID() != s.old.NextID() {
				tc.NextIDChanged, tc.NextID = true, s.cur.NextID()
			}
			tbl.ChangedRows(s.old, s.cur, func(_ codec.Key, before tbl.Row, had bool, after tbl.Row, has bool) bool {
				switch {
				case had && has:
					tc.Updated = append(tc.Updated, RowUpdate{Row(before), Row(after)})
				case has:
					tc.Inserted = append(tc.Inserted, Row(after))
				default:
					tc.Deleted = append(tc.Deleted, Row(before))
				}
				return true
			})
		}
		c.Tables = append(c.Tables, tc)
	}
	return c
}

// committer adapts a hub to mvcc.Committer for an in-memory DB: nothing
// to wait for.
type committer struct{ h *hub }

func (c committer) Prepare(base *mvcc.Root[*tbl.Table], changes []mvcc.Change[*tbl.Table]) (any, error) {
	return c.h.prepare(base, changes), nil
}

func (c committer) Commit(seq uint64, prepared any) error {
	c.h.commit(seq, prepared.(*commitRec))
	return nil
}

func (committer) Wait(uint64) error { return nil }

func (c committer) Published(seq uint64) { c.h.publish(seq) }

// ApplyChange applies a Change from another database's feed to db as one
// commit: the way to keep a replica, or to replay a feed. Tables created
// by c replace any table of that name; the other tables c names must
// exist (ErrTableNotFound). Rows are upserted and deleted by primary key,
// index definitions and auto keys follow c. Nothing is published on error.
// Applying the changes of a feed from sequence 1 on, in order, to an empty
// database gives, after each, the tables, rows, indexes and auto keys of
// the source at that commit (the sequence numbers are db's own).
func (db *DB) ApplyChange(c Change) error {
	names := make([]string, len(c.Tables))
	for i, t := range c.Tables {
		switch {
		case t.Name == "":
			return fmt.Errorf("dictdb: ApplyChange: %w: table %d has an empty name", ErrInvalidArgument, i)
		case slices.Contains(names[:i], t.Name):
			return fmt.Errorf("dictdb: ApplyChange: %w: table %q appears twice", ErrInvalidArgument, t.Name)
		}
		names[i] = t.Name
	}
	if len(names) == 0 {
		return nil
	}
	_, err := db.store.Write(names, func(r *mvcc.Root[*tbl.Table]) ([]mvcc.Change[*tbl.Table], error) {
		var changes []mvcc.Change[*tbl.Table]
		for _, tc := range c.Tables {
			if tc.Dropped {
				if _, ok := r.Table(tc.Name); !ok {
					return nil, mvcc.NotFound(tc.Name)
				}
				changes = append(changes, mvcc.Change[*tbl.Table]{Name: tc.Name, Drop: true})
				continue
			}
			if _, ok := r.Table(tc.Name); !ok && !tc.Created {
				return nil, mvcc.NotFound(tc.Name)
			}
			dt, err := deltaOf(&tc)
			if err != nil {
				return nil, inTable(tc.Name, err)
			}
			cur, exists := r.Table(tc.Name)
			next, err := applyTableDelta(cur, exists, dt)
			if err != nil {
				return nil, inTable(tc.Name, err)
			}
			changes = append(changes, mvcc.Change[*tbl.Table]{Name: tc.Name, Value: next})
		}
		return changes, nil
	})
	return err
}

// deltaOf returns a table change as the delta ApplyDelta applies.
func deltaOf(tc *TableChange) (*codec.DeltaTable, error) {
	dt := &codec.DeltaTable{Name: tc.Name}
	if tc.NextIDChanged {
		dt.NextID = tc.NextID
	}
	var idxs []codec.IndexDump
	for _, x := range tc.Indexes {
		idxs = append(idxs, codec.IndexDump{Field: x.Field, Kind: x.Kind.String(), Unique: x.Unique})
	}
	if tc.Created {
		d := &codec.TableDump{Name: tc.Name, PrimaryKey: tc.PrimaryKey, NextID: tc.NextID, Indexes: idxs}
		if tc.Schema != nil {
			d.Schema = []codec.SchemaField{}
			for _, col := range tc.Schema {
				d.Schema = append(d.Schema, codec.SchemaField{Name: col.Name, Type: col.Type.String()})
			}
		}
		dt.Created = d
	} else if tc.IndexesChanged {
		dt.HasIndexes, dt.Indexes = true, idxs
	}
	for _, r := range tc.Inserted {
		dt.Upserts = append(dt.Upserts, stored.Record(tbl.Row(r)))
	}
	for _, u := range tc.Updated {
		dt.Upserts = append(dt.Upserts, stored.Record(tbl.Row(u.After)))
	}
	for _, r := range tc.Deleted {
		k, ok := tbl.Row(r).Get(tc.PrimaryKey)
		if !ok {
			return nil, fmt.Errorf("%w: a deleted row has no primary key %q", ErrInvalidArgument, tc.PrimaryKey)
		}
		dt.Deletes = append(dt.Deletes, k)
	}
	return dt, nil
}
