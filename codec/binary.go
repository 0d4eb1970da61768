package codec

// The binary file format: versioned, checksummed, streaming, and exact for
// every kind of the value model (int64 vs float64, []byte, time.Time with
// nanoseconds in UTC).
//
// # Layout
//
// A file is a 16-byte header followed by blocks.
//
//	header:  magic "\x89DICTDB\n" | version uint16 LE (3) | flags uint16 LE (0)
//	         | checksum, uint32 LE
//	block:   kind byte | payload length uint32 LE | payload | checksum, uint32 LE
//
// Every checksum is the CRC-32C of all the bytes of the file before it,
// from offset 0, leaving out the earlier checksums: each block's is the
// previous checksum updated with the block's kind, length and payload.
// (Leaving them out matters: a CRC run over a message followed by its own
// CRC always ends at the same value, which would restart the chain at
// every block.) A block's checksum thus covers its own bytes and
// everything before it: a block moved, swapped,
// repeated or left out fails at the first block out of place, even when
// each block is intact on its own, and the end block's checksum is a
// checksum of the whole file. (Version 1, still read, checksummed each
// block alone: kind, length and payload. It catches damage inside a block
// but not blocks spliced from elsewhere.)
//
// Block kinds, in the only order a decoder accepts:
//
//	'T' table begins: name, primary key, schema (flag, count, name/type
//	    pairs), next auto key, indexes (count, field/kind/unique)
//	'R' records of the current table: count, then each record (zero or
//	    more blocks, about 64 KiB each)
//	'E' table ends: the number of records written, checked on reading
//	'D' the table directory (version 3): the count of tables, then for
//	    each its metadata as in its 'T' block, its number of records, and
//	    its fields in name order, each a name, the set of the kinds of its
//	    values (a KindSet as a uvarint: bits null, bool, int, float, string,
//	    bytes, time, list, map from the lowest) and the count of its
//	    non-null values; checked on reading against the tables read
//	'Z' end of file: the number of tables (a uvarint; in version 3, the
//	    offset of the 'D' block then the number of tables, two uint64 LE,
//	    so that the block is the file's last 25 bytes); nothing may follow
//
// so a truncated file is detected too. The directory lets a reader say
// what a file holds (ReadBinaryDirectory) from its last blocks alone: the
// end block gives the directory's place, and each of the two checksums is
// checked from the 4 bytes before its block, the previous block's
// checksum, which binds them to the file they end (a full decode checks
// the whole chain). Inside payloads, counts and lengths are unsigned varints, strings are
// length-prefixed bytes (kept exactly, valid UTF-8 or not), and each value is a tag byte and a body:
//
//	0 null  1 false  2 true  3 int64 (zig-zag varint)  4 float64 (IEEE bits, LE)
//	5 string  6 bytes  7 time (zig-zag varint Unix seconds, varint nanoseconds; UTC)
//	8 list (count, values)  9 map (count, then key and value pairs)
//
// A record is a map body. Keys are written in RecordKeys order, so equal
// data encodes to identical bytes. Map keys are interned per records block:
// a key is a varint code, 0 followed by the key string for a key not yet
// seen in the block (which then gets the next number, up to 65536 of them),
// or n+1 for the block's n-th key. Field names thus cost one byte per
// record instead of their length, and each block still decodes on its own.
//
// # Bounded decoding
//
// A decoder holds one block at a time. A block's buffer grows only as its
// bytes actually arrive (a length field claiming a gigabyte in a 100-byte
// file allocates about 100 bytes), counts never preallocate more than 256
// elements (nor more than the remaining payload could hold), so nested
// counts claiming the same bytes allocate nothing in advance, nesting is
// capped at MaxDepth, and every failure is a *CorruptError wrapping
// ErrCorrupt with the byte offset. Decoding never panics.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"time"
)

// BinaryMagic is the first 8 bytes of every binary dump.
const BinaryMagic = "\x89DICTDB\n"

// BinaryVersion is the binary format version this package writes. It reads
// this version and versions 1 and 2 (the layout is described in
// binary.go).
const BinaryVersion = 3

