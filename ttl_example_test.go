package dictdb_test

import (
	"fmt"
	"time"

	"github.com/dictdb-go/dictdb"
)

// A table whose rows expire: reads leave out a row once the time in its
// expires_at field has passed, and sweeps delete it in an ordinary commit.
func ExampleTable_SetTTL() {
	db := dictdb.New(dictdb.WithTTLSweep(time.Minute)) // the background sweep interval
	defer db.Close()
	sessions, err := db.CreateTable("sessions", dictdb.PrimaryKey("token"), dictdb.WithTTL("expires_at"))
	if err != nil {
		panic(err)
	}
	now := time.Now()
	_, err = sessions.InsertMany([]dictdb.Record{
		{"token": "a", "user": "alice", "expires_at": now.Add(time.Hour)},
		{"token": "b", "user": "bob", "expires_at": now.Add(-time.Second)}, // expired already
		{"token": "c", "user": "carol"},                                    // never expires
	})
	if err != nil {
		panic(err)
	}
	_, ok := sessions.Get("b")
	fmt.Println(sessions.TTL(), sessions.Keys(), sessions.Count(), ok)

	// The sweeper would delete b within a minute; Sweep does it now.
	n, err := db.Sweep()
	fmt.Println(n, err)
	// Output:
	// expires_at [a c] 2 false
	// 1 <nil>
}
