// Command quickstart is the README's Quick start: a table, queries with a
// condition and an index, the same table through a Go struct, a streaming
// scan, a schema, a snapshot, a transaction, an aggregation, a save and
// reload, a backup and restore, and a durable database.
//
//	go run ./examples/quickstart
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

func main() {
	dir, err := os.MkdirTemp("", "quickstart")
	check(err)
	defer os.RemoveAll(dir)

	db := dictdb.New()                    // in memory; dictdb.Open(dir) gives a durable one (below)
	users, err := db.CreateTable("users") // primary key "id", auto-assigned
	check(err)
	for _, u := range []dictdb.Record{
		{"name": "Alice", "age": 30, "dept": "IT", "role": "admin"},
		{"name": "Bob", "age": 25, "dept": "IT", "role": "dev"},
		{"name": "Carol", "age": 41, "dept": "Sales", "role": "lead"},
	} {
		_, err := users.Insert(u)
		check(err)
	}

	// Queries: a condition, an order, a page and projected columns.
	rows, err := users.Select(dictdb.Query{
		Where:   cond.And(cond.Field("dept").Eq("IT"), cond.Field("age").Gte(25)),
		OrderBy: []string{"-age", "name"},
		Limit:   10,
		Columns: []dictdb.Projection{dictdb.As("person", "name"), dictdb.As("years", "age")},
	})
	check(err)
	fmt.Println("IT, 25 and over:", rows)

	// The typed layer: the same table through a Go struct. Tags name the
	// fields; record fields the struct lacks ("role") are left out.
	type User struct {
		ID   int64  `dictdb:"id,pk"`
		Name string `dictdb:"name"`
		Age  int    `dictdb:"age"`
		Dept string `dictdb:"dept,omitempty"`
	}
	typed, err := dictdb.TableOf[User](db, "users")
	check(err)
	alice, _, err := typed.Get(1)
	check(err)
	fmt.Printf("typed: %+v\n", alice)
	it, err := typed.Select(dictdb.Query{Where: cond.Field("dept").Eq("IT"), OrderBy: []string{"name"}})
	check(err)
	fmt.Println("typed IT:", it[0].Name, it[1].Name)

	// Streaming: rows in the query's order as they are found; break
	// whenever, and the rest is never read.
	for u, err := range typed.Scan(dictdb.Query{OrderBy: []string{"-age"}}) {
		check(err)
		fmt.Println("oldest:", u.Name)
		break
	}

	// Indexes never change a query's answer, only its speed.
	check(users.CreateIndex("age", dictdb.SortedIndex))
	plan, err := users.Explain(dictdb.Query{Where: cond.Field("age").Between(30, 45)})
	check(err)
	fmt.Println("plan:", plan)

	// Snapshots: O(1), consistent across tables, never change.
	snap := db.Snapshot()
	n, err := users.Update(dictdb.Record{"status": "active"}, cond.Field("role").Eq("admin"))
	check(err)
	fmt.Println("updated:", n)
	before, err := snap.Table("users")
	check(err)
	old, _ := before.Get(1)
	now, _ := users.Get(1)
	fmt.Println("snapshot:", old["status"], "live:", now["status"])

	// Schemas: required, non-null, typed fields; nothing else allowed.
	accounts, err := db.CreateTable("accounts",
		dictdb.WithSchema(dictdb.Col("id", dictdb.Int), dictdb.Col("balance", dictdb.Float)))
	check(err)
	_, err = accounts.Insert(dictdb.Record{"id": 1, "balance": 100})
	check(err)
	_, err = accounts.Insert(dictdb.Record{"id": 2, "balance": "lots"})
	fmt.Println("schema violation:", err != nil)

	// Transactions over several tables: all or nothing, one atomic commit.
	err = db.Update([]string{"accounts", "users"}, func(tx *dictdb.Tx) error {
		acc, err := tx.Table("accounts")
		if err != nil {
			return err
		}
		if _, err := acc.Update(dictdb.Record{"balance": 90}, cond.Field("id").Eq(1)); err != nil {
			return err
		}
		return fmt.Errorf("changed my mind") // an error or a panic commits nothing
	})
	bal, _ := accounts.Get(1)
	fmt.Println("rolled back:", err != nil, "balance:", bal["balance"])

	// Aggregations, grouped in ascending group-key order.
	stats, err := users.Aggregate(dictdb.AggQuery{
		Aggs:    []dictdb.Agg{dictdb.Count("n"), dictdb.Avg("avg_age", "age")},
		GroupBy: []string{"dept"},
	})
	check(err)
	fmt.Println("by dept:", stats)

	// Files: crash-safe, written from a snapshot without blocking writers.
	path := filepath.Join(dir, "db.json")
	check(db.Save(path, dictdb.JSON)) // the Python DictDB's layout
	db2, err := dictdb.Load(path, dictdb.Auto)
	check(err)
	loaded, err := db2.Table("users")
	check(err)
	fmt.Println("reloaded users:", loaded.Count())

	// Backups: full and incremental, verified on restore.
	m, err := dictdb.NewBackupManager(db, filepath.Join(dir, "backups"),
		dictdb.BackupOptions{Incremental: true, Keep: 3})
	check(err)
	check(m.BackupNow()) // a full backup
	_, err = users.Delete(cond.Field("name").Eq("Bob"))
	check(err)
	check(m.BackupNow()) // a delta: only what changed
	db3, info, err := dictdb.RestoreBackup(filepath.Join(dir, "backups"), dictdb.RestoreOptions{})
	check(err)
	restored, err := db3.Table("users")
	check(err)
	fmt.Println("restored users:", restored.Count(), "deltas applied:", len(info.Deltas))

	// Durable databases: Open logs every commit (fsynced before the write
	// returns, by default) and recovers them all after a crash.
	durable := filepath.Join(dir, "durable")
	ddb, err := dictdb.Open(durable)
	check(err)
	notes, err := ddb.CreateTable("notes")
	check(err)
	_, err = notes.Insert(dictdb.Record{"text": "survives a crash"})
	check(err)
	check(ddb.Close())
	ddb, err = dictdb.Open(durable)
	check(err)
	notes, err = ddb.Table("notes")
	check(err)
	fmt.Println("reopened notes:", notes.Count())
	check(ddb.Checkpoint()) // a snapshot of the state; the log restarts
	check(ddb.Close())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
