package tbl

import (
	"container/heap"
	"fmt"
	"hash/maphash"
	"iter"
	"slices"
	"strings"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
)

// A Query selects rows. The zero Query selects every row in primary-key
// order.
//
// The steps run in SQL order: filter by Where, sort by OrderBy (rows with
// equal sort keys stay in primary-key order), project Columns, remove
// duplicates if Distinct, then skip Offset rows and return at most Limit.
//
// On a table with a schema, every field the query names (in Where, OrderBy
// and the Field of Columns) must be a schema field: a query naming another
// one fails with cond.ErrInvalidQuery naming it, since no record can hold
// it. Without a schema records are open and any field may be named; a
// missing field reads as null.
type Query struct {
	// Where filters rows; nil matches every row.
	Where cond.Cond
	// OrderBy lists sort fields, each optionally prefixed by "-" for
	// descending order. Values sort in the total order of the codec
	// package: null and missing values first ascending, last descending.
	// An entry that follows another convention is cond.ErrInvalidQuery
	// rather than an odd field name: an empty name ("" or "-"), a "+" or a
	// second "-" prefix, leading or trailing white space, or a trailing
	// ASC or DESC word as in SQL ("age DESC").
	OrderBy []string
	// Limit is the maximum number of rows; 0 means no limit.
	Limit int
	// Offset is the number of rows to skip first.
	Offset int
	// Columns projects each row onto these output fields; empty means
	// whole records. A missing field projects as nil.
	Columns []Projection
	// Distinct drops rows equal to an earlier row (after projection),
	// before Offset and Limit apply.
	Distinct bool
}

// A Projection is one output column: the output name and the field it reads.
type Projection struct {
	Alias string // the output field name
	Field string // the record field read
}

type orderKey struct {
	field string
	desc  bool
	ref   *codec.Field // field, resolved per shape
}

// plan is a compiled Query.
type plan struct {
	match    cond.Matcher
	order    []orderKey
	limit    int
	offset   int
	cols     []Projection
	distinct bool
	// With Columns: the projected records' shape (the aliases), and for
	// each of its slots the field read.
	colShape  *codec.Shape
	colFields []*codec.Field
	// guard, set for one run of Scan, checks for cancellation.
	guard *guard
}

func invalid(format string, args ...any) error {
	return &cond.QueryError{Msg: fmt.Sprintf(format, args...)}
}

// parseOrder splits an OrderBy entry into its field and direction: "age"
// is ascending on age, "-age" descending. It rejects, with an error
// wrapping cond.ErrInvalidQuery, the entries that follow another convention
// and would otherwise read as odd field names: an empty name ("" or "-"), a
// "+" or second "-" prefix ("+age", "--age"), leading or trailing white
// space, and a trailing ASC or DESC word ("age DESC").
func parseOrder(entry string) (field string, desc bool, err error) {
	name, desc := strings.CutPrefix(entry, "-")
	switch {
	case name == "":
		return "", false, invalid("OrderBy entry %q names no field", entry)
	case name[0] == '+' || name[0] == '-':
		return "", false, invalid("OrderBy entry %q: want a field name, prefixed by a single \"-\" for descending order", entry)
	case strings.TrimSpace(name) != name:
		return "", false, invalid("OrderBy entry %q: leading or trailing white space", entry)
	}
	if words := strings.Fields(name); len(words) > 1 {
		if w := words[len(words)-1]; strings.EqualFold(w, "asc") || strings.EqualFold(w, "desc") {
			return "", false, invalid("OrderBy entry %q: write \"-field\" for descending order, not a trailing %s", entry, w)
		}
	}
	return name, desc, nil
}

// compileWhere compiles where and, with a schema, checks that it names
// only schema fields.
func (t *Table) compileWhere(where cond.Cond) (cond.Matcher, error) {
	m, err := cond.Compile(where)
	if err != nil {
		return nil, err
	}
	if err := t.checkWhere(where); err != nil {
		return nil, err
	}
	return m, nil
}

// CheckWhere returns the error Select would return for the condition
// where, without reading a row.
func (t *Table) CheckWhere(where cond.Cond) error {
	_, err := t.compileWhere(where)
	return err
}

// checkField fails if t has a schema that lacks field; part says which
// part of the query names it.
func (t *Table) checkField(part, field string) error {
	if t.schema == nil {
		return nil
	}
	if _, ok := t.schema.index[field]; ok {
		return nil
	}
	return &cond.QueryError{Table: t.name, Field: field, Msg: part + ": not in the schema"}
}

