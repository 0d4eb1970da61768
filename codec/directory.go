package codec

// The table directory of binary files from version 3 on: what a file holds,
// readable from its end without reading its records.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"time"
)

// A TableSummary is one table's entry in a binary file's directory: its
// metadata, its number of records, and what its records' fields hold.
type TableSummary struct {
	Table   TableDump
	Records uint64
	// Fields lists, in name order, every field name some record of the
	// table has.
	Fields []FieldSummary
}

// A FieldSummary says what a field of a table's records holds: the kinds
// of its values (KindNull for a field present with a nil value) and how
// many records have a non-null value in it.
type FieldSummary struct {
	Name    string
	Kinds   KindSet
	NonNull uint64
}

// A KindSet is a set of the kinds of values a field holds: the kinds of
// the value model, with integers and floats apart.
type KindSet uint16

// The members of a KindSet.
const (
	KindNull KindSet = 1 << iota
	KindBool
	KindInt
	KindFloat
	KindString
	KindBytes
	KindTime
	KindList
	KindMap

	kindSetAll = KindMap<<1 - 1
)

// KindsOf returns the set holding the kind of v, a normalized value (0 for
// anything else).
func KindsOf(v any) KindSet {
	switch v.(type) {
	case nil:
		return KindNull
	case bool:
		return KindBool
	case int64:
		return KindInt
	case float64:
		return KindFloat
	case string:
		return KindString
	case []byte:
		return KindBytes
	case time.Time:
		return KindTime
	case []any:
		return KindList
	case map[string]any:
		return KindMap
	}
	return 0
}

// dirTable is a directory entry under construction.
type dirTable struct {
	meta    *TableDump
	records uint64
	names   []string // field names, in order of first appearance
	stats   []fieldStat
	byName  map[string]int
	shape   *Shape // the last record's shape
	slots   []int  // its slots' indexes into stats
}

type fieldStat struct {
	kinds   KindSet
	nonNull uint64
}

func newDirTable(t *TableDump) *dirTable {
	return &dirTable{meta: cloneDump(t), byName: make(map[string]int)}
}

// stat returns the statistics of field name.
func (d *dirTable) stat(name string) *fieldStat {
	i, ok := d.byName[name]
	if !ok {
		i = len(d.stats)
		d.byName[name] = i
		d.names = append(d.names, name)
		d.stats = append(d.stats, fieldStat{})
	}
	return &d.stats[i]
}

func (st *fieldStat) add(v any) {
	st.kinds |= KindsOf(v)
	if v != nil {
		st.nonNull++
	}
}

// addRecord counts a record, resolving field names once per shape.
func (d *dirTable) addRecord(r Record) {
	s := r.Shape()
	if s != d.shape {
		d.shape = s
		d.slots = d.slots[:0]
		for _, n := range s.names {
			d.stat(n)
			d.slots = append(d.slots, d.byName[n])
		}
	}
	for i, v := range r.Values() {
		d.stats[d.slots[i]].add(v)
	}
	d.records++
}

// addMap counts a record given as a map.
func (d *dirTable) addMap(m map[string]any) {
	for k, v := range m {
		d.stat(k).add(v)
	}
	d.records++
}

// appendDirectory appends the payload of a directory block: the count of
// tables, then for each its metadata (as a table block holds it), its
// record count, and its fields in name order, each a name, a KindSet and a
// count of non-null values.
func appendDirectory(b []byte, tables []*dirTable) []byte {
	b = binary.AppendUvarint(b, uint64(len(tables)))
	for _, t := range tables {
		b = appendTableMetaBinary(b, t.meta)
		b = binary.AppendUvarint(b, t.records)
		order := make([]int, len(t.names))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(x, y int) int {
			switch a, c := t.names[x], t.names[y]; {
			case a < c:
				return -1
			case a > c:
				return 1
			}
			return 0
		})
		b = binary.AppendUvarint(b, uint64(len(order)))
		for _, i := range order {
			b = appendStr(b, t.names[i])
			b = binary.AppendUvarint(b, uint64(t.stats[i].kinds))
			b = binary.AppendUvarint(b, t.stats[i].nonNull)
		}
	}
	return b
}

// directory reads a directory block's payload.
func (d *dec) directory() ([]TableSummary, error) {
	n, err := d.count("table count", 4)
	if err != nil {
		return nil, err
	}
	out := make([]TableSummary, 0, prealloc(n))
	for range n {
		t, err := d.tableDump()
		if err != nil {
			return nil, err
		}
		s := TableSummary{Table: *t}
		if s.Records, err = d.uvarint("record count"); err != nil {
			return nil, err
		}
		nf, err := d.count("field count", 3)
		if err != nil {
			return nil, err
		}
		s.Fields = make([]FieldSummary, 0, prealloc(nf))
		for range nf {
			var f FieldSummary
			if f.Name, err = d.str("field name"); err != nil {
				return nil, err
			}
			k, err := d.uvarint("kinds")
			if err != nil {
				return nil, err
			}
			if f.NonNull, err = d.uvarint("non-null count"); err != nil {
				return nil, err
			}
			if k == 0 || k&^uint64(kindSetAll) != 0 || f.NonNull > s.Records || f.Name == "" ||
				(len(s.Fields) > 0 && s.Fields[len(s.Fields)-1].Name >= f.Name) {
				return nil, d.fail("bad field %q in the directory", f.Name)
			}
			f.Kinds = KindSet(k)
			s.Fields = append(s.Fields, f)
		}
		out = append(out, s)
	}
	return out, d.finish("directory block")
}

