package dictdb_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/tbl"
)

// The tests of this file check that nothing the read API hands out shares
// memory with a stored version: every result of every read path is
// overwritten in place, reflectively and recursively, and binary dumps of
// an earlier snapshot, a later snapshot and the live database must stay
// byte for byte what they were.

// scribble overwrites in place everything a caller can reach from v: slice
// elements, map entries (and one added entry), bytes, exported struct
// fields, recursing into nested values; for Rows, Records, Views, table
// versions and snapshots it walks what their read methods return.
func scribble(v any) { scribbleValue(reflect.ValueOf(v), 0) }

func scribbleValue(v reflect.Value, depth int) {
	if !v.IsValid() || depth > 64 {
		return
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case dictdb.Row:
			scribbleRow(x, depth)
			return
		case codec.Record:
			scribbleRecord(x, depth)
			return
		case *dictdb.View:
			if x != nil {
				scribbleView(x, depth)
			}
			return
		case *tbl.Table:
			if x != nil {
				scribbleVersion(x, depth)
			}
			return
		case *dictdb.Snapshot:
			if x != nil {
				scribbleSnapshot(x, depth)
			}
			return
		}
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		scribbleValue(v.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			e := v.Index(i)
			scribbleValue(e, depth+1)
			overwrite(e)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			scribbleValue(v.MapIndex(k), depth+1)
			if j := junk(v.Type().Elem()); j.IsValid() {
				v.SetMapIndex(k, j)
			}
		}
		if v.Type().Key().Kind() == reflect.String {
			if j := junk(v.Type().Elem()); j.IsValid() {
				v.SetMapIndex(reflect.ValueOf("scribbled").Convert(v.Type().Key()), j)
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f := v.Field(i)
				scribbleValue(f, depth+1)
				overwrite(f)
			}
		}
	}
}

// overwrite replaces a settable value with a different one of its type.
func overwrite(v reflect.Value) {
	if !v.CanSet() {
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.String, reflect.Bool:
		if j := junk(v.Type()); j.IsValid() {
			v.Set(j)
		}
	case reflect.Uint8, reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(^v.Uint())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(^v.Int())
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	}
}

// junk returns a value of type t to overwrite with, or the invalid Value.
func junk(t reflect.Type) reflect.Value {
	switch t.Kind() {
	case reflect.Interface:
		if reflect.TypeFor[string]().Implements(t) {
			return reflect.ValueOf("scribbled").Convert(t)
		}
	case reflect.String:
		return reflect.ValueOf("scribbled").Convert(t)
	case reflect.Bool:
		return reflect.ValueOf(true).Convert(t)
	}
	return reflect.Value{}
}

func scribbleRow(r dictdb.Row, depth int) {
	for _, f := range r.Fields() {
		v, _ := r.Get(f)
		scribbleValue(reflect.ValueOf(v), depth+1)
	}
	for _, v := range r.All() {
		scribbleValue(reflect.ValueOf(v), depth+1)
	}
	scribble(r.Map())
	scribbleRecord(tbl.Row(r).Record(), depth)
}

func scribbleRecord(rec codec.Record, depth int) {
	for i := range rec.Len() {
		name := rec.Shape().Name(i)
		v, _ := rec.Get(name)
		scribbleValue(reflect.ValueOf(v), depth+1)
		f := codec.NewField(name)
		scribbleValue(reflect.ValueOf(f.Value(rec)), depth+1)
		if v, ok := f.Cached(rec); ok {
			scribbleValue(reflect.ValueOf(v), depth+1)
		}
	}
	for _, v := range rec.All() {
		scribbleValue(reflect.ValueOf(v), depth+1)
	}
	scribble(rec.Map())
	scribbleValue(reflect.ValueOf(rec.Values()), depth+1)
}

// readQueries exercise the planner's paths: full scans, primary-key and
// index lookups on composite values (hash and sorted), ordering by a
// sorted index both ways, projections, Distinct and paging.
func readQueries() []dictdb.Query {
	return []dictdb.Query{
		{},
		{Where: cond.Field("id").Eq(2)},
		{Where: cond.Field("id").Gte(2), Limit: 2},
		{Where: cond.Field("tags").Eq([]any{"x", 2})},
		{Where: cond.Field("meta").Eq(map[string]any{"k": []any{1}, "s": "v"})},
		{Where: cond.Field("blob").Gte([]byte{1})},
		{Where: cond.Field("tags").In([]any{"x", 2}, []any{"y"})},
		{Where: cond.And(cond.Field("n").Gt(0), cond.Field("meta").IsNotNull())},
		{OrderBy: []string{"tags"}},
		{OrderBy: []string{"-tags"}},
		{OrderBy: []string{"-items", "id"}, Offset: 1},
		{Columns: dictdb.Cols("tags", "meta", "blob")},
		{Columns: []dictdb.Projection{dictdb.As("t", "tags"), dictdb.As("m", "meta")}, Distinct: true},
		{Where: cond.Field("tags").Eq([]any{"x", 2}), Columns: dictdb.Cols("items"), OrderBy: []string{"-id"}},
	}
}