const (
	// binVersionUnchained is the version whose block checksums cover each
	// block alone.
	binVersionUnchained = 1
	// binVersionChained is the first version whose block checksums chain.
	binVersionChained = 2
	// binVersionDirectory is the first version with a table directory.
	binVersionDirectory = 3
)

const (
	binHeaderLen   = 16
	blockHeaderLen = 5
	maxBlockLen    = 1 << 30 // largest payload accepted; memory still grows only with real input
	recordBlockLen = 64 << 10
	maxInternKeys  = 4096
	maxBlockKeys   = 1 << 16
)

const (
	blockTable     = 'T'
	blockRecords   = 'R'
	blockEnd       = 'E'
	blockDirectory = 'D'
	blockFileEnd   = 'Z'
)

const (
	tagNull byte = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagString
	tagBytes
	tagTime
	tagList
	tagMap
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// IsBinary reports whether prefix (at least the first 8 bytes of a file)
// starts like a binary dump.
func IsBinary(prefix []byte) bool { return bytes.HasPrefix(prefix, []byte(BinaryMagic)) }

// A BinaryWriter streams a dump in the binary format.
type BinaryWriter struct {
	w       io.Writer
	blk     []byte // the block being built: 5 header bytes, then payload
	err     error
	state   writerState
	tables  uint64
	records uint64 // records of the current table
	pending int    // records in blk (a records block under construction)
	pk      string
	keyIDs  map[string]uint64 // keys numbered in the current records block
	sum     uint32            // the last checksum written
	header  bool
	off     int64 // bytes written
	dir     []*dirTable
	cur     *dirTable // the current table's directory entry
}

var _ DumpWriter = (*BinaryWriter)(nil)

// NewBinaryWriter returns a writer of the binary format onto w. The header
// is written with the first block.
func NewBinaryWriter(w io.Writer) *BinaryWriter {
	return &BinaryWriter{w: w, blk: make([]byte, blockHeaderLen, recordBlockLen+4096), keyIDs: make(map[string]uint64)}
}

func (bw *BinaryWriter) fail(err error) error {
	if bw.err == nil {
		bw.err = err
	}
	return err
}

func (bw *BinaryWriter) writeHeader() error {
	if bw.header {
		return nil
	}
	var h [binHeaderLen]byte
	copy(h[:], BinaryMagic)
	binary.LittleEndian.PutUint16(h[8:], BinaryVersion)
	binary.LittleEndian.PutUint32(h[12:], crc32.Checksum(h[:12], castagnoli))
	if _, err := bw.w.Write(h[:]); err != nil {
		return bw.fail(err)
	}
	bw.off = binHeaderLen
	bw.sum = crc32.Checksum(h[:12], castagnoli)
	bw.header = true
	return nil
}

// emit finishes the block in bw.blk with the given kind and writes it.
func (bw *BinaryWriter) emit(kind byte) error {
	if err := bw.writeHeader(); err != nil {
		return err
	}
	n := len(bw.blk) - blockHeaderLen
	if n > maxBlockLen {
		return bw.fail(fmt.Errorf("codec: a block of %d bytes exceeds the format's limit", n))
	}
	bw.blk[0] = kind
	binary.LittleEndian.PutUint32(bw.blk[1:], uint32(n))
	sum := crc32.Update(bw.sum, castagnoli, bw.blk)
	bw.blk = binary.LittleEndian.AppendUint32(bw.blk, sum)
	if _, err := bw.w.Write(bw.blk); err != nil {
		return bw.fail(err)
	}
	bw.off += int64(len(bw.blk))
	bw.sum = sum
	bw.blk = bw.blk[:blockHeaderLen]
	return nil
}

// BeginTable starts a table.
func (bw *BinaryWriter) BeginTable(t *TableDump) error {
	if bw.err != nil {
		return bw.err
	}
	if bw.state != stateReady {
		return bw.fail(errors.New("codec: BeginTable out of order"))
	}
	if err := validateDump(t); err != nil {
		return bw.fail(err)
	}
	b := appendTableMetaBinary(bw.blk, t)
	bw.blk = b
	if err := bw.emit(blockTable); err != nil {
		return err
	}
	bw.state, bw.records, bw.pending, bw.pk = stateTable, 0, 0, t.PrimaryKey
	bw.cur = newDirTable(t)
	bw.dir = append(bw.dir, bw.cur)
	bw.tables++
	return nil
}

// WriteRecord adds one record of the current table.
func (bw *BinaryWriter) WriteRecord(rec Record) error {
	if bw.err != nil {
		return bw.err
	}
	if bw.state != stateTable {
		return bw.fail(errors.New("codec: WriteRecord outside a table"))
	}
	start := len(bw.blk)
	s, vals := rec.Shape(), rec.Values()
	pk := s.Slot(bw.pk)
	b := binary.AppendUvarint(bw.blk, uint64(len(vals)))
	var err error
	for i := range vals {
		slot := writeOrder(pk, i)
		k := s.names[slot]
		b = appendKey(b, k, bw.keyIDs)
		if b, err = appendBinValue(b, vals[slot], 1, bw.keyIDs); err != nil {
			bw.blk = bw.blk[:start]
			return bw.fail(fmt.Errorf("codec: field %q: %w", k, err))
		}
	}
	bw.blk = b
	bw.cur.addRecord(rec)
	bw.pending++
	bw.records++
	if len(bw.blk) >= recordBlockLen {
		return bw.flushRecords()
	}
	return nil
}

// flushRecords writes the records block under construction: its payload is
// the count followed by the records, so the count is prepended here.
func (bw *BinaryWriter) flushRecords() error {
	if bw.pending == 0 {
		return nil
	}
	var cnt [binary.MaxVarintLen64]byte
	c := binary.PutUvarint(cnt[:], uint64(bw.pending))
	bw.blk = append(bw.blk, cnt[:c]...)
	copy(bw.blk[blockHeaderLen+c:], bw.blk[blockHeaderLen:len(bw.blk)-c])
	copy(bw.blk[blockHeaderLen:], cnt[:c])
	bw.pending = 0
	clear(bw.keyIDs)
	return bw.emit(blockRecords)
}

// EndTable ends the current table.
func (bw *BinaryWriter) EndTable() error {
	if bw.err != nil {
		return bw.err
	}
	if bw.state != stateTable {
		return bw.fail(errors.New("codec: EndTable outside a table"))
	}
	if err := bw.flushRecords(); err != nil {
		return err
	}
	bw.blk = binary.AppendUvarint(bw.blk, bw.records)
	bw.state = stateReady
	return bw.emit(blockEnd)
}

// Close writes the end-of-file block. It does not close the underlying
// writer.
func (bw *BinaryWriter) Close() error {
	if bw.err != nil {
		return bw.err
	}
	if bw.state != stateReady {
		return bw.fail(errors.New("codec: Close inside a table"))
	}
	if err := bw.writeHeader(); err != nil {
		return err
	}
	dirAt := bw.off
	bw.blk = appendDirectory(bw.blk, bw.dir)
	if err := bw.emit(blockDirectory); err != nil {
		return err
	}
	bw.blk = binary.LittleEndian.AppendUint64(bw.blk, uint64(dirAt))
	bw.blk = binary.LittleEndian.AppendUint64(bw.blk, bw.tables)
	if err := bw.emit(blockFileEnd); err != nil {
		return err
	}
	bw.state = stateClosed
	bw.err = errors.New("codec: writer is closed")
	return nil
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendKey appends a map key: its number in ids, or 0 and the key (which
// then gets the next number while ids has room). A nil ids numbers nothing.
func appendKey(b []byte, k string, ids map[string]uint64) []byte {
	if id, ok := ids[k]; ok {
		return binary.AppendUvarint(b, id+1)
	}
	if ids != nil && len(ids) < maxBlockKeys {
		ids[k] = uint64(len(ids))
	}
	return appendStr(append(b, 0), k)
}

// AppendBinaryValue appends the binary encoding of v, a normalized value,
// with every map key written out in full.
func AppendBinaryValue(b []byte, v any) ([]byte, error) { return appendBinValue(b, v, 0, nil) }

func appendBinValue(b []byte, v any, depth int, ids map[string]uint64) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, tagNull), nil
	case bool:
		if x {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt), x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return b, fmt.Errorf("%w: %v cannot be written", ErrUnsupportedValue, x)
		}
		return binary.LittleEndian.AppendUint64(append(b, tagFloat), math.Float64bits(x)), nil
	case string:
		return appendStr(append(b, tagString), x), nil
	case []byte:
		b = binary.AppendUvarint(append(b, tagBytes), uint64(len(x)))
		return append(b, x...), nil
	case time.Time:
		b = binary.AppendVarint(append(b, tagTime), x.Unix())
		return binary.AppendUvarint(b, uint64(x.Nanosecond())), nil
	case []any:
		if depth > MaxDepth {
			return b, fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedValue, MaxDepth)
		}
		b = binary.AppendUvarint(append(b, tagList), uint64(len(x)))
		var err error
		for _, e := range x {
			if b, err = appendBinValue(b, e, depth+1, ids); err != nil {
				return b, err
			}
		}
		return b, nil
	case map[string]any:
		if depth > MaxDepth {
			return b, fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedValue, MaxDepth)
		}
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(x)))
		var err error
		for _, k := range sortedKeys(x) {
			b = appendKey(b, k, ids)
			if b, err = appendBinValue(b, x[k], depth+1, ids); err != nil {
				return b, err
			}
		}
		return b, nil
	}
	return b, fmt.Errorf("%w: Go type %T", ErrUnsupportedValue, v)
}

