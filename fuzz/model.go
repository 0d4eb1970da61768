package fuzz

import (
	"errors"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
)

// The model is a reference implementation of dictdb's documented semantics
// written without tbl, idx, mvcc, snapshot or cond's matcher: plain maps and
// slices, linear scans, a naive sort and a direct interpreter of the
// condition tree. It shares only codec.Compare and codec.Equal with the
// library (and the sentinel errors, to report error classes).

// mKey is a primary key: an int64 or a string.
type mKey struct {
	isStr bool
	i     int64
	s     string
}

func (k mKey) value() any {
	if k.isStr {
		return k.s
	}
	return k.i
}

// lessKey orders keys: integers numerically, then strings bytewise.
func lessKey(a, b mKey) bool {
	if a.isStr != b.isStr {
		return !a.isStr
	}
	if a.isStr {
		return a.s < b.s
	}
	return a.i < b.i
}

// keyOf returns the key for a value: an integer, a float holding a whole
// number in the int64 range, or a string.
func keyOf(v any) (mKey, bool) {
	switch x := v.(type) {
	case int64:
		return mKey{i: x}, true
	case string:
		return mKey{isStr: true, s: x}, true
	case float64:
		if x == math.Trunc(x) && x >= -9223372036854775808.0 && x < 9223372036854775808.0 {
			return mKey{i: int64(x)}, true
		}
	}
	return mKey{}, false
}

type mRow struct {
	key mKey
	rec map[string]any
}

type mIndex struct {
	field  string
	kind   dictdb.IndexKind
	unique bool
}

// mTable is one immutable version of a model table.
type mTable struct {
	pk      string
	schema  bool
	rows    []mRow // in key order
	nextID  int64
	indexes []mIndex
}

func (t *mTable) clone() *mTable {
	n := *t
	n.rows = slices.Clone(t.rows)
	n.indexes = slices.Clone(t.indexes)
	return &n
}

func (t *mTable) find(k mKey) int {
	for i, r := range t.rows {
		if r.key == k {
			return i
		}
	}
	return -1
}

// put stores rec under k (replacing or adding), keeping key order.
func (t *mTable) put(k mKey, rec map[string]any) {
	if i := t.find(k); i >= 0 {
		t.rows[i].rec = rec
		return
	}
	t.rows = append(t.rows, mRow{k, rec})
	sort.SliceStable(t.rows, func(i, j int) bool { return lessKey(t.rows[i].key, t.rows[j].key) })
	if !k.isStr && k.i >= t.nextID {
		if k.i == math.MaxInt64 {
			t.nextID = math.MaxInt64
		} else {
			t.nextID = k.i + 1
		}
	}
}

// uniqueClash reports whether storing rec under k would give a unique index
// a second record with an equal non-null value.
func (t *mTable) uniqueClash(k mKey, rec map[string]any) bool {
	for _, x := range t.indexes {
		if !x.unique {
			continue
		}
		v := rec[x.field]
		if v == nil {
			continue
		}
		for _, r := range t.rows {
			if r.key != k && codec.Equal(r.rec[x.field], v) {
				return true
			}
		}
	}
	return false
}

// validate checks rec against the fixed schema (a Float, b Str, pk Int) and
// converts integers of Float fields, in place.
func (t *mTable) validate(rec map[string]any) error {
	if !t.schema {
		return nil
	}
	type col struct {
		name string
		ok   func(any) bool
	}
	cols := []col{
		{"a", func(v any) bool { _, i := v.(int64); _, f := v.(float64); return i || f }},
		{"b", func(v any) bool { _, s := v.(string); return s }},
	}
	if t.pk != "a" && t.pk != "b" {
		cols = append(cols, col{t.pk, func(v any) bool { _, i := v.(int64); return i }})
	}
	for _, c := range cols {
		v, ok := rec[c.name]
		if !ok || !c.ok(v) {
			return dictdb.ErrSchema
		}
		if i, isInt := v.(int64); isInt && c.name == "a" {
			rec["a"] = float64(i)
		}
	}
	for f := range rec {
		if !slices.ContainsFunc(cols, func(c col) bool { return c.name == f }) {
			return dictdb.ErrSchema
		}
	}
	return nil
}

