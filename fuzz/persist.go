package fuzz

import (
	"bytes"

	"github.com/dictdb-go/dictdb"
)

// The save/load adapter: a round trip through an in-memory buffer in JSON
// (format 0) or the binary format (format 1).
func init() {
	roundTrip = func(db *dictdb.DB, format int) (*dictdb.DB, error) {
		f := dictdb.JSON
		if format == 1 {
			f = dictdb.Binary
		}
		var buf bytes.Buffer
		if err := db.SaveTo(&buf, f); err != nil {
			return nil, err
		}
		return dictdb.LoadFrom(&buf, f)
	}
}
