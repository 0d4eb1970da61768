package dictdb

// Backup files: names, the verified footer, and the directory scan.
//
// Every backup file is its content (a JSON or binary database dump, or a
// JSON or binary delta) followed by a footer: a small JSON object that
// places the file in its chain and checksums it.
//
//	{"v":1,"kind":"delta","format":"json","n":7,"seq":120,
//	 "base":"dictdb_delta_…","base_n":6,"base_seq":113,
//	 "full":"dictdb_backup_…","full_n":5,"time_us":…,
//	 "size":4711,"sha256":"…","set":"…","check":"1a2b3c4d"}
//
// "set" names the backup set the file belongs to: 32 random hex digits
// that a manager draws for a directory without backups and that every
// manager after it in that directory adopts, so that a backup file copied
// in from another directory (with a higher number, it would otherwise be
// restored as the newest point) or written by a second manager is told
// apart from the directory's own. Files of earlier releases have no set;
// they belong to the directory's set if numbered before its first file
// with one, as an upgrade leaves them.
//
// "n" numbers the backups of a directory in the order they were written
// (the manager continues from the highest number it finds, so a restart or
// a clock stepping back never reorders them), "seq" is the commit the file
// reflects, and a delta names the file it applies on top of ("base") and
// the full backup its chain starts from ("full"). "sha256" is the SHA-256
// of the content before the footer ("size" bytes), and "check" the CRC-32C
// (Castagnoli) of the footer's own text before it, so that the footer can
// be trusted before the content is read.
//
// In a JSON file the footer is the last key of the top-level object,
// "dictdb_backup", so the file stays a valid JSON document that the Python
// DictDB and Load read as usual; the checksummed content is the document
// without its final "\n}\n". In a binary file the footer follows the
// content, then its length (uint32 little-endian) and the magic
// "\x89DDBFTR\n".

import (
	"bytes"
	cryptorand "crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dictdb-go/dictdb/codec"
)

const (
	fullPrefix  = "dictdb_backup_"
	deltaPrefix = "dictdb_delta_"

	footerKey         = `"dictdb_backup": `
	binaryFooterMagic = "\x89DDBFTR\n"
	footerCheckLen    = len(`,"check":"12345678"}`)
	maxFooterLen      = 16 << 10
	jsonDocEnd        = "\n}\n"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// backupMeta is a backup file's footer.
type backupMeta struct {
	V       int    `json:"v"`
	Kind    string `json:"kind"`   // "full" or "delta"
	Format  string `json:"format"` // "json" or "binary"
	N       uint64 `json:"n"`
	Seq     uint64 `json:"seq"`
	Base    string `json:"base,omitempty"`
	BaseN   uint64 `json:"base_n,omitempty"`
	BaseSeq uint64 `json:"base_seq,omitempty"`
	Full    string `json:"full,omitempty"`
	FullN   uint64 `json:"full_n,omitempty"`
	Time    int64  `json:"time_us"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	Set     string `json:"set,omitempty"`
}

func (m *backupMeta) full() bool { return m.Kind == "full" }

// encodeFooter returns the footer bytes that follow a file's content.
func encodeFooter(meta *backupMeta, jsonIndent string) ([]byte, error) {
	b, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	b = b[:len(b)-1] // the closing brace
	b = fmt.Appendf(b, `,"check":"%08x"}`, crc32.Checksum(b, castagnoli))
	if jsonIndent != "" {
		out := append([]byte(",\n"+jsonIndent+footerKey), b...)
		return append(out, jsonDocEnd...), nil
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(b)))
	return append(b, binaryFooterMagic...), nil
}

// errNoFooter says a file has no verifiable footer.
func errNoFooter(msg string) error {
	return &codec.CorruptError{Format: "backup", Offset: -1, Msg: msg}
}

// readFooter reads and checks the footer of the file f of the given size.
// It returns the footer and the length of the content before it.
func readFooter(f io.ReaderAt, size int64) (*backupMeta, int64, error) {
	n := min(size, maxFooterLen)
	tail := make([]byte, n)
	if _, err := f.ReadAt(tail, size-n); err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, err
	}
	var raw []byte
	var bodyLen int64
	switch {
	case bytes.HasSuffix(tail, []byte(binaryFooterMagic)):
		end := len(tail) - len(binaryFooterMagic) - 4
		if end < 0 {
			return nil, 0, errNoFooter("truncated backup footer")
		}
		l := int(binary.LittleEndian.Uint32(tail[end:]))
		if l > end {
			return nil, 0, errNoFooter("bad backup footer length")
		}
		raw = tail[end-l : end]
		bodyLen = size - int64(len(tail)-(end-l))
	case bytes.HasSuffix(tail, []byte(jsonDocEnd)):
		at := bytes.LastIndex(tail, []byte(footerKey))
		if at < 0 {
			return nil, 0, errNoFooter("no backup footer (a file from the Python DictDB or an earlier dictdb, or a damaged one)")
		}
		i := at
		for i > 0 && tail[i-1] == ' ' {
			i--
		}
		if i < 2 || tail[i-1] != '\n' || tail[i-2] != ',' {
			return nil, 0, errNoFooter("malformed backup footer")
		}
		raw = tail[at+len(footerKey) : len(tail)-len(jsonDocEnd)]
		bodyLen = size - int64(len(tail)-(i-2))
	default:
		return nil, 0, errNoFooter("no backup footer (a file from the Python DictDB or an earlier dictdb, or a damaged one)")
	}
	if len(raw) < footerCheckLen+1 || !bytes.HasPrefix(raw[len(raw)-footerCheckLen:], []byte(`,"check":"`)) ||
		!bytes.HasSuffix(raw, []byte(`"}`)) {
		return nil, 0, errNoFooter("malformed backup footer")
	}
	text := raw[:len(raw)-footerCheckLen]
	sum, err := strconv.ParseUint(string(raw[len(raw)-footerCheckLen+10:len(raw)-2]), 16, 32)
	if err != nil || uint32(sum) != crc32.Checksum(text, castagnoli) {
		return nil, 0, errNoFooter("backup footer checksum mismatch")
	}
	meta := &backupMeta{}
	if err := json.Unmarshal(append(slices.Clip(text), '}'), meta); err != nil {
		return nil, 0, errNoFooter("malformed backup footer: " + err.Error())
	}
	if err := meta.validate(bodyLen); err != nil {
		return nil, 0, errNoFooter(err.Error())
	}
	return meta, bodyLen, nil
}

