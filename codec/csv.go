package codec

// CSV reading and writing, as the Python DictDB does it.
//
// # Differences from the Python DictDB
//
//   - Blank lines are skipped (Python turns one into a record of empty
//     strings).
//   - Numbers are parsed with Go's strict strconv rules: no surrounding
//     spaces, no digit underscores ("1_000"), no "nan"/"inf"/"Infinity"
//     and no hexadecimal floats; such cells stay strings. An integer that
//     does not fit in int64 is not an int (its column may become float).
//   - A schema conversion to list or dict keeps the string (Python would
//     call list("abc") or fail).
//   - Inside quoted fields "\r\n" is read as "\n" (Go's encoding/csv).
//   - The reader is strict unless told to be lenient, so that nothing is
//     lost silently: a row with more cells than the header, a header with
//     an empty or repeated name, and any quote outside RFC 4180 (a quote
//     inside an unquoted field, text after a closing quote, a quoted field
//     never closed) are errors naming the line. Python's reader accepts
//     all of them, dropping extra cells, letting the last of two
//     same-named cells win and running an unclosed quote to the end of
//     the file. Rows shorter than the header are read in both modes, as
//     in Python: the missing cells are empty.
//   - When lenient, quotes are read as Python reads them, but for text
//     after a closing quote: the quote is kept and the field goes on as a
//     quoted one, up to the next quote before a delimiter or line end
//     ("b"c,d gives b"c,d... where Python gives bc and d).
//   - A leading UTF-8 byte-order mark is skipped. A row may end with
//     "\r\n", "\n" or, as Python's csv allows, a bare "\r" outside quotes
//     (encoding/csv alone would read a file of such rows as one row).
//   - A cell or header name that is not UTF-8 is an error naming the line
//     unless lenient, which keeps its bytes (Python reads the file as UTF-8
//     and fails).
//
// Values are written as Python's str() renders them: None as an empty
// cell, True/False, floats as repr (100.0, 1e-07), lists and maps as
// Python's repr ([1, 2], {'k': 1}, keys sorted). dictdb's extra kinds have
// no Python form: time.Time is written in RFC 3339 and []byte in base64.
// Lines end with "\r\n"; a field is quoted only when it holds the
// delimiter, a double quote, '\r' or '\n' (quotes doubled), and a row that
// is one empty field is written as "".

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CSVReadOptions configures ReadCSV.
type CSVReadOptions struct {
	// Comma is the field delimiter; 0 means ','.
	Comma rune
	// NoHeader treats the first row as data; columns are then named col_0,
	// col_1, ... after the first row's width.
	NoHeader bool
	// Schema, if not empty, converts the listed columns to their types
	// (and turns type inference off): "" becomes nil except for str; int
	// and float parse strictly; bool accepts true/1/yes and false/0/no in
	// any case. A cell that does not convert keeps its string.
	Schema []SchemaField
	// NoInference keeps every cell a string when there is no schema.
	// Otherwise each column becomes the narrowest of int, float and str
	// that holds all its non-empty cells, and empty cells of int and float
	// columns become nil.
	NoInference bool
	// Lenient reads malformed files as the Python DictDB does instead of
	// failing: cells beyond the header's width (or, with NoHeader, the
	// first row's) are dropped; of two columns with the same name the
	// rightmost cell wins; columns with an empty name are left out of the
	// records; a quote inside an unquoted field is kept as a character; a
	// quoted field that is never closed runs to the end of the input; and
	// after text that follows a closing quote, the quote is kept and the
	// field goes on, delimiters and line ends included, up to the next
	// quote that is followed by a delimiter or a line end; a cell that is
	// not UTF-8 keeps its bytes. Without Lenient each of these is a
	// *CorruptError naming the line.
	Lenient bool
}

// ValidComma reports whether r can delimit CSV fields.
func ValidComma(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
}

