package dictdb_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// New returns an empty database; CreateTable adds a table, here with its own
// primary-key field and a schema that every record must follow.
func ExampleDB_CreateTable() {
	db := dictdb.New()
	products, err := db.CreateTable("products", dictdb.PrimaryKey("sku"),
		dictdb.WithSchema(dictdb.Col("sku", dictdb.Str), dictdb.Col("price", dictdb.Float)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(db.TableNames(), products.SchemaFields())

	_, err = products.Insert(dictdb.Record{"sku": "A1", "price": "cheap"})
	fmt.Println(errors.Is(err, dictdb.ErrSchema)) // a price must be a number
	_, err = db.CreateTable("products")
	fmt.Println(errors.Is(err, dictdb.ErrTableExists))
	// Output:
	// [products] [sku price]
	// true
	// true
}

// Insert without a primary key assigns the next integer key and returns it.
func ExampleTable_Insert() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	for _, name := range []string{"Alice", "Bob"} {
		key, err := users.Insert(dictdb.Record{"name": name})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(key, name)
	}
	key, _ := users.Insert(dictdb.Record{"id": 10, "name": "Carol"}) // an explicit key
	fmt.Println(key, users.Count())
	// Output:
	// 1 Alice
	// 2 Bob
	// 10 3
}

// InsertMany inserts every record or none: one duplicate key fails the batch.
func ExampleTable_InsertMany() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	keys, err := users.InsertMany([]dictdb.Record{{"name": "Alice"}, {"name": "Bob"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(keys)

	_, err = users.InsertMany([]dictdb.Record{{"id": 3, "name": "Carol"}, {"id": 1, "name": "Dup"}})
	fmt.Println(errors.Is(err, dictdb.ErrDuplicateKey), users.Count()) // Carol was not stored
	// Output:
	// [1 2]
	// true 2
}

// Upsert inserts a new key; for an existing key the Conflict policy decides:
// merge the fields in, keep the stored record, or fail.
func ExampleTable_Upsert() {
	db := dictdb.New()
	stock, _ := db.CreateTable("stock", dictdb.PrimaryKey("sku"))
	_, action, _ := stock.Upsert(dictdb.Record{"sku": "A1", "qty": 5, "shelf": "top"}, dictdb.OnConflictUpdate)
	fmt.Println(action == dictdb.Inserted)

	_, action, _ = stock.Upsert(dictdb.Record{"sku": "A1", "qty": 7}, dictdb.OnConflictUpdate)
	fmt.Println(action == dictdb.Updated) // qty changes, shelf is kept
	_, action, _ = stock.Upsert(dictdb.Record{"sku": "A1", "qty": 0}, dictdb.OnConflictIgnore)
	fmt.Println(action == dictdb.Ignored)
	_, _, err := stock.Upsert(dictdb.Record{"sku": "A1", "qty": 0}, dictdb.OnConflictError)
	fmt.Println(errors.Is(err, dictdb.ErrDuplicateKey))

	rec, _ := stock.Get("A1")
	fmt.Println(rec)
	// Output:
	// true
	// true
	// true
	// true
	// map[qty:7 shelf:top sku:A1]
}

// Get returns a copy the caller owns; GetRow a read-only handle without
// copying. Both report whether the key exists.
func ExampleTable_Get() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.Insert(dictdb.Record{"name": "Alice", "age": 30})

	rec, ok := users.Get(1)
	fmt.Println(rec, ok)
	row, ok := users.GetRow(1)
	age, _ := row.Get("age")
	fmt.Println(row.Fields(), age, ok) // Fields are sorted
	_, ok = users.Get(99)
	fmt.Println(ok)
	// Output:
	// map[age:30 id:1 name:Alice] true
	// [age id name] 30 true
	// false
}

// A Query filters with Where, sorts with OrderBy ("-" for descending) and
// pages with Offset and Limit.
func ExampleTable_Select() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.InsertMany([]dictdb.Record{
		{"name": "Alice", "age": 30}, {"name": "Bob", "age": 25},
		{"name": "Carol", "age": 35}, {"name": "Dave", "age": 40}, {"name": "Eve", "age": 20},
	})
	rows, err := users.Select(dictdb.Query{
		Where:   cond.Field("age").Gte(25),
		OrderBy: []string{"-age"},
		Offset:  1, // skip the oldest
		Limit:   2,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rows {
		fmt.Println(r["name"], r["age"])
	}
	// Output:
	// Carol 35
	// Alice 30
}

// Columns projects records: Cols keeps fields under their names, As renames
// one; Distinct then drops repeated results.
func ExampleTable_Select_columns() {
	db := dictdb.New()
	staff, _ := db.CreateTable("staff")
	staff.InsertMany([]dictdb.Record{
		{"name": "Alice", "dept": "IT"}, {"name": "Bob", "dept": "HR"}, {"name": "Carol", "dept": "IT"},
	})
	rows, _ := staff.Select(dictdb.Query{
		Columns: append(dictdb.Cols("name"), dictdb.As("team", "dept")),
		OrderBy: []string{"name"},
	})
	fmt.Println(rows)

	depts, _ := staff.Select(dictdb.Query{Columns: dictdb.Cols("dept"), Distinct: true, OrderBy: []string{"dept"}})
	fmt.Println(depts)
	// Output:
	// [map[name:Alice team:IT] map[name:Bob team:HR] map[name:Carol team:IT]]
	// [map[dept:HR] map[dept:IT]]
}

// A condition can also be written as text and parsed with cond.Parse.
func ExampleTable_Select_parse() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.InsertMany([]dictdb.Record{
		{"name": "Alice", "age": 30, "dept": "IT"}, {"name": "Bob", "age": 25, "dept": "HR"},
		{"name": "Carol", "age": 35, "dept": "IT"},
	})
	where, err := cond.Parse(`dept = 'IT' AND age > 30 OR name LIKE 'B%'`)
	if err != nil {
		log.Fatal(err)
	}
	rows, _ := users.Select(dictdb.Query{Where: where, Columns: dictdb.Cols("name")})
	fmt.Println(rows)
	// Output:
	// [map[name:Bob] map[name:Carol]]
}

// Delete removes the matching records and returns how many.
func ExampleTable_Delete() {
	db := dictdb.New()
	sessions, _ := db.CreateTable("sessions")
	sessions.InsertMany([]dictdb.Record{{"user": "a", "expired": true}, {"user": "b", "expired": false}, {"user": "c", "expired": true}})

	n, err := sessions.Delete(cond.Field("expired").Eq(true))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "deleted,", sessions.Count(), "left")
	// Output: 2 deleted, 1 left
}

// CountWhere counts matching records without copying any.
func ExampleTable_CountWhere() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.InsertMany([]dictdb.Record{{"age": 17}, {"age": 30}, {"age": 45}})

	adults, err := users.CountWhere(cond.Field("age").Gte(18))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(adults)
	// Output: 2
}

