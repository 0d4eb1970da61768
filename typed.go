package dictdb

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"strings"
	"unsafe"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/tbl"
)

// typedHandle is what a typed table reads and writes through: a live Table
// or a transaction's TxTable.
type typedHandle interface {
	Name() string
	PrimaryKey() string
	View() (*View, error)
	Insert(rec Record) (any, error)
	InsertMany(recs []Record) ([]any, error)
	Upsert(rec Record, on Conflict) (any, Action, error)
	Update(changes Record, where cond.Cond) (int, error)
	Delete(where cond.Cond) (int, error)
	// insertRecords inserts records built by a layout, handing them over;
	// insertRecord one.
	insertRecords(recs []codec.Record) ([]codec.Key, error)
	insertRecord(rec codec.Record) (codec.Key, error)
}

// A Typed is a table seen through the Go struct type T: the write and read
// API of Table (or, from TxTableOf, of a TxTable inside a transaction) in
// terms of T, so that callers write and read their own types instead of
// maps. A Typed is as safe for concurrent use as the handle beneath it.
// (The typed layer lives in this package, not a subpackage, because it
// reads the stored rows in place, which only this package can reach.)
//
// # Mapping
//
// A struct maps onto a record field by field, as encoding/json maps it onto
// an object. Exported fields are stored under their Go name, or under the
// name a `dictdb:"name"` tag gives; options follow a comma:
//
//	ID    int64     `dictdb:"id,pk"`       // the primary key
//	Name  string    `dictdb:"name"`
//	Email string    `dictdb:",omitempty"`  // left out when ""
//	Temp  string    `dictdb:"-"`           // never stored
//
// pk marks the primary-key field (an integer or string type); CreateTableOf
// and WithSchemaOf make it the table's primary key, and TableOf checks that
// it is. A pk field of an integer type holding 0 is left out of the record,
// so Insert assigns the next auto key, as for a map without the key.
// omitempty leaves out a field holding its zero value (false, 0, "", a nil
// or empty slice or map, a nil pointer, the zero time.Time, a zero struct).
//
// The Go types map onto the value model: bool; every integer type to int64
// (an unsigned value above math.MaxInt64 fails with ErrUnsupportedValue);
// float32 and float64 to float64 (NaN and infinities fail); string;
// []byte to bytes; time.Time to a time (UTC, no monotonic reading); slices
// and arrays to lists; maps with string keys to maps; a nested struct to a
// map of its fields; a pointer to its element's value, nil to null; any to
// its normalized dynamic value. Named types map as their underlying type.
// The fields of an embedded struct are promoted into the record, as
// encoding/json promotes them; of two fields of one name the shallower
// wins, and two at the same depth make the type unsupported. Embedded
// pointers to structs are not supported. Channels, functions, complex
// numbers, unsafe pointers, uintptr, interfaces with methods and maps
// whose keys are not strings are rejected with ErrUnsupportedType, naming
// the field, when the typed table is made, never on a later write.
//
// Reading a record fills a zero T: each struct field takes the stored value
// of its name, converted back (an integer stored for a float field, or an
// integral float for an integer field, converts; a value out of the field's
// range or of another kind fails with ErrTypeMismatch naming the record
// and field); a field the record lacks stays zero, and a record field the
// struct lacks is ignored. Values read share nothing with the store.
//
// The mapping of a type is compiled once, on first use, and cached: a list
// of fields with their offsets and a converter for each, so writes and
// reads never walk the type with reflection.
//
// # Queries
//
// Conditions, orderings and projections name record fields, as in the map
// API (cond.Field("age")). A typed table checks at query time that every
// field they name maps onto a field of T (or is the table's primary key),
// and fails with ErrInvalidQuery naming the first one that does not: a
// typo cannot silently match nothing.
type Typed[T any] struct {
	h   typedHandle
	sc  *structCodec
	lay *layout // T's records with every field present, on this table
}

// A TypedView is the read API of a View through the Go struct type T: one
// table at one version, such as a table of a Snapshot. It never changes
// and is safe for concurrent use.
type TypedView[T any] struct {
	v  *View
	sc *structCodec
}

// codecOf returns the compiled mapping of T.
func codecOf[T any]() (*structCodec, error) {
	return codecFor(reflect.TypeFor[T]())
}

