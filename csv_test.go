package dictdb_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportCSVBasic(t *testing.T) {
	db := dictdb.New()
	p := writeFile(t, "users.csv", "\ufeffid,name,age\r\n1,\"Alice, Jr.\",30\r\n\r\n2,Bob,25\r\n")
	n, err := db.ImportCSV(p, "users", dictdb.CSVOptions{})
	if err != nil || n != 2 {
		t.Fatalf("got %d, %v", n, err)
	}
	users, _ := db.Table("users")
	rows, _ := users.Select(dictdb.Query{Where: cond.Field("name").Eq("Alice, Jr.")})
	if len(rows) != 1 || rows[0]["age"] != int64(30) || rows[0]["id"] != int64(1) {
		t.Fatalf("got %v", rows)
	}
	if _, err := db.ImportCSV(p, "users", dictdb.CSVOptions{}); !errors.Is(err, dictdb.ErrTableExists) {
		t.Fatalf("existing table: %v", err)
	}
	if _, err := db.ImportCSV(filepath.Join(t.TempDir(), "missing.csv"), "m", dictdb.CSVOptions{}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if slicesContain(db.TableNames(), "m") {
		t.Fatal("table left after a missing file")
	}
}

func slicesContain(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}

func TestImportCSVOptions(t *testing.T) {
	db := dictdb.New()
	p := writeFile(t, "p.csv", "sku;price;name;ok\nA;19.99;Widget;yes\nB;25;Gadget;No\n")
	n, err := db.ImportCSVFrom(strings.NewReader("sku;price;name;ok\nA;19.99;Widget;yes\nB;25;Gadget;No\n"), "products", dictdb.CSVOptions{
		Delimiter: ';', PrimaryKey: "sku",
		Schema: []dictdb.Column{dictdb.Col("sku", dictdb.Str), dictdb.Col("price", dictdb.Float), dictdb.Col("name", dictdb.Str), dictdb.Col("ok", dictdb.Bool)},
	})
	if err != nil || n != 2 {
		t.Fatalf("got %d, %v", n, err)
	}
	products, _ := db.Table("products")
	rows, _ := products.Select(dictdb.Query{Where: cond.Field("price").Gt(20)})
	if len(rows) != 1 || rows[0]["name"] != "Gadget" || rows[0]["price"] != 25.0 || rows[0]["ok"] != false {
		t.Fatalf("got %v", rows)
	}
	// No header, no inference, auto keys.
	n, err = db.ImportCSV(p, "raw", dictdb.CSVOptions{Delimiter: ';', NoHeader: true, NoTypeInference: true})
	if err != nil || n != 3 {
		t.Fatalf("got %d, %v", n, err)
	}
	raw, _ := db.Table("raw")
	if rec, _ := raw.Get(1); rec["col_0"] != "sku" || rec["col_1"] != "price" {
		t.Fatalf("got %v", rec)
	}
	// Header only: an empty table.
	if n, err := db.ImportCSVFrom(strings.NewReader("id,name\n"), "hdr", dictdb.CSVOptions{}); err != nil || n != 0 {
		t.Fatalf("header only: %d %v", n, err)
	}
	if hdr, err := db.Table("hdr"); err != nil || hdr.Count() != 0 {
		t.Fatal("header-only table missing")
	}
	if _, err := db.ImportCSVFrom(strings.NewReader("a\n1\n"), "bad", dictdb.CSVOptions{Delimiter: '"'}); err == nil {
		t.Fatal("bad delimiter accepted")
	}
}

// TestImportCSVAtomic: a failed import leaves no table (Python leaves an
// empty one).
func TestImportCSVAtomic(t *testing.T) {
	db := dictdb.New()
	cases := map[string]struct {
		src  string
		opts dictdb.CSVOptions
		want error
	}{
		"schema":    {"id,age\n1,\n", dictdb.CSVOptions{Schema: []dictdb.Column{dictdb.Col("age", dictdb.Int)}}, dictdb.ErrSchema},
		"extra":     {"id,age,x\n1,2,3\n", dictdb.CSVOptions{Schema: []dictdb.Column{dictdb.Col("age", dictdb.Int)}}, dictdb.ErrSchema},
		"duplicate": {"id,name\n1,a\n1,b\n", dictdb.CSVOptions{}, dictdb.ErrDuplicateKey},
		"bad key":   {"id,name\n1.5,a\n", dictdb.CSVOptions{}, dictdb.ErrInvalidKey},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := db.ImportCSVFrom(strings.NewReader(c.src), name, c.opts); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if _, err := db.Table(name); !errors.Is(err, dictdb.ErrTableNotFound) {
				t.Fatal("a failed import left a table")
			}
		})
	}
}

