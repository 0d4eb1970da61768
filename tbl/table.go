package tbl

import (
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"sync/atomic"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/internal/btree"
)

// A Table is one immutable version of a table: its rows in primary-key
// order, its schema and its next auto key. Every write method returns a new
// version and leaves the receiver untouched, so a published *Table can be
// read by any number of goroutines without locks.
type Table struct {
	*meta
	rows    *btree.Map[codec.Key, Row]
	nextID  int64             // the next auto key; never reused
	indexes []*idx.Index[Row] // in creation order
	shape   *codec.Shape      // the last inserted record's shape: the first guess for the next
	// rowsVer identifies rows: a process-unique number given to every
	// new row tree a version gets (copies that share rows share it).
	rowsVer uint64
	// touchedFrom, if not 0, is the rowsVer of the version the edit that
	// made this one started from, and touched the keys of every row it
	// changed (see ChangedKeys); touched1 holds the one key of the
	// common single-row edit.
	touchedFrom uint64
	touched     []codec.Key
	touched1    [1]codec.Key
}

// meta is what a table's versions share, never changed once made: a
// version that changes it (WithTTL) gets a new one. Keeping it apart makes
// the version every commit allocates 112 bytes instead of 176.
type meta struct {
	id     uint64
	name   string
	pk     string
	schema *Schema
	ttl    string    // the field whose time expires a row; "" for none (see WithTTL)
	live   *liveSlot // with ttl: the last Live result, shared by the table's versions
}

// rowsVers numbers row trees, for ChangedKeys.
var rowsVers atomic.Uint64

// maxTouched bounds the keys an edit records for ChangedKeys; an edit that
// changes more records none.
const maxTouched = 16

// ChangedKeys returns, when it knows them cheaply, the keys of every row
// that may differ between old and cur: cur must have been made from old
// by one write (Insert, Upsert, Update, Delete, ApplyDelta, ...) that
// changed at most a few rows. Keys may repeat, and a listed row may be
// unchanged. ok is false when cur was not made that way: use DiffRows.
func ChangedKeys(old, cur *Table) (keys []codec.Key, ok bool) {
	switch {
	case old.rowsVer == cur.rowsVer:
		return nil, true
	case cur.touchedFrom == 0 || cur.touchedFrom != old.rowsVer:
		return nil, false
	case cur.touched == nil:
		return cur.touched1[:], true
	}
	return cur.touched, true
}

var tableIDs atomic.Uint64

// New returns an empty table. pk names the primary-key field; schema may be
// nil. Every table gets a process-unique ID, kept by all its versions.
func New(name, pk string, schema *Schema) (*Table, error) {
	if pk == "" {
		return nil, errorf(ErrInvalidArgument, name, "", nil, "empty primary-key field name")
	}
	return &Table{
		meta:    &meta{id: tableIDs.Add(1), name: name, pk: pk, schema: schema},
		rows:    btree.New[codec.Key, Row](codec.CompareKeys),
		nextID:  1,
		rowsVer: rowsVers.Add(1),
	}, nil
}

// ID returns the identity shared by every version of this table.
func (t *Table) ID() uint64 { return t.id }

// Name returns the table name.
func (t *Table) Name() string { return t.name }

// PrimaryKey returns the primary-key field name.
func (t *Table) PrimaryKey() string { return t.pk }

// Schema returns the schema, or nil.
func (t *Table) Schema() *Schema { return t.schema }

// NextID returns the key the next auto-keyed insert will get.
func (t *Table) NextID() int64 { return t.nextID }

// Len returns the number of rows, in constant time.
func (t *Table) Len() int { return t.rows.Len() }

// Get returns the row stored under the primary-key value key (an integer or
// a string of any Go type dictdb accepts).
func (t *Table) Get(key any) (Row, bool) {
	v, err := codec.Normalize(t.pk, key)
	if err != nil {
		return Row{}, false
	}
	k, ok := codec.KeyOf(v)
	if !ok {
		return Row{}, false
	}
	return t.rows.Get(k)
}

