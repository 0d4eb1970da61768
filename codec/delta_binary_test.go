package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func sampleDelta() *Delta {
	return &Delta{
		Timestamp: 1706123456.789012, Seq: 9, BaseSeq: 4, Base: "dictdb_backup_1_000000.bin",
		Tables: []DeltaTable{
			{Name: "new", Created: &TableDump{Name: "new", PrimaryKey: "sku", NextID: 3,
				Schema:  []SchemaField{{Name: "sku", Type: "str"}, {Name: "p", Type: "float"}},
				Indexes: []IndexDump{{Field: "p", Kind: "sorted", Unique: true}}},
				Upserts: []Record{RecordOf(map[string]any{"sku": "a", "p": 1.0})}},
			{Name: "old", Dropped: true},
			{Name: "users", NextID: 12, HasIndexes: true, Indexes: []IndexDump{{Field: "b", Kind: "hash"}},
				Upserts: []Record{RecordOf(map[string]any{
					"id": int64(1), "when": time.Unix(7, 8).UTC(), "blob": []byte{0, 0xff},
					"bad": "a\xffb", "f": 2.0, "l": []any{map[string]any{"t": time.Unix(1, 2).UTC()}},
				})},
				Deletes: []any{int64(3), "k"}},
			{Name: "unindexed", HasIndexes: true, Indexes: []IndexDump{}},
		},
	}
}

func TestBinaryDeltaRoundTripKeepsKinds(t *testing.T) {
	d := sampleDelta()
	var b bytes.Buffer
	if err := WriteBinaryDelta(&b, d); err != nil {
		t.Fatal(err)
	}
	if !IsBinaryDelta(b.Bytes()) {
		t.Fatal("no magic")
	}
	got, err := ReadDelta(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != 9 || got.BaseSeq != 4 || got.Base != d.Base || got.Timestamp != d.Timestamp || len(got.Tables) != 4 {
		t.Fatalf("header mismatch: %+v", got)
	}
	if c := got.Tables[0].Created; c == nil || c.PrimaryKey != "sku" || c.NextID != 3 || len(c.Schema) != 2 || !c.Indexes[0].Unique {
		t.Fatalf("created mismatch: %+v", got.Tables[0].Created)
	}
	if !got.Tables[1].Dropped {
		t.Fatal("dropped lost")
	}
	u := got.Tables[2]
	if u.NextID != 12 || !u.HasIndexes || len(u.Indexes) != 1 || u.Indexes[0] != (IndexDump{Field: "b", Kind: "hash"}) {
		t.Fatalf("users metadata mismatch: %+v", u)
	}
	want := d.Tables[2].Upserts[0].Map()
	gotRec := u.Upserts[0].Map()
	if !Equal(want, gotRec) {
		t.Fatalf("record mismatch: %v vs %v", gotRec, want)
	}
	if _, ok := gotRec["when"].(time.Time); !ok {
		t.Fatalf("time lost: %T", gotRec["when"])
	}
	if _, ok := gotRec["blob"].([]byte); !ok {
		t.Fatalf("bytes lost: %T", gotRec["blob"])
	}
	if gotRec["bad"] != "a\xffb" {
		t.Fatalf("invalid UTF-8 lost: %q", gotRec["bad"])
	}
	if _, ok := gotRec["f"].(float64); !ok {
		t.Fatalf("float lost: %T", gotRec["f"])
	}
	if !Equal(u.Deletes, d.Tables[2].Deletes) {
		t.Fatalf("deletes mismatch: %v", u.Deletes)
	}
	if x := got.Tables[3]; !x.HasIndexes || len(x.Indexes) != 0 {
		t.Fatalf("an empty index list must stay present: %+v", x)
	}
}

func TestBinaryDeltaRejectsDamage(t *testing.T) {
	var b bytes.Buffer
	if err := WriteBinaryDelta(&b, sampleDelta()); err != nil {
		t.Fatal(err)
	}
	full := b.Bytes()
	for n := range len(full) {
		if _, err := ReadDelta(bytes.NewReader(full[:n])); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: got %v, want ErrCorrupt", n, err)
		}
	}
	if _, err := ReadDelta(bytes.NewReader(append(full, 0))); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("trailing byte: got %v", err)
	}
	for i := range full { // never a panic; the backup checksum catches the rest
		c := bytes.Clone(full)
		c[i] ^= 0x41
		ReadDelta(bytes.NewReader(c))
	}
}

func TestJSONDeltaIndexes(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDelta(&b, sampleDelta()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"indexes": [{"field": "b", "kind": "hash", "unique": false}],`) {
		t.Fatalf("unexpected layout:\n%s", b.String())
	}
	got, err := ReadDelta(&b)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]DeltaTable{}
	for _, dt := range got.Tables {
		byName[dt.Name] = dt
	}
	if u := byName["users"]; !u.HasIndexes || len(u.Indexes) != 1 {
		t.Fatalf("indexes lost: %+v", u)
	}
	if x := byName["unindexed"]; !x.HasIndexes || len(x.Indexes) != 0 {
		t.Fatalf("an empty index list must stay present: %+v", x)
	}
	if byName["new"].HasIndexes {
		t.Fatal("no index list where none was written")
	}
	_, err = ReadDelta(strings.NewReader(`{"type": "delta", "tables": {"t": {"indexes": [{"field": "a", "kind": "btree", "unique": false}]}}}`))
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("bad index kind: got %v", err)
	}
}
