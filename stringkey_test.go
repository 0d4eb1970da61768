package dictdb_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// TestStringKeysMatchByValue selects, updates and unique-checks string
// primary keys given as copies held at other addresses, including repeats in
// one In list: keys compare by their bytes, so nothing is missed or
// returned twice.
func TestStringKeysMatchByValue(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("users", dictdb.PrimaryKey("name"))
	require.NoError(t, err)
	require.NoError(t, tb.CreateIndex("email", dictdb.HashIndex, dictdb.Unique()))
	for _, n := range []string{"ann", "bob", "cyd"} {
		_, err := tb.Insert(dictdb.Record{"name": n, "email": n + "@x"})
		require.NoError(t, err)
	}
	ann := strings.Repeat("an", 1) + "n"
	got, err := tb.Select(dictdb.Query{Where: cond.Field("name").In(ann, "ann", string([]byte("ann")), "cyd")})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, "ann", got[0]["name"])
	require.Equal(t, "cyd", got[1]["name"])

	n, err := tb.Update(dictdb.Record{"email": "ann@y"}, cond.Field("name").Eq(string([]byte("ann"))))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, _, err = tb.Upsert(dictdb.Record{"name": string([]byte("ann")), "email": "ann@y"}, dictdb.OnConflictUpdate)
	require.NoError(t, err, "a row may keep its own unique value")
	_, _, err = tb.Upsert(dictdb.Record{"name": string([]byte("bob")), "email": "ann@y"}, dictdb.OnConflictUpdate)
	require.ErrorIs(t, err, dictdb.ErrDuplicateKey)
}
