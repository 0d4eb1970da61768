package codec

// The binary delta format: the content of a Delta in the binary format's
// value encoding, so that every value kind comes back exactly ([]byte,
// time.Time, strings that are not valid UTF-8, int64 vs float64).
//
//	magic "\x89DDELTA\n" | version uint16 LE (1)
//	| seq uvarint | base_seq uvarint | base string | timestamp float64 LE
//	| table count uvarint, then per table:
//	    name string | flags byte (1 dropped, 2 created, 4 indexes)
//	    | [created: primary key, schema, next auto key and indexes, as in a
//	      binary dump's table block]
//	    | [indexes: count uvarint, then field string, kind string, unique byte]
//	    | next_id varint
//	    | upsert count uvarint, then each record as a map value
//	    | delete count uvarint, then each key as a value
//
// Strings are length-prefixed bytes and values use the binary format's tags
// (see binary.go). The format carries no checksum of its own: the backup
// files that hold it end with one over their whole content.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// BinaryDeltaMagic is the first 8 bytes of every binary delta.
const BinaryDeltaMagic = "\x89DDELTA\n"

// BinaryDeltaVersion is the binary delta format version this package writes
// and reads.
const BinaryDeltaVersion = 1

const (
	deltaDropped byte = 1 << iota
	deltaCreated
	deltaIndexes
)

// IsBinaryDelta reports whether prefix (at least the first 8 bytes of a
// file) starts like a binary delta.
func IsBinaryDelta(prefix []byte) bool {
	return len(prefix) >= len(BinaryDeltaMagic) && string(prefix[:len(BinaryDeltaMagic)]) == BinaryDeltaMagic
}

// WriteBinaryDelta writes d in the binary delta format.
func WriteBinaryDelta(w io.Writer, d *Delta) error {
	b, err := appendBinaryDelta(nil, d, func(b []byte) ([]byte, error) {
		if _, err := w.Write(b); err != nil {
			return b, err
		}
		return b[:0], nil
	})
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// AppendBinaryDelta appends d in the binary delta format to dst: what
// WriteBinaryDelta writes, in memory (a write-ahead log frame's payload).
func AppendBinaryDelta(dst []byte, d *Delta) ([]byte, error) {
	return appendBinaryDelta(dst, d, nil)
}

// DecodeBinaryDelta decodes a binary delta held in b, which it does not
// keep. A damaged delta gives a *CorruptError wrapping ErrCorrupt.
func DecodeBinaryDelta(b []byte) (*Delta, error) {
	br := &binReader{intern: make(map[string]string)}
	out, err := decodeBinaryDelta(&dec{b: b, br: br})
	if err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) {
			ce.Format = "binary delta"
		}
		return nil, err
	}
	return out, nil
}

// appendBinRecord appends rec as a map value, its fields in the record's
// order, without copying it into a map first.
func appendBinRecord(b []byte, rec Record) ([]byte, error) {
	s, vals := rec.Shape(), rec.Values()
	b = binary.AppendUvarint(append(b, tagMap), uint64(len(vals)))
	var err error
	for i, v := range vals {
		b = appendKey(b, s.names[i], nil)
		if b, err = appendBinValue(b, v, 1, nil); err != nil {
			return b, fmt.Errorf("field %q: %w", s.names[i], err)
		}
	}
	return b, nil
}

// appendBinaryDelta appends d to b; flush, if not nil, is called whenever
// b passes 1 MiB and returns the buffer to go on with.
func appendBinaryDelta(b []byte, d *Delta, flush func([]byte) ([]byte, error)) ([]byte, error) {
	b = append(b, BinaryDeltaMagic...)
	b = binary.LittleEndian.AppendUint16(b, BinaryDeltaVersion)
	b = binary.AppendUvarint(b, d.Seq)
	b = binary.AppendUvarint(b, d.BaseSeq)
	b = appendStr(b, d.Base)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(d.Timestamp))
	b = binary.AppendUvarint(b, uint64(len(d.Tables)))
	var err error
	for _, t := range d.Tables {
		b = appendStr(b, t.Name)
		var flags byte
		if t.Dropped {
			flags |= deltaDropped
		}
		if t.Created != nil {
			flags |= deltaCreated
		}
		if t.HasIndexes {
			flags |= deltaIndexes
		}
		b = append(b, flags)
		if t.Created != nil {
			c := *t.Created
			c.Name = t.Name
			if err := validateDump(&c); err != nil {
				return b, err
			}
			b = appendTableMetaBinary(b, &c)
		}
		if t.HasIndexes {
			b = appendIndexesBinary(b, t.Indexes)
		}
		b = binary.AppendVarint(b, t.NextID)
		b = binary.AppendUvarint(b, uint64(len(t.Upserts)))
		for _, rec := range t.Upserts {
			if b, err = appendBinRecord(b, rec); err != nil {
				return b, fmt.Errorf("codec: table %q: %w", t.Name, err)
			}
		}
		b = binary.AppendUvarint(b, uint64(len(t.Deletes)))
		for _, k := range t.Deletes {
			if b, err = appendBinValue(b, k, 0, nil); err != nil {
				return b, fmt.Errorf("codec: table %q: %w", t.Name, err)
			}
		}
		if flush != nil && len(b) > 1<<20 {
			if b, err = flush(b); err != nil {
				return b, err
			}
		}
	}
	return b, nil
}