// insert adds rec to t in place (t must be private).
func (t *mTable) insert(rec dictdb.Record) (mKey, error) {
	if len(rec) == 0 {
		return mKey{}, dictdb.ErrInvalidRecord
	}
	m := maps.Clone(rec)
	var k mKey
	if v := m[t.pk]; v == nil {
		k = mKey{i: t.nextID}
		if t.find(k) >= 0 {
			return k, dictdb.ErrDuplicateKey
		}
	} else {
		var ok bool
		if k, ok = keyOf(v); !ok {
			return k, dictdb.ErrInvalidKey
		}
	}
	m[t.pk] = k.value()
	if t.find(k) >= 0 {
		return k, dictdb.ErrDuplicateKey
	}
	if err := t.validate(m); err != nil {
		return k, err
	}
	if t.uniqueClash(k, m) {
		return k, dictdb.ErrDuplicateKey
	}
	t.put(k, m)
	return k, nil
}

// ---------------------------------------------------------------------------
// Conditions.

// valid reports whether c compiles: no empty field names, no nil operands.
func valid(c cond.Cond) bool {
	switch c := c.(type) {
	case *cond.Pred:
		return c != nil && c.Field != ""
	case *cond.AndCond:
		if c == nil {
			return false
		}
		for _, t := range c.Terms {
			if t == nil || !valid(t) {
				return false
			}
		}
		return true
	case *cond.OrCond:
		if c == nil {
			return false
		}
		for _, t := range c.Terms {
			if t == nil || !valid(t) {
				return false
			}
		}
		return true
	case *cond.NotCond:
		return c != nil && c.Term != nil && valid(c.Term)
	}
	return false
}

// known reports whether a query may name field: any field without a
// schema, only the schema's fields (a, b and the key) with one.
func (t *mTable) known(field string) bool {
	return !t.schema || field == "a" || field == "b" || field == t.pk
}

// knownWhere reports whether every field a valid condition names is known.
func (t *mTable) knownWhere(c cond.Cond) bool {
	switch c := c.(type) {
	case *cond.Pred:
		return t.known(c.Field)
	case *cond.AndCond:
		for _, x := range c.Terms {
			if !t.knownWhere(x) {
				return false
			}
		}
	case *cond.OrCond:
		for _, x := range c.Terms {
			if !t.knownWhere(x) {
				return false
			}
		}
	case *cond.NotCond:
		return t.knownWhere(c.Term)
	}
	return true
}

// validWhere reports whether where is nil or a valid condition naming
// known fields only.
func (t *mTable) validWhere(where cond.Cond) bool {
	return where == nil || (valid(where) && t.knownWhere(where))
}

// validOrder splits an OrderBy entry: an optional "-", then a field name
// without another sign, surrounding white space or an ASC/DESC word.
func validOrder(o string) (field string, desc, ok bool) {
	f, desc := strings.CutPrefix(o, "-")
	if f == "" || f[0] == '-' || f[0] == '+' || strings.TrimSpace(f) != f {
		return "", false, false
	}
	if w := strings.Fields(f); len(w) > 1 {
		last := strings.ToLower(w[len(w)-1])
		if last == "asc" || last == "desc" {
			return "", false, false
		}
	}
	return f, desc, true
}

// changesFit reports whether every non-key field of an update's changes is
// a schema field with a value of its type.
func (t *mTable) changesFit(ch dictdb.Record) bool {
	if !t.schema {
		return true
	}
	for f, v := range ch {
		if f == t.pk {
			continue
		}
		switch f {
		case "a":
			if _, i := v.(int64); !i {
				if _, fl := v.(float64); !fl {
					return false
				}
			}
		case "b":
			if _, str := v.(string); !str {
				return false
			}
		default:
			return false
		}
	}
	return true
}

