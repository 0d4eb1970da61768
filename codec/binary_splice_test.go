package codec_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"strings"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// blockSpans returns the start and end offsets of each whole block after
// the header of a binary file, read from the length fields alone.
func blockSpans(data []byte) [][2]int {
	var spans [][2]int
	for at := 16; at+5 <= len(data); {
		end := at + 5 + int(binary.LittleEndian.Uint32(data[at+1:])) + 4
		if end > len(data) {
			break
		}
		spans = append(spans, [2]int{at, end})
		at = end
	}
	return spans
}

// reseal returns data as a file of format version ver with every checksum
// recomputed: in version 1 each block's covers the block alone, in
// version 2 each covers every byte before it but the earlier checksums.
func reseal(data []byte, ver uint16) []byte {
	data = bytes.Clone(data)
	binary.LittleEndian.PutUint16(data[8:], ver)
	binary.LittleEndian.PutUint32(data[12:], crc32.Checksum(data[:12], castagnoli))
	covered := bytes.Clone(data[:12]) // the file without its checksums
	for _, s := range blockSpans(data) {
		crcAt := s[1] - 4
		covered = append(covered, data[s[0]:crcAt]...)
		sum := crc32.Checksum(data[s[0]:crcAt], castagnoli)
		if ver >= 2 {
			sum = crc32.Checksum(covered, castagnoli)
		}
		binary.LittleEndian.PutUint32(data[crcAt:], sum)
	}
	return data
}

// withoutDirectory returns a version 3 file in the block layout of the
// versions before it: without its directory block, and with an end block
// holding only the table count, as a uvarint. Its checksums are left for
// reseal.
func withoutDirectory(data []byte) []byte {
	spans := blockSpans(data)
	dir, end := spans[len(spans)-2], spans[len(spans)-1]
	if data[dir[0]] != 'D' || data[end[0]] != 'Z' {
		panic("not a version 3 file")
	}
	tables := binary.LittleEndian.Uint64(data[end[0]+5+8:])
	out := bytes.Clone(data[:dir[0]])
	payload := binary.AppendUvarint(nil, tables)
	out = append(out, 'Z')
	out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)))
	out = append(out, payload...)
	return append(out, 0, 0, 0, 0)
}

// spliceFile is three tables with two full records blocks each holding the
// same number of records, a shorter last block, and the same metadata but
// for the name: a file whose blocks can be exchanged between tables
// without any count or structure giving the exchange away.
func spliceFile(t *testing.T) []byte {
	var tables []*dumpTable
	for i, name := range []string{"a", "b", "c"} {
		d := &dumpTable{Meta: codec.TableDump{Name: name, PrimaryKey: "id", NextID: 301}}
		for k := range 300 {
			d.Recs = append(d.Recs, map[string]any{"id": int64(k + 1), "v": strings.Repeat(string(rune('a'+i)), 500)})
		}
		tables = append(tables, d)
	}
	return encode(t, binFormat, tables)
}

// blockKinds lists each block's kind and record count, for messages.
func blockKinds(data []byte, spans [][2]int) []string {
	var out []string
	for _, s := range spans {
		k := string(data[s[0]])
		if k == "R" {
			n, _ := binary.Uvarint(data[s[0]+5:])
			k += fmt.Sprint(n)
		}
		out = append(out, k)
	}
	return out
}

