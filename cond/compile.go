package cond

import (
	"cmp"
	"hash/maphash"
	"strings"

	"github.com/dictdb-go/dictdb/codec"
)

// maxDepth bounds the nesting of And, Or and Not that Compile accepts, so
// that a hostile or cyclic tree is an error rather than a stack overflow.
const maxDepth = 10000

// smallIn is the largest In set that is searched linearly; larger sets are
// hashed.
const smallIn = 8

// inSeed seeds the hashes of In sets. It is fixed for the life of the process
// and only ever read.
var inSeed = maphash.MakeSeed()

// A Matcher reports whether a record matches the condition it was compiled
// from. The record must be normalized (codec.NormalizeRecord); a missing field
// is the same as a nil value, and the zero Record has every field missing. A
// Matcher never retains or modifies the record and is safe for concurrent
// use. It does not allocate, except where codec sorts the keys of a map value
// to order or hash it (Lt, Between or a large In over map values). Each
// predicate resolves its field's slot once per record shape (codec.Field),
// so matching the rows of one shape does no string hashing or comparison of
// field names.
type Matcher func(rec codec.Record) bool

// MatchMap reports whether the normalized map rec matches. It builds a
// compact record first: for tests and cold paths, not for scans.
func (m Matcher) MatchMap(rec map[string]any) bool { return m(codec.RecordOf(rec)) }

func matchAll(codec.Record) bool  { return true }
func matchNone(codec.Record) bool { return false }

// Compile checks c and compiles it into a Matcher. Compile(nil) matches every
// record.
//
// All per-condition work happens here, once: LIKE patterns are parsed,
// case-insensitive constants lowered and In sets of more than a few values
// hashed. Compile copies what it needs, so the Matcher does not depend on c.
//
// The error wraps ErrInvalidQuery (and is a *QueryError for errors.As) when a
// predicate has an empty field name, an unknown operator, the wrong number or
// type of operands, or an escape string on an operator other than LIKE and
// ILIKE; when an operand of And, Or or Not is nil; or when the tree is nested
// more than 10000 levels deep. An unsupported constant gives an error that
// wraps both ErrInvalidQuery and codec.ErrUnsupportedValue.
func Compile(c Cond) (Matcher, error) {
	if c == nil {
		return matchAll, nil
	}
	return compile(c, 0)
}

func compile(c Cond, depth int) (Matcher, error) {
	if depth > maxDepth {
		return nil, queryErrorf("condition nested more than %d levels deep", maxDepth)
	}
	switch c := c.(type) {
	case *Pred:
		if c != nil {
			return compilePred(c)
		}
	case *AndCond:
		if c != nil {
			ms, err := compileTerms(c.Terms, "AND", depth)
			if err != nil {
				return nil, err
			}
			return andOf(ms), nil
		}
	case *OrCond:
		if c != nil {
			ms, err := compileTerms(c.Terms, "OR", depth)
			if err != nil {
				return nil, err
			}
			return orOf(ms), nil
		}
	case *NotCond:
		if c != nil {
			if c.Term == nil {
				return nil, queryErrorf("nil operand of NOT")
			}
			m, err := compile(c.Term, depth+1)
			if err != nil {
				return nil, err
			}
			return func(rec codec.Record) bool { return !m(rec) }, nil
		}
	default:
		return nil, queryErrorf("unsupported condition type %T", c)
	}
	return nil, queryErrorf("nil %T condition", c)
}

func compileTerms(terms []Cond, name string, depth int) ([]Matcher, error) {
	ms := make([]Matcher, len(terms))
	for i, t := range terms {
		if t == nil {
			return nil, queryErrorf("nil operand %d of %s", i+1, name)
		}
		m, err := compile(t, depth+1)
		if err != nil {
			return nil, err
		}
		ms[i] = m
	}
	return ms, nil
}

func andOf(ms []Matcher) Matcher {
	switch len(ms) {
	case 0:
		return matchAll
	case 1:
		return ms[0]
	case 2:
		a, b := ms[0], ms[1]
		return func(rec codec.Record) bool { return a(rec) && b(rec) }
	}
	return func(rec codec.Record) bool {
		for _, m := range ms {
			if !m(rec) {
				return false
			}
		}
		return true
	}
}

func orOf(ms []Matcher) Matcher {
	switch len(ms) {
	case 0:
		return matchNone
	case 1:
		return ms[0]
	case 2:
		a, b := ms[0], ms[1]
		return func(rec codec.Record) bool { return a(rec) || b(rec) }
	}
	return func(rec codec.Record) bool {
		for _, m := range ms {
			if m(rec) {
				return true
			}
		}
		return false
	}
}

