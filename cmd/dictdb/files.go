package main

import (
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/dictdb-go/dictdb"
)

// parseDelimiter reads a one-character --delimiter; "\t" and "tab" mean a
// tab.
func parseDelimiter(s string) (rune, error) {
	switch s {
	case `\t`, "tab", "TAB":
		return '\t', nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if s == "" || size != len(s) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		return 0, usagef("--delimiter must be one character other than '\"', CR and LF, not %q", s)
	}
	return r, nil
}

// parseSchema reads --schema: name:type,... with the types int, float, str,
// bool, list and dict.
func parseSchema(s string) ([]dictdb.Column, error) {
	items, err := splitList("schema", s)
	if err != nil {
		return nil, err
	}
	types := map[string]dictdb.Type{"int": dictdb.Int, "float": dictdb.Float, "str": dictdb.Str,
		"bool": dictdb.Bool, "list": dictdb.List, "dict": dictdb.Dict}
	var cols []dictdb.Column
	for _, it := range items {
		name, typ, ok := strings.Cut(it, ":")
		t, known := types[strings.ToLower(strings.TrimSpace(typ))]
		if !ok || strings.TrimSpace(name) == "" || !known {
			return nil, usagef("--schema: %q is not name:type with a type of int, float, str, bool, list or dict", it)
		}
		cols = append(cols, dictdb.Col(strings.TrimSpace(name), t))
	}
	return cols, nil
}

var importCSVCmd = &command{
	name:    "import-csv",
	args:    "FILE CSV [--table NAME] [--pk FIELD] [--schema a:int,b:str] [--delimiter ,] [--no-header] [--no-infer] [--lenient] [--to json|binary]",
	summary: "import a CSV file as a new table of a database file (created if missing)",
	detail: `
The table is named after the CSV file unless --table is given, and must not
exist yet. Without --schema, column types are inferred (int, then float, else
str) unless --no-infer keeps every cell a string. The import is all or
nothing: on any error the database file is left as it was.

A malformed CSV file is an error naming the line: a row with more cells than
the header, an empty or repeated header name, or a quote outside RFC 4180
(such as a quoted field never closed). Rows with fewer cells are read, the
missing cells empty. --lenient reads malformed files as the Python DictDB
does instead, losing data: extra cells are dropped, of two equal header names
the rightmost column wins, columns without a name are left out, and quotes
are taken loosely (a quoted field never closed runs to the end of the file).

FILE keeps its format; a new FILE is written in the format of --to, else JSON
for a .json name and binary otherwise.`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		table := fs.String("table", "", "`NAME` of the new table (default: the CSV file's base name)")
		pk := fs.String("pk", "id", "primary-key `FIELD`")
		schema := fs.String("schema", "", "schema `COLUMNS` name:type,...; types int, float, str, bool, list, dict")
		delim := fs.String("delimiter", ",", "field delimiter `CHAR` (\\t for tab)")
		noHeader := fs.Bool("no-header", false, "the first row is data; columns are named col_0, col_1, ...")
		noInfer := fs.Bool("no-infer", false, "keep every cell a string (without --schema)")
		lenient := fs.Bool("lenient", false, "read a malformed file as the Python DictDB does, dropping what does not fit")
		to := fs.String("to", "", "`FORMAT` of a new database file: json or binary")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 2, 2, "FILE CSV"); err != nil {
				return err
			}
			dbPath, csvPath := args[0], args[1]
			opts := dictdb.CSVOptions{PrimaryKey: *pk, NoHeader: *noHeader, NoTypeInference: *noInfer, Lenient: *lenient}
			var err error
			if opts.Delimiter, err = parseDelimiter(*delim); err != nil {
				return err
			}
			if opts.Schema, err = parseSchema(*schema); err != nil {
				return err
			}
			if *pk == "" {
				return usagef("--pk must not be empty")
			}
			if st, err := os.Stat(csvPath); err != nil {
				return fileError(err)
			} else if st.IsDir() {
				return fmt.Errorf("%s is a directory, not a CSV file", csvPath)
			}
			name := *table
			if name == "" {
				name = strings.TrimSuffix(filepath.Base(csvPath), filepath.Ext(csvPath))
			}
			format, err := outputFormat(*to, dbPath, dictdb.Binary)
			if err != nil {
				return err
			}
			var db *dictdb.DB
			switch _, statErr := os.Stat(dbPath); {
			case statErr == nil:
				var found dictdb.Format
				if db, found, err = openDB(e, dbPath); err != nil {
					return err
				}
				if *to == "" {
					format = found
				}
			case errors.Is(statErr, iofs.ErrNotExist):
				db = dictdb.New()
			default:
				return statErr
			}
			f, err := os.Open(csvPath)
			if err != nil {
				return fileError(err)
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				return err
			}
			r, done := e.readProgress(f, st.Size(), "importing "+filepath.Base(csvPath))
			n, err := db.ImportCSVFrom(r, name, opts)
			done()
			if err != nil {
				return fmt.Errorf("import %s: %w", csvPath, err)
			}
			if err := saveDB(e, db, dbPath, format); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "imported %s into table %q of %s (%s)\n", plural(n, "record"), name, dbPath, format)
			return nil
		}
	},
}

