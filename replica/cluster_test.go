package replica

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhang"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// waitFor polls ok until it holds; testhang fails the test if it never does.
func waitFor(t testing.TB, what string, ok func() bool) {
	t.Helper()
	testhang.Returns(t, what, func() {
		for !ok() {
			time.Sleep(2 * time.Millisecond)
		}
	})
}

func waitLeader(t testing.TB, c *InmemCluster) *Node {
	t.Helper()
	var l *Node
	waitFor(t, "a leader election", func() bool { l = c.Leader(); return l != nil })
	return l
}

// settle waits for a leader that has applied a barrier (so it holds every
// committed entry) and for every running node to have applied as much.
func settle(t testing.TB, c *InmemCluster) *Node {
	t.Helper()
	var l *Node
	waitFor(t, "a leader serving a linearizable read", func() bool {
		l = c.Leader()
		if l == nil {
			return false
		}
		_, err := l.LinearizableSnapshot()
		return err == nil
	})
	want := l.AppliedIndex()
	for i := range c.Len() {
		if c.Running(i) {
			n := c.Node(i)
			waitFor(t, fmt.Sprintf("node %d to catch up", i), func() bool { return n.AppliedIndex() >= want })
		}
	}
	return l
}

// requireIdentical checks that every running node's database dumps to the
// same bytes as the leader's.
func requireIdentical(t testing.TB, c *InmemCluster, leader *Node) {
	t.Helper()
	want := dump(t, leader.DB())
	for i := range c.Len() {
		if !c.Running(i) {
			continue
		}
		n := c.Node(i)
		// Applied entries may be ahead of the barrier: wait until the dumps
		// agree or report the difference.
		var got []byte
		waitFor(t, fmt.Sprintf("node %d to equal the leader", i), func() bool {
			want = dump(t, leader.DB())
			got = dump(t, n.DB())
			return bytes.Equal(want, got)
		})
	}
}

// do runs ops on whichever node leads, retrying while nodes answer that
// they are not the leader (a leadership change on a busy machine).
func do(t testing.TB, c *InmemCluster, ops ...Op) ([]Result, error) {
	t.Helper()
	for {
		res, err := waitLeader(t, c).Batch(ops...)
		if errors.Is(err, ErrNotLeader) {
			continue
		}
		return res, err
	}
}

func newCluster(t testing.TB, n int, opts InmemOptions) *InmemCluster {
	t.Helper()
	c, err := NewInmemCluster(n, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestWritesOnTheLeaderReachEveryFollower writes through the leader of 3-
// and 5-node clusters and reads the writes on every follower, and checks
// that a follower refuses writes and linearizable reads naming the leader.
func TestWritesOnTheLeaderReachEveryFollower(t *testing.T) {
	for _, size := range []int{3, 5} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			c := newCluster(t, size, InmemOptions{})
			if _, err := do(t, c, CreateTable("users", "", nil)); err != nil {
				t.Fatal(err)
			}
			res, err := do(t, c, Insert("users", allKinds()))
			if err != nil {
				t.Fatal(err)
			}
			if k := res[0].Key; k != int64(1) {
				t.Fatalf("auto key %v", k)
			}
			k := res[0].Key
			res, err = do(t, c, Update("users", dictdb.Record{"s": "b"}, cond.Field("i").Eq(1)))
			if err != nil || res[0].Count != 1 {
				t.Fatalf("update: %v %v", res, err)
			}
			l := settle(t, c)
			want, _ := l.DB().Snapshot().Table("users")
			wantRec, _ := want.Get(k)
			for i := range size {
				node := c.Node(i)
				waitFor(t, "the write to reach a follower", func() bool {
					v, err := node.Table("users")
					if err != nil {
						return false
					}
					r, ok := v.Get(k)
					return ok && r["s"] == "b"
				})
				v, _ := node.Table("users")
				got, _ := v.Get(k)
				if fmt.Sprint(got) != fmt.Sprint(wantRec) {
					t.Fatalf("node %d: %v, want %v", i, got, wantRec)
				}
				if node.IsLeader() {
					continue
				}
				_, err := node.Insert("users", dictdb.Record{"a": 1})
				var nl *NotLeaderError
				if !errors.As(err, &nl) || !errors.Is(err, ErrNotLeader) {
					t.Fatalf("follower write: %v", err)
				}
				// The named leader is a node that leads, unless an election
				// is under way.
				if nl.LeaderAddr != "" && c.indexOf(nl.LeaderAddr) < 0 {
					t.Fatalf("NotLeaderError names %q, no node of the cluster", nl.LeaderAddr)
				}
				if _, err := node.LinearizableSnapshot(); !errors.As(err, &nl) {
					t.Fatalf("follower linearizable read: %v", err)
				}
			}
			requireIdentical(t, c, settle(t, c))
		})
	}
}