// checkWhere checks every field a compiled condition names against the
// schema. Compile has bounded the depth of the tree.
func (t *Table) checkWhere(c cond.Cond) error {
	if t.schema == nil || c == nil {
		return nil
	}
	switch c := c.(type) {
	case *cond.Pred:
		return t.checkField("Where", c.Field)
	case *cond.AndCond:
		for _, x := range c.Terms {
			if err := t.checkWhere(x); err != nil {
				return err
			}
		}
	case *cond.OrCond:
		for _, x := range c.Terms {
			if err := t.checkWhere(x); err != nil {
				return err
			}
		}
	case *cond.NotCond:
		return t.checkWhere(c.Term)
	}
	return nil
}

func (t *Table) compileQuery(q Query) (*plan, error) {
	if q.Limit < 0 {
		return nil, invalid("Limit must not be negative, got %d", q.Limit)
	}
	if q.Offset < 0 {
		return nil, invalid("Offset must not be negative, got %d", q.Offset)
	}
	p := &plan{limit: q.Limit, offset: q.Offset, distinct: q.Distinct}
	var err error
	if p.match, err = t.compileWhere(q.Where); err != nil {
		return nil, err
	}
	for _, s := range q.OrderBy {
		name, desc, err := parseOrder(s)
		if err != nil {
			return nil, err
		}
		if err := t.checkField("OrderBy", name); err != nil {
			return nil, err
		}
		p.order = append(p.order, orderKey{field: name, desc: desc, ref: codec.NewField(name)})
	}
	seen := map[string]bool{}
	for _, c := range q.Columns {
		if c.Alias == "" || c.Field == "" {
			return nil, invalid("bad column %q=%q: names must not be empty", c.Alias, c.Field)
		}
		if seen[c.Alias] {
			return nil, invalid("column %q appears twice", c.Alias)
		}
		seen[c.Alias] = true
		if err := t.checkField("Columns", c.Field); err != nil {
			return nil, err
		}
	}
	p.cols = q.Columns
	if len(q.Columns) > 0 {
		aliases := make([]string, len(q.Columns))
		for i, c := range q.Columns {
			aliases[i] = c.Alias
		}
		p.colShape = codec.ShapeOf(aliases...)
		p.colFields = make([]*codec.Field, len(q.Columns))
		for _, c := range q.Columns {
			p.colFields[p.colShape.Slot(c.Alias)] = codec.NewField(c.Field)
		}
	}
	return p, nil
}

// Select runs q and returns the result rows. Without Columns the rows are
// the stored records themselves (shared, read-only); with Columns they are
// new records sharing the stored values.
func (t *Table) Select(q Query) ([]Row, error) {
	p, err := t.compileQuery(q)
	if err != nil {
		return nil, err
	}
	var out []Row
	t.run(p, q.Where, &out, func(r Row) bool {
		out = append(out, r)
		return true
	})
	return out, nil
}

// Scan compiles q, failing as Select does for an invalid query, and returns
// a function that runs it: it calls yield with each result row in the
// query's order until yield returns false, without collecting the rows
// first when the plan reads them in order (primary-key order, or a sorted
// index or the primary key serving OrderBy); a sort that cannot stream
// collects the matches first. The function may run any number of times,
// each run reading t, which never changes.
//
// If check is not nil, it is called once every few thousand rows examined
// (checkEvery); when it returns an error the run stops at once and returns
// that error. A run stopped by yield, or that ran to its end, returns nil.
func (t *Table) Scan(q Query, check func() error) (func(yield func(Row) bool) error, error) {
	p, err := t.compileQuery(q)
	if err != nil {
		return nil, err
	}
	return func(yield func(Row) bool) (err error) {
		if check == nil {
			t.run(p, q.Where, nil, yield)
			return nil
		}
		g := &guard{check: check}
		defer func() {
			if r := recover(); r != nil {
				s, ok := r.(stopped)
				if !ok || s.g != g {
					panic(r)
				}
				err = s.err
			}
		}()
		gp := *p
		gp.guard = g
		t.run(&gp, q.Where, nil, yield)
		return nil
	}, nil
}

// checkEvery is how many rows a guarded run examines between two checks.
const checkEvery = 1024