func (m *backupMeta) validate(bodyLen int64) error {
	switch {
	case m.V != 1:
		return fmt.Errorf("unsupported backup footer version %d", m.V)
	case m.Kind != "full" && m.Kind != "delta":
		return fmt.Errorf("unknown backup kind %q", m.Kind)
	case m.Format != "json" && m.Format != "binary":
		return fmt.Errorf("unknown backup format %q", m.Format)
	case m.N == 0:
		return errors.New("backup number 0")
	case m.Size != bodyLen:
		return fmt.Errorf("the footer says %d bytes of content, the file holds %d", m.Size, bodyLen)
	case len(m.SHA256) != 2*sha256.Size:
		return errors.New("bad content checksum in the footer")
	case len(m.Set) > 64:
		return errors.New("bad backup set in the footer")
	case m.Kind == "delta" && (m.Base == "" || m.Full == "" || m.BaseN == 0 || m.FullN == 0 || m.BaseN >= m.N || m.FullN > m.BaseN):
		return errors.New("a delta's footer must name its base and full backup, both written before it")
	}
	return nil
}

// verifyContent checks the content of f against its footer's checksum.
func verifyContent(f io.ReaderAt, meta *backupMeta) error {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, meta.Size)); err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != meta.SHA256 {
		return &codec.CorruptError{Format: "backup", Offset: -1,
			Msg: "content checksum mismatch: the file changed after it was written"}
	}
	return nil
}

// bodyWriter passes a file's content through, hashing and counting it, and
// holds back the last keep bytes (the end of a JSON document, which the
// footer replaces).
type bodyWriter struct {
	w    io.Writer
	h    hash.Hash
	n    int64
	keep int
	held []byte
}

func (b *bodyWriter) emit(p []byte) error {
	n, err := b.w.Write(p)
	b.h.Write(p[:n])
	b.n += int64(n)
	return err
}

