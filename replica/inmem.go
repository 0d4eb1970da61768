package replica

import (
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/raft"

	"github.com/dictdb-go/dictdb"
)

// InmemConfig returns a raft configuration for clusters inside one process
// (tests): timeouts short enough for quick elections and long enough for
// a busy machine running the race detector, and a silent logger.
func InmemConfig() *raft.Config {
	c := DefaultConfig()
	c.HeartbeatTimeout = 250 * time.Millisecond
	c.ElectionTimeout = 250 * time.Millisecond
	c.LeaderLeaseTimeout = 250 * time.Millisecond
	c.CommitTimeout = 5 * time.Millisecond
	return c
}

// InmemOptions configures an InmemCluster.
type InmemOptions struct {
	// Raft is every node's raft configuration; nil means InmemConfig().
	Raft *raft.Config
	// Timeout is every node's Options.Timeout.
	Timeout time.Duration
	// OnApply, if set, is called after node i applied a command (see
	// FSM.OnApply).
	OnApply func(node int, index uint64, results []Result, err error)
}

// An InmemCluster is a cluster of nodes in one process over raft's
// in-memory transport and stores, for tests: nodes can be cut off from the
// others, killed and restarted (from their in-memory raft state, into a
// new empty database). It is safe for concurrent use.
type InmemCluster struct {
	mu      sync.Mutex
	opts    InmemOptions
	nodes   []*Node
	addrs   []raft.ServerAddress
	trans   []*raft.InmemTransport
	logs    []*raft.InmemStore
	snaps   []*memSnapshots
	cut     []bool
	stopped []bool
}

// NewInmemCluster starts n nodes (IDs "node0", "node1", ...) and
// bootstraps them as one cluster. Wait for a leader with Leader.
func NewInmemCluster(n int, opts InmemOptions) (*InmemCluster, error) {
	if n < 1 {
		return nil, fmt.Errorf("replica: a cluster needs a node: %w", dictdb.ErrInvalidArgument)
	}
	if opts.Raft == nil {
		opts.Raft = InmemConfig()
	}
	c := &InmemCluster{opts: opts, nodes: make([]*Node, n), cut: make([]bool, n), stopped: make([]bool, n)}
	var servers []raft.Server
	for i := range n {
		addr, tr := raft.NewInmemTransport(raft.ServerAddress(fmt.Sprintf("node%d", i)))
		c.addrs = append(c.addrs, addr)
		c.trans = append(c.trans, tr)
		c.logs = append(c.logs, raft.NewInmemStore())
		c.snaps = append(c.snaps, &memSnapshots{})
		servers = append(servers, raft.Server{ID: raft.ServerID(addr), Address: addr})
	}
	c.connectAll()
	for i := range n {
		if err := c.start(i); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.nodes[0].Bootstrap(servers...); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (c *InmemCluster) start(i int) error {
	o := Options{Raft: c.opts.Raft, Timeout: c.opts.Timeout}
	if f := c.opts.OnApply; f != nil {
		o.OnApply = func(index uint64, results []Result, err error) { f(i, index, results, err) }
	}
	node, err := NewNode(string(c.addrs[i]), c.logs[i], c.logs[i], c.snaps[i], c.trans[i], o)
	if err != nil {
		return err
	}
	c.nodes[i] = node
	c.stopped[i] = false
	return nil
}

// connectAll connects every pair of nodes neither of which is cut off.
func (c *InmemCluster) connectAll() {
	for i := range c.trans {
		for j := range c.trans {
			if i != j && !c.cut[i] && !c.cut[j] {
				c.trans[i].Connect(c.addrs[j], c.trans[j])
			}
		}
	}
}

// Len returns the number of nodes.
func (c *InmemCluster) Len() int { return len(c.addrs) }

// Node returns node i (after Restart, the new one).
func (c *InmemCluster) Node(i int) *Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[i]
}

// Leader returns a running node that is not cut off and believes it is the
// leader, or nil if there is none yet.
func (c *InmemCluster) Leader() *Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, n := range c.nodes {
		if !c.stopped[i] && !c.cut[i] && n.IsLeader() {
			return n
		}
	}
	return nil
}

// Index returns the position of node n in the cluster, or -1.
func (c *InmemCluster) Index(n *Node) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, m := range c.nodes {
		if m == n {
			return i
		}
	}
	return -1
}

// indexOf returns the position of the node at addr, or -1.
func (c *InmemCluster) indexOf(addr string) int {
	for i, a := range c.addrs {
		if string(a) == addr {
			return i
		}
	}
	return -1
}

// Disconnect cuts node i off from every other node, both ways.
func (c *InmemCluster) Disconnect(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cut[i] = true
	c.trans[i].DisconnectAll()
	for j := range c.trans {
		if j != i {
			c.trans[j].Disconnect(c.addrs[i])
		}
	}
}

// Reconnect undoes Disconnect.
func (c *InmemCluster) Reconnect(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cut[i] = false
	c.connectAll()
}

// Kill shuts node i down, as a crash would: its raft state (log, stable
// store, snapshots) survives for Restart; its database is abandoned.
func (c *InmemCluster) Kill(i int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped[i] {
		return nil
	}
	c.stopped[i] = true
	c.trans[i].DisconnectAll()
	for j := range c.trans {
		if j != i {
			c.trans[j].Disconnect(c.addrs[i])
		}
	}
	return c.nodes[i].Close()
}

// Restart starts node i again from its raft state, into a new empty
// database: raft restores the latest snapshot and replays the log.
func (c *InmemCluster) Restart(i int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.stopped[i] {
		return fmt.Errorf("replica: node %d is running: %w", i, dictdb.ErrInvalidArgument)
	}
	_, c.trans[i] = raft.NewInmemTransport(c.addrs[i])
	c.connectAll()
	return c.start(i)
}

// Running reports whether node i runs (was not killed, or was restarted).
func (c *InmemCluster) Running(i int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.stopped[i]
}

// Close shuts every node down.
func (c *InmemCluster) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var first error
	for i, n := range c.nodes {
		if n != nil && !c.stopped[i] {
			c.stopped[i] = true
			if err := n.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	for _, t := range c.trans {
		t.Close()
	}
	return first
}
