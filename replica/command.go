package replica

import (
	"fmt"
	"slices"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// opKind is the kind of an Op.
type opKind uint8

const (
	opInsert opKind = iota + 1
	opInsertMany
	opUpsert
	opUpdate
	opDelete
	opCreateTable
	opDropTable
	opCreateIndex
	opDropIndex
	opCheck
)

var opNames = [...]string{
	opInsert:      "insert",
	opInsertMany:  "insert many",
	opUpsert:      "upsert",
	opUpdate:      "update",
	opDelete:      "delete",
	opCreateTable: "create table",
	opDropTable:   "drop table",
	opCreateIndex: "create index",
	opDropIndex:   "drop index",
	opCheck:       "check",
}

func (k opKind) String() string {
	if int(k) < len(opNames) && opNames[k] != "" {
		return opNames[k]
	}
	return fmt.Sprintf("op(%d)", uint8(k))
}

// An Op is one logical write: build it with Insert, InsertMany, Upsert,
// Update, Delete, CreateTable, DropTable, CreateIndex, DropIndex or Check,
// and replicate it alone (Node.Apply) or with others as one atomic batch
// (Node.Batch). An Op holds its values as given; they are normalized and
// encoded when the Op is proposed.
type Op struct {
	kind    opKind
	table   string
	rec     dictdb.Record   // insert, upsert; changes of update
	recs    []dictdb.Record // insert many
	where   cond.Cond       // update, delete, check
	on      dictdb.Conflict // upsert
	pk      string          // create table
	schema  []dictdb.Column // create table, when hasSchema
	hasSch  bool
	field   string // create/drop index
	kindIdx dictdb.IndexKind
	unique  bool
	min     int // check
	max     int
}

// Insert inserts rec into table, as Table.Insert. Without a primary key,
// the record gets the table's next auto key, which every node computes
// alike from the replicated state.
func Insert(table string, rec dictdb.Record) Op { return Op{kind: opInsert, table: table, rec: rec} }

// InsertMany inserts recs into table, all or nothing, as Table.InsertMany.
func InsertMany(table string, recs []dictdb.Record) Op {
	return Op{kind: opInsertMany, table: table, recs: recs}
}

// Upsert inserts rec into table or resolves the conflict with on, as
// Table.Upsert.
func Upsert(table string, rec dictdb.Record, on dictdb.Conflict) Op {
	return Op{kind: opUpsert, table: table, rec: rec, on: on}
}

// Update merges changes into the records of table matching where (nil: all
// records), as Table.Update.
func Update(table string, changes dictdb.Record, where cond.Cond) Op {
	return Op{kind: opUpdate, table: table, rec: changes, where: where}
}

// Delete deletes the records of table matching where (nil: all records),
// as Table.Delete.
func Delete(table string, where cond.Cond) Op { return Op{kind: opDelete, table: table, where: where} }

// CreateTable creates a table with primary key pk ("" means dictdb's
// default, "id") and, if schema is not nil, that schema, as DB.CreateTable.
func CreateTable(name, pk string, schema []dictdb.Column) Op {
	return Op{kind: opCreateTable, table: name, pk: pk, schema: slices.Clone(schema), hasSch: schema != nil}
}

// DropTable drops a table, as DB.DropTable.
func DropTable(name string) Op { return Op{kind: opDropTable, table: name} }

// CreateIndex creates an index on field of table, as Table.CreateIndex
// (with dictdb.Unique when unique is set).
func CreateIndex(table, field string, kind dictdb.IndexKind, unique bool) Op {
	return Op{kind: opCreateIndex, table: table, field: field, kindIdx: kind, unique: unique}
}

// DropIndex drops the index on field of table, as Table.DropIndex.
func DropIndex(table, field string) Op { return Op{kind: opDropIndex, table: table, field: field} }

// Check is a condition of a batch: it holds when the number of records of
// table matching where (nil: all records) is at least min and, unless max
// is negative, at most max. It reads the batch's own earlier writes.
// When it does not hold, the batch fails with an error wrapping
// ErrCheckFailed and changes nothing. Check(t, w, 1, -1) asks that a
// record exists, Check(t, w, 0, 0) that none does.
func Check(table string, where cond.Cond, min, max int) Op {
	return Op{kind: opCheck, table: table, where: where, min: min, max: max}
}

// Result is what one Op did.
type Result struct {
	// Key is the primary key of the record an Insert or Upsert wrote.
	Key any
	// Keys are the primary keys an InsertMany wrote, in order.
	Keys []any
	// Action says what an Upsert did.
	Action dictdb.Action
	// Count is the number of records an Update or Delete changed, or
	// that a Check matched.
	Count int
}

// A BatchError is the error of a batch whose operation Index failed; it
// wraps that operation's error, so errors.Is finds dictdb's sentinels
// (dictdb.ErrDuplicateKey, ...) and ErrCheckFailed through it.
type BatchError struct {
	Index int    // the position of the failed operation in the batch
	Op    string // what it was ("insert", "update", ...)
	Table string // the table it named
	Err   error
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("replica: batch operation %d (%s, table %q): %v", e.Index, e.Op, e.Table, e.Err)
}

// Unwrap returns the failed operation's error.
func (e *BatchError) Unwrap() error { return e.Err }

// commandVersion is the first byte of every encoded command.
const commandVersion = 1

// Encode encodes ops as one replicated command: the bytes Node proposes to
// raft and FSM.Apply decodes. Values are normalized first: a value outside
// dictdb's value model is an error wrapping dictdb.ErrUnsupportedValue, and
// a condition that does not compile is the error of cond.Compile (wrapping
// dictdb.ErrInvalidQuery); in both cases nothing is encoded. At least one
// operation is needed.
func Encode(ops ...Op) ([]byte, error) {
	if len(ops) == 0 {
		return nil, fmt.Errorf("replica: a command needs at least one operation: %w", dictdb.ErrInvalidArgument)
	}
	b := []byte{commandVersion}
	b = appendUvarint(b, uint64(len(ops)))
	for i, op := range ops {
		var err error
		if b, err = appendOp(b, op); err != nil {
			if len(ops) > 1 {
				return nil, &BatchError{Index: i, Op: op.kind.String(), Table: op.table, Err: err}
			}
			return nil, err
		}
	}
	return b, nil
}

func appendOp(b []byte, op Op) ([]byte, error) {
	if op.kind < opInsert || op.kind > opCheck {
		return nil, fmt.Errorf("replica: the zero Op: %w", dictdb.ErrInvalidArgument)
	}
	b = append(b, byte(op.kind))
	b = appendString(b, op.table)
	var err error
	switch op.kind {
	case opInsert:
		return appendRecord(b, op.rec)
	case opInsertMany:
		if op.recs == nil {
			b = append(b, 0)
			return b, nil
		}
		b = append(b, 1)
		b = appendUvarint(b, uint64(len(op.recs)))
		for _, r := range op.recs {
			if b, err = appendRecord(b, r); err != nil {
				return nil, err
			}
		}
		return b, nil
	case opUpsert:
		b = append(b, byte(op.on))
		return appendRecord(b, op.rec)
	case opUpdate:
		if b, err = appendRecord(b, op.rec); err != nil {
			return nil, err
		}
		return appendCond(b, op.where)
	case opDelete:
		return appendCond(b, op.where)
	case opCreateTable:
		b = appendString(b, op.pk)
		if !op.hasSch {
			return append(b, 0), nil
		}
		b = append(b, 1)
		b = appendUvarint(b, uint64(len(op.schema)))
		for _, c := range op.schema {
			b = appendString(b, c.Name)
			b = append(b, byte(c.Type))
		}
		return b, nil
	case opDropTable:
		return b, nil
	case opCreateIndex:
		b = appendString(b, op.field)
		b = append(b, byte(op.kindIdx))
		if op.unique {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case opDropIndex:
		return appendString(b, op.field), nil
	case opCheck:
		b = appendUvarint(b, zigzag(op.min))
		b = appendUvarint(b, zigzag(op.max))
		return appendCond(b, op.where)
	}
	return b, nil
}

func zigzag(i int) uint64 { return uint64(int64(i)<<1) ^ uint64(int64(i)>>63) }

func unzigzag(u uint64) int { return int(int64(u>>1) ^ -int64(u&1)) }

// Condition encoding: a tag, then for a predicate the field, operator,
// escape string and operands, for AND and OR the terms, for NOT the term.
const (
	condNil byte = iota
	condPred
	condAnd
	condOr
	condNot
)

func appendCond(b []byte, c cond.Cond) ([]byte, error) {
	if c == nil {
		return append(b, condNil), nil
	}
	if _, err := cond.Compile(c); err != nil {
		return nil, err
	}
	return appendCondTree(b, c)
}

func appendCondTree(b []byte, c cond.Cond) ([]byte, error) {
	var err error
	switch x := c.(type) {
	case *cond.Pred:
		b = append(b, condPred)
		b = appendString(b, x.Field)
		b = append(b, byte(x.Op))
		b = appendString(b, x.Escape)
		b = appendUvarint(b, uint64(len(x.Args)))
		for _, a := range x.Args {
			if b, err = appendValue(b, a); err != nil {
				return nil, err
			}
		}
		return b, nil
	case *cond.AndCond, *cond.OrCond:
		var terms []cond.Cond
		if a, ok := x.(*cond.AndCond); ok {
			b, terms = append(b, condAnd), a.Terms
		} else {
			b, terms = append(b, condOr), x.(*cond.OrCond).Terms
		}
		b = appendUvarint(b, uint64(len(terms)))
		for _, t := range terms {
			if b, err = appendCondTree(b, t); err != nil {
				return nil, err
			}
		}
		return b, nil
	case *cond.NotCond:
		return appendCondTree(append(b, condNot), x.Term)
	default:
		return nil, fmt.Errorf("replica: condition of type %T: %w", c, dictdb.ErrInvalidQuery)
	}
}

func (r *reader) cond(depth int) cond.Cond {
	if depth > 4*maxDepth {
		r.fail("condition nested too deeply")
		return nil
	}
	switch tag := r.byte(); tag {
	case condNil:
		return nil
	case condPred:
		field := r.string()
		op := cond.Op(r.byte())
		esc := r.string()
		n := r.count(1)
		args := make([]any, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			args = append(args, r.value(1))
		}
		if r.err != nil {
			return nil
		}
		c, ok := buildPred(field, op, esc, args)
		if !ok {
			r.fail(fmt.Sprintf("bad predicate %v with %d operands", op, len(args)))
		}
		return c
	case condAnd, condOr:
		n := r.count(1)
		terms := make([]cond.Cond, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			terms = append(terms, r.cond(depth+1))
		}
		if r.err != nil {
			return nil
		}
		if tag == condAnd {
			return cond.And(terms...)
		}
		return cond.Or(terms...)
	case condNot:
		t := r.cond(depth + 1)
		if r.err != nil {
			return nil
		}
		return cond.Not(t)
	default:
		r.fail(fmt.Sprintf("unknown condition tag %d", tag))
		return nil
	}
}

// buildPred rebuilds a predicate with cond's builders.
func buildPred(field string, op cond.Op, esc string, args []any) (cond.Cond, bool) {
	f := cond.Field(field)
	one := func(build func(any) cond.Cond) (cond.Cond, bool) {
		if len(args) != 1 {
			return nil, false
		}
		return build(args[0]), true
	}
	str := func(build func(string) cond.Cond) (cond.Cond, bool) {
		if len(args) != 1 {
			return nil, false
		}
		s, ok := args[0].(string)
		if !ok {
			return nil, false
		}
		return build(s), true
	}
	switch op {
	case cond.EqOp:
		return one(f.Eq)
	case cond.NeOp:
		return one(f.Ne)
	case cond.LtOp:
		return one(f.Lt)
	case cond.LteOp:
		return one(f.Lte)
	case cond.GtOp:
		return one(f.Gt)
	case cond.GteOp:
		return one(f.Gte)
	case cond.ContainsOp:
		return one(f.Contains)
	case cond.InOp:
		return f.In(args...), true
	case cond.BetweenOp:
		if len(args) != 2 {
			return nil, false
		}
		return f.Between(args[0], args[1]), true
	case cond.LikeOp:
		return str(func(p string) cond.Cond { return f.LikeEscape(p, esc) })
	case cond.ILikeOp:
		return str(func(p string) cond.Cond { return f.ILikeEscape(p, esc) })
	case cond.StartsWithOp:
		return str(f.StartsWith)
	case cond.EndsWithOp:
		return str(f.EndsWith)
	case cond.IEqualsOp:
		return str(f.IEquals)
	case cond.IContainsOp:
		return str(f.IContains)
	case cond.IStartsWithOp:
		return str(f.IStartsWith)
	case cond.IEndsWithOp:
		return str(f.IEndsWith)
	case cond.IsNullOp:
		if len(args) != 0 {
			return nil, false
		}
		return f.IsNull(), true
	case cond.IsNotNullOp:
		if len(args) != 0 {
			return nil, false
		}
		return f.IsNotNull(), true
	}
	return nil, false
}

// decodeCommand decodes a command into its operations.
func decodeCommand(b []byte) ([]Op, error) {
	r := &reader{b: b}
	if v := r.byte(); r.err == nil && v != commandVersion {
		r.fail(fmt.Sprintf("unknown command version %d", v))
	}
	n := r.count(2)
	if r.err == nil && n == 0 {
		r.fail("no operations")
	}
	ops := make([]Op, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		ops = append(ops, r.op())
	}
	if r.err == nil && r.off != len(b) {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return nil, r.err
	}
	return ops, nil
}

func (r *reader) op() Op {
	op := Op{kind: opKind(r.byte())}
	op.table = r.string()
	switch op.kind {
	case opInsert:
		op.rec = r.record()
	case opInsertMany:
		if r.byte() == 1 {
			n := r.count(1)
			op.recs = make([]dictdb.Record, 0, n)
			for i := 0; i < n && r.err == nil; i++ {
				op.recs = append(op.recs, r.record())
			}
		}
	case opUpsert:
		op.on = dictdb.Conflict(r.byte())
		op.rec = r.record()
	case opUpdate:
		op.rec = r.record()
		op.where = r.cond(0)
	case opDelete:
		op.where = r.cond(0)
	case opCreateTable:
		op.pk = r.string()
		if r.byte() == 1 {
			op.hasSch = true
			n := r.count(2)
			op.schema = make([]dictdb.Column, 0, n)
			for i := 0; i < n && r.err == nil; i++ {
				name := r.string()
				op.schema = append(op.schema, dictdb.Col(name, dictdb.Type(r.byte())))
			}
		}
	case opDropTable:
	case opCreateIndex:
		op.field = r.string()
		op.kindIdx = dictdb.IndexKind(r.byte())
		op.unique = r.byte() == 1
	case opDropIndex:
		op.field = r.string()
	case opCheck:
		op.min = unzigzag(r.uvarint())
		op.max = unzigzag(r.uvarint())
		op.where = r.cond(0)
	default:
		r.fail(fmt.Sprintf("unknown operation %d", op.kind))
	}
	return op
}

// tables returns the sorted, distinct tables the operations name.
func tables(ops []Op) []string {
	names := make([]string, 0, len(ops))
	for _, op := range ops {
		names = append(names, op.table)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// apply commits ops to db: one operation through the plain API (so its
// error is exactly the local API's), several in one transaction.
func apply(db *dictdb.DB, ops []Op) ([]Result, error) {
	if len(ops) == 1 {
		res, err := applyOne(db, nil, ops[0])
		if err != nil {
			return nil, err
		}
		return []Result{res}, nil
	}
	results := make([]Result, len(ops))
	err := db.Update(tables(ops), func(tx *dictdb.Tx) error {
		for i, op := range ops {
			res, err := applyOne(db, tx, op)
			if err != nil {
				return &BatchError{Index: i, Op: op.kind.String(), Table: op.table, Err: err}
			}
			results[i] = res
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// writer is the write and count API that Table and TxTable share.
type writer interface {
	Insert(rec dictdb.Record) (any, error)
	InsertMany(recs []dictdb.Record) ([]any, error)
	Upsert(rec dictdb.Record, on dictdb.Conflict) (any, dictdb.Action, error)
	Update(changes dictdb.Record, where cond.Cond) (int, error)
	Delete(where cond.Cond) (int, error)
	CreateIndex(field string, kind dictdb.IndexKind, opts ...dictdb.IndexOption) error
	DropIndex(field string) error
	CountWhere(where cond.Cond) (int, error)
}

func applyOne(db *dictdb.DB, tx *dictdb.Tx, op Op) (Result, error) {
	var res Result
	switch op.kind {
	case opCreateTable:
		var opts []dictdb.TableOption
		if op.pk != "" {
			opts = append(opts, dictdb.PrimaryKey(op.pk))
		}
		if op.hasSch {
			opts = append(opts, dictdb.WithSchema(op.schema...))
		}
		var err error
		if tx != nil {
			_, err = tx.CreateTable(op.table, opts...)
		} else {
			_, err = db.CreateTable(op.table, opts...)
		}
		return res, err
	case opDropTable:
		if tx != nil {
			return res, tx.DropTable(op.table)
		}
		return res, db.DropTable(op.table)
	}
	var w writer
	if tx != nil {
		t, err := tx.Table(op.table)
		if err != nil {
			return res, err
		}
		w = t
	} else {
		t, err := db.Table(op.table)
		if err != nil {
			return res, err
		}
		w = t
	}
	var err error
	switch op.kind {
	case opInsert:
		res.Key, err = w.Insert(op.rec)
	case opInsertMany:
		res.Keys, err = w.InsertMany(op.recs)
	case opUpsert:
		res.Key, res.Action, err = w.Upsert(op.rec, op.on)
	case opUpdate:
		res.Count, err = w.Update(op.rec, op.where)
	case opDelete:
		res.Count, err = w.Delete(op.where)
	case opCreateIndex:
		var opts []dictdb.IndexOption
		if op.unique {
			opts = append(opts, dictdb.Unique())
		}
		err = w.CreateIndex(op.field, op.kindIdx, opts...)
	case opDropIndex:
		err = w.DropIndex(op.field)
	case opCheck:
		res.Count, err = w.CountWhere(op.where)
		if err == nil && (res.Count < op.min || (op.max >= 0 && res.Count > op.max)) {
			err = checkError(op, res.Count)
		}
	default:
		err = fmt.Errorf("replica: unknown operation %d: %w", op.kind, ErrBadCommand)
	}
	return res, err
}

func checkError(op Op, n int) error {
	want := fmt.Sprintf("at least %d", op.min)
	if op.max >= 0 {
		want = fmt.Sprintf("between %d and %d", op.min, op.max)
	}
	where := "all records"
	if op.where != nil {
		where = op.where.String()
	}
	return fmt.Errorf("replica: table %q: %s matches %d records, want %s: %w", op.table, where, n, want, ErrCheckFailed)
}
