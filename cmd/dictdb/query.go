package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

// openView loads path and returns a read-only view of its table name.
func openView(e *env, path, name string) (*dictdb.View, error) {
	db, _, err := openDB(e, path)
	if err != nil {
		return nil, err
	}
	v, err := db.Snapshot().Table(name)
	if err != nil {
		if errors.Is(err, dictdb.ErrTableNotFound) {
			return nil, fmt.Errorf("%s has no table %q (it has: %s)", path, name, listOrNone(db.TableNames()))
		}
		return nil, err
	}
	return v, nil
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "no tables"
	}
	return strings.Join(names, ", ")
}

// parseWhere parses a --where expression; "" means no condition. A syntax
// error is a usage error that points at the offending byte.
func parseWhere(s string) (cond.Cond, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	c, err := cond.Parse(s)
	if err != nil {
		var pe *cond.ParseError
		if errors.As(err, &pe) && !strings.ContainsAny(s, "\n\r") {
			col := len([]rune(s[:pe.Pos]))
			return nil, usagef("--where: %v\n  %s\n  %s^", err, s, strings.Repeat(" ", col))
		}
		return nil, usagef("--where: %v", err)
	}
	return c, nil
}

// splitList splits a comma-separated flag value, trimming spaces; empty
// items are an error.
func splitList(flagName, s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return nil, usagef("--%s: empty item in %q", flagName, s)
		}
	}
	return parts, nil
}

// parseColumns reads --columns: a,b,alias=field.
func parseColumns(s string) ([]dictdb.Projection, error) {
	items, err := splitList("columns", s)
	if err != nil {
		return nil, err
	}
	var out []dictdb.Projection
	for _, it := range items {
		alias, field, ok := strings.Cut(it, "=")
		if !ok {
			field = alias
		}
		alias, field = strings.TrimSpace(alias), strings.TrimSpace(field)
		if alias == "" || field == "" {
			return nil, usagef("--columns: %q is not a field or alias=field", it)
		}
		out = append(out, dictdb.As(alias, field))
	}
	return out, nil
}

// queryFlags are the flags shared by query and explain.
type queryFlags struct {
	where, orderBy, columns, format string
	limit, offset                   int
	distinct                        bool
}

func (q *queryFlags) register(fs *flag.FlagSet, withFormat bool) {
	fs.StringVar(&q.where, "where", "", "filter `EXPR` in the condition language, e.g. \"dept = 'IT' AND age >= 30\"")
	fs.StringVar(&q.orderBy, "order-by", "", "comma-separated sort `FIELDS`, '-' for descending, e.g. -age,name")
	fs.IntVar(&q.limit, "limit", 0, "return at most `N` rows (0: no limit)")
	fs.IntVar(&q.offset, "offset", 0, "skip the first `N` rows")
	fs.StringVar(&q.columns, "columns", "", "output `COLUMNS`: field or alias=field, comma-separated")
	fs.BoolVar(&q.distinct, "distinct", false, "drop duplicate rows (after --columns, before --offset and --limit)")
	if withFormat {
		fs.StringVar(&q.format, "format", "table", "output `FORMAT`: table, json, jsonl or csv")
	}
}

func (q *queryFlags) query() (dictdb.Query, error) {
	var out dictdb.Query
	var err error
	if out.Where, err = parseWhere(q.where); err != nil {
		return out, err
	}
	if out.OrderBy, err = splitList("order-by", q.orderBy); err != nil {
		return out, err
	}
	for _, o := range out.OrderBy {
		name := strings.TrimPrefix(o, "-")
		if name == "" {
			return out, usagef("--order-by: %q names no field", o)
		}
		if name[0] == '+' || name[0] == '-' {
			return out, usagef("--order-by: %q: write FIELD for ascending and -FIELD for descending order", o)
		}
		if w := strings.Fields(name); len(w) > 1 && (strings.EqualFold(w[len(w)-1], "asc") || strings.EqualFold(w[len(w)-1], "desc")) {
			return out, usagef("--order-by: %q: write FIELD for ascending and -FIELD for descending order", o)
		}
	}
	if q.limit < 0 || q.offset < 0 {
		return out, usagef("--limit and --offset must not be negative")
	}
	out.Limit, out.Offset, out.Distinct = q.limit, q.offset, q.distinct
	if out.Columns, err = parseColumns(q.columns); err != nil {
		return out, err
	}
	return out, nil
}

