package codec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// lineTracker counts the lines of the input the JSON decoder has consumed,
// holding only the bytes read since the last record boundary.
type lineTracker struct {
	r     io.Reader
	buf   []byte // input from offset base on
	head  int    // buf[:head] is already counted
	base  int64  // input offset of buf[head]
	lines int    // newlines before base
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// commit counts the lines up to offset off and forgets the bytes before it.
func (t *lineTracker) commit(off int64) {
	k := int(off - t.base)
	if k <= 0 {
		return
	}
	k = min(k, len(t.buf)-t.head)
	t.lines += bytes.Count(t.buf[t.head:t.head+k], []byte{'\n'})
	t.head += k
	t.base += int64(k)
	if t.head > 64<<10 && t.head > len(t.buf)/2 {
		t.buf = append(t.buf[:0], t.buf[t.head:]...)
		t.head = 0
	}
}

// end returns the offset just past the last byte read.
func (t *lineTracker) end() int64 { return t.base + int64(len(t.buf)-t.head) }

// valueFrom returns the held input from offset off on, after whitespace and
// one ',' or ':', and the offset where that starts.
func (t *lineTracker) valueFrom(off int64) (int64, []byte, bool) {
	k := int(off - t.base)
	if k < 0 || k > len(t.buf)-t.head {
		return 0, nil, false
	}
	p := t.buf[t.head+k:]
	sep := false
	for len(p) > 0 {
		c := p[0]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || (!sep && (c == ',' || c == ':')) {
			sep = sep || c == ',' || c == ':'
			p = p[1:]
			off++
			continue
		}
		break
	}
	return off, p, true
}

// line returns the 1-based line of offset off (at or after the last commit).
func (t *lineTracker) line(off int64) int {
	k := int(off - t.base)
	k = max(0, min(k, len(t.buf)-t.head))
	return t.lines + bytes.Count(t.buf[t.head:t.head+k], []byte{'\n'}) + 1
}

type jsonReader struct {
	dec  *json.Decoder
	lt   *lineTracker
	v    Visitor
	rv   RecordVisitor // v, if it takes Records
	norm Normalizer
	skew int64 // bytes skipped before the decoder's input (a byte-order mark)
	// decBase is the input offset of the decoder's first byte: DecodeJSON
	// reads each table's records itself and then starts a new decoder.
	decBase int64
	src     io.Reader // the decoder's input, after what it has buffered
	rb      recordsBuf
	parser  recordParser
	// readRecords reads a table's list of records after its '[' through
	// the ']', handing each record and the offset after it to put:
	// scanRecords, but the tests' oracle instead.
	readRecords func(jr *jsonReader, what, pk string, put func(Record, int64) error) error
}

// off returns the input offset after the decoder's last token.
func (jr *jsonReader) off() int64 { return jr.decBase + jr.dec.InputOffset() }

// record hands r, a freshly decoded record, to the visitor: as a map
// sharing r's values when the visitor does not take Records (r is garbage
// then).
func (jr *jsonReader) record(r Record) error {
	if jr.rv != nil {
		return jr.rv.VisitRecord(r)
	}
	s, vals := r.Shape(), r.Values()
	m := make(map[string]any, len(vals))
	for i, v := range vals {
		m[s.names[i]] = v
	}
	return jr.v.Record(m)
}

// DecodeJSON reads a JSON dump (the layout JSONWriter writes, with or
// without its extra keys) from r and hands it to v table by table, record by
// record. Every failure, including one returned by v, is a *CorruptError
// wrapping ErrCorrupt that gives the line and byte offset.
//
// The reader streams: it holds one record at a time (plus the decoder's
// read-ahead), not the file. A RecordVisitor gets each record built
// straight from its text, without a map on the way. Integral literals (no
// '.', 'e' or 'E') decode to int64, other numbers to float64. A record
// value outside the value model (NaN, Infinity and -Infinity, which
// Python's json module writes but dictdb never stores, integers outside
// int64, floats outside float64, nesting deeper than MaxDepth) is an error
// wrapping both ErrCorrupt and ErrUnsupportedValue that also names the
// table, the record (by its primary key when the file gives it), the field
// path and the value, for example
// `table "users": record 7: field "scores[2]": unsupported value: NaN:
// dictdb stores only finite floats`. A leading UTF-8 byte-order mark is
// skipped. Input that is not UTF-8 is an error at the first bad byte (it is
// never read as U+FFFD); an escaped lone surrogate ("\ud800", which
// Python's json writes for one) is read as U+FFFD. Anything but white
// space after the top-level object is an error.
//
// Keys may come in any order; when a table's "records" precede its
// "primary_key" or "schema" (never the case in files either library
// writes) the records are held until both are known. A key that comes
// twice counts with its last value, as in Python's json ("records" twice
// is an error). EndTable gets the table's final metadata: when a
// definition key (primary key, schema, indexes) comes after the records,
// it differs from what BeginTable got, and the final one counts.
func DecodeJSON(r io.Reader, v Visitor) error {
	return decodeJSON(r, v, (*jsonReader).scanRecords)
}

func decodeJSON(r io.Reader, v Visitor, readRecords func(jr *jsonReader, what, pk string, put func(Record, int64) error) error) error {
	if r == nil || v == nil {
		return fmt.Errorf("codec: %w: DecodeJSON needs a reader and a visitor", ErrInvalidArgument)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var skew int64
	if p, _ := br.Peek(3); bytes.Equal(p, []byte{0xef, 0xbb, 0xbf}) {
		_, _ = br.Discard(3)
		skew = 3
	}
	lt := &lineTracker{r: &utf8Reader{r: br}}
	jr := &jsonReader{lt: lt, src: lt, v: v, skew: skew, readRecords: readRecords}
	jr.rv, _ = v.(RecordVisitor)
	rest := lt
	jr.dec = json.NewDecoder(rest)
	jr.dec.UseNumber()
	return jr.run()
}

func (jr *jsonReader) corrupt(off int64, err error, format string, args ...any) *CorruptError {
	return &CorruptError{Format: "json", Offset: off + jr.skew, Line: jr.lt.line(off), Msg: fmt.Sprintf(format, args...), Err: err}
}

// fromDecodeErr turns an error of the json decoder into a *CorruptError.
// before is the decoder's offset before the failed call. The decoder's own
// syntax-error offsets are not absolute for values, so the failing value is
// scanned again from its start (its bytes are still held by the line
// tracker) to find the exact offset.
func (jr *jsonReader) fromDecodeErr(err error, what string, before int64) *CorruptError {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off := se.Offset
		if start, p, ok := jr.lt.valueFrom(before); ok {
			var v any
			var se2 *json.SyntaxError
			if e2 := json.NewDecoder(bytes.NewReader(p)).Decode(&v); errors.As(e2, &se2) {
				off = start + se2.Offset - 1
			} else if e2 != nil {
				off = jr.lt.end()
			}
		}
		return jr.corrupt(off, nil, "%s: %s", what, se.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return jr.corrupt(jr.lt.end(), nil, "%s: unexpected end of input", what)
	case errors.Is(err, errInvalidUTF8):
		return jr.corrupt(jr.lt.end(), nil, "%s: %v", what, err)
	}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return jr.corrupt(before, nil, "%s: %s", what, ute.Error())
	}
	return jr.corrupt(jr.lt.end(), err, "%s: read failed", what)
}

func (jr *jsonReader) token(what string) (json.Token, error) {
	before := jr.off()
	tok, err := jr.dec.Token()
	if err != nil {
		return nil, jr.fromDecodeErr(err, what, before)
	}
	return tok, nil
}

func (jr *jsonReader) expectDelim(d json.Delim, what string) error {
	start := jr.off()
	tok, err := jr.token(what)
	if err != nil {
		return err
	}
	if tok != d {
		return jr.corrupt(start, nil, "%s: expected %q, found %s", what, d.String(), describeToken(tok))
	}
	return nil
}

func describeToken(tok json.Token) string {
	switch x := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		return strconv.Quote(x.String())
	case string:
		return "string " + strconv.Quote(x)
	case json.Number:
		return "number " + x.String()
	case bool:
		return "boolean " + strconv.FormatBool(x)
	}
	return fmt.Sprintf("%v", tok)
}

