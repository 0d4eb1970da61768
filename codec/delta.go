package codec

// The delta file format: the Python DictDB's incremental backup document,
//
//	{
//	  "type": "delta",
//	  "timestamp": 1706123456.789012,
//	  "tables": {
//	    "users": {
//	      "upserts": [
//	        {"id": 1, "name": "Alice"}
//	      ],
//	      "deletes": [
//	        3
//	      ]
//	    }
//	  }
//	}
//
// with 2-space indentation and one record per line. Upserts are whole
// records; deletes are primary keys. The Python DictDB's apply_delta reads
// exactly these keys and ignores the others, which dictdb adds to make a
// chain of deltas verifiable and exact: "seq" and "base_seq" (the commit
// sequence numbers the delta goes from and to), "base" (the file name the
// delta applies on top of), and per table "next_id" (the next auto key),
// "created" (the table's metadata, when the table is new since the base),
// "indexes" (the table's index definitions in creation order, when they
// changed since the base: [{"field": ..., "kind": ..., "unique": ...}])
// and "dropped".
//
// The binary delta format (see WriteBinaryDelta) holds the same content and
// keeps every value kind exactly; ReadDelta reads both.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// A Delta is the content of a delta file.
type Delta struct {
	Timestamp float64 // seconds since the Unix epoch
	Seq       uint64  // the commit the delta brings the data to (0: unknown)
	BaseSeq   uint64  // the commit of the file it applies on top of
	Base      string  // the name of that file ("" for a Python delta)
	Tables    []DeltaTable
}

// A DeltaTable is one table's changes in a Delta.
type DeltaTable struct {
	Name    string
	Upserts []Record   // whole records, normalized
	Deletes []any      // primary keys: int64 or string
	Created *TableDump // set when the table is new since the base
	Dropped bool       // set when the table was dropped
	NextID  int64      // the table's next auto key after the delta (0: unknown)
	// HasIndexes is set when the table's index definitions changed since
	// the base; Indexes then lists them all, in creation order (possibly
	// none).
	HasIndexes bool
	Indexes    []IndexDump
}

