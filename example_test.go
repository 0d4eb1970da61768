package dictdb_test

import (
	"errors"
	"fmt"
	"sync"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// The quick start: create a table, insert, query, update and delete.
func Example() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.Insert(dictdb.Record{"name": "Alice", "age": 30, "dept": "IT"})
	users.Insert(dictdb.Record{"name": "Bob", "age": 25, "dept": "HR"})
	users.Insert(dictdb.Record{"name": "Carol", "age": 35, "dept": "IT"})

	rows, _ := users.Select(dictdb.Query{
		Where:   cond.And(cond.Field("dept").Eq("IT"), cond.Field("age").Gte(25)),
		OrderBy: []string{"-age"},
		Columns: dictdb.Cols("name", "age"),
	})
	for _, r := range rows {
		fmt.Println(r["name"], r["age"])
	}
	n, _ := users.Update(dictdb.Record{"dept": "Ops"}, cond.Field("name").Eq("Bob"))
	fmt.Println("updated", n)
	n, err := users.Delete(cond.Field("age").Gt(100)) // matching nothing is no error
	fmt.Println("deleted", n, err)
	// Output:
	// Carol 35
	// Alice 30
	// updated 1
	// deleted 0 <nil>
}

// Read operations: many goroutines read at once, and never wait.
func Example_concurrentReaders() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	for i := range 1000 {
		users.Insert(dictdb.Record{"name": fmt.Sprintf("User %d", i)})
	}
	found := make([]int, 10)
	var wg sync.WaitGroup
	for id := range found {
		wg.Go(func() {
			rows, _ := users.Rows(dictdb.Query{Where: cond.Field("name").StartsWith("User 1")})
			found[id] = len(rows)
		})
	}
	wg.Wait()
	for id, n := range found[:3] {
		fmt.Printf("Thread %d: found %d records\n", id, n)
	}
	// Output:
	// Thread 0: found 111 records
	// Thread 1: found 111 records
	// Thread 2: found 111 records
}

// Write operations: writers of one table are serialized, readers never
// block, and every reader sees a committed state.
func Example_mixedReadersAndWriters() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	for i := range 1000 {
		users.Insert(dictdb.Record{"name": fmt.Sprintf("User %d", i)})
	}
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() { users.Insert(dictdb.Record{"name": fmt.Sprintf("New User %d", i)}) })
		wg.Go(func() {
			if n := users.Count(); n < 1000 || n > 1005 {
				fmt.Println("impossible count", n)
			}
		})
	}
	wg.Wait()
	fmt.Println(users.Count(), "total records")
	// Output: 1005 total records
}

// Atomic operations: an update that fails validation on any row changes
// no row.
func ExampleTable_Update_atomic() {
	db := dictdb.New()
	users, _ := db.CreateTable("users", dictdb.WithSchema(
		dictdb.Col("name", dictdb.Str), dictdb.Col("role", dictdb.Str), dictdb.Col("status", dictdb.Str)))
	users.Insert(dictdb.Record{"name": "Alice", "role": "admin", "status": "new"})
	users.Insert(dictdb.Record{"name": "Bob", "role": "admin", "status": "new"})

	n, err := users.Update(dictdb.Record{"status": "active"}, cond.Field("role").Eq("admin"))
	fmt.Println(n, err)
	_, err = users.Update(dictdb.Record{"status": 42}, cond.Field("role").Eq("admin"))
	fmt.Println(err)
	rows, _ := users.Select(dictdb.Query{Columns: dictdb.Cols("status")})
	fmt.Println(rows)
	// Output:
	// 2 <nil>
	// dictdb: table "users": field "status": schema violation: update sets int, the schema wants str
	// [map[status:active] map[status:active]]
}

// Record copying: Select returns copies the caller owns; Rows and GetRow
// return read-only handles on the stored records, without copying them,
// whose accessors return scalars as stored and lists, maps and byte slices
// as copies. Nothing read can change the database.
func ExampleTable_Rows() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.Insert(dictdb.Record{"name": "Alice", "tags": []any{"admin"}})

	results, _ := users.Select(dictdb.Query{})
	results[0]["name"] = "Modified" // does not affect the database

	rows, _ := users.Rows(dictdb.Query{}) // zero-copy, read-only
	name, _ := rows[0].Get("name")        // a string, as stored
	tags, _ := rows[0].Get("tags")        // a copy of the stored list
	tags.([]any)[0] = "root"              // does not affect the database
	fmt.Println(name, tags)
	fmt.Println(users.Get(1))
	// Output:
	// Alice [root]
	// map[id:1 name:Alice tags:[admin]] true
}