func (b *bodyWriter) Write(p []byte) (int, error) {
	if b.keep == 0 {
		if err := b.emit(p); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	b.held = append(b.held, p...)
	if over := len(b.held) - b.keep; over > 0 {
		if err := b.emit(b.held[:over]); err != nil {
			return 0, err
		}
		b.held = append(b.held[:0], b.held[over:]...)
	}
	return len(p), nil
}

// writeBackupFile writes path crash-safely: the content write produces,
// then the footer for meta, which it completes (size and checksum). It
// returns the file's size.
func (m *BackupManager) writeBackupFile(path string, meta *backupMeta, write func(io.Writer) error) (int64, error) {
	var size int64
	err := writeFileAtomic(path, func(w io.Writer) error {
		if m.testWrap != nil {
			w = m.testWrap(w)
		}
		bw := &bodyWriter{w: w, h: sha256.New()}
		indent := ""
		if meta.Format == "json" {
			bw.keep = len(jsonDocEnd)
			indent = "  "
			if meta.full() {
				indent = "    "
			}
		}
		if err := write(bw); err != nil {
			return err
		}
		if bw.keep > 0 && string(bw.held) != jsonDocEnd {
			return fmt.Errorf("backup: unexpected end of a JSON document %q", bw.held)
		}
		meta.Size, meta.SHA256 = bw.n, hex.EncodeToString(bw.h.Sum(nil))
		footer, err := encodeFooter(meta, indent)
		if err != nil {
			return err
		}
		_, err = w.Write(footer)
		size = bw.n + int64(len(footer))
		return err
	})
	return size, err
}

// backupFile is a backup file found in a directory.
type backupFile struct {
	name    string
	stamp   int64 // microseconds, from the name
	full    bool  // from the name
	meta    *backupMeta
	bodyLen int64
	err     error // why the footer is missing or unusable
}

// parseBackupName recognizes the names the manager writes:
// dictdb_backup_<seconds>_<microseconds>.<json|bin> and the same with
// dictdb_delta_. Temporary files and anything else are not backups.
func parseBackupName(name string) (f backupFile, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(name, fullPrefix):
		f.full, rest = true, strings.TrimPrefix(name, fullPrefix)
	case strings.HasPrefix(name, deltaPrefix):
		rest = strings.TrimPrefix(name, deltaPrefix)
	default:
		return f, false
	}
	stem, ext, _ := strings.Cut(rest, ".")
	if ext != "json" && ext != "bin" {
		return f, false
	}
	secs, micros, ok := strings.Cut(stem, "_")
	s, err1 := strconv.ParseInt(secs, 10, 64)
	us, err2 := strconv.ParseInt(micros, 10, 64)
	if !ok || err1 != nil || err2 != nil || len(micros) != 6 || s < 0 || us < 0 {
		return f, false
	}
	f.name, f.stamp = name, s*1_000_000+us
	return f, true
}

// scanBackups returns the directory's backup files, each with its footer
// (or why it has none), in the order of their names' stamps.
func scanBackups(dir string) ([]backupFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []backupFile
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		f, ok := parseBackupName(e.Name())
		if !ok {
			continue
		}
		f.meta, f.bodyLen, f.err = readFooterOf(filepath.Join(dir, f.name))
		if f.err == nil && f.meta.full() != f.full {
			f.meta, f.err = nil, errNoFooter("the footer's kind does not match the file name")
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b backupFile) int {
		if a.stamp != b.stamp {
			if a.stamp < b.stamp {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	return out, nil
}

func readFooterOf(path string) (*backupMeta, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	return readFooter(f, fi.Size())
}

// newBackupSet returns a fresh backup set name: 128 random bits in hex.
func newBackupSet() string {
	var b [16]byte
	_, _ = cryptorand.Read(b[:]) // never fails (crypto/rand panics rather)
	return hex.EncodeToString(b[:])
}

// directorySet returns the backup set of the verified files among files,
// "" if none has one (a directory without backups, or with only earlier
// releases' files). It fails with ErrBackupChain when the files do not
// form one set: files of two sets, a file without a set numbered after
// the set's first file (files of earlier releases precede it), or two
// different files with one number (two managers writing to one
// directory; a copy of a file under another name is not one).
func directorySet(dir string, files []backupFile) (string, error) {
	var set, setFile, legacyFile string
	var setMin, legacyMax uint64
	byN := map[uint64]*backupFile{}
	for i := range files {
		f := &files[i]
		m := f.meta
		if m == nil {
			continue
		}
		// Two files with one number are one backup under two names (a
		// copy: their footers are equal), or the work of two managers.
		if other, dup := byN[m.N]; dup && *other.meta != *m {
			return "", fmt.Errorf("%w: %s and %s in %s are both backup %d: two managers wrote to the directory; "+
				"move one's files out, or restore one with RestoreOptions.UpTo", ErrBackupChain, other.name, f.name, dir, m.N)
		}
		byN[m.N] = f
		switch {
		case m.Set == "":
			if m.N > legacyMax {
				legacyMax, legacyFile = m.N, f.name
			}
		case set == "":
			set, setFile, setMin = m.Set, f.name, m.N
		case m.Set != set:
			return "", fmt.Errorf("%w: %s and %s in %s belong to different backup sets: files copied in from "+
				"another backup directory, or two managers writing to it; move the foreign files out, or restore "+
				"one with RestoreOptions.UpTo", ErrBackupChain, setFile, f.name, dir)
		case m.N < setMin:
			setMin, setFile = m.N, f.name
		}
	}
	if set != "" && legacyMax > setMin {
		return "", fmt.Errorf("%w: %s in %s has no backup set but follows %s, which has one: a file copied in "+
			"from another backup directory; move it out, or restore with RestoreOptions.UpTo",
			ErrBackupChain, legacyFile, dir, setFile)
	}
	return set, nil
}
