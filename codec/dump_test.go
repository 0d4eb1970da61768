package codec_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
)

// dumpTable is one table of a dump as tests build and collect it.
type dumpTable struct {
	Meta codec.TableDump
	Recs []map[string]any
}

// collector is a Visitor that keeps everything.
type collector struct {
	tables []*dumpTable
	begun  bool
}

func (c *collector) BeginTable(t *codec.TableDump) error {
	if c.begun {
		return errors.New("BeginTable twice")
	}
	c.begun = true
	c.tables = append(c.tables, &dumpTable{Meta: *t})
	return nil
}

func (c *collector) Record(rec map[string]any) error {
	if !c.begun {
		return errors.New("Record outside a table")
	}
	t := c.tables[len(c.tables)-1]
	t.Recs = append(t.Recs, rec)
	return nil
}

func (c *collector) EndTable(t *codec.TableDump) error {
	if !c.begun {
		return errors.New("EndTable outside a table")
	}
	c.begun = false
	c.tables[len(c.tables)-1].Meta = *t
	return nil
}

// writeDump writes tables through w.
func writeDump(w codec.DumpWriter, tables []*dumpTable) error {
	for _, t := range tables {
		meta := t.Meta
		if err := w.BeginTable(&meta); err != nil {
			return err
		}
		for _, r := range t.Recs {
			if err := w.WriteRecord(codec.RecordOf(r)); err != nil {
				return err
			}
		}
		if err := w.EndTable(); err != nil {
			return err
		}
	}
	return w.Close()
}

type format struct {
	name   string
	writer func(io.Writer) codec.DumpWriter
	decode func(io.Reader, codec.Visitor) error
}

var formats = []format{
	{"json", func(w io.Writer) codec.DumpWriter { return codec.NewJSONWriter(w, codec.JSONOptions{}) }, codec.DecodeJSON},
	{"binary", func(w io.Writer) codec.DumpWriter { return codec.NewBinaryWriter(w) }, codec.DecodeBinary},
}

func encode(t testing.TB, f format, tables []*dumpTable) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := writeDump(f.writer(&buf), tables); err != nil {
		t.Fatalf("%s: write: %v", f.name, err)
	}
	return buf.Bytes()
}

func decode(f format, data []byte) ([]*dumpTable, error) {
	c := &collector{}
	err := f.decode(bytes.NewReader(data), c)
	return c.tables, err
}

// sampleTables holds every kind of value, a schema, indexes and an empty
// table.
func sampleTables() []*dumpTable {
	return []*dumpTable{
		{
			Meta: codec.TableDump{Name: "kinds", PrimaryKey: "id", NextID: 4,
				Indexes: []codec.IndexDump{{Field: "s", Kind: "hash"}, {Field: "i", Kind: "sorted", Unique: true}}},
			Recs: []map[string]any{
				{"id": int64(1), "n": nil, "b": true, "i": int64(-42), "f": 2.0, "s": "héllo \"q\" \\ \n\t😀"},
				{"id": int64(2), "l": []any{int64(1), 1.5, "x", nil, false, []any{}}, "m": map[string]any{"z": int64(1), "a": map[string]any{}}},
				{"id": int64(3), "small": 1e-7, "big": 1e20, "tenth": 0.1 + 0.2, "neg0": 0.0, "maxi": int64(1<<63 - 1)},
			},
		},
		{
			Meta: codec.TableDump{Name: "users", PrimaryKey: "uid", NextID: 1,
				Schema: []codec.SchemaField{{Name: "name", Type: "str"}, {Name: "age", Type: "int"}, {Name: "uid", Type: "int"}}},
		},
	}
}

func sameTables(a, b []*dumpTable) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d tables, want %d", len(a), len(b))
	}
	for i := range a {
		ma, mb := a[i].Meta, b[i].Meta
		ma.HasExtras, mb.HasExtras = false, false
		if !reflect.DeepEqual(ma, mb) {
			return fmt.Errorf("table %d: meta %+v, want %+v", i, ma, mb)
		}
		if len(a[i].Recs) != len(b[i].Recs) {
			return fmt.Errorf("table %d: %d records, want %d", i, len(a[i].Recs), len(b[i].Recs))
		}
		for j := range a[i].Recs {
			if !reflect.DeepEqual(a[i].Recs[j], b[i].Recs[j]) {
				return fmt.Errorf("table %d record %d: %#v, want %#v", i, j, a[i].Recs[j], b[i].Recs[j])
			}
		}
	}
	return nil
}

func TestRoundTripBothFormats(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			want := sampleTables()
			data := encode(t, f, want)
			got, err := decode(f, data)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameTables(got, want); err != nil {
				t.Fatal(err)
			}
			if again := encode(t, f, got); !bytes.Equal(again, data) {
				t.Fatalf("re-encoding differs:\n%s\n%s", data, again)
			}
		})
	}
}

func TestRecordKeys(t *testing.T) {
	got := codec.RecordKeys(map[string]any{"b": 1, "id": 2, "a": 3}, "id")
	if want := []string{"id", "a", "b"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	got = codec.RecordKeys(map[string]any{"b": 1, "a": 3}, "id")
	if want := []string{"a", "b"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestWriterStateErrors(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			w := f.writer(io.Discard)
			if err := w.WriteRecord(codec.RecordOf(map[string]any{"a": int64(1)})); err == nil {
				t.Fatal("WriteRecord outside a table succeeded")
			}
			w = f.writer(io.Discard)
			if err := w.BeginTable(&codec.TableDump{Name: "", PrimaryKey: "id"}); err == nil {
				t.Fatal("empty table name accepted")
			}
			w = f.writer(io.Discard)
			if err := w.BeginTable(&codec.TableDump{Name: "t", PrimaryKey: "id", Schema: []codec.SchemaField{{Name: "a", Type: "tuple"}}}); err == nil {
				t.Fatal("bad schema type accepted")
			}
			w = f.writer(io.Discard)
			_ = w.BeginTable(&codec.TableDump{Name: "t", PrimaryKey: "id"})
			if err := w.WriteRecord(codec.RecordOf(map[string]any{"a": struct{}{}})); !errors.Is(err, codec.ErrUnsupportedValue) {
				t.Fatalf("unsupported value: %v", err)
			}
			if err := w.Close(); err == nil {
				t.Fatal("writer kept going after an error")
			}
		})
	}
}

func TestCorruptErrorMessage(t *testing.T) {
	e := &codec.CorruptError{Format: "json", Offset: 12, Line: 3, Msg: "bad", Err: io.ErrUnexpectedEOF}
	if got, want := e.Error(), "corrupt json file at line 3 (offset 12): bad: unexpected EOF"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !errors.Is(e, codec.ErrCorrupt) || !errors.Is(e, io.ErrUnexpectedEOF) {
		t.Fatal("CorruptError does not wrap both errors")
	}
}

// TestCorruptErrorSaysTheContextOnce: an underlying error that names the
// table already is not prefixed with it again.
func TestCorruptErrorSaysTheContextOnce(t *testing.T) {
	inner := errors.New(`dictdb: table "users": record 1: duplicate key`)
	e := &codec.CorruptError{Format: "json", Offset: 5, Line: 2, Msg: `table "users"`, Err: inner}
	if got, want := e.Error(), `corrupt json file at line 2 (offset 5): dictdb: table "users": record 1: duplicate key`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	e.Err = errors.New("unexpected EOF")
	if got, want := e.Error(), `corrupt json file at line 2 (offset 5): table "users": unexpected EOF`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