// ReadCSV reads a whole CSV file and returns its column names (in header
// order, duplicates kept) and its records. Rows shorter than the header
// are padded with "". An empty input gives no columns and no records. A
// malformed file (see CSVReadOptions.Lenient for what that is) gives a
// *CorruptError with the line, and no records. A bad delimiter or schema
// gives an error wrapping ErrInvalidArgument.
func ReadCSV(r io.Reader, opts CSVReadOptions) ([]string, []map[string]any, error) {
	comma := opts.Comma
	if comma == 0 {
		comma = ','
	}
	if !ValidComma(comma) {
		return nil, nil, fmt.Errorf("codec: %w: invalid CSV delimiter %q", ErrInvalidArgument, comma)
	}
	for _, f := range opts.Schema {
		if f.Name == "" || !validSchemaType(f.Type) {
			return nil, nil, fmt.Errorf("codec: %w: bad schema field %q of type %q", ErrInvalidArgument, f.Name, f.Type)
		}
	}
	br := bufio.NewReader(r)
	if p, _ := br.Peek(3); bytes.Equal(p, []byte{0xef, 0xbb, 0xbf}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(&bareCRReader{r: br})
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = opts.Lenient
	cr.ReuseRecord = true
	csvError := func(line int, format string, args ...any) error {
		return &CorruptError{Format: "csv", Offset: -1, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var cols []string
	var rows [][]string
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// Report the line where the record starts: for a quoted
				// field never closed, that is where the quote opened.
				msg := pe.Err.Error()
				if pe.Line != pe.StartLine {
					msg += fmt.Sprintf(" (found at line %d, column %d)", pe.Line, pe.Column)
				} else {
					msg += fmt.Sprintf(" (column %d)", pe.Column)
				}
				return nil, nil, csvError(pe.StartLine, "%s", msg)
			}
			return nil, nil, err
		}
		line, _ := cr.FieldPos(0)
		if !opts.Lenient {
			for i, c := range row {
				if !utf8.ValidString(c) {
					return nil, nil, csvError(line, "column %d: invalid UTF-8 (%q): the file must be UTF-8 text", i+1, c)
				}
			}
		}
		if cols == nil {
			if opts.NoHeader {
				cols = make([]string, len(row))
				for i := range cols {
					cols[i] = "col_" + strconv.Itoa(i)
				}
			} else {
				cols = append([]string{}, row...)
				if !opts.Lenient {
					if err := checkHeader(cols); err != nil {
						return nil, nil, csvError(line, "header: %s", err)
					}
				}
				continue
			}
		}
		if len(row) > len(cols) && !opts.Lenient {
			of := "the header has"
			if opts.NoHeader {
				of = "the first row has"
			}
			return nil, nil, csvError(line, "row has %d cells, %s %d (cell %q would be lost)", len(row), of, len(cols), row[len(cols)])
		}
		cells := make([]string, len(cols))
		copy(cells, row)
		rows = append(rows, cells)
	}
	if cols == nil {
		return []string{}, []map[string]any{}, nil
	}
	recs := make([]map[string]any, len(rows))
	for i, row := range rows {
		m := make(map[string]any, len(cols))
		for j, c := range cols {
			if c != "" {
				m[c] = row[j]
			}
		}
		recs[i] = m
	}
	switch {
	case len(opts.Schema) > 0:
		applySchema(recs, opts.Schema)
	case !opts.NoInference && len(recs) > 0:
		applySchema(recs, InferTypes(cols, recs))
	}
	return cols, recs, nil
}

// bareCRReader turns each carriage return outside quotes that is not
// followed by a line feed into a line feed: Python's csv module ends a row
// at a bare "\r" (the line end of old Mac files and of some spreadsheet
// exports), where encoding/csv would keep it in a field and read the whole
// file as one row. Quotes are tracked as RFC 4180 has them (each '"'
// toggles); a "\r" inside a quoted field is kept.
type bareCRReader struct {
	r       *bufio.Reader
	inQuote bool
}

func (b *bareCRReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	for i, c := range p[:n] {
		switch c {
		case '"':
			b.inQuote = !b.inQuote
		case '\r':
			if b.inQuote {
				continue
			}
			if i+1 < n {
				if p[i+1] != '\n' {
					p[i] = '\n'
				}
			} else if next, perr := b.r.Peek(1); perr != nil || next[0] != '\n' {
				p[i] = '\n'
			}
		}
	}
	return n, err
}

// checkHeader reports an empty or repeated column name.
func checkHeader(cols []string) error {
	seen := make(map[string]int, len(cols))
	for i, c := range cols {
		if c == "" {
			return fmt.Errorf("column %d has no name", i+1)
		}
		if j, ok := seen[c]; ok {
			return fmt.Errorf("columns %d and %d are both named %q", j+1, i+1, c)
		}
		seen[c] = i
	}
	return nil
}

