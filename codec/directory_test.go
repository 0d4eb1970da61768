package codec_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
)

// dirTables is sampleTables plus a table whose records miss fields, hold
// nulls and mix kinds in a field, over several records blocks.
func dirTables() []*dumpTable {
	ts := sampleTables()
	mixed := &dumpTable{Meta: codec.TableDump{Name: "mixed", PrimaryKey: "k", NextID: 9}}
	for i := range 800 {
		r := map[string]any{"k": int64(i), "pad": strings.Repeat("x", 100)}
		switch i % 4 {
		case 0:
			r["v"] = nil
		case 1:
			r["v"] = "s"
		case 2:
			r["v"] = 1.5
			r["only2"] = []any{}
		}
		mixed.Recs = append(mixed.Recs, r)
	}
	return append(ts, mixed)
}

// wantSummaries computes the directory of tables from their records.
func wantSummaries(tables []*dumpTable) []codec.TableSummary {
	var out []codec.TableSummary
	for _, t := range tables {
		s := codec.TableSummary{Table: t.Meta, Records: uint64(len(t.Recs))}
		s.Table.HasExtras = true
		if len(s.Table.Indexes) == 0 {
			s.Table.Indexes = nil
		}
		fields := map[string]*codec.FieldSummary{}
		for _, r := range t.Recs {
			for k, v := range r {
				f := fields[k]
				if f == nil {
					f = &codec.FieldSummary{Name: k}
					fields[k] = f
				}
				f.Kinds |= kindBit(v)
				if v != nil {
					f.NonNull++
				}
			}
		}
		for _, f := range fields {
			s.Fields = append(s.Fields, *f)
		}
		slices.SortFunc(s.Fields, func(a, b codec.FieldSummary) int { return strings.Compare(a.Name, b.Name) })
		out = append(out, s)
	}
	return out
}

// readDir reads the directory of data, with empty lists of fields and
// indexes made nil, as wantSummaries makes them.
// kindBit is the documented bit of v's kind in a KindSet.
func kindBit(v any) codec.KindSet {
	bit := map[string]uint{"<nil>": 0, "bool": 1, "int64": 2, "float64": 3, "string": 4, "[]uint8": 5,
		"time.Time": 6, "[]interface {}": 7, "map[string]interface {}": 8}[fmt.Sprintf("%T", v)]
	return 1 << bit
}

func readDir(data []byte) ([]codec.TableSummary, error) {
	dir, err := codec.ReadBinaryDirectory(bytes.NewReader(data), int64(len(data)))
	for i := range dir {
		if len(dir[i].Fields) == 0 {
			dir[i].Fields = nil
		}
		if len(dir[i].Table.Indexes) == 0 {
			dir[i].Table.Indexes = nil
		}
	}
	if dir != nil && len(dir) == 0 {
		dir = nil
	}
	return dir, err
}

