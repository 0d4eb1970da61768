package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/tbl"
)

// maxListed is how many problems verify lists per table; the rest are
// counted.
const maxListed = 20

var verifyCmd = &command{
	name:    "verify",
	args:    "FILE",
	summary: "check a database file completely and report every problem found",
	detail: `
Reads the whole file (checksums, structure, values) and checks every table as
the loader would, without stopping at the first bad record: table definitions
and schemas, primary keys (missing, wrong kind, duplicates), every record
against the schema, the next auto key, every index definition and unique
index, and the internal consistency of the rebuilt tables.

FILE may also be a backup directory, or a backup file in one (named
dictdb_backup_* or dictdb_delta_*): verify then restores in memory, as
'dictdb restore' would, the newest point of the directory or the point of
that file, checking the footer and checksum of every file on the way, and
lists every file that could not be used.

Exit status 0: the file is sound; 3: problems were found (listed on stdout);
1: the file could not be read at all.`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		return func(e *env, args []string) error {
			if err := wantArgs(args, 1, 1, "FILE"); err != nil {
				return err
			}
			return verifyFile(e, args[0])
		}
	},
}

// verifyBackups checks the backups of dir by restoring them in memory: the
// point of the backup file named upTo, or else the newest point, listing
// every file that could not be used.
func verifyBackups(e *env, dir, upTo string) error {
	done := e.spinner("verifying " + filepath.Base(dir))
	db, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{NewestConsistent: upTo == "", UpTo: upTo})
	done()
	what := dir + ": backup directory"
	if upTo != "" {
		what = filepath.Join(dir, upTo) + ": backup file"
	}
	var problems []string
	if err != nil {
		problems = append(problems, err.Error())
		fmt.Fprintf(e.stdout, "%s, nothing restored\n", what)
	} else {
		fmt.Fprintf(e.stdout, "%s, restored %s", what, info.Full)
		if len(info.Deltas) > 0 {
			fmt.Fprintf(e.stdout, " + %s", plural(len(info.Deltas), "delta"))
		}
		fmt.Fprintf(e.stdout, " (commit %d): %s\n", info.Seq, dbSummary(db))
		for _, s := range info.Skipped {
			p := s.Err.Error()
			if !strings.Contains(p, s.Name) {
				p = s.Name + ": " + p
			}
			problems = append(problems, p)
		}
	}
	for _, p := range problems {
		fmt.Fprintf(e.stdout, "problem: %s\n", p)
	}
	if len(problems) > 0 {
		return &problemsError{n: len(problems)}
	}
	fmt.Fprintln(e.stdout, "ok")
	return nil
}

func verifyFile(e *env, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fileError(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.IsDir() {
		if isDatabaseDir(path) {
			return verifyDir(e, path)
		}
		return verifyBackups(e, path, "")
	}
	if base := filepath.Base(path); isBackupName(base) {
		return verifyBackups(e, filepath.Dir(path), base)
	}
	r, done := e.readProgress(f, st.Size(), "verifying "+filepath.Base(path))
	br := bufio.NewReaderSize(r, 64<<10)
	v := &verifier{seen: map[string]bool{}}
	format, err := detectFormat(br)
	if err == nil {
		if format == dictdb.Binary {
			err = codec.DecodeBinary(br, v)
		} else {
			err = codec.DecodeJSON(br, v)
		}
	}
	done()
	if err != nil {
		v.problems = append(v.problems, err.Error()) // always listed
	}
	fmt.Fprintf(e.stdout, "%s: ", path)
	if format != 0 {
		fmt.Fprintf(e.stdout, "%s format, ", format)
	}
	fmt.Fprintf(e.stdout, "%s, %s read\n", plural(v.tables, "table"), plural(v.records, "record"))
	for _, p := range v.problems {
		fmt.Fprintf(e.stdout, "problem: %s\n", p)
	}
	if v.unlisted > 0 {
		fmt.Fprintf(e.stdout, "... and %d more problems\n", v.unlisted)
	}
	if n := len(v.problems) + v.unlisted; n > 0 {
		return &problemsError{n: n}
	}
	fmt.Fprintln(e.stdout, "ok")
	return nil
}

// verifier is a codec.Visitor that rebuilds each table record by record,
// noting every problem instead of stopping at the first.
type verifier struct {
	tables, records int
	problems        []string
	unlisted        int
	listedInTable   int
	seen            map[string]bool

	name   string
	t      *tbl.Table // nil when the table definition itself is bad
	recNo  int
	maxInt int64
	hasInt bool
}

func (v *verifier) problem(format string, args ...any) {
	if v.listedInTable >= maxListed {
		v.unlisted++
		return
	}
	v.listedInTable++
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *verifier) BeginTable(d *codec.TableDump) error {
	v.tables++
	v.listedInTable = 0
	v.name, v.t, v.recNo, v.hasInt = d.Name, nil, 0, false
	if v.seen[d.Name] {
		v.problem("table %q appears twice", d.Name)
	}
	v.seen[d.Name] = true
	var schema *tbl.Schema
	if d.Schema != nil {
		cols := make([]tbl.Column, 0, len(d.Schema))
		for _, f := range d.Schema {
			t, ok := tbl.ParseType(f.Type)
			if !ok {
				v.problem("table %q: field %q has the unknown schema type %q", d.Name, f.Name, f.Type)
				return nil
			}
			cols = append(cols, tbl.Column{Name: f.Name, Type: t})
		}
		s, err := tbl.NewSchema(d.PrimaryKey, cols)
		if err != nil {
			v.problem("table %q: bad schema: %v", d.Name, err)
			return nil
		}
		schema = s
	}
	t, err := tbl.New(d.Name, d.PrimaryKey, schema)
	if err != nil {
		v.problem("table %q: bad definition: %v", d.Name, err)
		return nil
	}
	v.t = t
	return nil
}

func (v *verifier) Record(rec map[string]any) error {
	v.records++
	v.recNo++
	if v.t == nil {
		return nil
	}
	next, key, err := v.t.Insert(rec)
	if err != nil {
		v.problem("table %q, record %d: %s", v.name, v.recNo, recordProblem(err))
		return nil
	}
	v.t = next
	if i, ok := key.Int(); ok && (!v.hasInt || i > v.maxInt) {
		v.maxInt, v.hasInt = i, true
	}
	return nil
}

func (v *verifier) EndTable(d *codec.TableDump) error {
	if v.t == nil {
		return nil
	}
	if d.NextID != 0 && v.hasInt && d.NextID <= v.maxInt {
		v.problem("table %q: next_id %d is not above the largest integer key %d (new records would collide)", v.name, d.NextID, v.maxInt)
	}
	for _, x := range d.Indexes {
		kind, ok := idx.ParseKind(x.Kind)
		if !ok {
			v.problem("table %q: index on %q has the unknown kind %q", v.name, x.Field, x.Kind)
			continue
		}
		next, err := v.t.CreateIndex(tbl.IndexDef{Field: x.Field, Kind: kind, Unique: x.Unique})
		if err != nil {
			v.problem("table %q: index on %q: %v", v.name, x.Field, err)
			continue
		}
		v.t = next
	}
	if err := tbl.Verify(v.t.WithNextID(d.NextID)); err != nil {
		v.problem("table %q: %v", v.name, err)
	}
	return nil
}

// recordProblem describes what is wrong with a record without repeating the
// table and key, which the problem line names already.
func recordProblem(err error) string {
	var e *tbl.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if e.Field != "" {
		return fmt.Sprintf("field %q: %s", e.Field, e.Msg)
	}
	return e.Msg
}
