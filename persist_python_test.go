package dictdb_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
)

// A file the Python DictDB wrote can hold values outside dictdb's value
// model. Loading it fails with an error that names the table, the record
// (by key), the field and the value and says why, wrapping ErrCorrupt and
// the cause (ErrUnsupportedValue, or ErrSchema for a bool in an int field),
// and no database is returned.
func TestLoadPythonValuesOutsideTheModel(t *testing.T) {
	file := func(value string) string {
		// What Python's json.dump writes, NaN and Infinity included.
		return `{"tables": {"users": {"primary_key": "id", "schema": {"id": "int", "name": "str", "n": "int"}, "records": [
    {"id": 1, "name": "Alice", "n": 2},
    {"id": 7, "name": "Bob", "n": ` + value + `}
]}}}`
	}
	cases := []struct {
		value string
		cause error
		want  string
	}{
		{"12345678901234567890", dictdb.ErrUnsupportedValue, `integer 12345678901234567890 is outside the int64 range`},
		{"-12345678901234567890", dictdb.ErrUnsupportedValue, `integer -12345678901234567890 is outside the int64 range`},
		{"NaN", dictdb.ErrUnsupportedValue, `NaN: dictdb stores only finite floats`},
		{"Infinity", dictdb.ErrUnsupportedValue, `Infinity: dictdb stores only finite floats`},
		{"-Infinity", dictdb.ErrUnsupportedValue, `-Infinity: dictdb stores only finite floats`},
		{"true", dictdb.ErrSchema, `value true in an int field: a bool is not an int in dictdb`},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		path := filepath.Join(dir, "py.json")
		require.NoError(t, os.WriteFile(path, []byte(file(tc.value)), 0o600))
		db, err := dictdb.Load(path, dictdb.JSON)
		assert.Nil(t, db, tc.value)
		require.ErrorIs(t, err, dictdb.ErrCorrupt, tc.value)
		require.ErrorIs(t, err, tc.cause, tc.value)
		var ce *dictdb.CorruptError
		require.True(t, errors.As(err, &ce), tc.value)
		assert.Equal(t, 3, ce.Line, "%s: the line of the record", tc.value)
		msg := err.Error()
		assert.Contains(t, msg, `table "users": record 7: field "n": `, tc.value)
		assert.Contains(t, msg, tc.want, tc.value)
		assert.False(t, strings.Contains(msg, "invalid character"), "%s: %s", tc.value, msg)
	}
	// Without a schema a bool is a fine value of any field.
	src := strings.Replace(file("true"), `{"id": "int", "name": "str", "n": "int"}`, "null", 1)
	db, err := dictdb.LoadFrom(strings.NewReader(src), dictdb.JSON)
	require.NoError(t, err)
	users, err := db.Table("users")
	require.NoError(t, err)
	rec, _ := users.Get(7)
	assert.Equal(t, true, rec["n"])
}
