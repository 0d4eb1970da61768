package replica

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// Options configures a Node. The zero value is usable.
type Options struct {
	// Raft is the raft configuration; nil means DefaultConfig(). Its
	// LocalID is set to the node's ID, and a nil Logger to a silent one.
	Raft *raft.Config
	// DB is the database the node applies to; nil means a new, empty one.
	// It must be empty and must be written only through the node.
	DB *dictdb.DB
	// Timeout bounds how long a write or a linearizable read waits for
	// raft to take it (raft's enqueue timeout); 0 means no bound. Once
	// raft has taken it, the call waits for its outcome.
	Timeout time.Duration
	// OnApply, if set, becomes the FSM's OnApply. It runs on raft's FSM
	// goroutine: it must not write through the node or read linearizably
	// (both wait for that goroutine).
	OnApply func(index uint64, results []Result, err error)
}

// DefaultConfig returns raft's default configuration with a silent logger.
func DefaultConfig() *raft.Config {
	c := raft.DefaultConfig()
	c.Logger = hclog.NewNullLogger()
	return c
}

// A Node is one member of a replicated dictdb cluster: a raft instance whose
// state machine is an FSM over a local database. Writes go through the raft
// log on the leader; reads are served from the local database.
//
// Consistency of reads:
//
//   - Snapshot and Table read this node's database as it is: the state after
//     the last log entry this node applied. On the leader that includes every
//     write acknowledged by this node; on a follower it lags the leader by the
//     entries not yet replicated and applied, normally one heartbeat or
//     round trip, but without bound while the follower is cut off from the
//     leader (LastContact says since when). A local read never goes
//     backwards on one node, and always shows a prefix of the committed log:
//     a batch is seen entirely or not at all.
//   - LinearizableSnapshot first commits a barrier through the log (which
//     only a leader that a majority still follows can do) and waits until
//     this node applied it: the snapshot then holds every write acknowledged
//     by any node before the call began. Only the leader serves it; other
//     nodes return a *NotLeaderError.
//
// A Node is safe for concurrent use.
type Node struct {
	id      string
	raft    *raft.Raft
	fsm     *FSM
	timeout time.Duration

	closed    atomic.Bool
	done      chan struct{} // closed once raft has shut down
	closeOnce sync.Once
	closers   []io.Closer
	closeErr  error
}

// NewNode starts a raft node with the given ID, stores and transport, and an
// FSM over opts.DB. If the stores hold state from an earlier run, raft
// restores its latest snapshot into the database and replays the log after
// it. A new cluster needs a Bootstrap on one node (or all, with the same
// servers). closers are closed by Close after raft shut down (the stores,
// say).
func NewNode(id string, logs raft.LogStore, stable raft.StableStore, snaps raft.SnapshotStore,
	trans raft.Transport, opts Options, closers ...io.Closer) (*Node, error) {
	if id == "" {
		return nil, fmt.Errorf("replica: empty node ID: %w", dictdb.ErrInvalidArgument)
	}
	conf := DefaultConfig()
	if opts.Raft != nil {
		c := *opts.Raft
		conf = &c
		if conf.Logger == nil {
			conf.Logger = hclog.NewNullLogger()
		}
	}
	conf.LocalID = raft.ServerID(id)
	db := opts.DB
	if db == nil {
		db = dictdb.New()
	}
	fsm := NewFSM(db)
	fsm.OnApply = opts.OnApply
	r, err := raft.NewRaft(conf, fsm, logs, stable, snaps, trans)
	if err != nil {
		return nil, fmt.Errorf("replica: node %s: %w", id, err)
	}
	return &Node{id: id, raft: r, fsm: fsm, timeout: opts.Timeout, closers: closers, done: make(chan struct{})}, nil
}

// Bootstrap makes servers the initial configuration of a new cluster. Call
// it on one node of a cluster that never ran (or on all, with the same
// servers); on a node with existing state it fails with raft.ErrCantBootstrap.
func (n *Node) Bootstrap(servers ...raft.Server) error {
	return n.raft.BootstrapCluster(raft.Configuration{Servers: servers}).Error()
}