// Explain shows how a query would run; without an index on the field it
// scans the table.
func ExampleTable_Explain() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.InsertMany([]dictdb.Record{{"age": 17}, {"age": 30}, {"age": 45}})

	plan, err := users.Explain(dictdb.Query{Where: cond.Field("age").Gt(20), OrderBy: []string{"-age"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(plan)
	// Output:
	// table users (3 rows)
	// access: full scan, estimated rows 3
	// filter: age > 20
	// order: sort by -age
}

// Save writes the database to a file crash-safely; Load reads it back. JSON
// is the Python DictDB's layout, Binary is exact and faster.
func ExampleDB_Save() {
	dir, err := os.MkdirTemp("", "dictdb")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.Insert(dictdb.Record{"name": "Alice"})
	for _, f := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		path := filepath.Join(dir, "db."+f.String())
		if err := db.Save(path, f); err != nil {
			log.Fatal(err)
		}
		loaded, err := dictdb.Load(path, dictdb.Auto) // Auto detects the format
		if err != nil {
			log.Fatal(err)
		}
		t, _ := loaded.Table("users")
		fmt.Println(f, t.Records())
	}
	// Output:
	// json [map[id:1 name:Alice]]
	// binary [map[id:1 name:Alice]]
}

// ImportCSV creates a table from a CSV file, inferring each column's type.
func ExampleDB_ImportCSV() {
	dir, _ := os.MkdirTemp("", "dictdb")
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(in, []byte("id,name,age\n1,Alice,30\n2,Bob,25\n"), 0o644); err != nil {
		log.Fatal(err)
	}

	db := dictdb.New()
	n, err := db.ImportCSV(in, "users", dictdb.CSVOptions{})
	if err != nil {
		log.Fatal(err)
	}
	users, _ := db.Table("users")
	bob, _ := users.Get(2)
	fmt.Printf("%d imported; %v is %T\n", n, bob["age"], bob["age"])
	// Output: 2 imported; 25 is int64
}

// ExportCSV writes the selected records and columns of a table to a file.
func ExampleTable_ExportCSV() {
	dir, _ := os.MkdirTemp("", "dictdb")
	defer os.RemoveAll(dir)
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.InsertMany([]dictdb.Record{{"name": "Alice", "age": 30}, {"name": "Bob", "age": 25}})

	out := filepath.Join(dir, "adults.csv")
	opts := dictdb.CSVOptions{Columns: []string{"name", "age"}, Where: cond.Field("age").Gt(26)}
	n, err := users.ExportCSV(out, opts)
	if err != nil {
		log.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	fmt.Printf("%d written: %q\n", n, data) // rows end in \r\n, as Python's csv module writes them
	// Output: 1 written: "name,age\r\nAlice,30\r\n"
}

// RestoreBackup rebuilds a database from a backup directory: the newest
// full backup plus the deltas written after it.
func ExampleRestoreBackup() {
	dir, _ := os.MkdirTemp("", "backups")
	defer os.RemoveAll(dir)
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.Insert(dictdb.Record{"name": "Alice"})
	m, _ := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{Incremental: true, Format: dictdb.Binary})
	if err := m.BackupNow(); err != nil { // the first backup is full
		log.Fatal(err)
	}
	users.Insert(dictdb.Record{"name": "Bob"})
	if err := m.BackupNow(); err != nil { // then a delta
		log.Fatal(err)
	}

	restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	if err != nil {
		log.Fatal(err)
	}
	r, _ := restored.Table("users")
	fmt.Println(len(info.Deltas), "delta;", r.Records())
	// Output:
	// 1 delta; [map[id:1 name:Alice] map[id:2 name:Bob]]
}

// Diff lists what changed between two snapshots, table by table.
func ExampleDiff() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.InsertMany([]dictdb.Record{{"name": "Alice"}, {"name": "Bob"}})
	before := db.Snapshot()
	users.Update(dictdb.Record{"name": "Robert"}, cond.Field("name").Eq("Bob"))
	users.Delete(cond.Field("name").Eq("Alice"))
	db.CreateTable("logs")

	for _, td := range dictdb.Diff(before, db.Snapshot()).Tables {
		fmt.Println(td.Name, "created:", td.Created, "dropped:", td.Dropped, "deletes:", td.Deletes)
		for _, row := range td.Upserts {
			fmt.Println("  upsert", row.Map())
		}
	}
	// Output:
	// logs created: true dropped: false deletes: []
	// users created: false dropped: false deletes: [1]
	//   upsert map[id:2 name:Robert]
}

