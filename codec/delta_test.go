package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestDeltaRoundTrip(t *testing.T) {
	d := &Delta{
		Timestamp: 1706123456.789012, Seq: 9, BaseSeq: 4, Base: "dictdb_backup_1_000000.json",
		Tables: []DeltaTable{
			{Name: "new", Created: &TableDump{Name: "new", PrimaryKey: "sku", NextID: 3,
				Schema:  []SchemaField{{Name: "sku", Type: "str"}, {Name: "p", Type: "float"}},
				Indexes: []IndexDump{{Field: "p", Kind: "sorted", Unique: true}}},
				Upserts: []Record{RecordOf(map[string]any{"sku": "a", "p": 1.0})}},
			{Name: "old", Dropped: true},
			{Name: "users", NextID: 12, Upserts: []Record{RecordOf(map[string]any{"id": int64(1), "name": "Ané", "tags": []any{int64(1), 2.5}})},
				Deletes: []any{int64(3), "k"}},
		},
	}
	var b bytes.Buffer
	if err := WriteDelta(&b, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\n  \"type\": \"delta\",\n") || !strings.Contains(b.String(), `"name": "An\u00e9"`) {
		t.Fatalf("unexpected layout:\n%s", b.String())
	}
	got, err := ReadDelta(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != 9 || got.BaseSeq != 4 || got.Base != d.Base || got.Timestamp != d.Timestamp || len(got.Tables) != 3 {
		t.Fatalf("header mismatch: %+v", got)
	}
	if c := got.Tables[0].Created; c == nil || c.PrimaryKey != "sku" || c.NextID != 3 || len(c.Schema) != 2 || !c.Indexes[0].Unique {
		t.Fatalf("created mismatch: %+v", got.Tables[0].Created)
	}
	if !got.Tables[1].Dropped {
		t.Fatal("dropped lost")
	}
	u := got.Tables[2]
	if u.NextID != 12 {
		t.Fatalf("next_id lost: %d", u.NextID)
	}
	if !EqualRecords(u.Upserts[0], d.Tables[2].Upserts[0]) || !Equal(u.Deletes, d.Tables[2].Deletes) {
		t.Fatalf("users mismatch: %+v", u)
	}
	if _, isInt := u.Upserts[0].Values()[0].(int64); !isInt {
		t.Fatal("integers must stay integers")
	}
}

func TestReadPythonDelta(t *testing.T) {
	py := `{
  "type": "delta",
  "timestamp": 1706123456.5,
  "tables": {
    "users": {
      "upserts": [
        {
          "id": 2,
          "name": "Bob"
        }
      ],
      "deletes": [
        1
      ]
    }
  }
}`
	d, err := ReadDelta(strings.NewReader(py))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Tables) != 1 || d.Tables[0].Upserts[0].Map()["name"] != "Bob" || d.Tables[0].Deletes[0] != int64(1) || d.Base != "" {
		t.Fatalf("got %+v", d)
	}
}

func TestReadDeltaRejects(t *testing.T) {
	bad := []string{
		``, `{`, `[]`, `{"type": "full", "tables": {}}`, `{"type": "delta"}`,
		`{"type": "delta", "tables": []}`, `{"type": "delta", "tables": {"t": []}}`,
		`{"type": "delta", "tables": {"t": {"upserts": {}}}}`, `{"type": "delta", "tables": {"t": {"upserts": [1]}}}`,
		`{"type": "delta", "seq": -1, "tables": {}}`, `{"type": "delta", "tables": {"t": {"deletes": 3}}}`,
		`{"type": "delta", "tables": {"t": {"created": {"primary_key": ""}}}}`,
		`{"type": "delta", "tables": {"t": {"upserts": [{"a": 1e999}]}}}`,
	}
	for _, in := range bad {
		_, err := ReadDelta(strings.NewReader(in))
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%q: got %v, want ErrCorrupt", in, err)
		}
	}
	_, err := ReadDelta(strings.NewReader(`{"type": "full", "tables": {}}`))
	if !errors.Is(err, ErrNotDelta) {
		t.Errorf("want ErrNotDelta, got %v", err)
	}
}