// ID returns the node's raft server ID.
func (n *Node) ID() string { return n.id }

// Raft returns the node's raft instance, for membership changes, stats
// and observers.
func (n *Node) Raft() *raft.Raft { return n.raft }

// FSM returns the node's state machine.
func (n *Node) FSM() *FSM { return n.fsm }

// IsLeader reports whether the node believes it is the leader.
func (n *Node) IsLeader() bool { return n.raft.State() == raft.Leader }

// Leader returns the address and ID of the leader as this node knows it,
// or empty strings when it knows none.
func (n *Node) Leader() (addr, id string) {
	a, i := n.raft.LeaderWithID()
	return string(a), string(i)
}

// LastContact returns when this node last heard from the leader (the zero
// time on the leader itself): how stale a local read on a follower may be.
func (n *Node) LastContact() time.Time {
	if n.IsLeader() {
		return time.Time{}
	}
	return n.raft.LastContact()
}

// AppliedIndex returns the raft index of the last entry the node applied.
func (n *Node) AppliedIndex() uint64 { return n.raft.AppliedIndex() }

func (n *Node) notLeader() error {
	addr, id := n.Leader()
	return &NotLeaderError{LeaderAddr: addr, LeaderID: id}
}

func (n *Node) closedError() error { return fmt.Errorf("replica: node %s: %w", n.id, ErrClosed) }

// raftError turns raft's error for a command into the node's.
func (n *Node) raftError(err error) error {
	switch {
	case errors.Is(err, raft.ErrNotLeader):
		// Refused before being appended: nothing happened.
		return n.notLeader()
	case errors.Is(err, raft.ErrLeadershipLost), errors.Is(err, raft.ErrRaftShutdown):
		return fmt.Errorf("replica: node %s: %w: %w", n.id, ErrUnknownOutcome, err)
	}
	return fmt.Errorf("replica: node %s: %w", n.id, err)
}

// wait returns f's error, or raft.ErrRaftShutdown once the node is closed.
// raft never answers the future of an entry that was committed but still
// queued for the state machine when it shut down (its FSM goroutine leaves
// the queue behind): without this, a write caught by Close would wait for
// ever. The goroutine left waiting on such a future is the only cost.
func (n *Node) wait(f raft.Future) error {
	errc := make(chan error, 1)
	go func() { errc <- f.Error() }()
	select {
	case err := <-errc:
		return err
	case <-n.done:
		select {
		case err := <-errc: // answered as the node closed: the real outcome
			return err
		default:
			return raft.ErrRaftShutdown
		}
	}
}

// Batch replicates ops as one command, applied on every node in one
// transaction: all of them or none. It returns once the command is
// committed and applied on this node, with one Result per operation, or the
// error of the failed operation (a *BatchError wrapping dictdb's error,
// or ErrCheckFailed for a Check), in which case no node changed anything.
// On a node that is not the leader it returns a *NotLeaderError naming the
// leader, and nothing is proposed. ErrUnknownOutcome means leadership was
// lost while the command was in flight: it may or may not be committed.
func (n *Node) Batch(ops ...Op) ([]Result, error) {
	if n.closed.Load() {
		return nil, n.closedError()
	}
	if !n.IsLeader() {
		return nil, n.notLeader()
	}
	cmd, err := Encode(ops...)
	if err != nil {
		return nil, err
	}
	f := n.raft.Apply(cmd, n.timeout)
	if err := n.wait(f); err != nil {
		return nil, n.raftError(err)
	}
	resp, ok := f.Response().(*response)
	if !ok {
		return nil, fmt.Errorf("replica: node %s: unexpected FSM response %T", n.id, f.Response())
	}
	return resp.results, resp.err
}

