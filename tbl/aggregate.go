package tbl

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strings"
	"unsafe"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

// AggKind is the kind of an aggregation.
type AggKind uint8

// The aggregation kinds.
const (
	// AggCount counts rows (empty Field) or the non-null values of Field.
	// Its result is an int64, 0 when nothing is counted.
	AggCount AggKind = iota + 1
	// AggSum adds the non-null numbers of Field. Integers sum to an int64
	// (an overflow of the int64 range is an error wrapping
	// cond.ErrInvalidQuery, never a wrap-around); if any value is a
	// float64 the result is a float64. No values give nil. Any other kind
	// of value, bools included, is an error wrapping cond.ErrInvalidQuery:
	// a bool is not a number in dictdb (the Python DictDB counts True as 1).
	AggSum
	// AggAvg is the mean of the non-null numbers of Field, always a
	// float64, or nil without values. Its values are checked as for AggSum,
	// but integer sums beyond the int64 range are no error.
	AggAvg
	// AggMin is the smallest non-null value of Field in the total order of
	// the codec package (any kinds mix: bool < number < string < ...), or
	// nil without values. Of equal values (1 and 1.0) it returns the one of
	// the first row in primary-key order, as the sorted index does.
	AggMin
	// AggMax is the largest non-null value of Field in the total order of
	// the codec package, or nil without values. Of equal values it returns
	// the one of the first row in primary-key order, as Python's max() and
	// the sorted index do.
	AggMax
)

var aggKindNames = [...]string{AggCount: "Count", AggSum: "Sum", AggAvg: "Avg", AggMin: "Min", AggMax: "Max"}

// String returns "Count", "Sum", "Avg", "Min" or "Max".
func (k AggKind) String() string {
	if k >= AggCount && k <= AggMax {
		return aggKindNames[k]
	}
	return fmt.Sprintf("AggKind(%d)", uint8(k))
}

// An Agg is one named aggregation: its output column Name, its Kind, and
// the Field it reads (a missing field reads as null). Field may be empty
// only for AggCount, which then counts rows.
type Agg struct {
	Name  string
	Kind  AggKind
	Field string
}

// An AggQuery is an aggregation request for Table.Aggregate.
type AggQuery struct {
	// Aggs are the aggregations, computed and named in this order. There
	// must be at least one, and their names must be non-empty, distinct,
	// and distinct from the GroupBy fields.
	Aggs []Agg
	// Where filters the rows first; nil aggregates every row.
	Where cond.Cond
	// GroupBy lists the grouping fields (non-empty, distinct). Rows whose
	// values of these fields are equal (codec.Equal: 1 and 1.0 are equal,
	// a missing field equals null) form one group.
	GroupBy []string
}

// Columns returns the names of the result columns in order: the GroupBy
// fields, then the aggregation names. Result rows are maps; Columns gives
// the order to print them in.
func (q AggQuery) Columns() []string {
	out := make([]string, 0, len(q.GroupBy)+len(q.Aggs))
	out = append(out, q.GroupBy...)
	for _, a := range q.Aggs {
		out = append(out, a.Name)
	}
	return out
}

// validate checks the shape of q against t and compiles its condition.
func (q AggQuery) validate(t *Table) (cond.Matcher, error) {
	if len(q.Aggs) == 0 {
		return nil, invalid("Aggregate needs at least one aggregation")
	}
	names := make([]string, 0, len(q.GroupBy)+len(q.Aggs))
	var seen map[string]bool // for long lists only; short ones are searched
	taken := func(name string) bool {
		if seen == nil && len(names) >= 16 {
			seen = make(map[string]bool, cap(names))
			for _, n := range names {
				seen[n] = true
			}
		}
		var dup bool
		if seen != nil {
			dup = seen[name]
			seen[name] = true
		} else {
			dup = slices.Contains(names, name)
		}
		names = append(names, name)
		return dup
	}
	for i, f := range q.GroupBy {
		if f == "" {
			return nil, invalid("GroupBy field %d is empty", i)
		}
		if taken(f) {
			return nil, invalid("GroupBy field %q appears twice", f)
		}
		if err := t.checkField("GroupBy", f); err != nil {
			return nil, err
		}
	}
	for i, a := range q.Aggs {
		switch {
		case a.Name == "":
			return nil, invalid("aggregation %d has an empty name", i)
		case a.Kind < AggCount || a.Kind > AggMax:
			return nil, invalid("aggregation %q has unknown kind %d", a.Name, uint8(a.Kind))
		case a.Field == "" && a.Kind != AggCount:
			return nil, invalid("aggregation %q (%s) needs a field", a.Name, a.Kind)
		case taken(a.Name):
			return nil, invalid("result column %q appears twice (aggregation names must differ from each other and from the GroupBy fields)", a.Name)
		}
		if a.Field != "" {
			if err := t.checkField(a.Kind.String(), a.Field); err != nil {
				return nil, err
			}
		}
	}
	return t.compileWhere(q.Where)
}