// Per-table isolation: writers of different tables never wait for each
// other.
func ExampleDB_perTableIsolation() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	products, _ := db.CreateTable("products", dictdb.PrimaryKey("sku"))
	users.Insert(dictdb.Record{"id": 1, "last_login": "never"})
	products.Insert(dictdb.Record{"sku": "ABC", "stock": 10})

	var wg sync.WaitGroup
	wg.Go(func() { users.Update(dictdb.Record{"last_login": "now"}, cond.Field("id").Eq(1)) })
	wg.Go(func() { products.Update(dictdb.Record{"stock": 99}, cond.Field("sku").Eq("ABC")) })
	wg.Wait()
	u, _ := users.Get(1)
	p, _ := products.Get("ABC")
	fmt.Println(u["last_login"], p["stock"])
	// Output: now 99
}

// Long-running queries: take a view of the table (O(1), no lock) and process it
// while other goroutines keep writing.
func ExampleTable_View() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	for i := range 3 {
		users.Insert(dictdb.Record{"name": fmt.Sprintf("User %d", i)})
	}
	view, _ := users.View()
	users.Insert(dictdb.Record{"name": "written during processing"})
	for key, rec := range view.Copy() {
		_ = key
		_ = rec // process(rec): other goroutines can write meanwhile
	}
	fmt.Println(view.Count(), users.Count())
	// Output: 3 4
}

// Deadlock prevention: transactions lock their tables in sorted order, so
// two transactions naming the same tables in opposite orders cannot
// deadlock, and each commits atomically.
func ExampleDB_Update() {
	db := dictdb.New()
	accounts, _ := db.CreateTable("accounts")
	ledger, _ := db.CreateTable("ledger")
	accounts.InsertMany([]dictdb.Record{{"id": 1, "balance": 100}, {"id": 2, "balance": 0}})

	transfer := func(tables []string, from, to, amount int) error {
		return db.Update(tables, func(tx *dictdb.Tx) error {
			acc, _ := tx.Table("accounts")
			log, _ := tx.Table("ledger")
			src, _ := acc.Get(from)
			if src["balance"].(int64) < int64(amount) {
				return errors.New("insufficient funds") // publishes nothing
			}
			dst, _ := acc.Get(to)
			acc.Update(dictdb.Record{"balance": src["balance"].(int64) - int64(amount)}, cond.Field("id").Eq(from))
			acc.Update(dictdb.Record{"balance": dst["balance"].(int64) + int64(amount)}, cond.Field("id").Eq(to))
			_, err := log.Insert(dictdb.Record{"from": from, "to": to, "amount": amount})
			return err
		})
	}
	var wg sync.WaitGroup
	for i := range 10 {
		tables := []string{"accounts", "ledger"}
		if i%2 == 1 {
			tables = []string{"ledger", "accounts"}
		}
		wg.Go(func() { transfer(tables, 1, 2, 10) })
	}
	wg.Wait()
	fmt.Println(transfer([]string{"accounts", "ledger"}, 1, 2, 10))
	a, _ := accounts.Get(1)
	b, _ := accounts.Get(2)
	fmt.Println(a["balance"], b["balance"], ledger.Count())
	// Output:
	// insufficient funds
	// 0 100 10
}

// Snapshots are consistent across tables and never change.
func ExampleDB_Snapshot() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.Insert(dictdb.Record{"name": "Alice"})
	snap := db.Snapshot()
	users.Insert(dictdb.Record{"name": "Bob"})

	view, _ := snap.Table("users")
	fmt.Println(view.Count(), users.Count())
	db.Restore(snap) // the whole database back to the snapshot
	fmt.Println(users.Count())
	// Output:
	// 1 2
	// 1
}

// Indexes speed up queries without ever changing their results.
func ExampleTable_CreateIndex() {
	db := dictdb.New()
	sessions, _ := db.CreateTable("sessions", dictdb.PrimaryKey("session_id"))
	sessions.CreateIndex("user_id", dictdb.HashIndex)
	sessions.CreateIndex("email", dictdb.SortedIndex, dictdb.Unique())
	sessions.Insert(dictdb.Record{"session_id": "s1", "user_id": 7, "email": "a@example.com"})
	sessions.Insert(dictdb.Record{"session_id": "s3", "user_id": 9, "email": "c@example.com"})
	_, err := sessions.Insert(dictdb.Record{"session_id": "s2", "user_id": 8, "email": "a@example.com"})
	fmt.Println(errors.Is(err, dictdb.ErrDuplicateKey))
	plan, _ := sessions.Explain(dictdb.Query{Where: cond.Field("user_id").Eq(7)})
	fmt.Print(plan)
	// Output:
	// true
	// table sessions (2 rows)
	// access: hash index on user_id for user_id = 7, estimated rows 1
	// filter: user_id = 7
	// order: primary-key order
}
