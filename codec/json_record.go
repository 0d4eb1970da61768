package codec

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// A recordParser builds Records straight from the JSON text of record
// objects, without a map per record: the fields are collected into a reused
// buffer of name/value pairs, sorted by name, and copied into one new
// Record of the interned shape of their names (the last shape, when the
// names are the same, as for the rows of one table they usually are).
//
// It parses text that encoding/json has already checked (syntax, UTF-8,
// control characters in strings), so it never reports a syntax error: text
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
// encoding/json) is b, or ok false.
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

// A recordSink takes one record from encoding/json's Decoder, as the text
// the decoder has checked, and parses it with a recordParser while the text
// is at hand, or keeps a copy of the text for the slow way.
type recordSink struct {
	p      recordParser
	slow   bool // decode every record the slow way (the tests' oracle)
	called bool // UnmarshalJSON has run for the last record
	rec    Record
	ok     bool   // rec is the record
	raw    []byte // !ok: a copy of the record's text
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *recordSink) UnmarshalJSON(b []byte) error {
	s.rec, s.ok, s.called = Record{}, false, true
	if !s.slow {
		s.rec, s.ok = s.p.parse(b)
	}
	if !s.ok {
		s.raw = append(s.raw[:0], b...)
	}
	return nil
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
