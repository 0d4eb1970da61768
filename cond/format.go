package cond

import (
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// keywords are the words of the textual form that cannot be bare field
// names. They are matched case-insensitively.
var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IN": true, "BETWEEN": true,
	"LIKE": true, "ILIKE": true, "ESCAPE": true, "IS": true, "NULL": true,
	"TRUE": true, "FALSE": true,
}

// String returns the predicate's textual form, such as age >= 30 or
// startswith(name, 'A').
func (p *Pred) String() string {
	var b strings.Builder
	writeCond(&b, p, 0)
	return b.String()
}

// String returns the conjunction's textual form: (a = 1 AND b = 2), or TRUE
// when it has no terms.
func (c *AndCond) String() string {
	var b strings.Builder
	writeCond(&b, c, 0)
	return b.String()
}

// String returns the disjunction's textual form: (a = 1 OR b = 2), or FALSE
// when it has no terms.
func (c *OrCond) String() string {
	var b strings.Builder
	writeCond(&b, c, 0)
	return b.String()
}

// String returns the negation's textual form: NOT (a = 1).
func (c *NotCond) String() string {
	var b strings.Builder
	writeCond(&b, c, 0)
	return b.String()
}

// writeCond writes c. It never panics: nil conditions print as <nil>, and
// trees deeper than maxDepth (which Compile rejects) are cut off with "...".
func writeCond(b *strings.Builder, c Cond, depth int) {
	if depth > maxDepth {
		b.WriteString("...")
		return
	}
	switch c := c.(type) {
	case *Pred:
		if c == nil {
			break
		}
		writePred(b, c)
		return
	case *AndCond:
		if c == nil {
			break
		}
		writeJunction(b, c.Terms, " AND ", "TRUE", depth)
		return
	case *OrCond:
		if c == nil {
			break
		}
		writeJunction(b, c.Terms, " OR ", "FALSE", depth)
		return
	case *NotCond:
		if c == nil {
			break
		}
		b.WriteString("NOT ")
		if parenthesized(c.Term) {
			writeCond(b, c.Term, depth+1)
		} else {
			b.WriteByte('(')
			writeCond(b, c.Term, depth+1)
			b.WriteByte(')')
		}
		return
	}
	b.WriteString("<nil>")
}

// parenthesized reports whether c prints within its own parentheses.
func parenthesized(c Cond) bool {
	switch c := c.(type) {
	case *AndCond:
		return c != nil && len(c.Terms) > 0
	case *OrCond:
		return c != nil && len(c.Terms) > 0
	}
	return false
}

func writeJunction(b *strings.Builder, terms []Cond, sep, empty string, depth int) {
	if len(terms) == 0 {
		b.WriteString(empty)
		return
	}
	b.WriteByte('(')
	for i, t := range terms {
		if i > 0 {
			b.WriteString(sep)
		}
		writeCond(b, t, depth+1)
	}
	b.WriteByte(')')
}

func writePred(b *strings.Builder, p *Pred) {
	n := p.Op.arity()
	if !p.Op.valid() || (n >= 0 && len(p.Args) != n) {
		// Not a valid predicate (Compile rejects it); print what it holds.
		writeIdent(b, p.Field)
		b.WriteByte(' ')
		b.WriteString(p.Op.String())
		for i, a := range p.Args {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte(' ')
			writeLiteral(b, a, 0)
		}
		return
	}
	if p.Op.isFunc() {
		b.WriteString(p.Op.String())
		b.WriteByte('(')
		writeIdent(b, p.Field)
		b.WriteString(", ")
		writeLiteral(b, p.Args[0], 0)
		b.WriteByte(')')
		return
	}
	writeIdent(b, p.Field)
	b.WriteByte(' ')
	b.WriteString(p.Op.String())
	switch p.Op {
	case IsNullOp, IsNotNullOp:
	case InOp:
		b.WriteString(" (")
		for i, a := range p.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			writeLiteral(b, a, 0)
		}
		b.WriteByte(')')
	case BetweenOp:
		b.WriteByte(' ')
		writeLiteral(b, p.Args[0], 0)
		b.WriteString(" AND ")
		writeLiteral(b, p.Args[1], 0)
	default:
		b.WriteByte(' ')
		writeLiteral(b, p.Args[0], 0)
	}
	if p.Escape != "" && (p.Op == LikeOp || p.Op == ILikeOp) {
		b.WriteString(" ESCAPE ")
		writeString(b, p.Escape)
	}
}

// writeIdent writes a field name: bare when it is an identifier
// ([A-Za-z_][A-Za-z0-9_]*) and not a keyword, else double-quoted with "
// doubled.
func writeIdent(b *strings.Builder, name string) {
	if isBareIdent(name) {
		b.WriteString(name)
		return
	}
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(name, `"`, `""`))
	b.WriteByte('"')
}

func isBareIdent(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return !keywords[strings.ToUpper(name)]
}

// writeString writes s single-quoted, with ' doubled.
func writeString(b *strings.Builder, s string) {
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(s, "'", "''"))
	b.WriteByte('\'')
}

// writeLiteral writes a normalized value as a literal of the textual form.
func writeLiteral(b *strings.Builder, v any, depth int) {
	if depth > maxDepth {
		b.WriteString("...")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(formatFloat(x))
	case string:
		writeString(b, x)
	case []byte:
		b.WriteString("x'")
		b.WriteString(hex.EncodeToString(x))
		b.WriteByte('\'')
	case time.Time:
		b.WriteString("timestamp ")
		writeString(b, x.UTC().Format(time.RFC3339Nano))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeLiteral(b, e, depth+1)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeString(b, k)
			b.WriteString(": ")
			writeLiteral(b, x[k], depth+1)
		}
		b.WriteByte('}')
	default:
		// Only an operand that failed normalization (Compile rejects it).
		fmt.Fprintf(b, "<unsupported %T>", v)
	}
}

// formatFloat formats f as Python's repr does: the shortest representation
// that reads back as f, in positional notation with at least one digit after
// the point for exponents in [-4, 16), else in exponent notation (1e+16,
// 1.5e-05).
func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) { // not normalized; never in a valid Pred
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}