// TestImportCSVStrict: by default a malformed file is an ErrCorrupt error
// naming the line, and nothing is imported; Lenient imports it as the
// Python DictDB does, losing what CSVOptions.Lenient says.
func TestImportCSVStrict(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		lenient   int // records imported with Lenient
	}{
		{"extra cell", "id,name,age\n1,a,3\n2,b\n3,c,5,extra\n", 4, 3},
		{"duplicate header", "id,a,a\n1,2,3\n", 1, 1},
		{"empty header name", "id,,b\n1,2,3\n", 1, 1},
		{"unterminated quote", "id,name\n1,a\n2,\"b\n3,c\n4,d\n", 3, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := dictdb.New()
			n, err := db.ImportCSVFrom(strings.NewReader(c.src), "t", dictdb.CSVOptions{})
			var ce *dictdb.CorruptError
			if !errors.Is(err, dictdb.ErrCorrupt) || !errors.As(err, &ce) || ce.Line != c.line || n != 0 {
				t.Fatalf("got %d, %v; want ErrCorrupt at line %d", n, err, c.line)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d", c.line)) {
				t.Fatalf("the message does not name line %d: %v", c.line, err)
			}
			if len(db.TableNames()) != 0 {
				t.Fatalf("a failed import left tables %v", db.TableNames())
			}
			n, err = db.ImportCSVFrom(strings.NewReader(c.src), "t", dictdb.CSVOptions{Lenient: true})
			if err != nil || n != c.lenient {
				t.Fatalf("lenient: got %d, %v; want %d", n, err, c.lenient)
			}
		})
	}
	// What Lenient keeps: the rightmost of two equal names, and not the
	// cells beyond the header.
	db := dictdb.New()
	if _, err := db.ImportCSVFrom(strings.NewReader("id,a,a\n1,2,3\n"), "dup", dictdb.CSVOptions{Lenient: true}); err != nil {
		t.Fatal(err)
	}
	dup, _ := db.Table("dup")
	if rec, _ := dup.Get(1); !reflect.DeepEqual(rec, dictdb.Record{"id": int64(1), "a": int64(3)}) {
		t.Fatalf("lenient duplicate header: got %v", rec)
	}
	// Short rows are imported in strict mode: the missing cells are
	// empty, which inference makes nil in a number column.
	n, err := db.ImportCSVFrom(strings.NewReader("id,name,age\n1,a,3\n2,b\n"), "short", dictdb.CSVOptions{})
	if err != nil || n != 2 {
		t.Fatalf("short rows: %d, %v", n, err)
	}
	short, _ := db.Table("short")
	if rec, _ := short.Get(2); !reflect.DeepEqual(rec, dictdb.Record{"id": int64(2), "name": "b", "age": nil}) {
		t.Fatalf("short row: got %v", rec)
	}
	// The file path variant fails the same way and leaves no table.
	p := writeFile(t, "bad.csv", "id,name\n1,a,b\n")
	if _, err := db.ImportCSV(p, "bad", dictdb.CSVOptions{}); !errors.Is(err, dictdb.ErrCorrupt) {
		t.Fatalf("ImportCSV: %v", err)
	}
	if slicesContain(db.TableNames(), "bad") {
		t.Fatal("a failed ImportCSV left a table")
	}
}

// TestCSVBadArguments: bad options and nil readers or writers are
// ErrInvalidArgument, not ErrInvalidRecord.
func TestCSVBadArguments(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for name, err := range map[string]error{
		"delimiter":       second(db.ImportCSVFrom(strings.NewReader("a\n1\n"), "x", dictdb.CSVOptions{Delimiter: '"'})),
		"nil reader":      second(db.ImportCSVFrom(nil, "x", dictdb.CSVOptions{})),
		"export path":     second(tb.ExportCSV("", dictdb.CSVOptions{})),
		"nil writer":      second(tb.WriteCSV(nil, dictdb.CSVOptions{})),
		"write delimiter": second(tb.WriteCSV(&sb, dictdb.CSVOptions{Delimiter: '\n'})),
		"empty name":      second(db.ImportCSVFrom(strings.NewReader("a\n1\n"), "", dictdb.CSVOptions{})),
		"empty pk":        second(db.ImportCSVFrom(strings.NewReader("a\n1\n"), "x", dictdb.CSVOptions{Schema: []dictdb.Column{dictdb.Col("", dictdb.Int)}})),
	} {
		if !errors.Is(err, dictdb.ErrInvalidArgument) || errors.Is(err, dictdb.ErrInvalidRecord) {
			t.Errorf("%s: got %v, want ErrInvalidArgument", name, err)
		}
	}
	if names := db.TableNames(); len(names) != 1 {
		t.Fatalf("tables %v", names)
	}
}

