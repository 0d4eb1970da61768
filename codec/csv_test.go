package codec_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/dictdb-go/dictdb/codec"
)

func readCSV(t *testing.T, src string, opts codec.CSVReadOptions) ([]string, []map[string]any) {
	t.Helper()
	cols, recs, err := codec.ReadCSV(strings.NewReader(src), opts)
	if err != nil {
		t.Fatal(err)
	}
	return cols, recs
}

func TestReadCSVInference(t *testing.T) {
	cols, recs := readCSV(t, "\ufeffid,name,age,score,blank,mixed\r\n1,\"Alice, Jr.\",30,1.5,,1\r\n\r\n2,\"Say \"\"Hi\"\"\",,2,,x\n", codec.CSVReadOptions{})
	if want := []string{"id", "name", "age", "score", "blank", "mixed"}; !reflect.DeepEqual(cols, want) {
		t.Fatalf("cols %v", cols)
	}
	want := []map[string]any{
		{"id": int64(1), "name": "Alice, Jr.", "age": int64(30), "score": 1.5, "blank": nil, "mixed": "1"},
		{"id": int64(2), "name": `Say "Hi"`, "age": nil, "score": 2.0, "blank": nil, "mixed": "x"},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %#v", recs)
	}
}

func TestReadCSVOptions(t *testing.T) {
	_, recs := readCSV(t, "1;Alice\n2;Bob;extra\n3\n", codec.CSVReadOptions{Comma: ';', NoHeader: true, NoInference: true, Lenient: true})
	want := []map[string]any{{"col_0": "1", "col_1": "Alice"}, {"col_0": "2", "col_1": "Bob"}, {"col_0": "3", "col_1": ""}}
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %#v", recs)
	}
	cols, recs := readCSV(t, "", codec.CSVReadOptions{})
	if len(cols) != 0 || len(recs) != 0 {
		t.Fatal("empty file")
	}
	cols, recs = readCSV(t, "a,b,a\n1,2,3\n", codec.CSVReadOptions{Lenient: true})
	if !reflect.DeepEqual(cols, []string{"a", "b", "a"}) || recs[0]["a"] != int64(3) {
		t.Fatalf("duplicate header: %v %v", cols, recs)
	}
	// Strict strconv: spaces, underscores, nan and hex stay strings.
	_, recs = readCSV(t, "a\n 42\n", codec.CSVReadOptions{})
	if recs[0]["a"] != " 42" {
		t.Fatalf("got %#v", recs[0]["a"])
	}
	for _, s := range []string{"1_000", "nan", "inf", "0x1p3"} {
		_, recs = readCSV(t, "a\n"+s+"\n", codec.CSVReadOptions{})
		if recs[0]["a"] != s {
			t.Fatalf("%s became %#v", s, recs[0]["a"])
		}
	}
	if _, _, err := codec.ReadCSV(strings.NewReader("a"), codec.CSVReadOptions{Comma: '"'}); err == nil {
		t.Fatal("bad delimiter accepted")
	}
}

func TestReadCSVSchema(t *testing.T) {
	schema := []codec.SchemaField{{Name: "id", Type: "int"}, {Name: "price", Type: "float"}, {Name: "ok", Type: "bool"},
		{Name: "name", Type: "str"}, {Name: "n", Type: "int"}}
	_, recs := readCSV(t, "id,price,ok,name,n,other\n1,3,YES,,1.0,2\n2,19.99,no,Widget,,x\n3,1,y,z,5,\n", codec.CSVReadOptions{Schema: schema})
	want := []map[string]any{
		{"id": int64(1), "price": 3.0, "ok": true, "name": "", "n": "1.0", "other": "2"},
		{"id": int64(2), "price": 19.99, "ok": false, "name": "Widget", "n": nil, "other": "x"},
		{"id": int64(3), "price": 1.0, "ok": "y", "name": "z", "n": int64(5), "other": ""},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %#v", recs)
	}
}

