package replica

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"

	"github.com/dictdb-go/dictdb"
)

// TCPOptions configures a node over raft's TCP transport with durable
// raft state: OpenTCP.
type TCPOptions struct {
	// ID is the node's raft server ID, unique in the cluster.
	ID string
	// Dir holds the node's raft state: raft.db (the log and raft's stable
	// store, in raft-boltdb) and snapshots/ (raft snapshots in dictdb's
	// binary format). It is created if missing.
	Dir string
	// Bind is the TCP address to listen on, such as "127.0.0.1:7001".
	Bind string
	// Advertise is the address other nodes reach this one at; empty means
	// Bind (which must then not be a wildcard address).
	Advertise string
	// Bootstrap, if not empty, is the initial configuration of a new
	// cluster: a node without raft state bootstraps it; a node with state
	// ignores it.
	Bootstrap []raft.Server
	// SnapshotsKept is how many raft snapshots to keep on disk; 0 means 2.
	SnapshotsKept int
	// Options configures the node itself.
	Options
}

// OpenTCP starts a node over raft's TCP transport, with its raft log and
// stable store in raft-boltdb and its snapshots in files under o.Dir. On a
// restart it recovers its database from its latest snapshot and log.
func OpenTCP(o TCPOptions) (*Node, error) {
	if o.Dir == "" || o.Bind == "" {
		return nil, fmt.Errorf("replica: OpenTCP needs Dir and Bind: %w", dictdb.ErrInvalidArgument)
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	store, err := raftboltdb.NewBoltStore(filepath.Join(o.Dir, "raft.db"))
	if err != nil {
		return nil, fmt.Errorf("replica: raft store: %w", err)
	}
	kept := o.SnapshotsKept
	if kept <= 0 {
		kept = 2
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(o.Dir, kept, hclog.NewNullLogger())
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("replica: snapshot store: %w", err)
	}
	var adv net.Addr
	if o.Advertise != "" {
		if adv, err = net.ResolveTCPAddr("tcp", o.Advertise); err != nil {
			store.Close()
			return nil, fmt.Errorf("replica: advertise address: %w", err)
		}
	}
	trans, err := raft.NewTCPTransportWithLogger(o.Bind, adv, 3, 10*time.Second, hclog.NewNullLogger())
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("replica: transport: %w", err)
	}
	existing, err := raft.HasExistingState(store, store, snaps)
	if err != nil {
		trans.Close()
		store.Close()
		return nil, fmt.Errorf("replica: %w", err)
	}
	n, err := NewNode(o.ID, store, store, snaps, trans, o.Options, trans, store)
	if err != nil {
		trans.Close()
		store.Close()
		return nil, err
	}
	if !existing && len(o.Bootstrap) > 0 {
		if err := n.Bootstrap(o.Bootstrap...); err != nil && !errors.Is(err, raft.ErrCantBootstrap) {
			n.Close()
			return nil, fmt.Errorf("replica: bootstrap: %w", err)
		}
	}
	return n, nil
}