// ErrNoDirectory is returned by ReadBinaryDirectory for a binary file of a
// version without a table directory (1 and 2): only decoding the whole file
// tells what it holds.
var ErrNoDirectory = errors.New("the file has no table directory (binary format version 1 or 2)")

// fileEndLen is the size of a version 3 file's end block: its 5-byte
// header, the directory's offset and the table count (8 bytes each), and
// its checksum.
const fileEndLen = blockHeaderLen + 16 + 4

// ReadBinaryDirectory reads the table directory at the end of a binary file
// of size bytes, reading only the header, the directory and the end block:
// each table's metadata, record count and field summary, without a single
// record. A file of version 1 or 2 gives ErrNoDirectory.
//
// It checks the header's checksum, and the directory's and end block's
// chained checksums against the checksum just before the directory, so
// damage to what it reads, and a directory or end block taken from
// another file, fail with a *CorruptError wrapping ErrCorrupt. It cannot
// check the blocks it skips: only decoding the file (Load, DecodeBinary)
// checks those, and it also checks that the directory agrees with the
// tables read. Like decoding, it never panics and allocates in proportion
// to the directory.
func ReadBinaryDirectory(r io.ReaderAt, size int64) ([]TableSummary, error) {
	if r == nil {
		return nil, fmt.Errorf("codec: %w: ReadBinaryDirectory needs a reader", ErrInvalidArgument)
	}
	br := &binReader{intern: make(map[string]string)}
	read := func(off int64, n int, what string) ([]byte, error) {
		p := make([]byte, n)
		k, err := r.ReadAt(p, off)
		if k == n {
			return p, nil
		}
		if err == nil || errors.Is(err, io.EOF) {
			return nil, br.corrupt(off+int64(k), nil, "truncated %s", what)
		}
		return nil, br.corrupt(off+int64(k), err, "reading %s", what)
	}
	h, err := read(0, binHeaderLen, "header")
	if err != nil {
		return nil, err
	}
	if err := checkBinHeader(br, h); err != nil {
		return nil, err
	}
	if ver := binary.LittleEndian.Uint16(h[8:]); ver < binVersionDirectory {
		return nil, ErrNoDirectory
	}
	endAt := size - fileEndLen
	if endAt < binHeaderLen+blockHeaderLen+4 {
		return nil, br.corrupt(size, nil, "truncated file: no room for a directory and an end block")
	}
	end, err := read(endAt, fileEndLen, "end block")
	if err != nil {
		return nil, err
	}
	if end[0] != blockFileEnd || binary.LittleEndian.Uint32(end[1:]) != 16 {
		return nil, br.corrupt(endAt, nil, "the file does not end with an end block")
	}
	dirAt := int64(binary.LittleEndian.Uint64(end[5:]))
	tables := binary.LittleEndian.Uint64(end[13:])
	if dirAt < binHeaderLen || dirAt > endAt-blockHeaderLen-4 {
		return nil, br.corrupt(endAt, nil, "directory offset %d out of range", dirAt)
	}
	dir, err := read(dirAt-4, int(endAt-dirAt+4), "directory")
	if err != nil {
		return nil, err
	}
	prev, blk := binary.LittleEndian.Uint32(dir), dir[4:]
	if blk[0] != blockDirectory || int64(binary.LittleEndian.Uint32(blk[1:]))+blockHeaderLen+4 != int64(len(blk)) {
		return nil, br.corrupt(dirAt, nil, "no directory block at offset %d", dirAt)
	}
	body := blk[:len(blk)-4]
	sum := crc32.Update(prev, castagnoli, body)
	if sum != binary.LittleEndian.Uint32(blk[len(blk)-4:]) {
		return nil, br.corrupt(dirAt, nil, "directory checksum mismatch (the directory is damaged, or not in its place in this file)")
	}
	if crc32.Update(sum, castagnoli, end[:fileEndLen-4]) != binary.LittleEndian.Uint32(end[fileEndLen-4:]) {
		return nil, br.corrupt(endAt, nil, "end block checksum mismatch (the block is damaged, or not in its place in this file)")
	}
	d := &dec{b: body[blockHeaderLen:], base: dirAt + blockHeaderLen, br: br}
	out, err := d.directory()
	if err != nil {
		return nil, err
	}
	if uint64(len(out)) != tables {
		return nil, br.corrupt(endAt, nil, "%d tables announced, %d in the directory", tables, len(out))
	}
	return out, nil
}