// InferTypes returns, for each distinct named column, the narrowest of int, float
// and str holding every non-empty string cell (an all-empty column is int).
func InferTypes(cols []string, recs []map[string]any) []SchemaField {
	var out []SchemaField
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c] || c == "" {
			continue
		}
		seen[c] = true
		typ := "int"
		for _, r := range recs {
			s, ok := r[c].(string)
			if !ok || s == "" {
				continue
			}
			if typ == "int" {
				if _, ok := parseCSVInt(s); ok {
					continue
				}
				typ = "float"
			}
			if _, ok := parseCSVFloat(s); !ok {
				typ = "str"
				break
			}
		}
		out = append(out, SchemaField{Name: c, Type: typ})
	}
	return out
}

// applySchema converts, in place, the string cells of the schema's columns.
func applySchema(recs []map[string]any, schema []SchemaField) {
	for _, f := range schema {
		if f.Type == "str" {
			continue
		}
		for _, r := range recs {
			s, ok := r[f.Name].(string)
			if !ok {
				continue
			}
			if v, ok := ConvertCSV(s, f.Type); ok {
				r[f.Name] = v
			}
		}
	}
}

// ConvertCSV converts a cell to a schema type (int, float, str, bool, list,
// dict): "" is nil for every type but str. ok is false when the cell does
// not convert, and the caller keeps the string.
func ConvertCSV(s, typ string) (any, bool) {
	if typ == "str" {
		return s, true
	}
	if s == "" {
		return nil, true
	}
	switch typ {
	case "int":
		i, ok := parseCSVInt(s)
		return i, ok
	case "float":
		f, ok := parseCSVFloat(s)
		return f, ok
	case "bool":
		switch strings.ToLower(s) {
		case "true", "1", "yes":
			return true, true
		case "false", "0", "no":
			return false, true
		}
	}
	return nil, false
}

func parseCSVInt(s string) (int64, bool) {
	i, err := strconv.ParseInt(s, 10, 64)
	return i, err == nil
}

// parseCSVFloat accepts decimal floats only: no hexadecimal, underscores,
// NaN or infinities.
func parseCSVFloat(s string) (float64, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E', c == '+', c == '-':
		default:
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// A CSVWriter writes rows in the Python csv module's default dialect:
// "\r\n" line ends and minimal quoting.
type CSVWriter struct {
	w     *bufio.Writer
	comma rune
	buf   []byte
	err   error
}

// NewCSVWriter returns a CSV writer onto w with delimiter comma (0 means
// ','). It fails for a delimiter that cannot delimit (see ValidComma).
func NewCSVWriter(w io.Writer, comma rune) (*CSVWriter, error) {
	if comma == 0 {
		comma = ','
	}
	if !ValidComma(comma) {
		return nil, fmt.Errorf("codec: %w: invalid CSV delimiter %q", ErrInvalidArgument, comma)
	}
	return &CSVWriter{w: bufio.NewWriterSize(w, 32<<10), comma: comma}, nil
}

// WriteRow writes one row.
func (c *CSVWriter) WriteRow(fields []string) error {
	if c.err != nil {
		return c.err
	}
	b := c.buf[:0]
	if len(fields) == 1 && fields[0] == "" {
		b = append(b, '"', '"')
	}
	for i, f := range fields {
		if i > 0 {
			b = utf8.AppendRune(b, c.comma)
		}
		if strings.ContainsRune(f, c.comma) || strings.ContainsAny(f, "\"\r\n") {
			b = append(b, '"')
			b = append(b, strings.ReplaceAll(f, `"`, `""`)...)
			b = append(b, '"')
		} else {
			b = append(b, f...)
		}
	}
	b = append(b, '\r', '\n')
	c.buf = b
	if _, err := c.w.Write(b); err != nil {
		c.err = err
	}
	return c.err
}

// Flush writes any buffered data to the underlying writer.
func (c *CSVWriter) Flush() error {
	if c.err != nil {
		return c.err
	}
	c.err = c.w.Flush()
	return c.err
}

// FormatCSV renders a normalized value as Python's str() does: nil as "",
// strings as they are, True/False, floats as repr (100.0, 1e-07), lists and
// maps as Python's repr ([1, 2], {'k': 1}, keys sorted). dictdb's extra
// kinds have no Python form: time.Time is written in RFC 3339 and []byte in
// base64.
func FormatCSV(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return string(AppendPyRepr(nil, v))
}