type kindT int

const (
	kNull kindT = iota
	kBool
	kNum
	kStr
	kList
	kMap
	kOther
)

func kindOf(v any) kindT {
	switch v.(type) {
	case nil:
		return kNull
	case bool:
		return kBool
	case int64, float64:
		return kNum
	case string:
		return kStr
	case []any:
		return kList
	case map[string]any:
		return kMap
	}
	return kOther
}

// cmpOK compares v with arg when both are non-null and of one kind.
func cmpOK(v, arg any, want func(int) bool) bool {
	if v == nil || arg == nil || kindOf(v) != kindOf(arg) {
		return false
	}
	return want(codec.Compare(v, arg))
}

// likeRegexp translates a LIKE pattern into an anchored regular expression.
func likeRegexp(pattern, escape string, fold bool) *regexp.Regexp {
	esc := []rune(escape)
	hasEsc := len(esc) == 1
	var b strings.Builder
	b.WriteString("^(?s")
	if fold {
		b.WriteString("i")
	}
	b.WriteString(":")
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case hasEsc && r == esc[0]:
			if i+1 < len(rs) {
				i++
			}
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	return regexp.MustCompile(b.String())
}

// match interprets c on rec; c must be valid.
func match(c cond.Cond, rec map[string]any) bool {
	switch c := c.(type) {
	case *cond.AndCond:
		for _, t := range c.Terms {
			if !match(t, rec) {
				return false
			}
		}
		return true
	case *cond.OrCond:
		for _, t := range c.Terms {
			if match(t, rec) {
				return true
			}
		}
		return false
	case *cond.NotCond:
		return !match(c.Term, rec)
	case *cond.Pred:
		return matchPred(c, rec[c.Field])
	}
	panic("model: unknown condition")
}

func matchPred(p *cond.Pred, v any) bool {
	arg := func() any { return p.Args[0] }
	sarg := func() string { return p.Args[0].(string) }
	str, isStr := v.(string)
	switch p.Op {
	case cond.EqOp:
		return codec.Equal(v, arg())
	case cond.NeOp:
		return !codec.Equal(v, arg())
	case cond.LtOp:
		return cmpOK(v, arg(), func(c int) bool { return c < 0 })
	case cond.LteOp:
		return cmpOK(v, arg(), func(c int) bool { return c <= 0 })
	case cond.GtOp:
		return cmpOK(v, arg(), func(c int) bool { return c > 0 })
	case cond.GteOp:
		return cmpOK(v, arg(), func(c int) bool { return c >= 0 })
	case cond.InOp:
		for _, a := range p.Args {
			if codec.Equal(v, a) {
				return true
			}
		}
		return false
	case cond.BetweenOp:
		lo, hi := p.Args[0], p.Args[1]
		return cmpOK(v, lo, func(c int) bool { return c >= 0 }) && cmpOK(v, hi, func(c int) bool { return c <= 0 })
	case cond.LikeOp, cond.ILikeOp:
		return isStr && likeRegexp(sarg(), p.Escape, p.Op == cond.ILikeOp).MatchString(str)
	case cond.StartsWithOp:
		return isStr && strings.HasPrefix(str, sarg())
	case cond.EndsWithOp:
		return isStr && strings.HasSuffix(str, sarg())
	case cond.ContainsOp:
		switch x := v.(type) {
		case string:
			s, ok := arg().(string)
			return ok && strings.Contains(x, s)
		case []any:
			for _, e := range x {
				if codec.Equal(e, arg()) {
					return true
				}
			}
			return false
		case map[string]any:
			s, ok := arg().(string)
			if !ok {
				return false
			}
			_, has := x[s]
			return has
		}
		return false
	case cond.IEqualsOp:
		// Lower-casing, not case folding: the DictDB semantics.
		//lint:ignore SA6005 case folding differs from lower-casing
		return isStr && strings.ToLower(str) == strings.ToLower(sarg())

	case cond.IContainsOp:
		return isStr && strings.Contains(strings.ToLower(str), strings.ToLower(sarg()))
	case cond.IStartsWithOp:
		return isStr && strings.HasPrefix(strings.ToLower(str), strings.ToLower(sarg()))
	case cond.IEndsWithOp:
		return isStr && strings.HasSuffix(strings.ToLower(str), strings.ToLower(sarg()))
	case cond.IsNullOp:
		return v == nil
	case cond.IsNotNullOp:
		return v != nil
	}
	panic("model: unknown operator")
}

