package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/schollz/progressbar/v3"
)

// detectFormat reads the start of a database file and names its format:
// binary when it starts with the binary magic, JSON when its first
// non-blank byte is '{'. Anything else is not a dictdb file.
func detectFormat(r *bufio.Reader) (dictdb.Format, error) {
	head, err := r.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, err
	}
	if len(head) == 0 {
		return 0, errors.New("empty file: not a dictdb database")
	}
	if codec.IsBinary(head) {
		return dictdb.Binary, nil
	}
	if len(head) < len(codec.BinaryMagic) && bytes.HasPrefix([]byte(codec.BinaryMagic), head) {
		return 0, errors.New("truncated binary file: not a dictdb database")
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(trimmed) == 0 && len(head) < 512 {
		return 0, errors.New("blank file: not a dictdb database")
	}
	if len(trimmed) == 0 || trimmed[0] == '{' {
		return dictdb.JSON, nil
	}
	return 0, errors.New("not a dictdb database (neither JSON nor the binary format)")
}

// openDB loads the database file at path, detecting its format, with a
// progress bar when e.progress is set. It returns the format found. A
// database directory (made by dictdb.Open) is opened read-only, without
// its lock and changing nothing; its format is Binary.
func openDB(e *env, path string) (*dictdb.DB, dictdb.Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fileError(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if st.IsDir() {
		if isDatabaseDir(path) {
			db, err := openDir(e, path)
			return db, dictdb.Binary, err
		}
		return nil, 0, fmt.Errorf("%s is a directory, neither a database file nor a database directory", path)
	}
	r, done := e.readProgress(f, st.Size(), "loading "+filepath.Base(path))
	defer done()
	br := bufio.NewReaderSize(r, 64<<10)
	format, err := detectFormat(br)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	db, err := dictdb.LoadFrom(br, format)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return db, format, nil
}

// readDirectory reads the table directory of the database file at path,
// which tells what tables and schema print without loading the file: only
// the file's header and its last blocks are read. ok is false, with no
// error, for a JSON file, for a binary file of a version without a
// directory and for a database directory: those must be loaded.
func readDirectory(path string) (sums []codec.TableSummary, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, fileError(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if st.IsDir() {
		return nil, false, nil // a durable database: opened read-only and replayed
	}
	format, err := detectFormat(bufio.NewReaderSize(f, 512))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	if format != dictdb.Binary {
		return nil, false, nil
	}
	sums, err = codec.ReadBinaryDirectory(f, st.Size())
	switch {
	case errors.Is(err, codec.ErrNoDirectory):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return sums, true, nil
}

// fileError makes an os error read well: "open x: no such file or
// directory" stays as it is, which names the file.
func fileError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: no such file", pe.Path)
	}
	return err
}

// saveDB writes db to path in format f, crash-safely, with a spinner when
// e.progress is set.
func saveDB(e *env, db *dictdb.DB, path string, f dictdb.Format, opts ...dictdb.Option) error {
	done := e.spinner("writing " + filepath.Base(path))
	defer done()
	if err := db.Save(path, f, opts...); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// outputFormat chooses the format of a file written by convert, restore and
// import-csv: the --to flag if given, else by the file's extension (.json
// is JSON; .bin, .dictdb and .ddb are binary), else fallback.
func outputFormat(to, path string, fallback dictdb.Format) (dictdb.Format, error) {
	if to != "" {
		switch strings.ToLower(to) {
		case "json":
			return dictdb.JSON, nil
		case "binary", "bin":
			return dictdb.Binary, nil
		}
		return 0, usagef("--to must be json or binary, not %q", to)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return dictdb.JSON, nil
	case ".bin", ".dictdb", ".ddb":
		return dictdb.Binary, nil
	}
	return fallback, nil
}

// readProgress wraps r in a progress bar of size bytes when progress bars
// are on; done finishes the bar.
func (e *env) readProgress(r io.Reader, size int64, desc string) (io.Reader, func()) {
	if !e.progress {
		return r, func() {}
	}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(true),
	)
	pr := progressbar.NewReader(r, bar)
	return &pr, func() { _ = bar.Finish() }
}

// spinner shows an indeterminate progress indicator on stderr, for work
// whose size is unknown, until the returned function is called.
func (e *env) spinner(desc string) func() {
	if !e.progress {
		return func() {}
	}
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetSpinnerChangeInterval(100*time.Millisecond),
	)
	_ = bar.RenderBlank()
	return func() { _ = bar.Finish() }
}
