package fuzz

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// Kind is the kind of one operation of a program.
type Kind uint8

// The operation kinds.
const (
	KCreateTable Kind = iota
	KDropTable
	KInsert
	KInsertMany
	KUpsert
	KUpdate
	KDelete
	KGet
	KCount
	KCountWhere
	KSelect
	KCreateIndex
	KDropIndex
	KSnapshot
	KReadSnapshot
	KRestore
	KTx
	KSaveLoad
	KTableNames
	KColumns
	KAggregate
	numKinds
)

var kindNames = [...]string{
	KCreateTable: "create", KDropTable: "drop", KInsert: "insert", KInsertMany: "insertMany",
	KUpsert: "upsert", KUpdate: "update", KDelete: "delete", KGet: "get", KCount: "count",
	KCountWhere: "countWhere", KSelect: "select", KCreateIndex: "createIndex",
	KDropIndex: "dropIndex", KSnapshot: "snapshot", KReadSnapshot: "readSnapshot",
	KRestore: "restore", KTx: "tx", KSaveLoad: "saveLoad", KTableNames: "tableNames",
	KColumns: "columns", KAggregate: "aggregate",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// absent marks a primary key the record does not carry.
type absentT struct{}

// An Op is one operation of a program. Only the fields of its Kind are set.
type Op struct {
	Kind     Kind
	Table    string
	PK       string // KCreateTable: primary-key field
	Schema   bool   // KCreateTable: give the table the fixed schema
	Rec      dictdb.Record
	Recs     []dictdb.Record
	Conflict dictdb.Conflict
	Where    cond.Cond
	Key      any
	Query    dictdb.Query
	Field    string
	Index    dictdb.IndexKind
	Unique   bool
	Slot     int      // snapshot slot
	Tables   []string // KTx: the tables named
	Commit   bool     // KTx: the function returns nil (commit) or an error
	Sub      []Op     // KTx: the operations inside the transaction
	Format   int      // KSaveLoad: 0 JSON, 1 binary, 2 close and reopen (binary for an in-memory database)
	Agg      dictdb.AggQuery
}

// The fixed schema of schema tables: the primary key is added as an Int.
var schemaCols = []dictdb.Column{dictdb.Col("a", dictdb.Float), dictdb.Col("b", dictdb.Str)}

// String prints the operation on one line.
func (o Op) String() string {
	var b strings.Builder
	b.WriteString(o.Kind.String())
	switch o.Kind {
	case KSnapshot, KRestore, KSaveLoad, KTx, KTableNames:
	default:
		fmt.Fprintf(&b, " %q", o.Table)
	}
	switch o.Kind {
	case KCreateTable:
		fmt.Fprintf(&b, " pk=%q schema=%v", o.PK, o.Schema)
	case KInsert:
		b.WriteString(" " + fmtVal(o.Rec))
	case KInsertMany:
		b.WriteString(" [")
		for i, r := range o.Recs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(fmtVal(r))
		}
		b.WriteString("]")
	case KUpsert:
		fmt.Fprintf(&b, " %s on=%d", fmtVal(o.Rec), o.Conflict)
	case KUpdate:
		fmt.Fprintf(&b, " %s where %s", fmtVal(o.Rec), fmtCond(o.Where))
	case KDelete, KCountWhere:
		fmt.Fprintf(&b, " where %s", fmtCond(o.Where))
	case KGet:
		b.WriteString(" " + fmtVal(o.Key))
	case KSelect:
		b.WriteString(" " + fmtQuery(o.Query))
	case KCreateIndex:
		fmt.Fprintf(&b, " %q kind=%v unique=%v", o.Field, o.Index, o.Unique)
	case KDropIndex:
		fmt.Fprintf(&b, " %q", o.Field)
	case KSnapshot, KRestore:
		fmt.Fprintf(&b, " slot=%d", o.Slot)
	case KReadSnapshot:
		fmt.Fprintf(&b, " slot=%d %s", o.Slot, fmtQuery(o.Query))
	case KSaveLoad:
		fmt.Fprintf(&b, " format=%d", o.Format)
	case KAggregate:
		b.WriteString(" where " + fmtCond(o.Agg.Where))
		if len(o.Agg.GroupBy) > 0 {
			fmt.Fprintf(&b, " group %q", o.Agg.GroupBy)
		}
		for _, a := range o.Agg.Aggs {
			fmt.Fprintf(&b, " %q=%v(%q)", a.Name, a.Kind, a.Field)
		}
	case KTx:
		fmt.Fprintf(&b, " %q commit=%v {", o.Tables, o.Commit)
		for i, s := range o.Sub {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(s.String())
		}
		b.WriteString("}")
	}
	return b.String()
}

