package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A recordParser builds Records straight from the JSON text of record
// objects, without a map per record: the fields are collected into a reused
// buffer of name/value pairs, sorted by name, and copied into one new
// Record of the interned shape of their names (the last shape, when the
// names are the same, as for the rows of one table they usually are).
//
// It parses text that scanValue has already checked (syntax, control
// characters in strings; the line tracker's reader checks UTF-8), so it
// never reports a syntax error: text
// it does not expect, a value outside the value model or nesting deeper
// than MaxDepth make it give up, and the caller decodes the record the slow
// way (decodeRecordMap), which accepts or rejects it exactly as ever, with
// the same error. A record whose bad value a later duplicate key shadows is
// such a case: the slow way keeps the last value and accepts it.
type recordParser struct {
	pairs []jsonPair
	last  *Shape
	names []string // the names of a new shape, reused
}

type jsonPair struct {
	name []byte // the text of an unescaped name, or a copy
	val  any
}

// parse returns the record whose JSON text (one object, checked by
// scanValue) is b, or ok false.
func (p *recordParser) parse(b []byte) (r Record, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return Record{}, false
	}
	p.pairs = p.pairs[:0]
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			name, j, ok := parseName(b, i)
			if !ok {
				return Record{}, false
			}
			v, j, ok := parseValue(b, j, 1)
			if !ok {
				return Record{}, false
			}
			p.pairs = append(p.pairs, jsonPair{name: name, val: v})
			if j >= len(b) {
				return Record{}, false
			}
			if b[j] == '}' {
				i = j + 1
				break
			}
			if b[j] != ',' {
				return Record{}, false
			}
			i = skipSpace(b, j+1)
		}
	}
	if skipSpace(b, i) != len(b) {
		return Record{}, false
	}
	pairs := p.sortPairs()
	s := p.last
	if s == nil || !sameNames(s, pairs) {
		p.names = p.names[:0]
		for _, q := range pairs {
			p.names = append(p.names, string(q.name))
		}
		s = internSorted(p.names)
		p.last = s
		clear(p.names)
	}
	r, vals := NewRecord(s)
	for i, q := range pairs {
		vals[i] = q.val
	}
	clear(p.pairs) // drop the values and names for the collector
	return r, true
}

// sortPairs sorts the pairs by name, stably, and drops all but the last of
// the pairs of one name (the last value of a duplicate key counts).
func (p *recordParser) sortPairs() []jsonPair {
	ps := p.pairs
	if len(ps) <= 16 {
		for i := 1; i < len(ps); i++ {
			for j := i; j > 0 && bytes.Compare(ps[j-1].name, ps[j].name) > 0; j-- {
				ps[j-1], ps[j] = ps[j], ps[j-1]
			}
		}
	} else {
		slices.SortStableFunc(ps, func(a, b jsonPair) int { return bytes.Compare(a.name, b.name) })
	}
	out := ps[:0]
	for i, q := range ps {
		if i+1 < len(ps) && bytes.Equal(q.name, ps[i+1].name) {
			continue
		}
		out = append(out, q)
	}
	return out
}