// GetKey returns the row stored under k.
func (t *Table) GetKey(k codec.Key) (Row, bool) { return t.rows.Get(k) }

// All iterates over the rows in primary-key order.
func (t *Table) All() iter.Seq2[codec.Key, Row] {
	return t.rows.All()
}

// Columns returns the schema's field names in order or, without a schema,
// the sorted union of every row's fields.
func (t *Table) Columns() []string {
	if t.schema != nil {
		return t.schema.Names()
	}
	seen := map[string]struct{}{}
	var last *codec.Shape
	for _, r := range t.All() {
		if s := r.rec.Shape(); s != last {
			for i := range s.Len() {
				seen[s.Name(i)] = struct{}{}
			}
			last = s
		}
	}
	out := make([]string, 0, len(seen))
	for k := range maps.Keys(seen) {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// withoutRows returns a version of t holding no rows but keeping its next auto
// key, for Delete of everything.
func (t *Table) withoutRows() *Table {
	n := *t
	n.rows = btree.New[codec.Key, Row](codec.CompareKeys)
	n.rowsVer, n.touchedFrom, n.touched = rowsVers.Add(1), 0, nil
	n.indexes = make([]*idx.Index[Row], len(t.indexes))
	for i, x := range t.indexes {
		n.indexes[i] = idx.New[Row](x.Def())
	}
	return &n
}

// recordKey extracts the primary key of a normalized record. An absent or
// nil key means "assign the next auto key".
func (t *Table) recordKey(rec codec.Record) (k codec.Key, auto bool, err error) {
	v, present := rec.Get(t.pk)
	if !present || v == nil {
		return codec.Key{}, true, nil
	}
	k, ok := codec.KeyOf(v)
	if !ok {
		e := errorf(ErrInvalidKey, t.name, t.pk, nil, "invalid primary key: want an integer or a string, got %s", codec.TypeName(v))
		e.Value = codec.Clone(v)
		return codec.Key{}, false, e
	}
	return k, false, nil
}

// autoKey returns the next auto key, skipping nothing: keys below nextID may
// exist, keys at or above it never do, except after the int64 range ran out.
func (t *Table) autoKey(e *edit) (codec.Key, error) {
	k := codec.IntKey(e.nextID)
	if _, exists := e.get(k); exists {
		return k, errorf(ErrDuplicateKey, t.name, t.pk, e.nextID, "duplicate key: auto keys are exhausted")
	}
	return k, nil
}

// normalizeRecord validates and copies a caller's record. If ensure is not
// empty the record gets that field (nil if rec lacks it).
func (t *Table) normalizeRecord(n *codec.Normalizer, rec map[string]any, ensure string) (codec.Record, error) {
	if len(rec) == 0 {
		return codec.Record{}, errorf(ErrInvalidRecord, t.name, "", nil, "invalid record: no fields")
	}
	return n.Normalize(rec, ensure)
}

// prepareInsert turns a caller's record into the row to store and its key.
func (t *Table) prepareInsert(e *edit, rec map[string]any) (codec.Key, codec.Record, error) {
	m, err := t.normalizeRecord(&e.norm, rec, t.pk)
	if err != nil {
		return codec.Key{}, codec.Record{}, err
	}
	return t.prepareRecord(e, m)
}

// prepareRecord finishes a normalized record that has a slot for the primary
// key: it assigns the key and checks it and the schema.
func (t *Table) prepareRecord(e *edit, m codec.Record) (codec.Key, codec.Record, error) {
	k, auto, err := t.recordKey(m)
	if err != nil {
		return k, codec.Record{}, err
	}
	if auto {
		if k, err = t.autoKey(e); err != nil {
			return k, codec.Record{}, err
		}
	}
	// The record holds the key's own value. An integer or string it was
	// given already is that value: keeping its box saves one per row.
	slot := m.Shape().Slot(t.pk)
	if auto || !isKeyValue(m.Values()[slot]) { // an automatic key, or a whole float64 such as 7.0
		m.Values()[slot] = k.Value()
	}
	if _, exists := e.get(k); exists {
		return k, codec.Record{}, duplicateKey(t.name, k.Value())
	}
	if t.schema != nil {
		if err := t.schema.validate(t.name, m); err != nil {
			return k, codec.Record{}, withKey(err, k.Value())
		}
	}
	return k, m, nil
}

// isKeyValue tells whether v is a key's own value: an int64 or a string.
func isKeyValue(v any) bool {
	switch v.(type) {
	case int64, string:
		return true
	}
	return false
}

// Insert returns a version with rec added, and rec's key. The caller's map is
// copied, never retained or modified.
func (t *Table) Insert(rec map[string]any) (*Table, codec.Key, error) {
	e := t.edit()
	k, m, err := t.prepareInsert(&e, rec)
	if err != nil {
		return t, k, err
	}
	if err := e.store(k, Row{m}, Row{}, false); err != nil { // prepareInsert found no row under k
		return t, k, err
	}
	return e.done(), k, nil
}

// InsertMany returns a version with all recs added, and their keys in order;
// on any error (a bad record, a duplicate key, inside the batch too) it
// returns t unchanged and an error naming the failing record's position.
func (t *Table) InsertMany(recs []map[string]any) (*Table, []codec.Key, error) {
	e := t.edit()
	for i := range e.nIndexes {
		e.index(i).Grow(len(recs))
	}
	keys := make([]codec.Key, 0, len(recs))
	for i, rec := range recs {
		k, m, err := t.prepareInsert(&e, rec)
		if err != nil {
			return t, nil, fmt.Errorf("record %d: %w", i, err)
		}
		if err := e.store(k, Row{m}, Row{}, false); err != nil { // prepareInsert found no row under k
			return t, nil, fmt.Errorf("record %d: %w", i, err)
		}
		keys = append(keys, k)
	}
	return e.done(), keys, nil
}

// Action says what Upsert did.
type Action uint8

// The outcomes of Upsert.
const (
	Inserted Action = iota + 1
	Updated
	Ignored
)

// String returns "inserted", "updated" or "ignored".
func (a Action) String() string {
	switch a {
	case Inserted:
		return "inserted"
	case Updated:
		return "updated"
	case Ignored:
		return "ignored"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Conflict says what Upsert does when the key already exists.
type Conflict uint8

// The conflict policies of Upsert.
const (
	OnConflictUpdate Conflict = iota // merge the record into the stored one
	OnConflictIgnore                 // keep the stored record
	OnConflictError                  // fail with ErrDuplicateKey
)

// Upsert inserts rec, or, if its key exists, applies the conflict policy.
// The update policy merges rec's fields into the stored record (fields not
// in rec are kept) and validates the merged record before anything changes.
func (t *Table) Upsert(rec map[string]any, on Conflict) (*Table, codec.Key, Action, error) {
	if on > OnConflictError {
		return t, codec.Key{}, 0, errorf(ErrInvalidArgument, t.name, "", nil, "invalid argument: unknown conflict policy %d", on)
	}
	e := t.edit()
	m, err := t.normalizeRecord(&e.norm, rec, t.pk)
	if err != nil {
		return t, codec.Key{}, 0, err
	}
	k, auto, err := t.recordKey(m)
	if err != nil {
		return t, k, 0, err
	}
	old, exists := t.rows.Get(k)
	if auto || !exists {
		k, m, err := t.prepareRecord(&e, m)
		if err == nil {
			err = e.store(k, Row{m}, Row{}, false) // prepareRecord found no row under k
		}
		if err != nil {
			return t, k, Inserted, err
		}
		return e.done(), k, Inserted, nil
	}
	switch on {
	case OnConflictIgnore:
		return t, k, Ignored, nil
	case OnConflictError:
		return t, k, 0, duplicateKey(t.name, k.Value())
	}
	merged := e.merge(old.rec, m, t.pk, k)
	if t.schema != nil {
		if err := t.schema.validate(t.name, merged); err != nil {
			return t, k, 0, withKey(err, k.Value())
		}
	}
	if err := e.store(k, Row{merged}, old, true); err != nil { // the edit has not touched k yet
		return t, k, 0, err
	}
	return e.done(), k, Updated, nil
}

// Update merges changes into every row matching where (nil matches all) and
// returns the new version and the number of rows changed. When no row
// matches it returns t itself and 0, with no error. It fails, changing
// nothing, if where is invalid or (with a schema) names a field the schema
// lacks (cond.ErrInvalidQuery), if changes hold a field the schema lacks or
// a value of the wrong type (ErrSchema, whether or not a row matches), if
// changes would alter a primary key (ErrPrimaryKeyChange) or if any merged
// row breaks the schema.
func (t *Table) Update(changes map[string]any, where cond.Cond) (*Table, int, error) {
	e := t.edit()
	ch, err := t.normalizeRecord(&e.norm, changes, "")
	if err != nil {
		return t, 0, err
	}
	match, err := t.compileWhere(where)
	if err != nil {
		return t, 0, err
	}
	if t.schema != nil {
		if err := t.schema.validateChanges(t.name, t.pk, ch); err != nil {
			return t, 0, err
		}
	}
	newPK, setsPK := ch.Get(t.pk)
	n := 0
	for k, old := range t.candidates(where) {
		if !match(old.rec) {
			continue
		}
		if setsPK && !codec.Equal(newPK, k.Value()) {
			return t, 0, errorf(ErrPrimaryKeyChange, t.name, t.pk, k.Value(), "primary key change")
		}
		merged := e.merge(old.rec, ch, t.pk, k)
		if t.schema != nil {
			if err := t.schema.validate(t.name, merged); err != nil {
				return t, 0, withKey(err, k.Value())
			}
		}
		if err := e.put(k, Row{merged}); err != nil {
			return t, 0, err
		}
		n++
	}
	if n == 0 {
		return t, 0, nil
	}
	return e.done(), n, nil
}

// Delete removes every row matching where (nil matches all) and returns the
// new version and the count. When no row matches it returns t itself and 0,
// with no error. It fails, changing nothing, if where is invalid or (with a
// schema) names a field the schema lacks (cond.ErrInvalidQuery).
func (t *Table) Delete(where cond.Cond) (*Table, int, error) {
	match, err := t.compileWhere(where)
	if err != nil {
		return t, 0, err
	}
	if where == nil && t.rows.Len() > 0 {
		return t.withoutRows(), t.rows.Len(), nil
	}
	e := t.edit()
	n := 0
	for k, old := range t.candidates(where) {
		if match(old.rec) {
			e.remove(k)
			n++
		}
	}
	if n == 0 {
		return t, 0, nil
	}
	return e.done(), n, nil
}

// An edit is a private next version under construction. It changes its
// own copies of the rows and indexes in place: they start out sharing every
// node with the base version and copy a node on its first change, so the
// base (and every version before it) never changes. done publishes them as
// a new *Table.
type edit struct {
	base    *Table
	touched []codec.Key                  // the keys changed, up to maxTouched+1
	rows    btree.Editor[codec.Key, Row] // values, not pointers: fewer allocations per commit
	// The index builders, one per index in creation order (see index):
	// the first apart, so that the common one-index table's edit, which
	// lives on the stack, allocates none.
	first    idx.Builder[Row]
	rest     []idx.Builder[Row]
	nIndexes int
	nextID   int64
	norm     codec.Normalizer // remembers the shapes of this edit's records
}

// edit starts an edit of t. It is a value, not a pointer, so that an edit
// used and finished within one call (a single-row write) lives on the
// stack: 224 bytes of garbage fewer per commit.
func (t *Table) edit() edit {
	e := edit{base: t, rows: *t.rows.Edit(), nIndexes: len(t.indexes), nextID: t.nextID}
	if len(t.indexes) > 1 {
		e.rest = make([]idx.Builder[Row], len(t.indexes)-1)
	}
	for i, x := range t.indexes {
		*e.index(i) = *x.Edit()
	}
	e.norm = *codec.NewNormalizer(t.shape)
	return e
}

// index returns the builder of the edit's i-th index.
func (e *edit) index(i int) *idx.Builder[Row] {
	if i == 0 {
		return &e.first
	}
	return &e.rest[i-1]
}

// merge returns a new record: old with the fields of changes set, and the
// primary key field set to k's value.
func (e *edit) merge(old, changes codec.Record, pk string, k codec.Key) codec.Record {
	merged := e.norm.Merge(old, changes)
	merged.Values()[merged.Shape().Slot(pk)] = k.Value()
	return merged
}

// get reads the edit's current state.
func (e *edit) get(k codec.Key) (Row, bool) { return e.rows.Get(k) }

// put stores r under k, maintaining every index. It fails, before changing
// anything, if a unique index already holds r's value for another key.
func (e *edit) put(k codec.Key, r Row) error {
	old, hadOld := e.get(k)
	return e.store(k, r, old, hadOld)
}

// store is put for a caller that already knows k's current row in the
// edit (old, if hadOld), which saves looking it up again.
func (e *edit) store(k codec.Key, r Row, old Row, hadOld bool) error {
	for i := range e.nIndexes {
		x := e.index(i)
		def := x.Def()
		if !def.Unique {
			continue
		}
		v, _ := r.rec.Get(def.Field)
		if other, clash := x.Conflict(v, k); clash {
			return uniqueClash(e.base.name, def.Field, k.Value(), other.Value(), v,
				"duplicate key: unique index value %s is held by record %s", valueText(v), valueText(other.Value()))
		}
	}
	for i := range e.nIndexes {
		x := e.index(i)
		f := x.Def().Field
		ov, _ := old.rec.Get(f)
		v, _ := r.rec.Get(f)
		x.Put(ov, hadOld, v, k, r)
	}
	e.rows.Set(k, r)
	e.touch(k)
	if i, ok := k.Int(); ok && i >= e.nextID {
		if i == math.MaxInt64 {
			e.nextID = math.MaxInt64
		} else {
			e.nextID = i + 1
		}
	}
	return nil
}

// remove deletes the row under k and its index entries.
func (e *edit) remove(k codec.Key) {
	old, ok := e.get(k)
	if !ok {
		return
	}
	for i := range e.nIndexes {
		x := e.index(i)
		v, _ := old.rec.Get(x.Def().Field)
		x.Remove(v, k)
	}
	e.rows.Delete(k)
	e.touch(k)
}

// touch records that the row under k changed.
func (e *edit) touch(k codec.Key) {
	if len(e.touched) <= maxTouched {
		e.touched = append(e.touched, k)
	}
}

// done returns the new version. The edit may go on afterwards without
// changing it.
func (e *edit) done() *Table {
	n := *e.base
	n.rows, n.nextID = e.rows.Map(), e.nextID
	n.indexes = make([]*idx.Index[Row], e.nIndexes)
	for i := range e.nIndexes {
		n.indexes[i] = e.index(i).Index()
	}
	if s := e.norm.Last(); s != nil {
		n.shape = s
	}
	n.touchedFrom, n.touched = 0, nil
	if n.rows != e.base.rows {
		n.rowsVer = rowsVers.Add(1)
		switch {
		case len(e.touched) == 1:
			n.touchedFrom, n.touched1[0] = e.base.rowsVer, e.touched[0]
		case len(e.touched) <= maxTouched:
			n.touchedFrom, n.touched = e.base.rowsVer, slices.Clone(e.touched)
		}
	}
	checkInvariants(&n)
	return &n
}