// ---------------------------------------------------------------- reading

type binReader struct {
	r      io.Reader
	v      Visitor
	off    int64        // input offset of the next unread byte
	buf    bytes.Buffer // the current block, reused
	intern map[string]string
	keys   []string // the current records block's numbered keys
	sum    uint32   // the last checksum read
	chain  bool     // block checksums cover everything before them (version 2 on)
	ver    uint16
	dir    []*dirTable // the directory the tables read call for (version 3)
	rv     RecordVisitor
	shapes shapeCache
	names  []string // the current record's field names, in file order
	vals   []any    // and its values
}

// DecodeBinary reads a binary dump from r and hands it to v table by table,
// record by record. Every failure, including one returned by v, is a
// *CorruptError wrapping ErrCorrupt that gives the byte offset.
func DecodeBinary(r io.Reader, v Visitor) error {
	if r == nil || v == nil {
		return fmt.Errorf("codec: %w: DecodeBinary needs a reader and a visitor", ErrInvalidArgument)
	}
	br := &binReader{r: r, v: v, intern: make(map[string]string)}
	br.rv, _ = v.(RecordVisitor)
	return br.run()
}

func (br *binReader) corrupt(off int64, err error, format string, args ...any) *CorruptError {
	return &CorruptError{Format: "binary", Offset: off, Msg: fmt.Sprintf(format, args...), Err: err}
}