func fmtCond(c cond.Cond) string {
	if c == nil {
		return "<all>"
	}
	return c.String()
}

func fmtQuery(q dictdb.Query) string {
	var parts []string
	parts = append(parts, "where "+fmtCond(q.Where))
	if len(q.OrderBy) > 0 {
		parts = append(parts, fmt.Sprintf("order %q", q.OrderBy))
	}
	if len(q.Columns) > 0 {
		var cs []string
		for _, c := range q.Columns {
			cs = append(cs, fmt.Sprintf("%q=%q", c.Alias, c.Field))
		}
		parts = append(parts, "cols "+strings.Join(cs, ","))
	}
	if q.Distinct {
		parts = append(parts, "distinct")
	}
	if q.Limit != 0 {
		parts = append(parts, fmt.Sprintf("limit %d", q.Limit))
	}
	if q.Offset != 0 {
		parts = append(parts, fmt.Sprintf("offset %d", q.Offset))
	}
	return strings.Join(parts, " ")
}

// fmtVal prints a value so that different values print differently: an
// int64 prints as 1 and a float64 as 1.0.
func fmtVal(v any) string {
	var b strings.Builder
	writeVal(&b, v)
	return b.String()
}

func writeVal(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case absentT:
		b.WriteString("<absent>")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int:
		b.WriteString("int:" + strconv.Itoa(x))
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		b.WriteString(s)
	case string:
		b.WriteString(strconv.Quote(x))
	case []any:
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(",")
			}
			writeVal(b, e)
		}
		b.WriteString("]")
	case map[string]any:
		b.WriteString("{")
		for i, k := range slices.Sorted(mapsKeys(x)) {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.Quote(k) + ":")
			writeVal(b, x[k])
		}
		b.WriteString("}")
	default:
		fmt.Fprintf(b, "%T(%v)", v, v)
	}
}

func mapsKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Decoding bytes into programs.

// MaxOps bounds the length of a program.
const MaxOps = 80

// NumSlots is the number of snapshot slots.
const NumSlots = 3

type src struct {
	data []byte
	pos  int
}

func (s *src) done() bool { return s.pos >= len(s.data) }

// byte returns the next byte, or 0 once the input is used up.
func (s *src) byte() byte {
	if s.pos >= len(s.data) {
		s.pos++
		return 0
	}
	b := s.data[s.pos]
	s.pos++
	return b
}

func (s *src) n(n int) int { return int(s.byte()) % n }

// Decode turns any byte string into a valid program.
func Decode(data []byte) []Op {
	s := &src{data: data}
	// Every program starts with two tables, so that most operations find
	// one: t0 keyed by id, and t1 keyed by id or k, with or without schema.
	ops := []Op{{Kind: KCreateTable, Table: "t0", PK: "id"}}
	if len(data) > 0 {
		b := s.byte()
		t1 := Op{Kind: KCreateTable, Table: "t1", PK: "id", Schema: b&1 != 0}
		if b&2 != 0 {
			t1.PK = "k"
		}
		ops = append(ops, t1)
	}
	for !s.done() && len(ops) < MaxOps {
		ops = append(ops, s.op(false))
	}
	return ops
}

var tableNames = []string{"t0", "t1", "t2"}

var fieldNames = []string{"a", "b", "c", "id", "k", "a", "b"}

func (s *src) table() string {
	switch c := s.n(64); {
	case c == 0:
		return "" // rare: an invalid table name
	case c < 6:
		return "t2"
	case c < 24:
		return "t1"
	}
	return "t0"
}