// key reads an object key, or reports the end of the object.
func (jr *jsonReader) key(what string) (string, bool, error) {
	tok, err := jr.token(what)
	if err != nil {
		return "", false, err
	}
	if tok == json.Delim('}') {
		return "", false, nil
	}
	k, ok := tok.(string)
	if !ok {
		return "", false, jr.corrupt(jr.off(), nil, "%s: expected a key, found %s", what, describeToken(tok))
	}
	return k, true, nil
}

// skip skips one value without holding more than the decoder's buffer.
func (jr *jsonReader) skip(what string) error {
	depth := 0
	for {
		tok, err := jr.token(what)
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

func (jr *jsonReader) run() error {
	if err := jr.expectDelim('{', "the file must hold a JSON object"); err != nil {
		return err
	}
	sawTables := false
	for {
		k, more, err := jr.key("top-level object")
		if err != nil {
			return err
		}
		if !more {
			break
		}
		if k != "tables" {
			if err := jr.skip("key " + strconv.Quote(k)); err != nil {
				return err
			}
			continue
		}
		sawTables = true
		if err := jr.tables(); err != nil {
			return err
		}
	}
	end := jr.off()
	if !sawTables {
		return jr.corrupt(end, nil, "missing key \"tables\"")
	}
	if tok, err := jr.dec.Token(); err != io.EOF {
		if err != nil {
			return jr.fromDecodeErr(err, "after the top-level object", end)
		}
		return jr.corrupt(end, nil, "extra data after the top-level object: %s", describeToken(tok))
	}
	return nil
}

func (jr *jsonReader) tables() error {
	if err := jr.expectDelim('{', "\"tables\" must be an object"); err != nil {
		return err
	}
	for {
		name, more, err := jr.key("\"tables\"")
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
		if err := jr.table(name); err != nil {
			return err
		}
	}
}

func (jr *jsonReader) table(name string) error {
	what := "table " + strconv.Quote(name)
	if name == "" {
		return jr.corrupt(jr.off(), nil, "a table name is empty")
	}
	if err := jr.expectDelim('{', what+" must be an object"); err != nil {
		return err
	}
	t := &TableDump{Name: name}
	var sawPK, sawSchema, sawRecords, begun bool
	var held []Record // records read before primary_key/schema
	for {
		k, more, err := jr.key(what)
		if err != nil {
			return err
		}
		if !more {
			break
		}
		at := jr.off()
		switch k {
		case "primary_key":
			tok, err := jr.token(what + ": primary_key")
			if err != nil {
				return err
			}
			s, ok := tok.(string)
			if !ok || s == "" {
				return jr.corrupt(at, nil, "%s: primary_key must be a non-empty string, found %s", what, describeToken(tok))
			}
			t.PrimaryKey, sawPK = s, true
		case "schema":
			if err := jr.schema(t, what); err != nil {
				return err
			}
			sawSchema = true
		case "next_id":
			tok, err := jr.token(what + ": next_id")
			if err != nil {
				return err
			}
			n, ok := tok.(json.Number)
			i, perr := strconv.ParseInt(string(n), 10, 64)
			if !ok || perr != nil || i < 0 {
				return jr.corrupt(at, nil, "%s: next_id must be a non-negative integer, found %s", what, describeToken(tok))
			}
			t.NextID, t.HasExtras = i, true
		case "indexes":
			var defs []struct {
				Field  *string `json:"field"`
				Kind   *string `json:"kind"`
				Unique bool    `json:"unique"`
			}
			if err := jr.dec.Decode(&defs); err != nil {
				return jr.fromDecodeErr(err, what+": indexes", at)
			}
			t.Indexes = nil
			for _, d := range defs {
				if d.Field == nil || *d.Field == "" || d.Kind == nil || (*d.Kind != "hash" && *d.Kind != "sorted") {
					return jr.corrupt(at, nil, "%s: an index needs a field and a kind \"hash\" or \"sorted\"", what)
				}
				t.Indexes = append(t.Indexes, IndexDump{Field: *d.Field, Kind: *d.Kind, Unique: d.Unique})
			}
			t.HasExtras = true
		case "records":
			if sawRecords {
				return jr.corrupt(at, nil, "%s: \"records\" appears twice", what)
			}
			sawRecords = true
			if err := jr.expectDelim('[', what+": records must be a list"); err != nil {
				return err
			}
			put := func(rec Record, end int64) error {
				if !begun && sawPK && sawSchema {
					if err := jr.v.BeginTable(cloneDump(t)); err != nil {
						return jr.corrupt(end, err, "%s", what)
					}
					begun = true
				}
				if begun {
					if err := jr.record(rec); err != nil {
						return jr.corrupt(end, err, "%s", what)
					}
				} else {
					held = append(held, rec)
				}
				jr.lt.commit(end)
				return nil
			}
			if err := jr.readRecords(jr, what, t.PrimaryKey, put); err != nil {
				return err
			}
		default:
			if err := jr.skip(what + ": key " + strconv.Quote(k)); err != nil {
				return err
			}
		}
	}
	end := jr.off()
	switch {
	case !sawPK:
		return jr.corrupt(end, nil, "%s: missing key \"primary_key\"", what)
	case !sawSchema:
		return jr.corrupt(end, nil, "%s: missing key \"schema\"", what)
	case !sawRecords:
		return jr.corrupt(end, nil, "%s: missing key \"records\"", what)
	}
	if !begun {
		if err := jr.v.BeginTable(cloneDump(t)); err != nil {
			return jr.corrupt(end, err, "%s", what)
		}
		for i, r := range held {
			if err := jr.record(r); err != nil {
				return jr.corrupt(end, err, "%s: record %d", what, i)
			}
			held[i] = Record{}
		}
	}
	if err := jr.v.EndTable(t); err != nil {
		return jr.corrupt(end, err, "%s", what)
	}
	jr.lt.commit(end)
	return nil
}

// recordMap decodes the n-th record of a table, whose text is text, the
// slow way: into a map, whose numbers it converts and checks. It gives
// the error of a record that is not an object or holds a value outside the
// value model. before and end are the offsets of its start and end.
func (jr *jsonReader) recordMap(text []byte, what, pk string, n int, before, end int64) (Record, error) {
	raw, err := decodeRecordMap(text)
	if err != nil {
		// Only nesting deeper than encoding/json takes is news to it.
		return Record{}, jr.recordSyntax(before, what, pk, n, false)
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return Record{}, jr.corrupt(end, nil, "%s: a record must be an object, found %s", what, jsonKindName(raw))
	}
	if err := fromJSON(m, 0); err != nil {
		record := recordName(m, pk, n)
		if pe, ok := err.(*pathError); ok {
			return Record{}, jr.corrupt(end, pe.err, "%s: %s: field %q", what, record, pe.path)
		}
		return Record{}, jr.corrupt(end, err, "%s: %s", what, record)
	}
	return jr.norm.Wrap(m, ""), nil
}

// recordName names the n-th record of a table in an error: by its primary
// key (pk) when it has one, else by its position.
func recordName(m map[string]any, pk string, n int) string {
	if pk != "" {
		switch k := m[pk].(type) {
		case int64:
			return "record " + strconv.FormatInt(k, 10)
		case string:
			return "record " + strconv.Quote(k)
		case json.Number:
			return "record " + k.String()
		}
	}
	return "record at index " + strconv.Itoa(n)
}

// nonFinite recognizes a NaN, Infinity or -Infinity in the n-th record of a
// table: Python's json module writes them for non-finite floats, and Go's
// JSON decoder rejects them as a syntax error. It reports them as values
// outside the value model, naming the record and the field. For any other
// error it returns nil.
func (jr *jsonReader) nonFinite(err error, before int64, what, pk string, n int) *CorruptError {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return nil
	}
	start, p, ok := jr.lt.valueFrom(before)
	if !ok {
		return nil
	}
	var v any
	var se2 *json.SyntaxError
	if e2 := json.NewDecoder(bytes.NewReader(p)).Decode(&v); !errors.As(e2, &se2) {
		return nil
	}
	at := int(se2.Offset) - 1 // the offending byte
	if at > 0 && p[at-1] == '-' {
		at-- // -Infinity fails at its I
	}
	if at < 0 || at >= len(p) {
		return nil
	}
	var lit string
	for _, l := range []string{"NaN", "Infinity", "-Infinity"} {
		if bytes.HasPrefix(p[at:], []byte(l)) {
			lit = l
			break
		}
	}
	if lit == "" {
		return nil
	}
	path, key, ok := jsonPathAt(p[:at], pk)
	if !ok {
		return nil
	}
	record := "record at index " + strconv.Itoa(n)
	if key != "" {
		record = "record " + key
	}
	cause := fmt.Errorf("%w: %s: dictdb stores only finite floats", ErrUnsupportedValue, lit)
	return jr.corrupt(start+int64(at), cause, "%s: %s: field %q", what, record, path)
}

// jsonPathAt reads prefix, the start of one record's JSON text up to a
// value, and returns that value's field path (field names joined by dots,
// list positions as [i]) and, if the prefix holds it, the JSON text of the
// record's primary-key field pk. ok is false if prefix does not lead to a
// value inside the record.
func jsonPathAt(prefix []byte, pk string) (path, key string, ok bool) {
	type frame struct {
		obj     bool
		key     string // obj: the current field
		wantKey bool   // obj: the next string is a field name
		idx     int    // list: the current position
	}
	var st []frame
	for i := 0; i < len(prefix); {
		switch c := prefix[i]; c {
		case ' ', '\t', '\n', '\r', ':':
			i++
		case '{', '[':
			st = append(st, frame{obj: c == '{', wantKey: c == '{'})
			i++
		case '}', ']':
			if len(st) == 0 {
				return "", "", false
			}
			st = st[:len(st)-1]
			i++
		case ',':
			if len(st) == 0 {
				return "", "", false
			}
			if f := &st[len(st)-1]; f.obj {
				f.wantKey = true
			} else {
				f.idx++
			}
			i++
		default:
			j := i + 1
			if c == '"' {
				for j < len(prefix) && prefix[j] != '"' {
					if prefix[j] == '\\' {
						j++
					}
					j++
				}
				if j >= len(prefix) {
					return "", "", false
				}
				j++
			} else {
				for j < len(prefix) && !bytes.ContainsAny(prefix[j:j+1], " \t\n\r,:]}") {
					j++
				}
			}
			tok := prefix[i:j]
			if len(st) > 0 && st[len(st)-1].wantKey {
				var name string
				if json.Unmarshal(tok, &name) != nil {
					return "", "", false
				}
				st[len(st)-1].key, st[len(st)-1].wantKey = name, false
			} else if len(st) == 1 && st[0].key == pk {
				key = string(tok)
			}
			i = j
		}
	}
	if len(st) == 0 || (st[len(st)-1].obj && st[len(st)-1].wantKey) {
		return "", "", false
	}
	var b strings.Builder
	for d, f := range st {
		switch {
		case !f.obj:
			b.WriteString("[" + strconv.Itoa(f.idx) + "]")
		case d > 0:
			b.WriteString("." + f.key)
		default:
			b.WriteString(f.key)
		}
	}
	return b.String(), key, true
}

func cloneDump(t *TableDump) *TableDump {
	c := *t
	c.Schema = slices.Clone(t.Schema)
	c.Indexes = slices.Clone(t.Indexes)
	return &c
}

// schema reads "schema": null, or an object of field names to type names,
// keeping the field order.
func (jr *jsonReader) schema(t *TableDump, what string) error {
	what += ": schema"
	at := jr.off()
	tok, err := jr.token(what)
	if err != nil {
		return err
	}
	if tok == nil {
		t.Schema = nil
		return nil
	}
	if tok != json.Delim('{') {
		return jr.corrupt(at, nil, "%s must be an object or null, found %s", what, describeToken(tok))
	}
	t.Schema = []SchemaField{}
	for {
		name, more, err := jr.key(what)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
		at := jr.off()
		tok, err := jr.token(what)
		if err != nil {
			return err
		}
		typ, ok := tok.(string)
		if !ok || !validSchemaType(typ) {
			return jr.corrupt(at, nil, "unsupported type in schema: %s", describeToken(tok))
		}
		if name == "" {
			return jr.corrupt(at, nil, "%s: empty field name", what)
		}
		if slices.ContainsFunc(t.Schema, func(f SchemaField) bool { return f.Name == name }) {
			return jr.corrupt(at, nil, "%s: field %q appears twice", what, name)
		}
		t.Schema = append(t.Schema, SchemaField{Name: name, Type: typ})
	}
}

func jsonKindName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}

