package tbl

import (
	"fmt"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/invariants"
)

// checkInvariants verifies a freshly built version when the invariants build
// tag is on: every row carries its own key, no integer key reaches the next
// auto key, and every row satisfies the schema. It panics on a violation,
// which is always a bug in dictdb.
func checkInvariants(t *Table) {
	if !invariants.Enabled {
		return
	}
	if err := Verify(t); err != nil {
		panic(err)
	}
}

// Verify checks a table version's internal consistency and returns the first
// problem found. It is O(rows) and meant for tests and the verify command.
func Verify(t *Table) error {
	n := 0
	for k, r := range t.All() {
		n++
		if v, ok := r.rec.Get(t.pk); !ok || !codec.Equal(v, k.Value()) {
			return fmt.Errorf("tbl: row %v of %q holds primary key %v", k, t.name, v)
		}
		if i, ok := k.Int(); ok && i >= t.nextID && t.nextID != 1<<63-1 {
			return fmt.Errorf("tbl: key %d of %q is not below the next auto key %d", i, t.name, t.nextID)
		}
		if t.schema != nil {
			// With makes a private copy: validate converts in place.
			if err := t.schema.validate(t.name, r.rec.With(t.pk, k.Value())); err != nil {
				return fmt.Errorf("tbl: row %v of %q breaks the schema: %w", k, t.name, err)
			}
		}
	}
	if n != t.rows.Len() {
		return fmt.Errorf("tbl: %q iterates %d rows but counts %d", t.name, n, t.rows.Len())
	}
	for _, x := range t.indexes {
		if x.Len() != n {
			return fmt.Errorf("tbl: index %q of %q has %d entries for %d rows", x.Def().Field, t.name, x.Len(), n)
		}
		for e := range x.Ascend() {
			r, ok := t.rows.Get(e.Key)
			if !ok || !Same(r, e.Row) || !codec.Identical(fieldValue(r, x.Def().Field), e.Value) {
				return fmt.Errorf("tbl: index %q of %q holds a stale entry for key %v", x.Def().Field, t.name, e.Key)
			}
			if other, clash := x.Conflict(e.Value, e.Key); clash {
				return fmt.Errorf("tbl: unique index %q of %q holds %v twice (keys %v, %v)", x.Def().Field, t.name, e.Value, e.Key, other)
			}
		}
	}
	return nil
}

// fieldValue returns r's value of field, nil if absent.
func fieldValue(r Row, field string) any {
	v, _ := r.rec.Get(field)
	return v
}