func (s *src) field() string {
	if s.n(40) == 0 {
		return ""
	}
	return fieldNames[s.n(len(fieldNames))]
}

// value returns a value from a small, collision-rich domain.
func (s *src) value(depth int) any {
	switch c := s.n(30); c {
	case 0, 1:
		return nil
	case 2:
		return true
	case 3:
		return false
	case 4, 5, 6, 7, 8:
		return int64(c - 5) // -1..3
	case 9:
		return 1.0
	case 10:
		return 1.5
	case 11:
		return -0.5
	case 12:
		return 2.0
	case 13, 14:
		return "a"
	case 15:
		return "A"
	case 16:
		return "ab"
	case 17:
		return "b%"
	case 18:
		return ""
	case 19:
		return "ſ"
	case 20:
		return "Ab_"
	case 21:
		return "b"
	case 22:
		if depth > 0 {
			return int64(1)
		}
		return []any{}
	case 23, 24:
		if depth > 0 {
			return "a"
		}
		n := s.n(3) + 1
		l := make([]any, n)
		for i := range l {
			l[i] = s.value(depth + 1)
		}
		return l
	case 25:
		if depth > 0 {
			return nil
		}
		return map[string]any{}
	case 26:
		if depth > 0 {
			return int64(2)
		}
		return map[string]any{"a": s.value(depth + 1)}
	case 27:
		return int64(10)
	case 28:
		return "B"
	default:
		return 2.5
	}
}

// key returns a primary-key value, or absentT{} for none.
func (s *src) key() any {
	switch c := s.n(24); c {
	case 0, 1, 2, 3:
		return absentT{}
	case 4:
		return nil
	case 5, 6, 7, 8, 9, 10:
		return int64(c - 5) // 0..5
	case 11:
		return 1.0
	case 12:
		return 2.5
	case 13, 14:
		return "a"
	case 15:
		return "b"
	case 16:
		return true
	case 17:
		if s.n(4) == 0 {
			return int64(math.MaxInt64)
		}
		return int64(-1)
	case 18:
		return int64(100)
	default:
		return int64(c - 18) // 1..5
	}
}

// record returns a record for a table whose primary key may be "id" or "k".
func (s *src) record() dictdb.Record {
	r := dictdb.Record{}
	mode := s.n(8)
	if mode == 0 {
		return r // empty: ErrInvalidRecord
	}
	pk := "id"
	if s.n(4) == 0 {
		pk = "k"
	}
	if k := s.key(); k != (absentT{}) {
		r[pk] = k
	}
	if mode <= 3 {
		// well-typed for the schema tables
		r["a"] = []any{int64(1), 1.5, int64(2), int64(0), 2.5}[s.n(5)]
		r["b"] = []any{"a", "b", "ab", "A"}[s.n(4)]
		if s.n(6) == 0 {
			r["c"] = s.value(0)
		}
		return r
	}
	for range s.n(4) {
		f := fieldNames[s.n(3)]
		r[f] = s.value(0)
	}
	if len(r) == 0 {
		r["a"] = s.value(0)
	}
	return r
}

func (s *src) changes() dictdb.Record {
	r := dictdb.Record{}
	n := s.n(4)
	if n == 0 && s.n(3) != 0 {
		n = 1
	}
	for range n {
		f := fieldNames[s.n(len(fieldNames))]
		if f == "id" || f == "k" {
			r[f] = s.key()
			if r[f] == (absentT{}) {
				r[f] = int64(1)
			}
			continue
		}
		r[f] = s.value(0)
	}
	return r
}

func (s *src) str() string {
	return []string{"a", "A", "b", "", "ab", "ſ", "s", "%"}[s.n(8)]
}

func (s *src) pattern() string {
	n := s.n(4)
	var b strings.Builder
	for range n {
		b.WriteString([]string{"%", "_", "a", "A", "b", "\\", "!", "%", "s", "S"}[s.n(10)])
	}
	return b.String()
}