// sameFile reports whether the paths a and b name one existing file or
// directory (through links too).
func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// isBackupName reports whether a file name is of the form backup managers
// write (a full backup or a delta).
func isBackupName(name string) bool {
	return strings.HasPrefix(name, "dictdb_backup_") || strings.HasPrefix(name, "dictdb_delta_")
}

var exportCSVCmd = &command{
	name:    "export-csv",
	args:    "FILE TABLE [OUT] [--where EXPR] [--columns a,b] [--delimiter ,]",
	summary: "write the records of a table as CSV to OUT or to stdout",
	detail: `
Fields are written primary key first, then each record's other fields in
sorted order, new ones after those of the records before, unless --columns
lists them. Values are rendered as the Python DictDB writes them (True, None as
an empty cell, lists as ['a', 1]); times in RFC 3339, bytes in base64. Lines end
in CRLF (RFC 4180). OUT is written crash-safely; "-" or no OUT writes to stdout.
A table with no matching record and no --columns writes nothing.`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		where := fs.String("where", "", "export only the records matching `EXPR`")
		columns := fs.String("columns", "", "comma-separated `FIELDS` to write, in order")
		delim := fs.String("delimiter", ",", "field delimiter `CHAR` (\\t for tab)")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 2, 3, "FILE TABLE [OUT]"); err != nil {
				return err
			}
			var opts dictdb.CSVOptions
			var err error
			if opts.Delimiter, err = parseDelimiter(*delim); err != nil {
				return err
			}
			if opts.Where, err = parseWhere(*where); err != nil {
				return err
			}
			if opts.Columns, err = splitList("columns", *columns); err != nil {
				return err
			}
			if len(args) == 3 && args[2] != "-" && sameFile(args[0], args[2]) {
				return usagef("OUT %s is the database file itself: the export would replace it", args[2])
			}
			db, _, err := openDB(e, args[0])
			if err != nil {
				return err
			}
			t, err := db.Table(args[1])
			if err != nil {
				return fmt.Errorf("%s has no table %q (it has: %s)", args[0], args[1], listOrNone(db.TableNames()))
			}
			if len(args) < 3 || args[2] == "-" {
				_, err := t.WriteCSV(e.stdout, opts)
				return err
			}
			n, err := t.ExportCSV(args[2], opts)
			if err != nil {
				return fmt.Errorf("write %s: %w", args[2], err)
			}
			if n == 0 && len(opts.Columns) == 0 {
				fmt.Fprintf(e.stderr, "no records to export; %s not written\n", args[2])
				return nil
			}
			fmt.Fprintf(e.stderr, "exported %s to %s\n", plural(n, "record"), args[2])
			return nil
		}
	},
}