// Aggregate computes q over the rows of t matching q.Where.
//
// Without GroupBy the result is exactly one row mapping each aggregation
// name to its value (also for an empty table: counts are 0, the other
// aggregations nil). With GroupBy it is one row per group holding the
// group's field values (those of the group's first row in primary-key
// order) and its aggregations, and no rows when no row matches. Groups come
// out in ascending order of their key, the tuple of GroupBy values compared
// field by field in the total order of the codec package (null first), so
// the result is deterministic.
//
// The result maps and everything in them belong to the caller: a list,
// map or byte-slice value (a group's field value, a Min or a Max) is a deep
// copy of the stored one.
//
// Aggregate uses what is cheap: row counts without Where and GroupBy are
// constant-time, with Where they go through the query planner, and Min and
// Max of the primary key or of a sorted-indexed field (without Where and
// GroupBy) read the ends of the key order or of the index. Everything else
// is one pass over the planner's candidate rows, reading each field once per
// row and allocating nothing per row.
//
// Errors wrap cond.ErrInvalidQuery (as *cond.QueryError): no aggregations,
// an empty or repeated name, an unknown kind, a Sum, Avg, Min or Max without
// a field, an empty or repeated GroupBy field, an invalid Where, a field
// (in Where, GroupBy or an aggregation) that a table with a schema lacks, a
// Sum or Avg over a value that is not a number, a Sum of integers that
// overflows int64, and a Sum or Avg whose float sum overflows float64.
func (t *Table) Aggregate(q AggQuery) ([]map[string]any, error) {
	rows, err := t.aggregate(q)
	for _, r := range rows {
		for k, v := range r {
			switch v.(type) {
			case []any, map[string]any, []byte:
				r[k] = codec.Clone(v)
			}
		}
	}
	return rows, err
}

// aggregate is Aggregate with composite values shared with the rows.
func (t *Table) aggregate(q AggQuery) ([]map[string]any, error) {
	match, err := q.validate(t)
	if err != nil {
		return nil, err
	}
	p := &aggPlan{q: q, match: match, steps: make([]aggStep, len(q.Aggs))}
	p.fields = append(p.fields, q.GroupBy...)
	var row map[string]any // without GroupBy: the results known before a scan
	if len(q.GroupBy) == 0 {
		row = make(map[string]any, len(q.Aggs))
	}
	scan := false
	for i, a := range q.Aggs {
		st := &p.steps[i]
		switch {
		case a.Kind == AggCount && a.Field == "":
			st.kind = aggCountRows
			continue
		case row != nil && q.Where == nil && (a.Kind == AggMin || a.Kind == AggMax):
			if v, ok := t.indexEnd(a.Field, a.Kind == AggMax); ok {
				row[a.Name] = v
				continue // st.kind 0: answered
			}
		}
		scan = true
		st.kind = a.Kind
		st.slot = slices.Index(p.fields, a.Field)
		if st.slot < 0 {
			st.slot = len(p.fields)
			p.fields = append(p.fields, a.Field)
		}
	}
	if row != nil && !scan {
		// Only row counts are left: the table (or the planner) counts.
		n := t.Len()
		if q.Where != nil {
			if n, err = t.Count(q.Where); err != nil {
				return nil, err
			}
		}
		for i, a := range q.Aggs {
			if p.steps[i].kind == aggCountRows {
				row[a.Name] = int64(n)
			}
		}
		return []map[string]any{row}, nil
	}
	for _, f := range p.fields {
		p.refs = append(p.refs, codec.NewField(f))
	}
	if row != nil {
		return t.aggregateOne(p, row)
	}
	return t.aggregateGroups(p)
}

// aggCountRows is the internal kind of a Count without a field.
const aggCountRows = AggMax + 1

