package dictdb

import (
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// A Table is a handle on one table of a DB. Reads see the latest committed
// version and never block; writes lock this table only, build the next
// version privately and publish it atomically, so a failed write changes
// nothing. A Table is safe for concurrent use.
//
// A handle stays bound to its table. Once that table is dropped (by
// DB.DropTable, Tx.DropTable or a DB.Restore to a state without it), every
// method with an error result fails with ErrTableNotFound, even if a table
// of the same name is created later, and the methods without one return
// zero values: Get and GetRow report false; Count 0; Records, Copy, Keys,
// Columns, SchemaFields, Schema, Indexes and IndexedFields nil; HasIndex
// false; PrimaryKey "". Name still returns the name. View tells whether the
// table is still there. If a DB.Restore brings the table back, the handle
// works again.
//
// A Table's reads are View's, on the current version; use View to run
// several reads on one version.
type Table struct {
	db   *DB
	name string
	id   uint64 // the identity of the table this handle is bound to
}

// Name returns the table name, also after the table was dropped.
func (t *Table) Name() string { return t.name }

// version returns the current version of this handle's table.
func (t *Table) version() (*tbl.Table, error) {
	v, ok := t.db.store.Load().Table(t.name)
	if !ok || v.ID() != t.id {
		return nil, mvcc.NotFound(t.name)
	}
	return v, nil
}

// View returns a read-only view of the table as it is now, in constant
// time: the long-running-query recipe. Later writes never affect it. Once
// the table was dropped it fails with ErrTableNotFound.
func (t *Table) View() (*View, error) {
	v, err := t.version()
	if err != nil {
		return nil, err
	}
	return viewOf(v), nil
}

// view returns a view of the current version, or nil once the table was
// dropped.
func (t *Table) view() *View {
	v, err := t.version()
	if err != nil {
		return nil
	}
	return viewOf(v)
}

// write runs one single-table write: fn gets the current version and
// returns the next one (or an error, which publishes nothing).
func (t *Table) write(fn func(cur *tbl.Table) (*tbl.Table, error)) error {
	_, err := t.db.store.Write([]string{t.name}, func(r *mvcc.Root[*tbl.Table]) ([]mvcc.Change[*tbl.Table], error) {
		cur, ok := r.Table(t.name)
		if !ok || cur.ID() != t.id {
			return nil, mvcc.NotFound(t.name)
		}
		// Writes see what reads see: the rows expired now go in this
		// commit.
		next, err := fn(live(cur))
		if err != nil || next == cur {
			return nil, err
		}
		return []mvcc.Change[*tbl.Table]{{Name: t.name, Value: next}}, nil
	})
	return err
}

// Insert adds rec and returns its primary key (int64 or string). A record
// without the primary-key field (or with a nil one) gets the next auto key:
// one more than the largest integer key the table ever held. The caller's
// map is copied, never kept or modified.
//
// Insert fails, storing nothing, with ErrInvalidRecord (nil or empty rec,
// or a field named ""), ErrUnsupportedValue, ErrInvalidKey, ErrDuplicateKey
// or ErrSchema.
func (t *Table) Insert(rec Record) (any, error) {
	var key codec.Key
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, key, err = cur.Insert(rec)
		return next, err
	})
	if err != nil {
		return nil, err
	}
	return key.Value(), nil
}

// InsertMany adds all recs, or none: any bad record or duplicate key (also
// within the batch) fails the whole call. It returns the keys in order.
func (t *Table) InsertMany(recs []Record) ([]any, error) {
	var keys []codec.Key
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, keys, err = cur.InsertMany(recs)
		return next, err
	})
	if err != nil {
		return nil, err
	}
	return keyValues(keys), nil
}

// Upsert inserts rec or, if its key exists, applies the conflict policy:
// OnConflictUpdate merges rec's fields into the stored record (others are
// kept), OnConflictIgnore leaves it, OnConflictError fails with
// ErrDuplicateKey. The merged record is validated before anything is
// published. It returns the key and what happened.
func (t *Table) Upsert(rec Record, on Conflict) (any, Action, error) {
	var key codec.Key
	var action Action
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, key, action, err = cur.Upsert(rec, on)
		return next, err
	})
	if err != nil {
		return nil, 0, err
	}
	return key.Value(), action, nil
}

