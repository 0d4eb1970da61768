package dictdb

import (
	"github.com/dictdb-go/dictdb/idx"
	"github.com/dictdb-go/dictdb/tbl"
)

// IndexKind is the kind of a secondary index.
type IndexKind = idx.Kind

// The index kinds.
const (
	// HashIndex serves equality and In conditions.
	HashIndex = idx.Hash
	// SortedIndex serves equality, In, ranges (<, <=, >, >=, Between),
	// prefixes (StartsWith, Like with a literal prefix) and OrderBy.
	SortedIndex = idx.Sorted
)

// IndexDef describes an index: its field, kind and uniqueness.
type IndexDef = idx.Def

// An IndexOption modifies an index definition.
type IndexOption func(*IndexDef)

// Unique makes an index reject a second record with an equal non-null value
// (ErrDuplicateKey naming the index and value) on every write path. Any
// number of records may hold null or miss the field.
func Unique() IndexOption { return func(d *IndexDef) { d.Unique = true } }

func indexDef(field string, kind IndexKind, opts []IndexOption) IndexDef {
	d := IndexDef{Field: field, Kind: kind}
	for _, o := range opts {
		if o != nil {
			o(&d)
		}
	}
	return d
}

// CreateIndex indexes field, filling the index from every record in the same
// commit. Creating the same index again is a no-op. It fails, changing
// nothing, with ErrInvalidIndex (empty or primary-key field, unknown kind,
// field already indexed with another kind) or ErrDuplicateKey (a unique
// index over existing duplicates).
func (t *Table) CreateIndex(field string, kind IndexKind, opts ...IndexOption) error {
	d := indexDef(field, kind, opts)
	return t.write(func(cur *tbl.Table) (*tbl.Table, error) { return cur.CreateIndex(d) })
}

// DropIndex removes the index on field, or fails with ErrInvalidIndex.
func (t *Table) DropIndex(field string) error {
	return t.write(func(cur *tbl.Table) (*tbl.Table, error) { return cur.DropIndex(field) })
}

// CreateIndex is Table.CreateIndex inside the transaction.
func (t *TxTable) CreateIndex(field string, kind IndexKind, opts ...IndexOption) error {
	d := indexDef(field, kind, opts)
	return t.write(func(cur *tbl.Table) (*tbl.Table, error) { return cur.CreateIndex(d) })
}

// DropIndex is Table.DropIndex inside the transaction.
func (t *TxTable) DropIndex(field string) error {
	return t.write(func(cur *tbl.Table) (*tbl.Table, error) { return cur.DropIndex(field) })
}
