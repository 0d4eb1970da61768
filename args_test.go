package dictdb_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// TestBadArguments: every bad argument that is not a record gives
// ErrInvalidArgument and never ErrInvalidRecord (which used to be returned
// for most of them), and changes nothing.
func TestBadArguments(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	_, err = tb.Insert(dictdb.Record{"a": 1})
	require.NoError(t, err)
	before := db.Seq()

	txErr := func(fn func(tx *dictdb.Tx) error) error { return db.Update([]string{"t", "u"}, fn) }
	cases := map[string]error{
		"CreateTable empty name": second(db.CreateTable("")),
		"CreateTable empty pk":   second(db.CreateTable("x", dictdb.PrimaryKey(""))),
		"schema empty field":     second(db.CreateTable("x", dictdb.WithSchema(dictdb.Col("", dictdb.Int)))),
		"schema repeated field":  second(db.CreateTable("x", dictdb.WithSchema(dictdb.Col("a", dictdb.Int), dictdb.Col("a", dictdb.Str)))),
		"schema unknown type":    second(db.CreateTable("x", dictdb.WithSchema(dictdb.Col("a", dictdb.Type(99))))),
		"Tx.CreateTable empty pk": txErr(func(tx *dictdb.Tx) error {
			return second(tx.CreateTable("u", dictdb.PrimaryKey("")))
		}),
		"Update nil tables":   db.Update(nil, func(*dictdb.Tx) error { return nil }),
		"Update empty tables": db.Update([]string{}, func(*dictdb.Tx) error { return nil }),
		"Restore nil":         db.Restore(nil),
		"Upsert policy":       third(tb.Upsert(dictdb.Record{"id": 1}, dictdb.Conflict(9))),
		"TxTable.Upsert policy": txErr(func(tx *dictdb.Tx) error {
			tt, err := tx.Table("t")
			if err != nil {
				return err
			}
			return third(tt.Upsert(dictdb.Record{"id": 1}, dictdb.Conflict(9)))
		}),
		"CreateIndex empty field":  tb.CreateIndex("", dictdb.HashIndex),
		"CreateIndex unknown kind": tb.CreateIndex("a", dictdb.IndexKind(9)),
		"CreateIndex primary key":  tb.CreateIndex("id", dictdb.SortedIndex),
		"DropIndex missing":        tb.DropIndex("a"),
		"ApplyDelta nil":           db.ApplyDelta(nil),
		"Save empty path":          db.Save("", dictdb.JSON),
		"Load empty path":          second(dictdb.Load("", dictdb.Auto)),
		"SaveTo nil writer":        db.SaveTo(nil, dictdb.JSON),
		"WriteSnapshot nil":        dictdb.WriteSnapshot(&bytes.Buffer{}, nil, dictdb.JSON),
		"LoadFrom nil reader":      second(dictdb.LoadFrom(nil, dictdb.Auto)),
		"backup nil DB":            second(dictdb.NewBackupManager(nil, t.TempDir(), dictdb.BackupOptions{})),
		"backup empty dir":         second(dictdb.NewBackupManager(db, "", dictdb.BackupOptions{})),
		"backup negative Keep":     second(dictdb.NewBackupManager(db, t.TempDir(), dictdb.BackupOptions{Keep: -1})),
		"backup negative Interval": second(dictdb.NewBackupManager(db, t.TempDir(), dictdb.BackupOptions{Interval: -1})),
		"CSV delimiter":            second(db.ImportCSVFrom(strings.NewReader("a\n1\n"), "x", dictdb.CSVOptions{Delimiter: '\r'})),
		"CSV export delimiter":     second(tb.WriteCSV(&bytes.Buffer{}, dictdb.CSVOptions{Delimiter: '"'})),
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
			assert.NotErrorIs(t, err, dictdb.ErrInvalidRecord)
			assert.NotErrorIs(t, err, dictdb.ErrUnsupportedValue)
		})
	}
	assert.Equal(t, before, db.Seq(), "a bad argument committed something")
	assert.Equal(t, []string{"t"}, db.TableNames())

	// Index definition errors are a case of ErrInvalidArgument: both match.
	for _, name := range []string{"CreateIndex empty field", "CreateIndex unknown kind", "CreateIndex primary key", "DropIndex missing"} {
		assert.ErrorIs(t, cases[name], dictdb.ErrInvalidIndex, name)
	}
	assert.NotErrorIs(t, dictdb.ErrInvalidArgument, dictdb.ErrInvalidIndex, "the broad sentinel does not match the narrow one")
}

// TestEmptyFieldNames: a field named "" inside a record makes an invalid
// record; an empty field name in a condition, ordering or projection is an
// invalid query; neither is an unsupported value (which it used to be for
// records).
func TestEmptyFieldNames(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	id, err := tb.Insert(dictdb.Record{"a": 1})
	require.NoError(t, err)

	records := map[string]error{
		"Insert":     second(tb.Insert(dictdb.Record{"": 1})),
		"InsertMany": second(tb.InsertMany([]dictdb.Record{{"a": 2}, {"a": 3, "": 4}})),
		"Upsert":     third(tb.Upsert(dictdb.Record{"id": id, "": 1}, dictdb.OnConflictUpdate)),
		"Update":     second(tb.Update(dictdb.Record{"": 1}, nil)),
		"Tx Insert": db.Update([]string{"t"}, func(tx *dictdb.Tx) error {
			tt, err := tx.Table("t")
			if err != nil {
				return err
			}
			return second(tt.Insert(dictdb.Record{"b": 1, "": 2}))
		}),
	}
	for name, err := range records {
		require.ErrorIs(t, err, dictdb.ErrInvalidRecord, name)
		assert.NotErrorIs(t, err, dictdb.ErrUnsupportedValue, name)
		assert.NotErrorIs(t, err, dictdb.ErrInvalidArgument, name)
	}
	assert.Equal(t, 1, tb.Count(), "a record with an empty field name stored something")
	// A nested map may have an "" key.
	_, err = tb.Insert(dictdb.Record{"m": map[string]any{"": 1}})
	require.NoError(t, err)

	queries := map[string]error{
		"Where":   second(tb.Select(dictdb.Query{Where: cond.Field("").Eq(1)})),
		"OrderBy": second(tb.Select(dictdb.Query{OrderBy: []string{""}})),
		"Columns": second(tb.Select(dictdb.Query{Columns: dictdb.Cols("")})),
		"Count":   second(tb.CountWhere(cond.Field("").Gt(0))),
	}
	for name, err := range queries {
		require.ErrorIs(t, err, dictdb.ErrInvalidQuery, name)
		assert.NotErrorIs(t, err, dictdb.ErrUnsupportedValue, name)
	}
	require.ErrorIs(t, tb.CreateIndex("", dictdb.SortedIndex), dictdb.ErrInvalidArgument)
	require.ErrorIs(t, second(db.CreateTable("x", dictdb.PrimaryKey(""))), dictdb.ErrInvalidArgument)
}

func third[A, B any](_ A, _ B, err error) error { return err }