func sameNames(s *Shape, pairs []jsonPair) bool {
	if len(s.names) != len(pairs) {
		return false
	}
	for i, q := range pairs {
		if s.names[i] != string(q.name) {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// parseName reads a member name and the ':' after it, at b[i].
func parseName(b []byte, i int) ([]byte, int, bool) {
	name, j, ok := parseString(b, i)
	if !ok {
		return nil, 0, false
	}
	j = skipSpace(b, j)
	if j >= len(b) || b[j] != ':' {
		return nil, 0, false
	}
	return name, j + 1, true
}

// parseString reads the string at b[i], returning its contents (a sub-slice
// of b when it has no escape) and the index after it.
func parseString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	escaped := false
	j := i + 1
	for j < len(b) {
		c := b[j]
		if c == '"' {
			break
		}
		if c == '\\' {
			escaped = true
			j++
		}
		j++
	}
	if j >= len(b) {
		return nil, 0, false
	}
	if !escaped {
		return b[i+1 : j], j + 1, true
	}
	// Escapes are rare: encoding/json reads them, lone surrogates and all.
	var s string
	if json.Unmarshal(b[i:j+1], &s) != nil {
		return nil, 0, false
	}
	return []byte(s), j + 1, true
}

// parseValue reads the value at b[i] (after white space) and the white
// space after it. level is the nesting level of the containers in it: the
// record's own fields hold containers of level 1.
func parseValue(b []byte, i, level int) (any, int, bool) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return nil, 0, false
	}
	var v any
	switch c := b[i]; {
	case c == '"':
		s, j, ok := parseString(b, i)
		if !ok {
			return nil, 0, false
		}
		v, i = string(s), j
	case c == '{':
		if level > MaxDepth {
			return nil, 0, false
		}
		m := map[string]any{}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == '}' {
			v, i = m, i+1
			break
		}
		for {
			name, j, ok := parseName(b, i)
			if !ok {
				return nil, 0, false
			}
			e, j, ok := parseValue(b, j, level+1)
			if !ok || j >= len(b) {
				return nil, 0, false
			}
			m[string(name)] = e
			if b[j] == '}' {
				i = j + 1
				break
			}
			if b[j] != ',' {
				return nil, 0, false
			}
			i = skipSpace(b, j+1)
		}
		v = m
	case c == '[':
		if level > MaxDepth {
			return nil, 0, false
		}
		l := make([]any, 0)
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			v, i = l, i+1
			break
		}
		for {
			e, j, ok := parseValue(b, i, level+1)
			if !ok || j >= len(b) {
				return nil, 0, false
			}
			l = append(l, e)
			if b[j] == ']' {
				i = j + 1
				break
			}
			if b[j] != ',' {
				return nil, 0, false
			}
			i = j + 1
		}
		v = l
	case c == 't' && bytes.HasPrefix(b[i:], []byte("true")):
		v, i = true, i+4
	case c == 'f' && bytes.HasPrefix(b[i:], []byte("false")):
		v, i = false, i+5
	case c == 'n' && bytes.HasPrefix(b[i:], []byte("null")):
		v, i = nil, i+4
	case c == '-' || c >= '0' && c <= '9':
		j := i + 1
		integral := true
		for j < len(b) {
			d := b[j]
			if d >= '0' && d <= '9' || d == '-' || d == '+' {
				j++
				continue
			}
			if d == '.' || d == 'e' || d == 'E' {
				integral = false
				j++
				continue
			}
			break
		}
		n, ok := parseNumber(b[i:j], integral)
		if !ok {
			return nil, 0, false
		}
		v, i = n, j
	default:
		return nil, 0, false
	}
	return v, skipSpace(b, i), true
}

// parseNumber is parseJSONNumber for a number's text, without an
// allocation for the text; ok is false for a number outside the value model.
func parseNumber(t []byte, integral bool) (any, bool) {
	if !integral {
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, false
		}
		return f, true
	}
	neg := t[0] == '-'
	if neg {
		t = t[1:]
	}
	if len(t) == 0 || len(t) > 19 {
		return nil, false // a 20-digit literal never fits, nor does an empty one
	}
	var u uint64
	for _, d := range t {
		if d < '0' || d > '9' {
			return nil, false
		}
		u = u*10 + uint64(d-'0') // 19 digits cannot overflow uint64
	}
	switch {
	case neg && u <= 1<<63:
		return -int64(u), true
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return nil, false
}