// aggPlan is a compiled AggQuery.
type aggPlan struct {
	q      AggQuery
	match  cond.Matcher
	fields []string       // the fields read from each row: GroupBy fields first
	refs   []*codec.Field // fields, resolved per shape
	steps  []aggStep      // one per aggregation
}

// aggStep is how one aggregation consumes a row.
type aggStep struct {
	kind AggKind // 0: answered without a scan; aggCountRows: count rows
	slot int     // the index of the field's value among the row's values
}

// scan feeds every matching row to the accumulators, reading each field of
// p.fields once per row: into the accumulators of the row's group if g is
// not nil, else into accs[:len(p.steps)]. It returns the accumulators.
// Without Where it walks the rows a leaf at a time.
func (t *Table) scan(p *aggPlan, g *groups, accs []acc) ([]acc, error) {
	nf, na := len(p.q.GroupBy), len(p.steps)
	rr := newRowReader(p.refs)
	vals := make([]any, len(p.fields)) // the current row's values
	one := func(r Row) error {
		rr.read(r.rec, vals)
		a := accs
		if g != nil {
			n, added := g.find(vals[:nf])
			if added {
				accs = append(accs, make([]acc, na)...)
			}
			a = accs[n*na : (n+1)*na]
		}
		return p.feed(a, vals, t, r)
	}
	if p.q.Where == nil {
		for _, rows := range t.rows.Chunks() {
			for _, r := range rows {
				if err := one(r); err != nil {
					return nil, err
				}
			}
		}
		return accs, nil
	}
	for _, r := range t.candidates(p.q.Where) {
		if !p.match(r.rec) {
			continue
		}
		if err := one(r); err != nil {
			return nil, err
		}
	}
	return accs, nil
}

// A rowReader reads the values of some fields from records, resolving
// their slots once per shape: the rows of a table usually share one.
type rowReader struct {
	refs  []*codec.Field
	shape *codec.Shape
	slots []int // the fields' slots in shape, -1 if absent
}

func newRowReader(refs []*codec.Field) *rowReader {
	return &rowReader{refs: refs, slots: make([]int, len(refs))}
}

// read sets vals[i] to the value of field i in rec, nil if absent.
func (rr *rowReader) read(rec codec.Record, vals []any) {
	if s := rec.Shape(); s != rr.shape {
		rr.shape = s
		for i, f := range rr.refs {
			rr.slots[i] = f.Slot(s)
		}
	}
	rv := rec.Values()
	for i, sl := range rr.slots {
		if sl < 0 {
			vals[i] = nil
		} else {
			vals[i] = rv[sl]
		}
	}
}

// groupRuns is aggregateGroups' pass for one GroupBy field that has an
// index, without Where, when the aggregations read no other field (counts
// of rows, aggregations of the grouping field): it walks the index's runs
// of equal values, which come in group order, so a group is found by
// comparing a run's value with the previous group's, never by hashing.
// Rows are counted a run at a time, without reading them; aggregations of
// the grouping field read each row's value, which equals the run's but may
// be of another kind (2.0 in a run of 2). (Aggregations of other fields scan the rows in
// primary-key order instead: reading them in index order jumps around
// memory, which measured slower than hashing each row's group value.)
func (t *Table) groupRuns(p *aggPlan, x *idx.Index[Row]) (*groups, []acc, error) {
	na := len(p.steps)
	counts := true // every step counts rows (or needs no pass)
	for _, st := range p.steps {
		counts = counts && (st.kind == 0 || st.kind == aggCountRows)
	}
	g := newGroups(1)
	var accs []acc
	vals := make([]any, len(p.fields)) // only the grouping field is ever read
	rr := newRowReader(p.refs)
	var err error
	x.EachRun(func(v any, rows []Row) bool {
		if g.len() == 0 || !codec.Equal(v, g.keys[g.len()-1]) {
			g.add([]any{v}, -1)
			accs = append(accs, make([]acc, na)...)
		}
		a := accs[len(accs)-na:]
		if counts {
			for j := range a {
				a[j].n += int64(len(rows))
			}
			return true
		}
		// Each row's own value, not the run's: equal values may be of
		// different kinds (2 and 2.0), and a Sum of 2 and 2.0 is a float.
		for _, r := range rows {
			rr.read(r.rec, vals)
			if err = p.feed(a, vals, t, r); err != nil {
				return false
			}
		}
		return true
	})
	if err != nil {
		// A Sum or Avg over a value that is not a number: the scan
		// names the first such record in key order, as always.
		g = newGroups(1)
		accs, err = t.scan(p, g, nil)
	}
	return g, accs, err
}

