package replica

import (
	"io"
	"sync/atomic"

	"github.com/hashicorp/raft"

	"github.com/dictdb-go/dictdb"
)

// An FSM is raft's state machine over a dictdb database: it applies the
// commands of the raft log (built with Encode) to the database, takes raft
// snapshots from O(1) database snapshots, and restores the database from
// one. Give it to raft.NewRaft, or let NewNode do so.
//
// The database must be written only through the FSM (that is, through the
// raft log); a write made directly to it would exist on this node alone.
type FSM struct {
	db *dictdb.DB
	// OnApply, if set, is called after every command the FSM applies,
	// with the entry's raft index, the results and the error. It runs on
	// raft's FSM goroutine and must return quickly; set it before raft
	// starts.
	OnApply func(index uint64, results []Result, err error)

	restores atomic.Int64 // successful Restore calls, for tests
}

// NewFSM returns an FSM applying to db, which should be empty and must be
// written only through the FSM.
func NewFSM(db *dictdb.DB) *FSM { return &FSM{db: db} }

// DB returns the database the FSM applies to. Read it freely; never write
// to it directly.
func (f *FSM) DB() *dictdb.DB { return f.db }

// response is what Apply returns to raft, which hands it to the future of
// the node that proposed the command.
type response struct {
	results []Result
	err     error
}

// Apply decodes one command and commits it: one operation through the
// database's plain API, several as one transaction (DB.Update), so a batch
// is applied entirely or not at all. Commands hold no clock readings and
// no randomness: the same log gives the same database on every node, and
// the same error on every node for a write that fails (a unique-index
// violation, a failed Check, ...). Apply never panics on a damaged command;
// it fails with ErrBadCommand and changes nothing.
func (f *FSM) Apply(l *raft.Log) any {
	if l.Type != raft.LogCommand {
		return nil
	}
	ops, err := decodeCommand(l.Data)
	var results []Result
	if err == nil {
		results, err = apply(f.db, ops)
	}
	if f.OnApply != nil {
		f.OnApply(l.Index, results, err)
	}
	return &response{results: results, err: err}
}

// Snapshot returns a raft snapshot of the database: one DB.Snapshot, taken
// in constant time. Its Persist writes the binary format while Apply goes
// on committing later entries.
func (f *FSM) Snapshot() (raft.FSMSnapshot, error) {
	return &fsmSnapshot{snap: f.db.Snapshot()}, nil
}

// Restore replaces the whole database, atomically, with the one that rc
// holds in dictdb's binary format (what Persist writes): readers see the
// old state or the new one, never a mix. The database becomes exactly the
// snapshot's state, next auto keys included (DB.RestoreExact), so a node
// that installs a snapshot stays identical to the others. A damaged stream
// changes nothing and returns an error wrapping dictdb.ErrCorrupt.
func (f *FSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	loaded, err := dictdb.LoadFrom(rc, dictdb.Binary)
	if err != nil {
		return err
	}
	if err := f.db.RestoreExact(loaded.Snapshot()); err != nil {
		return err
	}
	f.restores.Add(1)
	return nil
}

type fsmSnapshot struct {
	snap *dictdb.Snapshot
}

// Persist streams the snapshot in dictdb's binary format to sink.
func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if err := dictdb.WriteSnapshot(sink, s.snap, dictdb.Binary); err != nil {
		_ = sink.Cancel()
		return err
	}
	return sink.Close()
}

// Release drops the snapshot, so that its versions can be collected.
func (s *fsmSnapshot) Release() { s.snap = nil }