// A guard makes a run check for cancellation as it examines rows: its
// matcher calls check every checkEvery rows and, on an error, unwinds the
// run with a panic of type stopped that Scan recovers. A panic is the one
// way out of the middle of run's loops that costs unguarded queries
// nothing.
type guard struct {
	check func() error
	n     int
}

type stopped struct {
	g   *guard
	err error
}

// guarded returns match (nil: every row) wrapped by p's guard, or match
// itself without a guard.
func (p *plan) guarded(match cond.Matcher) cond.Matcher {
	g := p.guard
	if g == nil {
		return match
	}
	return func(r codec.Record) bool {
		if g.n++; g.n >= checkEvery {
			g.n = 0
			if err := g.check(); err != nil {
				panic(stopped{g, err})
			}
		}
		return match == nil || match(r)
	}
}

// Count returns the number of rows matching where, in constant time when
// where is nil.
func (t *Table) Count(where cond.Cond) (int, error) {
	if where == nil {
		return t.rows.Len(), nil
	}
	match, err := t.compileWhere(where)
	if err != nil {
		return 0, err
	}
	a := t.choose(where)
	defer a.close()
	if match = a.residual(where, match); match == nil {
		match = func(codec.Record) bool { return true }
	}
	n := 0
	for _, r := range a.rows {
		if match(r.rec) {
			n++
		}
	}
	return n, nil
}

// run executes a compiled plan, calling emit for each result row in order
// until emit returns false. If collect is not nil, emit appends to it, and
// run may append rows to it directly instead of calling emit.
func (t *Table) run(p *plan, where cond.Cond, collect *[]Row, emit func(Row) bool) {
	out := newSink(p, emit)
	a := t.choose(where)
	defer a.close()
	if len(p.order) == 0 {
		match := p.guarded(a.residual(where, p.match))
		push := out.push
		if out.plain() {
			push = emit
			if collect != nil && match == nil && a.appendRows != nil {
				*collect = a.appendRows(*collect)
				return
			}
			if collect != nil && !a.scan {
				*collect = slices.Grow(*collect, a.est)
			}
		}
		if a.scan {
			// A full scan: a leaf of rows at a time.
			for _, rows := range t.rows.Chunks() {
				for _, r := range rows {
					if (match == nil || match(r.rec)) && !push(r) {
						return
					}
				}
			}
			return
		}
		for _, r := range a.rows {
			if (match == nil || match(r.rec)) && !push(r) {
				return
			}
		}
		return
	}
	method := t.sortMethod(p, a)
	if method == indexRange {
		match := a.residual(where, p.match)
		if collect != nil && match == nil && out.plain() {
			*collect = a.inIndexOrder(*collect)
			return
		}
		a.eachInIndexOrder(func(r Row) bool {
			return (match != nil && !match(r.rec)) || out.push(r)
		})
		return
	}
	if method == streamed {
		rows, _, _ := t.orderedSource(p.order)
		match := p.guarded(p.match)
		for _, r := range rows {
			if match(r.rec) && !out.push(r) {
				return
			}
		}
		return
	}
	var sorted []sortRow
	match := a.residual(where, p.match)
	if match == nil {
		match = func(codec.Record) bool { return true }
	}
	match = p.guarded(match)
	if method == topKSelection {
		k, _ := p.topK(t.rows.Len())
		sorted = topK(p, match, a.rows, k)
	} else {
		for _, r := range a.rows {
			if match(r.rec) {
				sorted = append(sorted, p.sortRow(r, len(sorted)))
			}
		}
		slices.SortFunc(sorted, p.compare)
	}
	for _, s := range sorted {
		if !out.push(s.row) {
			return
		}
	}
}

// ordering is how run puts the matching rows in order.
type ordering uint8

const (
	keyOrder      ordering = iota // no OrderBy: candidates come in primary-key order
	streamed                      // read in order from the primary key or a sorted index
	indexRange                    // the candidates, read from an index on the order field, in index order
	topKSelection                 // the first offset+limit rows kept in a bounded heap
	fullSort                      // every match collected and sorted
)

// sortMethod picks how run orders the rows of p read through a; Explain
// reports the same choice. A sorted index or the primary key streams the
// order when it can stop early (a limit) or would scan every row anyway;
// top-k pays off when it keeps few rows of many, and never under Distinct,
// whose duplicates would take places among the k.
func (t *Table) sortMethod(p *plan, a access) ordering {
	if len(p.order) == 0 {
		return keyOrder
	}
	if a.inIndexOrder != nil && len(p.order) == 1 && !p.order[0].desc && p.order[0].field == a.indexField {
		return indexRange
	}
	if _, _, ok := t.orderedSource(p.order); ok && (p.limit > 0 || a.scan) {
		return streamed
	}
	if _, ok := p.topK(t.rows.Len()); ok {
		return topKSelection
	}
	return fullSort
}