// WriteDelta writes d in the delta file format.
func WriteDelta(w io.Writer, d *Delta) error {
	var b bytes.Buffer
	b.WriteString("{\n  \"type\": \"delta\",\n  \"timestamp\": ")
	b.Write(AppendPyFloat(nil, d.Timestamp))
	fmt.Fprintf(&b, ",\n  \"seq\": %d,\n  \"base_seq\": %d,\n  \"base\": ", d.Seq, d.BaseSeq)
	b.Write(appendPyString(nil, d.Base))
	b.WriteString(",\n  \"tables\": {")
	for i, t := range d.Tables {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		b.Write(appendPyString(nil, t.Name))
		b.WriteString(": {")
		if t.Created != nil {
			b.WriteString("\n      \"created\": ")
			if err := appendTableMeta(&b, t.Created); err != nil {
				return err
			}
			b.WriteByte(',')
		}
		if t.Dropped {
			b.WriteString("\n      \"dropped\": true,")
		}
		if t.NextID != 0 {
			fmt.Fprintf(&b, "\n      \"next_id\": %d,", t.NextID)
		}
		if t.HasIndexes {
			b.WriteString("\n      \"indexes\": ")
			line, err := AppendJSONValue(nil, indexList(t.Indexes))
			if err != nil {
				return err
			}
			b.Write(line)
			b.WriteByte(',')
		}
		b.WriteString("\n      \"upserts\": [")
		for j, rec := range t.Upserts {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n        ")
			line, err := appendJSONRecord(nil, rec)
			if err != nil {
				return err
			}
			b.Write(line)
		}
		b.WriteString("\n      ],\n      \"deletes\": [")
		for j, k := range t.Deletes {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n        ")
			line, err := AppendJSONValue(nil, k)
			if err != nil {
				return err
			}
			b.Write(line)
		}
		b.WriteString("\n      ]\n    }")
		if b.Len() > 1<<20 {
			if _, err := w.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	b.WriteString("\n  }\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func appendTableMeta(b *bytes.Buffer, t *TableDump) error {
	meta := map[string]any{"primary_key": t.PrimaryKey, "next_id": t.NextID}
	if t.Schema != nil {
		schema := make([]any, len(t.Schema))
		for i, f := range t.Schema {
			schema[i] = []any{f.Name, f.Type}
		}
		meta["schema"] = schema
	}
	meta["indexes"] = indexList(t.Indexes)
	line, err := AppendJSONValue(nil, meta)
	if err != nil {
		return err
	}
	b.Write(line)
	return nil
}

func indexList(xs []IndexDump) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = map[string]any{"field": x.Field, "kind": x.Kind, "unique": x.Unique}
	}
	return out
}

// ReadDelta reads a delta file written by WriteDelta, WriteBinaryDelta or
// the Python DictDB. Memory is bounded by the input's size. Problems are
// errors wrapping ErrCorrupt, among them a JSON delta that is not UTF-8
// text or has anything but white space after its document.
func ReadDelta(r io.Reader) (*Delta, error) {
	br := bufio.NewReader(r)
	if p, _ := br.Peek(len(BinaryDeltaMagic)); IsBinaryDelta(p) {
		return readBinaryDelta(br)
	}
	ur := &utf8Reader{r: br}
	dec := json.NewDecoder(ur)
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, errInvalidUTF8) {
			return nil, &CorruptError{Format: "delta", Offset: ur.passed, Msg: err.Error()}
		}
		return nil, deltaCorrupt(dec, "bad JSON", err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		if errors.Is(err, errInvalidUTF8) {
			return nil, &CorruptError{Format: "delta", Offset: ur.passed, Msg: err.Error()}
		}
		if err == nil {
			err = fmt.Errorf("found %v", tok)
		}
		return nil, deltaCorrupt(dec, "extra data after the delta", err)
	}
	if typ, _ := doc["type"].(string); typ != "delta" {
		return nil, deltaCorrupt(dec, `"type" is not "delta"`, ErrNotDelta)
	}
	if err := fromJSON(doc, 0); err != nil {
		return nil, deltaCorrupt(dec, "bad value", err)
	}
	d := &Delta{}
	var ok bool
	switch ts := doc["timestamp"].(type) {
	case float64:
		d.Timestamp = ts
	case int64:
		d.Timestamp = float64(ts)
	}
	if d.Seq, ok = uintField(doc, "seq"); !ok {
		return nil, deltaCorrupt(dec, "\"seq\" must be a non-negative integer", nil)
	}
	if d.BaseSeq, ok = uintField(doc, "base_seq"); !ok {
		return nil, deltaCorrupt(dec, "\"base_seq\" must be a non-negative integer", nil)
	}
	if base, present := doc["base"]; present {
		if d.Base, ok = base.(string); !ok {
			return nil, deltaCorrupt(dec, "\"base\" must be a string", nil)
		}
	}
	tables, ok := doc["tables"].(map[string]any)
	if !ok {
		return nil, deltaCorrupt(dec, "\"tables\" must be an object", nil)
	}
	for _, name := range sortedKeys(tables) {
		tm, ok := tables[name].(map[string]any)
		if !ok {
			return nil, deltaCorrupt(dec, "table "+strconv.Quote(name)+" must be an object", nil)
		}
		t, err := readDeltaTable(name, tm)
		if err != nil {
			return nil, deltaCorrupt(dec, "table "+strconv.Quote(name), err)
		}
		d.Tables = append(d.Tables, t)
	}
	return d, nil
}

func uintField(doc map[string]any, key string) (uint64, bool) {
	v, present := doc[key]
	if !present {
		return 0, true
	}
	i, ok := v.(int64)
	return uint64(i), ok && i >= 0
}

