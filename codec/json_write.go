package codec

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// JSONOptions configures a JSONWriter.
type JSONOptions struct {
	// OmitExtras leaves out dictdb's extra keys ("next_id", "indexes"), so
	// that the file is exactly what the Python DictDB writes. Loading such a
	// file recomputes the next auto key and creates no index.
	OmitExtras bool
}

const jsonFlushAt = 32 << 10

type writerState uint8

const (
	stateReady writerState = iota // between tables
	stateTable                    // inside a table
	stateClosed
)

// A JSONWriter streams a dump in the Python DictDB's JSON layout, byte for
// byte:
//
//	{
//	    "tables": {
//	        "users": {
//	            "primary_key": "id",
//	            "schema": {"id": "int", "name": "str"},
//	            "next_id": 3,
//	            "indexes": [{"field": "name", "kind": "hash", "unique": false}],
//	            "records": [
//	                {"id": 1, "name": "Alice"},
//	                {"id": 2, "name": "Bob"}
//	            ]
//	        }
//	    }
//	}
//
// Values are written as Python's json.dumps writes them by default:
// separators ", " and ": ", every non-ASCII character as a \uXXXX escape
// (a surrogate pair above U+FFFF), integers as integers, floats as Python's
// repr (2.0, 1e-07, 1e+20, 0.30000000000000004).
//
// "next_id" and "indexes" are dictdb's extra keys; the Python DictDB ignores
// them. With JSONOptions.OmitExtras they are left out and the output is what
// the Python DictDB writes for the same data, byte for byte, provided its
// records held their fields in the order dictdb writes them.
//
// JSON loses some of what a table holds:
//
//   - Field order: the Python DictDB writes a record's fields in insertion
//     order; a Go map has none, so dictdb writes the primary key first and
//     the other fields sorted (nested maps sorted). Tables are written in
//     name order, records in primary-key order.
//   - time.Time is written as an RFC 3339 string (nanoseconds kept) and
//     []byte as a standard base64 string: both load back as strings. Use the
//     binary format to keep every kind.
//   - Strings that are not valid UTF-8 have each bad byte written as U+FFFD.
//
// A JSONWriter buffers internally and flushes to the underlying writer as
// it goes and on Close.
type JSONWriter struct {
	w       io.Writer
	opts    JSONOptions
	buf     []byte
	err     error
	state   writerState
	tables  int
	records int
	pk      string
}

var _ DumpWriter = (*JSONWriter)(nil)

// NewJSONWriter returns a writer of the JSON format onto w.
func NewJSONWriter(w io.Writer, opts JSONOptions) *JSONWriter {
	return &JSONWriter{w: w, opts: opts, buf: append(make([]byte, 0, jsonFlushAt+4096), "{\n    \"tables\": {"...)}
}

func (j *JSONWriter) fail(err error) error {
	if j.err == nil {
		j.err = err
	}
	return err
}

func (j *JSONWriter) flush(force bool) error {
	if j.err != nil {
		return j.err
	}
	if len(j.buf) == 0 || (!force && len(j.buf) < jsonFlushAt) {
		return nil
	}
	if _, err := j.w.Write(j.buf); err != nil {
		return j.fail(err)
	}
	j.buf = j.buf[:0]
	return nil
}

// BeginTable starts a table.
func (j *JSONWriter) BeginTable(t *TableDump) error {
	if j.err != nil {
		return j.err
	}
	if j.state != stateReady {
		return j.fail(errors.New("codec: BeginTable out of order"))
	}
	if err := validateDump(t); err != nil {
		return j.fail(err)
	}
	b := j.buf
	if j.tables > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n        "...)
	b = appendPyString(b, t.Name)
	b = append(b, ": {\n            \"primary_key\": "...)
	b = appendPyString(b, t.PrimaryKey)
	b = append(b, ",\n            \"schema\": "...)
	if t.Schema == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		for i, f := range t.Schema {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendPyString(b, f.Name)
			b = append(b, ": "...)
			b = appendPyString(b, f.Type)
		}
		b = append(b, '}')
	}
	b = append(b, ",\n"...)
	if !j.opts.OmitExtras {
		b = append(b, "            \"next_id\": "...)
		b = strconv.AppendInt(b, t.NextID, 10)
		b = append(b, ",\n            \"indexes\": ["...)
		for i, x := range t.Indexes {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, "{\"field\": "...)
			b = appendPyString(b, x.Field)
			b = append(b, ", \"kind\": "...)
			b = appendPyString(b, x.Kind)
			b = append(b, ", \"unique\": "...)
			b = strconv.AppendBool(b, x.Unique)
			b = append(b, '}')
		}
		b = append(b, "],\n"...)
	}
	b = append(b, "            \"records\": ["...)
	j.buf = b
	j.state, j.records, j.pk = stateTable, 0, t.PrimaryKey
	j.tables++
	return j.flush(false)
}