var convertCmd = &command{
	name:    "convert",
	args:    "IN OUT [--to json|binary] [--python-compatible]",
	summary: "convert a database file between the JSON and binary formats",
	detail: `
IN's format is detected from its content. OUT is written crash-safely in the
format of --to, else JSON for a .json name, binary for .bin, .dictdb or .ddb,
else the other format than IN's. JSON turns times and bytes into strings.`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		to := fs.String("to", "", "output `FORMAT`: json or binary")
		pyCompat := fs.Bool("python-compatible", false, "write JSON exactly as the Python DictDB does (no next_id, no indexes)")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 2, 2, "IN OUT"); err != nil {
				return err
			}
			if _, err := outputFormat(*to, "", 0); err != nil {
				return err
			}
			db, in, err := openDB(e, args[0])
			if err != nil {
				return err
			}
			other := dictdb.Binary
			if in == dictdb.Binary {
				other = dictdb.JSON
			}
			out, err := outputFormat(*to, args[1], other)
			if err != nil {
				return err
			}
			var opts []dictdb.Option
			if *pyCompat {
				opts = append(opts, dictdb.PythonCompatible())
			}
			if err := saveDB(e, db, args[1], out, opts...); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "converted %s (%s) to %s (%s): %s\n", args[0], in, args[1], out, dbSummary(db))
			return nil
		}
	},
}

func dbSummary(db *dictdb.DB) string {
	snap := db.Snapshot()
	n := 0
	names := snap.TableNames()
	for _, name := range names {
		if v, err := snap.Table(name); err == nil {
			n += v.Count()
		}
	}
	return plural(len(names), "table") + ", " + plural(n, "record")
}

// restoreBackup restores the database saved in a backup directory: the
// point opts asks for (the newest by default), from its full backup through
// its verified chain of deltas. Tests replace it.
var restoreBackup = func(dir string, opts dictdb.RestoreOptions) (*dictdb.DB, *dictdb.RestoreInfo, error) {
	return dictdb.RestoreBackup(dir, opts)
}

var restoreCmd = &command{
	name:    "restore",
	args:    "BACKUP_DIR OUT [--to json|binary] [--up-to FILE] [--newest-consistent] [--allow-unverified]",
	summary: "restore the newest backup in a backup directory into a database file",
	detail: `
Restores the newest backup of BACKUP_DIR (its full backup, then the chain
of deltas up to it, every file verified against its checksum first; a
damaged or missing file is an error) and writes the result to OUT
crash-safely, in the format of --to, else JSON for a .json name and binary
otherwise. OUT must not be named as a backup file (dictdb_backup_*,
dictdb_delta_*) in BACKUP_DIR. 'dictdb verify BACKUP_DIR' checks a directory
without restoring it.

--up-to FILE restores the point of that backup file instead of the newest.
--newest-consistent restores the newest point whose files all verify when
the newest cannot be restored, and lists the files it skipped and why.
--allow-unverified restores a directory of backups without checksums (from
the Python DictDB or an earlier dictdb) by their names, unverified.`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		to := fs.String("to", "", "output `FORMAT`: json or binary")
		upTo := fs.String("up-to", "", "restore the point of this backup `FILE` (a name in BACKUP_DIR)")
		newest := fs.Bool("newest-consistent", false, "fall back to the newest point whose files all verify")
		unverified := fs.Bool("allow-unverified", false, "restore backups without checksums by their names")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 2, 2, "BACKUP_DIR OUT"); err != nil {
				return err
			}
			out, err := outputFormat(*to, args[1], dictdb.Binary)
			if err != nil {
				return err
			}
			st, err := os.Stat(args[0])
			if err != nil {
				return fileError(err)
			}
			if !st.IsDir() {
				return fmt.Errorf("%s is not a directory", args[0])
			}
			if isBackupName(filepath.Base(args[1])) && sameFile(args[0], filepath.Dir(args[1])) {
				return usagef("OUT %s would replace or pose as a backup of %s: write it elsewhere", args[1], args[0])
			}
			done := e.spinner("restoring " + filepath.Base(args[0]))
			opts := dictdb.RestoreOptions{NewestConsistent: *newest, AllowUnverified: *unverified}
			if *upTo != "" {
				opts.UpTo = filepath.Base(*upTo) // a name in BACKUP_DIR, or a path to it
			}
			db, info, err := restoreBackup(args[0], opts)
			done()
			if err != nil {
				return fmt.Errorf("restore %s: %w", args[0], err)
			}
			if info != nil {
				for _, f := range info.Skipped {
					fmt.Fprintf(e.stderr, "skipped %s: %v\n", f.Name, f.Err)
				}
			}
			if err := saveDB(e, db, args[1], out); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "restored %s to %s (%s): %s\n", args[0], args[1], out, dbSummary(db))
			return nil
		}
	},
}
