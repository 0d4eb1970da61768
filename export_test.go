package dictdb

import "github.com/dictdb-go/dictdb/tbl"

// TableVersion returns the table version v reads, for tests that walk the
// read API of package tbl under the public one.
func TableVersion(v *View) *tbl.Table { return v.t }
