package cond

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dictdb-go/dictdb/codec"
)

// A ParseError reports where and why Parse rejected its input. It wraps
// ErrInvalidQuery.
type ParseError struct {
	Pos      int    // byte offset in the input of the offending token
	Expected string // what the parser expected there, such as "a value"
	Found    string // what it found there, such as `"AND"` or "end of input"
}

// Error returns "invalid query: at byte N: expected X, found Y".
func (e *ParseError) Error() string {
	return fmt.Sprintf("invalid query: at byte %d: expected %s, found %s", e.Pos, e.Expected, e.Found)
}

// Unwrap returns ErrInvalidQuery.
func (e *ParseError) Unwrap() error { return ErrInvalidQuery }

// maxParseNesting bounds the nesting of parentheses and NOT in the input, so
// that hostile input cannot exhaust the stack. Every condition of at most
// maxDepth levels prints (String) within it: each level costs at most a NOT
// and a pair of parentheses.
const maxParseNesting = 2*maxDepth + 2

// Parse reads a condition in the textual form that String produces, a
// SQL-WHERE-like language. Keywords and function names are case-insensitive;
// field names are case-sensitive.
//
//	cond      = or
//	or        = and { OR and }
//	and       = unary { AND unary }
//	unary     = NOT unary | "(" cond ")" | TRUE | FALSE | func | pred
//	func      = name "(" field "," value ")"     name: startswith endswith
//	            contains iequals icontains istartswith iendswith
//	pred      = field ( cmp value
//	                  | [NOT] IN "(" [ value { "," value } ] ")"
//	                  | [NOT] BETWEEN value AND value
//	                  | [NOT] (LIKE | ILIKE) string [ ESCAPE string ]
//	                  | IS [NOT] NULL )
//	cmp       = "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//	field     = bare | quoted                   bare: a letter or _, then
//	            letters, digits, _ (not a keyword); quoted: "..." with "" for "
//	value     = integer | float | string | true | false | null
//	          | "[" [ value { "," value } ] "]"
//	          | "{" [ string ":" value { "," string ":" value } ] "}"
//	          | x'hex digits' | timestamp 'RFC 3339 time'
//	string    = '...' with '' for '
//
// AND binds tighter than OR, and NOT tighter than both; a NOT before IN,
// BETWEEN, LIKE or ILIKE negates that predicate. Integers are int64 (a value
// out of range is an error); a number with a '.' or an exponent is a float64
// and must be finite. The string functions other than contains take a string
// operand; LIKE and ILIKE patterns are strings. TRUE alone matches every
// record and FALSE none (they are And() and Or()). The keywords are AND, OR,
// NOT, IN, BETWEEN, LIKE, ILIKE, ESCAPE, IS, NULL, TRUE and FALSE: a field
// with one of these names, or any name that is not a bare identifier, must be
// double-quoted. Lists and maps nest at most codec.MaxDepth deep, and
// conditions at most 10000 levels, as Compile requires.
//
// Parse(c.String()) means the same as c for every valid condition c, and
// a condition that Parse returns prints (String) as text that Parse reads
// back to an identical condition. Parentheses are kept as written: a
// parenthesized group becomes one term, so (a AND b) AND c is an And within
// an And; a AND b AND c is one And of three terms.
//
// On failure the error is a *ParseError, which wraps ErrInvalidQuery and
// gives the byte offset of the problem and what was expected there.
func Parse(text string) (Cond, error) {
	p := &parser{lx: lexer{src: text}}
	p.advance()
	c, _, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tkEOF {
		return nil, p.errorf("AND, OR or the end of the condition")
	}
	return c, nil
}

// MustParse is Parse that panics on an error, for conditions written in the
// program's source.
func MustParse(text string) Cond {
	c, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return c
}

type tokKind uint8

const (
	tkEOF     tokKind = iota
	tkIllegal         // a character that starts no token, or a lexical error (err set)
	tkIdent           // a bare identifier or keyword
	tkQuoted          // a double-quoted identifier; val holds it unquoted
	tkString          // a single-quoted string; val holds it unquoted
	tkNumber          // an integer or float, with its sign
	tkBytes           // x'...'; val holds the hex digits
	tkPunct           // ( ) [ ] { } , :
	tkOp              // = == != <> < <= > >=
)