func readDeltaTable(name string, tm map[string]any) (DeltaTable, error) {
	t := DeltaTable{Name: name}
	if ups, present := tm["upserts"]; present {
		list, ok := ups.([]any)
		if !ok {
			return t, errors.New("\"upserts\" must be a list")
		}
		for _, u := range list {
			rec, ok := u.(map[string]any)
			if !ok {
				return t, errors.New("every upsert must be an object")
			}
			t.Upserts = append(t.Upserts, RecordOf(rec))
		}
	}
	if dels, present := tm["deletes"]; present {
		list, ok := dels.([]any)
		if !ok {
			return t, errors.New("\"deletes\" must be a list")
		}
		t.Deletes = list
	}
	if n, present := tm["next_id"]; present {
		i, ok := n.(int64)
		if !ok {
			return t, errors.New("\"next_id\" must be an integer")
		}
		t.NextID = i
	}
	if dropped, present := tm["dropped"]; present {
		b, ok := dropped.(bool)
		if !ok {
			return t, errors.New("\"dropped\" must be a boolean")
		}
		t.Dropped = b
	}
	if xs, present := tm["indexes"]; present {
		list, ok := xs.([]any)
		if !ok {
			return t, errors.New("\"indexes\" must be a list")
		}
		defs, err := readIndexList(list)
		if err != nil {
			return t, err
		}
		t.HasIndexes, t.Indexes = true, defs
	}
	if c, present := tm["created"]; present {
		meta, ok := c.(map[string]any)
		if !ok {
			return t, errors.New("\"created\" must be an object")
		}
		dump, err := readTableMeta(name, meta)
		if err != nil {
			return t, err
		}
		t.Created = dump
	}
	return t, nil
}

func readTableMeta(name string, meta map[string]any) (*TableDump, error) {
	d := &TableDump{Name: name, HasExtras: true}
	var ok bool
	if d.PrimaryKey, ok = meta["primary_key"].(string); !ok || d.PrimaryKey == "" {
		return nil, errors.New("\"created.primary_key\" must be a non-empty string")
	}
	if d.NextID, ok = meta["next_id"].(int64); !ok {
		return nil, errors.New("\"created.next_id\" must be an integer")
	}
	if s, present := meta["schema"]; present {
		list, ok := s.([]any)
		if !ok {
			return nil, errors.New("\"created.schema\" must be a list")
		}
		d.Schema = []SchemaField{}
		for _, f := range list {
			pair, ok := f.([]any)
			if !ok || len(pair) != 2 {
				return nil, errors.New("a schema field must be a [name, type] pair")
			}
			n, ok1 := pair[0].(string)
			typ, ok2 := pair[1].(string)
			if !ok1 || !ok2 || !validSchemaType(typ) {
				return nil, fmt.Errorf("bad schema field %v", pair)
			}
			d.Schema = append(d.Schema, SchemaField{Name: n, Type: typ})
		}
	}
	if xs, present := meta["indexes"]; present {
		list, ok := xs.([]any)
		if !ok {
			return nil, errors.New("\"created.indexes\" must be a list")
		}
		defs, err := readIndexList(list)
		if err != nil {
			return nil, err
		}
		d.Indexes = defs
	}
	return d, nil
}

func readIndexList(list []any) ([]IndexDump, error) {
	out := make([]IndexDump, 0, len(list))
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, errors.New("an index must be an object")
		}
		field, ok1 := m["field"].(string)
		kind, ok2 := m["kind"].(string)
		unique, ok3 := m["unique"].(bool)
		if !ok1 || !ok2 || !ok3 || field == "" || (kind != "hash" && kind != "sorted") {
			return nil, fmt.Errorf("bad index definition %v", m)
		}
		out = append(out, IndexDump{Field: field, Kind: kind, Unique: unique})
	}
	return out, nil
}

func deltaCorrupt(dec *json.Decoder, msg string, err error) error {
	return &CorruptError{Format: "delta", Offset: dec.InputOffset(), Msg: msg, Err: err}
}