// ---------------------------------------------------------------------------
// The model database.

// Model is the reference database.
type Model struct {
	tables map[string]*mTable
	snaps  [NumSlots]map[string]*mTable
	taken  [NumSlots]bool
}

// NewModel returns an empty model database.
func NewModel() *Model { return &Model{tables: map[string]*mTable{}} }

// mStore is the table-level API over a map of tables: the database itself,
// or a transaction's staged tables.
type mStore struct {
	tables map[string]*mTable
	inTx   []string // the tables a transaction named; nil outside one
	tx     bool
}

func (s *mStore) check(name string) error {
	if s.tx && !slices.Contains(s.inTx, name) {
		return dictdb.ErrTableNotInTx
	}
	return nil
}

func (s *mStore) get(name string) (*mTable, error) {
	if err := s.check(name); err != nil {
		return nil, err
	}
	t, ok := s.tables[name]
	if !ok {
		return nil, dictdb.ErrTableNotFound
	}
	return t, nil
}

func (s *mStore) CreateTable(name, pk string, schema bool) error {
	if err := s.check(name); err != nil {
		return err
	}
	if name == "" || pk == "" {
		return dictdb.ErrInvalidArgument
	}
	if _, ok := s.tables[name]; ok {
		return dictdb.ErrTableExists
	}
	s.tables[name] = &mTable{pk: pk, schema: schema, nextID: 1}
	return nil
}

func (s *mStore) DropTable(name string) error {
	if _, err := s.get(name); err != nil {
		return err
	}
	delete(s.tables, name)
	return nil
}

func (s *mStore) Insert(name string, rec dictdb.Record) (any, error) {
	t, err := s.get(name)
	if err != nil {
		return nil, err
	}
	n := t.clone()
	k, err := n.insert(rec)
	if err != nil {
		return nil, err
	}
	s.tables[name] = n
	return k.value(), nil
}

func (s *mStore) InsertMany(name string, recs []dictdb.Record) ([]any, error) {
	t, err := s.get(name)
	if err != nil {
		return nil, err
	}
	n := t.clone()
	keys := []any{}
	for _, r := range recs {
		k, err := n.insert(r)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k.value())
	}
	s.tables[name] = n
	return keys, nil
}

func (s *mStore) Upsert(name string, rec dictdb.Record, on dictdb.Conflict) (any, dictdb.Action, error) {
	t, err := s.get(name)
	if err != nil {
		return nil, 0, err
	}
	if on != dictdb.OnConflictUpdate && on != dictdb.OnConflictIgnore && on != dictdb.OnConflictError {
		return nil, 0, dictdb.ErrInvalidArgument
	}
	if len(rec) == 0 {
		return nil, 0, dictdb.ErrInvalidRecord
	}
	v := rec[t.pk]
	var k mKey
	i := -1
	if v != nil {
		var ok bool
		if k, ok = keyOf(v); !ok {
			return nil, 0, dictdb.ErrInvalidKey
		}
		i = t.find(k)
	}
	if i < 0 {
		key, err := s.Insert(name, rec)
		if err != nil {
			return nil, 0, err
		}
		return key, dictdb.Inserted, nil
	}
	switch on {
	case dictdb.OnConflictIgnore:
		return k.value(), dictdb.Ignored, nil
	case dictdb.OnConflictError:
		return nil, 0, dictdb.ErrDuplicateKey
	}
	merged := maps.Clone(t.rows[i].rec)
	maps.Copy(merged, rec)
	merged[t.pk] = k.value()
	if err := t.validate(merged); err != nil {
		return nil, 0, err
	}
	if t.uniqueClash(k, merged) {
		return nil, 0, dictdb.ErrDuplicateKey
	}
	n := t.clone()
	n.put(k, merged)
	s.tables[name] = n
	return k.value(), dictdb.Updated, nil
}