// Restore puts the whole database back to a snapshot in one commit.
func ExampleDB_Restore() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	users.Insert(dictdb.Record{"name": "Alice"})
	snap := db.Snapshot()

	users.Delete(nil) // a mistake: every record deleted
	db.CreateTable("scratch")
	if err := db.Restore(snap); err != nil {
		log.Fatal(err)
	}
	fmt.Println(db.TableNames(), users.Records()) // the handle works on the restored table
	// Output:
	// [users] [map[id:1 name:Alice]]
}

// ReadDelta decodes a delta file written by a BackupManager; ApplyDelta
// brings another copy of the database up to date with it.
func ExampleDB_ApplyDelta() {
	dir, _ := os.MkdirTemp("", "backups")
	defer os.RemoveAll(dir)
	var last string
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	m, _ := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{
		Incremental: true, OnBackup: func(r dictdb.BackupResult) { last = r.Path }})
	m.BackupNow()
	replica, _, _ := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{}) // a copy at the full backup
	users.Insert(dictdb.Record{"name": "Alice"})
	m.BackupNow() // writes the delta

	f, _ := os.Open(last)
	defer f.Close()
	d, err := dictdb.ReadDelta(f)
	if err != nil {
		log.Fatal(err)
	}
	if err := replica.ApplyDelta(d); err != nil {
		log.Fatal(err)
	}
	r, _ := replica.Table("users")
	fmt.Println(r.Records())
	// Output:
	// [map[id:1 name:Alice]]
}