// TestUniqueViolationIsRejectedOnEveryNode checks that a write breaking a
// unique index comes back to the caller as dictdb.ErrDuplicateKey, that
// every node's FSM rejected the same entry with the same error, and that
// no node stored it.
func TestUniqueViolationIsRejectedOnEveryNode(t *testing.T) {
	var mu sync.Mutex
	errs := map[int]map[uint64]string{}
	c := newCluster(t, 3, InmemOptions{OnApply: func(node int, index uint64, _ []Result, err error) {
		mu.Lock()
		defer mu.Unlock()
		if errs[node] == nil {
			errs[node] = map[uint64]string{}
		}
		errs[node][index] = errString(err)
	}})
	if _, err := do(t, c, CreateTable("u", "", nil), CreateIndex("u", "email", dictdb.HashIndex, true)); err != nil {
		t.Fatal(err)
	}
	if _, err := do(t, c, Insert("u", dictdb.Record{"email": "a@x"})); err != nil {
		t.Fatal(err)
	}
	_, err := do(t, c, Insert("u", dictdb.Record{"email": "a@x"}))
	if !errors.Is(err, dictdb.ErrDuplicateKey) {
		t.Fatalf("got %v, want ErrDuplicateKey", err)
	}
	// The local API gives the same error.
	local := dictdb.New()
	lt, _ := local.CreateTable("u")
	_ = lt.CreateIndex("email", dictdb.HashIndex, dictdb.Unique())
	_, _ = lt.Insert(dictdb.Record{"email": "a@x"})
	_, lerr := lt.Insert(dictdb.Record{"email": "a@x"})
	if lerr.Error() != err.Error() {
		t.Fatalf("replicated error %q, local error %q", err, lerr)
	}
	settle(t, c)
	mu.Lock()
	defer mu.Unlock()
	var idx uint64
	for _, m := range errs {
		for i, e := range m {
			if e != "" {
				idx = i
			}
		}
	}
	if idx == 0 {
		t.Fatal("no FSM recorded a failed entry")
	}
	for node := range c.Len() {
		if got := errs[node][idx]; got != err.Error() {
			t.Errorf("node %d: entry %d failed with %q, want %q", node, idx, got, err)
		}
		v, _ := c.Node(node).Table("u")
		if v.Count() != 1 {
			t.Errorf("node %d holds %d records", node, v.Count())
		}
	}
}

// TestFailuresLeaveEveryNodeIdentical runs random writes on 3- and 5-node
// clusters while killing leaders, restarting nodes, cutting followers off
// and forcing snapshots (small SnapshotThreshold and TrailingLogs, so that
// lagging nodes install snapshots). At the end every node's database dumps
// to the same bytes, every write acknowledged to the client is there,
// and every node failed the same entries with the same errors.
func TestFailuresLeaveEveryNodeIdentical(t *testing.T) {
	for _, size := range []int{3, 5} {
		t.Run(fmt.Sprint(size), func(t *testing.T) { testFailures(t, size) })
	}
}

