package dictdb

// CSV import and export, as the Python DictDB's import_csv and export_csv,
// with these differences:
//
//   - A failed import leaves no table behind (Python keeps an empty one).
//   - Malformed files are errors unless CSVOptions.Lenient is set: a row
//     with more cells than the header, an empty or repeated header name,
//     a cell that is not UTF-8 (Python fails on it too), and quotes
//     outside RFC 4180 (Python drops the extra cells, keeps the
//     last of two same-named cells and runs an unclosed quote to the end
//     of the file). Short rows are read as in Python.
//   - Blank lines are skipped (Python makes a record of empty strings).
//   - Numbers are parsed with Go's strict strconv: " 42", "1_000", "nan" and
//     "inf" stay strings (Python's int() and float() accept them).
//   - A row whose primary-key cell is empty gets the next auto key (Python
//     stores it under the key None).
//   - Schema conversion uses the table's schema, including the primary key
//     added as int when the given schema lacks it (Python converts with the
//     given schema only, so such an import fails its own validation).
//   - Export writes a record's fields primary key first, then sorted (Go
//     maps have no insertion order), and renders time.Time in RFC 3339 and
//     []byte in base64. Exports to a path are crash-safe, like Save.
//
// See package codec for the parsing and rendering rules.

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/stored"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// CSVOptions configures ImportCSV and ExportCSV. The zero value reads and
// writes comma-separated files with a header, infers column types and uses
// the primary key "id".
type CSVOptions struct {
	// Delimiter separates fields; 0 means ','. It cannot be '"', '\r' or '\n'.
	Delimiter rune

	// PrimaryKey (import) names the primary-key field; "" means "id".
	PrimaryKey string
	// NoHeader (import) reads the first row as data and names the columns
	// col_0, col_1, ... after its width.
	NoHeader bool
	// Schema (import) gives the new table a schema and converts the listed
	// columns to their types (turning inference off): "" becomes nil except
	// for Str; Bool accepts true/1/yes and false/0/no in any case; a cell
	// that does not convert keeps its string (and then fails the schema).
	Schema []Column
	// NoTypeInference (import) keeps every cell a string when there is no
	// schema, the primary key's included: an empty primary-key cell is then
	// the string key "", which a second such row clashes with. Otherwise each column becomes the narrowest of int, float and
	// string holding all its non-empty cells; empty cells of number columns
	// become nil.
	NoTypeInference bool
	// Lenient (import) accepts malformed files, as the Python DictDB does,
	// instead of failing with ErrCorrupt. It tolerates exactly these, at
	// the cost of the data named: a row with more cells than the header
	// (or, with NoHeader, than the first row) loses the extra cells; of
	// two header names that are equal the rightmost column wins and the
	// other is lost; a column with an empty header name is left out; a
	// quote inside an unquoted field is kept as a character; a quoted
	// field that is never closed takes in the rest of the file; and a
	// quoted field with text after its closing quote keeps that quote and
	// goes on, delimiters and line ends included, up to the next quote
	// before a delimiter or line end; a cell or header name that is not
	// UTF-8 keeps its bytes. Rows with fewer cells than the header are
	// read in either mode: the missing cells are empty.
	Lenient bool

	// Columns (export) lists the columns in order; fields not listed are
	// left out and missing ones are empty cells. Empty means the union of
	// the records' fields in first-seen order. On a table with a schema
	// (and without Records), a column the schema lacks is ErrInvalidQuery,
	// as in a query.
	Columns []string
	// Where (export) selects the records to write; nil means all. It is
	// ignored when Records is set.
	Where cond.Cond
	// Records (export), if not nil, are written instead of the table's.
	Records []Record
}

func (o *CSVOptions) delimiter() (rune, error) {
	d := o.Delimiter
	if d == 0 {
		d = ','
	}
	if !codec.ValidComma(d) {
		return 0, fmt.Errorf("%w: invalid CSV delimiter %q", ErrInvalidArgument, d)
	}
	return d, nil
}

// ImportCSV creates the table named table from the CSV file at path and
// returns the number of records imported. It fails with ErrTableExists,
// before reading the file, if the table exists; with ErrInvalidArgument for
// bad options; with the os error if the file cannot be read; with
// ErrCorrupt, naming the line, for malformed CSV (see CSVOptions.Lenient);
// and with the insert's error (ErrSchema, ErrDuplicateKey, ...) if a record
// is rejected. The import is atomic: on any failure no table is created.
func (db *DB) ImportCSV(path, table string, opts CSVOptions) (int, error) {
	return db.ImportCSVContext(context.Background(), path, table, opts)
}