func (s *mStore) Update(name string, ch dictdb.Record, where cond.Cond) (int, error) {
	t, err := s.get(name)
	if err != nil {
		return 0, err
	}
	if len(ch) == 0 {
		return 0, dictdb.ErrInvalidRecord
	}
	if !t.validWhere(where) {
		return 0, dictdb.ErrInvalidQuery
	}
	if !t.changesFit(ch) {
		return 0, dictdb.ErrSchema
	}
	newPK, setsPK := ch[t.pk]
	n := t.clone()
	count := 0
	for _, r := range t.rows {
		if where != nil && !match(where, r.rec) {
			continue
		}
		if setsPK && !codec.Equal(newPK, r.key.value()) {
			return 0, dictdb.ErrPrimaryKeyChange
		}
		merged := maps.Clone(r.rec)
		maps.Copy(merged, ch)
		merged[t.pk] = r.key.value()
		if err := n.validate(merged); err != nil {
			return 0, err
		}
		if n.uniqueClash(r.key, merged) {
			return 0, dictdb.ErrDuplicateKey
		}
		n.put(r.key, merged)
		count++
	}
	if count == 0 {
		return 0, nil
	}
	s.tables[name] = n
	return count, nil
}

func (s *mStore) Delete(name string, where cond.Cond) (int, error) {
	t, err := s.get(name)
	if err != nil {
		return 0, err
	}
	if !t.validWhere(where) {
		return 0, dictdb.ErrInvalidQuery
	}
	n := t.clone()
	n.rows = nil
	for _, r := range t.rows {
		if where == nil || match(where, r.rec) {
			continue
		}
		n.rows = append(n.rows, r)
	}
	count := len(t.rows) - len(n.rows)
	if count == 0 {
		return 0, nil
	}
	s.tables[name] = n
	return count, nil
}

func (s *mStore) Get(name string, key any) (dictdb.Record, bool, error) {
	t, err := s.get(name)
	if err != nil {
		return nil, false, err
	}
	k, ok := keyOf(key)
	if !ok {
		return nil, false, nil
	}
	if i := t.find(k); i >= 0 {
		return t.rows[i].rec, true, nil
	}
	return nil, false, nil
}

func (s *mStore) Count(name string) (int, error) {
	t, err := s.get(name)
	if err != nil {
		return 0, err
	}
	return len(t.rows), nil
}

func (s *mStore) CountWhere(name string, where cond.Cond) (int, error) {
	t, err := s.get(name)
	if err != nil {
		return 0, err
	}
	return t.countWhere(where)
}

func (t *mTable) countWhere(where cond.Cond) (int, error) {
	if !t.validWhere(where) {
		return 0, dictdb.ErrInvalidQuery
	}
	n := 0
	for _, r := range t.rows {
		if where == nil || match(where, r.rec) {
			n++
		}
	}
	return n, nil
}

func (s *mStore) Select(name string, q dictdb.Query) ([]dictdb.Record, error) {
	t, err := s.get(name)
	if err != nil {
		return nil, err
	}
	return t.selectRows(q)
}