// sortRow is a matched row with its extracted sort keys and its position in
// primary-key order, the final tie-breaker that makes the sort stable.
type sortRow struct {
	keys []any
	seq  int
	row  Row
}

func (p *plan) sortRow(r Row, seq int) sortRow {
	keys := make([]any, len(p.order))
	for i, o := range p.order {
		keys[i] = o.ref.Value(r.rec)
	}
	return sortRow{keys: keys, seq: seq, row: r}
}

func (p *plan) compare(a, b sortRow) int {
	for i, o := range p.order {
		c := codec.Compare(a.keys[i], b.keys[i])
		if o.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return a.seq - b.seq
}

// topK reports whether run keeps only the first k sorted rows of a table of
// n rows, k being offset+limit, instead of sorting every match: with a
// Limit, without Distinct, and for a k small against n. Offset and Limit
// can be as large as int allows: their sum is never formed when it would
// overflow.
func (p *plan) topK(n int) (k int, ok bool) {
	if p.limit <= 0 || p.distinct || p.offset >= n/4 || p.limit >= n/4-p.offset {
		return 0, false
	}
	return p.offset + p.limit, true
}

// topK returns the first k matching rows in sort order, keeping only k rows
// in a bounded max-heap instead of sorting every match.
func topK(p *plan, match cond.Matcher, rows iter.Seq2[codec.Key, Row], k int) []sortRow {
	h := &rowHeap{p: p}
	seq := 0
	for _, r := range rows {
		if !match(r.rec) {
			continue
		}
		s := p.sortRow(r, seq)
		seq++
		if len(h.rows) < k {
			heap.Push(h, s)
		} else if p.compare(s, h.rows[0]) < 0 {
			h.rows[0] = s
			heap.Fix(h, 0)
		}
	}
	slices.SortFunc(h.rows, p.compare)
	return h.rows
}

// rowHeap is a max-heap under the plan's order: the root is the worst row.
type rowHeap struct {
	p    *plan
	rows []sortRow
}

func (h *rowHeap) Len() int           { return len(h.rows) }
func (h *rowHeap) Less(i, j int) bool { return h.p.compare(h.rows[i], h.rows[j]) > 0 }
func (h *rowHeap) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *rowHeap) Push(x any)         { h.rows = append(h.rows, x.(sortRow)) }
func (h *rowHeap) Pop() any {
	x := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return x
}

// sink applies projection, distinct, offset and limit to rows arriving in
// final order.
type sink struct {
	p       *plan
	emit    func(Row) bool
	skipped int
	taken   int
	seen    map[uint64][]codec.Record
}

var distinctSeed = maphash.MakeSeed()

func newSink(p *plan, emit func(Row) bool) *sink {
	s := &sink{p: p, emit: emit}
	if p.distinct {
		s.seen = map[uint64][]codec.Record{}
	}
	return s
}

// plain reports whether the sink passes every row on unchanged: no
// projection, no DISTINCT, no paging.
func (s *sink) plain() bool {
	return len(s.p.cols) == 0 && s.seen == nil && s.p.offset == 0 && s.p.limit == 0
}

// push offers one row and reports whether more rows are wanted.
func (s *sink) push(r Row) bool {
	if s.p.colShape != nil {
		rec, vals := codec.NewRecord(s.p.colShape)
		for i, f := range s.p.colFields {
			vals[i] = f.Value(r.rec)
		}
		r = Row{rec}
	}
	if s.seen != nil {
		var h maphash.Hash
		h.SetSeed(distinctSeed)
		codec.HashRecord(&h, r.rec)
		sum := h.Sum64()
		for _, prev := range s.seen[sum] {
			if codec.EqualRecords(prev, r.rec) {
				return true
			}
		}
		s.seen[sum] = append(s.seen[sum], r.rec)
	}
	if s.skipped < s.p.offset {
		s.skipped++
		return true
	}
	if !s.emit(r) {
		return false
	}
	s.taken++
	return s.p.limit == 0 || s.taken < s.p.limit
}
