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
// records are copied, their values normalized on the way (a value dictdb
// does not support is an error wrapping codec.ErrUnsupportedValue): the
// caller keeps them and may change them later without changing a version.
// On error t is returned unchanged.
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
	own := make([]codec.Record, len(upserts))
	for i, m := range upserts {
		if m.Len() == 0 {
			return t, fmt.Errorf("upsert %d: %w", i, errorf(ErrInvalidRecord, t.name, "", nil, "invalid record: no fields"))
		}
		var err error
		if own[i], err = ownCopy(m); err != nil {
			return t, fmt.Errorf("upsert %d: %w", i, err)
		}
	}
	// Remove every row an upsert replaces first, so that values moving
	// between rows never clash with a unique index half-way.
	for _, m := range own {
		if k, auto, err := t.recordKey(m); err == nil && !auto {
			e.remove(k)
		}
	}
	for i, m := range own {
		k, auto, err := t.recordKey(m)
		if err == nil && auto {
			k, err = t.autoKey(&e)
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

// ownCopy returns a normalized deep copy of a caller's record, which it
// does not retain.
func ownCopy(m codec.Record) (codec.Record, error) {
	s := m.Shape()
	own, vals := codec.NewRecord(s)
	for i, v := range m.Values() {
		name := s.Name(i)
		if name == "" {
			return codec.Record{}, &codec.ValueError{Path: name, Type: fmt.Sprintf("%T", v), Reason: "empty field name"}
		}
		nv, err := codec.Normalize(name, v)
		if err != nil {
			return codec.Record{}, err
		}
		vals[i] = nv
	}
	return own, nil
}