// TableOf returns the typed table over the existing table name. It fails
// with ErrTableNotFound, with ErrUnsupportedType if T cannot be mapped
// (naming the field), and with ErrInvalidArgument if T's pk field maps to
// another field than the table's primary key.
func TableOf[T any](db *DB, name string) (*Typed[T], error) {
	sc, err := codecOf[T]()
	if err != nil {
		return nil, err
	}
	if db == nil {
		return nil, fmt.Errorf("%w: TableOf needs a database", ErrInvalidArgument)
	}
	t, err := db.Table(name)
	if err != nil {
		return nil, err
	}
	return typedOn[T](t, sc)
}

// CreateTableOf creates the table name, with T's pk field as primary key
// unless opts name another, and returns the typed table over it. It fails
// as DB.CreateTable and TableOf do. Add WithSchemaOf[T]() to opts to give
// the table a schema derived from T.
func CreateTableOf[T any](db *DB, name string, opts ...TableOption) (*Typed[T], error) {
	sc, err := codecOf[T]()
	if err != nil {
		return nil, err
	}
	if db == nil {
		return nil, fmt.Errorf("%w: CreateTableOf needs a database", ErrInvalidArgument)
	}
	if sc.pk != nil {
		opts = append([]TableOption{PrimaryKey(sc.pk.name)}, opts...)
	}
	t, err := db.CreateTable(name, opts...)
	if err != nil {
		return nil, err
	}
	return typedOn[T](t, sc)
}

// TxTableOf returns the typed table over the table name of a transaction:
// its writes are part of tx and its reads see them. It fails as
// Tx.Table and TableOf do.
func TxTableOf[T any](tx *Tx, name string) (*Typed[T], error) {
	sc, err := codecOf[T]()
	if err != nil {
		return nil, err
	}
	if tx == nil {
		return nil, fmt.Errorf("%w: TxTableOf needs a transaction", ErrInvalidArgument)
	}
	t, err := tx.Table(name)
	if err != nil {
		return nil, err
	}
	return typedOn[T](t, sc)
}

// ViewOf returns the typed view over v, for example a table of a Snapshot.
// It fails as TableOf does.
func ViewOf[T any](v *View) (*TypedView[T], error) {
	sc, err := codecOf[T]()
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("%w: ViewOf needs a view", ErrInvalidArgument)
	}
	if err := checkPK(sc, v.Name(), v.PrimaryKey()); err != nil {
		return nil, err
	}
	return &TypedView[T]{v: v, sc: sc}, nil
}

func typedOn[T any](h typedHandle, sc *structCodec) (*Typed[T], error) {
	if err := checkPK(sc, h.Name(), h.PrimaryKey()); err != nil {
		return nil, err
	}
	return &Typed[T]{h: h, sc: sc, lay: sc.layout(h.PrimaryKey())}, nil
}

// checkPK fails if sc has a pk field that is not the table's primary key.
func checkPK(sc *structCodec, table, pk string) error {
	if sc.pk != nil && sc.pk.name != pk {
		return &tbl.Error{Err: ErrInvalidArgument, Table: table,
			Msg: fmt.Sprintf("%s: field %s is tagged pk as %q, but the primary key is %q", sc.typ, sc.pk.goPath, sc.pk.name, pk)}
	}
	return nil
}

// WithSchemaOf gives the table a schema derived from T (see WithSchema),
// and T's pk field as primary key: every field of T becomes a required,
// non-null column of the schema type its Go type maps to (integers Int,
// floats Float, strings Str, bools Bool, slices and arrays List, maps and
// nested structs Dict). Records that others write through the map API
// must then fit T. Since schema columns are non-null, T must not have
// fields of other types (time.Time, []byte, pointers, any) nor omitempty
// fields other than the primary key: table creation fails with
// ErrUnsupportedType naming such a field. A nil slice or map is stored as
// null, which the schema rejects: give such fields empty values.
func WithSchemaOf[T any]() TableOption {
	return func(c *tableConfig) {
		sc, err := codecOf[T]()
		if err != nil {
			c.err = err
			return
		}
		cols, pk, err := sc.schemaColumns()
		if err != nil {
			c.err = err
			return
		}
		c.schema, c.hasSch = cols, true
		if pk != "" {
			c.pk = pk
		}
	}
}

// Name returns the table name.
func (t *Typed[T]) Name() string { return t.h.Name() }