// readFull reads exactly len(p) bytes, reporting truncation as corruption.
func (br *binReader) readFull(p []byte, what string) error {
	n, err := io.ReadFull(br.r, p)
	br.off += int64(n)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return br.corrupt(br.off, nil, "truncated %s", what)
	}
	return br.corrupt(br.off, err, "reading %s", what)
}

func (br *binReader) run() error {
	var h [binHeaderLen]byte
	if err := br.readFull(h[:], "header"); err != nil {
		return err
	}
	if err := checkBinHeader(br, h[:]); err != nil {
		return err
	}
	br.ver = binary.LittleEndian.Uint16(h[8:])
	br.chain = br.ver >= binVersionChained
	br.sum = binary.LittleEndian.Uint32(h[12:])
	var (
		cur     *TableDump
		stats   *dirTable
		records uint64
		tables  uint64
		dirAt   int64 = -1
	)
	for {
		kind, start, p, err := br.block()
		if err != nil {
			return err
		}
		d := &dec{b: p, base: start + blockHeaderLen, br: br}
		br.keys = br.keys[:0]
		switch kind {
		case blockTable:
			if cur != nil {
				return br.corrupt(start, nil, "table %q has no end block", cur.Name)
			}
			t, err := d.tableDump()
			if err != nil {
				return err
			}
			if err := d.finish("table block"); err != nil {
				return err
			}
			if dirAt >= 0 {
				return br.corrupt(start, nil, "a table after the directory")
			}
			if err := br.v.BeginTable(cloneDump(t)); err != nil {
				return br.corrupt(start, err, "table %q", t.Name)
			}
			cur, records = t, 0
			if br.ver >= binVersionDirectory {
				stats = newDirTable(t)
				br.dir = append(br.dir, stats)
			}
			tables++
		case blockRecords:
			if cur == nil {
				return br.corrupt(start, nil, "records outside a table")
			}
			n, err := d.uvarint("record count")
			if err != nil {
				return err
			}
			if n == 0 || n > uint64(len(d.b)) {
				return br.corrupt(start, nil, "bad record count %d", n)
			}
			for range n {
				at := d.offset()
				if br.rv != nil {
					rec, err := d.record()
					if err != nil {
						return err
					}
					if stats != nil {
						stats.addRecord(rec)
					}
					if err := br.rv.VisitRecord(rec); err != nil {
						return br.corrupt(at, err, "table %q: record", cur.Name)
					}
					records++
					continue
				}
				m, err := d.mapBody(0)
				if err != nil {
					return err
				}
				if stats != nil {
					stats.addMap(m)
				}
				if err := br.v.Record(m); err != nil {
					return br.corrupt(at, err, "table %q: record", cur.Name)
				}
				records++
			}
			if err := d.finish("records block"); err != nil {
				return err
			}
		case blockEnd:
			if cur == nil {
				return br.corrupt(start, nil, "table end outside a table")
			}
			n, err := d.uvarint("record count")
			if err != nil {
				return err
			}
			if err := d.finish("table end block"); err != nil {
				return err
			}
			if n != records {
				return br.corrupt(start, nil, "table %q: %d records announced, %d read", cur.Name, n, records)
			}
			if err := br.v.EndTable(cur); err != nil {
				return br.corrupt(start, err, "table %q", cur.Name)
			}
			cur = nil
		case blockDirectory:
			switch {
			case br.ver < binVersionDirectory:
				return br.corrupt(start, nil, "unknown block kind %#x", kind)
			case cur != nil:
				return br.corrupt(start, nil, "table %q has no end block", cur.Name)
			case dirAt >= 0:
				return br.corrupt(start, nil, "a second directory")
			}
			if !bytes.Equal(d.b, appendDirectory(nil, br.dir)) {
				return br.corrupt(start, nil, "the directory does not match the tables")
			}
			dirAt = start
		case blockFileEnd:
			if cur != nil {
				return br.corrupt(start, nil, "table %q has no end block", cur.Name)
			}
			var n uint64
			if br.ver >= binVersionDirectory {
				if dirAt < 0 {
					return br.corrupt(start, nil, "the file has no directory")
				}
				if len(d.b) != 16 || binary.LittleEndian.Uint64(d.b) != uint64(dirAt) {
					return br.corrupt(start, nil, "bad end block")
				}
				n = binary.LittleEndian.Uint64(d.b[8:])
			} else {
				if n, err = d.uvarint("table count"); err != nil {
					return err
				}
				if err := d.finish("end block"); err != nil {
					return err
				}
			}
			if n != tables {
				return br.corrupt(start, nil, "%d tables announced, %d read", n, tables)
			}
			var one [1]byte
			if k, _ := io.ReadFull(br.r, one[:]); k != 0 {
				return br.corrupt(br.off, nil, "data after the end of the file")
			}
			return nil
		default:
			return br.corrupt(start, nil, "unknown block kind %#x", kind)
		}
	}
}

