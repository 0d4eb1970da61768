package dictdb

// Saving and loading whole databases: Save, SaveTo, WriteSnapshot, Load and
// LoadFrom, and the crash-safe file writing under Save.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/internal/stored"
	"github.com/dictdb-go/dictdb/tbl"
)

// A PathError reports a path outside the allowed directory; it wraps
// ErrOutsideAllowedDir. Path and Dir are the resolved absolute paths.
type PathError struct {
	Path, Dir string
}

// Error names the path and the allowed directory.
func (e *PathError) Error() string {
	return fmt.Sprintf("dictdb: path %q: outside the allowed directory %q", e.Path, e.Dir)
}

// Unwrap returns ErrOutsideAllowedDir.
func (e *PathError) Unwrap() error { return ErrOutsideAllowedDir }

// A Format is a file format.
type Format uint8

// The file formats. The zero Format is invalid.
const (
	// JSON is the Python DictDB's JSON file layout: files move both ways
	// between the two libraries. dictdb adds two keys per table that the
	// Python library ignores, "next_id" and "indexes"; PythonCompatible
	// leaves them out, making the file byte for byte what the Python DictDB
	// would write. JSON keeps int vs float but turns time.Time into an RFC
	// 3339 string and []byte into a base64 string (they load back as
	// strings), and record fields are written primary key first, then
	// sorted.
	JSON Format = iota + 1
	// Binary is dictdb's own format: versioned, CRC-32C checksummed blocks,
	// exact for every kind of value, several times faster to load and
	// smaller than JSON. Each block's checksum covers everything before it,
	// so blocks out of place are detected as well as damaged ones. A file
	// ends with a directory of its tables (their definitions, row counts
	// and field kinds), which codec.ReadBinaryDirectory and the dictdb
	// command's tables and schema read without reading the records; Load
	// checks it against the tables. Files of the earlier versions, without
	// a directory, load as before.
	Binary
	// Auto, for loading only, detects the format from the content.
	Auto
)

// String returns "json", "binary" or "auto".
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case Binary:
		return "binary"
	case Auto:
		return "auto"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// ParseFormat returns the format named name, case-insensitively: "json",
// "binary" or "auto". The Python DictDB's "pickle" has no Go counterpart:
// use Binary.
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(name) {
	case "json":
		return JSON, nil
	case "binary":
		return Binary, nil
	case "auto":
		return Auto, nil
	case "pickle":
		return 0, fmt.Errorf("%w: %q is Python-only; use the binary format", ErrInvalidFormat, name)
	}
	return 0, fmt.Errorf("%w: unsupported file format %q; use 'json' or 'binary'", ErrInvalidFormat, name)
}

func checkFormat(f Format, load bool) error {
	switch {
	case f == JSON || f == Binary:
		return nil
	case f == Auto && load:
		return nil
	case f == Auto:
		return fmt.Errorf("%w: Auto is for loading only; save as JSON or Binary", ErrInvalidFormat)
	}
	return fmt.Errorf("%w: %v", ErrInvalidFormat, f)
}

// AllowedDir restricts Save and Load to paths inside dir, as the Python
// DictDB's allowed_dir does: both the path and dir are made absolute and
// free of symbolic links, and the path must be dir itself or below it
// ("allowed2/x" is not inside "allowed", nor is "allowed/../x"). Otherwise
// the call fails with a *PathError wrapping ErrOutsideAllowedDir before
// touching any file.
func AllowedDir(dir string) Option { return func(o *options) { o.allowedDir = dir } }

// PythonCompatible makes a JSON save leave out dictdb's extra keys, so that
// the file is byte for byte what the Python DictDB writes for the same data
// (fields in dictdb's order). Loading it back recomputes the next auto keys
// and creates no index. It has no effect on Binary.
func PythonCompatible() Option {
	return func(o *options) { o.omitExtras = true }
}

// testWrapFile, when set by tests, wraps the temporary file a save writes.
var testWrapFile func(io.Writer) io.Writer