// record encodes v.
func (t *Typed[T]) record(v *T) (Record, error) {
	rec, err := t.sc.record(unsafe.Pointer(v))
	if err != nil {
		return nil, &tbl.Error{Err: ErrUnsupportedValue, Table: t.h.Name(), Msg: err.Error()}
	}
	return rec, nil
}

// compact encodes v as a stored record when the table's layout fits it
// (no field left out by omitempty); ok is false when it does not.
func (t *Typed[T]) compact(v *T) (rec codec.Record, ok bool, err error) {
	rec, ok, err = t.lay.record(unsafe.Pointer(v))
	if err != nil {
		err = &tbl.Error{Err: ErrUnsupportedValue, Table: t.h.Name(), Msg: err.Error()}
	}
	return rec, ok, err
}

// Insert adds v and returns its primary key (int64 or string), as
// Table.Insert does with v's record.
func (t *Typed[T]) Insert(v T) (any, error) {
	rec, ok, err := t.compact(&v)
	if err != nil {
		return nil, err
	}
	if ok {
		key, err := t.h.insertRecord(rec)
		if err != nil {
			return nil, err
		}
		return key.Value(), nil
	}
	m, err := t.record(&v)
	if err != nil {
		return nil, err
	}
	return t.h.Insert(m)
}

// InsertMany adds all of vs or none, as Table.InsertMany does, and returns
// their keys in order.
func (t *Typed[T]) InsertMany(vs []T) ([]any, error) {
	recs := make([]codec.Record, len(vs))
	for i := range vs {
		rec, ok, err := t.compact(&vs[i])
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		if !ok {
			return t.insertManyMaps(vs)
		}
		recs[i] = rec
	}
	if len(recs) == 0 {
		return t.h.InsertMany(nil) // the map API's answer for no records
	}
	keys, err := t.h.insertRecords(recs)
	if err != nil {
		return nil, err
	}
	return keyValues(keys), nil
}

// insertManyMaps is InsertMany through maps, for records of several shapes.
func (t *Typed[T]) insertManyMaps(vs []T) ([]any, error) {
	recs := make([]Record, len(vs))
	for i := range vs {
		rec, err := t.record(&vs[i])
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		recs[i] = rec
	}
	return t.h.InsertMany(recs)
}

// insertRecords is the typed layer's insert of records built whole.
func (t *Table) insertRecords(recs []codec.Record) (keys []codec.Key, err error) {
	err = t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, keys, err = cur.InsertRecords(recs)
		return next, err
	})
	return keys, err
}

// insertRecord is insertRecords for one record.
func (t *Table) insertRecord(rec codec.Record) (key codec.Key, err error) {
	err = t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, key, err = cur.InsertRecord(rec)
		return next, err
	})
	return key, err
}

// insertRecord is Table.insertRecord inside the transaction.
func (t *TxTable) insertRecord(rec codec.Record) (key codec.Key, err error) {
	err = t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, key, err = cur.InsertRecord(rec)
		return next, err
	})
	return key, err
}

// insertRecords is Table.insertRecords inside the transaction.
func (t *TxTable) insertRecords(recs []codec.Record) (keys []codec.Key, err error) {
	err = t.write(func(cur *tbl.Table) (next *tbl.Table, err error) {
		next, keys, err = cur.InsertRecords(recs)
		return next, err
	})
	return keys, err
}

// Upsert inserts v or, if its key exists, applies on as Table.Upsert does:
// OnConflictUpdate merges v's fields into the stored record (fields left
// out by omitempty keep their stored values).
func (t *Typed[T]) Upsert(v T, on Conflict) (any, Action, error) {
	rec, err := t.record(&v)
	if err != nil {
		return nil, 0, err
	}
	return t.h.Upsert(rec, on)
}