// checkBinHeader checks a file header: magic, checksum, a version this build
// reads, no flags.
func checkBinHeader(br *binReader, h []byte) error {
	if !IsBinary(h) {
		return br.corrupt(0, nil, "not a dictdb binary file (bad magic)")
	}
	if crc32.Checksum(h[:12], castagnoli) != binary.LittleEndian.Uint32(h[12:]) {
		return br.corrupt(0, nil, "header checksum mismatch")
	}
	if ver := binary.LittleEndian.Uint16(h[8:]); ver < binVersionUnchained || ver > BinaryVersion {
		return br.corrupt(8, nil, "unsupported version %d (this build reads %d to %d)", ver, binVersionUnchained, BinaryVersion)
	}
	if flags := binary.LittleEndian.Uint16(h[10:]); flags != 0 {
		return br.corrupt(10, nil, "unknown flags %#x", flags)
	}
	return nil
}

// block reads one block and checks its checksum: from version 2 on, that of
// everything before it, which ties the block to its place in the file. Its
// buffer grows only as the payload's bytes arrive.
func (br *binReader) block() (kind byte, start int64, payload []byte, err error) {
	start = br.off
	var h [blockHeaderLen]byte
	if err := br.readFull(h[:], "block header (the file ends without its end block)"); err != nil {
		return 0, start, nil, err
	}
	n := binary.LittleEndian.Uint32(h[1:])
	if n > maxBlockLen {
		return 0, start, nil, br.corrupt(start, nil, "block length %d exceeds the limit", n)
	}
	br.buf.Reset()
	br.buf.Write(h[:])
	got, err := br.buf.ReadFrom(io.LimitReader(br.r, int64(n)+4))
	br.off += got
	if err != nil {
		return 0, start, nil, br.corrupt(br.off, err, "reading a block")
	}
	if got != int64(n)+4 {
		return 0, start, nil, br.corrupt(br.off, nil, "truncated block (%d of %d bytes)", got, int64(n)+4)
	}
	all := br.buf.Bytes()
	body, sum := all[:len(all)-4], binary.LittleEndian.Uint32(all[len(all)-4:])
	if !br.chain {
		if crc32.Checksum(body, castagnoli) != sum {
			return 0, start, nil, br.corrupt(start, nil, "block checksum mismatch")
		}
		return h[0], start, body[blockHeaderLen:], nil
	}
	if crc32.Update(br.sum, castagnoli, body) != sum {
		return 0, start, nil, br.corrupt(start, nil, "block checksum mismatch (the block is damaged, or not in its place in this file)")
	}
	br.sum = sum
	return h[0], start, body[blockHeaderLen:], nil
}

