package dictdb_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/dictdb-go/dictdb"
)

// Open a durable database, commit, close it, open it again: every commit
// is there. Checkpoint writes the state and restarts the log; a second
// Open of a directory in use fails with ErrLocked.
func ExampleOpen() {
	tmp, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "db")

	db, err := dictdb.Open(dir) // SyncAlways: a write returns once fsynced
	if err != nil {
		log.Fatal(err)
	}
	users, err := db.CreateTable("users")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := users.InsertMany([]dictdb.Record{{"name": "Ann"}, {"name": "Bob"}}); err != nil {
		log.Fatal(err)
	}
	if err := db.Checkpoint(); err != nil {
		log.Fatal(err)
	}
	if _, err := users.Insert(dictdb.Record{"name": "Cyd"}); err != nil { // in the log only
		log.Fatal(err)
	}
	_, err = dictdb.Open(dir)
	fmt.Println("second Open locked:", errors.Is(err, dictdb.ErrLocked))
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}
	_, err = users.Insert(dictdb.Record{"name": "Dee"})
	fmt.Println("write after Close:", errors.Is(err, dictdb.ErrClosed))

	db, err = dictdb.Open(dir) // the checkpoint, then the log after it
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	users, err = db.Table("users")
	if err != nil {
		log.Fatal(err)
	}
	cyd, _ := users.Get(3)
	fmt.Println("users:", users.Count(), "seq:", db.Seq(), "3:", cyd["name"])
	// Output:
	// second Open locked: true
	// write after Close: true
	// users: 3 seq: 3 3: Cyd
}

// A checkpoint bounded by a context: once the context ends it stops and
// leaves the previous checkpoint and the whole log, so the database opens
// as before.
func ExampleDB_CheckpointContext() {
	tmp, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	db, err := dictdb.Open(filepath.Join(tmp, "db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	users, err := db.CreateTable("users")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := users.Insert(dictdb.Record{"name": "Ann"}); err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // e.g. the service is shutting down
	err = db.CheckpointContext(ctx)
	fmt.Println("cancelled:", errors.Is(err, context.Canceled))
	fmt.Println("checkpoint:", db.CheckpointContext(context.Background()))
	// Output:
	// cancelled: true
	// checkpoint: <nil>
}

// A consumer that stored the last commit it applied resumes from it after
// the database restarts: the commits come from the log.
func ExampleDB_Changes_resume() {
	tmp, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "db")
	db, err := dictdb.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	users, err := db.CreateTable("users") // commit 1
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"Ann", "Bob"} { // commits 2 and 3
		if _, err := users.Insert(dictdb.Record{"name": name}); err != nil {
			log.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}

	db, err = dictdb.Open(dir) // a restart
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	applied := uint64(1) // the consumer had applied commit 1
	for c, err := range db.Changes(context.Background(), applied) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.Seq, c.Tables[0].Inserted[0].Map()["name"])
		if c.Seq == db.Seq() {
			break
		}
	}
	// Output:
	// 2 Ann
	// 3 Bob
}