// Update writes v over the stored record with v's primary key: v's fields
// are merged into it (fields left out by omitempty keep their stored
// values, record fields T lacks are kept). It fails with ErrNotFound if no
// record has the key, and with ErrInvalidArgument if T has no pk field or
// v's is zero.
func (t *Typed[T]) Update(v T) error {
	if t.sc.pk == nil {
		return &tbl.Error{Err: ErrInvalidArgument, Table: t.h.Name(), Msg: fmt.Sprintf("Update: %s has no field tagged pk", t.sc.typ)}
	}
	rec, err := t.record(&v)
	if err != nil {
		return err
	}
	key, ok := rec[t.sc.pk.name]
	if !ok {
		return &tbl.Error{Err: ErrInvalidArgument, Table: t.h.Name(), Field: t.sc.pk.name, Msg: "Update: the primary key is zero"}
	}
	n, err := t.h.Update(rec, cond.Field(t.sc.pk.name).Eq(key))
	if err != nil {
		return err
	}
	if n == 0 {
		return &tbl.Error{Err: ErrNotFound, Table: t.h.Name(), Key: key, Msg: "no such record"}
	}
	return nil
}

// UpdateWhere merges changes into every record matching where, as
// Table.Update does, after checking that every field changes and where
// name maps onto T.
func (t *Typed[T]) UpdateWhere(changes Record, where cond.Cond) (int, error) {
	for f := range changes {
		if err := t.sc.checkName(t.h.Name(), t.h.PrimaryKey(), "changes", f); err != nil {
			return 0, err
		}
	}
	if err := t.sc.checkWhere(t.h.Name(), t.h.PrimaryKey(), where); err != nil {
		return 0, err
	}
	return t.h.Update(changes, where)
}

// Delete removes the record under key and reports whether there was one.
func (t *Typed[T]) Delete(key any) (bool, error) {
	n, err := t.h.Delete(cond.Field(t.h.PrimaryKey()).Eq(key))
	return n > 0, err
}

// DeleteWhere removes every record matching where, as Table.Delete does,
// after checking that every field where names maps onto T.
func (t *Typed[T]) DeleteWhere(where cond.Cond) (int, error) {
	if err := t.sc.checkWhere(t.h.Name(), t.h.PrimaryKey(), where); err != nil {
		return 0, err
	}
	return t.h.Delete(where)
}

// View returns the typed view of the table's current version (for a
// transaction's table, its staged version).
func (t *Typed[T]) View() (*TypedView[T], error) {
	v, err := t.h.View()
	if err != nil {
		return nil, err
	}
	return &TypedView[T]{v: v, sc: t.sc}, nil
}

// Get returns the record under key as a T, and whether there is one. It
// fails with ErrTableNotFound once the table was dropped and with
// ErrTypeMismatch if the record does not fit T.
func (t *Typed[T]) Get(key any) (T, bool, error) {
	v, err := t.View()
	if err != nil {
		var zero T
		return zero, false, err
	}
	return v.Get(key)
}

// Select runs q on the current version and returns the result records as
// Ts; see TypedView.Select.
func (t *Typed[T]) Select(q Query) ([]T, error) {
	v, err := t.View()
	if err != nil {
		return nil, err
	}
	return v.Select(q)
}

// Count returns the number of records; 0 once the table was dropped.
func (t *Typed[T]) Count() int {
	v, err := t.View()
	if err != nil {
		return 0
	}
	return v.Count()
}

// All iterates over every record in primary-key order, as Ts, reading the
// version current when the iteration starts; see TypedView.All.
func (t *Typed[T]) All() iter.Seq2[T, error] {
	return t.ScanContext(context.Background(), Query{})
}

// Scan streams the result of q as Ts, reading the version current when the
// iteration starts; see TypedView.Scan.
func (t *Typed[T]) Scan(q Query) iter.Seq2[T, error] {
	return t.ScanContext(context.Background(), q)
}

// ScanContext is Scan that stops, yielding ctx.Err(), once ctx ends.
func (t *Typed[T]) ScanContext(ctx context.Context, q Query) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		v, err := t.View()
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		v.ScanContext(ctx, q)(yield)
	}
}

// Name returns the table name.
func (v *TypedView[T]) Name() string { return v.v.Name() }

// Count returns the number of records, in constant time.
func (v *TypedView[T]) Count() int { return v.v.Count() }

// decode returns row as a T.
func (v *TypedView[T]) decode(r tbl.Row, out *T) error {
	return v.sc.decodeRow(v.v.Name(), r, unsafe.Pointer(out))
}

// Get returns the record under key as a T, and whether there is one. It
// fails with ErrTypeMismatch if the record does not fit T.
func (v *TypedView[T]) Get(key any) (T, bool, error) {
	var out T
	r, ok := v.v.t.Get(key)
	if !ok {
		return out, false, nil
	}
	if err := v.decode(r, &out); err != nil {
		var zero T
		return zero, false, err
	}
	return out, true, nil
}