// dec decodes one block's payload.
type dec struct {
	b    []byte
	pos  int
	base int64 // input offset of b[0]
	br   *binReader
}

func (d *dec) offset() int64 { return d.base + int64(d.pos) }

func (d *dec) fail(format string, args ...any) error {
	return d.br.corrupt(d.offset(), nil, format, args...)
}

func (d *dec) finish(what string) error {
	if d.pos != len(d.b) {
		return d.fail("%d unexpected bytes at the end of the %s", len(d.b)-d.pos, what)
	}
	return nil
}

func (d *dec) byte(what string) (byte, error) {
	if d.pos >= len(d.b) {
		return 0, d.fail("truncated %s", what)
	}
	c := d.b[d.pos]
	d.pos++
	return c, nil
}

func (d *dec) uvarint(what string) (uint64, error) {
	v, n := binary.Uvarint(d.b[d.pos:])
	if n <= 0 {
		return 0, d.fail("bad %s", what)
	}
	d.pos += n
	return v, nil
}

func (d *dec) varint(what string) (int64, error) {
	v, n := binary.Varint(d.b[d.pos:])
	if n <= 0 {
		return 0, d.fail("bad %s", what)
	}
	d.pos += n
	return v, nil
}

// maxPrealloc is the most elements a decoder allocates room for ahead of
// reading them. A count is checked against the bytes left in its block,
// but nested lists and maps each claim those same bytes: sizing each from
// its count would allocate the block's size over and over, once per level
// (about 1300 times a hostile file's size). Past maxPrealloc, containers
// grow only with the elements actually read.
const maxPrealloc = 256

func prealloc(n int) int { return min(n, maxPrealloc) }

// count reads an element count that cannot exceed the remaining payload
// (every element takes at least min bytes).
func (d *dec) count(what string, min int) (int, error) {
	n, err := d.uvarint(what)
	if err != nil {
		return 0, err
	}
	if n > uint64((len(d.b)-d.pos)/min) {
		return 0, d.fail("%s %d exceeds the remaining data", what, n)
	}
	return int(n), nil
}

