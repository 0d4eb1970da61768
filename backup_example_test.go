package dictdb_test

import (
	"fmt"
	"os"

	"github.com/dictdb-go/dictdb"
)

// Full and incremental backups, and a verified restore.
func ExampleNewBackupManager() {
	dir, _ := os.MkdirTemp("", "backups")
	defer os.RemoveAll(dir)

	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.CreateIndex("email", dictdb.HashIndex, dictdb.Unique())
	users.Insert(dictdb.Record{"email": "a@example.com"})

	m, _ := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{Incremental: true})
	m.BackupNow() // the first backup is full
	users.Insert(dictdb.Record{"email": "b@example.com"})
	m.BackupNow() // then deltas: only what changed
	fmt.Println("deltas since the full backup:", m.DeltasSinceFull())

	restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := restored.Table("users")
	fmt.Println(r.Count(), "records,", len(info.Deltas), "delta applied, indexes:", r.IndexedFields())
	_, err = r.Insert(dictdb.Record{"email": "a@example.com"})
	fmt.Println(err != nil) // the unique index came back too
	// Output:
	// deltas since the full backup: 1
	// 2 records, 1 delta applied, indexes: [email]
	// true
}