// Save writes the whole database to path in format f (JSON or Binary).
//
// Save writes from one snapshot (DB.Snapshot): the file holds one
// consistent state of every table, and writers are never blocked or slowed
// by locks while it runs, so `go db.Save(...)` runs it in the background.
//
// Save is crash-safe. It writes a temporary file in the same directory,
// named ".<base>.dictdb-tmp-" and 16 random hex digits for a target named
// <base>, fsyncs it, renames it over path and fsyncs the directory. If the
// save fails or the process dies at any point, the previous file at path is
// intact: a reader sees either the old file or the new one, complete. A
// failed save removes its temporary file. One that a killed process left
// behind is never read, and the next save to the same path removes it; a
// save removes only files whose name has exactly that form, that are
// regular files and that no save is still writing (on Linux, macOS and the
// BSDs a save holds an flock(2) lock on its temporary file, which the
// kernel drops when the process dies; elsewhere only this process's own
// saves are known to be live).
//
// The new file keeps the permissions of the file it replaces (0644 for a
// new one); a path that is a symbolic link is saved through to its target,
// which is created if missing (a loop of links fails with ELOOP). A path
// named like a temporary file (".<name>.dictdb-tmp-" and 16 hex digits) is
// refused with ErrInvalidArgument: the next save next to it would remove
// it.
// With AllowedDir, a path outside the directory fails with a *PathError
// before any file is touched. PythonCompatible leaves dictdb's extra JSON
// keys out.
func (db *DB) Save(path string, f Format, opts ...Option) error {
	return db.SaveContext(context.Background(), path, f, opts...)
}

// SaveContext is Save that stops once ctx ends, removing its temporary file
// and leaving the file at path as it was (see the package notes on
// cancellable operations).
func (db *DB) SaveContext(ctx context.Context, path string, f Format, opts ...Option) error {
	if err := nilContext(ctx, "SaveContext"); err != nil {
		return err
	}
	if err := checkFormat(f, false); err != nil {
		return err
	}
	cfg := collect(opts)
	target, err := checkPath(path, cfg.allowedDir)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return cancelled(ctx, "save", err)
	}
	snap := db.Snapshot()
	err = writeFileAtomic(target, func(w io.Writer) error {
		if err := writeSnapshot(writerWithContext(ctx, w), snap, f, cfg); err != nil {
			return err
		}
		return ctx.Err() // written whole, but not to replace the file once ctx ended
	})
	err = cancelled(ctx, "save", err)
	if err != nil {
		db.log.Info("Save failed.", "path", path, "format", f.String(), "err", err)
		return err
	}
	db.log.Info("Saved database.", "path", path, "format", f.String(), "seq", snap.Seq())
	return nil
}

// SaveTo writes the whole database to w in format f (JSON or Binary). Like
// Save it writes from one snapshot, so the output is one consistent state
// of every table and writers are never blocked while it runs. It does not
// close w, and on error w may hold part of the output: crash safety is
// Save's, for files. AllowedDir has no effect here.
func (db *DB) SaveTo(w io.Writer, f Format, opts ...Option) error {
	return WriteSnapshot(w, db.Snapshot(), f, opts...)
}

// WriteSnapshot writes snap to w in format f (JSON or Binary): what SaveTo
// does, for a snapshot taken earlier (a backup of a known state). A
// snapshot never changes, so the output is that state whatever writers do
// meanwhile, and they are never blocked. It does not close w, and on error
// w may hold part of the output.
func WriteSnapshot(w io.Writer, snap *Snapshot, f Format, opts ...Option) error {
	if err := checkFormat(f, false); err != nil {
		return err
	}
	if w == nil || snap == nil {
		return fmt.Errorf("%w: WriteSnapshot needs a writer and a snapshot", ErrInvalidArgument)
	}
	cfg := collect(opts)
	return writeSnapshot(w, snap, f, cfg)
}

func writeSnapshot(w io.Writer, snap *Snapshot, f Format, cfg options) error {
	var dw codec.DumpWriter
	if f == JSON {
		dw = codec.NewJSONWriter(w, codec.JSONOptions{OmitExtras: cfg.omitExtras})
	} else {
		dw = codec.NewBinaryWriter(w)
	}
	for _, name := range snap.TableNames() {
		view, err := snap.Table(name)
		if err != nil {
			return err
		}
		t := view.t
		if err := dw.BeginTable(tableDump(t)); err != nil {
			return fmt.Errorf("dictdb: save table %q: %w", name, err)
		}
		for _, r := range t.All() {
			if err := dw.WriteRecord(stored.Record(r)); err != nil {
				return fmt.Errorf("dictdb: save table %q: %w", name, err)
			}
		}
		if err := dw.EndTable(); err != nil {
			return fmt.Errorf("dictdb: save table %q: %w", name, err)
		}
	}
	return dw.Close()
}