// decodeRecordMap decodes the text of one value the slow way: into a map
// (for an object) with encoding/json, then converting its numbers.
func decodeRecordMap(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// scanResult is what scanValue found.
type scanResult int

const (
	scanDone scanResult = iota // a whole value
	scanMore                   // the input ends inside the value
	scanBad                    // a syntax error
)

// maxJSONNesting is the nesting encoding/json refuses to go beyond.
const maxJSONNesting = 10000

// scanValue finds the end of the JSON value at b[i] (not white space),
// checking its syntax as encoding/json does (the input is known to be
// UTF-8). It returns the index just after the value, or where the syntax
// error is. stack is scratch space for the open containers.
func scanValue(b []byte, i int, stack []byte) (int, scanResult, []byte) {
	stack = stack[:0]
	const (
		wantValue = iota
		wantKey
		afterValue
	)
	state := wantValue
	for {
		if state != wantValue || len(stack) > 0 {
			i = skipSpace(b, i)
		}
		if i >= len(b) {
			return i, scanMore, stack
		}
		c := b[i]
		switch state {
		case wantKey:
			if c != '"' {
				return i, scanBad, stack
			}
			j, res := scanString(b, i)
			if res != scanDone {
				return j, res, stack
			}
			j = skipSpace(b, j)
			if j >= len(b) {
				return j, scanMore, stack
			}
			if b[j] != ':' {
				return j, scanBad, stack
			}
			i, state = j+1, wantValue
		case wantValue:
			switch {
			case c == '{' || c == '[':
				if len(stack) == maxJSONNesting {
					return i, scanBad, stack // as deep as encoding/json goes
				}
				stack = append(stack, c)
				j := skipSpace(b, i+1)
				if j >= len(b) {
					return j, scanMore, stack
				}
				switch {
				case c == '{' && b[j] == '}', c == '[' && b[j] == ']':
					stack = stack[:len(stack)-1]
					i, state = j+1, afterValue
				case c == '{':
					i, state = j, wantKey
				default:
					i = j
				}
			case c == '"':
				j, res := scanString(b, i)
				if res != scanDone {
					return j, res, stack
				}
				i, state = j, afterValue
			case c == '-' || c >= '0' && c <= '9':
				j, res := scanNumber(b, i)
				if res != scanDone {
					return j, res, stack
				}
				i, state = j, afterValue
			case c == 't' || c == 'f' || c == 'n':
				lit := "null"
				if c == 't' {
					lit = "true"
				} else if c == 'f' {
					lit = "false"
				}
				for k := 1; k < len(lit); k++ {
					if i+k >= len(b) {
						return i + k, scanMore, stack
					}
					if b[i+k] != lit[k] {
						return i + k, scanBad, stack
					}
				}
				i, state = i+len(lit), afterValue
			default:
				return i, scanBad, stack
			}
		case afterValue:
			if len(stack) == 0 {
				return i, scanDone, stack
			}
			top := stack[len(stack)-1]
			switch {
			case c == ',':
				i++
				if top == '{' {
					state = wantKey
				} else {
					state = wantValue
				}
			case top == '{' && c == '}', top == '[' && c == ']':
				stack = stack[:len(stack)-1]
				i++
			default:
				return i, scanBad, stack
			}
		}
		if state == afterValue && len(stack) == 0 {
			return i, scanDone, stack
		}
	}
}

// scanString finds the end of the string at b[i] (a '"').
func scanString(b []byte, i int) (int, scanResult) {
	for j := i + 1; j < len(b); {
		switch c := b[j]; {
		case c == '"':
			return j + 1, scanDone
		case c == '\\':
			if j+1 >= len(b) {
				return j, scanMore
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				for k := j + 2; k < j+6; k++ {
					if k >= len(b) {
						return k, scanMore
					}
					if !isHex(b[k]) {
						return k, scanBad
					}
				}
				j += 6
			default:
				return j + 1, scanBad
			}
		case c < 0x20:
			return j, scanBad
		default:
			j++
		}
	}
	return len(b), scanMore
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// scanNumber finds the end of the number at b[i]. A number that reaches
// the end of b may go on: scanMore.
func scanNumber(b []byte, i int) (int, scanResult) {
	digits := func(j int) (int, scanResult) {
		if j >= len(b) {
			return j, scanMore
		}
		if b[j] < '0' || b[j] > '9' {
			return j, scanBad
		}
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j >= len(b) {
			return j, scanMore
		}
		return j, scanDone
	}
	j := i
	if b[j] == '-' {
		j++
	}
	if j >= len(b) {
		return j, scanMore
	}
	if b[j] == '0' {
		j++
		if j >= len(b) {
			return j, scanMore
		}
	} else {
		var res scanResult
		if j, res = digits(j); res != scanDone {
			return j, res
		}
	}
	if b[j] == '.' {
		var res scanResult
		if j, res = digits(j + 1); res != scanDone {
			return j, res
		}
	}
	if b[j] == 'e' || b[j] == 'E' {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		var res scanResult
		if j, res = digits(j); res != scanDone {
			return j, res
		}
	}
	return j, scanDone
}

// recordsBuf holds the input of a list of records that DecodeJSON reads
// itself, without encoding/json.
type recordsBuf struct {
	b     []byte
	base  int64 // the input offset of b[0]
	err   error // the read error after b
	stack []byte
}

// nestedTables is text that puts a new json.Decoder where a table's
// records list ends: inside the table's object, inside "tables", inside
// the top-level object, after a value.
const nestedTables = `{"":{"":{"":0`

// scanRecords reads a table's list of records after its '[' through the
// ']' itself: it takes over the decoder's read-ahead, finds and checks each
// record's text (scanValue), builds the record from it (recordParser, or
// recordMap for the records that parser does not take) and hands it to put,
// and then starts a new decoder after the ']'. Syntax errors are described
// as encoding/json describes them.
func (jr *jsonReader) scanRecords(what, pk string, put func(Record, int64) error) error {
	rb := &jr.rb
	rb.base, rb.err = jr.off(), nil
	rb.b = rb.b[:0]
	if _, err := io.Copy((*appendWriter)(&rb.b), jr.dec.Buffered()); err != nil {
		return jr.corrupt(rb.base, err, "%s: read failed", what)
	}
	c, pos, err := jr.peekByte(0)
	if err != nil {
		return jr.fromDecodeErr(err, what+": records", rb.base+int64(pos))
	}
	for n := 0; c != ']'; n++ {
		start := pos
		before := rb.base + int64(start)
		if c == ',' {
			return jr.recordSyntax(before, what, pk, n, true)
		}
		var end int
		for {
			e, res, st := scanValue(rb.b, start, rb.stack)
			rb.stack = st
			if res == scanDone {
				end = e
				break
			}
			if res == scanBad {
				return jr.recordSyntax(before, what, pk, n, false)
			}
			shift, err := jr.fill(start)
			if err != nil {
				return jr.fromDecodeErr(err, what+": record", before)
			}
			start -= shift
		}
		endOff := rb.base + int64(end)
		rec, ok := jr.parser.parse(rb.b[start:end])
		if !ok {
			var err error
			if rec, err = jr.recordMap(slices.Clone(rb.b[start:end]), what, pk, n, before, endOff); err != nil {
				return err
			}
		}
		if err := put(rec, endOff); err != nil {
			return err
		}
		if c, pos, err = jr.peekByte(end); err != nil {
			return jr.fromDecodeErr(err, what+": records", rb.base+int64(pos))
		}
		switch c {
		case ',':
			if c, pos, err = jr.peekByte(pos + 1); err != nil {
				return jr.fromDecodeErr(err, what+": record", rb.base+int64(pos))
			}
			if c == ']' {
				return jr.recordSyntax(rb.base+int64(pos), what, pk, n+1, false)
			}
		case ']':
		case '}':
			return jr.corrupt(rb.base+int64(pos), nil, "%s: records: invalid character '}' after array element", what)
		default:
			return jr.corrupt(rb.base+int64(pos), nil, "%s: record: expected comma after array element", what)
		}
	}
	// Hand the rest to a new decoder, in the state the old one had.
	pos++
	rest := jr.src
	if rb.err != nil {
		rest = errReader{rb.err}
	}
	jr.src = io.MultiReader(bytes.NewReader(slices.Clone(rb.b[pos:])), rest)
	jr.dec = json.NewDecoder(io.MultiReader(strings.NewReader(nestedTables), jr.src))
	jr.dec.UseNumber()
	jr.decBase = rb.base + int64(pos) - int64(len(nestedTables))
	for range 7 { // { "" { "" { "" 0
		if _, err := jr.dec.Token(); err != nil {
			return jr.corrupt(rb.base+int64(pos), err, "%s: records", what)
		}
	}
	rb.b = rb.b[:0]
	if cap(rb.b) > 1<<20 {
		rb.b = nil // a huge record is not kept
	}
	return nil
}

type appendWriter []byte

func (w *appendWriter) Write(p []byte) (int, error) {
	*w = append(*w, p...)
	return len(p), nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// peekByte returns the first byte that is not white space from rb.b[pos]
// on, reading more input as needed, and its index.
func (jr *jsonReader) peekByte(pos int) (byte, int, error) {
	rb := &jr.rb
	for {
		pos = skipSpace(rb.b, pos)
		if pos < len(rb.b) {
			return rb.b[pos], pos, nil
		}
		shift, err := jr.fill(pos)
		pos -= shift
		if err != nil {
			return 0, pos, err
		}
	}
}

// fill reads more input into rb.b, at least as much as it holds (so that
// a long record is scanned again only a few times), dropping the bytes
// before keep when they are most of the buffer. It returns by how much the
// indices into rb.b moved, and the read error when nothing more came.
func (jr *jsonReader) fill(keep int) (int, error) {
	rb := &jr.rb
	if rb.err != nil {
		return 0, rb.err
	}
	shift := 0
	if keep > 0 && keep >= len(rb.b)/2 {
		n := copy(rb.b, rb.b[keep:])
		rb.b = rb.b[:n]
		rb.base += int64(keep)
		shift = keep
	}
	want := max(len(rb.b), 32<<10)
	rb.b = slices.Grow(rb.b, want)
	got := 0
	for got < want {
		n, err := jr.src.Read(rb.b[len(rb.b):cap(rb.b)])
		rb.b = rb.b[:len(rb.b)+n]
		got += n
		if err != nil {
			rb.err = err
			break
		}
	}
	if got == 0 {
		return shift, rb.err
	}
	return shift, nil
}

// recordSyntax describes the syntax error in the n-th record, which starts
// at offset before, as the map-based decoder did: encoding/json decodes
// its text (still held by the line tracker) again, and a NaN or an
// infinity is a value outside the value model (nonFinite). comma says the
// error is a ',' where the first record should start; like a separator,
// it is skipped in the search for a NaN.
func (jr *jsonReader) recordSyntax(before int64, what, pk string, n int, comma bool) error {
	start, p, _ := jr.lt.valueFrom(before)
	var v any
	err := json.NewDecoder(bytes.NewReader(p)).Decode(&v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if ce := jr.nonFinite(err, before, what, pk, n); ce != nil {
			return ce
		}
		if !comma {
			return jr.fromDecodeErr(err, what+": record", before)
		}
	}
	if comma {
		return jr.corrupt(before, nil, "%s: record: invalid character ',' looking for beginning of value", what)
	}
	return jr.corrupt(start, nil, "%s: record: invalid JSON", what)
}
