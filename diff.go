package dictdb

import "github.com/dictdb-go/dictdb/snapshot"

// A Delta is what changed between two snapshots, table by table in name
// order; Diff returns it. Applying it to the older snapshot's data gives the
// newer one.
type Delta struct {
	// FromSeq and ToSeq are the commit sequence numbers of the older and
	// the newer snapshot.
	FromSeq, ToSeq uint64
	// Tables holds one entry per table that changed, in name order; tables
	// that did not change are left out.
	Tables []TableDelta
}

// A TableDelta lists what changed in one table between two snapshots.
type TableDelta struct {
	// Name is the table name.
	Name string
	// Upserts holds the whole newer version of every row inserted or
	// changed, in primary-key order, each once.
	Upserts []Row
	// Deletes holds the primary key (int64 or string) of every row
	// deleted, in primary-key order, each once.
	Deletes []any
	// IndexesChanged is set when the table's index definitions (fields,
	// kinds, uniqueness or creation order) differ; Indexes then lists the
	// newer snapshot's definitions in creation order.
	IndexesChanged bool
	Indexes        []IndexDef
	// NextIDChanged is set when the next auto key moved (keys can be
	// handed out and their rows deleted with no row left different);
	// NextID is then the newer snapshot's.
	NextIDChanged bool
	NextID        int64
	// Created is set when the table did not exist in the older snapshot, or
	// was a different table of the same name (dropped and created again);
	// Upserts then holds every row.
	Created bool
	// Dropped is set when the table is gone from the newer snapshot; the
	// other fields are then empty.
	Dropped bool
}

// Empty reports whether the delta changes nothing.
func (d TableDelta) Empty() bool {
	return len(d.Upserts) == 0 && len(d.Deletes) == 0 && !d.Created && !d.Dropped &&
		!d.IndexesChanged && !d.NextIDChanged
}

// Diff returns the changes from snapshot from to snapshot to, which may be
// older or newer: rows, tables created and dropped, index definitions and
// next auto keys. Rows are compared by identity: a row is reported as
// upserted exactly when a write replaced it, which costs a pointer
// comparison per row and never a deep comparison of values. The parts of a
// table the two versions share are skipped unread, so the cost follows the
// number of changes, not the size of the data. The rows in the result are
// read-only Rows; nothing in it shares memory a caller could change. A nil
// snapshot stands for an empty database at sequence 0.
func Diff(from, to *Snapshot) Delta {
	d := snapshot.Diff(from.state(), to.state())
	out := Delta{FromSeq: d.FromSeq, ToSeq: d.ToSeq}
	for _, td := range d.Tables {
		out.Tables = append(out.Tables, TableDelta{
			Name: td.Name, Upserts: rowsOf(td.Upserts), Deletes: td.Deletes,
			IndexesChanged: td.IndexesChanged, Indexes: td.Indexes,
			NextIDChanged: td.NextIDChanged, NextID: td.NextID,
			Created: td.Created, Dropped: td.Dropped,
		})
	}
	return out
}