func tableDump(t *tbl.Table) *codec.TableDump {
	d := &codec.TableDump{Name: t.Name(), PrimaryKey: t.PrimaryKey(), NextID: t.NextID()}
	if s := t.Schema(); s != nil {
		d.Schema = []codec.SchemaField{}
		for _, c := range s.Columns() {
			d.Schema = append(d.Schema, codec.SchemaField{Name: c.Name, Type: c.Type.String()})
		}
	}
	for _, x := range t.Indexes() {
		d.Indexes = append(d.Indexes, codec.IndexDump{Field: x.Field, Kind: x.Kind.String(), Unique: x.Unique})
	}
	return d
}

// Load reads a database from path in format f (JSON, Binary or Auto) and
// returns it; opts may hold AllowedDir and any DB Option. A missing or
// unreadable file gives the os error (errors.Is(err, fs.ErrNotExist), ...).
//
// Load restores the tables, primary keys, schemas, next auto keys and
// indexes. A JSON file without dictdb's extra keys (one from the Python
// DictDB) is loaded as the Python library loads it: every record is
// inserted in file order, records without a key get auto keys, schemas are
// checked, and no index is created.
//
// Load validates everything it reads and returns a database only if the
// whole file is sound; on any error nothing is returned. A damaged file
// (bad syntax, a checksum mismatch, truncation, blocks out of place, a
// structure that is not a dictdb dump, a table that appears twice) gives
// an error wrapping ErrCorrupt: a *CorruptError with the byte offset, and
// the line for JSON. Records that break their table's rules (the schema,
// duplicate primary keys, unique indexes) give an error wrapping both
// ErrCorrupt and the rule's error. A value outside dictdb's value model,
// which a Python-written file can hold (NaN, Infinity, an integer beyond
// int64, true in an int field), gives an error wrapping ErrCorrupt and
// ErrUnsupportedValue (ErrSchema for the bool) naming the table, record,
// field and value; the package doc's "Differences from the Python DictDB"
// says what to do about it.
//
// Load never panics, whatever the file holds, and allocates in proportion
// to the input it actually reads: a length or count field claiming more
// than the file holds allocates nothing in advance.
func Load(path string, f Format, opts ...Option) (*DB, error) {
	return LoadContext(context.Background(), path, f, opts...)
}

// LoadContext is Load that stops once ctx ends, returning no database (see
// the package notes on cancellable operations).
func LoadContext(ctx context.Context, path string, f Format, opts ...Option) (*DB, error) {
	if err := nilContext(ctx, "LoadContext"); err != nil {
		return nil, err
	}
	if err := checkFormat(f, true); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, cancelled(ctx, "load", err)
	}
	cfg := collect(opts)
	target, err := checkPath(path, cfg.allowedDir)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(target)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	db, err := loadFrom(readerWithContext(ctx, file), f, cfg)
	if err != nil {
		return nil, cancelled(ctx, "load", err)
	}
	return db, nil
}

// LoadFrom reads a database from r in format f (JSON, Binary or Auto); opts
// may hold any DB Option (AllowedDir has no effect here). It restores and
// validates what Load does: a damaged input gives an error wrapping
// ErrCorrupt (a *CorruptError with the byte offset, and the line for JSON),
// records that break their table's rules an error wrapping ErrCorrupt and
// the rule's error, and on any error nothing is returned. It never panics
// and allocates in proportion to the input it actually reads.
func LoadFrom(r io.Reader, f Format, opts ...Option) (*DB, error) {
	if err := checkFormat(f, true); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("%w: LoadFrom needs a reader", ErrInvalidArgument)
	}
	cfg := collect(opts)
	return loadFrom(r, f, cfg)
}

