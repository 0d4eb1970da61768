package cond

import (
	"strconv"

	"github.com/dictdb-go/dictdb/codec"
)

// A Cond is a condition on one record. The set of conditions is closed: every
// Cond is a *Pred, an *AndCond, an *OrCond or a *NotCond, so a planner can
// type-switch over them. Conds are immutable and safe for concurrent use; a
// nil Cond stands for "every record" where a condition is optional (Compile).
type Cond interface {
	// String returns the textual form of the condition (see the package doc).
	String() string
	isCond()
}

var (
	_ Cond = (*Pred)(nil)
	_ Cond = (*AndCond)(nil)
	_ Cond = (*OrCond)(nil)
	_ Cond = (*NotCond)(nil)
)

// An Op is the operator of a field predicate. The zero Op is not an operator:
// a Pred holding it does not compile.
type Op uint8

// The operators. The comment after each gives the number of operands the Pred
// holds in Args.
const (
	EqOp          Op = iota + 1 // 1: field = v
	NeOp                        // 1: field != v
	LtOp                        // 1: field < v
	LteOp                       // 1: field <= v
	GtOp                        // 1: field > v
	GteOp                       // 1: field >= v
	InOp                        // any number: field IN (v1, v2, ...)
	BetweenOp                   // 2: field BETWEEN lo AND hi
	LikeOp                      // 1 string: field LIKE pattern [ESCAPE e]
	ILikeOp                     // 1 string: field ILIKE pattern [ESCAPE e]
	StartsWithOp                // 1 string: startswith(field, s)
	EndsWithOp                  // 1 string: endswith(field, s)
	ContainsOp                  // 1: contains(field, v)
	IEqualsOp                   // 1 string: iequals(field, s)
	IContainsOp                 // 1 string: icontains(field, s)
	IStartsWithOp               // 1 string: istartswith(field, s)
	IEndsWithOp                 // 1 string: iendswith(field, s)
	IsNullOp                    // 0: field IS NULL
	IsNotNullOp                 // 0: field IS NOT NULL
)

var opNames = [...]string{
	EqOp:          "=",
	NeOp:          "!=",
	LtOp:          "<",
	LteOp:         "<=",
	GtOp:          ">",
	GteOp:         ">=",
	InOp:          "IN",
	BetweenOp:     "BETWEEN",
	LikeOp:        "LIKE",
	ILikeOp:       "ILIKE",
	StartsWithOp:  "startswith",
	EndsWithOp:    "endswith",
	ContainsOp:    "contains",
	IEqualsOp:     "iequals",
	IContainsOp:   "icontains",
	IStartsWithOp: "istartswith",
	IEndsWithOp:   "iendswith",
	IsNullOp:      "IS NULL",
	IsNotNullOp:   "IS NOT NULL",
}

// String returns the operator as the textual form spells it: "=", "!=",
// "<", "<=", ">", ">=", "IN", "BETWEEN", "LIKE", "ILIKE", "IS NULL",
// "IS NOT NULL", or a function name such as "startswith". An unknown
// operator prints as Op(n).
func (op Op) String() string {
	if op.valid() {
		return opNames[op]
	}
	return "Op(" + strconv.Itoa(int(op)) + ")"
}

func (op Op) valid() bool { return op >= EqOp && op <= IsNotNullOp }

// isFunc reports whether op prints as a function call: name(field, arg).
func (op Op) isFunc() bool { return op >= StartsWithOp && op <= IEndsWithOp }

// stringArg reports whether op takes exactly one string operand.
func (op Op) stringArg() bool {
	switch op {
	case LikeOp, ILikeOp, StartsWithOp, EndsWithOp, IEqualsOp, IContainsOp, IStartsWithOp, IEndsWithOp:
		return true
	}
	return false
}

// arity returns how many operands op takes, or -1 for any number (In).
func (op Op) arity() int {
	switch op {
	case InOp:
		return -1
	case BetweenOp:
		return 2
	case IsNullOp, IsNotNullOp:
		return 0
	}
	return 1
}