var queryCmd = &command{
	name:    "query",
	args:    "FILE TABLE [--where EXPR] [--order-by -age,name] [--limit N] [--offset N] [--columns a,b|alias=field] [--distinct] [--format table|json|jsonl|csv]",
	summary: "print the records of a table that match a condition",
	detail: `
Without --columns every field is printed, the primary key first. Rows come in
primary-key order unless --order-by is given.

Examples:
  dictdb query db.json users --where "dept = 'IT' AND age >= 30" --order-by -age,name
  dictdb query db.json users --columns "id,who=name" --format csv --limit 10`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		var qf queryFlags
		qf.register(fs, true)
		return func(e *env, args []string) error {
			if err := wantArgs(args, 2, 2, "FILE TABLE"); err != nil {
				return err
			}
			if err := checkOutputFormat(qf.format); err != nil {
				return err
			}
			q, err := qf.query()
			if err != nil {
				return err
			}
			v, err := openView(e, args[0], args[1])
			if err != nil {
				return err
			}
			rows, err := v.Select(q)
			if err != nil {
				return err
			}
			var cols []string
			if len(q.Columns) > 0 {
				for _, p := range q.Columns {
					cols = append(cols, p.Alias)
				}
			} else {
				cols = recordColumns(v, rows)
			}
			return writeRows(e.stdout, qf.format, cols, rows)
		}
	},
}

// recordColumns orders the fields of whole records: the primary key, then
// the schema's fields in order or, without a schema, the other fields of
// the rows in sorted order.
func recordColumns(v *dictdb.View, rows []map[string]any) []string {
	pk := v.PrimaryKey()
	cols := []string{pk}
	if schema := v.Schema(); schema != nil {
		for _, c := range schema {
			if c.Name != pk {
				cols = append(cols, c.Name)
			}
		}
		return cols
	}
	seen := map[string]bool{pk: true}
	var rest []string
	for _, r := range rows {
		for k := range r {
			if !seen[k] {
				seen[k] = true
				rest = append(rest, k)
			}
		}
	}
	slices.Sort(rest)
	return append(cols, rest...)
}

var countCmd = &command{
	name:    "count",
	args:    "FILE TABLE [--where EXPR]",
	summary: "print the number of records of a table that match a condition",
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		where := fs.String("where", "", "count only the records matching `EXPR`")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 2, 2, "FILE TABLE"); err != nil {
				return err
			}
			c, err := parseWhere(*where)
			if err != nil {
				return err
			}
			v, err := openView(e, args[0], args[1])
			if err != nil {
				return err
			}
			n, err := v.CountWhere(c)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(e.stdout, n)
			return err
		}
	},
}

var explainCmd = &command{
	name:    "explain",
	args:    "FILE TABLE [--where EXPR] [--order-by FIELDS] [--limit N] [--offset N] [--columns COLS] [--distinct]",
	summary: "describe how a query would run: the index or key range used, the filter and the sort",
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		var qf queryFlags
		qf.register(fs, false)
		return func(e *env, args []string) error {
			if err := wantArgs(args, 2, 2, "FILE TABLE"); err != nil {
				return err
			}
			q, err := qf.query()
			if err != nil {
				return err
			}
			v, err := openView(e, args[0], args[1])
			if err != nil {
				return err
			}
			s, err := v.Explain(q)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(e.stdout, s)
			return err
		}
	},
}