func loadFrom(r io.Reader, f Format, cfg options) (*DB, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if f == Auto {
		f = JSON
		if p, _ := br.Peek(len(codec.BinaryMagic)); codec.IsBinary(p) {
			f = Binary
		}
	}
	if err := checkTTLDecls(&cfg); err != nil {
		return nil, err
	}
	db := newDB(cfg)
	l := &loader{db: db}
	var err error
	if f == Binary {
		err = codec.DecodeBinary(br, l)
	} else {
		err = codec.DecodeJSON(br, l)
	}
	if err != nil {
		return nil, err
	}
	if err := db.declareTTL(&cfg); err != nil {
		return nil, err
	}
	db.sweep.ensureFor(db, db.store.Load())
	db.log.Info("Loaded database.", "format", f.String(), "tables", len(db.TableNames()))
	return db, nil
}

// loader is the codec.RecordVisitor that rebuilds tables. It takes each
// record in its compact form, straight from the decoder, and keeps only
// the records (no map per record) until the table ends.
type loader struct {
	db      *DB
	cur     *tbl.Table
	begun   codec.TableDump // the metadata cur was built from
	recs    []codec.Record
	intCols []*codec.Field // the current table's Int schema fields
}

var _ codec.RecordVisitor = (*loader)(nil)

func (l *loader) BeginTable(d *codec.TableDump) error {
	if _, exists := l.db.store.Load().Table(d.Name); exists {
		return fmt.Errorf("table %q appears twice", d.Name)
	}
	// Indexes come with the empty table: the bulk insert then builds them
	// with the rows.
	t, err := tableFromDump(d)
	if err != nil {
		return err
	}
	l.cur, l.begun, l.recs, l.intCols = t, *d, nil, l.intCols[:0]
	if s := t.Schema(); s != nil {
		for _, c := range s.Columns() {
			if c.Type == tbl.Int {
				l.intCols = append(l.intCols, codec.NewField(c.Name))
			}
		}
	}
	return nil
}

// Record takes a record as a map: decoders hand a RecordVisitor records
// through VisitRecord, so this serves only callers of the Visitor
// interface.
func (l *loader) Record(rec map[string]any) error {
	var n codec.Normalizer
	return l.VisitRecord(n.Wrap(rec, ""))
}

func (l *loader) VisitRecord(rec codec.Record) error {
	// A bool is an int to the Python DictDB's schema check, so its files
	// can hold true in an int field; say so rather than only "wrong type".
	for _, f := range l.intCols {
		if b, ok := f.Value(rec).(bool); ok {
			record := "record without a key"
			k, _ := rec.Get(l.cur.PrimaryKey())
			switch k := k.(type) {
			case string:
				record = "record " + strconv.Quote(k)
			case int64:
				record = "record " + strconv.FormatInt(k, 10)
			}
			return fmt.Errorf("%s: field %q: %w: value %v in an int field: a bool is not an int in dictdb (the Python DictDB accepts it)",
				record, f.Name(), ErrSchema, b)
		}
	}
	l.recs = append(l.recs, rec)
	return nil
}

func (l *loader) EndTable(d *codec.TableDump) error {
	recs := l.recs
	l.recs = nil // the table's rows hold the records now; the slice is garbage
	if !sameDefinition(&l.begun, d) {
		// A JSON table whose primary key, schema or indexes come after
		// its records (keys may come in any order): the complete metadata
		// decides, as it would have before the records.
		t, err := tableFromDump(d)
		if err != nil {
			return err
		}
		l.cur = t
	}
	next, err := stored.RestoreRecords(l.cur, recs)
	if err != nil {
		return inTable(d.Name, err)
	}
	t := next.(*tbl.Table)
	if d.NextID > 0 {
		t = t.WithNextID(d.NextID)
	}
	l.cur = nil
	return l.db.addTable(t)
}

// sameDefinition reports whether two dumps of a table define it alike:
// primary key, schema and indexes.
func sameDefinition(a, b *codec.TableDump) bool {
	return a.PrimaryKey == b.PrimaryKey && (a.Schema == nil) == (b.Schema == nil) &&
		slices.Equal(a.Schema, b.Schema) && slices.Equal(a.Indexes, b.Indexes)
}