func second[T any](_ T, err error) error { return err }

func exportString(t *testing.T, tb *dictdb.Table, opts dictdb.CSVOptions) (string, int) {
	t.Helper()
	var sb strings.Builder
	n, err := tb.WriteCSV(&sb, opts)
	if err != nil {
		t.Fatal(err)
	}
	return sb.String(), n
}

func TestExportCSV(t *testing.T) {
	db := dictdb.New()
	tb, _ := db.CreateTable("t")
	_, err := tb.InsertMany([]dictdb.Record{
		{"name": "Alice, Jr.", "age": 30, "ok": true, "score": 100.0},
		{"name": `Say "Hello"`, "age": 25, "tags": []any{1, "a"}, "none": nil},
		{"name": "Bob", "small": 1e-7},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, n := exportString(t, tb, dictdb.CSVOptions{})
	want := "id,age,name,ok,score,none,tags,small\r\n" +
		"1,30,\"Alice, Jr.\",True,100.0,,,\r\n" +
		"2,25,\"Say \"\"Hello\"\"\",,,,\"[1, 'a']\",\r\n" +
		"3,,Bob,,,,,1e-07\r\n"
	if got != want || n != 3 {
		t.Fatalf("got %q (%d), want %q", got, n, want)
	}
	got, _ = exportString(t, tb, dictdb.CSVOptions{Columns: []string{"name", "email"}, Where: cond.Field("name").Ne("Bob"), Delimiter: ';'})
	if want := "name;email\r\nAlice, Jr.;\r\n\"Say \"\"Hello\"\"\";\r\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	got, n = exportString(t, tb, dictdb.CSVOptions{Records: []dictdb.Record{{"x": "Custom1"}}, Where: cond.Field("name").Eq("Bob")})
	if got != "x\r\nCustom1\r\n" || n != 1 {
		t.Fatalf("records: %q", got)
	}
	// Nothing to write and no columns: no file at all.
	empty, _ := db.CreateTable("empty")
	p := filepath.Join(t.TempDir(), "e.csv")
	if n, err := empty.ExportCSV(p, dictdb.CSVOptions{}); err != nil || n != 0 {
		t.Fatal(n, err)
	}
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("file created for an empty export")
	}
	if n, err := empty.ExportCSV(p, dictdb.CSVOptions{Columns: []string{"id", "name"}}); err != nil || n != 0 {
		t.Fatal(n, err)
	}
	if b, _ := os.ReadFile(p); string(b) != "id,name\r\n" {
		t.Fatalf("header only: %q", b)
	}
}

// TestCSVRoundTrip: import -> export -> import gives equal records.
func TestCSVRoundTrip(t *testing.T) {
	src := "id,name,age,note\n1,Alice,30,\"multi\nline\"\n2,\"Say \"\"Hi\"\"\",25,\n3,\"a,b\",,x\n"
	db := dictdb.New()
	if _, err := db.ImportCSVFrom(strings.NewReader(src), "a", dictdb.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	a, _ := db.Table("a")
	p := filepath.Join(t.TempDir(), "a.csv")
	if n, err := a.ExportCSV(p, dictdb.CSVOptions{Columns: []string{"id", "name", "age", "note"}}); err != nil || n != 3 {
		t.Fatal(n, err)
	}
	if _, err := db.ImportCSV(p, "b", dictdb.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	b, _ := db.Table("b")
	if !reflect.DeepEqual(a.Records(), b.Records()) {
		t.Fatalf("round trip:\n%v\n%v", a.Records(), b.Records())
	}
	// Special characters survive as strings without inference.
	if _, err := db.ImportCSV(p, "c", dictdb.CSVOptions{NoTypeInference: true}); err != nil {
		t.Fatal(err)
	}
	c, _ := db.Table("c")
	if rec, _ := c.Get("2"); rec["name"] != `Say "Hi"` {
		t.Fatalf("got %v", rec)
	}
}

func ExampleDB_SaveTo() {
	db := dictdb.New()
	users, _ := db.CreateTable("users", dictdb.WithSchema(dictdb.Col("name", dictdb.Str), dictdb.Col("score", dictdb.Float)))
	_, _ = users.Insert(dictdb.Record{"name": "Zoë", "score": 2})
	// The Python DictDB's layout; PythonCompatible leaves out dictdb's
	// extra keys (next_id, indexes).
	_ = db.SaveTo(os.Stdout, dictdb.JSON, dictdb.PythonCompatible())
	// Output:
	// {
	//     "tables": {
	//         "users": {
	//             "primary_key": "id",
	//             "schema": {"name": "str", "score": "float", "id": "int"},
	//             "records": [
	//                 {"id": 1, "name": "Zo\u00eb", "score": 2.0}
	//             ]
	//         }
	//     }
	// }
}

func ExampleLoadFrom() {
	src := `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"a": 1}, {"id": 7}, {"a": 2.5}]}}}`
	db, err := dictdb.LoadFrom(strings.NewReader(src), dictdb.Auto)
	if err != nil {
		panic(err)
	}
	t, _ := db.Table("t")
	for _, r := range t.Records() {
		fmt.Println(r)
	}
	// Output:
	// map[a:1 id:1]
	// map[id:7]
	// map[a:2.5 id:8]
}

func ExampleTable_WriteCSV() {
	db := dictdb.New()
	t, _ := db.CreateTable("t")
	_, _ = t.InsertMany([]dictdb.Record{{"name": "Alice, Jr.", "ok": true}, {"name": "Bob", "score": 1.0}})
	var sb strings.Builder
	_, _ = t.WriteCSV(&sb, dictdb.CSVOptions{})
	fmt.Print(strings.ReplaceAll(sb.String(), "\r\n", "\n")) // lines end with CRLF, as Python's csv writes them
	// Output:
	// id,name,ok,score
	// 1,"Alice, Jr.",True,
	// 2,Bob,,1.0
}

// TestExportCSVUnknownColumnWithSchema: with a schema, an export column the
// schema lacks is ErrInvalidQuery naming it, as in a query, and writes
// nothing; without a schema, records are open and the column is empty.
func TestExportCSVUnknownColumnWithSchema(t *testing.T) {
	db := dictdb.New()
	people, err := db.CreateTable("people", dictdb.WithSchema(dictdb.Col("id", dictdb.Int), dictdb.Col("name", dictdb.Str)))
	require.NoError(t, err)
	_, err = people.Insert(dictdb.Record{"id": 1, "name": "a"})
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = people.WriteCSV(&buf, dictdb.CSVOptions{Columns: []string{"name", "nmae"}})
	var qe *dictdb.QueryError
	require.ErrorIs(t, err, dictdb.ErrInvalidQuery)
	require.ErrorAs(t, err, &qe)
	require.Equal(t, "nmae", qe.Field)
	require.Zero(t, buf.Len())
	_, err = people.WriteCSV(&buf, dictdb.CSVOptions{Columns: []string{"id", "name"}})
	require.NoError(t, err)

	open, err := db.CreateTable("open")
	require.NoError(t, err)
	_, err = open.Insert(dictdb.Record{"name": "a"})
	require.NoError(t, err)
	buf.Reset()
	_, err = open.WriteCSV(&buf, dictdb.CSVOptions{Columns: []string{"name", "other"}})
	require.NoError(t, err)
	require.Equal(t, "name,other\r\na,\r\n", buf.String())
}

// TestImportCSVEmptyKeyWithoutInference: without type inference an empty
// primary-key cell is the string key "", so two of them clash and the
// import adds nothing.
func TestImportCSVEmptyKeyWithoutInference(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k.csv")
	if err := os.WriteFile(p, []byte("id,name\n,a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := dictdb.New()
	if _, err := db.ImportCSV(p, "one", dictdb.CSVOptions{NoTypeInference: true}); err != nil {
		t.Fatal(err)
	}
	one, _ := db.Table("one")
	if rec, ok := one.Get(""); !ok || rec["name"] != "a" {
		t.Fatalf("Get(\"\") = %v, %v", rec, ok)
	}
	if err := os.WriteFile(p, []byte("id,name\n,a\n,b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportCSV(p, "two", dictdb.CSVOptions{NoTypeInference: true}); !errors.Is(err, dictdb.ErrDuplicateKey) {
		t.Fatalf("got %v, want ErrDuplicateKey", err)
	}
	if _, err := db.Table("two"); !errors.Is(err, dictdb.ErrTableNotFound) {
		t.Fatalf("a failed import left table two: %v", err)
	}
}
