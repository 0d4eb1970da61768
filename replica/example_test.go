package replica_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/replica"
)

// Example replicates writes through the leader of a three-node in-memory
// cluster and reads them on a follower.
func Example() {
	c, err := replica.NewInmemCluster(3, replica.InmemOptions{})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	// Clients write on whichever node leads, following leadership changes.
	write := func(ops ...replica.Op) ([]replica.Result, error) {
		for {
			if l := c.Leader(); l != nil {
				res, err := l.Batch(ops...)
				if !errors.Is(err, replica.ErrNotLeader) {
					return res, err
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// A batch is one transaction on every node.
	_, err = write(
		replica.CreateTable("users", "", nil),
		replica.CreateIndex("users", "email", dictdb.HashIndex, true),
		replica.InsertMany("users", []dictdb.Record{
			{"name": "Ada", "email": "ada@example.com"},
			{"name": "Grace", "email": "grace@example.com"},
		}),
	)
	if err != nil {
		panic(err)
	}
	_, err = write(replica.Insert("users", dictdb.Record{"name": "Ada", "email": "ada@example.com"}))
	fmt.Println("duplicate:", errors.Is(err, dictdb.ErrDuplicateKey))

	// A linearizable read on the leader sees every acknowledged write.
	var snap *dictdb.Snapshot
	for snap == nil {
		if l := c.Leader(); l != nil {
			snap, _ = l.LinearizableSnapshot()
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	users, _ := snap.Table("users")
	fmt.Println("users on the leader:", users.Count())

	// A follower refuses writes, naming the leader, and serves local reads,
	// which may lag: wait for the writes to arrive.
	leader := c.Leader()
	var follower *replica.Node
	for i := range c.Len() {
		if n := c.Node(i); n != leader {
			follower = n
			break
		}
	}
	_, err = follower.Update("users", dictdb.Record{"admin": true}, cond.Field("name").Eq("Ada"))
	var nl *replica.NotLeaderError
	fmt.Println("follower refused:", errors.As(err, &nl))
	for {
		if v, err := follower.Table("users"); err == nil && v.Count() == 2 {
			rows, _ := v.Select(dictdb.Query{OrderBy: []string{"name"}, Columns: dictdb.Cols("name")})
			fmt.Println("on a follower:", rows)
			break
		}
		time.Sleep(time.Millisecond)
	}
	// Output:
	// duplicate: true
	// users on the leader: 2
	// follower refused: true
	// on a follower: [map[name:Ada] map[name:Grace]]
}
