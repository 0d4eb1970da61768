package snapshot

import "github.com/dictdb-go/dictdb/tbl"

// Aggregate computes the aggregations of q over the view's rows: one row
// without q.GroupBy, else one row per group in ascending order of the group
// key. See tbl.Table.Aggregate for the semantics and the errors (all wrap
// cond.ErrInvalidQuery). The result rows are deep copies the caller owns.
func (v *View) Aggregate(q tbl.AggQuery) ([]map[string]any, error) {
	return v.t.Aggregate(q)
}
