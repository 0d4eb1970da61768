package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"runtime"
	"testing"
)

type discardVisitor struct{}

func (discardVisitor) BeginTable(*TableDump) error { return nil }
func (discardVisitor) Record(map[string]any) error { return nil }
func (discardVisitor) EndTable(*TableDump) error   { return nil }

// nestedCountsFile returns a binary dump, every checksum right, whose one
// records block of about size bytes holds a record whose field is a list
// (or map) whose first element is another, depth deep, each claiming as
// many elements as the bytes left in the block could hold, followed by
// zero bytes.
func nestedCountsFile(size, depth int, tag byte) []byte {
	f := []byte(BinaryMagic)
	f = binary.LittleEndian.AppendUint16(f, BinaryVersion)
	f = binary.LittleEndian.AppendUint16(f, 0)
	sum := crc32.Checksum(f, castagnoli)
	f = binary.LittleEndian.AppendUint32(f, sum)
	block := func(kind byte, payload []byte) {
		b := binary.LittleEndian.AppendUint32([]byte{kind}, uint32(len(payload)))
		b = append(b, payload...)
		sum = crc32.Update(sum, castagnoli, b)
		f = binary.LittleEndian.AppendUint32(append(f, b...), sum)
	}
	block(blockTable, appendTableMetaBinary(nil, &TableDump{Name: "t", PrimaryKey: "id"}))
	p := binary.AppendUvarint(nil, 1) // records
	p = binary.AppendUvarint(p, 1)    // fields
	p = appendStr(append(p, 0), "a")
	for range depth {
		p = append(p, tag)
		left := size - len(p) - binary.MaxVarintLen64
		if tag == tagMap {
			p = appendStr(append(binary.AppendUvarint(p, uint64(left/2)), 0), "k")
		} else {
			p = binary.AppendUvarint(p, uint64(left))
		}
	}
	block(blockRecords, append(p, make([]byte, size-len(p))...))
	return f
}

// TestDecodeBinaryNestedCountsAllocateLittle decodes hostile files of 1 MiB
// whose nested lists or maps each claim the whole rest of the block: each
// count alone passes the check against the bytes left, yet sizing every
// level from its count allocated the block's size once per level (540 MB
// for lists, 1.3 GB for maps). Decoding must fail with ErrCorrupt having
// allocated a small multiple of the input.
func TestDecodeBinaryNestedCountsAllocateLittle(t *testing.T) {
	const size = 1 << 20
	for _, tag := range []byte{tagList, tagMap} {
		data := nestedCountsFile(size, MaxDepth+2, tag)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		err := DecodeBinary(bytes.NewReader(data), discardVisitor{})
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("tag %d: %v", tag, err)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("tag %d: %d bytes allocated for a %d-byte file", tag, alloc, len(data))
		if alloc > 16*size {
			t.Fatalf("tag %d: %d bytes allocated for a %d-byte file", tag, alloc, len(data))
		}
	}
}
