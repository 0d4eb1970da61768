package dictdb_test

import (
	"bytes"
	"errors"
	"path/filepath"
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

// TestUniqueClashError: a unique-index clash names the record being
// written (Key), the stored record holding the value (Existing) and the
// value (Value), on every write path; Key used to hold the value.
func TestUniqueClashError(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("users")
	require.NoError(t, err)
	require.NoError(t, tb.CreateIndex("email", dictdb.HashIndex, dictdb.Unique()))
	_, err = tb.InsertMany([]dictdb.Record{{"id": 1, "email": "a@x"}, {"id": "k2", "email": "b@x"}})
	require.NoError(t, err)

	check := func(name string, err error, key, existing, value any) {
		t.Helper()
		var e *dictdb.Error
		require.ErrorIs(t, err, dictdb.ErrDuplicateKey, name)
		require.True(t, errors.As(err, &e), "%s: %v is not a *dictdb.Error", name, err)
		assert.Equal(t, "users", e.Table, name)
		assert.Equal(t, "email", e.Field, name)
		assert.Equal(t, key, e.Key, "%s: Key is the primary key of the record written", name)
		assert.Equal(t, existing, e.Existing, "%s: Existing is the primary key of the stored record", name)
		assert.Equal(t, value, e.Value, "%s: Value is the clashing value", name)
	}
	check("Insert", second(tb.Insert(dictdb.Record{"id": 3, "email": "a@x"})), int64(3), int64(1), "a@x")
	check("Insert auto key", second(tb.Insert(dictdb.Record{"email": "b@x"})), int64(2), "k2", "b@x")
	check("InsertMany", second(tb.InsertMany([]dictdb.Record{{"id": 4, "email": "c@x"}, {"id": 5, "email": "c@x"}})), int64(5), int64(4), "c@x")
	check("Update", second(tb.Update(dictdb.Record{"email": "a@x"}, cond.Field("id").Eq("k2"))), "k2", int64(1), "a@x")
	check("Upsert", third(tb.Upsert(dictdb.Record{"id": 1, "email": "b@x"}, dictdb.OnConflictUpdate)), int64(1), "k2", "b@x")
	check("Tx Insert", db.Update([]string{"users"}, func(tx *dictdb.Tx) error {
		tt, err := tx.Table("users")
		if err != nil {
			return err
		}
		return second(tt.Insert(dictdb.Record{"id": 7, "email": "b@x"}))
	}), int64(7), "k2", "b@x")

	// CreateIndex over duplicates: the two records in key order.
	_, err = tb.InsertMany([]dictdb.Record{{"id": 10, "tag": []any{"t"}}, {"id": 11, "tag": []any{"t"}}})
	require.NoError(t, err)
	err = tb.CreateIndex("tag", dictdb.SortedIndex, dictdb.Unique())
	var e *dictdb.Error
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Equal(t, int64(11), e.Key)
	assert.Equal(t, int64(10), e.Existing)
	assert.Equal(t, []any{"t"}, e.Value)
	e.Value.([]any)[0] = "changed" // the error's value is a copy
	got, _ := tb.Get(10)
	assert.Equal(t, []any{"t"}, got["tag"])

	// A duplicate primary key: Key and Existing are that key, no Value.
	err = second(tb.Insert(dictdb.Record{"id": "k2"}))
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Equal(t, "k2", e.Key)
	assert.Equal(t, "k2", e.Existing)
	assert.Nil(t, e.Value)
	assert.Equal(t, `dictdb: table "users": record "k2": duplicate key`, err.Error())
}

// TestNarrowSentinels: ErrInvalidIndex and ErrInvalidFormat are cases of
// ErrInvalidArgument, not the other way round.
func TestNarrowSentinels(t *testing.T) {
	for _, narrow := range []error{dictdb.ErrInvalidIndex, dictdb.ErrInvalidFormat} {
		assert.ErrorIs(t, narrow, dictdb.ErrInvalidArgument, narrow.Error())
		assert.NotErrorIs(t, dictdb.ErrInvalidArgument, narrow, narrow.Error())
		assert.NotErrorIs(t, narrow, dictdb.ErrInvalidRecord, narrow.Error())
	}
	err := dictdb.New().Save(filepath.Join(t.TempDir(), "x"), dictdb.Auto)
	require.ErrorIs(t, err, dictdb.ErrInvalidFormat)
	require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	assert.Equal(t, "invalid file format: Auto is for loading only; save as JSON or Binary", err.Error())
}