// Update merges changes into every record matching where (nil: all) and
// returns how many changed. Matching no record is not an error: it returns
// 0 and nil, like database/sql's RowsAffected. All or nothing: it fails,
// changing nothing, if where is invalid or (with a schema) names a field the
// schema lacks (ErrInvalidQuery), if changes hold a field the schema lacks
// or a value of the wrong type (ErrSchema, also when nothing matches), if
// changes would alter a primary key (ErrPrimaryKeyChange), or if any merged
// record breaks the schema.
func (t *Table) Update(changes Record, where cond.Cond) (int, error) {
	var n int
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, n, err = cur.Update(changes, where)
		return next, err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Delete removes every record matching where (nil: all) and returns how many.
// Matching no record is not an error: it returns 0 and nil. It fails,
// changing nothing, if where is invalid or (with a schema) names a field the
// schema lacks (ErrInvalidQuery).
func (t *Table) Delete(where cond.Cond) (int, error) {
	var n int
	err := t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, n, err = cur.Delete(where)
		return next, err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Get returns a deep copy of the record under key (an integer or a string).
// It reports false if there is none, or if the table was dropped.
func (t *Table) Get(key any) (Record, bool) {
	if r, ok := t.getRow(key); ok {
		return r.Map(), true
	}
	return nil, false
}

// getRow returns the row under key in the current version unless it is
// expired: one row's check, where a View would first leave out every
// expired row.
func (t *Table) getRow(key any) (tbl.Row, bool) {
	v, err := t.version()
	if err != nil {
		return tbl.Row{}, false
	}
	r, ok := v.Get(key)
	if !ok || (v.TTL() != "" && v.Expired(r, now())) {
		return tbl.Row{}, false
	}
	return r, true
}

// GetRow returns the stored record under key as a read-only Row, without
// copying: the zero-copy read path (see Row for what its accessors copy).
// It reports false if there is none, or if the table was dropped.
func (t *Table) GetRow(key any) (Row, bool) {
	r, ok := t.getRow(key)
	return Row(r), ok
}

// Select runs q against the latest version and returns deep copies of the
// result records, which the caller owns; see Query for the order of its
// steps.
func (t *Table) Select(q Query) ([]Record, error) {
	v, err := t.View()
	if err != nil {
		return nil, err
	}
	return v.Select(q)
}

// Rows runs q and returns read-only rows without copying them (see Row for
// what their accessors copy).
func (t *Table) Rows(q Query) ([]Row, error) {
	v, err := t.View()
	if err != nil {
		return nil, err
	}
	return v.Rows(q)
}

// Count returns the number of records, in constant time; 0 once the table
// was dropped (CountWhere(nil) tells a dropped table from an empty one).
func (t *Table) Count() int {
	if v := t.view(); v != nil {
		return v.Count()
	}
	return 0
}

// CountWhere returns the number of records matching where (nil: all).
func (t *Table) CountWhere(where cond.Cond) (int, error) {
	v, err := t.View()
	if err != nil {
		return 0, err
	}
	return v.CountWhere(where)
}

// Records returns deep copies of every record in primary-key order: an
// empty slice for an empty table, nil once the table was dropped. All
// iterates over them without copying.
func (t *Table) Records() []Record {
	if v := t.view(); v != nil {
		return v.Records()
	}
	return nil
}

// Copy returns a map from primary key to a deep copy of each record: an
// empty map for an empty table, nil once the table was dropped.
func (t *Table) Copy() map[any]Record {
	if v := t.view(); v != nil {
		return v.Copy()
	}
	return nil
}

// Keys returns the primary keys in order (integers ascending, then strings
// ascending); nil once the table was dropped.
func (t *Table) Keys() []any {
	if v := t.view(); v != nil {
		return v.Keys()
	}
	return nil
}

// Columns returns the schema's fields in order or, without a schema, the
// sorted union of all records' fields; nil once the table was dropped.
func (t *Table) Columns() []string {
	if v := t.view(); v != nil {
		return v.Columns()
	}
	return nil
}

// PrimaryKey returns the primary-key field name, or "" once the table was
// dropped.
func (t *Table) PrimaryKey() string {
	if v := t.view(); v != nil {
		return v.PrimaryKey()
	}
	return ""
}

// SchemaFields returns the schema's fields in order, or nil without one or
// once the table was dropped.
func (t *Table) SchemaFields() []string {
	if v := t.view(); v != nil {
		return v.SchemaFields()
	}
	return nil
}

// Schema returns the schema's columns in order, or nil without one or once
// the table was dropped.
func (t *Table) Schema() []Column {
	if v := t.view(); v != nil {
		return v.Schema()
	}
	return nil
}

// Indexes returns the table's index definitions in creation order; nil once
// the table was dropped.
func (t *Table) Indexes() []IndexDef {
	if v := t.view(); v != nil {
		return v.Indexes()
	}
	return nil
}

// IndexedFields returns the indexed field names in creation order; nil once
// the table was dropped.
func (t *Table) IndexedFields() []string {
	if v := t.view(); v != nil {
		return v.IndexedFields()
	}
	return nil
}

// HasIndex reports whether field has a secondary index; false once the
// table was dropped.
func (t *Table) HasIndex(field string) bool {
	v := t.view()
	return v != nil && v.HasIndex(field)
}

// Explain describes how Select would run q: the index or key range used and
// its estimated rows, the residual filter, and the sort strategy.
func (t *Table) Explain(q Query) (string, error) {
	v, err := t.View()
	if err != nil {
		return "", err
	}
	return v.Explain(q)
}
