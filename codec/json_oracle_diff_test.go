package codec_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
)

// recordCollector is a RecordVisitor that keeps what it is handed.
type recordCollector struct {
	tables []recordTable
}

type recordTable struct {
	begin, end codec.TableDump
	recs       []codec.Record
}

func (c *recordCollector) BeginTable(t *codec.TableDump) error {
	c.tables = append(c.tables, recordTable{begin: *t})
	return nil
}

func (c *recordCollector) Record(map[string]any) error {
	return errors.New("Record called on a RecordVisitor")
}

func (c *recordCollector) VisitRecord(r codec.Record) error {
	if len(c.tables) == 0 {
		return errors.New("VisitRecord outside a table")
	}
	t := &c.tables[len(c.tables)-1]
	t.recs = append(t.recs, r)
	return nil
}

func (c *recordCollector) EndTable(t *codec.TableDump) error {
	if len(c.tables) == 0 {
		return errors.New("EndTable outside a table")
	}
	c.tables[len(c.tables)-1].end = *t
	return nil
}

// checkOracle decodes data with DecodeJSON and with the map-based decoder it
// replaced, and fails unless both accept it with identical tables and
// records or both reject it with ErrCorrupt (and agree on
// ErrUnsupportedValue).
func checkOracle(t *testing.T, data []byte) {
	t.Helper()
	var got, want recordCollector
	err := codec.DecodeJSON(bytes.NewReader(data), &got)
	werr := codec.DecodeJSONOracle(bytes.NewReader(data), &want)
	if (err == nil) != (werr == nil) {
		t.Fatalf("DecodeJSON: %v\noracle: %v\ninput: %q", err, werr, data)
	}
	if err != nil {
		if !errors.Is(err, codec.ErrCorrupt) || !errors.Is(werr, codec.ErrCorrupt) {
			t.Fatalf("an error without ErrCorrupt:\nDecodeJSON: %v\noracle: %v", err, werr)
		}
		if errors.Is(err, codec.ErrUnsupportedValue) != errors.Is(werr, codec.ErrUnsupportedValue) {
			t.Fatalf("DecodeJSON: %v\noracle: %v\ninput: %q", err, werr, data)
		}
		return
	}
	if err := sameRecordTables(got.tables, want.tables); err != nil {
		t.Fatalf("%v\ninput: %q", err, data)
	}
}

func sameRecordTables(got, want []recordTable) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d tables, oracle %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if !reflect.DeepEqual(g.begin, w.begin) || !reflect.DeepEqual(g.end, w.end) {
			return fmt.Errorf("table %d: meta %+v %+v, oracle %+v %+v", i, g.begin, g.end, w.begin, w.end)
		}
		if len(g.recs) != len(w.recs) {
			return fmt.Errorf("table %d: %d records, oracle %d", i, len(g.recs), len(w.recs))
		}
		for j := range g.recs {
			gs, ws := g.recs[j].Shape(), w.recs[j].Shape()
			if !reflect.DeepEqual(gs.Names(), ws.Names()) {
				return fmt.Errorf("table %d record %d: fields %q, oracle %q", i, j, gs.Names(), ws.Names())
			}
			gv, wv := g.recs[j].Values(), w.recs[j].Values()
			for k := range gv {
				if !codec.Identical(gv[k], wv[k]) {
					return fmt.Errorf("table %d record %d field %q: %#v, oracle %#v", i, j, gs.Name(k), gv[k], wv[k])
				}
			}
		}
	}
	return nil
}