// aggQueries exercise Min and Max from index ends and from scans, grouped
// by composite values.
func aggQueries() []dictdb.AggQuery {
	var out []dictdb.AggQuery
	for _, f := range []string{"tags", "meta", "blob", "when", "items", "n", "id"} {
		out = append(out,
			dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Min("lo", f), dictdb.Max("hi", f), dictdb.CountOf("c", f)}},
			dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Min("lo", f), dictdb.Max("hi", f)}, Where: cond.Field("n").Gt(0)},
			dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Min("lo", f), dictdb.Max("hi", f)}, GroupBy: []string{"tags", "meta"}},
		)
	}
	return out
}

func scribbleView(v *dictdb.View, depth int) {
	for _, k := range v.Keys() {
		m, _ := v.Get(k)
		scribbleValue(reflect.ValueOf(m), depth+1)
		r, _ := v.GetRow(k)
		scribbleRow(r, depth+1)
	}
	for _, q := range readQueries() {
		rows, _ := v.Rows(q)
		scribbleValue(reflect.ValueOf(rows), depth+1)
		recs, _ := v.Select(q)
		scribbleValue(reflect.ValueOf(recs), depth+1)
		plan, _ := v.Explain(q)
		scribble(plan)
	}
	for _, q := range aggQueries() {
		res, _ := v.Aggregate(q)
		scribbleValue(reflect.ValueOf(res), depth+1)
	}
	scribbleValue(reflect.ValueOf(v.Records()), depth+1)
	scribbleValue(reflect.ValueOf(v.Copy()), depth+1)
	scribble(v.Keys())
	scribble(v.Columns())
	scribble(v.SchemaFields())
	scribble(v.Schema())
	scribble(v.Indexes())
	scribbleVersion(dictdb.TableVersion(v), depth+1)
}

// scribbleVersion walks the read API of a table version (package tbl).
func scribbleVersion(t *tbl.Table, depth int) {
	for k, r := range t.All() {
		scribbleRow(dictdb.Row(r), depth+1)
		if r, ok := t.GetKey(k); ok {
			scribbleRow(dictdb.Row(r), depth+1)
		}
		if r, ok := t.Get(k.Value()); ok {
			scribbleRow(dictdb.Row(r), depth+1)
		}
	}
	for _, q := range readQueries() {
		rows, _ := t.Select(tbl.Query(q))
		scribbleValue(reflect.ValueOf(rows), depth+1)
	}
	for _, q := range aggQueries() {
		res, _ := t.Aggregate(tbl.AggQuery(q))
		scribbleValue(reflect.ValueOf(res), depth+1)
	}
	if s := t.Schema(); s != nil {
		scribble(s.Columns())
		scribble(s.Names())
	}
	scribble(t.Indexes())
	scribble(t.Columns())
}

func scribbleSnapshot(s *dictdb.Snapshot, depth int) {
	for _, name := range s.TableNames() {
		v, err := s.Table(name)
		if err == nil {
			scribbleView(v, depth+1)
		}
	}
	scribble(s.TableNames())
}