// readBinaryDelta decodes a binary delta. It reads the whole input, so
// memory is bounded by the input's size.
func readBinaryDelta(r io.Reader) (*Delta, error) {
	all, err := io.ReadAll(r)
	if err != nil {
		return nil, &CorruptError{Format: "binary delta", Offset: -1, Msg: "reading", Err: err}
	}
	br := &binReader{intern: make(map[string]string)}
	d := &dec{b: all, br: br}
	out, err := decodeBinaryDelta(d)
	if err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) {
			ce.Format = "binary delta"
		}
		return nil, err
	}
	return out, nil
}

func decodeBinaryDelta(d *dec) (*Delta, error) {
	n := len(BinaryDeltaMagic)
	if len(d.b) < n+2 || !IsBinaryDelta(d.b) {
		return nil, d.fail("not a dictdb binary delta (bad magic)")
	}
	if v := binary.LittleEndian.Uint16(d.b[n:]); v != BinaryDeltaVersion {
		return nil, d.fail("unsupported version %d (this build reads %d)", v, BinaryDeltaVersion)
	}
	d.pos = n + 2
	out := &Delta{}
	var err error
	if out.Seq, err = d.uvarint("seq"); err != nil {
		return nil, err
	}
	if out.BaseSeq, err = d.uvarint("base seq"); err != nil {
		return nil, err
	}
	if out.Base, err = d.str("base"); err != nil {
		return nil, err
	}
	if len(d.b)-d.pos < 8 {
		return nil, d.fail("truncated timestamp")
	}
	out.Timestamp = math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.pos:]))
	d.pos += 8
	if math.IsNaN(out.Timestamp) || math.IsInf(out.Timestamp, 0) {
		return nil, d.fail("bad timestamp")
	}
	tables, err := d.count("table count", 4)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, prealloc(tables))
	for range tables {
		t, err := decodeDeltaTable(d)
		if err != nil {
			return nil, err
		}
		if seen[t.Name] {
			return nil, d.fail("table %q appears twice", t.Name)
		}
		seen[t.Name] = true
		out.Tables = append(out.Tables, t)
	}
	if err := d.finish("delta"); err != nil {
		return nil, err
	}
	return out, nil
}

func decodeDeltaTable(d *dec) (DeltaTable, error) {
	var t DeltaTable
	var err error
	if t.Name, err = d.str("table name"); err != nil {
		return t, err
	}
	if t.Name == "" {
		return t, d.fail("empty table name")
	}
	flags, err := d.byte("table flags")
	if err != nil {
		return t, err
	}
	if flags&^(deltaDropped|deltaCreated|deltaIndexes) != 0 {
		return t, d.fail("table %q: unknown flags %#x", t.Name, flags)
	}
	t.Dropped = flags&deltaDropped != 0
	if flags&deltaCreated != 0 {
		if t.Created, err = d.tableDump(); err != nil {
			return t, err
		}
		if t.Created.Name != t.Name {
			return t, d.fail("table %q: created as %q", t.Name, t.Created.Name)
		}
	}
	if flags&deltaIndexes != 0 {
		n, err := d.count("index count", 3)
		if err != nil {
			return t, err
		}
		t.HasIndexes, t.Indexes = true, make([]IndexDump, 0, prealloc(n))
		for range n {
			var x IndexDump
			if x.Field, err = d.str("index field"); err != nil {
				return t, err
			}
			if x.Kind, err = d.str("index kind"); err != nil {
				return t, err
			}
			u, err := d.byte("index unique flag")
			if err != nil {
				return t, err
			}
			if x.Field == "" || (x.Kind != "hash" && x.Kind != "sorted") || u > 1 {
				return t, d.fail("table %q: bad index definition", t.Name)
			}
			x.Unique = u == 1
			t.Indexes = append(t.Indexes, x)
		}
	}
	if t.NextID, err = d.varint("next id"); err != nil {
		return t, err
	}
	if t.NextID < 0 {
		return t, d.fail("table %q: negative next id", t.Name)
	}
	n, err := d.count("upsert count", 2)
	if err != nil {
		return t, err
	}
	for range n {
		tag, err := d.byte("upsert")
		if err != nil {
			return t, err
		}
		if tag != tagMap {
			return t, d.fail("table %q: an upsert must be a map", t.Name)
		}
		m, err := d.mapBody(0)
		if err != nil {
			return t, err
		}
		t.Upserts = append(t.Upserts, RecordOf(m))
	}
	if n, err = d.count("delete count", 2); err != nil {
		return t, err
	}
	for range n {
		k, err := d.value(1)
		if err != nil {
			return t, err
		}
		switch k.(type) {
		case int64, string:
		default:
			return t, d.fail("table %q: a deleted key must be an integer or a string", t.Name)
		}
		t.Deletes = append(t.Deletes, k)
	}
	return t, nil
}