// checkPred validates p and returns normalized copies of its operands.
func checkPred(p *Pred) ([]any, error) {
	if p.err != nil {
		return nil, p.err
	}
	if p.Field == "" {
		return nil, queryErrorf("empty field name (%s)", p.Op)
	}
	if !p.Op.valid() {
		return nil, predError(p.Field, p.Op, "unknown operator")
	}
	if n := p.Op.arity(); n >= 0 && len(p.Args) != n {
		return nil, predError(p.Field, p.Op, "takes %d operand(s), got %d", n, len(p.Args))
	}
	if p.Escape != "" && p.Op != LikeOp && p.Op != ILikeOp {
		return nil, predError(p.Field, p.Op, "ESCAPE applies only to LIKE and ILIKE")
	}
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		v, err := codec.Normalize(p.Field, a)
		if err != nil {
			return nil, valueError(p.Field, p.Op, err)
		}
		args[i] = v
	}
	if p.Op.stringArg() {
		if _, ok := args[0].(string); !ok {
			return nil, predError(p.Field, p.Op, "operand must be a string, got %s", codec.TypeName(args[0]))
		}
	}
	return args, nil
}

func compilePred(p *Pred) (Matcher, error) {
	args, err := checkPred(p)
	if err != nil {
		return nil, err
	}
	f := codec.NewField(p.Field)
	switch p.Op {
	case EqOp:
		return eqMatcher(f, args[0]), nil
	case NeOp:
		eq := eqMatcher(f, args[0])
		return func(rec codec.Record) bool { return !eq(rec) }, nil
	case LtOp, LteOp, GtOp, GteOp:
		return orderMatcher(f, p.Op, args[0]), nil
	case BetweenOp:
		return betweenMatcher(f, args[0], args[1]), nil
	case InOp:
		return inMatcher(f, args), nil
	case LikeOp, ILikeOp:
		m := compileLike(args[0].(string), p.Escape, p.Op == ILikeOp)
		return func(rec codec.Record) bool {
			s, ok := f.Value(rec).(string)
			return ok && m(s)
		}, nil
	case StartsWithOp:
		prefix := args[0].(string)
		return func(rec codec.Record) bool {
			v, hit := f.Cached(rec)
			if !hit {
				v = f.Value(rec)
			}
			s, ok := v.(string)
			return ok && strings.HasPrefix(s, prefix)
		}, nil
	case EndsWithOp:
		suffix := args[0].(string)
		return func(rec codec.Record) bool {
			v, hit := f.Cached(rec)
			if !hit {
				v = f.Value(rec)
			}
			s, ok := v.(string)
			return ok && strings.HasSuffix(s, suffix)
		}, nil
	case ContainsOp:
		return containsMatcher(f, args[0]), nil
	case IEqualsOp:
		return lowerMatcher(f, args[0].(string), lowerEqual), nil
	case IContainsOp:
		return lowerMatcher(f, args[0].(string), lowerContains), nil
	case IStartsWithOp:
		return lowerMatcher(f, args[0].(string), func(s, lc string) bool {
			_, ok := lowerPrefix(s, lc)
			return ok
		}), nil
	case IEndsWithOp:
		return lowerMatcher(f, args[0].(string), lowerSuffix), nil
	case IsNullOp:
		return func(rec codec.Record) bool { return f.Value(rec) == nil }, nil
	case IsNotNullOp:
		return func(rec codec.Record) bool { return f.Value(rec) != nil }, nil
	}
	return nil, predError(p.Field, p.Op, "unknown operator") // not reached: checkPred checks p.Op
}

// eqMatcher matches codec.Equal(value, c). The constant goes first: for a
// scalar constant codec.Equal then only type-asserts the value.
func eqMatcher(f *codec.Field, c any) Matcher {
	switch x := c.(type) {
	case nil:
		return func(rec codec.Record) bool { return f.Value(rec) == nil }
	case string:
		return func(rec codec.Record) bool {
			v, hit := f.Cached(rec)
			if !hit {
				v = f.Value(rec)
			}
			s, ok := v.(string)
			return ok && s == x
		}
	}
	return func(rec codec.Record) bool {
		v, hit := f.Cached(rec)
		if !hit {
			v = f.Value(rec)
		}
		return codec.Equal(c, v)
	}
}

// holds reports whether a comparison result r (as codec.Compare returns it)
// satisfies op.
func holds(op Op, r int) bool {
	switch op {
	case LtOp:
		return r < 0
	case LteOp:
		return r <= 0
	case GtOp:
		return r > 0
	}
	return r >= 0
}