// A Pred is a predicate on one field: Field Op Args. It is immutable after
// construction; build it with the methods of FieldRef.
//
// Args holds codec-normalized constants: one for the comparisons, Like,
// ILike, Contains and the string functions (a string for Like, ILike and the
// string functions), two (lo, hi) for Between, any number for In and none for
// IsNull and IsNotNull.
type Pred struct {
	Field  string // the field name; never empty in a valid predicate
	Op     Op
	Args   []any  // normalized operands; read-only
	Escape string // LIKE escape string for LikeOp and ILikeOp; "" means none
	err    error  // a construction error, reported by Compile
}

func (*Pred) isCond() {}

// An AndCond matches the records that every one of its Terms matches; with no
// terms it matches every record. Build it with And; Terms is read-only.
type AndCond struct {
	Terms []Cond
}

func (*AndCond) isCond() {}

// An OrCond matches the records that at least one of its Terms matches; with
// no terms it matches nothing. Build it with Or; Terms is read-only.
type OrCond struct {
	Terms []Cond
}

func (*OrCond) isCond() {}

// A NotCond matches the records that Term does not match. Build it with Not.
type NotCond struct {
	Term Cond
}

func (*NotCond) isCond() {}

// And returns the conjunction of terms. With no terms it returns a condition
// that matches every record (printed TRUE); with one non-nil term it returns
// that term itself. A nil term makes Compile fail.
func And(terms ...Cond) Cond {
	if len(terms) == 1 && terms[0] != nil {
		return terms[0]
	}
	return &AndCond{Terms: append([]Cond(nil), terms...)}
}

// Or returns the disjunction of terms. With no terms it returns a condition
// that matches nothing (printed FALSE); with one non-nil term it returns that
// term itself. A nil term makes Compile fail.
func Or(terms ...Cond) Cond {
	if len(terms) == 1 && terms[0] != nil {
		return terms[0]
	}
	return &OrCond{Terms: append([]Cond(nil), terms...)}
}

// Not returns the negation of c. A nil c makes Compile fail.
func Not(c Cond) Cond {
	return &NotCond{Term: c}
}

// Conjuncts returns the terms of c's top-level conjunction, flattening nested
// And conditions: And(a, And(b, c)) gives [a b c]. A condition that is not an
// And is a list of one, and nil (or And()) gives an empty list. The slice is
// new; the conditions in it are shared. A planner may narrow by any one
// conjunct, since a record must match all of them.
func Conjuncts(c Cond) []Cond {
	if c == nil {
		return nil
	}
	var out []Cond
	return appendConjuncts(out, c, 0)
}

func appendConjuncts(out []Cond, c Cond, depth int) []Cond {
	if a, ok := c.(*AndCond); ok && a != nil && depth < maxDepth {
		for _, t := range a.Terms {
			out = appendConjuncts(out, t, depth+1)
		}
		return out
	}
	return append(out, c)
}

// A FieldRef names a field and builds predicates on it. The zero FieldRef
// names the empty field, which Compile rejects.
type FieldRef struct {
	name string
}

// Field returns a reference to the field name, for building predicates:
// cond.Field("age").Gte(30).
func Field(name string) FieldRef { return FieldRef{name: name} }

// Name returns the field name.
func (f FieldRef) Name() string { return f.name }

// pred builds a predicate whose operands are normalized copies of args. An
// operand that cannot be normalized is kept as given and recorded as the
// predicate's error.
func (f FieldRef) pred(op Op, args ...any) *Pred {
	p := &Pred{Field: f.name, Op: op, Args: make([]any, len(args))}
	for i, a := range args {
		v, err := codec.Normalize(f.name, a)
		if err != nil {
			copy(p.Args, args)
			p.err = valueError(f.name, op, err)
			return p
		}
		p.Args[i] = v
	}
	return p
}

// strPred builds a predicate with one string operand.
func (f FieldRef) strPred(op Op, s string) *Pred {
	return &Pred{Field: f.name, Op: op, Args: []any{s}}
}

