package tbl

import (
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

// The planner picks how a query reaches its candidate rows. It only ever
// narrows a conjunction: each candidate source yields a superset of the rows
// matching one top-level conjunct, and the whole condition is always applied
// to every candidate, so a plan can change speed but never results. OR and
// NOT are never narrowed. Candidates always come out in primary-key order.

// access is a chosen way to reach candidate rows.
type access struct {
	desc func() string             // for Explain: built only when asked for
	est  int                       // estimated candidate count
	rows iter.Seq2[codec.Key, Row] // candidates, in primary-key order
	scan bool                      // a full scan
	// served lists the conjuncts the candidates satisfy exactly (an index
	// lookup of an equality, say): only the other conjuncts remain to check.
	served []cond.Cond
	// release, if set, gives back the pooled memory the candidates were
	// gathered into; close calls it.
	release func()
	// appendRows, if set, appends the candidates to dst in primary-key
	// order, like ranging over rows, but without a call per row.
	appendRows func(dst []Row) []Row
	// inIndexOrder, if set, appends the candidates to dst in the order of
	// the index on indexField they came from: ascending value, equal
	// values in primary-key order, which is OrderBy indexField's order.
	// It saves putting them into primary-key order and sorting them back.
	inIndexOrder func(dst []Row) []Row
	// eachInIndexOrder, set with inIndexOrder, yields the candidates in
	// the same order one by one, straight from the index, until yield
	// returns false: a streamed Scan's form, which gathers nothing.
	eachInIndexOrder func(yield func(Row) bool)
	indexField       string
}

func fullScan() string { return "full scan" }

// close gives back the pooled memory of a's candidates. Every access choose
// returns must be closed once its rows are no longer read; reading them
// after close reads the index again.
func (a access) close() {
	if a.release != nil {
		a.release()
	}
}

// residual returns the matcher for what a's candidates still need checked:
// the conjuncts of where it does not serve exactly, or full when it serves
// none.
func (a access) residual(where cond.Cond, full cond.Matcher) cond.Matcher {
	if len(a.served) == 0 {
		return full
	}
	var rest []cond.Cond
	for _, c := range cond.Conjuncts(where) {
		if !slices.Contains(a.served, c) {
			rest = append(rest, c)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	m, err := cond.Compile(cond.And(rest...))
	if err != nil { // cannot happen: where compiled already
		return full
	}
	return m
}

// candidates iterates, in primary-key order, over a superset of the rows
// matching where. Each iteration chooses an access and closes it when the
// iteration ends.
func (t *Table) candidates(where cond.Cond) iter.Seq2[codec.Key, Row] {
	return func(yield func(codec.Key, Row) bool) {
		a := t.choose(where)
		defer a.close()
		a.rows(yield)
	}
}

// choose returns the cheapest access for where: the usable conjunct with the
// smallest estimated count, or a full scan. The caller must close it.
func (t *Table) choose(where cond.Cond) access {
	best := access{desc: fullScan, est: t.rows.Len(), rows: t.All(), scan: true}
	consider := func(a access, ok bool) {
		switch {
		case !ok:
		case a.est < best.est:
			best.close()
			best = a
		default:
			a.close()
		}
	}
	conjuncts := cond.Conjuncts(where)
	// Cheap, selective candidates first: each estimate stops counting at the
	// best count so far, so a good early bound keeps later ones short.
	merged := mergedRanges(conjuncts)
	for pass := range 2 {
		for _, c := range conjuncts {
			p, ok := c.(*cond.Pred)
			if !ok || (pass == 0) != (p.Op == cond.EqOp || p.Op == cond.InOp) || !normalizedArgs(p) {
				continue
			}
			if m, ok := merged[p.Field]; ok && slices.Contains(m.preds, c) {
				continue // the merged range is at least as selective
			}
			switch {
			case p.Field == t.pk:
				consider(t.pkAccess(p, best.est))
			case t.index(p.Field) != nil:
				consider(t.indexAccess(t.index(p.Field), p, best.est))
			}
		}
		if pass > 0 {
			break
		}
		for field, m := range merged {
			if field == t.pk {
				consider(t.pkRangeAccess(field, m.r, best.est))
			} else if x := t.index(field); x != nil && x.Def().Kind == idx.Sorted {
				a, ok := t.rangeAccess(x, m.r, best.est)
				a.served = m.preds
				consider(a, ok)
			}
		}
	}
	return best
}

// normalizedArgs reports whether p's operands are normalized values, as the
// builders of package cond make them. A Pred built by hand (its fields are
// exported) may hold others, such as an int; Compile checks normalized
// copies of them, but the planner reads p.Args as they are, so it leaves
// such a predicate to the matcher instead of narrowing by it.
func normalizedArgs(p *cond.Pred) bool {
	for _, a := range p.Args {
		if !normalizedValue(a) {
			return false
		}
	}
	return true
}

func normalizedValue(v any) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if !normalizedValue(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range x {
			if !normalizedValue(e) {
				return false
			}
		}
		return true
	}
	_, ok := codec.ValueKind(v)
	return ok
}

// mergedRanges intersects, per field, the range conjuncts (<, <=, >, >=,
// Between) of one kind, so that "age >= 30 AND age < 35" reads one range
// instead of the more selective half. Fields with fewer than two range
// conjuncts are left to the single-conjunct plans.
type merged struct {
	r     idx.Range
	preds []cond.Cond // the conjuncts the range answers
}

func mergedRanges(conjuncts []cond.Cond) map[string]merged {
	if len(conjuncts) < 2 {
		return nil // nothing to merge: no allocation on the common path
	}
	byField := map[string][]idx.Range{}
	preds := map[string][]cond.Cond{}
	for _, c := range conjuncts {
		p, ok := c.(*cond.Pred)
		if !ok || !normalizedArgs(p) {
			continue
		}
		switch p.Op {
		case cond.LtOp, cond.LteOp, cond.GtOp, cond.GteOp, cond.BetweenOp:
		default:
			continue
		}
		if r, ok, none := rangeOf(p); ok && !none {
			byField[p.Field] = append(byField[p.Field], r)
			preds[p.Field] = append(preds[p.Field], p)
		}
	}
	out := map[string]merged{}
	for field, rs := range byField {
		if len(rs) < 2 {
			continue
		}
		m, ok := rs[0], true
		for _, r := range rs[1:] {
			if m, ok = intersect(m, r); !ok {
				break
			}
		}
		if ok {
			out[field] = merged{r: m, preds: preds[field]}
		}
	}
	return out
}

// intersect returns the intersection of two ranges over the same kind; ok
// is false when the kinds differ (the conjunction then matches nothing, and
// the single-conjunct plans are just as good).
func intersect(a, b idx.Range) (idx.Range, bool) {
	if codec.KindOf(a.Lo) != codec.KindOf(b.Lo) {
		return a, false
	}
	// The lower bound: the larger one; if equal, exclusive wins.
	switch c := codec.Compare(a.Lo, b.Lo); {
	case c < 0:
		a.Lo, a.LoIncl = b.Lo, b.LoIncl
	case c == 0:
		a.LoIncl = a.LoIncl && b.LoIncl
	}
	// The upper bound: the smaller one (nil is unbounded).
	switch {
	case a.Hi == nil:
		a.Hi, a.HiIncl = b.Hi, b.HiIncl
	case b.Hi != nil:
		switch c := codec.Compare(a.Hi, b.Hi); {
		case c > 0:
			a.Hi, a.HiIncl = b.Hi, b.HiIncl
		case c == 0:
			a.HiIncl = a.HiIncl && b.HiIncl
		}
	}
	return a, true
}

// describeRange prints a range in interval notation.
func describeRange(r idx.Range) string {
	lo, hi := "(", ")"
	if r.LoIncl {
		lo = "["
	}
	if r.HiIncl {
		hi = "]"
	}
	h := "..."
	if r.Hi != nil {
		h = cond.Field("x").Eq(r.Hi).(*cond.Pred).String()[len("x = "):]
	}
	l := cond.Field("x").Eq(r.Lo).(*cond.Pred).String()[len("x = "):]
	return lo + l + ", " + h + hi
}

// pkRangeAccess serves an intersected range on the primary key.
func (t *Table) pkRangeAccess(field string, r idx.Range, limit int) (access, bool) {
	rows := t.pkScan(r)
	n := 0
	for range rows {
		if n++; n > limit {
			return access{}, false
		}
	}
	return access{desc: func() string { return "primary key " + field + " in " + describeRange(r) }, est: n, rows: rows}, true
}

// rangeAccess serves an intersected range through a sorted index.
func (t *Table) rangeAccess(x *idx.Index[Row], r idx.Range, limit int) (access, bool) {
	desc := func() string {
		return fmt.Sprintf("%s index on %s for range %s", describe(x.Def()), x.Def().Field, describeRange(r))
	}
	return gathered(desc, x, []idx.Range{r}, limit, nil)
}

// empty is the access for a conjunct that no row can satisfy.
func empty(desc func() string) access {
	return access{desc: func() string { return desc() + " (matches nothing)" }, rows: func(func(codec.Key, Row) bool) {}}
}

// pkAccess serves a predicate on the primary key.
func (t *Table) pkAccess(p *cond.Pred, limit int) (access, bool) {
	desc := func() string { return "primary key " + p.String() }
	switch p.Op {
	case cond.EqOp, cond.InOp:
		var keys []codec.Key
		for _, v := range p.Args {
			if k, ok := codec.KeyOf(v); ok {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, codec.CompareKeys)
		keys = slices.CompactFunc(keys, codec.Key.Equal)
		return access{desc: desc, est: len(keys), served: []cond.Cond{p}, rows: func(yield func(codec.Key, Row) bool) {
			for _, k := range keys {
				if r, ok := t.rows.Get(k); ok && !yield(k, r) {
					return
				}
			}
		}}, true
	}
	r, ok, none := rangeOf(p)
	if none {
		a := empty(desc)
		a.served = []cond.Cond{p}
		return a, true
	}
	if !ok {
		return access{}, false
	}
	rows := t.pkScan(r)
	n := 0
	for range rows {
		if n++; n > limit {
			break
		}
	}
	return access{desc: desc, est: n, rows: rows}, true
}

// pkScan iterates over the rows whose key lies in r.
func (t *Table) pkScan(r idx.Range) iter.Seq2[codec.Key, Row] {
	var start codec.Key
	switch lo := r.Lo.(type) {
	case string:
		start = codec.StringKey(lo)
	case int64:
		start = codec.IntKey(lo)
	case float64:
		switch {
		case lo < math.MinInt64:
			start = codec.IntKey(math.MinInt64)
		case lo >= math.MaxInt64:
			return func(func(codec.Key, Row) bool) {}
		default:
			start = codec.IntKey(int64(math.Floor(lo)))
		}
	default: // keys are integers and strings only
		return func(func(codec.Key, Row) bool) {}
	}
	kind := codec.KindOf(r.Lo)
	// Integer keys against an integer or open upper bound are compared as
	// int64s: k.Value() would box every key of the range.
	hi, hiInt := r.Hi.(int64)
	intFast := kind == codec.Number && !r.Prefix && (r.Hi == nil || hiInt)
	return func(yield func(codec.Key, Row) bool) {
		it := t.rows.Iterator()
		it.Seek(start)
		for !it.Done() {
			k, row, _ := it.Next()
			if n, isInt := k.Int(); isInt && intFast {
				if hiInt && (n > hi || (n == hi && !r.HiIncl)) {
					return
				}
				if !yield(k, row) {
					return
				}
				continue
			}
			v := k.Value()
			if codec.KindOf(v) != kind {
				return
			}
			if r.Prefix {
				if !strings.HasPrefix(v.(string), r.Lo.(string)) {
					return
				}
			} else if r.Hi != nil {
				if c := codec.Compare(v, r.Hi); c > 0 || (c == 0 && !r.HiIncl) {
					return
				}
			}
			if !yield(k, row) {
				return
			}
		}
	}
}

// rangeOf turns a range predicate into an index range. ok is false if the
// predicate is not a range; none is true if it can match nothing.
func rangeOf(p *cond.Pred) (r idx.Range, ok, none bool) {
	arg := func(i int) any {
		if i < len(p.Args) {
			return p.Args[i]
		}
		return nil
	}
	v := arg(0)
	switch p.Op {
	case cond.GtOp, cond.GteOp:
		if v == nil {
			return r, true, true
		}
		return idx.Range{Lo: v, LoIncl: p.Op == cond.GteOp}, true, false
	case cond.LtOp, cond.LteOp:
		lo, ok := smallest(v)
		if v == nil {
			return r, true, true
		}
		if !ok {
			return r, false, false
		}
		return idx.Range{Lo: lo, LoIncl: true, Hi: v, HiIncl: p.Op == cond.LteOp}, true, false
	case cond.BetweenOp:
		lo, hi := arg(0), arg(1)
		if lo == nil || hi == nil || codec.KindOf(lo) != codec.KindOf(hi) || codec.Compare(lo, hi) > 0 {
			return r, true, true
		}
		return idx.Range{Lo: lo, LoIncl: true, Hi: hi, HiIncl: true}, true, false
	case cond.StartsWithOp:
		s, _ := v.(string)
		return idx.Range{Lo: s, LoIncl: true, Prefix: true}, true, false
	case cond.LikeOp:
		s, _ := v.(string)
		prefix, exact := cond.LikePrefix(s, p.Escape)
		if exact {
			return idx.Range{Lo: prefix, LoIncl: true, Hi: prefix, HiIncl: true}, true, false
		}
		if prefix == "" {
			return r, false, false
		}
		return idx.Range{Lo: prefix, LoIncl: true, Prefix: true}, true, false
	}
	return r, false, false
}

// smallest returns the smallest value of v's kind, for ranges without a
// lower bound; ok is false for kinds without one we can name.
func smallest(v any) (any, bool) {
	switch v.(type) {
	case int64, float64:
		return math.Inf(-1), true
	case string:
		return "", true
	case bool:
		return false, true
	case []byte:
		return []byte{}, true
	case []any:
		return []any{}, true
	case time.Time:
		return MinTime, true
	}
	return nil, false
}

// indexAccess serves a predicate through a secondary index: equality and In
// through any index, ranges and prefixes through sorted ones.
func (t *Table) indexAccess(x *idx.Index[Row], p *cond.Pred, limit int) (access, bool) {
	desc := func() string {
		return fmt.Sprintf("%s index on %s for %s", describe(x.Def()), x.Def().Field, p.String())
	}
	var ranges []idx.Range
	switch p.Op {
	case cond.EqOp:
		ranges = append(ranges, point(p.Args[0]))
	case cond.InOp:
		var vals []any
		for _, v := range p.Args {
			if !slices.ContainsFunc(vals, func(w any) bool { return codec.Equal(v, w) }) {
				vals = append(vals, v)
			}
		}
		for _, v := range vals {
			ranges = append(ranges, point(v))
		}
	default:
		if x.Def().Kind != idx.Sorted {
			return access{}, false
		}
		r, ok, none := rangeOf(p)
		if none {
			a := empty(desc)
			a.served = []cond.Cond{p}
			return a, true
		}
		if !ok {
			return access{}, false
		}
		ranges = append(ranges, r)
	}
	// Index lookups answer equality, In and ranges exactly; a LIKE prefix
	// only narrows.
	var served []cond.Cond
	if lit, _ := cond.LikePrefix(stringArg(p), p.Escape); p.Op != cond.LikeOp || lit == stringArg(p) {
		served = []cond.Cond{p}
	}
	return gathered(desc, x, ranges, limit, served)
}

// point is the range of the values equal to v.
func point(v any) idx.Range { return idx.Range{Lo: v, LoIncl: true, Hi: v, HiIncl: true} }

func stringArg(p *cond.Pred) string {
	if len(p.Args) > 0 {
		s, _ := p.Args[0].(string)
		return s
	}
	return ""
}

// orderedSource returns the rows in the order of a single-key OrderBy, when
// the primary key or a sorted index provides it, with ties in primary-key
// order. ok is false when no such order is available.
func (t *Table) orderedSource(order []orderKey) (rows iter.Seq2[codec.Key, Row], desc string, ok bool) {
	if len(order) != 1 {
		return nil, "", false
	}
	o := order[0]
	if o.field == t.pk {
		if !o.desc {
			return t.All(), "primary-key order", true
		}
		return func(yield func(codec.Key, Row) bool) {
			it := t.rows.Iterator()
			it.Last()
			for !it.Done() {
				k, r, _ := it.Prev()
				if !yield(k, r) {
					return
				}
			}
		}, "reverse primary-key order", true
	}
	x := t.index(o.field)
	if x == nil || x.Def().Kind != idx.Sorted {
		return nil, "", false
	}
	if !o.desc {
		return func(yield func(codec.Key, Row) bool) {
			for e := range x.Ascend() {
				if !yield(e.Key, e.Row) {
					return
				}
			}
		}, "sorted index on " + o.field, true
	}
	// Descending values, but equal values keep ascending primary-key order:
	// buffer each run of equal values and emit it reversed.
	return func(yield func(codec.Key, Row) bool) {
		var run []idx.Entry[Row]
		flush := func() bool {
			for i := len(run) - 1; i >= 0; i-- {
				if !yield(run[i].Key, run[i].Row) {
					return false
				}
			}
			run = run[:0]
			return true
		}
		for e := range x.Descend() {
			if len(run) > 0 && !codec.Equal(run[0].Value, e.Value) && !flush() {
				return
			}
			run = append(run, e)
		}
		flush()
	}, "sorted index on " + o.field + " (descending)", true
}
