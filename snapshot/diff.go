// Package snapshot compares two versions of a dictdb database: Diff lists
// the rows, tables, index definitions and auto keys that changed between
// two published roots, skipping the parts of each table they share, so its
// cost follows the number of changes, not the size of the data. It is the
// engine of dictdb.Diff and of incremental backups.
//
// Point-in-time reads (dictdb.Snapshot and dictdb.View) live in the root
// package; this package reads the roots they wrap and never changes them.
package snapshot

import (
	"slices"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/mvcc"
	"github.com/dictdb-go/dictdb/tbl"
)

// A TableDelta lists what changed in one table between two roots:
// every row inserted or changed (its whole new version) and every key
// deleted, each in primary-key order, with nothing repeated, and whether
// its index definitions or its next auto key changed.
type TableDelta struct {
	Name    string
	Upserts []tbl.Row
	Deletes []any // primary keys: int64 or string
	// IndexesChanged is set when the table's index definitions (fields,
	// kinds, uniqueness or creation order) differ; Indexes then lists the
	// newer root's definitions in creation order.
	IndexesChanged bool
	Indexes        []tbl.IndexDef
	// NextIDChanged is set when the next auto key moved (keys can be
	// handed out and their rows deleted with no row left different);
	// NextID is the newer root's.
	NextIDChanged bool
	NextID        int64
	// Created is set when the table did not exist (or was a different
	// table of the same name) in the older root; Upserts then holds
	// every row.
	Created bool
	// Dropped is set when the table is gone from the newer root.
	Dropped bool
}

// Empty reports whether the delta changes nothing.
func (d TableDelta) Empty() bool {
	return len(d.Upserts) == 0 && len(d.Deletes) == 0 && !d.Created && !d.Dropped &&
		!d.IndexesChanged && !d.NextIDChanged
}

// A Delta is what changed between two roots, table by table in name order.
// Applying it to the older root's data gives the newer one.
type Delta struct {
	FromSeq, ToSeq uint64 // the commit sequence numbers of the two roots
	Tables         []TableDelta
}

// Diff returns the changes from root from to root to: rows, tables
// created (a table dropped and created again under the same name counts as
// created) and dropped, index definitions and next auto keys. Rows are
// compared by identity: a row is reported as upserted exactly when a write
// replaced it, which is O(rows) pointer comparisons and never a deep
// comparison of values.
func Diff(from, to *mvcc.Root[*tbl.Table]) Delta {
	d := Delta{FromSeq: from.Seq(), ToSeq: to.Seq()}
	names := map[string]bool{}
	for _, n := range from.Names() {
		names[n] = true
	}
	for _, n := range to.Names() {
		names[n] = true
	}
	for _, name := range sortedKeys(names) {
		old, hadOld := from.Table(name)
		cur, hasCur := to.Table(name)
		var td TableDelta
		switch {
		case hadOld && !hasCur:
			td = TableDelta{Name: name, Dropped: true}
		case !hadOld || old.ID() != cur.ID():
			td = TableDelta{Name: name, Created: true}
			for _, r := range cur.All() {
				td.Upserts = append(td.Upserts, r)
			}
		case old == cur:
			continue
		default:
			td = diffTable(old, cur)
		}
		if !td.Empty() {
			d.Tables = append(d.Tables, td)
		}
	}
	return d
}

// diffTable lists the rows that differ between two versions of a table,
// skipping the parts of the row tree they share.
func diffTable(old, cur *tbl.Table) TableDelta {
	td := TableDelta{Name: cur.Name()}
	if xs := cur.Indexes(); !slices.Equal(old.Indexes(), xs) {
		td.IndexesChanged, td.Indexes = true, xs
	}
	if cur.NextID() != old.NextID() {
		td.NextIDChanged, td.NextID = true, cur.NextID()
	}
	tbl.DiffRows(old, cur, func(k codec.Key, _ tbl.Row, _ bool, r tbl.Row, ok bool) bool {
		if ok {
			td.Upserts = append(td.Upserts, r)
		} else {
			td.Deletes = append(td.Deletes, k.Value())
		}
		return true
	})
	return td
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