// TestBinarySplicedBlocks: every pairwise swap of two blocks, every
// duplication of a block at every position, and every deletion of a block
// fails with a *CorruptError at the offset of the first block out of
// place, even though every block is intact on its own and records blocks
// of equal record counts exist in every table.
func TestBinarySplicedBlocks(t *testing.T) {
	data := spliceFile(t)
	spans := blockSpans(data)
	kinds := blockKinds(data, spans)
	t.Logf("%d blocks: %v", len(spans), kinds)
	counts := map[string]int{}
	for _, k := range kinds {
		counts[k]++
	}
	if len(spans) < 3*4+1 || counts["T"] != 3 {
		t.Fatalf("the file has too few blocks to test with: %v", kinds)
	}
	if same := counts[kinds[1]]; same < 6 {
		t.Fatalf("want at least two records blocks of equal count per table: %v", kinds)
	}
	if _, err := decode(binFormat, data); err != nil {
		t.Fatal(err)
	}
	block := func(i int) []byte { return data[spans[i][0]:spans[i][1]] }
	join := func(order []int) []byte {
		out := bytes.Clone(data[:16])
		for _, i := range order {
			out = append(out, block(i)...)
		}
		return out
	}
	ordered := func() []int {
		o := make([]int, len(spans))
		for i := range o {
			o[i] = i
		}
		return o
	}
	// check expects the variant made of the blocks in order to fail at
	// the start of position pos.
	tried := 0
	check := func(what string, order []int, pos int) {
		t.Helper()
		c := join(order)
		if bytes.Equal(c, data) {
			return
		}
		tried++
		want := 16
		for _, i := range order[:pos] {
			want += spans[i][1] - spans[i][0]
		}
		got, err := decode(binFormat, c)
		var ce *codec.CorruptError
		switch {
		case err == nil:
			t.Errorf("%s (blocks %v) loaded without error: %d tables", what, order, len(got))
		case !errors.Is(err, codec.ErrCorrupt) || !errors.As(err, &ce):
			t.Errorf("%s: error without ErrCorrupt: %v", what, err)
		case ce.Offset != int64(want):
			t.Errorf("%s: error at offset %d, want %d (the first block out of place): %v", what, ce.Offset, want, err)
		}
	}
	for i := range spans {
		for j := i + 1; j < len(spans); j++ {
			o := ordered()
			o[i], o[j] = o[j], o[i]
			check(fmt.Sprintf("swap of blocks %d (%s) and %d (%s)", i, kinds[i], j, kinds[j]), o, i)
		}
	}
	for i := range spans {
		for p := 0; p <= len(spans); p++ {
			o := ordered()
			o = append(o[:p], append([]int{i}, o[p:]...)...)
			pos := p
			if p == i {
				pos = i + 1 // the copy and the original look alike: the second is out of place
			}
			check(fmt.Sprintf("copy of block %d (%s) at position %d", i, kinds[i], p), o, pos)
		}
	}
	for i := range spans {
		o := ordered()
		o = append(o[:i], o[i+1:]...)
		check(fmt.Sprintf("deletion of block %d (%s)", i, kinds[i]), o, i)
	}
	if want := len(spans)*(len(spans)-1)/2 + len(spans)*len(spans) + len(spans); tried < want {
		t.Fatalf("tried %d variants, want %d", tried, want)
	}
}

// TestBinaryReadsVersion1 loads a file written by the version 1 encoder
// (per-block checksums), kept in testdata, and the same data resealed as
// version 1 from today's encoder.
func TestBinaryReadsVersion1(t *testing.T) {
	old, err := os.ReadFile("testdata/sample_v1.bin")
	if err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint16(old[8:]); v != 1 {
		t.Fatalf("fixture has version %d", v)
	}
	for name, data := range map[string][]byte{
		"fixture":  old,
		"resealed": reseal(withoutDirectory(encode(t, binFormat, sampleTables())), 1),
	} {
		got, err := decode(binFormat, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sameTables(got, sampleTables()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// A flipped bit in a version 1 file is still caught.
		for i := 16; i < len(data); i += 7 {
			c := bytes.Clone(data)
			c[i] ^= 0x10
			if _, err := decode(binFormat, c); !errors.Is(err, codec.ErrCorrupt) {
				t.Fatalf("%s: flip at %d: %v", name, i, err)
			}
		}
	}
	if !bytes.Equal(reseal(old, 1), old) {
		t.Fatal("reseal does not reproduce version 1 checksums")
	}
	if v2 := encode(t, binFormat, sampleTables()); !bytes.Equal(reseal(v2, codec.BinaryVersion), v2) {
		t.Fatal("reseal does not reproduce the encoder's checksums")
	}
}

// TestBinaryReadsVersion2 loads a file written by the version 2 encoder
// (chained checksums, no directory), kept in testdata, and checks that
// today's encoder, without its directory and resealed as version 2, writes
// those very bytes; flipped bits and spliced blocks in it still fail.
func TestBinaryReadsVersion2(t *testing.T) {
	old, err := os.ReadFile("testdata/sample_v2.bin")
	if err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint16(old[8:]); v != 2 {
		t.Fatalf("fixture has version %d", v)
	}
	got, err := decode(binFormat, old)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameTables(got, sampleTables()); err != nil {
		t.Fatal(err)
	}
	if again := reseal(withoutDirectory(encode(t, binFormat, sampleTables())), 2); !bytes.Equal(again, old) {
		t.Fatalf("today's encoder without its directory differs from version 2:\n%x\n%x", again, old)
	}
	for i := 16; i < len(old); i += 5 {
		c := bytes.Clone(old)
		c[i] ^= 0x04
		if _, err := decode(binFormat, c); !errors.Is(err, codec.ErrCorrupt) {
			t.Fatalf("flip at %d: %v", i, err)
		}
	}
	spans := blockSpans(old)
	swapped := bytes.Clone(old[:spans[1][0]])
	swapped = append(swapped, old[spans[2][0]:spans[2][1]]...)
	swapped = append(swapped, old[spans[1][0]:spans[1][1]]...)
	swapped = append(swapped, old[spans[2][1]:]...)
	if _, err := decode(binFormat, swapped); !errors.Is(err, codec.ErrCorrupt) {
		t.Fatalf("swapped blocks 1 and 2: %v", err)
	}
}