func orderMatcher(f *codec.Field, op Op, c any) Matcher {
	if c == nil {
		return matchNone // nothing is of the null kind but null, which never matches
	}
	if x, ok := c.(string); ok {
		switch op {
		case LtOp:
			return func(rec codec.Record) bool { s, ok := f.Value(rec).(string); return ok && s < x }
		case LteOp:
			return func(rec codec.Record) bool { s, ok := f.Value(rec).(string); return ok && s <= x }
		case GtOp:
			return func(rec codec.Record) bool { s, ok := f.Value(rec).(string); return ok && s > x }
		default:
			return func(rec codec.Record) bool { s, ok := f.Value(rec).(string); return ok && s >= x }
		}
	}
	ck := codec.KindOf(c)
	if y, isInt := c.(int64); isInt {
		// The common case: an integer field against an integer constant.
		// This and the other closures that scans hit hardest (equality,
		// prefix, suffix) write out Field.Cached, the inlinable fast path,
		// before falling back to Value: a helper doing both would be too
		// big to inline.
		return func(rec codec.Record) bool {
			v, hit := f.Cached(rec)
			if !hit {
				v = f.Value(rec)
			}
			if x, ok := v.(int64); ok {
				return holds(op, cmp.Compare(x, y))
			}
			r, ok := compareNumber(v, c)
			return ok && holds(op, r)
		}
	}
	if ck == codec.Number {
		return func(rec codec.Record) bool {
			r, ok := compareNumber(f.Value(rec), c)
			return ok && holds(op, r)
		}
	}
	return func(rec codec.Record) bool {
		v := f.Value(rec)
		if k, ok := codec.ValueKind(v); !ok || k != ck {
			return false
		}
		return holds(op, codec.Compare(v, c))
	}
}

// compareNumber compares v with the number c as codec.Compare does, with a
// fast path for two int64s or two float64s; ok is false when v is not a
// number.
func compareNumber(v, c any) (r int, ok bool) {
	switch x := v.(type) {
	case int64:
		if y, ok := c.(int64); ok {
			return cmp.Compare(x, y), true
		}
	case float64:
		if y, ok := c.(float64); ok {
			return cmp.Compare(x, y), true
		}
	default:
		return 0, false
	}
	return codec.Compare(v, c), true
}

func betweenMatcher(f *codec.Field, lo, hi any) Matcher {
	k := codec.KindOf(lo)
	if lo == nil || hi == nil || k != codec.KindOf(hi) || codec.Compare(lo, hi) > 0 {
		return matchNone
	}
	if k == codec.Number {
		return func(rec codec.Record) bool {
			v := f.Value(rec)
			r, ok := compareNumber(v, lo)
			if !ok || r < 0 {
				return false
			}
			r, _ = compareNumber(v, hi)
			return r <= 0
		}
	}
	return func(rec codec.Record) bool {
		v := f.Value(rec)
		if vk, ok := codec.ValueKind(v); !ok || vk != k {
			return false
		}
		return codec.Compare(lo, v) <= 0 && codec.Compare(v, hi) <= 0
	}
}

func inMatcher(f *codec.Field, values []any) Matcher {
	switch {
	case len(values) == 0:
		return matchNone
	case len(values) == 1:
		return eqMatcher(f, values[0])
	case len(values) <= smallIn:
		return func(rec codec.Record) bool {
			v := f.Value(rec)
			for _, c := range values {
				if codec.Equal(c, v) {
					return true
				}
			}
			return false
		}
	}
	set := make(map[uint64][]any, len(values))
	for _, c := range values {
		h := codec.HashValue(inSeed, c)
		set[h] = append(set[h], c)
	}
	return func(rec codec.Record) bool {
		v := f.Value(rec)
		for _, c := range set[codec.HashValue(inSeed, v)] {
			if codec.Equal(c, v) {
				return true
			}
		}
		return false
	}
}

func containsMatcher(f *codec.Field, c any) Matcher {
	cs, isStr := c.(string)
	return func(rec codec.Record) bool {
		switch x := f.Value(rec).(type) {
		case string:
			return isStr && strings.Contains(x, cs)
		case []any:
			for _, e := range x {
				if codec.Equal(c, e) {
					return true
				}
			}
		case map[string]any:
			if isStr {
				_, ok := x[cs]
				return ok
			}
		}
		return false
	}
}

// lowerMatcher lowers the constant once and applies test to string values.
func lowerMatcher(f *codec.Field, s string, test func(s, lc string) bool) Matcher {
	lc := strings.ToLower(s)
	return func(rec codec.Record) bool {
		v, ok := f.Value(rec).(string)
		return ok && test(v, lc)
	}
}
