package tbl

import (
	"fmt"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/stored"
)

// WithNextID returns a version of t whose next auto key is n, for restoring
// a saved table. It never lowers the key: if n is not above t's next auto
// key (which is always above every integer key t holds), t itself is
// returned. Rows and indexes are shared, not copied.
func (t *Table) WithNextID(n int64) *Table {
	if n <= t.nextID {
		return t
	}
	c := *t
	c.nextID = n
	checkInvariants(&c)
	return &c
}

func init() {
	stored.Restore = func(t any, recs []map[string]any) (any, error) { return t.(*Table).restore(recs) }
	stored.RestoreRecords = func(t any, recs []codec.Record) (any, error) { return t.(*Table).restoreRecords(recs) }
}

// restoreRecords is restore for records in their compact form: each is
// stored as it is, or, without the primary-key field, as a copy with it.
func (t *Table) restoreRecords(recs []codec.Record) (*Table, error) {
	e := t.edit()
	var last *codec.Shape
	for i, r := range recs {
		s := r.Shape()
		if s.Len() == 0 {
			return t, fmt.Errorf("record at index %d: %w", i, errorf(ErrInvalidRecord, t.name, "", nil, "invalid record: no fields"))
		}
		if s != last {
			if s.Slot("") >= 0 {
				return t, fmt.Errorf("record at index %d: %w", i, &codec.ValueError{Path: "", Type: "string", Reason: "empty field name"})
			}
			last = s
		}
		if s.Slot(t.pk) < 0 {
			r = r.With(t.pk, nil)
		}
		k, rec, err := t.prepareRecord(&e, r)
		if err == nil {
			err = e.put(k, Row{rec})
		}
		if err != nil {
			if e, ok := err.(*Error); ok && e.Key != nil {
				return t, err // names the record by its key already
			}
			return t, fmt.Errorf("record at index %d: %w", i, err)
		}
	}
	if last != nil {
		e.norm = *codec.NewNormalizer(last) // the new version's shape hint
	}
	return e.done(), nil
}

// restore returns a version of t with recs added, for loading a saved table:
// like InsertMany (auto keys, duplicate keys, unique indexes and the schema
// are handled the same way), but the records are taken over without a copy.
// Each record must be normalized (codec's value model) and owned by the
// caller, who must never touch it again: a file decoder's output. On an
// empty t the rows and indexes fill their nodes in place. On error t is returned
// unchanged with an error naming the record by its key, or by its position
// when it has none.
func (t *Table) restore(recs []map[string]any) (*Table, error) {
	e := t.edit()
	for i, m := range recs {
		if err := t.restoreOne(&e, m); err != nil {
			if e, ok := err.(*Error); ok && e.Key != nil {
				return t, err // names the record by its key already
			}
			return t, fmt.Errorf("record at index %d: %w", i, err)
		}
	}
	return e.done(), nil
}

func (t *Table) restoreOne(e *edit, m map[string]any) error {
	if len(m) == 0 {
		return errorf(ErrInvalidRecord, t.name, "", nil, "invalid record: no fields")
	}
	if _, bad := m[""]; bad {
		return &codec.ValueError{Path: "", Type: "string", Reason: "empty field name"}
	}
	k, rec, err := t.prepareRecord(e, e.norm.Wrap(m, t.pk))
	if err != nil {
		return err
	}
	return e.put(k, Row{rec})
}
