package dictdb_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
)

// TestLoadJSONDefinitionAfterRecords: a table's keys may come in any order
// in a JSON file, so a primary key, schema or index list written after the
// records (or written twice, the last one counting, as in Python's json)
// defines the table as it would before them, instead of being dropped with
// the unique index or schema it holds.
func TestLoadJSONDefinitionAfterRecords(t *testing.T) {
	table := func(keys string) string { return `{"tables": {"t": {` + keys + `}}}` }
	const recs = `"records": [{"id": 1, "a": 2}, {"id": 2, "a": 3}]`
	load := func(doc string) (*dictdb.Table, error) {
		db, err := dictdb.LoadFrom(strings.NewReader(doc), dictdb.JSON)
		if err != nil {
			return nil, err
		}
		return db.Table("t")
	}

	tb, err := load(table(`"primary_key": "id", "schema": null, ` + recs + `, "indexes": [{"field": "a", "kind": "sorted", "unique": true}]`))
	require.NoError(t, err)
	assert.Equal(t, []dictdb.IndexDef{{Field: "a", Kind: dictdb.SortedIndex, Unique: true}}, tb.Indexes())
	_, err = tb.Insert(dictdb.Record{"a": 2})
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey, "the unique index is not enforced")

	_, err = load(table(`"primary_key": "id", "schema": null, "records": [{"id": 1, "a": 2}, {"id": 2, "a": 2}], "indexes": [{"field": "a", "kind": "hash", "unique": true}]`))
	require.ErrorIs(t, err, dictdb.ErrCorrupt)
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey)

	_, err = load(table(`"primary_key": "id", "schema": null, ` + recs + `, "schema": {"id": "int", "a": "str"}`))
	require.ErrorIs(t, err, dictdb.ErrCorrupt)
	require.ErrorIs(t, err, dictdb.ErrSchema)

	tb, err = load(table(`"primary_key": "id", "schema": null, ` + recs + `, "primary_key": "a"`))
	require.NoError(t, err)
	assert.Equal(t, "a", tb.PrimaryKey())
	_, ok := tb.Get(int64(3))
	assert.True(t, ok)

	tb, err = load(table(`"primary_key": "a", "primary_key": "id", "schema": null, ` + recs))
	require.NoError(t, err)
	assert.Equal(t, "id", tb.PrimaryKey())
}