func TestReadCSVLenientQuotes(t *testing.T) {
	// Python: [['a'], ['unterminated\n']] and [['a'], ['x"y', ...]].
	_, recs := readCSV(t, "a\n\"unterminated\n", codec.CSVReadOptions{Lenient: true})
	if recs[0]["a"] != "unterminated\n" {
		t.Fatalf("got %#v", recs)
	}
	_, recs = readCSV(t, "a\nx\"y\n", codec.CSVReadOptions{Lenient: true})
	if recs[0]["a"] != `x"y` {
		t.Fatalf("got %#v", recs)
	}
	boom := errors.New("boom")
	if _, _, err := codec.ReadCSV(iotest.ErrReader(boom), codec.CSVReadOptions{}); !errors.Is(err, boom) {
		t.Fatalf("I/O error: %v", err)
	}
}

// TestReadCSVStrict: by default, every input that would lose or garble
// cells is an error naming the line, and no record is returned; Lenient
// reads each of them as before. Short rows are read in both modes.
func TestReadCSVStrict(t *testing.T) {
	cases := []struct {
		name, src string
		noHeader  bool
		line      int
		msg       string
		lenient   []map[string]any
	}{
		{"extra cell", "id,name,age\n1,a,3\n2,b\n3,c,5,extra\n", false, 4, `row has 4 cells, the header has 3 (cell "extra" would be lost)`,
			[]map[string]any{{"id": "1", "name": "a", "age": "3"}, {"id": "2", "name": "b", "age": ""}, {"id": "3", "name": "c", "age": "5"}}},
		{"extra cell without header", "1,a\n2,b,c\n", true, 2, `row has 3 cells, the first row has 2`,
			[]map[string]any{{"col_0": "1", "col_1": "a"}, {"col_0": "2", "col_1": "b"}}},
		{"duplicate name", "id,a,a\n1,2,3\n", false, 1, `header: columns 2 and 3 are both named "a"`,
			[]map[string]any{{"id": "1", "a": "3"}}},
		{"empty name", "id,,b\n1,2,3\n", false, 1, "header: column 2 has no name",
			[]map[string]any{{"id": "1", "b": "3"}}},
		{"header after blank lines", "\n\nid,id\n1,2\n", false, 3, `header: columns 1 and 2 are both named "id"`,
			[]map[string]any{{"id": "2"}}},
		{"unterminated quote", "id,name\n1,a\n2,\"b\n3,c\n4,d\n", false, 3, `extraneous or missing " in quoted-field`,
			[]map[string]any{{"id": "1", "name": "a"}, {"id": "2", "name": "b\n3,c\n4,d\n"}}},
		{"quote in an unquoted field", "id,name\n1,a\"b\n", false, 2, `bare " in non-quoted-field`,
			[]map[string]any{{"id": "1", "name": `a"b`}}},
		{"text after a closing quote", "id,name\n1,\"a\"b\n2,c\n", false, 2, `extraneous or missing " in quoted-field`,
			[]map[string]any{{"id": "1", "name": "a\"b\n2,c\n"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := codec.CSVReadOptions{NoHeader: c.noHeader, NoInference: true}
			cols, recs, err := codec.ReadCSV(strings.NewReader(c.src), opts)
			var ce *codec.CorruptError
			if !errors.Is(err, codec.ErrCorrupt) || !errors.As(err, &ce) {
				t.Fatalf("got %v, %v, %v; want a *CorruptError", cols, recs, err)
			}
			if ce.Line != c.line || !strings.Contains(ce.Msg, c.msg) || !strings.Contains(err.Error(), fmt.Sprintf("line %d", c.line)) {
				t.Fatalf("got line %d, %q (%v); want line %d, %q", ce.Line, ce.Msg, err, c.line, c.msg)
			}
			if cols != nil || recs != nil {
				t.Fatalf("records returned with the error: %v %v", cols, recs)
			}
			opts.Lenient = true
			_, recs = readCSV(t, c.src, opts)
			if !reflect.DeepEqual(recs, c.lenient) {
				t.Fatalf("lenient: got %#v, want %#v", recs, c.lenient)
			}
		})
	}
	// Short rows are padded in strict mode too.
	_, recs := readCSV(t, "a,b,c\n1\n1,2\n", codec.CSVReadOptions{NoInference: true})
	want := []map[string]any{{"a": "1", "b": "", "c": ""}, {"a": "1", "b": "2", "c": ""}}
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("short rows: got %#v", recs)
	}
	for _, bad := range []codec.CSVReadOptions{{Comma: '"'}, {Schema: []codec.SchemaField{{Name: "", Type: "int"}}}} {
		if _, _, err := codec.ReadCSV(strings.NewReader("a\n"), bad); !errors.Is(err, codec.ErrInvalidArgument) {
			t.Fatalf("%+v: got %v, want ErrInvalidArgument", bad, err)
		}
	}
	if _, err := codec.NewCSVWriter(&bytes.Buffer{}, '\n'); !errors.Is(err, codec.ErrInvalidArgument) {
		t.Fatalf("NewCSVWriter: got %v, want ErrInvalidArgument", err)
	}
}