// TestBinaryDirectory: the directory at the end of a file says what its
// tables hold, computed here independently from the records.
func TestBinaryDirectory(t *testing.T) {
	for _, tables := range [][]*dumpTable{dirTables(), nil} {
		data := encode(t, binFormat, tables)
		got, err := readDir(data)
		if err != nil {
			t.Fatal(err)
		}
		want := wantSummaries(tables)
		if len(got) != len(want) {
			t.Fatalf("%d tables, want %d", len(got), len(want))
		}
		for i := range want {
			if want[i].Table.Schema == nil {
				got[i].Table.Schema = nil
			}
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("table %d:\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}
	}
	for _, v := range everyKind() {
		if codec.KindsOf(v) != kindBit(v) {
			t.Fatalf("KindsOf(%#v) = %b, want %b", v, codec.KindsOf(v), kindBit(v))
		}
	}
}

// TestBinaryDirectoryOldVersions: files of versions 1 and 2 have no
// directory, which is not corruption.
func TestBinaryDirectoryOldVersions(t *testing.T) {
	for _, name := range []string{"testdata/sample_v1.bin", "testdata/sample_v2.bin"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := readDir(data); !errors.Is(err, codec.ErrNoDirectory) || errors.Is(err, codec.ErrCorrupt) {
			t.Fatalf("%s: %v, want ErrNoDirectory", name, err)
		}
	}
}

// TestBinaryDirectoryDamage: a flipped bit in the header, the directory or
// the end block, and every truncation, fail with a *CorruptError; a flip in
// the blocks the directory skips goes unseen by it (and is caught by a
// full decode).
func TestBinaryDirectoryDamage(t *testing.T) {
	data := encode(t, binFormat, dirTables())
	spans := blockSpans(data)
	dirAt := spans[len(spans)-2][0]
	want, err := readDir(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		if i >= 16 && i < dirAt-4 && i%97 != 0 {
			continue // a sample of the skipped blocks
		}
		for _, bit := range []byte{0x01, 0x80} {
			c := bytes.Clone(data)
			c[i] ^= bit
			got, err := readDir(c)
			var ce *codec.CorruptError
			switch {
			case i < 16 || i >= dirAt-4:
				if !errors.As(err, &ce) || !errors.Is(err, codec.ErrCorrupt) {
					t.Fatalf("flip %#x at %d (directory at %d): %v", bit, i, dirAt, err)
				}
			case err != nil || !reflect.DeepEqual(got, want):
				t.Fatalf("flip at %d, in a skipped block, changed the directory: %v", i, err)
			default:
				if _, err := decode(binFormat, c); !errors.Is(err, codec.ErrCorrupt) {
					t.Fatalf("flip at %d: the full decode missed it: %v", i, err)
				}
			}
		}
	}
	for n := range len(data) {
		if _, err := readDir(data[:n]); !errors.Is(err, codec.ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: %v", n, err)
		}
	}
}

// TestBinaryDirectorySpliced: the directory and end block of another file,
// even one holding an identical directory, fail: their checksums chain from
// the block before them in the file they were written for.
func TestBinaryDirectorySpliced(t *testing.T) {
	a := dirTables()
	b := dirTables()
	b[2].Recs[7]["pad"] = strings.Repeat("y", 100) // same directory, other bytes
	da, db := encode(t, binFormat, a), encode(t, binFormat, b)
	if len(da) != len(db) || bytes.Equal(da, db) {
		t.Fatal("the two files should differ in content only")
	}
	sa := blockSpans(da)
	dirAt := sa[len(sa)-2][0]
	if !bytes.Equal(da[dirAt:], db[dirAt:]) {
		// The tails differ only by the checksums: the directory payloads
		// are the same.
		if !bytes.Equal(da[dirAt:len(da)-25-4], db[dirAt:len(db)-25-4]) {
			t.Fatal("the directories differ")
		}
	}
	spliced := append(bytes.Clone(da[:dirAt]), db[dirAt:]...)
	if _, err := readDir(spliced); !errors.Is(err, codec.ErrCorrupt) {
		t.Fatalf("directory from another file: %v", err)
	}
	if _, err := decode(binFormat, spliced); !errors.Is(err, codec.ErrCorrupt) {
		t.Fatalf("full decode of a spliced directory: %v", err)
	}
}

// TestBinaryDirectoryMustMatch: a directory that disagrees with the tables
// fails a full decode even with every checksum right.
func TestBinaryDirectoryMustMatch(t *testing.T) {
	data := encode(t, binFormat, dirTables())
	spans := blockSpans(data)
	d := spans[len(spans)-2]
	// Bump the non-null count of the last table's field "only2", which
	// follows its name and kinds in the directory.
	payload := data[d[0]+5 : d[1]-4]
	at := bytes.LastIndex(payload, []byte("only2"))
	if at < 0 {
		t.Fatal("no field only2 in the directory")
	}
	c := bytes.Clone(data)
	_, k := binary.Uvarint(payload[at+len("only2"):]) // its kinds
	c[d[0]+5+at+len("only2")+k]++                     // its non-null count: 200 becomes 201
	c = reseal(c, codec.BinaryVersion)
	if got, err := readDir(c); err != nil || got[2].Fields[1].Name != "only2" || got[2].Fields[1].NonNull != 201 {
		t.Fatalf("resealed directory: %v %v", got, err)
	}
	_, err := decode(binFormat, c)
	var ce *codec.CorruptError
	if !errors.As(err, &ce) || ce.Offset != int64(d[0]) || !strings.Contains(err.Error(), "directory does not match") {
		t.Fatalf("decode = %v; want an error at the directory (offset %d)", err, d[0])
	}
}

// FuzzBinaryDirectory: reading a directory never panics, fails only with
// ErrCorrupt or ErrNoDirectory, and for a file that decodes in full it
// agrees with the tables decoded.
func FuzzBinaryDirectory(f *testing.F) {
	f.Add(encode(f, binFormat, sampleTables()))
	f.Add(encode(f, binFormat, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir, err := readDir(data)
		if err != nil && !errors.Is(err, codec.ErrCorrupt) && !errors.Is(err, codec.ErrNoDirectory) {
			t.Fatalf("error without ErrCorrupt: %v", err)
		}
		tables, derr := decode(binFormat, data)
		if derr != nil || binary.LittleEndian.Uint16(data[8:]) < 3 {
			return
		}
		if err != nil {
			t.Fatalf("the file decodes but its directory does not: %v", err)
		}
		want := wantSummaries(tables)
		if !reflect.DeepEqual(dir, want) {
			t.Fatalf("directory %+v, decoded %+v", dir, want)
		}
	})
}