func (d *dec) raw(what string) ([]byte, error) {
	n, err := d.uvarint(what)
	if err != nil {
		return nil, err
	}
	if n > uint64(len(d.b)-d.pos) {
		return nil, d.fail("%s length %d exceeds the remaining data", what, n)
	}
	p := d.b[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return p, nil
}

func (d *dec) str(what string) (string, error) {
	p, err := d.raw(what)
	if err != nil {
		return "", err
	}
	return string(p), nil
}

// key reads a map key (see the format notes), sharing the strings of
// repeated field names across blocks.
func (d *dec) key() (string, error) {
	code, err := d.uvarint("key")
	if err != nil {
		return "", err
	}
	if code > 0 {
		if code > uint64(len(d.br.keys)) {
			return "", d.fail("key number %d was never defined", code-1)
		}
		return d.br.keys[code-1], nil
	}
	p, err := d.raw("key length")
	if err != nil {
		return "", err
	}
	s, ok := d.br.intern[string(p)]
	if !ok {
		s = string(p)
		if len(d.br.intern) < maxInternKeys {
			d.br.intern[s] = s
		}
	}
	if len(d.br.keys) < maxBlockKeys {
		d.br.keys = append(d.br.keys, s)
	}
	return s, nil
}

func (d *dec) tableDump() (*TableDump, error) {
	t := &TableDump{HasExtras: true}
	var err error
	if t.Name, err = d.str("table name"); err != nil {
		return nil, err
	}
	if t.PrimaryKey, err = d.str("primary key"); err != nil {
		return nil, err
	}
	if t.Name == "" || t.PrimaryKey == "" {
		return nil, d.fail("empty table name or primary key")
	}
	has, err := d.byte("schema flag")
	if err != nil {
		return nil, err
	}
	switch has {
	case 0:
	case 1:
		n, err := d.count("schema field count", 2)
		if err != nil {
			return nil, err
		}
		t.Schema = make([]SchemaField, 0, prealloc(n))
		for range n {
			var f SchemaField
			if f.Name, err = d.str("schema field"); err != nil {
				return nil, err
			}
			if f.Type, err = d.str("schema type"); err != nil {
				return nil, err
			}
			if f.Name == "" || !validSchemaType(f.Type) {
				return nil, d.fail("unsupported type in schema: %q", f.Type)
			}
			t.Schema = append(t.Schema, f)
		}
	default:
		return nil, d.fail("bad schema flag %d", has)
	}
	next, err := d.uvarint("next id")
	if err != nil {
		return nil, err
	}
	if next > math.MaxInt64 {
		return nil, d.fail("next id %d out of range", next)
	}
	t.NextID = int64(next)
	n, err := d.count("index count", 3)
	if err != nil {
		return nil, err
	}
	for range n {
		var x IndexDump
		if x.Field, err = d.str("index field"); err != nil {
			return nil, err
		}
		if x.Kind, err = d.str("index kind"); err != nil {
			return nil, err
		}
		u, err := d.byte("index unique flag")
		if err != nil {
			return nil, err
		}
		if x.Field == "" || (x.Kind != "hash" && x.Kind != "sorted") || u > 1 {
			return nil, d.fail("bad index definition")
		}
		x.Unique = u == 1
		t.Indexes = append(t.Indexes, x)
	}
	return t, nil
}

// record reads a record (a map body at depth 0) straight into a Record,
// checking what mapBody checks: no empty field name, no field twice.
func (d *dec) record() (Record, error) {
	at := d.offset()
	n, err := d.count("field count", 2)
	if err != nil {
		return Record{}, err
	}
	br := d.br
	names, vals := br.names[:0], br.vals[:0]
	defer func() { clear(vals); br.names, br.vals = names[:0], vals[:0] }()
	for range n {
		k, err := d.key()
		if err != nil {
			return Record{}, err
		}
		if k == "" {
			return Record{}, d.fail("empty field name")
		}
		v, err := d.value(1)
		if err != nil {
			return Record{}, err
		}
		names, vals = append(names, k), append(vals, v)
	}
	s, slots, dup := br.shapes.of(names)
	if dup != "" {
		return Record{}, br.corrupt(at, nil, "field %q appears twice", dup)
	}
	r, out := NewRecord(s)
	for i, slot := range slots {
		out[slot] = vals[i]
	}
	return r, nil
}

// A shapeCache finds the shape of records whose field names come in a file's
// order (the primary key first, then sorted), remembering the last list of
// names: the records of a table usually share it.
type shapeCache struct {
	names []string // the last names, in file order
	shape *Shape
	slots []int // slots[i]: the slot in shape of names[i]
}

// of returns the shape of names (given in any order) and each name's slot
// in it; dup names a field given twice, and then the rest is unset.
func (c *shapeCache) of(names []string) (s *Shape, slots []int, dup string) {
	if c.shape != nil && slices.Equal(names, c.names) {
		return c.shape, c.slots, ""
	}
	var buf [16]string
	sorted := append(buf[:0], names...)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return nil, nil, sorted[i]
		}
	}
	s = internSorted(sorted)
	c.names = append(c.names[:0], names...)
	c.slots = c.slots[:0]
	for _, n := range names {
		c.slots = append(c.slots, s.Slot(n))
	}
	c.shape = s
	return s, c.slots, ""
}

