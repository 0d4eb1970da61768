package dictdb_test

import (
	"bytes"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// methodsOf returns the exported methods of T by name, each as its
// signature without the receiver.
func methodsOf[T any]() map[string]reflect.Type {
	typ := reflect.TypeFor[T]()
	out := map[string]reflect.Type{}
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		in := make([]reflect.Type, m.Type.NumIn()-1)
		for j := range in {
			in[j] = m.Type.In(j + 1)
		}
		outs := make([]reflect.Type, m.Type.NumOut())
		for j := range outs {
			outs[j] = m.Type.Out(j)
		}
		out[m.Name] = reflect.FuncOf(in, outs, m.Type.IsVariadic())
	}
	return out
}

// TestTableAndViewOfferTheSameReads checks that every read of a View is a
// method of Table and of TxTable with the same signature, so that code
// written against one runs against the others.
func TestTableAndViewOfferTheSameReads(t *testing.T) {
	view := methodsOf[*dictdb.View]()
	require.NotEmpty(t, view)
	for name, handle := range map[string]map[string]reflect.Type{
		"Table":   methodsOf[*dictdb.Table](),
		"TxTable": methodsOf[*dictdb.TxTable](),
	} {
		for m, sig := range view {
			got, ok := handle[m]
			if !ok {
				t.Errorf("%s lacks View.%s", name, m)
				continue
			}
			if got != sig {
				t.Errorf("%s.%s is %v, View.%s is %v", name, m, got, m, sig)
			}
		}
	}
	// And the reads of a Table are all on View (the writes are not).
	writes := map[string]bool{
		"Insert": true, "InsertMany": true, "Upsert": true, "Update": true, "Delete": true,
		"CreateIndex": true, "DropIndex": true, "View": true, "SetTTL": true, "ClearTTL": true,
		// Watches follow the live table; a View never changes.
		"SelectWatch": true, "WatchKey": true, "WatchTable": true, "WatchWhere": true,
	}
	for m := range methodsOf[*dictdb.Table]() {
		if _, ok := view[m]; !ok && !writes[m] {
			t.Errorf("View lacks Table.%s", m)
		}
	}
}

// TestTxTableReadsSeeStagedWrites runs every read of a TxTable inside a
// transaction, after a write the transaction has not committed yet.
func TestTxTableReadsSeeStagedWrites(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t", dictdb.WithSchema(dictdb.Col("id", dictdb.Int), dictdb.Col("v", dictdb.Int)))
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"id": 1, "v": 10})
	require.NoError(t, err)
	csvPath := filepath.Join(t.TempDir(), "t.csv")

	var ended *dictdb.TxTable
	err = db.Update([]string{"t"}, func(tx *dictdb.Tx) error {
		tt, err := tx.Table("t")
		require.NoError(t, err)
		ended = tt
		_, err = tt.Insert(dictdb.Record{"id": 2, "v": 20})
		require.NoError(t, err)
		require.NoError(t, tt.CreateIndex("v", dictdb.SortedIndex))

		assert.Equal(t, "t", tt.Name())
		assert.Equal(t, "id", tt.PrimaryKey())
		assert.Equal(t, 2, tt.Count())
		n, err := tt.CountWhere(cond.Field("v").Gt(15))
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		rec, ok := tt.Get(2)
		assert.True(t, ok)
		assert.Equal(t, dictdb.Record{"id": int64(2), "v": int64(20)}, rec)
		row, ok := tt.GetRow(2)
		assert.True(t, ok)
		v, _ := row.Get("v")
		assert.Equal(t, int64(20), v)
		rows, err := tt.Rows(dictdb.Query{OrderBy: []string{"-v"}})
		require.NoError(t, err)
		require.Len(t, rows, 2)
		recs, err := tt.Select(dictdb.Query{Where: cond.Field("v").Eq(20)})
		require.NoError(t, err)
		assert.Equal(t, []dictdb.Record{{"id": int64(2), "v": int64(20)}}, recs)
		assert.Len(t, tt.Records(), 2)
		assert.Len(t, tt.Copy(), 2)
		assert.Equal(t, []any{int64(1), int64(2)}, tt.Keys())
		assert.Equal(t, []string{"id", "v"}, tt.Columns())
		assert.Equal(t, []string{"id", "v"}, tt.SchemaFields())
		assert.Equal(t, []dictdb.Column{dictdb.Col("id", dictdb.Int), dictdb.Col("v", dictdb.Int)}, tt.Schema())
		assert.Equal(t, []dictdb.IndexDef{{Field: "v", Kind: dictdb.SortedIndex}}, tt.Indexes())
		assert.Equal(t, []string{"v"}, tt.IndexedFields())
		assert.True(t, tt.HasIndex("v"))
		plan, err := tt.Explain(dictdb.Query{Where: cond.Field("v").Gt(15)})
		require.NoError(t, err)
		assert.Contains(t, plan, "v")
		agg, err := tt.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Sum("s", "v")}})
		require.NoError(t, err)
		assert.Equal(t, []dictdb.Record{{"s": int64(30)}}, agg)
		var b bytes.Buffer
		n, err = tt.WriteCSV(&b, dictdb.CSVOptions{})
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.Equal(t, "id,v\r\n1,10\r\n2,20\r\n", b.String())
		n, err = tt.ExportCSV(csvPath, dictdb.CSVOptions{})
		require.NoError(t, err)
		assert.Equal(t, 2, n)

		// The live table does not see the staged writes.
		assert.Equal(t, 1, tb.Count())
		assert.False(t, tb.HasIndex("v"))
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, tb.Count())

	// After the transaction, its TxTable reads fail or return zero values.
	_, err = ended.View()
	require.ErrorIs(t, err, dictdb.ErrTxDone)
	_, err = ended.Select(dictdb.Query{})
	require.ErrorIs(t, err, dictdb.ErrTxDone)
	_, err = ended.WriteCSV(&bytes.Buffer{}, dictdb.CSVOptions{})
	require.ErrorIs(t, err, dictdb.ErrTxDone)
	assert.Equal(t, 0, ended.Count())
	assert.Nil(t, ended.Keys())
	assert.False(t, ended.HasIndex("v"))
	_, ok := ended.GetRow(1)
	assert.False(t, ok)
}