// Apply replicates one operation, as Batch does, and returns its result.
// Its error is exactly the one the local API would give (errors.Is matches
// dictdb's sentinels), for example dictdb.ErrDuplicateKey for a
// unique-index violation, which every node rejects alike.
func (n *Node) Apply(op Op) (Result, error) {
	res, err := n.Batch(op)
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

// Insert replicates Table.Insert and returns the record's primary key.
func (n *Node) Insert(table string, rec dictdb.Record) (any, error) {
	res, err := n.Apply(Insert(table, rec))
	return res.Key, err
}

// InsertMany replicates Table.InsertMany and returns the keys.
func (n *Node) InsertMany(table string, recs []dictdb.Record) ([]any, error) {
	res, err := n.Apply(InsertMany(table, recs))
	return res.Keys, err
}

// Upsert replicates Table.Upsert.
func (n *Node) Upsert(table string, rec dictdb.Record, on dictdb.Conflict) (any, dictdb.Action, error) {
	res, err := n.Apply(Upsert(table, rec, on))
	return res.Key, res.Action, err
}

// Update replicates Table.Update and returns the number of records changed.
func (n *Node) Update(table string, changes dictdb.Record, where cond.Cond) (int, error) {
	res, err := n.Apply(Update(table, changes, where))
	return res.Count, err
}

// Delete replicates Table.Delete and returns the number of records deleted.
func (n *Node) Delete(table string, where cond.Cond) (int, error) {
	res, err := n.Apply(Delete(table, where))
	return res.Count, err
}

// CreateTable replicates DB.CreateTable (pk "" means "id"; a nil schema
// means none).
func (n *Node) CreateTable(name, pk string, schema []dictdb.Column) error {
	_, err := n.Apply(CreateTable(name, pk, schema))
	return err
}

// DropTable replicates DB.DropTable.
func (n *Node) DropTable(name string) error {
	_, err := n.Apply(DropTable(name))
	return err
}

// CreateIndex replicates Table.CreateIndex.
func (n *Node) CreateIndex(table, field string, kind dictdb.IndexKind, unique bool) error {
	_, err := n.Apply(CreateIndex(table, field, kind, unique))
	return err
}

// DropIndex replicates Table.DropIndex.
func (n *Node) DropIndex(table, field string) error {
	_, err := n.Apply(DropIndex(table, field))
	return err
}

// DB returns the node's local database, for reads (possibly stale, see
// Node). Never write to it directly: such a write would exist on this node
// alone.
func (n *Node) DB() *dictdb.DB { return n.fsm.db }

// Snapshot returns a snapshot of the node's local database: a local read,
// possibly stale (see Node).
func (n *Node) Snapshot() *dictdb.Snapshot { return n.fsm.db.Snapshot() }

// Table returns a view of a table of the node's local database: a local
// read, possibly stale (see Node).
func (n *Node) Table(name string) (*dictdb.View, error) { return n.Snapshot().Table(name) }

// LinearizableSnapshot returns a snapshot that holds every write any node
// acknowledged before the call began (see Node). Only the leader serves it;
// another node returns a *NotLeaderError naming the leader.
func (n *Node) LinearizableSnapshot() (*dictdb.Snapshot, error) {
	if n.closed.Load() {
		return nil, n.closedError()
	}
	if !n.IsLeader() {
		return nil, n.notLeader()
	}
	if err := n.wait(n.raft.Barrier(n.timeout)); err != nil {
		if errors.Is(err, raft.ErrRaftShutdown) {
			return nil, n.closedError()
		}
		if errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrLeadershipLost) {
			return nil, n.notLeader()
		}
		return nil, fmt.Errorf("replica: node %s: %w", n.id, err)
	}
	return n.fsm.db.Snapshot(), nil
}

// Close shuts raft down and closes what NewNode was given to close. The
// database stays readable (local reads); writes and linearizable reads fail
// with ErrClosed. Close is idempotent.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.closed.Store(true)
		errs := []error{n.raft.Shutdown().Error()}
		close(n.done)
		for _, c := range n.closers {
			errs = append(errs, c.Close())
		}
		n.closeErr = errors.Join(errs...)
	})
	return n.closeErr
}