// WriteRecord writes one record of the current table on its own line.
func (j *JSONWriter) WriteRecord(rec Record) error {
	if j.err != nil {
		return j.err
	}
	if j.state != stateTable {
		return j.fail(errors.New("codec: WriteRecord outside a table"))
	}
	start := len(j.buf)
	if j.records > 0 {
		j.buf = append(j.buf, ',')
	}
	j.buf = append(j.buf, "\n                "...)
	b, err := j.appendRecord(j.buf, rec)
	if err != nil {
		j.buf = j.buf[:start]
		return j.fail(err)
	}
	j.buf = b
	j.records++
	return j.flush(false)
}

func (j *JSONWriter) appendRecord(b []byte, rec Record) ([]byte, error) {
	s, vals := rec.Shape(), rec.Values()
	pk := s.Slot(j.pk)
	b = append(b, '{')
	for i := range vals {
		if i > 0 {
			b = append(b, ", "...)
		}
		slot := writeOrder(pk, i)
		b = appendPyString(b, s.names[slot])
		b = append(b, ": "...)
		var err error
		if b, err = appendJSONValue(b, vals[slot], 1); err != nil {
			return b, fmt.Errorf("codec: field %q: %w", s.names[slot], err)
		}
	}
	return append(b, '}'), nil
}

// writeOrder returns the slot of the field written at position i of a
// record whose primary key is in slot pk (-1: absent): the key first, then
// the others in sorted order, as RecordKeys orders them.
func writeOrder(pk, i int) int {
	switch {
	case pk < 0 || i > pk:
		return i
	case i == 0:
		return pk
	}
	return i - 1
}

// EndTable ends the current table.
func (j *JSONWriter) EndTable() error {
	if j.err != nil {
		return j.err
	}
	if j.state != stateTable {
		return j.fail(errors.New("codec: EndTable outside a table"))
	}
	j.buf = append(j.buf, "\n            ]\n        }"...)
	j.state = stateReady
	return j.flush(false)
}

// Close writes the end of the file and flushes everything. It does not
// close the underlying writer.
func (j *JSONWriter) Close() error {
	if j.err != nil {
		return j.err
	}
	if j.state != stateReady {
		return j.fail(errors.New("codec: Close inside a table"))
	}
	j.buf = append(j.buf, "\n    }\n}\n"...)
	j.state = stateClosed
	if err := j.flush(true); err != nil {
		return err
	}
	j.err = errors.New("codec: writer is closed")
	return nil
}

// AppendJSONValue appends v, a normalized value, as Python's json.dumps
// would write it, with the extra kinds a JSONWriter writes as strings
// ([]byte in base64, time.Time in RFC 3339).
func AppendJSONValue(b []byte, v any) ([]byte, error) { return appendJSONValue(b, v, 0) }

// appendJSONRecord appends rec as AppendJSONValue appends a map with the
// same fields: keys in sorted order.
func appendJSONRecord(b []byte, rec Record) ([]byte, error) {
	s, vals := rec.Shape(), rec.Values()
	b = append(b, '{')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendPyString(b, s.names[i])
		b = append(b, ": "...)
		var err error
		if b, err = appendJSONValue(b, v, 1); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func appendJSONValue(b []byte, v any, depth int) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return b, fmt.Errorf("%w: %v cannot be written", ErrUnsupportedValue, x)
		}
		return AppendPyFloat(b, x), nil
	case string:
		return appendPyString(b, x), nil
	case []byte:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, x)
		return append(b, '"'), nil
	case time.Time:
		b = append(b, '"')
		b = x.UTC().AppendFormat(b, time.RFC3339Nano)
		return append(b, '"'), nil
	case []any:
		if depth > MaxDepth {
			return b, fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedValue, MaxDepth)
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			var err error
			if b, err = appendJSONValue(b, e, depth+1); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		if depth > MaxDepth {
			return b, fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedValue, MaxDepth)
		}
		b = append(b, '{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendPyString(b, k)
			b = append(b, ": "...)
			var err error
			if b, err = appendJSONValue(b, x[k], depth+1); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	}
	return b, fmt.Errorf("%w: Go type %T", ErrUnsupportedValue, v)
}
