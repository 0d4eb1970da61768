package codec_test

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
)

func TestAppendJSONValuePythonStyle(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		// Python: json.dumps({"s": "é😀\x7f\x00\b/\"\\"})
		{"é😀\x7f\x00\b/\"\\", `"\u00e9\ud83d\ude00\u007f\u0000\b/\"\\"`},
		{"\n\r\t\f\x1f", `"\n\r\t\f\u001f"`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
		{[]any{int64(1), 2.0, "a", nil, true}, `[1, 2.0, "a", null, true]`},
		{map[string]any{"b": int64(1), "a": map[string]any{}}, `{"a": {}, "b": 1}`},
		{[]byte("hi"), `"aGk="`},
		{time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), `"2024-01-02T03:04:05.000000006Z"`},
		{int64(-9223372036854775808), "-9223372036854775808"},
	}
	for _, c := range cases {
		got, err := codec.AppendJSONValue(nil, c.v)
		if err != nil || string(got) != c.want {
			t.Errorf("AppendJSONValue(%#v) = %s, %v; want %s", c.v, got, err, c.want)
		}
	}
	if _, err := codec.AppendJSONValue(nil, math.NaN()); !errors.Is(err, codec.ErrUnsupportedValue) {
		t.Errorf("NaN: %v", err)
	}
}

func TestJSONLayout(t *testing.T) {
	tables := []*dumpTable{
		{Meta: codec.TableDump{Name: "a", PrimaryKey: "id", NextID: 3, Indexes: []codec.IndexDump{{Field: "x", Kind: "sorted"}}},
			Recs: []map[string]any{{"x": 1.0, "id": int64(1)}, {"id": int64(2), "x": "é"}}},
		{Meta: codec.TableDump{Name: "b", PrimaryKey: "k", Schema: []codec.SchemaField{{Name: "v", Type: "float"}, {Name: "k", Type: "int"}}}},
	}
	var buf bytes.Buffer
	if err := writeDump(codec.NewJSONWriter(&buf, codec.JSONOptions{}), tables); err != nil {
		t.Fatal(err)
	}
	want := `{
    "tables": {
        "a": {
            "primary_key": "id",
            "schema": null,
            "next_id": 3,
            "indexes": [{"field": "x", "kind": "sorted", "unique": false}],
            "records": [
                {"id": 1, "x": 1.0},
                {"id": 2, "x": "\u00e9"}
            ]
        },
        "b": {
            "primary_key": "k",
            "schema": {"v": "float", "k": "int"},
            "next_id": 0,
            "indexes": [],
            "records": [
            ]
        }
    }
}
`
	if got := buf.String(); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	buf.Reset()
	if err := writeDump(codec.NewJSONWriter(&buf, codec.JSONOptions{OmitExtras: true}), nil); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "{\n    \"tables\": {\n    }\n}\n"; got != want {
		t.Fatalf("empty database: %q, want %q", got, want)
	}
}

func TestDecodeJSONNumbers(t *testing.T) {
	src := `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [
		{"id": 1, "i": -0, "f": 2.0, "e": 1e3, "E": 1E-7, "n": [1, 1.5, {"x": 3}]}]}}}`
	c := &collector{}
	if err := codec.DecodeJSON(strings.NewReader(src), c); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": int64(1), "i": int64(0), "f": 2.0, "e": 1000.0, "E": 1e-7,
		"n": []any{int64(1), 1.5, map[string]any{"x": int64(3)}}}
	if got := c.tables[0].Recs[0]; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
	if c.tables[0].Meta.HasExtras || c.tables[0].Meta.NextID != 0 || c.tables[0].Meta.Schema != nil {
		t.Fatalf("meta %+v", c.tables[0].Meta)
	}
}

func TestDecodeJSONKeyOrderAndExtras(t *testing.T) {
	// records before primary_key and schema, extras after the records,
	// unknown keys anywhere, a byte-order mark.
	src := "\ufeff" + `{"version": [1, {"x": 2}], "tables": {"t": {"records": [{"a": 1}], "zzz": {"q": [1]},
		"schema": {"a": "int", "id": "int"}, "primary_key": "id", "next_id": 9,
		"indexes": [{"field": "a", "kind": "hash", "unique": true}]}}}`
	c := &collector{}
	if err := codec.DecodeJSON(strings.NewReader(src), c); err != nil {
		t.Fatal(err)
	}
	got := c.tables[0]
	want := codec.TableDump{Name: "t", PrimaryKey: "id", NextID: 9, HasExtras: true,
		Schema:  []codec.SchemaField{{Name: "a", Type: "int"}, {Name: "id", Type: "int"}},
		Indexes: []codec.IndexDump{{Field: "a", Kind: "hash", Unique: true}}}
	if !reflect.DeepEqual(got.Meta, want) || len(got.Recs) != 1 {
		t.Fatalf("got %+v %v", got.Meta, got.Recs)
	}
}