// oracleCases are documents that exercise the record scanner: values at
// the edges of the value model, escapes, duplicate keys, nesting, the
// list's own syntax, and the keys around the records.
func oracleCases() []string {
	doc := func(records string) string {
		return `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [` + records + `]}}}`
	}
	deep := func(n int, open, close string) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	var cases []string
	for _, r := range []string{
		``, ` `, "\n\t\r ", `{}`, `{} `, ` {"id": 1}`, `{"id":1},{"id":2}`, `{"id":1} , {"id":2} `,
		`{"id": 1, "a": -0, "b": -0.0, "c": 0.5e-3, "d": 1E+2, "e": 12e0, "f": 0}`,
		`{"a": 9223372036854775807, "b": -9223372036854775808}`,
		`{"a": 9223372036854775808}`, `{"a": -9223372036854775809}`, `{"a": 99999999999999999999}`,
		`{"a": 1e308}`, `{"a": 1e309}`, `{"a": -1e400}`, `{"a": 1e-400}`, `{"a": 4.9e-324}`,
		`{"a": 00}`, `{"a": 01}`, `{"a": -}`, `{"a": 1.}`, `{"a": .5}`, `{"a": 1e}`, `{"a": 1e+}`, `{"a": +1}`,
		`{"a": NaN}`, `{"a": -Infinity}`, `{"a": Infinity}`, `{"a": [1, {"b": NaN}]}`, `{"a": nul}`, `{"a": tru}`, `{"a": falsey}`,
		`{"a": "x\"y\\z\/\b\f\n\r\t\u00e9\u0000"}`, `{"a\u0062": 1, "ab": 2}`, `{"ab": 2, "a\u0062": 1}`,
		`{"a": "\ud800"}`, `{"a": "\ud800\udc00"}`, `{"a": "\udc00\ud800x"}`, `{"a": "\ud800\u0041"}`, `{"\ud800": 1}`,
		`{"a": "\x"}`, `{"a": "\u12"}`, `{"a": "\u12g4"}`, "{\"a\": \"\x01\"}", "{\"a\": \"\x7f\"}", `{"a": "é😀"}`,
		`{"a": 1, "a": 2}`, `{"a": 1e400, "a": 2}`, `{"a": 2, "a": 1e400}`, `{"b": 1, "a": {"x": 1, "x": [2]}, "b": null}`,
		`{"a": [` + deep(31, "[", "]") + `]}`, `{"a": [` + deep(32, "[", "]") + `]}`, `{"a": ` + deep(32, "[", "]") + `}`,
		`{"a": ` + deep(33, "[", "]") + `, "a": 1}`, `{"a": ` + deep(10001, "[", "]") + `}`, `{"a": ` + deep(9998, "[", "]") + `}`, `{"a": ` + deep(9999, "[", "]") + `}`, `{"a": ` + strings.Repeat("[", 10001),
		`{"a": ` + deep(32, `{"x":`, "}") + `}`, `{"a": ` + deep(33, `{"x":`, "}") + `}`,
		`{"a": [], "b": {}, "c": [[]], "d": [{}], "e": true, "f": false, "g": null, "": 1}`,
		`{"z": 1, "y": 2, "x": 3, "w": 4, "v": 5, "u": 6, "t": 7, "s": 8, "r": 9, "q": 10, "p": 11, "o": 12, "n": 13, "m": 14, "l": 15, "k": 16, "j": 17, "i": 18, "k": 19}`,
		`null`, `1`, `"x"`, `[]`, `true`, `{"id": 1}, null`, `{},`, `,{}`, `{} {}`, `{}}`, `{"a" 1}`, `{"a": 1,}`, `{"a": 1 "b": 2}`,
		`{1: 2}`, `{"a": [1,]}`, `{"a": [1 2]}`, `{"a": ]}`, `{"a": }`, `{"a": 1]`,
	} {
		cases = append(cases, doc(r))
	}
	cases = append(cases,
		`{"tables": {"t": {"records": [{"id": 1}, {"id": "a"}], "schema": {"id": "int"}, "primary_key": "id"}}}`,
		`{"tables": {"t": {"primary_key": "id", "records": [{"id": 1}], "schema": null, "records": []}}}`,
		`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": 1}], "next_id": 2, "zz": [1, {"a": [}]}}}`,
		`{"tables": {"a": {"primary_key": "id", "schema": null, "records": [{"id": 1}]}, "b": {"primary_key": "k", "schema": null, "records": [{"k": "x"}], "indexes": [{"field": "k", "kind": "hash"}]}}, "version": 1}`,
		`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": 1}]}}} x`,
		`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": 1}]}}}   `,
		`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": 1}]}}`,
		`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": 1}]]}}}`,
		`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": 1}}}}`,
		`{"tables": {"t": {"primary_key": "id", "schema": null, "records": []  , "next_id": 3}}}`,
		"\ufeff"+`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": "\u00e9"}]}}}`,
		`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": "`+"\xff"+`"}]}}}`,
		`{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": 1}, `+"\xc3"+`]}}}`,
	)
	return cases
}

func TestDecodeJSONMatchesOracle(t *testing.T) {
	var docs [][]byte
	for _, c := range oracleCases() {
		docs = append(docs, []byte(c))
	}
	docs = append(docs, encode(t, formats[0], sampleTables()))
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		recs := make([]map[string]any, r.IntN(5))
		for i := range recs {
			m := map[string]any{"id": int64(i)}
			for range r.IntN(4) {
				m[string(genBytes(randSource{r}))] = genValue(randSource{r}, 0)
			}
			recs[i] = m
		}
		docs = append(docs, encode(t, formats[0], []*dumpTable{{Meta: codec.TableDump{Name: "t", PrimaryKey: "id"}, Recs: recs}}))
	}
	for _, dir := range []string{"FuzzDecodeJSON", "FuzzDecodeJSONOracle"} {
		docs = append(docs, fuzzCorpus(t, dir)...)
	}
	for _, d := range docs {
		checkOracle(t, d)
		// Every prefix too: the scanner must want more input exactly when
		// the decoder does.
		if len(d) < 400 {
			for n := range len(d) {
				checkOracle(t, d[:n])
			}
		}
	}
}

// Long records and lists are read in more than one piece, and a new
// decoder takes what the records list leaves over.
func TestDecodeJSONMatchesOracleLongRecords(t *testing.T) {
	recs := []map[string]any{
		{"id": int64(1), "s": strings.Repeat("é", 200<<10)},
		{"id": int64(2), "l": make([]any, 50<<10)},
		{"id": int64(3)},
	}
	many := make([]map[string]any, 5000)
	for i := range many {
		many[i] = map[string]any{"id": int64(i), "s": "some text"}
	}
	data := encode(t, formats[0], []*dumpTable{
		{Meta: codec.TableDump{Name: "a", PrimaryKey: "id"}, Recs: many},
		{Meta: codec.TableDump{Name: "b", PrimaryKey: "id"}, Recs: many[:3]},
		{Meta: codec.TableDump{Name: "t", PrimaryKey: "id"}, Recs: recs},
		{Meta: codec.TableDump{Name: "u", PrimaryKey: "id"}, Recs: many},
	})
	checkOracle(t, data)
	checkOracle(t, bytes.Replace(data, []byte(`"id": 3`), []byte(`"id": NaN`), 1))
	checkOracle(t, bytes.Replace(data, []byte(`"id": 3`), []byte(`"id": 3,`), 1))
}

// fuzzCorpus returns the inputs of a fuzz target's committed corpus.
func fuzzCorpus(t *testing.T, target string) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := readCorpusEntry(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzDecodeJSONOracle checks that DecodeJSON accepts exactly what the
// map-based decoder it replaced accepts, with identical records, and that
// both reject the rest with ErrCorrupt.
func FuzzDecodeJSONOracle(f *testing.F) {
	for _, c := range oracleCases() {
		f.Add([]byte(c))
	}
	f.Add(encode(f, formats[0], sampleTables()))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkOracle(t, data)
	})
}