// checkPath returns the path to use, after the allowed-directory check.
func checkPath(path, allowedDir string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("%w: empty path", ErrInvalidArgument)
	}
	if allowedDir == "" {
		return path, nil
	}
	p, err := realPath(path)
	if err != nil {
		return "", err
	}
	d, err := realPath(allowedDir)
	if err != nil {
		return "", err
	}
	if p != d && !strings.HasPrefix(p, strings.TrimSuffix(d, string(filepath.Separator))+string(filepath.Separator)) {
		return "", &PathError{Path: p, Dir: d}
	}
	return p, nil
}

// realPath makes p absolute and resolves symbolic links in its longest
// existing prefix, like Python's os.path.realpath.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	// A link at the end is followed even if what it names does not exist
	// (yet): a save through it creates its target.
	if abs, err = followLinks(abs); err != nil {
		return "", err
	}
	rest := ""
	cur := abs
	for {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// maxLinks is how many symbolic links a path may go through.
const maxLinks = 40

// followLinks returns path with the symbolic links it ends in followed,
// as opening it would follow them, whether or not the last one's target
// exists. A chain of more than maxLinks (a loop) is an error.
func followLinks(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			// Relative to the link's directory, as that directory
			// really is: ".." in target leaves the real one.
			dir := filepath.Dir(path)
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real
			}
			target = filepath.Join(dir, target)
		}
		path = target
	}
	return "", &os.PathError{Op: "save", Path: path, Err: syscall.ELOOP}
}

// writeFileAtomic writes path through a temporary file in the same
// directory: write, fsync, rename, fsync the directory. On any failure the
// temporary file is removed and path is untouched. It first removes the
// temporary files interrupted writes to path left behind.
//
// A path that is a symbolic link is written through to its target (made if
// missing), as opening it would be. A path named like a temporary file is
// refused: a later save next to it would remove it as a leftover.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	if path, err = followLinks(path); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	switch {
	case base == "" || base == "." || base == "..":
		return fmt.Errorf("%w: save: %s does not name a file", ErrInvalidArgument, path)
	case isTempName(base, ""):
		return fmt.Errorf("%w: save: %s is named like a temporary file of a save, which later saves in its directory remove",
			ErrInvalidArgument, path)
	}
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("save: %s is a directory", path)
		}
		perm = fi.Mode().Perm()
	}
	removeStaleTemps(dir, base) // best effort: leftovers of interrupted saves (see tempfile.go)
	tmp, err := createTemp(dir, base)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				tmp.Close()
			}
			os.Remove(tmp.Name())
		}
		releaseTemp(tmp)
	}()
	var w io.Writer = tmp
	if testWrapFile != nil {
		w = testWrapFile(w)
	}
	if err = write(w); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if !renameOpen {
		closed = true
		if err = tmp.Close(); err != nil {
			return err
		}
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if renameOpen {
		// Synced and renamed: a close error here cannot lose data.
		closed = true
		tmp.Close()
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot fsync a directory
// (and does not need to).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

// tableFromDump builds an empty table version, with its schema and indexes,
// from dumped metadata.
func tableFromDump(d *codec.TableDump) (*tbl.Table, error) {
	var schema *tbl.Schema
	if d.Schema != nil {
		cols := make([]tbl.Column, len(d.Schema))
		for i, f := range d.Schema {
			typ, ok := tbl.ParseType(f.Type)
			if !ok {
				return nil, fmt.Errorf("%w: unsupported type in schema: %s", ErrInvalidArgument, f.Type)
			}
			cols[i] = tbl.Column{Name: f.Name, Type: typ}
		}
		s, err := tbl.NewSchema(d.PrimaryKey, cols)
		if err != nil {
			return nil, err
		}
		schema = s
	}
	t, err := tbl.New(d.Name, d.PrimaryKey, schema)
	if err != nil {
		return nil, err
	}
	for _, x := range d.Indexes {
		kind, ok := idx.ParseKind(x.Kind)
		if !ok {
			return nil, fmt.Errorf("%w: index on %q has the unknown kind %q", ErrInvalidIndex, x.Field, x.Kind)
		}
		if t, err = t.CreateIndex(idx.Def{Field: x.Field, Kind: kind, Unique: x.Unique}); err != nil {
			return nil, err
		}
	}
	return t, nil
}