// readsOnly0 reports whether every aggregation of p that reads a field reads
// the field of slot 0.
func (p *aggPlan) readsOnly0() bool {
	for _, st := range p.steps {
		if st.kind != 0 && st.kind != aggCountRows && st.slot != 0 {
			return false
		}
	}
	return true
}

// aggregateOne computes an aggregation without GroupBy into row, which
// holds the results known already.
func (t *Table) aggregateOne(p *aggPlan, row map[string]any) ([]map[string]any, error) {
	accs, err := t.scan(p, nil, make([]acc, len(p.steps)))
	if err != nil {
		return nil, err
	}
	for i, a := range p.q.Aggs {
		if p.steps[i].kind == 0 {
			continue
		}
		v, err := accs[i].result(a)
		if err != nil {
			return nil, err
		}
		row[a.Name] = v
	}
	return []map[string]any{row}, nil
}

// indexEnd returns the smallest (or, if last, the largest) non-null value
// of field, read from the ends of the primary-key order or of a sorted
// index in O(log n). ok is false when field has neither; v is nil when the
// table holds no such value.
func (t *Table) indexEnd(field string, last bool) (v any, ok bool) {
	if field == t.pk {
		it := t.rows.Iterator()
		var k codec.Key
		var found bool
		if last {
			it.Last()
			k, _, found = it.Prev()
		} else {
			it.First()
			k, _, found = it.Next()
		}
		if !found {
			return nil, true
		}
		return k.Value(), true
	}
	x := t.index(field)
	if x == nil || x.Def().Kind != idx.Sorted {
		return nil, false
	}
	var found bool
	if last {
		v, found = x.Max()
	} else {
		v, found = x.Min()
	}
	if !found {
		return nil, true
	}
	return v, true
}

// acc accumulates one aggregation over the rows of one group.
type acc struct {
	n        int64 // rows (Count()), or non-null values seen
	lo       uint64
	hi       int64   // Sum/Avg: the exact 128-bit integer sum hi<<64 + lo
	f        float64 // Sum/Avg: the running sum of the floats
	comp     float64 // Sum/Avg: the rounding errors of f, compensated at the end
	hasFloat bool
	v        any // Min/Max: the best value so far
}

// add adds x to the 128-bit integer sum, which cannot overflow within
// 2^63 additions.
func (c *acc) add(x int64) {
	var carry uint64
	c.lo, carry = bits.Add64(c.lo, uint64(x), 0)
	c.hi += x>>63 + int64(carry)
}

// intSum returns the integer sum and whether it fits an int64.
func (c *acc) intSum() (int64, bool) {
	return int64(c.lo), c.hi == int64(c.lo)>>63
}

// addFloat adds x to the float sum with Neumaier's improvement of Kahan's
// compensated summation, the algorithm of Python's sum() since 3.12: f
// holds the rounded running sum and comp the rounding errors made so far,
// which are exact and added back once at the end.
func (c *acc) addFloat(x float64) {
	t := c.f + x
	if math.Abs(c.f) >= math.Abs(x) {
		c.comp += (c.f - t) + x
	} else {
		c.comp += (x - t) + c.f
	}
	c.f = t
}

// bigIntSum returns the exact integer sum as a big.Int.
func (c *acc) bigIntSum() *big.Int {
	if i, ok := c.intSum(); ok {
		return big.NewInt(i)
	}
	z := new(big.Int).SetInt64(c.hi)
	z.Lsh(z, 64)
	return z.Add(z, new(big.Int).SetUint64(c.lo))
}

// maxExact is the largest magnitude below which every integer is exact in a
// float64.
const maxExact = 1 << 53

// total returns the sum of all values, integers and floats, as a float64,
// and false if it overflows the float64 range. The integers, summed
// exactly, join the compensated float sum as their nearest float64 and the
// (exact) remainder, so that mixing them in loses nothing either.
func (c *acc) total() (float64, bool) {
	s := *c
	if i, ok := c.intSum(); ok && i >= -maxExact && i <= maxExact {
		s.addFloat(float64(i))
	} else {
		exact := c.bigIntSum()
		near, _ := new(big.Float).SetInt(exact).Float64()
		rest, _ := new(big.Float).SetInt(exact.Sub(exact, bigFloatInt(near))).Float64()
		s.addFloat(near)
		s.addFloat(rest)
	}
	sum := s.f
	if !math.IsInf(s.comp, 0) && !math.IsNaN(s.comp) {
		sum += s.comp
	}
	return sum, !math.IsInf(sum, 0) && !math.IsNaN(sum)
}