func (d *dec) mapBody(depth int) (map[string]any, error) {
	n, err := d.count("field count", 2)
	if err != nil {
		return nil, err
	}
	m := make(map[string]any, prealloc(n))
	for range n {
		k, err := d.key()
		if err != nil {
			return nil, err
		}
		if depth == 0 && k == "" {
			return nil, d.fail("empty field name")
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, d.fail("field %q appears twice", k)
		}
		m[k] = v
	}
	return m, nil
}

func (d *dec) value(depth int) (any, error) {
	tag, err := d.byte("value")
	if err != nil {
		return nil, err
	}
	switch tag {
	case tagNull:
		return nil, nil
	case tagFalse:
		return false, nil
	case tagTrue:
		return true, nil
	case tagInt:
		return d.varint("integer")
	case tagFloat:
		if len(d.b)-d.pos < 8 {
			return nil, d.fail("truncated float")
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.pos:]))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, d.fail("float %v is not allowed", f)
		}
		d.pos += 8
		return f, nil
	case tagString:
		return d.str("string")
	case tagBytes:
		p, err := d.raw("bytes")
		if err != nil {
			return nil, err
		}
		return append(make([]byte, 0, len(p)), p...), nil
	case tagTime:
		sec, err := d.varint("time seconds")
		if err != nil {
			return nil, err
		}
		ns, err := d.uvarint("time nanoseconds")
		if err != nil {
			return nil, err
		}
		if ns >= 1e9 {
			return nil, d.fail("time nanoseconds %d out of range", ns)
		}
		return time.Unix(sec, int64(ns)).UTC(), nil
	case tagList:
		if depth > MaxDepth {
			return nil, d.fail("nesting deeper than %d", MaxDepth)
		}
		n, err := d.count("list length", 1)
		if err != nil {
			return nil, err
		}
		l := make([]any, 0, prealloc(n))
		for range n {
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	case tagMap:
		if depth > MaxDepth {
			return nil, d.fail("nesting deeper than %d", MaxDepth)
		}
		return d.mapBody(depth)
	}
	d.pos--
	return nil, d.fail("unknown value tag %d", tag)
}

// appendTableMetaBinary appends a table's metadata as a binary dump's table
// block payload holds it (name, primary key, schema, next auto key,
// indexes), so that dec.tableDump reads it.
func appendTableMetaBinary(b []byte, t *TableDump) []byte {
	b = appendStr(b, t.Name)
	b = appendStr(b, t.PrimaryKey)
	if t.Schema == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(t.Schema)))
		for _, f := range t.Schema {
			b = appendStr(b, f.Name)
			b = appendStr(b, f.Type)
		}
	}
	b = binary.AppendUvarint(b, uint64(t.NextID))
	return appendIndexesBinary(b, t.Indexes)
}

// appendIndexesBinary appends index definitions: a count, then each
// field, kind and uniqueness.
func appendIndexesBinary(b []byte, xs []IndexDump) []byte {
	b = binary.AppendUvarint(b, uint64(len(xs)))
	for _, x := range xs {
		b = appendStr(b, x.Field)
		b = appendStr(b, x.Kind)
		if x.Unique {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return b
}