// Select runs q and returns the result records as Ts. It fails as
// View.Select does, with ErrInvalidQuery if q names a field that does not
// map onto T, and with ErrTypeMismatch if a record does not fit T. With
// Columns, each T holds the projected fields (under their aliases, which
// must map onto T too) and zero values elsewhere.
func (v *TypedView[T]) Select(q Query) ([]T, error) {
	if err := v.sc.checkQuery(v.v.Name(), v.v.PrimaryKey(), q); err != nil {
		return nil, err
	}
	rows, err := v.v.t.Select(tbl.Query(q))
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		if err := v.decode(r, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// All iterates over every record in primary-key order as Ts. A record that
// does not fit T is yielded as an error (ErrTypeMismatch) with a zero T,
// and the iteration goes on unless the loop breaks.
func (v *TypedView[T]) All() iter.Seq2[T, error] {
	return v.ScanContext(context.Background(), Query{})
}

// Scan streams the result of q as Ts, in the order and with the costs of
// View.Scan. An invalid query (also one naming a field that does not map
// onto T) is yielded once as an error with a zero T; a record that does not
// fit T is yielded as an error with a zero T, and the iteration goes on
// unless the loop breaks.
func (v *TypedView[T]) Scan(q Query) iter.Seq2[T, error] {
	return v.ScanContext(context.Background(), q)
}

// ScanContext is Scan that stops, yielding ctx.Err(), once ctx ends.
func (v *TypedView[T]) ScanContext(ctx context.Context, q Query) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := v.sc.checkQuery(v.v.Name(), v.v.PrimaryKey(), q); err != nil {
			yield(zero, err)
			return
		}
		scanTable(ctx, v.v.t, q, func(r tbl.Row) bool {
			var out T
			if err := v.decode(r, &out); err != nil {
				return yield(zero, err)
			}
			return yield(out, nil)
		}, func(err error) { yield(zero, err) })
	}
}

// checkName fails with ErrInvalidQuery if field maps onto no field of the
// struct and is not the table's primary key pk; part says which part of
// the query names it.
func (sc *structCodec) checkName(table, pk, part, field string) error {
	if _, ok := sc.byName[field]; ok || field == pk {
		return nil
	}
	return &cond.QueryError{Table: table, Field: field, Msg: fmt.Sprintf("%s: no field of %s maps to it", part, sc.typ)}
}

// checkWhere checks every field c names, once cond.Compile has bounded
// its depth (an invalid condition is left to the table to report).
func (sc *structCodec) checkWhere(table, pk string, c cond.Cond) error {
	if c == nil {
		return nil
	}
	if _, err := cond.Compile(c); err != nil {
		return nil
	}
	return sc.checkCond(table, pk, c)
}

func (sc *structCodec) checkCond(table, pk string, c cond.Cond) error {
	switch c := c.(type) {
	case *cond.Pred:
		if c.Field != "" {
			return sc.checkName(table, pk, "Where", c.Field)
		}
	case *cond.AndCond:
		for _, x := range c.Terms {
			if err := sc.checkCond(table, pk, x); err != nil {
				return err
			}
		}
	case *cond.OrCond:
		for _, x := range c.Terms {
			if err := sc.checkCond(table, pk, x); err != nil {
				return err
			}
		}
	case *cond.NotCond:
		return sc.checkCond(table, pk, c.Term)
	}
	return nil
}

// checkQuery checks every field q names: in Where, OrderBy, and both the
// Field and the Alias of Columns.
func (sc *structCodec) checkQuery(table, pk string, q Query) error {
	if err := sc.checkWhere(table, pk, q.Where); err != nil {
		return err
	}
	for _, o := range q.OrderBy {
		name := strings.TrimPrefix(o, "-")
		if name == "" {
			continue // the table reports the malformed entry
		}
		if err := sc.checkName(table, pk, "OrderBy", name); err != nil {
			return err
		}
	}
	for _, c := range q.Columns {
		if c.Field == "" || c.Alias == "" {
			continue
		}
		if err := sc.checkName(table, pk, "Columns", c.Field); err != nil {
			return err
		}
		if err := sc.checkName(table, pk, "Columns", c.Alias); err != nil {
			return err
		}
	}
	return nil
}
