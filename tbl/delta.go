package tbl

import (
	"fmt"

	"github.com/dictdb-go/dictdb/codec"
)

// ApplyDelta returns a version of t with the rows of upserts stored (each
// replacing the whole row under its key, or inserted, a record without a
// key getting the next auto key) and the rows under deletes removed (keys
// that do not exist are ignored), through the same checks as every write:
// schema, unique indexes, index maintenance, the auto-key counter. The
// records must be normalized and owned by the caller, who must not touch
// them again (a decoder's output). On error t is returned unchanged.
func (t *Table) ApplyDelta(upserts []codec.Record, deletes []any) (*Table, error) {
	e := t.edit()
	for i, v := range deletes {
		k, ok := codec.KeyOf(v)
		if !ok {
			return t, fmt.Errorf("delete %d: %w", i, errorf(ErrInvalidKey, t.name, t.pk, nil,
				"invalid primary key: want an integer or a string, got %s", codec.TypeName(v)))
		}
		e.remove(k)
	}
	// Remove every row an upsert replaces first, so that values moving
	// between rows never clash with a unique index half-way.
	for _, m := range upserts {
		if k, auto, err := t.recordKey(m); err == nil && !auto {
			e.remove(k)
		}
	}
	for i, m := range upserts {
		if m.Len() == 0 {
			return t, fmt.Errorf("upsert %d: %w", i, errorf(ErrInvalidRecord, t.name, "", nil, "invalid record: no fields"))
		}
		k, auto, err := t.recordKey(m)
		if err == nil && auto {
			k, err = t.autoKey(e)
		}
		if err != nil {
			return t, fmt.Errorf("upsert %d: %w", i, err)
		}
		if slot := m.Shape().Slot(t.pk); slot >= 0 {
			m.Values()[slot] = k.Value()
		} else {
			m = m.With(t.pk, k.Value())
		}
		if t.schema != nil {
			if err := t.schema.validate(t.name, m); err != nil {
				return t, fmt.Errorf("upsert %d: %w", i, withKey(err, k.Value()))
			}
		}
		if err := e.put(k, Row{m}); err != nil {
			return t, fmt.Errorf("upsert %d: %w", i, err)
		}
	}
	return e.done(), nil
}