// Eq matches records whose field equals v (codec.Equal). Eq(nil) matches a
// null or missing field.
func (f FieldRef) Eq(v any) Cond { return f.pred(EqOp, v) }

// Ne matches exactly the records that Eq(v) does not match; a missing field is
// not equal to any non-nil v.
func (f FieldRef) Ne(v any) Cond { return f.pred(NeOp, v) }

// Lt matches records whose field is less than v and of the same kind; a null
// or missing field, or a nil v, never matches.
func (f FieldRef) Lt(v any) Cond { return f.pred(LtOp, v) }

// Lte matches records whose field is less than or equal to v and of the same
// kind.
func (f FieldRef) Lte(v any) Cond { return f.pred(LteOp, v) }

// Gt matches records whose field is greater than v and of the same kind.
func (f FieldRef) Gt(v any) Cond { return f.pred(GtOp, v) }

// Gte matches records whose field is greater than or equal to v and of the
// same kind.
func (f FieldRef) Gte(v any) Cond { return f.pred(GteOp, v) }

// In matches records whose field equals one of values; a null or missing
// field matches iff nil is among them, and In() matches nothing. Unlike the
// Python library, a string argument is one value, not a set of characters.
func (f FieldRef) In(values ...any) Cond { return f.pred(InOp, values...) }

// Between matches records whose field lies in [lo, hi], inclusive at both
// ends, and has the kind of lo and hi. If lo > hi it matches nothing.
func (f FieldRef) Between(lo, hi any) Cond { return f.pred(BetweenOp, lo, hi) }

// Like matches string fields against the SQL LIKE pattern (see the package
// doc), case-sensitively, with no escape character.
func (f FieldRef) Like(pattern string) Cond { return f.strPred(LikeOp, pattern) }

// LikeEscape is Like with an escape character. An escape string of more than
// one character is ignored, and "" means no escape.
func (f FieldRef) LikeEscape(pattern, escape string) Cond {
	p := f.strPred(LikeOp, pattern)
	p.Escape = escape
	return p
}

// ILike is Like, comparing characters case-insensitively (simple Unicode
// folding, as regexp's (?i) does).
func (f FieldRef) ILike(pattern string) Cond { return f.strPred(ILikeOp, pattern) }

// ILikeEscape is ILike with an escape character, as in LikeEscape.
func (f FieldRef) ILikeEscape(pattern, escape string) Cond {
	p := f.strPred(ILikeOp, pattern)
	p.Escape = escape
	return p
}

// StartsWith matches string fields that begin with s (case-sensitive).
func (f FieldRef) StartsWith(s string) Cond { return f.strPred(StartsWithOp, s) }

// EndsWith matches string fields that end with s (case-sensitive).
func (f FieldRef) EndsWith(s string) Cond { return f.strPred(EndsWithOp, s) }

// Contains matches a string field holding the string v as a substring, a list
// field with an element equal to v (codec.Equal), and a map field with the
// key v (a string). Any other field value never matches.
func (f FieldRef) Contains(v any) Cond { return f.pred(ContainsOp, v) }

// IEquals matches string fields equal to s after lower-casing both sides with
// strings.ToLower.
func (f FieldRef) IEquals(s string) Cond { return f.strPred(IEqualsOp, s) }

// IContains matches string fields containing s after lower-casing both sides.
func (f FieldRef) IContains(s string) Cond { return f.strPred(IContainsOp, s) }

// IStartsWith matches string fields beginning with s after lower-casing both
// sides.
func (f FieldRef) IStartsWith(s string) Cond { return f.strPred(IStartsWithOp, s) }

// IEndsWith matches string fields ending with s after lower-casing both sides.
func (f FieldRef) IEndsWith(s string) Cond { return f.strPred(IEndsWithOp, s) }

// IsNull matches records where the field is null or missing.
func (f FieldRef) IsNull() Cond { return f.pred(IsNullOp) }

// IsNotNull matches records where the field is present and not null; "" and
// 0 are not null.
func (f FieldRef) IsNotNull() Cond { return f.pred(IsNotNullOp) }
