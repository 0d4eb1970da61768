package tbl

import (
	"slices"

	"github.com/dictdb-go/dictdb/idx"
)

// IndexDef defines an index; see idx.Def.
type IndexDef = idx.Def

// Indexes returns the definitions of the table's indexes in creation order.
func (t *Table) Indexes() []IndexDef {
	out := make([]IndexDef, len(t.indexes))
	for i, x := range t.indexes {
		out[i] = x.Def()
	}
	return out
}

// HasIndex reports whether field has a secondary index.
func (t *Table) HasIndex(field string) bool { return t.index(field) != nil }

func (t *Table) index(field string) *idx.Index[Row] {
	i := slices.IndexFunc(t.indexes, func(x *idx.Index[Row]) bool { return x.Def().Field == field })
	if i < 0 {
		return nil
	}
	return t.indexes[i]
}

// CreateIndex returns a version with a new index on d.Field, filled from
// every row in the same step. Creating an index that exists with the same
// kind and uniqueness returns t unchanged. It fails, changing nothing, for an
// empty field, an unknown kind, the primary-key field (always indexed), a
// field indexed with another kind, or a unique index over duplicate values
// (ErrDuplicateKey naming the value).
func (t *Table) CreateIndex(d IndexDef) (*Table, error) {
	switch {
	case d.Field == "":
		return t, errorf(ErrInvalidIndex, t.name, "", nil, "invalid index: empty field name")
	case d.Kind != idx.Hash && d.Kind != idx.Sorted:
		return t, errorf(ErrInvalidIndex, t.name, d.Field, nil, "invalid index: unknown kind %d (use hash or sorted)", d.Kind)
	case d.Field == t.pk:
		return t, errorf(ErrInvalidIndex, t.name, d.Field, nil,
			"invalid index: the primary key is always indexed")
	}
	if x := t.index(d.Field); x != nil {
		if x.Def() == d {
			return t, nil
		}
		return t, errorf(ErrInvalidIndex, t.name, d.Field, nil,
			"invalid index: already has a %s index", describe(x.Def()))
	}
	b := idx.NewBuilder[Row](d)
	for k, r := range t.All() {
		v, _ := r.rec.Get(d.Field)
		if other, clash := b.Conflict(v, k); clash {
			return t, uniqueClash(t.name, d.Field, k.Value(), other.Value(), v,
				"duplicate key: cannot create a unique index, record %s holds the same value %s",
				valueText(other.Value()), valueText(v))
		}
		b.Put(nil, false, v, k, r)
	}
	n := *t
	n.indexes = append(slices.Clip(t.indexes), b.Index())
	checkInvariants(&n)
	return &n, nil
}

// DropIndex returns a version without the index on field, or fails with
// ErrInvalidIndex if there is none.
func (t *Table) DropIndex(field string) (*Table, error) {
	i := slices.IndexFunc(t.indexes, func(x *idx.Index[Row]) bool { return x.Def().Field == field })
	if i < 0 {
		return t, errorf(ErrInvalidIndex, t.name, field, nil, "invalid index: no index to drop")
	}
	n := *t
	n.indexes = slices.Delete(slices.Clone(t.indexes), i, i+1)
	return &n, nil
}

func describe(d IndexDef) string {
	if d.Unique {
		return "unique " + d.Kind.String()
	}
	return d.Kind.String()
}
