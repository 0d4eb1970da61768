package dictdb_test

import (
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