// parseAggs reads --agg: a comma-separated list of count, count:FIELD,
// sum:FIELD, avg:FIELD, min:FIELD and max:FIELD, each optionally NAME=...
func parseAggs(s string) ([]dictdb.Agg, error) {
	items, err := splitList("agg", s)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, usagef("--agg is required, e.g. --agg count,avg:salary")
	}
	var out []dictdb.Agg
	for _, it := range items {
		name, spec, named := strings.Cut(it, "=")
		if !named {
			spec = name
		}
		kind, field, hasField := strings.Cut(spec, ":")
		kind, field = strings.ToLower(strings.TrimSpace(kind)), strings.TrimSpace(field)
		if hasField && field == "" {
			return nil, usagef("--agg: %q names no field", it)
		}
		if !named {
			name = kind
			if hasField {
				name = kind + "_" + field
			}
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, usagef("--agg: %q has an empty name", it)
		}
		var a dictdb.Agg
		switch {
		case kind == "count" && !hasField:
			a = dictdb.Count(name)
		case kind == "count":
			a = dictdb.CountOf(name, field)
		case !hasField && slices.Contains([]string{"sum", "avg", "min", "max"}, kind):
			return nil, usagef("--agg: %s needs a field, as in %s:salary", kind, kind)
		case kind == "sum":
			a = dictdb.Sum(name, field)
		case kind == "avg":
			a = dictdb.Avg(name, field)
		case kind == "min":
			a = dictdb.Min(name, field)
		case kind == "max":
			a = dictdb.Max(name, field)
		default:
			return nil, usagef("--agg: unknown aggregation %q (want count, sum, avg, min or max)", kind)
		}
		out = append(out, a)
	}
	return out, nil
}

var aggregateCmd = &command{
	name:    "aggregate",
	args:    "FILE TABLE --agg count,avg:salary [--group-by dept] [--where EXPR] [--format table|json|jsonl|csv]",
	summary: "compute count, sum, avg, min and max over a table, optionally per group",
	detail: `
--agg lists aggregations, comma-separated: count (rows), count:FIELD (non-null
values), sum:FIELD, avg:FIELD, min:FIELD, max:FIELD. A result is named
kind_field (count for the row count) unless given a name: total=sum:salary.
With --group-by, one row per group in ascending order of the group values.

Example:
  dictdb aggregate db.json employees --agg count,avg:salary,top=max:salary --group-by dept`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		agg := fs.String("agg", "", "aggregations `LIST`: count, count:f, sum:f, avg:f, min:f, max:f, each optionally name=...")
		groupBy := fs.String("group-by", "", "comma-separated `FIELDS` to group by")
		where := fs.String("where", "", "aggregate only the records matching `EXPR`")
		format := fs.String("format", "table", "output `FORMAT`: table, json, jsonl or csv")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 2, 2, "FILE TABLE"); err != nil {
				return err
			}
			if err := checkOutputFormat(*format); err != nil {
				return err
			}
			var q dictdb.AggQuery
			var err error
			if q.Aggs, err = parseAggs(*agg); err != nil {
				return err
			}
			if q.GroupBy, err = splitList("group-by", *groupBy); err != nil {
				return err
			}
			if q.Where, err = parseWhere(*where); err != nil {
				return err
			}
			v, err := openView(e, args[0], args[1])
			if err != nil {
				return err
			}
			rows, err := v.Aggregate(q)
			if err != nil {
				return err
			}
			return writeRows(e.stdout, *format, q.Columns(), rows)
		}
	},
}