// immutabilityDB returns a database holding every composite kind (lists,
// nested maps, bytes, lists of maps, maps of lists, times) in indexed and
// unindexed fields, with a snapshot taken half-way and one at the end.
func immutabilityDB(t *testing.T) (db *dictdb.DB, early, late *dictdb.Snapshot) {
	t.Helper()
	db = dictdb.New()
	docs, err := db.CreateTable("docs")
	must(t, err)
	must(t, docs.CreateIndex("tags", dictdb.SortedIndex))
	must(t, docs.CreateIndex("meta", dictdb.HashIndex))
	must(t, docs.CreateIndex("blob", dictdb.SortedIndex))
	must(t, docs.CreateIndex("when", dictdb.SortedIndex))
	must(t, docs.CreateIndex("items", dictdb.SortedIndex))
	must(t, docs.CreateIndex("uniq", dictdb.HashIndex, dictdb.Unique()))
	when := time.Date(2024, 5, 6, 7, 8, 9, 10, time.UTC)
	doc := func(i int) dictdb.Record {
		return dictdb.Record{
			"name": "doc", "n": i, "f": float64(i) + 0.5,
			"tags": []any{"x", i % 3},
			"meta": map[string]any{"k": []any{i % 2}, "s": "v", "deep": map[string]any{"b": []byte{byte(i), 2}, "l": []any{[]any{"z"}}}},
			"blob": []byte{1, byte(i), 3},
			"when": when.Add(time.Duration(i) * time.Hour),
			"items": []any{
				map[string]any{"q": []any{i, "w"}, "bytes": []byte{9, byte(i)}},
				[]byte{7},
				when,
			},
			"uniq": []any{"u", i},
			"dup":  []any{"same"},
		}
	}
	for i := range 5 {
		_, err := docs.Insert(doc(i))
		must(t, err)
	}
	typed, err := db.CreateTable("typed", dictdb.PrimaryKey("code"),
		dictdb.WithSchema(dictdb.Col("code", dictdb.Str), dictdb.Col("l", dictdb.List), dictdb.Col("d", dictdb.Dict), dictdb.Col("s", dictdb.Str)))
	must(t, err)
	for i, code := range []string{"a", "b", "c"} {
		_, err := typed.Insert(dictdb.Record{"code": code, "l": []any{i, []any{"n"}, []byte{byte(i)}},
			"d": map[string]any{"x": map[string]any{"y": []any{i}}}, "s": code})
		must(t, err)
	}
	early = db.Snapshot()
	for i := 5; i < 8; i++ {
		_, err := docs.Insert(doc(i))
		must(t, err)
	}
	_, err = docs.Update(dictdb.Record{"tags": []any{"x", 2}, "meta": map[string]any{"k": []any{1}, "s": "v"}}, cond.Field("id").Eq(2))
	must(t, err)
	_, err = docs.Delete(cond.Field("id").Eq(4))
	must(t, err)
	_, _, err = typed.Upsert(dictdb.Record{"code": "b", "l": []any{"new", []byte("b")}}, dictdb.OnConflictUpdate)
	must(t, err)
	late = db.Snapshot()
	_, err = docs.Insert(doc(9))
	must(t, err)
	return db, early, late
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// binaryDumps returns binary dumps of the given snapshots and of the live
// database, in that order.
func binaryDumps(t *testing.T, db *dictdb.DB, snaps ...*dictdb.Snapshot) [][]byte {
	t.Helper()
	var out [][]byte
	for _, s := range snaps {
		var b bytes.Buffer
		must(t, dictdb.WriteSnapshot(&b, s, dictdb.Binary))
		out = append(out, b.Bytes())
	}
	var b bytes.Buffer
	must(t, db.SaveTo(&b, dictdb.Binary))
	return append(out, b.Bytes())
}

// keysOf returns the primary keys of a table's current version.
func keysOf(t *testing.T, tb *dictdb.Table) []any {
	t.Helper()
	return tb.Keys()
}

// TestReadsNeverShareStoredMemory walks every public read path, overwrites
// everything each one returns, and checks after each path that binary dumps
// of an earlier snapshot, a later one and the live database are unchanged,
// and that every table version's indexes still agree with its rows.
func TestReadsNeverShareStoredMemory(t *testing.T) {
	errRollback := errors.New("roll back")
	var (
		db          *dictdb.DB
		early, late *dictdb.Snapshot
		docs        *dictdb.Table
		tables      []*dictdb.Table
	)
	paths := []struct {
		name string
		read func(t *testing.T)
	}{
		{"Table.Get", func(t *testing.T) {
			for _, tb := range tables {
				for _, k := range keysOf(t, tb) {
					r, _ := tb.Get(k)
					scribble(r)
				}
			}
		}},
		{"Table.GetRow", func(t *testing.T) {
			for _, tb := range tables {
				for _, k := range keysOf(t, tb) {
					r, _ := tb.GetRow(k)
					scribble(r)
				}
			}
		}},
		{"Row.Record.Values", func(t *testing.T) {
			for _, tb := range tables {
				for _, k := range keysOf(t, tb) {
					r, _ := tb.GetRow(k)
					vals := tbl.Row(r).Record().Values()
					for i := range vals {
						vals[i] = "scribbled"
					}
				}
			}
		}},
		{"Table.Rows", func(t *testing.T) {
			for _, tb := range tables {
				for _, q := range readQueries() {
					rows, _ := tb.Rows(q)
					scribble(rows)
				}
			}
		}},
		{"Table.Select", func(t *testing.T) {
			for _, tb := range tables {
				for _, q := range readQueries() {
					recs, _ := tb.Select(q)
					scribble(recs)
				}
			}
		}},
		{"Table.All and Copy", func(t *testing.T) {
			for _, tb := range tables {
				scribble(tb.Records())
				scribble(tb.Copy())
			}
		}},
		{"Table.Aggregate", func(t *testing.T) {
			for _, tb := range tables {
				for _, q := range aggQueries() {
					res, _ := tb.Aggregate(q)
					scribble(res)
				}
			}
		}},
		{"tbl.Table.Aggregate", func(t *testing.T) {
			// Min and Max without Where read the ends of sorted indexes.
			for _, s := range []*dictdb.Snapshot{early, late, db.Snapshot()} {
				for _, name := range s.TableNames() {
					v, err := s.Table(name)
					must(t, err)
					for _, q := range aggQueries() {
						res, _ := dictdb.TableVersion(v).Aggregate(tbl.AggQuery(q))
						scribble(res)
					}
				}
			}
		}},
		{"Table metadata and Explain", func(t *testing.T) {
			for _, tb := range tables {
				scribble(tb.Columns())
				scribble(tb.Indexes())
				scribble(tb.IndexedFields())
				scribble(tb.SchemaFields())
				for _, q := range readQueries() {
					plan, _ := tb.Explain(q)
					scribble(plan)
				}
			}
		}},
		{"Table.View views", func(t *testing.T) {
			for _, tb := range tables {
				v, err := tb.View()
				must(t, err)
				scribble(v)
			}
		}},
		{"Snapshot views", func(t *testing.T) {
			scribble(early)
			scribble(late)
			scribble(db.Snapshot())
		}},
		{"DB.View", func(t *testing.T) {
			must(t, db.View(func(s *dictdb.Snapshot) error {
				scribble(s)
				return nil
			}))
		}},
		{"transaction reads", func(t *testing.T) {
			err := db.Update([]string{"docs", "typed"}, func(tx *dictdb.Tx) error {
				for _, name := range []string{"docs", "typed"} {
					tt, err := tx.Table(name)
					if err != nil {
						return err
					}
					read := func() {
						v, err := tt.View()
						must(t, err)
						for _, k := range v.Keys() {
							r, _ := tt.Get(k)
							scribble(r)
						}
						for _, q := range readQueries() {
							recs, _ := tt.Select(q)
							scribble(recs)
						}
						for _, q := range aggQueries() {
							res, _ := tt.Aggregate(q)
							scribble(res)
						}
						scribble(v)
					}
					read()
					// Staged rows share values with the stored ones.
					if _, err := tt.Update(dictdb.Record{"extra": 1}, nil); err != nil && name == "docs" {
						return err
					}
					read()
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("Update = %v, want the rollback error", err)
			}
		}},
		{"Diff", func(t *testing.T) {
			scribble(dictdb.Diff(early, late))
			scribble(dictdb.Diff(late, db.Snapshot()))
			scribble(dictdb.Diff(early, db.Snapshot()))
		}},
		{"tbl.DiffRows", func(t *testing.T) {
			for _, name := range []string{"docs", "typed"} {
				old, err := early.Table(name)
				must(t, err)
				cur, err := db.Snapshot().Table(name)
				must(t, err)
				tbl.DiffRows(dictdb.TableVersion(old), dictdb.TableVersion(cur), func(k codec.Key, o tbl.Row, _ bool, n tbl.Row, _ bool) bool {
					scribble(o)
					scribble(n)
					return true
				})
			}
		}},
		{"errors carrying values", func(t *testing.T) {
			err := docs.CreateIndex("dup", dictdb.HashIndex, dictdb.Unique())
			if err == nil {
				t.Fatal("a unique index over equal values was created")
			}
			scribble(err)
			var te *dictdb.Error
			if errors.As(err, &te) {
				scribble(te)
			}
		}},
		{"backups and restore", func(t *testing.T) {
			dir := t.TempDir()
			m, err := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{
				Incremental: true, Format: dictdb.Binary,
				OnBackup: func(r dictdb.BackupResult) { scribble(&r) },
			})
			must(t, err)
			must(t, m.BackupFull())
			must(t, m.BackupNow())
			restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
			must(t, err)
			scribble(restored.Snapshot())
		}},
		{"CSV round trip", func(t *testing.T) {
			for _, tb := range tables {
				var b bytes.Buffer
				_, err := tb.WriteCSV(&b, dictdb.CSVOptions{})
				must(t, err)
				other := dictdb.New()
				_, err = other.ImportCSVFrom(strings.NewReader(b.String()), tb.Name(), dictdb.CSVOptions{})
				must(t, err)
				scribble(other.Snapshot())
			}
		}},
		{"JSON and binary round trips", func(t *testing.T) {
			for _, f := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
				var b bytes.Buffer
				must(t, db.SaveTo(&b, f))
				loaded, err := dictdb.LoadFrom(&b, f)
				must(t, err)
				scribble(loaded.Snapshot())
			}
		}},
	}

	for _, p := range paths {
		t.Run(strings.ReplaceAll(p.name, " ", "_"), func(t *testing.T) {
			db, early, late = immutabilityDB(t)
			var err error
			docs, err = db.Table("docs")
			must(t, err)
			typed, err := db.Table("typed")
			must(t, err)
			tables = []*dictdb.Table{docs, typed}
			want := binaryDumps(t, db, early, late)
			if again := binaryDumps(t, db, early, late); !slices.EqualFunc(want, again, bytes.Equal) {
				t.Fatal("two binary dumps of unchanged data differ")
			}

			p.read(t)

			got := binaryDumps(t, db, early, late)
			for i, what := range []string{"the earlier snapshot", "the later snapshot", "the live database"} {
				if !bytes.Equal(got[i], want[i]) {
					t.Errorf("%s changed %s", p.name, what)
				}
			}
			for _, s := range []*dictdb.Snapshot{early, late, db.Snapshot()} {
				for _, name := range s.TableNames() {
					v, err := s.Table(name)
					must(t, err)
					if err := tbl.Verify(dictdb.TableVersion(v)); err != nil {
						t.Errorf("after %s: %v", p.name, err)
					}
				}
			}
		})
	}
}

// TestSnapshotSurvivesChangedReads is the plain case: a list read from a
// Row, and the values of its Record, changed by the caller, leave both an
// earlier snapshot and the live table as they were.
func TestSnapshotSurvivesChangedReads(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	must(t, err)
	_, err = tb.Insert(dictdb.Record{"l": []any{1, 2}, "b": []byte("ab"), "m": map[string]any{"k": []any{1}}})
	must(t, err)
	snap := db.Snapshot()

	r, _ := tb.GetRow(1)
	l, _ := r.Get("l")
	l.([]any)[0] = "x"
	b, _ := r.Get("b")
	b.([]byte)[0] = 'z'
	m, _ := r.Get("m")
	m.(map[string]any)["k"].([]any)[0] = "x"
	m.(map[string]any)["new"] = true
	vals := tbl.Row(r).Record().Values()
	for i := range vals {
		vals[i] = "x"
	}

	want := "map[b:[97 98] id:1 l:[1 2] m:map[k:[1]]]"
	v, err := snap.Table("t")
	must(t, err)
	if got, _ := v.Get(1); fmt.Sprint(got) != want {
		t.Errorf("the snapshot reads %v, want %s", got, want)
	}
	if got, _ := tb.Get(1); fmt.Sprint(got) != want {
		t.Errorf("the table reads %v, want %s", got, want)
	}
}

// TestApplyDeltaKeepsNoCallerMemory checks the way in: ApplyDelta copies
// the records of a delta (normalizing their values), so changing them
// afterwards changes nothing stored, and the caller's records are not
// written to (not even the auto key).
func TestApplyDeltaKeepsNoCallerMemory(t *testing.T) {
	db := dictdb.New()
	_, err := db.CreateTable("t")
	must(t, err)
	normalized, err := codec.NormalizeRecord(map[string]any{"id": nil, "l": []any{1, []byte("ab")}, "m": map[string]any{"k": []any{1}}})
	must(t, err)
	raw := codec.RecordOf(map[string]any{"id": 7, "l": []any{2}, "n": 5}) // Go ints, not normalized
	d := &codec.Delta{Tables: []codec.DeltaTable{{Name: "t", Upserts: []codec.Record{normalized, raw}}}}
	must(t, db.ApplyDelta(d))
	snap := db.Snapshot()
	want := binaryDumps(t, db, snap)

	if v, _ := normalized.Get("id"); v != nil {
		t.Errorf("ApplyDelta wrote the auto key %v into the caller's record", v)
	}
	for _, rec := range d.Tables[0].Upserts {
		scribbleRecord(rec, 0)
	}
	if got := binaryDumps(t, db, snap); !slices.EqualFunc(got, want, bytes.Equal) {
		t.Error("changing the records of an applied delta changed the database")
	}
	tb, err := db.Table("t")
	must(t, err)
	rows, err := tb.Select(dictdb.Query{OrderBy: []string{"n", "l"}})
	must(t, err)
	if fmt.Sprint(rows) != "[map[id:1 l:[1 [97 98]] m:map[k:[1]]] map[id:7 l:[2] n:5]]" {
		t.Errorf("rows = %v", rows)
	}
}