// TestDecodeJSONCorrupt covers the structural garbage of catalogue 13.3 and
// more: every case is ErrCorrupt with a line and an offset.
func TestDecodeJSONCorrupt(t *testing.T) {
	cases := map[string]string{
		"empty":             ``,
		"null root":         `null`,
		"list root":         `[]`,
		"no tables":         `{}`,
		"tables null":       `{"tables": null}`,
		"tables list":       `{"tables": []}`,
		"no primary key":    `{"tables": {"t": {"schema": null, "records": []}}}`,
		"no schema":         `{"tables": {"t": {"primary_key": "id", "records": []}}}`,
		"no records":        `{"tables": {"t": {"primary_key": "id", "schema": null}}}`,
		"records dict":      `{"tables": {"t": {"primary_key": "id", "schema": null, "records": {}}}}`,
		"records null":      `{"tables": {"t": {"primary_key": "id", "schema": null, "records": null}}}`,
		"record not object": `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [1]}}}`,
		"unknown type":      `{"tables": {"t": {"primary_key": "id", "schema": {"a": "tuple"}, "records": []}}}`,
		"pk not string":     `{"tables": {"t": {"primary_key": 5, "schema": null, "records": []}}}`,
		"syntax":            "{\"tables\": {\"t\": {\"primary_key\": \"id\", \"schema\": null, \"records\": [\n{\"a\": tru}\n]}}}",
		"truncated":         `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"a": 1}`,
		"trailing data":     `{"tables": {}} {}`,
		"NaN":               `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"a": NaN}]}}}`,
		"huge int":          `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"a": 99999999999999999999}]}}}`,
		"huge float":        `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"a": 1e400}]}}}`,
		"bad next_id":       `{"tables": {"t": {"primary_key": "id", "schema": null, "next_id": 1.5, "records": []}}}`,
		"bad index":         `{"tables": {"t": {"primary_key": "id", "schema": null, "indexes": [{"field": "a", "kind": "btree"}], "records": []}}}`,
		"too deep":          `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"a": ` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}]}}}`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			err := codec.DecodeJSON(strings.NewReader(src), &collector{})
			var ce *codec.CorruptError
			if !errors.Is(err, codec.ErrCorrupt) || !errors.As(err, &ce) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
			if ce.Line < 1 || ce.Offset < 0 {
				t.Fatalf("no location: %v", err)
			}
		})
	}
}

// Values a Python-written file can hold but the value model cannot (NaN and
// infinities, which Python's json writes as bare words, integers beyond
// int64, floats beyond float64) fail with an error that wraps ErrCorrupt
// and ErrUnsupportedValue and names the table, the record (by key), the
// field path and the value, at the value's offset.
func TestDecodeJSONValuesOutsideTheModel(t *testing.T) {
	file := func(records string) string {
		return "{\"tables\": {\"users\": {\"primary_key\": \"id\", \"schema\": null, \"records\": [\n" +
			"{\"id\": 1, \"n\": 2},\n" + records + "\n]}}}"
	}
	cases := []struct {
		records string
		want    string // the message after the location
		value   string // the value's text, found at the error's offset (NaN, Infinity)
	}{
		{`{"id": 7, "n": NaN}`, `table "users": record 7: field "n": unsupported value: NaN: dictdb stores only finite floats`, "NaN"},
		{`{"id": 7, "n": Infinity}`, `record 7: field "n": unsupported value: Infinity: dictdb stores only finite floats`, "Infinity"},
		{`{"id": 7, "n": -Infinity}`, `record 7: field "n": unsupported value: -Infinity: dictdb stores only finite floats`, "-Infinity"},
		{`{"id": "bob", "tags": [1, {"x": [NaN]}]}`, `record "bob": field "tags[1].x[0]": unsupported value: NaN`, "NaN"},
		{`{"id": 7, "a\"b": {"c": -Infinity}}`, `record 7: field "a\"b.c": unsupported value: -Infinity`, "-Infinity"},
		{`{"n": NaN, "id": 7}`, `record at index 1: field "n": unsupported value: NaN`, "NaN"},
		{`{"id": 7, "n": 12345678901234567890}`, `record 7: field "n": unsupported value: integer 12345678901234567890 is outside the int64 range`, ""},
		{`{"id": 7, "n": {"m": [-99999999999999999999]}}`, `record 7: field "n.m[0]": unsupported value: integer -99999999999999999999 is outside the int64 range`, ""},
		{`{"n": 1e400, "id": 7}`, `record 7: field "n": unsupported value: number 1e400 is outside the float64 range`, ""},
		{`{"id": 12345678901234567890}`, `record 12345678901234567890: field "id": unsupported value: integer`, ""},
	}
	for _, tc := range cases {
		src := file(tc.records)
		err := codec.DecodeJSON(strings.NewReader(src), &collector{})
		var ce *codec.CorruptError
		if !errors.Is(err, codec.ErrCorrupt) || !errors.Is(err, codec.ErrUnsupportedValue) || !errors.As(err, &ce) {
			t.Errorf("%s: got %v, want ErrCorrupt and ErrUnsupportedValue", tc.records, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\ngot  %v\nwant %s", tc.records, err, tc.want)
		}
		if ce.Line != 3 {
			t.Errorf("%s: line %d, want 3", tc.records, ce.Line)
		}
		if tc.value != "" && !strings.HasPrefix(src[ce.Offset:], tc.value) {
			t.Errorf("%s: offset %d points at %.12q, want %s", tc.records, ce.Offset, src[ce.Offset:], tc.value)
		}
	}
	// Other syntax errors keep the decoder's description.
	err := codec.DecodeJSON(strings.NewReader(file(`{"id": 7, "n": Nope}`)), &collector{})
	if !errors.Is(err, codec.ErrCorrupt) || errors.Is(err, codec.ErrUnsupportedValue) || !strings.Contains(err.Error(), "invalid character") {
		t.Errorf("a bare word: got %v", err)
	}
}

func TestDecodeJSONLineNumbers(t *testing.T) {
	var buf bytes.Buffer
	recs := make([]map[string]any, 50)
	for i := range recs {
		recs[i] = map[string]any{"id": int64(i + 1), "pad": strings.Repeat("x", 3000)}
	}
	if err := writeDump(codec.NewJSONWriter(&buf, codec.JSONOptions{}), []*dumpTable{{Meta: codec.TableDump{Name: "t", PrimaryKey: "id"}, Recs: recs}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	// Break record 40 (file line 8+40).
	lines[47] = strings.Replace(lines[47], `"pad": "`, `"pad": x"`, 1)
	err := codec.DecodeJSON(strings.NewReader(strings.Join(lines, "\n")), &collector{})
	var ce *codec.CorruptError
	if !errors.As(err, &ce) || ce.Line != 48 {
		t.Fatalf("got %v, want an error at line 48", err)
	}
	// A visitor error is located too.
	v := &failAfter{n: 10}
	err = codec.DecodeJSON(bytes.NewReader(buf.Bytes()), v)
	if !errors.As(err, &ce) || ce.Line != 19 || !errors.Is(err, errVisitor) {
		t.Fatalf("got %v, want a visitor error at line 19 (the 11th record)", err)
	}
}

var errVisitor = errors.New("visitor says no")

type failAfter struct {
	collector
	n int
}

func (f *failAfter) Record(rec map[string]any) error {
	if f.n--; f.n < 0 {
		return errVisitor
	}
	return f.collector.Record(rec)
}

func TestDecodeJSONTruncatedEverywhere(t *testing.T) {
	data := encode(t, formats[0], sampleTables())
	for n := range len(data) - 1 {
		_, err := decode(formats[0], data[:n])
		if !errors.Is(err, codec.ErrCorrupt) {
			t.Fatalf("truncated at %d: got %v", n, err)
		}
	}
}

// FuzzDecodeJSON checks that decoding never panics and that whatever
// decodes re-encodes to a file that decodes to the same data.
func FuzzDecodeJSON(f *testing.F) {
	f.Add(encode(f, formats[0], sampleTables()))
	f.Add([]byte("{\n    \"tables\": {\n    }\n}\n"))
	f.Add([]byte(`{"tables": {"t": {"primary_key": "id", "schema": {"id": "int"}, "records": [{"id": 1}, {"a": [1.5, {"b": null}]}]}}}`))
	f.Add([]byte(`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": "x\"", "a": [1, {"b\\": -Infinity}]}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decode(formats[0], data)
		if err != nil {
			if !errors.Is(err, codec.ErrCorrupt) {
				t.Fatalf("error without ErrCorrupt: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := writeDump(codec.NewJSONWriter(&buf, codec.JSONOptions{}), got); err != nil {
			// Only values outside the value model may fail: none decode.
			t.Fatalf("re-encode: %v", err)
		}
		again, err := decode(formats[0], buf.Bytes())
		if err != nil {
			t.Fatalf("re-decode: %v\n%s", err, buf.Bytes())
		}
		if err := sameTables(again, normalizeStrings(got)); err != nil {
			t.Fatal(err)
		}
	})
}

// normalizeStrings replaces invalid UTF-8 in strings by U+FFFD, as the JSON
// writer does (input that is not UTF-8 does not decode at all).
func normalizeStrings(tables []*dumpTable) []*dumpTable {
	for _, t := range tables {
		for _, r := range t.Recs {
			for k, v := range r {
				r[k] = fixUTF8(v)
			}
		}
	}
	return tables
}

func fixUTF8(v any) any {
	switch x := v.(type) {
	case string:
		return strings.ToValidUTF8(x, "\ufffd")
	case []any:
		for i := range x {
			x[i] = fixUTF8(x[i])
		}
	case map[string]any:
		for k, e := range x {
			x[k] = fixUTF8(e)
		}
	}
	return v
}
