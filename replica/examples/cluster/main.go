// Command cluster runs a three-node replicated dictdb in one process over
// raft's TCP transport on localhost, with raft logs in raft-boltdb under a
// temporary directory: it writes on the leader, reads on the followers,
// kills the leader, shows the election and writes on the new leader.
//
// Run it from the repository root with:
//
//	(cd replica && go run ./examples/cluster)
package main

import (
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/raft"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/replica"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// freeAddr returns a localhost TCP address nobody listens on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitUntil polls ok for at most a minute.
func waitUntil(what string, ok func() bool) error {
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

func run() error {
	dir, err := os.MkdirTemp("", "dictdb-cluster-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	var servers []raft.Server
	for i := range 3 {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		servers = append(servers, raft.Server{ID: raft.ServerID(fmt.Sprintf("node%d", i)), Address: raft.ServerAddress(addr)})
	}
	conf := replica.DefaultConfig()
	conf.HeartbeatTimeout = 300 * time.Millisecond
	conf.ElectionTimeout = 300 * time.Millisecond
	conf.LeaderLeaseTimeout = 300 * time.Millisecond
	nodes := make([]*replica.Node, 3)
	for i, s := range servers {
		n, err := replica.OpenTCP(replica.TCPOptions{
			ID:        string(s.ID),
			Dir:       filepath.Join(dir, string(s.ID)),
			Bind:      string(s.Address),
			Bootstrap: servers,
			Options:   replica.Options{Raft: conf, Timeout: 5 * time.Second},
		})
		if err != nil {
			return err
		}
		nodes[i] = n
		defer n.Close()
	}

	leader := func() *replica.Node {
		for _, n := range nodes {
			if n != nil && n.IsLeader() {
				return n
			}
		}
		return nil
	}
	var l *replica.Node
	if err := waitUntil("a leader", func() bool { l = leader(); return l != nil }); err != nil {
		return err
	}
	fmt.Printf("leader elected: %s\n", l.ID())

	// Writes go to the leader.
	if err := l.CreateTable("users", "", nil); err != nil {
		return err
	}
	if err := l.CreateIndex("users", "email", dictdb.HashIndex, true); err != nil {
		return err
	}
	for _, name := range []string{"Ada", "Grace", "Linus"} {
		if _, err := l.Insert("users", dictdb.Record{"name": name, "email": name + "@example.com"}); err != nil {
			return err
		}
	}
	_, err = l.Insert("users", dictdb.Record{"name": "Ada again", "email": "Ada@example.com"})
	fmt.Printf("duplicate email rejected on every node: %v\n", errors.Is(err, dictdb.ErrDuplicateKey))

	// A follower refuses writes and names the leader.
	for _, n := range nodes {
		if n != l {
			_, err := n.Insert("users", dictdb.Record{"name": "x"})
			var nl *replica.NotLeaderError
			if errors.As(err, &nl) {
				fmt.Printf("write on follower %s refused; leader is %s\n", n.ID(), nl.LeaderID)
			}
			break
		}
	}

	// Local reads on the followers: possibly stale, so wait until the
	// writes arrived.
	for _, n := range nodes {
		if n == l {
			continue
		}
		if err := waitUntil("replication", func() bool {
			v, err := n.Table("users")
			return err == nil && v.Count() == 3
		}); err != nil {
			return err
		}
		v, _ := n.Table("users")
		rows, err := v.Select(dictdb.Query{Where: cond.Field("name").StartsWith("G")})
		if err != nil {
			return err
		}
		fmt.Printf("follower %s reads %d users; %v\n", n.ID(), v.Count(), rows[0]["name"])
	}

	// Kill the leader: the others elect a new one.
	old := l
	fmt.Printf("killing leader %s\n", old.ID())
	if err := old.Close(); err != nil {
		return err
	}
	for i, n := range nodes {
		if n == old {
			nodes[i] = nil
		}
	}
	if err := waitUntil("a new leader", func() bool { l = leader(); return l != nil }); err != nil {
		return err
	}
	fmt.Printf("new leader elected: %s\n", l.ID())

	// Writes go on, and a linearizable read on the new leader sees them all.
	if _, err := l.Update("users", dictdb.Record{"active": true}, cond.Field("name").Ne("Linus")); err != nil {
		return err
	}
	if _, err := l.Insert("users", dictdb.Record{"name": "Barbara", "email": "Barbara@example.com"}); err != nil {
		return err
	}
	snap, err := l.LinearizableSnapshot()
	if err != nil {
		return err
	}
	v, err := snap.Table("users")
	if err != nil {
		return err
	}
	active, err := v.CountWhere(cond.Field("active").Eq(true))
	if err != nil {
		return err
	}
	fmt.Printf("linearizable read on %s: %d users, %d active\n", l.ID(), v.Count(), active)
	return nil
}
