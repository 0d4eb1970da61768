package codec_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/dictdb-go/dictdb/codec"
)

// TestReadCSVBareCarriageReturns reads files whose rows end with a bare
// "\r" (old Mac line ends, which some spreadsheets still export) as
// Python's csv module does: one row per line. encoding/csv alone kept the
// "\r" in a field and read the whole file as one header row, so an import
// reported success with no records. A "\r" inside quotes stays data, and
// "\r\n" is one line end, also when a read ends between the two bytes.
func TestReadCSVBareCarriageReturns(t *testing.T) {
	want := []map[string]any{
		{"id": int64(1), "a": "x", "b": "p\rq"},
		{"id": int64(2), "a": "y", "b": "r\r\ns"},
	}
	for _, src := range []string{
		"id,a,b\r1,x,\"p\rq\"\r2,y,\"r\r\ns\"\r",
		"id,a,b\r1,x,\"p\rq\"\r\n2,y,\"r\r\ns\"",
		"id,a,b\n1,x,\"p\rq\"\r\r2,y,\"r\r\ns\"\n",
	} {
		for _, opts := range []codec.CSVReadOptions{{}, {Lenient: true}} {
			cols, recs, err := codec.ReadCSV(strings.NewReader(src), opts)
			if err != nil {
				t.Fatalf("%q %+v: %v", src, opts, err)
			}
			if !reflect.DeepEqual(cols, []string{"id", "a", "b"}) || !reflect.DeepEqual(recs, fixCRLF(want)) {
				t.Fatalf("%q %+v: %q %#v", src, opts, cols, recs)
			}
			_, recs, err = codec.ReadCSV(iotest.OneByteReader(strings.NewReader(src)), opts)
			if err != nil || !reflect.DeepEqual(recs, fixCRLF(want)) {
				t.Fatalf("%q %+v, one byte at a time: %#v %v", src, opts, recs, err)
			}
		}
	}
}

// fixCRLF returns recs with "\r\n" inside fields read as "\n", as
// encoding/csv reads it (documented).
func fixCRLF(recs []map[string]any) []map[string]any {
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = map[string]any{}
		for k, v := range r {
			if s, ok := v.(string); ok {
				v = strings.ReplaceAll(s, "\r\n", "\n")
			}
			out[i][k] = v
		}
	}
	return out
}

// TestReadCSVRejectsInvalidUTF8: a cell or header name that is not UTF-8
// (a Latin-1 file, say) is ErrCorrupt with its line unless Lenient, which
// keeps the bytes as they are.
func TestReadCSVRejectsInvalidUTF8(t *testing.T) {
	for _, src := range []string{"id,name\n1,H\xe9lo\xefse\n", "id,n\xe4me\n1,x\n"} {
		_, _, err := codec.ReadCSV(strings.NewReader(src), codec.CSVReadOptions{})
		var ce *codec.CorruptError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "invalid UTF-8") {
			t.Fatalf("%q: %v", src, err)
		}
		at := strings.Index(src, "\xe9")
		if at < 0 {
			at = strings.Index(src, "\xe4")
		}
		if want := strings.Count(src[:at], "\n") + 1; ce.Line != want {
			t.Fatalf("%q: line %d, want %d", src, ce.Line, want)
		}
		cols, recs, err := codec.ReadCSV(strings.NewReader(src), codec.CSVReadOptions{Lenient: true})
		all := strings.Join(cols, ",") + fmt.Sprint(recs)
		if err != nil || len(recs) != 1 || !strings.Contains(all, "\xe4") && !strings.Contains(all, "\xe9") {
			t.Fatalf("%q lenient: %q %#v %v", src, cols, recs, err)
		}
	}
}