func (t *mTable) selectRows(q dictdb.Query) ([]dictdb.Record, error) {
	if q.Limit < 0 || q.Offset < 0 {
		return nil, dictdb.ErrInvalidQuery
	}
	if !t.validWhere(q.Where) {
		return nil, dictdb.ErrInvalidQuery
	}
	type ord struct {
		field string
		desc  bool
	}
	var order []ord
	for _, o := range q.OrderBy {
		f, desc, ok := validOrder(o)
		if !ok || !t.known(f) {
			return nil, dictdb.ErrInvalidQuery
		}
		order = append(order, ord{f, desc})
	}
	aliases := map[string]bool{}
	for _, c := range q.Columns {
		if c.Alias == "" || c.Field == "" || aliases[c.Alias] || !t.known(c.Field) {
			return nil, dictdb.ErrInvalidQuery
		}
		aliases[c.Alias] = true
	}
	var rows []map[string]any
	for _, r := range t.rows { // key order
		if q.Where == nil || match(q.Where, r.rec) {
			rows = append(rows, r.rec)
		}
	}
	// A naive stable insertion sort: ties keep key order.
	less := func(a, b map[string]any) bool {
		for _, o := range order {
			c := codec.Compare(a[o.field], b[o.field])
			if o.desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && less(rows[j], rows[j-1]); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
	out := make([]dictdb.Record, 0, len(rows))
	for _, r := range rows {
		if len(q.Columns) == 0 {
			out = append(out, r)
			continue
		}
		p := dictdb.Record{}
		for _, c := range q.Columns {
			p[c.Alias] = r[c.Field]
		}
		out = append(out, p)
	}
	if q.Distinct {
		var d []dictdb.Record
		for _, r := range out {
			if !slices.ContainsFunc(d, func(e dictdb.Record) bool { return codec.Equal(e, r) }) {
				d = append(d, r)
			}
		}
		out = d
	}
	if q.Offset >= len(out) {
		return []dictdb.Record{}, nil
	}
	out = out[q.Offset:]
	if q.Limit > 0 && q.Limit < len(out) {
		out = out[:q.Limit]
	}
	return out, nil
}

func (s *mStore) Aggregate(name string, q dictdb.AggQuery) ([]dictdb.Record, error) {
	t, err := s.get(name)
	if err != nil {
		return nil, err
	}
	return t.aggregate(q)
}

func (s *mStore) CreateIndex(name, field string, kind dictdb.IndexKind, unique bool) error {
	t, err := s.get(name)
	if err != nil {
		return err
	}
	if field == "" || (kind != dictdb.HashIndex && kind != dictdb.SortedIndex) || field == t.pk {
		return dictdb.ErrInvalidIndex
	}
	for _, x := range t.indexes {
		if x.field == field {
			if x.kind == kind && x.unique == unique {
				return nil
			}
			return dictdb.ErrInvalidIndex
		}
	}
	if unique {
		for i, a := range t.rows {
			for _, b := range t.rows[i+1:] {
				if va := a.rec[field]; va != nil && codec.Equal(va, b.rec[field]) {
					return dictdb.ErrDuplicateKey
				}
			}
		}
	}
	n := t.clone()
	n.indexes = append(n.indexes, mIndex{field, kind, unique})
	s.tables[name] = n
	return nil
}

func (s *mStore) DropIndex(name, field string) error {
	t, err := s.get(name)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.indexes, func(x mIndex) bool { return x.field == field })
	if i < 0 {
		return dictdb.ErrInvalidIndex
	}
	n := t.clone()
	n.indexes = slices.Delete(n.indexes, i, i+1)
	s.tables[name] = n
	return nil
}

func (s *mStore) Columns(name string) ([]string, []string, error) {
	t, err := s.get(name)
	if err != nil {
		return nil, nil, err
	}
	var idx []string
	for _, x := range t.indexes {
		idx = append(idx, x.field)
	}
	if t.schema {
		cols := []string{"a", "b"}
		if !slices.Contains(cols, t.pk) {
			cols = append(cols, t.pk)
		}
		return cols, idx, nil
	}
	seen := map[string]bool{}
	for _, r := range t.rows {
		for f := range r.rec {
			seen[f] = true
		}
	}
	cols := slices.Sorted(maps.Keys(seen))
	return cols, idx, nil
}

// The database-level operations.

func (m *Model) store() *mStore { return &mStore{tables: m.tables} }

func (m *Model) CreateTable(name, pk string, schema bool) error {
	return m.store().CreateTable(name, pk, schema)
}
func (m *Model) DropTable(name string) error { return m.store().DropTable(name) }
func (m *Model) Insert(t string, rec dictdb.Record) (any, error) {
	return m.store().Insert(t, rec)
}
func (m *Model) InsertMany(t string, recs []dictdb.Record) ([]any, error) {
	return m.store().InsertMany(t, recs)
}
func (m *Model) Upsert(t string, rec dictdb.Record, on dictdb.Conflict) (any, dictdb.Action, error) {
	return m.store().Upsert(t, rec, on)
}
func (m *Model) Update(t string, ch dictdb.Record, where cond.Cond) (int, error) {
	return m.store().Update(t, ch, where)
}
func (m *Model) Delete(t string, where cond.Cond) (int, error) { return m.store().Delete(t, where) }
func (m *Model) Get(t string, key any) (dictdb.Record, bool, error) {
	return m.store().Get(t, key)
}
func (m *Model) Count(t string) (int, error) { return m.store().Count(t) }
func (m *Model) CountWhere(t string, where cond.Cond) (int, error) {
	return m.store().CountWhere(t, where)
}
func (m *Model) Select(t string, q dictdb.Query) ([]dictdb.Record, error) {
	return m.store().Select(t, q)
}
func (m *Model) CreateIndex(t, field string, kind dictdb.IndexKind, unique bool) error {
	return m.store().CreateIndex(t, field, kind, unique)
}
func (m *Model) Aggregate(t string, q dictdb.AggQuery) ([]dictdb.Record, error) {
	return m.store().Aggregate(t, q)
}
func (m *Model) DropIndex(t, field string) error              { return m.store().DropIndex(t, field) }
func (m *Model) Columns(t string) ([]string, []string, error) { return m.store().Columns(t) }

func (m *Model) TableNames() []string { return slices.Sorted(maps.Keys(m.tables)) }

func (m *Model) Snapshot(slot int) {
	m.snaps[slot] = maps.Clone(m.tables)
	m.taken[slot] = true
}

func (m *Model) ReadSnapshot(slot int, name string, q dictdb.Query) ([]dictdb.Record, int, error) {
	if !m.taken[slot] {
		return nil, 0, errNoSnapshot
	}
	t, ok := m.snaps[slot][name]
	if !ok {
		return nil, 0, dictdb.ErrTableNotFound
	}
	rows, err := t.selectRows(q)
	return rows, len(t.rows), err
}

func (m *Model) Restore(slot int) error {
	if !m.taken[slot] {
		return dictdb.ErrInvalidArgument
	}
	live := m.tables
	m.tables = maps.Clone(m.snaps[slot])
	// A live table's next auto key is never lowered.
	for name, t := range m.tables {
		if l, ok := live[name]; ok && l.nextID > t.nextID {
			n := t.clone()
			n.nextID = l.nextID
			m.tables[name] = n
		}
	}
	return nil
}

func (m *Model) Tx(tables []string, commit bool, body func(Store)) error {
	if len(tables) == 0 {
		return dictdb.ErrInvalidArgument
	}
	names := slices.Compact(slices.Sorted(slices.Values(tables)))
	staged := map[string]*mTable{}
	for _, n := range names {
		if t, ok := m.tables[n]; ok {
			staged[n] = t
		}
	}
	body(&mStore{tables: staged, inTx: names, tx: true})
	if !commit {
		return errRollback
	}
	for _, n := range names {
		if t, ok := staged[n]; ok {
			m.tables[n] = t
		} else {
			delete(m.tables, n)
		}
	}
	return nil
}

// SaveLoad is the identity in the model: a round trip changes nothing.
func (m *Model) SaveLoad(format int) error {
	if roundTrip == nil {
		return errNoPersistence
	}
	return nil
}

var (
	errRollback   = errors.New("rollback requested")
	errNoSnapshot = errors.New("no snapshot in this slot")
)