// ImportCSVContext is ImportCSV that stops once ctx ends, creating no table
// (see the package notes on cancellable operations).
func (db *DB) ImportCSVContext(ctx context.Context, path, table string, opts CSVOptions) (int, error) {
	if err := nilContext(ctx, "ImportCSVContext"); err != nil {
		return 0, err
	}
	t, err := db.prepareImport(table, &opts)
	if err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, cancelled(ctx, "import CSV", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return db.importCSV(ctx, readerWithContext(ctx, f), t, opts)
}

// ImportCSVFrom is ImportCSV reading from r.
func (db *DB) ImportCSVFrom(r io.Reader, table string, opts CSVOptions) (int, error) {
	if r == nil {
		return 0, fmt.Errorf("%w: ImportCSVFrom needs a reader", ErrInvalidArgument)
	}
	t, err := db.prepareImport(table, &opts)
	if err != nil {
		return 0, err
	}
	return db.importCSV(context.Background(), r, t, opts)
}

// prepareImport validates the options and returns the empty table.
func (db *DB) prepareImport(table string, opts *CSVOptions) (*tbl.Table, error) {
	if _, err := opts.delimiter(); err != nil {
		return nil, err
	}
	tableOpts := []TableOption{}
	if opts.PrimaryKey != "" {
		tableOpts = append(tableOpts, PrimaryKey(opts.PrimaryKey))
	}
	if len(opts.Schema) > 0 {
		tableOpts = append(tableOpts, WithSchema(opts.Schema...))
	}
	t, err := newTable(table, tableOpts)
	if err != nil {
		return nil, err
	}
	if _, exists := db.store.Load().Table(table); exists {
		return nil, mvcc.Exists(table)
	}
	return t, nil
}

func (db *DB) importCSV(ctx context.Context, r io.Reader, t *tbl.Table, opts CSVOptions) (int, error) {
	comma, _ := opts.delimiter()
	ro := codec.CSVReadOptions{Comma: comma, NoHeader: opts.NoHeader, NoInference: opts.NoTypeInference, Lenient: opts.Lenient}
	if s := t.Schema(); s != nil {
		for _, c := range s.Columns() {
			ro.Schema = append(ro.Schema, codec.SchemaField{Name: c.Name, Type: c.Type.String()})
		}
	}
	_, recs, err := codec.ReadCSV(r, ro)
	if err != nil {
		return 0, cancelled(ctx, "import CSV", err)
	}
	next, err := restoreRecords(t, recs)
	if err != nil {
		return 0, inTable(t.Name(), err)
	}
	if err := db.addTable(next); err != nil {
		return 0, err
	}
	db.log.Info("Imported CSV.", "table", t.Name(), "records", len(recs))
	return len(recs), nil
}

// ExportCSV writes records of the table to a CSV file at path (crash-safely,
// like Save) and returns how many; see View.ExportCSV.
func (t *Table) ExportCSV(path string, opts CSVOptions) (int, error) {
	return t.ExportCSVContext(context.Background(), path, opts)
}

// ExportCSVContext is ExportCSV that stops once ctx ends, leaving the file
// at path as it was; see View.ExportCSVContext.
func (t *Table) ExportCSVContext(ctx context.Context, path string, opts CSVOptions) (int, error) {
	if path == "" {
		return 0, fmt.Errorf("%w: empty path", ErrInvalidArgument)
	}
	v, err := t.View()
	if err != nil {
		return 0, err
	}
	return v.ExportCSVContext(ctx, path, opts)
}

// WriteCSV writes records of the table to w as CSV and returns how many;
// see View.WriteCSV.
func (t *Table) WriteCSV(w io.Writer, opts CSVOptions) (int, error) {
	if w == nil {
		return 0, fmt.Errorf("%w: WriteCSV needs a writer", ErrInvalidArgument)
	}
	v, err := t.View()
	if err != nil {
		return 0, err
	}
	return v.WriteCSV(w, opts)
}

// csvRows returns the records of t to export and the columns.
func csvRows(t *tbl.Table, opts *CSVOptions) ([]codec.Record, []string, error) {
	if _, err := opts.delimiter(); err != nil {
		return nil, nil, err
	}
	pk := t.PrimaryKey()
	var recs []codec.Record
	if opts.Records != nil {
		recs = make([]codec.Record, 0, len(opts.Records))
		for i, r := range opts.Records {
			m, err := codec.NormalizeRecord(r)
			if err != nil {
				return nil, nil, fmt.Errorf("record %d: %w", i, err)
			}
			recs = append(recs, m)
		}
	} else {
		rows, err := t.Select(tbl.Query{Where: opts.Where})
		if err != nil {
			return nil, nil, err
		}
		recs = make([]codec.Record, len(rows))
		for i, r := range rows {
			recs[i] = stored.Record(r)
		}
	}
	cols := opts.Columns
	if sch := t.Schema(); sch != nil && opts.Records == nil {
		// As in a query: with a schema, a column must be one of its fields.
		for _, c := range cols {
			if _, ok := sch.Type(c); !ok && c != pk {
				return nil, nil, &cond.QueryError{Table: t.Name(), Field: c, Msg: "Columns: not in the schema"}
			}
		}
	}
	if len(cols) == 0 {
		seen := map[string]bool{}
		cols = nil
		var last *codec.Shape
		for _, r := range recs {
			s := r.Shape()
			if s == last {
				continue
			}
			last = s
			// The primary key first, then the others in sorted order, as
			// codec.RecordKeys orders a record's fields.
			if slot := s.Slot(pk); slot >= 0 && !seen[pk] {
				seen[pk] = true
				cols = append(cols, pk)
			}
			for i := range s.Len() {
				if k := s.Name(i); !seen[k] {
					seen[k] = true
					cols = append(cols, k)
				}
			}
		}
	}
	return recs, cols, nil
}

func writeCSV(w io.Writer, recs []codec.Record, cols []string, opts CSVOptions) (int, error) {
	comma, _ := opts.delimiter()
	cw, err := codec.NewCSVWriter(w, comma)
	if err != nil {
		return 0, err
	}
	if err := cw.WriteRow(cols); err != nil {
		return 0, err
	}
	row := make([]string, len(cols))
	fields := make([]*codec.Field, len(cols))
	for i, c := range cols {
		fields[i] = codec.NewField(c)
	}
	for _, r := range recs {
		for i, f := range fields {
			row[i] = codec.FormatCSV(f.Value(r))
		}
		if err := cw.WriteRow(row); err != nil {
			return 0, err
		}
	}
	if err := cw.Flush(); err != nil {
		return 0, err
	}
	return len(recs), nil
}
