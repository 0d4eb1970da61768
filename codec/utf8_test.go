package codec_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/dictdb-go/dictdb/codec"
)

// TestDecodeJSONRejectsInvalidUTF8 puts bytes that are not UTF-8 in every
// part of a JSON dump (a table name, a key, a value, metadata, after a long
// run of valid multibyte text that crosses every read boundary, a sequence
// cut short at the end): each load fails with ErrCorrupt at the bad byte,
// instead of reading it as U+FFFD. Valid text loads the same whatever the
// reads' sizes.
func TestDecodeJSONRejectsInvalidUTF8(t *testing.T) {
	long := strings.Repeat("é€𝄞", 20000) // 180 KB of 2-, 3- and 4-byte sequences
	doc := `{"tables": {"tX": {"primary_key": "id", "schema": null, "indexes": [], "records": [{"id": 1, "kX": "vX", "long": "` +
		long + `X"}]}}}`
	valid := strings.ReplaceAll(doc, "X", "ü")
	{
		read := bytes.NewReader
		c := &collector{}
		if err := codec.DecodeJSON(read([]byte(valid)), c); err != nil {
			t.Fatal(err)
		}
		if got := c.tables[0].Recs[0]["long"]; got != long+"ü" {
			t.Fatal("valid text changed")
		}
		c = &collector{}
		if err := codec.DecodeJSON(iotest.OneByteReader(read([]byte(valid))), c); err != nil {
			t.Fatal("one byte at a time:", err)
		}
		if got := c.tables[0].Recs[0]["long"]; got != long+"ü" {
			t.Fatal("valid text changed, one byte at a time")
		}
	}
	for _, bad := range []string{"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"} {
		for i := range strings.Count(doc, "X") {
			// Replace the i-th X by the bad bytes, the others by "ü".
			parts := strings.Split(doc, "X")
			var b strings.Builder
			at := -1
			for j, p := range parts {
				b.WriteString(p)
				switch {
				case j == len(parts)-1:
				case j == i:
					at = b.Len()
					b.WriteString(bad)
				default:
					b.WriteString("ü")
				}
			}
			in := b.String()
			for _, r := range []func() io.Reader{
				func() io.Reader { return strings.NewReader(in) },
				func() io.Reader { return iotest.HalfReader(strings.NewReader(in)) },
			} {
				err := codec.DecodeJSON(r(), &collector{})
				var ce *codec.CorruptError
				if !errors.As(err, &ce) || !errors.Is(err, codec.ErrCorrupt) || !strings.Contains(err.Error(), "invalid UTF-8") {
					t.Fatalf("%q at X %d: %v", bad, i, err)
				}
				if ce.Offset != int64(at) {
					t.Fatalf("%q at X %d: offset %d, want %d", bad, i, ce.Offset, at)
				}
			}
		}
	}
	// Cut short at the end of the input, and after a byte-order mark.
	cut := []byte(valid[:len(valid)-7] + "\xf0\x9d")
	if err := codec.DecodeJSON(bytes.NewReader(cut), &collector{}); !errors.Is(err, codec.ErrCorrupt) {
		t.Fatal(err)
	}
	bom := "\xef\xbb\xbf" + strings.Replace(doc, "X", "\xff", 1)
	var ce *codec.CorruptError
	if err := codec.DecodeJSON(strings.NewReader(bom), &collector{}); !errors.As(err, &ce) || ce.Offset != int64(strings.Index(bom, "\xff")) {
		t.Fatalf("after a BOM: %v", err)
	}
}

// TestReadDeltaRejectsInvalidUTF8AndExtraData: a JSON delta with bytes that
// are not UTF-8, or with data after its document (two deltas run
// together), is ErrCorrupt instead of read in part or altered.
func TestReadDeltaRejectsInvalidUTF8AndExtraData(t *testing.T) {
	d := `{"type": "delta", "timestamp": 1.5, "tables": {"t": {"upserts": [{"id": 1, "v": "X"}], "deletes": []}}}`
	got, err := codec.ReadDelta(strings.NewReader(strings.Replace(d, "X", "ü", 1) + "\n"))
	if err != nil || got.Tables[0].Upserts[0].Map()["v"] != "ü" {
		t.Fatalf("valid delta: %v", err)
	}
	in := strings.Replace(d, "X", "\xe9", 1)
	var ce *codec.CorruptError
	if _, err := codec.ReadDelta(strings.NewReader(in)); !errors.As(err, &ce) || ce.Offset != int64(strings.Index(in, "\xe9")) {
		t.Fatalf("invalid UTF-8: %v", err)
	}
	for _, extra := range []string{d, "x", "}", "\n\xff"} {
		if _, err := codec.ReadDelta(strings.NewReader(d + "\n" + extra)); !errors.Is(err, codec.ErrCorrupt) {
			t.Fatalf("extra %q: %v", extra, err)
		}
	}
}