var tablesCmd = &command{
	name:    "tables",
	args:    "FILE [--format table|json|jsonl|csv]",
	summary: "list the tables of a database file with their keys, sizes and indexes",
	detail: `
On a binary file with a table directory (binary format version 3, what this
version writes) only the file's header and its directory are read, whatever
the file's size; the records are not read, nor checked (verify checks them).
JSON files and older binary files are loaded.`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		format := fs.String("format", "table", "output `FORMAT`: table, json, jsonl or csv")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 1, 1, "FILE"); err != nil {
				return err
			}
			if err := checkOutputFormat(*format); err != nil {
				return err
			}
			facts, err := allTableFacts(e, args[0])
			if err != nil {
				return err
			}
			var rows []map[string]any
			for _, f := range facts {
				var idx []string
				for _, d := range f.indexes {
					idx = append(idx, indexDesc(d))
				}
				rows = append(rows, map[string]any{
					"table": f.name, "primary_key": f.pk, "rows": f.rows,
					"schema": f.schema != nil, "indexes": strings.Join(idx, ", "),
				})
			}
			return writeRows(e.stdout, *format, []string{"table", "primary_key", "rows", "schema", "indexes"}, rows)
		}
	},
}

func indexDesc(d dictdb.IndexDef) string {
	s := d.Field + " (" + d.Kind.String()
	if d.Unique {
		s += ", unique"
	}
	return s + ")"
}

var schemaCmd = &command{
	name:    "schema",
	args:    "FILE TABLE [--format table|json|jsonl|csv]",
	summary: "describe the fields of a table: types, primary key, indexes",
	detail: `
For a table with a schema, type is the declared type (int, float, str, bool,
list, dict) and every field is required. Without a schema, type lists the kinds
of value seen in the records (int, float, str, bool, bytes, time, list, dict,
null), and required says whether every record has a non-null value.

On a binary file with a table directory (binary format version 3, what this
version writes) these come from the directory, which records them when the
file is written: only the file's header and its directory are read, and the
records are not checked (verify checks them). JSON files and older binary
files are loaded.`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		format := fs.String("format", "table", "output `FORMAT`: table, json, jsonl or csv")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 2, 2, "FILE TABLE"); err != nil {
				return err
			}
			if err := checkOutputFormat(*format); err != nil {
				return err
			}
			f, err := oneTableFacts(e, args[0], args[1])
			if err != nil {
				return err
			}
			return writeRows(e.stdout, *format, []string{"field", "type", "primary_key", "required", "index"}, schemaRows(f))
		}
	},
}

// tableFacts is what tables and schema print about a table, taken from a
// loaded table or from a binary file's table directory.
type tableFacts struct {
	name    string
	pk      string
	rows    int64
	schema  []dictdb.Column // nil: no schema
	indexes []dictdb.IndexDef
	kinds   map[string]codec.KindSet // by field: the kinds of its values
	nonNull map[string]int64         // by field: the records where it is not null
}

// viewFacts returns the facts of a loaded table; the field statistics only
// if fields is set (they take a pass over the records).
func viewFacts(v *dictdb.View, fields bool) tableFacts {
	f := tableFacts{name: v.Name(), pk: v.PrimaryKey(), rows: int64(v.Count()), schema: v.Schema(), indexes: v.Indexes()}
	if !fields || f.schema != nil {
		return f
	}
	f.kinds, f.nonNull = map[string]codec.KindSet{}, map[string]int64{}
	for _, r := range v.Records() {
		for k, val := range r {
			f.kinds[k] |= codec.KindsOf(val)
			if val != nil {
				f.nonNull[k]++
			}
		}
	}
	return f
}

// summaryFacts returns the facts of a table directory entry.
func summaryFacts(s codec.TableSummary) (tableFacts, error) {
	t := s.Table
	f := tableFacts{name: t.Name, pk: t.PrimaryKey, rows: int64(min(s.Records, math.MaxInt64)),
		kinds: map[string]codec.KindSet{}, nonNull: map[string]int64{}}
	if t.Schema != nil {
		f.schema = []dictdb.Column{}
		for _, c := range t.Schema {
			typ, ok := schemaTypes[c.Type]
			if !ok {
				return f, fmt.Errorf("table %q: unknown schema type %q", t.Name, c.Type)
			}
			f.schema = append(f.schema, dictdb.Col(c.Name, typ))
		}
	}
	for _, x := range t.Indexes {
		kind, ok := idx.ParseKind(x.Kind)
		if !ok {
			return f, fmt.Errorf("table %q: unknown index kind %q", t.Name, x.Kind)
		}
		f.indexes = append(f.indexes, dictdb.IndexDef{Field: x.Field, Kind: kind, Unique: x.Unique})
	}
	for _, fs := range s.Fields {
		f.kinds[fs.Name], f.nonNull[fs.Name] = fs.Kinds, int64(min(fs.NonNull, math.MaxInt64))
	}
	return f, nil
}