// bigFloatInt returns the integer value of the whole float64 f.
func bigFloatInt(f float64) *big.Int {
	z, _ := new(big.Float).SetFloat64(f).Int(nil)
	return z
}

// mean returns the mean of n values: the integer sum divided exactly and
// rounded once when all values are integers (as Python's int / int), the
// compensated total divided by n otherwise.
func (c *acc) mean() (float64, bool) {
	if !c.hasFloat {
		if i, ok := c.intSum(); ok && i >= -maxExact && i <= maxExact && c.n <= maxExact {
			return float64(i) / float64(c.n), true // both exact: one rounding
		}
		q, _ := new(big.Rat).SetFrac(c.bigIntSum(), big.NewInt(c.n)).Float64()
		return q, true // at most 2^127 / 1: always finite
	}
	sum, ok := c.total()
	return sum / float64(c.n), ok
}

// feed adds one row r of t, whose field values are vals, to one
// accumulator per aggregation.
func (p *aggPlan) feed(accs []acc, vals []any, t *Table, r Row) error {
	for j, st := range p.steps {
		c := &accs[j]
		switch st.kind {
		case aggCountRows:
			c.n++
			continue
		case 0:
			continue
		}
		v := vals[st.slot]
		if v == nil {
			continue
		}
		switch st.kind {
		case AggCount:
			c.n++
		case AggSum, AggAvg:
			switch x := v.(type) {
			case int64:
				c.n++
				c.add(x)
			case float64:
				c.n++
				c.addFloat(x)
				c.hasFloat = true
			default:
				a := p.q.Aggs[j]
				k, _, _ := t.recordKey(r.rec)
				return invalid("%s %q of field %q: the value of record %s is a %s, not a number",
					a.Kind, a.Name, a.Field, k, codec.KindOf(v))
			}
		case AggMin:
			if c.n == 0 || compareValues(v, c.v) < 0 {
				c.v = v
			}
			c.n++
		case AggMax:
			// Of equal values (2 and 2.0) the first in key order wins, as
			// in Min and in Python's max().
			if c.n == 0 || compareValues(v, c.v) > 0 {
				c.v = v
			}
			c.n++
		}
	}
	return nil
}

// compareValues is codec.Compare with fast paths for the common scalars.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	}
	return codec.Compare(a, b)
}

// result returns the value of the accumulated aggregation a.
func (c *acc) result(a Agg) (any, error) {
	if a.Kind == AggCount {
		return c.n, nil
	}
	if c.n == 0 {
		return nil, nil
	}
	switch a.Kind {
	case AggSum:
		if c.hasFloat {
			sum, ok := c.total()
			if !ok {
				return nil, invalid("%s %q of field %q overflows the float64 range", a.Kind, a.Name, a.Field)
			}
			return sum, nil
		}
		i, ok := c.intSum()
		if !ok {
			return nil, invalid("%s %q of field %q overflows the int64 range", a.Kind, a.Name, a.Field)
		}
		return i, nil
	case AggAvg:
		mean, ok := c.mean()
		if !ok {
			return nil, invalid("%s %q of field %q: the sum overflows the float64 range", a.Kind, a.Name, a.Field)
		}
		return mean, nil
	}
	return c.v, nil // Min, Max
}

// aggSeed seeds the hashes of group keys.
var aggSeed = maphash.MakeSeed()

// hashGroupValue hashes a group value consistently with codec.Equal, with
// fast paths for strings and numbers.
func hashGroupValue(v any) uint64 {
	switch x := v.(type) {
	case string:
		return maphash.String(aggSeed, x)
	case int64:
		return hashInt(x)
	case float64:
		// An integral float equals the integer it holds, so it hashes alike.
		if i, ok := integral(x); ok {
			return hashInt(i)
		}
	}
	return codec.HashValue(aggSeed, v)
}

func hashInt(i int64) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(i))
	return maphash.Bytes(aggSeed, b[:])
}

// integral returns the int64 equal to f, if there is one.
func integral(f float64) (int64, bool) {
	if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
		return int64(f), true
	}
	return 0, false
}

