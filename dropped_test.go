package dictdb_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// TestDroppedTableHandle calls every method of *Table on a handle whose
// table was dropped and replaced by a new table of the same name: methods
// with an error result fail with ErrTableNotFound, the others return the
// zero values the Table doc lists, and nothing reaches the new table. A
// method added to Table without a case here fails the test.
func TestDroppedTableHandle(t *testing.T) {
	db := dictdb.New()
	old, err := db.CreateTable("t", dictdb.PrimaryKey("k"), dictdb.WithSchema(dictdb.Col("a", dictdb.Int)))
	require.NoError(t, err)
	_, err = old.Insert(dictdb.Record{"k": 1, "a": 1})
	require.NoError(t, err)
	require.NoError(t, old.CreateIndex("a", dictdb.SortedIndex))
	before := db.Snapshot()
	require.NoError(t, db.DropTable("t"))
	// A new table of the same name, which the old handle must not see.
	cur, err := db.CreateTable("t")
	require.NoError(t, err)
	_, err = cur.InsertMany([]dictdb.Record{{"id": 1, "a": 1}, {"id": 2, "a": 2}})
	require.NoError(t, err)
	require.NoError(t, cur.CreateIndex("a", dictdb.HashIndex))
	seq := db.Seq()

	csvPath := filepath.Join(t.TempDir(), "out.csv")
	fails := map[string]func() error{
		"View":        func() error { return second(old.View()) },
		"Insert":      func() error { return second(old.Insert(dictdb.Record{"k": 9, "a": 9})) },
		"InsertMany":  func() error { return second(old.InsertMany([]dictdb.Record{{"k": 9, "a": 9}})) },
		"Upsert":      func() error { return third(old.Upsert(dictdb.Record{"k": 1, "a": 5}, dictdb.OnConflictUpdate)) },
		"Update":      func() error { return second(old.Update(dictdb.Record{"a": 5}, nil)) },
		"Delete":      func() error { return second(old.Delete(nil)) },
		"Select":      func() error { return second(old.Select(dictdb.Query{})) },
		"Rows":        func() error { return second(old.Rows(dictdb.Query{})) },
		"CountWhere":  func() error { return second(old.CountWhere(nil)) },
		"Aggregate":   func() error { return second(old.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("n")}})) },
		"Explain":     func() error { return second(old.Explain(dictdb.Query{Where: cond.Field("a").Eq(1)})) },
		"CreateIndex": func() error { return old.CreateIndex("b", dictdb.HashIndex) },
		"DropIndex":   func() error { return old.DropIndex("a") },
		"SetTTL":      func() error { return old.SetTTL("exp") },
		"ClearTTL":    func() error { return old.ClearTTL() },
		"ExportCSV":   func() error { return second(old.ExportCSV(csvPath, dictdb.CSVOptions{})) },
		"ExportCSVContext": func() error {
			return second(old.ExportCSVContext(context.Background(), csvPath, dictdb.CSVOptions{}))
		},
		"WriteCSV":    func() error { return second(old.WriteCSV(&bytes.Buffer{}, dictdb.CSVOptions{})) },
		"SelectWatch": func() error { return third(old.SelectWatch(dictdb.Query{})) },
		"WatchKey":    func() error { return second(old.WatchKey(1)) },
		"WatchTable":  func() error { return second(old.WatchTable()) },
		"WatchWhere":  func() error { return second(old.WatchWhere(cond.Field("a").Eq(1))) },
	}
	zero := map[string]func(){
		"Name": func() { assert.Equal(t, "t", old.Name()) },
		"Get": func() {
			r, ok := old.Get(1)
			assert.False(t, ok)
			assert.Nil(t, r)
		},
		"GetRow": func() {
			r, ok := old.GetRow(1)
			assert.False(t, ok)
			assert.Equal(t, dictdb.Row{}, r)
		},
		"Count":         func() { assert.Equal(t, 0, old.Count()) },
		"Records":       func() { assert.Nil(t, old.Records()) },
		"Copy":          func() { assert.Nil(t, old.Copy()) },
		"Keys":          func() { assert.Nil(t, old.Keys()) },
		"Schema":        func() { assert.Nil(t, old.Schema()) },
		"Columns":       func() { assert.Nil(t, old.Columns()) },
		"PrimaryKey":    func() { assert.Equal(t, "", old.PrimaryKey()) },
		"SchemaFields":  func() { assert.Nil(t, old.SchemaFields()) },
		"Indexes":       func() { assert.Nil(t, old.Indexes()) },
		"IndexedFields": func() { assert.Nil(t, old.IndexedFields()) },
		"HasIndex":      func() { assert.False(t, old.HasIndex("a")) },
		"TTL":           func() { assert.Equal(t, "", old.TTL()) },
		"All": func() {
			for range old.All() {
				t.Error("All yielded a row of a dropped table")
			}
		},
		"Scan": func() {
			n := 0
			for _, err := range old.Scan(dictdb.Query{}) {
				n++
				assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
			}
			assert.Equal(t, 1, n)
		},
		"ScanContext": func() {
			n := 0
			for _, err := range old.ScanContext(context.Background(), dictdb.Query{}) {
				n++
				assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
			}
			assert.Equal(t, 1, n)
		},
	}

	typ := reflect.TypeFor[*dictdb.Table]()
	errType := reflect.TypeFor[error]()
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		returnsError := m.Type.NumOut() > 0 && m.Type.Out(m.Type.NumOut()-1) == errType
		_, isFail := fails[m.Name]
		_, isZero := zero[m.Name]
		switch {
		case isFail && !returnsError, isZero && returnsError:
			t.Errorf("%s: listed in the wrong group", m.Name)
		case !isFail && !isZero:
			t.Errorf("%s: no case in this test", m.Name)
		}
	}
	for name, call := range fails {
		t.Run(name, func(t *testing.T) {
			err := call()
			require.ErrorIs(t, err, dictdb.ErrTableNotFound)
			var te *dictdb.TableError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, "t", te.Table)
		})
	}
	for name, check := range zero {
		t.Run(name, func(t *testing.T) { check() })
	}

	// Nothing reached the new table, and no file was written.
	assert.Equal(t, seq, db.Seq(), "a call on the dropped handle committed something")
	all, err := cur.Select(dictdb.Query{})
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"id": int64(1), "a": int64(1)}, {"id": int64(2), "a": int64(2)}}, all)
	assert.Equal(t, []string{"a"}, cur.IndexedFields())
	_, err = os.Stat(csvPath)
	assert.True(t, os.IsNotExist(err), "ExportCSV on a dropped table wrote a file")

	// A Restore that brings the table back revives the handle.
	require.NoError(t, db.Restore(before))
	assert.Equal(t, 1, old.Count())
	assert.Equal(t, "k", old.PrimaryKey())
	assert.Equal(t, []string{"a"}, old.IndexedFields())
	_, err = cur.Select(dictdb.Query{})
	require.ErrorIs(t, err, dictdb.ErrTableNotFound, "the replacement table is gone after the Restore")
}