func TestFormatCSV(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{nil, ""}, {true, "True"}, {false, "False"}, {int64(-3), "-3"}, {100.0, "100.0"}, {1e-7, "1e-07"},
		{1e20, "1e+20"}, {"x y", "x y"}, {[]any{int64(1), "a", nil, 2.5}, "[1, 'a', None, 2.5]"},
		{map[string]any{"k": int64(1), "b": []any{true}}, "{'b': [True], 'k': 1}"},
		{[]any{"it's", "q\"'", "\n"}, `["it's", 'q"\'', '\n']`},
		{[]byte("hi"), "aGk="}, {time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02T03:04:05Z"},
	}
	for _, c := range cases {
		if got := codec.FormatCSV(c.v); got != c.want {
			t.Errorf("FormatCSV(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestCSVWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := codec.NewCSVWriter(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][]string{{"id", "name"}, {"1", `Say "Hello"`}, {"2", "Alice, Jr."}, {""}, {" lead", "a\nb"}} {
		if err := w.WriteRow(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "id,name\r\n1,\"Say \"\"Hello\"\"\"\r\n2,\"Alice, Jr.\"\r\n\"\"\r\n lead,\"a\nb\"\r\n"
	if buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}
	if _, err := codec.NewCSVWriter(&buf, '\n'); err == nil {
		t.Fatal("bad delimiter accepted")
	}
}

// FuzzReadCSV: ReadCSV never panics; whatever the strict reader accepts,
// the lenient one reads the same; and a strict failure is a *CorruptError
// with a line.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"id,name,age\n1,a,3\n2,b\n3,c,5,extra\n", "id,a,a\n1,2,3\n", "a\n\"x\n", "a,b\n\"1\"\"2\",3\n", "a\nx\"y\n", ""} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, src string, noHeader bool) {
		opts := codec.CSVReadOptions{NoHeader: noHeader, NoInference: true}
		cols, recs, err := codec.ReadCSV(strings.NewReader(src), opts)
		opts.Lenient = true
		lcols, lrecs, lerr := codec.ReadCSV(strings.NewReader(src), opts)
		if lerr != nil {
			t.Fatalf("lenient: %v", lerr)
		}
		if err != nil {
			var ce *codec.CorruptError
			if !errors.As(err, &ce) || ce.Line < 1 {
				t.Fatalf("strict: %v is not a *CorruptError with a line", err)
			}
			return
		}
		if !reflect.DeepEqual(cols, lcols) || !reflect.DeepEqual(recs, lrecs) {
			t.Fatalf("strict %v %v, lenient %v %v", cols, recs, lcols, lrecs)
		}
	})
}
