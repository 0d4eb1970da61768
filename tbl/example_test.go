package tbl_test

import (
	"fmt"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/tbl"
)

// DiffRows lists what changed between two versions of a table, visiting
// only the parts of the row tree the versions do not share.
func ExampleDiffRows() {
	old, _ := tbl.New("users", "id", nil)
	for _, name := range []string{"ann", "bob", "cyd"} {
		old, _, _ = old.Insert(map[string]any{"name": name})
	}
	cur, _, _ := old.Update(map[string]any{"name": "bea"}, cond.Field("id").Eq(2))
	cur, _, _ = cur.Delete(cond.Field("id").Eq(3))
	cur, _, _ = cur.Insert(map[string]any{"name": "dan"})
	tbl.DiffRows(old, cur, func(k codec.Key, _ tbl.Row, hadOld bool, r tbl.Row, hasNew bool) bool {
		switch {
		case !hasNew:
			fmt.Println("deleted", k)
		case !hadOld:
			fmt.Println("inserted", k, r.Map()["name"])
		default:
			fmt.Println("changed", k, r.Map()["name"])
		}
		return true
	})
	// Output:
	// changed 2 bea
	// deleted 3
	// inserted 4 dan
}
