package main

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dictdb-go/dictdb/codec"
)

// The output formats of query, aggregate, tables and schema.
var outputFormats = []string{"table", "json", "jsonl", "csv"}

func checkOutputFormat(f string) error {
	if !slices.Contains(outputFormats, f) {
		return usagef("--format must be one of %s, not %q", strings.Join(outputFormats, ", "), f)
	}
	return nil
}

// writeRows writes rows in format: table (aligned columns with a header
// and a row count), json (an array of objects, one per line), jsonl (one
// object per line) or csv (RFC 4180 with a header). cols gives the column
// order; json and jsonl leave out the columns a row does not have.
func writeRows(w io.Writer, format string, cols []string, rows []map[string]any) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "json":
		err = writeJSON(bw, cols, rows, false)
	case "jsonl":
		err = writeJSON(bw, cols, rows, true)
	case "csv":
		err = writeCSVRows(bw, cols, rows)
	default:
		writeTable(bw, cols, rows)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func writeJSON(w *bufio.Writer, cols []string, rows []map[string]any, lines bool) error {
	if !lines {
		if len(rows) == 0 {
			_, err := w.WriteString("[]\n")
			return err
		}
		w.WriteString("[\n")
	}
	var b []byte
	for i, r := range rows {
		b = b[:0]
		if !lines {
			b = append(b, "  "...)
		}
		b = append(b, '{')
		first := true
		for _, c := range cols {
			v, ok := r[c]
			if !ok {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, c)
			b = append(b, ':')
			b = appendJSON(b, v)
		}
		b = append(b, '}')
		if !lines && i < len(rows)-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if !lines {
		_, err := w.WriteString("]\n")
		return err
	}
	return nil
}

// appendJSON appends v as JSON: numbers as the files write them (floats
// keep a '.0'), []byte as a base64 string and times as RFC 3339 strings, as
// in the JSON file format; map keys sorted.
func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return codec.AppendPyFloat(b, x)
	case string:
		return appendJSONString(b, x)
	case []byte:
		return appendJSONString(b, base64.StdEncoding.EncodeToString(x))
	case time.Time:
		return appendJSONString(b, x.UTC().Format(time.RFC3339Nano))
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSON(b, x[k])
		}
		return append(b, '}')
	}
	return appendJSONString(b, fmt.Sprint(v))
}

// appendJSONString appends s as a JSON string: UTF-8 kept as it is, control
// characters escaped, invalid bytes replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hex[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

func writeCSVRows(w io.Writer, cols []string, rows []map[string]any) error {
	cw, err := codec.NewCSVWriter(w, ',')
	if err != nil {
		return err
	}
	if err := cw.WriteRow(cols); err != nil {
		return err
	}
	cells := make([]string, len(cols))
	for _, r := range rows {
		for i, c := range cols {
			cells[i] = codec.FormatCSV(r[c])
		}
		if err := cw.WriteRow(cells); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// cell renders a value for the table format: strings as they are (control
// characters escaped), null as "null", times in RFC 3339, bytes in base64,
// everything else as JSON.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return escapeControl(x)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return escapeControl(string(appendJSON(nil, v)))
}

func escapeControl(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeTable writes rows as aligned columns under a header, numbers
// right-aligned, followed by a row count.
func writeTable(w *bufio.Writer, cols []string, rows []map[string]any) {
	if len(cols) == 0 {
		fmt.Fprintf(w, "(%s)\n", plural(len(rows), "row"))
		return
	}
	cells := make([][]string, len(rows))
	widths := make([]int, len(cols))
	numeric := make([]bool, len(cols))
	for i, c := range cols {
		widths[i] = utf8.RuneCountInString(escapeControl(c))
		numeric[i] = len(rows) > 0
	}
	for j, r := range rows {
		cells[j] = make([]string, len(cols))
		for i, c := range cols {
			v := r[c]
			switch v.(type) {
			case int64, float64, nil:
			default:
				numeric[i] = false
			}
			s := cell(v)
			cells[j][i] = s
			widths[i] = max(widths[i], utf8.RuneCountInString(s))
		}
	}
	line := func(vals []string, right []bool) {
		var b strings.Builder
		for i, s := range vals {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(s))
			if right != nil && right[i] {
				b.WriteString(pad)
				b.WriteString(s)
			} else {
				b.WriteString(s)
				if i < len(vals)-1 {
					b.WriteString(pad)
				}
			}
		}
		w.WriteString(strings.TrimRight(b.String(), " "))
		w.WriteByte('\n')
	}
	header := make([]string, len(cols))
	rule := make([]string, len(cols))
	for i, c := range cols {
		header[i] = escapeControl(c)
		rule[i] = strings.Repeat("-", widths[i])
	}
	line(header, numeric)
	line(rule, nil)
	for _, r := range cells {
		line(r, numeric)
	}
	fmt.Fprintf(w, "(%s)\n", plural(len(rows), "row"))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