// A pathError is a problem with the value at path in a decoded record or
// document: field names joined by dots, list positions as [i].
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return fmt.Sprintf("field %q: %v", e.path, e.err) }

func (e *pathError) Unwrap() error { return e.err }

// under returns err, a problem found inside the value of step (a field name
// or a list position "[i]"), as a pathError from that value's container.
func under(step string, err error) error {
	pe, ok := err.(*pathError)
	if !ok {
		return &pathError{path: step, err: err}
	}
	switch {
	case pe.path == "" || pe.path[0] == '[':
		pe.path = step + pe.path
	default:
		pe.path = step + "." + pe.path
	}
	return pe
}

// fromJSON converts, in place, the json.Number values of a decoded record
// into int64 or float64, and checks the nesting depth. A value outside the
// value model gives a *pathError naming its field.
func fromJSON(m map[string]any, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedValue, MaxDepth)
	}
	for k, v := range m {
		nv, err := fromJSONValue(v, depth)
		if err != nil {
			return under(k, err)
		}
		m[k] = nv
	}
	return nil
}

func fromJSONValue(v any, depth int) (any, error) {
	switch x := v.(type) {
	case json.Number:
		return parseJSONNumber(string(x))
	case []any:
		if depth >= MaxDepth {
			return nil, fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedValue, MaxDepth)
		}
		for i, e := range x {
			ne, err := fromJSONValue(e, depth+1)
			if err != nil {
				return nil, under("["+strconv.Itoa(i)+"]", err)
			}
			x[i] = ne
		}
		return x, nil
	case map[string]any:
		if depth >= MaxDepth {
			return nil, fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedValue, MaxDepth)
		}
		return x, fromJSON(x, depth+1)
	}
	return v, nil
}

// parseJSONNumber maps an integral literal to int64 and any other to
// float64, as the Python DictDB's reader does (int vs float).
func parseJSONNumber(s string) (any, error) {
	integral := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '.' || c == 'e' || c == 'E' {
			integral = false
			break
		}
	}
	if integral {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: integer %s is outside the int64 range of dictdb integers", ErrUnsupportedValue, s)
		}
		return i, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%w: number %s is outside the float64 range", ErrUnsupportedValue, s)
	}
	return f, nil
}