var schemaTypes = map[string]dictdb.Type{"int": dictdb.Int, "float": dictdb.Float, "str": dictdb.Str,
	"bool": dictdb.Bool, "list": dictdb.List, "dict": dictdb.Dict}

// allTableFacts returns the facts of every table of the database file at
// path, without field statistics: from the file's table directory when it
// has one, else by loading it.
func allTableFacts(e *env, path string) ([]tableFacts, error) {
	if sums, ok, err := readDirectory(path); err != nil {
		return nil, err
	} else if ok {
		out := make([]tableFacts, 0, len(sums))
		for _, s := range sums {
			f, err := summaryFacts(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			out = append(out, f)
		}
		return out, nil
	}
	db, _, err := openDB(e, path)
	if err != nil {
		return nil, err
	}
	snap := db.Snapshot()
	var out []tableFacts
	for _, name := range snap.TableNames() {
		v, err := snap.Table(name)
		if err != nil {
			return nil, err
		}
		out = append(out, viewFacts(v, false))
	}
	return out, nil
}

// oneTableFacts returns the facts of table name of the database file at
// path, with field statistics: from the file's table directory when it has
// one, else by loading it.
func oneTableFacts(e *env, path, name string) (tableFacts, error) {
	sums, ok, err := readDirectory(path)
	if err != nil {
		return tableFacts{}, err
	}
	if !ok {
		v, err := openView(e, path, name)
		if err != nil {
			return tableFacts{}, err
		}
		return viewFacts(v, true), nil
	}
	var names []string
	for _, s := range sums {
		if s.Table.Name == name {
			f, err := summaryFacts(s)
			if err != nil {
				return f, fmt.Errorf("%s: %w", path, err)
			}
			return f, nil
		}
		names = append(names, s.Table.Name)
	}
	return tableFacts{}, fmt.Errorf("%s has no table %q (it has: %s)", path, name, listOrNone(names))
}

func schemaRows(f tableFacts) []map[string]any {
	pk := f.pk
	indexes := map[string]string{}
	for _, d := range f.indexes {
		s := d.Kind.String()
		if d.Unique {
			s += ", unique"
		}
		indexes[d.Field] = s
	}
	var rows []map[string]any
	if f.schema != nil {
		for _, c := range f.schema {
			rows = append(rows, map[string]any{"field": c.Name, "type": c.Type.String(), "primary_key": c.Name == pk,
				"required": true, "index": indexes[c.Name]})
		}
		return rows
	}
	fields := make([]string, 0, len(f.kinds))
	for k := range f.kinds {
		if k != pk {
			fields = append(fields, k)
		}
	}
	slices.Sort(fields)
	fields = append([]string{pk}, fields...)
	order := []struct {
		kind codec.KindSet
		name string
	}{{codec.KindInt, "int"}, {codec.KindFloat, "float"}, {codec.KindString, "str"}, {codec.KindBool, "bool"},
		{codec.KindBytes, "bytes"}, {codec.KindTime, "time"}, {codec.KindList, "list"}, {codec.KindMap, "dict"}, {codec.KindNull, "null"}}
	for _, field := range fields {
		var ks []string
		for _, k := range order {
			if f.kinds[field]&k.kind != 0 {
				ks = append(ks, k.name)
			}
		}
		typ := strings.Join(ks, "|")
		if field == pk && f.rows == 0 {
			typ = "int|str"
		}
		rows = append(rows, map[string]any{"field": field, "type": typ, "primary_key": field == pk,
			"required": field == pk || f.nonNull[field] == f.rows, "index": indexes[field]})
	}
	return rows
}