// groups numbers the distinct group keys (tuples of nf values) densely in
// order of first appearance. A key of one string or one integral number
// is found in a Go map keyed by the value itself; other keys in a hash
// table of codec-equal chains.
type groups struct {
	nf    int
	few   []string         // the first one-field string keys, searched in order
	fewN  []int32          // their group numbers
	strs  map[string]int32 // the other one-field string keys
	ints  map[int64]int32  // one-field integral keys (int64 or float64)
	heads map[uint64]int32 // hash -> newest group with that hash
	next  []int32          // group -> older group with the same hash, or -1
	keys  []any            // group g's key is keys[g*nf : (g+1)*nf]
}

// maxFewGroups is how many one-field string groups are searched in order
// before the others go to a map.
const maxFewGroups = 8

func newGroups(nf int) *groups {
	return &groups{nf: nf, strs: map[string]int32{}, ints: map[int64]int32{}, heads: map[uint64]int32{}}
}

// len returns the number of groups.
func (g *groups) len() int { return len(g.next) }

// key returns the key of group n.
func (g *groups) key(n int) []any { return g.keys[n*g.nf : (n+1)*g.nf] }

// find returns the number of the group whose key equals key, adding it if
// it is new. key is copied.
func (g *groups) find(key []any) (n int, added bool) {
	if g.nf == 1 {
		switch x := key[0].(type) {
		case string:
			// A handful of groups is searched faster than hashed: first by
			// the strings' addresses (rows built from the same values
			// share them, and a comparison of addresses is one
			// instruction), then by content.
			for i, s := range g.few {
				if unsafe.StringData(s) == unsafe.StringData(x) && len(s) == len(x) {
					return int(g.fewN[i]), false
				}
			}
			for i, s := range g.few {
				if s == x {
					return int(g.fewN[i]), false
				}
			}
			if len(g.few) < maxFewGroups {
				g.few, g.fewN = append(g.few, x), append(g.fewN, int32(g.len()))
				return g.add(key, -1), true
			}
			if n, ok := g.strs[x]; ok {
				return int(n), false
			}
			g.strs[x] = int32(g.len())
			return g.add(key, -1), true
		case int64:
			return g.findInt(x, key)
		case float64:
			if i, ok := integral(x); ok {
				return g.findInt(i, key)
			}
		}
	}
	var h uint64
	for i, v := range key {
		h = (h^hashGroupValue(v))*0x100000001b3 + uint64(i)
	}
	head, ok := g.heads[h]
	if ok {
		for i := head; i >= 0; i = g.next[i] {
			if equalKeys(g.key(int(i)), key) {
				return int(i), false
			}
		}
	} else {
		head = -1
	}
	g.heads[h] = int32(g.len())
	return g.add(key, head), true
}

func (g *groups) findInt(i int64, key []any) (int, bool) {
	if n, ok := g.ints[i]; ok {
		return int(n), false
	}
	g.ints[i] = int32(g.len())
	return g.add(key, -1), true
}

func (g *groups) add(key []any, next int32) int {
	g.next = append(g.next, next)
	g.keys = append(g.keys, key...)
	return len(g.next) - 1
}

func equalKeys(a, b []any) bool {
	for i := range a {
		if !codec.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// aggregateGroups computes a grouped aggregation with one pass over the
// matching rows.
func (t *Table) aggregateGroups(p *aggPlan) ([]map[string]any, error) {
	q := p.q
	nf, na := len(q.GroupBy), len(q.Aggs)
	var (
		g    *groups
		accs []acc
		err  error
	)
	if x := t.index(q.GroupBy[0]); nf == 1 && q.Where == nil && x != nil && p.readsOnly0() {
		g, accs, err = t.groupRuns(p, x)
	} else {
		g = newGroups(nf)
		accs, err = t.scan(p, g, nil)
	}
	if err != nil {
		return nil, err
	}
	order := make([]int, g.len())
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ka, kb := g.key(a), g.key(b)
		for i := range ka {
			if c := codec.Compare(ka[i], kb[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	out := make([]map[string]any, 0, len(order))
	for _, n := range order {
		row := make(map[string]any, nf+na)
		for i, f := range q.GroupBy {
			row[f] = g.keys[n*nf+i]
		}
		for j, a := range q.Aggs {
			v, err := accs[n*na+j].result(a)
			if err != nil {
				return nil, err
			}
			row[a.Name] = v
		}
		out = append(out, row)
	}
	return out, nil
}