// where returns a condition, or nil (every row).
func (s *src) where() cond.Cond {
	if s.n(12) == 0 {
		return nil
	}
	return s.cond(0)
}

func (s *src) cond(depth int) cond.Cond {
	c := s.n(28)
	if depth >= 3 && c >= 24 {
		c %= 24
	}
	f := cond.Field(s.field())
	switch c {
	case 0, 1:
		return f.Eq(s.value(0))
	case 2:
		return f.Ne(s.value(0))
	case 3:
		return f.Lt(s.value(0))
	case 4:
		return f.Lte(s.value(0))
	case 5:
		return f.Gt(s.value(0))
	case 6:
		return f.Gte(s.value(0))
	case 7:
		vals := make([]any, s.n(4))
		for i := range vals {
			vals[i] = s.value(0)
		}
		return f.In(vals...)
	case 8:
		return f.Between(s.value(0), s.value(0))
	case 9:
		return f.Like(s.pattern())
	case 10:
		return f.LikeEscape(s.pattern(), []string{"", "\\", "!", "ab"}[s.n(4)])
	case 11:
		return f.ILike(s.pattern())
	case 12:
		return f.ILikeEscape(s.pattern(), []string{"", "\\", "!"}[s.n(3)])
	case 13:
		return f.StartsWith(s.str())
	case 14:
		return f.EndsWith(s.str())
	case 15:
		return f.Contains(s.value(0))
	case 16:
		return f.IEquals(s.str())
	case 17:
		return f.IContains(s.str())
	case 18:
		return f.IStartsWith(s.str())
	case 19:
		return f.IEndsWith(s.str())
	case 20:
		return f.IsNull()
	case 21:
		return f.IsNotNull()
	case 22:
		return f.Between(int64(s.n(4)), int64(s.n(4)))
	case 23:
		return f.Gte(int64(s.n(4)))
	case 24, 25:
		return cond.And(s.terms(depth)...)
	case 26:
		return cond.Or(s.terms(depth)...)
	default:
		if s.n(16) == 0 {
			return cond.Not(nil)
		}
		return cond.Not(s.cond(depth + 1))
	}
}

func (s *src) terms(depth int) []cond.Cond {
	n := s.n(4)
	t := make([]cond.Cond, n)
	for i := range t {
		if s.n(24) == 0 {
			continue // a nil term: ErrInvalidQuery
		}
		t[i] = s.cond(depth + 1)
	}
	return t
}

func (s *src) query() dictdb.Query {
	q := dictdb.Query{}
	if s.n(3) != 0 {
		q.Where = s.where()
	}
	for range s.n(4) {
		if s.n(3) == 0 {
			break
		}
		o := []string{"a", "-a", "b", "-b", "c", "-c", "id", "-id", "k"}[s.n(9)]
		if s.n(40) == 0 {
			o = []string{"", "-", "--a", "+a", "a DESC", " a"}[s.n(6)]
		}
		q.OrderBy = append(q.OrderBy, o)
	}
	if s.n(2) == 0 {
		q.Limit = s.n(4)
		if s.n(30) == 0 {
			q.Limit = -1
		}
		q.Offset = s.n(3)
		if s.n(30) == 0 {
			q.Offset = -1
		}
	}
	if s.n(3) == 0 {
		for range s.n(3) + 1 {
			f := s.field()
			alias := f
			if s.n(4) == 0 {
				alias = []string{"a", "x", "id", ""}[s.n(4)]
			}
			q.Columns = append(q.Columns, dictdb.As(alias, f))
		}
	}
	q.Distinct = s.n(3) == 0
	return q
}