func testFailures(t *testing.T, size int) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), uint64(size)))
	conf := InmemConfig()
	conf.SnapshotThreshold = 24
	conf.TrailingLogs = 8
	conf.SnapshotInterval = 20 * time.Millisecond
	var mu sync.Mutex
	errs := map[uint64]string{}
	var mismatch []string
	c := newCluster(t, size, InmemOptions{Raft: conf, OnApply: func(node int, index uint64, _ []Result, err error) {
		mu.Lock()
		defer mu.Unlock()
		if prev, ok := errs[index]; ok && prev != errString(err) {
			mismatch = append(mismatch, fmt.Sprintf("node %d entry %d: %q, another node %q", node, index, errString(err), prev))
		}
		errs[index] = errString(err)
	}})
	// write retries op on whichever node leads until it is refused or
	// applied; it reports whether the write is known to be committed.
	write := func(ops ...Op) (bool, error) {
		for {
			l := waitLeader(t, c)
			_, err := l.Batch(ops...)
			switch {
			case errors.Is(err, ErrNotLeader):
				time.Sleep(time.Millisecond)
				continue
			case errors.Is(err, ErrUnknownOutcome):
				return false, err
			}
			return true, err
		}
	}
	if ok, err := write(CreateTable("acked", "", nil)); !ok || err != nil {
		t.Fatal(err)
	}
	acked := map[int64]bool{}
	nextID := int64(0)
	ackedInsert := func() {
		nextID++
		if ok, err := write(Insert("acked", dictdb.Record{"id": nextID})); ok && err == nil {
			acked[nextID] = true
		}
	}
	// A follower cut off while the log moves past a snapshot must install it.
	l := waitLeader(t, c)
	cutoff := (c.Index(l) + 1) % size
	c.Disconnect(cutoff)
	for range 3 * conf.SnapshotThreshold {
		ackedInsert()
	}
	if err := waitLeader(t, c).Raft().Snapshot().Error(); err != nil {
		t.Fatal(err)
	}
	c.Reconnect(cutoff)
	follower := c.Node(cutoff)
	waitFor(t, "the cut-off follower to install a snapshot", func() bool { return follower.fsm.restores.Load() > 0 })

	down := map[int]bool{} // killed or cut off, at most (size-1)/2 at once
	cut := map[int]bool{}
	steps := 400
	if testing.Short() {
		steps = 150
	}
	kills, cuts := 0, 0
	for range steps {
		switch r := rng.IntN(100); {
		case r < 3 && len(down) < (size-1)/2:
			l := waitLeader(t, c)
			i := c.Index(l)
			if err := c.Kill(i); err != nil {
				t.Fatal(err)
			}
			down[i] = true
			kills++
		case r < 8 && len(down) < (size-1)/2:
			i := rng.IntN(size)
			if !down[i] && !c.Node(i).IsLeader() {
				c.Disconnect(i)
				down[i], cut[i] = true, true
				cuts++
			}
		case r < 14 && len(down) > 0:
			for i := range down {
				if cut[i] {
					c.Reconnect(i)
				} else if err := c.Restart(i); err != nil {
					t.Fatal(err)
				}
				delete(down, i)
				delete(cut, i)
				break
			}
		case r < 16:
			_ = waitLeader(t, c).Raft().Snapshot().Error()
		case r < 40:
			ackedInsert()
		default:
			for _, ops := range randomOps(rng, 1) {
				_, _ = write(ops...)
			}
		}
	}
	for i := range down {
		if cut[i] {
			c.Reconnect(i)
		} else if err := c.Restart(i); err != nil {
			t.Fatal(err)
		}
	}
	l = settle(t, c)
	requireIdentical(t, c, l)
	v, err := l.Table("acked")
	if err != nil {
		t.Fatal(err)
	}
	for id := range acked {
		if _, ok := v.Get(id); !ok {
			t.Errorf("acknowledged write %d lost", id)
		}
	}
	restores := int64(0)
	for i := range size {
		restores += c.Node(i).fsm.restores.Load()
	}
	mu.Lock()
	defer mu.Unlock()
	for _, m := range mismatch {
		t.Error(m)
	}
	t.Logf("%d steps, %d leader kills, %d cuts, %d acknowledged inserts, %d snapshot restores, %d entries", steps, kills, cuts, len(acked), restores, len(errs))
}

// TestCloseAnswersWritesQueuedForTheStateMachine closes a node while
// committed writes wait for its state machine (held up by OnApply). raft
// drops such writes' futures at shutdown; every write must still return,
// applied or with ErrUnknownOutcome, instead of waiting for ever.
func TestCloseAnswersWritesQueuedForTheStateMachine(t *testing.T) {
	var hold atomic.Bool
	release := make(chan struct{})
	c := newCluster(t, 1, InmemOptions{OnApply: func(int, uint64, []Result, error) {
		if hold.Load() {
			<-release
		}
	}})
	n := waitLeader(t, c)
	if err := n.CreateTable("t", "", nil); err != nil {
		t.Fatal(err)
	}
	hold.Store(true)
	const writes = 12
	errs := make(chan error, writes)
	for i := range writes {
		before := n.Raft().CommitIndex()
		go func() {
			_, err := n.Insert("t", dictdb.Record{"id": int64(i)})
			errs <- err
		}()
		// One commit at a time, so that each waits in its own batch.
		waitFor(t, "the write to commit", func() bool { return n.Raft().CommitIndex() > before })
	}
	closed := make(chan error, 1)
	go func() { closed <- c.Close() }()
	waitFor(t, "raft to begin shutting down", func() bool { return n.Raft().State() == raft.Shutdown })
	close(release)
	for range writes {
		var err error
		testhang.Returns(t, "a write caught by Close", func() { err = <-errs })
		if err != nil && !errors.Is(err, ErrUnknownOutcome) {
			t.Errorf("write caught by Close: %v, want nil or ErrUnknownOutcome", err)
		}
	}
	testhang.Returns(t, "Close", func() { <-closed })
	if _, err := n.Insert("t", dictdb.Record{"id": int64(writes)}); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close: %v, want ErrClosed", err)
	}
}