type token struct {
	kind tokKind
	pos  int    // byte offset of the first byte
	text string // the token as written
	val  string // the decoded value of quoted forms
	err  *ParseError
}

type lexer struct {
	src string
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// identRune reports whether r may appear in a bare identifier (first: whether
// it may start one).
func identRune(r rune, first bool) bool {
	if r == '_' || unicode.IsLetter(r) {
		return true
	}
	return !first && unicode.IsDigit(r)
}

func (lx *lexer) next() token {
	for lx.pos < len(lx.src) && isSpace(lx.src[lx.pos]) {
		lx.pos++
	}
	start := lx.pos
	if start >= len(lx.src) {
		return token{kind: tkEOF, pos: start}
	}
	c := lx.src[start]
	tok := func(k tokKind, end int) token {
		lx.pos = end
		return token{kind: k, pos: start, text: lx.src[start:end]}
	}
	switch c {
	case '(', ')', '[', ']', '{', '}', ',', ':':
		return tok(tkPunct, start+1)
	case '=':
		if lx.peekByte(start+1) == '=' {
			return tok(tkOp, start+2)
		}
		return tok(tkOp, start+1)
	case '!':
		if lx.peekByte(start+1) == '=' {
			return tok(tkOp, start+2)
		}
		return lx.illegal(start, start+1)
	case '<':
		if b := lx.peekByte(start + 1); b == '=' || b == '>' {
			return tok(tkOp, start+2)
		}
		return tok(tkOp, start+1)
	case '>':
		if lx.peekByte(start+1) == '=' {
			return tok(tkOp, start+2)
		}
		return tok(tkOp, start+1)
	case '\'':
		return lx.quoted(start, '\'', tkString)
	case '"':
		return lx.quoted(start, '"', tkQuoted)
	}
	if isDigit(c) || ((c == '-' || c == '+' || c == '.') && lx.startsNumber(start)) {
		return lx.number(start)
	}
	if (c == 'x' || c == 'X') && lx.peekByte(start+1) == '\'' {
		t := lx.quoted(start+1, '\'', tkBytes)
		t.pos, t.text = start, lx.src[start:lx.pos]
		return t
	}
	r, size := utf8.DecodeRuneInString(lx.src[start:])
	if r == utf8.RuneError && size <= 1 || !identRune(r, true) {
		return lx.illegal(start, start+max(size, 1))
	}
	end := start + size
	for end < len(lx.src) {
		r, size := utf8.DecodeRuneInString(lx.src[end:])
		if r == utf8.RuneError && size <= 1 || !identRune(r, false) {
			break
		}
		end += size
	}
	return tok(tkIdent, end)
}

func (lx *lexer) peekByte(i int) byte {
	if i < len(lx.src) {
		return lx.src[i]
	}
	return 0
}

// startsNumber reports whether a sign or '.' at i starts a number.
func (lx *lexer) startsNumber(i int) bool {
	if c := lx.src[i]; c == '-' || c == '+' {
		i++
	}
	if lx.peekByte(i) == '.' {
		i++
	}
	return isDigit(lx.peekByte(i))
}

func (lx *lexer) illegal(start, end int) token {
	lx.pos = end
	return token{kind: tkIllegal, pos: start, text: lx.src[start:end]}
}

// number lexes [+-] (digits [. digits] | . digits) [(e|E) [+-] digits]. A
// number running into letters or digits of an identifier is illegal.
func (lx *lexer) number(start int) token {
	i := start
	if c := lx.src[i]; c == '-' || c == '+' {
		i++
	}
	for i < len(lx.src) && isDigit(lx.src[i]) {
		i++
	}
	if lx.peekByte(i) == '.' {
		i++
		for i < len(lx.src) && isDigit(lx.src[i]) {
			i++
		}
	}
	if b := lx.peekByte(i); b == 'e' || b == 'E' {
		j := i + 1
		if b := lx.peekByte(j); b == '+' || b == '-' {
			j++
		}
		if isDigit(lx.peekByte(j)) {
			for j < len(lx.src) && isDigit(lx.src[j]) {
				j++
			}
			i = j
		}
	}
	if i < len(lx.src) {
		if r, _ := utf8.DecodeRuneInString(lx.src[i:]); identRune(r, false) || r == '.' {
			end := i
			for end < len(lx.src) {
				r, size := utf8.DecodeRuneInString(lx.src[end:])
				if !identRune(r, false) && r != '.' {
					break
				}
				end += size
			}
			t := lx.illegal(start, end)
			t.err = &ParseError{Pos: start, Expected: "a number", Found: describe(t)}
			return t
		}
	}
	lx.pos = i
	return token{kind: tkNumber, pos: start, text: lx.src[start:i]}
}

// quoted lexes a string quoted by q at start, with q doubled inside.
func (lx *lexer) quoted(start int, q byte, kind tokKind) token {
	var b strings.Builder
	i := start + 1
	from := i
	for {
		j := strings.IndexByte(lx.src[i:], q)
		if j < 0 {
			lx.pos = len(lx.src)
			return token{kind: tkIllegal, pos: start, text: lx.src[start:], err: &ParseError{
				Pos: start, Expected: fmt.Sprintf("a closing %c for the %s starting here", q, kindName(kind)), Found: "end of input",
			}}
		}
		i += j
		if lx.peekByte(i+1) == q { // a doubled quote
			b.WriteString(lx.src[from : i+1])
			i += 2
			from = i
			continue
		}
		b.WriteString(lx.src[from:i])
		lx.pos = i + 1
		return token{kind: kind, pos: start, text: lx.src[start:lx.pos], val: b.String()}
	}
}

func kindName(k tokKind) string {
	switch k {
	case tkQuoted:
		return "quoted field name"
	case tkBytes:
		return "bytes literal"
	}
	return "string"
}

// describe renders a token for an error message.
func describe(t token) string {
	if t.kind == tkEOF {
		return "end of input"
	}
	s := t.text
	if len(s) > 24 {
		cut := 24
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strconv.Quote(s)
}

type parser struct {
	lx      lexer
	tok     token // the current token
	nesting int   // open parentheses and NOTs
}

func (p *parser) advance() { p.tok = p.lx.next() }

// peek returns the token after the current one without consuming anything.
func (p *parser) peek() token {
	save := p.lx.pos
	t := p.lx.next()
	p.lx.pos = save
	return t
}

// errorf reports that the current token is not what was expected. A lexical
// error of the current token takes precedence.
func (p *parser) errorf(expected string) *ParseError {
	if p.tok.err != nil {
		return p.tok.err
	}
	return &ParseError{Pos: p.tok.pos, Expected: expected, Found: describe(p.tok)}
}

// isKeyword reports whether the current token is the keyword kw (upper case).
func (p *parser) isKeyword(kw string) bool {
	return p.tok.kind == tkIdent && strings.EqualFold(p.tok.text, kw)
}

func (p *parser) isPunct(s string) bool {
	return p.tok.kind == tkPunct && p.tok.text == s
}

func (p *parser) expectPunct(s, expected string) error {
	if !p.isPunct(s) {
		return p.errorf(expected)
	}
	p.advance()
	return nil
}

func (p *parser) expectKeyword(kw string) error {
	if !p.isKeyword(kw) {
		return p.errorf(kw)
	}
	p.advance()
	return nil
}

func (p *parser) enter() error {
	if p.nesting++; p.nesting > maxParseNesting {
		return &ParseError{Pos: p.tok.pos, Expected: fmt.Sprintf("at most %d nested parentheses and NOTs", maxParseNesting), Found: describe(p.tok)}
	}
	return nil
}

// checkHeight rejects a condition nested deeper than Compile accepts.
func checkHeight(h, pos int) error {
	if h > maxDepth {
		return &ParseError{Pos: pos, Expected: fmt.Sprintf("a condition nested at most %d levels deep", maxDepth), Found: "a deeper one"}
	}
	return nil
}

// parseOr, parseAnd and parseUnary return the condition and its height: the
// number of And, Or and Not levels above its deepest leaf.
func (p *parser) parseOr() (Cond, int, error) {
	start := p.tok.pos
	c, h, err := p.parseAnd()
	if err != nil || !p.isKeyword("OR") {
		return c, h, err
	}
	terms := []Cond{c}
	for p.isKeyword("OR") {
		p.advance()
		t, th, err := p.parseAnd()
		if err != nil {
			return nil, 0, err
		}
		terms = append(terms, t)
		h = max(h, th)
	}
	return &OrCond{Terms: terms}, h + 1, checkHeight(h+1, start)
}

func (p *parser) parseAnd() (Cond, int, error) {
	start := p.tok.pos
	c, h, err := p.parseUnary()
	if err != nil || !p.isKeyword("AND") {
		return c, h, err
	}
	terms := []Cond{c}
	for p.isKeyword("AND") {
		p.advance()
		t, th, err := p.parseUnary()
		if err != nil {
			return nil, 0, err
		}
		terms = append(terms, t)
		h = max(h, th)
	}
	return &AndCond{Terms: terms}, h + 1, checkHeight(h+1, start)
}

const expectCond = "a condition (a field, a function such as startswith, NOT, TRUE, FALSE or '(')"

func (p *parser) parseUnary() (Cond, int, error) {
	start := p.tok.pos
	switch {
	case p.isKeyword("NOT"):
		if err := p.enter(); err != nil {
			return nil, 0, err
		}
		p.advance()
		c, h, err := p.parseUnary()
		if err != nil {
			return nil, 0, err
		}
		p.nesting--
		return &NotCond{Term: c}, h + 1, checkHeight(h+1, start)
	case p.isPunct("("):
		if err := p.enter(); err != nil {
			return nil, 0, err
		}
		p.advance()
		c, h, err := p.parseOr()
		if err != nil {
			return nil, 0, err
		}
		if err := p.expectPunct(")", "AND, OR or ')'"); err != nil {
			return nil, 0, err
		}
		p.nesting--
		return c, h, nil
	case p.isKeyword("TRUE"):
		p.advance()
		return &AndCond{}, 0, nil
	case p.isKeyword("FALSE"):
		p.advance()
		return &OrCond{}, 0, nil
	case p.tok.kind == tkIdent:
		if op, ok := funcOps[strings.ToLower(p.tok.text)]; ok {
			if next := p.peek(); next.kind == tkPunct && next.text == "(" {
				return p.parseFunc(op)
			}
		}
		if keywords[strings.ToUpper(p.tok.text)] {
			return nil, 0, p.errorf(expectCond)
		}
		if next := p.peek(); next.kind == tkPunct && next.text == "(" {
			return nil, 0, &ParseError{Pos: p.tok.pos, Expected: "a function name (" + funcList + ")", Found: describe(p.tok)}
		}
	case p.tok.kind == tkQuoted:
	default:
		return nil, 0, p.errorf(expectCond)
	}
	field, err := p.parseField()
	if err != nil {
		return nil, 0, err
	}
	return p.parsePred(field)
}

var funcOps = map[string]Op{
	"startswith": StartsWithOp, "endswith": EndsWithOp, "contains": ContainsOp,
	"iequals": IEqualsOp, "icontains": IContainsOp, "istartswith": IStartsWithOp,
	"iendswith": IEndsWithOp,
}

const funcList = "startswith, endswith, contains, iequals, icontains, istartswith or iendswith"

// parseField reads a bare or double-quoted field name.
func (p *parser) parseField() (FieldRef, error) {
	switch p.tok.kind {
	case tkIdent:
		if keywords[strings.ToUpper(p.tok.text)] {
			return FieldRef{}, p.errorf(`a field name (double-quote a field named like a keyword: "` + p.tok.text + `")`)
		}
		f := Field(p.tok.text)
		p.advance()
		return f, nil
	case tkQuoted:
		if p.tok.val == "" {
			return FieldRef{}, p.errorf("a non-empty field name")
		}
		f := Field(p.tok.val)
		p.advance()
		return f, nil
	}
	return FieldRef{}, p.errorf("a field name")
}

func (p *parser) parseFunc(op Op) (Cond, int, error) {
	p.advance() // the name
	p.advance() // "("
	f, err := p.parseField()
	if err != nil {
		return nil, 0, err
	}
	if err := p.expectPunct(",", "','"); err != nil {
		return nil, 0, err
	}
	var c Cond
	if op == ContainsOp {
		v, err := p.parseValue(0)
		if err != nil {
			return nil, 0, err
		}
		c = f.Contains(v)
	} else {
		s, err := p.parseString(fmt.Sprintf("a 'string' (%s takes a string)", op))
		if err != nil {
			return nil, 0, err
		}
		c = f.strPred(op, s)
	}
	if err := p.expectPunct(")", "')'"); err != nil {
		return nil, 0, err
	}
	return c, 0, nil
}

func (p *parser) parseString(expected string) (string, error) {
	if p.tok.kind != tkString {
		return "", p.errorf(expected)
	}
	s := p.tok.val
	p.advance()
	return s, nil
}

var cmpOps = map[string]Op{"=": EqOp, "==": EqOp, "!=": NeOp, "<>": NeOp, "<": LtOp, "<=": LteOp, ">": GtOp, ">=": GteOp}

const expectOp = "an operator (=, !=, <>, <, <=, >, >=, IN, BETWEEN, LIKE, ILIKE, IS or NOT)"

func (p *parser) parsePred(f FieldRef) (Cond, int, error) {
	if p.tok.kind == tkOp {
		op := cmpOps[p.tok.text]
		p.advance()
		v, err := p.parseValue(0)
		if err != nil {
			return nil, 0, err
		}
		return f.pred(op, v), 0, nil
	}
	if p.isKeyword("IS") {
		p.advance()
		op := IsNullOp
		if p.isKeyword("NOT") {
			p.advance()
			op = IsNotNullOp
		}
		if err := p.expectKeyword("NULL"); err != nil {
			if op == IsNullOp {
				return nil, 0, p.errorf("NULL or NOT NULL")
			}
			return nil, 0, err
		}
		return f.pred(op), 0, nil
	}
	negate := false
	if p.isKeyword("NOT") {
		p.advance()
		negate = true
		if !p.isKeyword("IN") && !p.isKeyword("BETWEEN") && !p.isKeyword("LIKE") && !p.isKeyword("ILIKE") {
			return nil, 0, p.errorf("IN, BETWEEN, LIKE or ILIKE after NOT")
		}
	}
	var c Cond
	switch {
	case p.isKeyword("IN"):
		p.advance()
		if err := p.expectPunct("(", "'(' to open the IN list"); err != nil {
			return nil, 0, err
		}
		var vals []any
		if !p.isPunct(")") {
			for {
				v, err := p.parseValue(0)
				if err != nil {
					return nil, 0, err
				}
				vals = append(vals, v)
				if !p.isPunct(",") {
					break
				}
				p.advance()
			}
		}
		if err := p.expectPunct(")", "',' or ')'"); err != nil {
			return nil, 0, err
		}
		c = f.pred(InOp, vals...)
	case p.isKeyword("BETWEEN"):
		p.advance()
		lo, err := p.parseValue(0)
		if err != nil {
			return nil, 0, err
		}
		if err := p.expectKeyword("AND"); err != nil {
			return nil, 0, err
		}
		hi, err := p.parseValue(0)
		if err != nil {
			return nil, 0, err
		}
		c = f.pred(BetweenOp, lo, hi)
	case p.isKeyword("LIKE"), p.isKeyword("ILIKE"):
		op := LikeOp
		if p.isKeyword("ILIKE") {
			op = ILikeOp
		}
		p.advance()
		pattern, err := p.parseString(fmt.Sprintf("a 'pattern' (%s takes a string)", op))
		if err != nil {
			return nil, 0, err
		}
		pr := f.strPred(op, pattern)
		if p.isKeyword("ESCAPE") {
			p.advance()
			if pr.Escape, err = p.parseString("an 'escape' string"); err != nil {
				return nil, 0, err
			}
		}
		c = pr
	default:
		return nil, 0, p.errorf(expectOp)
	}
	if negate {
		return &NotCond{Term: c}, 1, nil
	}
	return c, 0, nil
}

const expectValue = "a value (a number, 'string', true, false, null, [list], {map}, x'hex' or timestamp '...')"

// parseValue reads a literal. depth is its nesting within lists and maps,
// bounded as codec.Normalize bounds it.
func (p *parser) parseValue(depth int) (any, error) {
	t := p.tok
	switch t.kind {
	case tkNumber:
		p.advance()
		return parseNumber(t)
	case tkString:
		p.advance()
		return t.val, nil
	case tkBytes:
		b, err := hex.DecodeString(t.val)
		if err != nil {
			return nil, &ParseError{Pos: t.pos, Expected: "an even number of hex digits in x'...'", Found: describe(t)}
		}
		p.advance()
		return b, nil
	case tkIdent:
		switch strings.ToLower(t.text) {
		case "true":
			p.advance()
			return true, nil
		case "false":
			p.advance()
			return false, nil
		case "null":
			p.advance()
			return nil, nil
		case "timestamp":
			p.advance()
			if p.tok.kind != tkString {
				return nil, p.errorf("a 'time' in RFC 3339 form after timestamp")
			}
			tm, ok := parseTime(p.tok.val)
			if !ok {
				return nil, p.errorf("a time in RFC 3339 form, such as '2006-01-02T15:04:05Z'")
			}
			p.advance()
			return tm, nil
		}
	case tkPunct:
		switch t.text {
		case "[":
			if depth >= codec.MaxDepth {
				return nil, p.errorf(fmt.Sprintf("a value nested at most %d lists or maps deep", codec.MaxDepth))
			}
			p.advance()
			list := []any{}
			if !p.isPunct("]") {
				for {
					v, err := p.parseValue(depth + 1)
					if err != nil {
						return nil, err
					}
					list = append(list, v)
					if !p.isPunct(",") {
						break
					}
					p.advance()
				}
			}
			if err := p.expectPunct("]", "',' or ']'"); err != nil {
				return nil, err
			}
			return list, nil
		case "{":
			if depth >= codec.MaxDepth {
				return nil, p.errorf(fmt.Sprintf("a value nested at most %d lists or maps deep", codec.MaxDepth))
			}
			p.advance()
			m := map[string]any{}
			if !p.isPunct("}") {
				for {
					kt := p.tok
					k, err := p.parseString("a 'key' (map keys are strings)")
					if err != nil {
						return nil, err
					}
					if _, dup := m[k]; dup {
						return nil, &ParseError{Pos: kt.pos, Expected: "distinct map keys", Found: "a second " + describe(kt)}
					}
					if err := p.expectPunct(":", "':'"); err != nil {
						return nil, err
					}
					v, err := p.parseValue(depth + 1)
					if err != nil {
						return nil, err
					}
					m[k] = v
					if !p.isPunct(",") {
						break
					}
					p.advance()
				}
			}
			if err := p.expectPunct("}", "',' or '}'"); err != nil {
				return nil, err
			}
			return m, nil
		}
	}
	return nil, p.errorf(expectValue)
}

func parseNumber(t token) (any, error) {
	if !strings.ContainsAny(t.text, ".eE") {
		i, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, &ParseError{Pos: t.pos, Expected: "an integer from -9223372036854775808 to 9223372036854775807 (write a float with a '.')", Found: describe(t)}
		}
		return i, nil
	}
	f, err := strconv.ParseFloat(t.text, 64)
	if err != nil {
		return nil, &ParseError{Pos: t.pos, Expected: "a finite float", Found: describe(t)}
	}
	return f, nil
}

// parseTime reads an RFC 3339 time as String writes it
// (time.RFC3339Nano), including the years outside 0000-9999 that Go's
// formatter writes with more digits or a sign.
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	// An extended year: [-]digits, then the usual -MM-DD...
	i := 0
	if strings.HasPrefix(s, "-") {
		i = 1
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j-i < 4 || j >= len(s) || s[j] != '-' {
		return time.Time{}, false
	}
	year, err := strconv.Atoi(s[:j])
	if err != nil || (year >= 0 && year <= 9999) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, "2000"+s[j:]) // 2000 is a leap year
	if err != nil {
		return time.Time{}, false
	}
	y := time.Date(year, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	if y.Day() != t.Day() { // February 29 of a common year
		return time.Time{}, false
	}
	return y.UTC(), true
}