// op decodes one operation; inTx restricts it to what a transaction body
// can do.
func (s *src) op(inTx bool) Op {
	weights := [...]int{
		KCreateTable: 4, KDropTable: 1, KInsert: 10, KInsertMany: 4, KUpsert: 6,
		KUpdate: 5, KDelete: 3, KGet: 4, KCount: 2, KCountWhere: 3, KSelect: 10,
		KCreateIndex: 4, KDropIndex: 1, KSnapshot: 2, KReadSnapshot: 2, KRestore: 1,
		KTx: 2, KSaveLoad: 1, KTableNames: 1, KColumns: 1, KAggregate: 4,
	}
	total := 0
	for _, w := range weights {
		total += w
	}
	c := (int(s.byte()) | int(s.byte())<<8) % total
	k := Kind(0)
	for i, w := range weights {
		if c < w {
			k = Kind(i)
			break
		}
		c -= w
	}
	if inTx {
		switch k {
		case KSnapshot, KReadSnapshot, KRestore, KTx, KSaveLoad, KTableNames:
			k = KInsert
		}
	}
	o := Op{Kind: k}
	switch k {
	case KCreateTable:
		o.Table = s.table()
		o.PK = "id"
		switch s.n(8) {
		case 0:
			o.PK = "k"
		case 1:
			if s.n(4) == 0 {
				o.PK = ""
			}
		}
		o.Schema = s.n(4) == 0
	case KDropTable, KCount, KColumns:
		o.Table = s.table()
	case KInsert:
		o.Table = s.table()
		o.Rec = s.record()
	case KInsertMany:
		o.Table = s.table()
		o.Recs = make([]dictdb.Record, s.n(5))
		for i := range o.Recs {
			o.Recs[i] = s.record()
		}
	case KUpsert:
		o.Table = s.table()
		o.Rec = s.record()
		o.Conflict = dictdb.Conflict(s.n(3))
		if s.n(40) == 0 {
			o.Conflict = 3
		}
	case KUpdate:
		o.Table = s.table()
		o.Rec = s.changes()
		o.Where = s.where()
	case KDelete, KCountWhere:
		o.Table = s.table()
		o.Where = s.where()
	case KGet:
		o.Table = s.table()
		o.Key = s.key()
		if o.Key == (absentT{}) {
			o.Key = []any{"c", int64(7), int64(2)}[s.n(3)]
		}
	case KSelect:
		o.Table = s.table()
		o.Query = s.query()
	case KCreateIndex:
		o.Table = s.table()
		o.Field = s.field()
		o.Index = dictdb.HashIndex
		if s.n(2) == 0 {
			o.Index = dictdb.SortedIndex
		}
		if s.n(40) == 0 {
			o.Index = 0 // unknown kind
		}
		o.Unique = s.n(3) == 0
	case KDropIndex:
		o.Table = s.table()
		o.Field = s.field()
	case KSnapshot, KRestore:
		o.Slot = s.n(NumSlots)
	case KReadSnapshot:
		o.Slot = s.n(NumSlots)
		o.Table = s.table()
		o.Query = s.query()
	case KSaveLoad:
		o.Format = s.n(3)
	case KAggregate:
		o.Table = s.table()
		if s.n(2) == 0 {
			o.Agg.Where = s.where()
		}
		for range s.n(3) {
			o.Agg.GroupBy = append(o.Agg.GroupBy, s.field())
		}
		for range s.n(3) + 1 {
			if s.n(30) == 0 {
				break // no aggregation at all: ErrInvalidQuery
			}
			kind := dictdb.AggKind(s.n(5) + 1)
			if s.n(40) == 0 {
				kind = dictdb.AggKind(s.n(2) * 6)
			}
			f := s.field()
			if kind == dictdb.AggCount && s.n(2) == 0 {
				f = ""
			}
			name := []string{"n", "s", "m", "a", "x", "n"}[s.n(6)]
			o.Agg.Aggs = append(o.Agg.Aggs, dictdb.Agg{Name: name, Kind: kind, Field: f})
		}
	case KTx:
		n := s.n(4)
		if n == 0 && s.n(8) != 0 {
			n = 1
		}
		for range n {
			o.Tables = append(o.Tables, tableNames[s.n(len(tableNames))])
		}
		o.Commit = s.n(3) != 0
		for range s.n(6) {
			sub := s.op(true)
			// Most operations inside address a table the transaction named.
			if sub.Table != "" && len(o.Tables) > 0 && s.n(6) != 0 {
				sub.Table = o.Tables[s.n(len(o.Tables))]
			}
			o.Sub = append(o.Sub, sub)
		}
	}
	return o
}
