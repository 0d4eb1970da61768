package replica

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"testing"

	"github.com/hashicorp/raft"

	"github.com/dictdb-go/dictdb"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestTCPNodeRecoversFromItsRaftState runs a one-node cluster over TCP with
// raft-boltdb, writes past a snapshot, closes it and opens it again from
// its directory: the new database, rebuilt from the snapshot and the log,
// dumps to the same bytes. A closed node refuses writes with ErrClosed.
func TestTCPNodeRecoversFromItsRaftState(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	conf := InmemConfig()
	opts := TCPOptions{ID: "n0", Dir: filepath.Join(dir, "n0"), Bind: addr,
		Bootstrap: []raft.Server{{ID: "n0", Address: raft.ServerAddress(addr)}}, Options: Options{Raft: conf}}
	open := func() *Node {
		n, err := OpenTCP(opts)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the node to lead", n.IsLeader)
		return n
	}
	n := open()
	if err := n.CreateTable("t", "", nil); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := n.Insert("t", dictdb.Record{"i": i, "b": []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
		if i == 30 {
			if err := n.Raft().Snapshot().Error(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := n.Delete("t", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Insert("t", dictdb.Record{"after": "delete"}); err != nil {
		t.Fatal(err)
	}
	want := dump(t, n.DB())
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := n.Insert("t", dictdb.Record{"x": 1}); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after Close: %v", err)
	}
	if !bytes.Equal(want, dump(t, n.DB())) {
		t.Fatal("Close changed the database")
	}

	n = open()
	defer n.Close()
	waitFor(t, "the log replay", func() bool { return bytes.Equal(want, dump(t, n.DB())) })
	k, err := n.Insert("t", dictdb.Record{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	if k != int64(52) {
		t.Fatalf("auto key after recovery: %v, want 52", k)
	}
}

// TestTCPThreeNodes replicates over TCP between three nodes and checks a
// follower's NotLeaderError names the leader's TCP address.
func TestTCPThreeNodes(t *testing.T) {
	dir := t.TempDir()
	var servers []raft.Server
	for i := range 3 {
		a := freeAddr(t)
		servers = append(servers, raft.Server{ID: raft.ServerID(fmt.Sprint("n", i)), Address: raft.ServerAddress(a)})
	}
	var nodes []*Node
	for _, s := range servers {
		n, err := OpenTCP(TCPOptions{ID: string(s.ID), Dir: filepath.Join(dir, string(s.ID)), Bind: string(s.Address),
			Bootstrap: servers, Options: Options{Raft: InmemConfig()}})
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close()
		nodes = append(nodes, n)
	}
	var leader *Node
	waitFor(t, "a leader", func() bool {
		for _, n := range nodes {
			if n.IsLeader() {
				leader = n
				return true
			}
		}
		return false
	})
	if err := leader.CreateTable("t", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := leader.Insert("t", allKinds()); err != nil {
		t.Fatal(err)
	}
	want := dump(t, leader.DB())
	for _, n := range nodes {
		waitFor(t, "replication over TCP", func() bool { return bytes.Equal(want, dump(t, n.DB())) })
		if n == leader {
			continue
		}
		var nl *NotLeaderError
		if _, err := n.Insert("t", dictdb.Record{"a": 1}); !errors.As(err, &nl) {
			t.Fatalf("follower write: %v", err)
		}
		for _, s := range servers {
			if string(s.ID) == leader.ID() && nl.LeaderAddr != string(s.Address) {
				t.Fatalf("NotLeaderError names %s, the leader is at %s", nl.LeaderAddr, s.Address)
			}
		}
	}
}
