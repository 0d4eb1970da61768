package dictdb_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

type Employee struct {
	ID    int64     `dictdb:"id,pk"`
	Name  string    `dictdb:"name"`
	Age   int       `dictdb:"age"`
	Email string    `dictdb:"email,omitempty"`
	Since time.Time `dictdb:"since"`
	Boss  *Employee `dictdb:"boss"`
}

// A struct type as the table's record: the tags name the fields and the
// primary key.
func ExampleCreateTableOf() {
	db := dictdb.New()
	staff, err := dictdb.CreateTableOf[Employee](db, "staff")
	if err != nil {
		panic(err)
	}
	since := time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)
	key, err := staff.Insert(Employee{Name: "Ada", Age: 36, Since: since})
	if err != nil {
		panic(err)
	}
	boss, _, _ := staff.Get(key)
	_, err = staff.Insert(Employee{Name: "Bo", Age: 29, Since: since, Email: "bo@example.com", Boss: &boss})
	if err != nil {
		panic(err)
	}
	bo, ok, err := staff.Get(2)
	fmt.Println(bo.Name, bo.Boss.Name, bo.Since.Year(), ok, err)

	// The map API sees the same records.
	tb, _ := db.Table("staff")
	rec, _ := tb.Get(2)
	fmt.Println(rec["email"], rec["boss"].(map[string]any)["name"])
	rec, _ = tb.Get(1)
	_, hasEmail := rec["email"]
	fmt.Println(hasEmail, rec["boss"])
	// Output:
	// Bo Ada 2020 true <nil>
	// bo@example.com Ada
	// false <nil>
}

// A typed table over an existing table; a query naming a field the struct
// lacks is refused.
func ExampleTableOf() {
	db := dictdb.New()
	tb, _ := db.CreateTable("people")
	tb.InsertMany([]dictdb.Record{{"name": "Ann", "age": 31}, {"name": "Ben", "age": 22}})

	type Person struct {
		ID   int64  `dictdb:"id,pk"`
		Name string `dictdb:"name"`
		Age  int    `dictdb:"age"`
	}
	people, err := dictdb.TableOf[Person](db, "people")
	if err != nil {
		panic(err)
	}
	adults, err := people.Select(dictdb.Query{Where: cond.Field("age").Gte(30)})
	fmt.Printf("%+v %v\n", adults, err)
	_, err = people.Select(dictdb.Query{OrderBy: []string{"agee"}})
	fmt.Println(errors.Is(err, dictdb.ErrInvalidQuery), err)
	// Output:
	// [{ID:1 Name:Ann Age:31}] <nil>
	// true table "people": field "agee": invalid query: OrderBy: no field of dictdb_test.Person maps to it
}

// A schema derived from the struct: records others write through the map
// API must fit it.
func ExampleWithSchemaOf() {
	type Product struct {
		SKU   string  `dictdb:"sku,pk"`
		Price float64 `dictdb:"price"`
	}
	db := dictdb.New()
	products, err := dictdb.CreateTableOf[Product](db, "products", dictdb.WithSchemaOf[Product]())
	if err != nil {
		panic(err)
	}
	_, err = products.Insert(Product{SKU: "a-1", Price: 9.5})
	fmt.Println(err)
	tb, _ := db.Table("products")
	fmt.Println(tb.Schema())
	_, err = tb.Insert(dictdb.Record{"sku": "b-2", "price": "cheap"})
	fmt.Println(errors.Is(err, dictdb.ErrSchema))
	// Output:
	// <nil>
	// [{sku str} {price float}]
	// true
}

// Unsupported field types are refused when the typed table is made.
func ExampleTableOf_unsupported() {
	type Job struct {
		ID   int64 `dictdb:"id,pk"`
		Done chan bool
	}
	_, err := dictdb.CreateTableOf[Job](dictdb.New(), "jobs")
	fmt.Println(errors.Is(err, dictdb.ErrUnsupportedType), err)
	// Output:
	// true dictdb: unsupported Go type: dictdb_test.Job: field Done: type chan bool cannot be stored
}

// Typed reads and writes inside a transaction, and on a snapshot.
func ExampleTxTableOf() {
	db := dictdb.New()
	staff, _ := dictdb.CreateTableOf[Employee](db, "staff")
	staff.Insert(Employee{Name: "Ada", Age: 36})
	snap := db.Snapshot()
	err := db.Update([]string{"staff"}, func(tx *dictdb.Tx) error {
		t, err := dictdb.TxTableOf[Employee](tx, "staff")
		if err != nil {
			return err
		}
		ada, _, err := t.Get(1)
		if err != nil {
			return err
		}
		ada.Age++
		return t.Update(ada)
	})
	ada, _, _ := staff.Get(1)
	sv, _ := snap.Table("staff")
	before, _ := dictdb.ViewOf[Employee](sv)
	old, _, _ := before.Get(1)
	fmt.Println(err, ada.Age, old.Age)
	// Output:
	// <nil> 37 36
}

// Streaming a query: rows come in the query's order as they are found, and
// breaking out of the loop reads nothing more.
func ExampleTyped_Scan() {
	db := dictdb.New()
	staff, _ := dictdb.CreateTableOf[Employee](db, "staff")
	for i, name := range []string{"Ada", "Bo", "Cy", "Di"} {
		staff.Insert(Employee{Name: name, Age: 30 + i})
	}
	for e, err := range staff.Scan(dictdb.Query{Where: cond.Field("age").Gt(30)}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(e.Name)
		if e.Name == "Cy" {
			break
		}
	}
	// Output:
	// Bo
	// Cy
}

// All iterates over keys and rows without copying; Records returns copies.
func ExampleTable_All() {
	db := dictdb.New()
	tb, _ := db.CreateTable("t")
	tb.InsertMany([]dictdb.Record{{"x": 1}, {"x": 2}})
	for key, row := range tb.All() {
		x, _ := row.Get("x")
		fmt.Println(key, x)
	}
	fmt.Println(tb.Records())
	// Output:
	// 1 1
	// 2 2
	// [map[id:1 x:1] map[id:2 x:2]]
}

// A scan stops with the context's error once the context ends.
func ExampleTable_ScanContext() {
	db := dictdb.New()
	tb, _ := db.CreateTable("t")
	for i := range 5000 {
		tb.Insert(dictdb.Record{"n": i})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rows := 0
	for _, err := range tb.ScanContext(ctx, dictdb.Query{}) {
		if err != nil {
			fmt.Println(err, rows < 5000)
			break
		}
		if rows++; rows == 10 {
			cancel()
		}
	}
	// Output:
	// context canceled true
}

// A save under a context that ends leaves the previous file as it was.
func ExampleDB_SaveContext() {
	dir, _ := os.MkdirTemp("", "savecontext")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db.json")
	db := dictdb.New()
	tb, _ := db.CreateTable("t")
	tb.Insert(dictdb.Record{"v": "first"})
	if err := db.SaveContext(context.Background(), path, dictdb.JSON); err != nil {
		panic(err)
	}
	tb.Insert(dictdb.Record{"v": "second"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := db.SaveContext(ctx, path, dictdb.JSON)
	fmt.Println(errors.Is(err, context.Canceled))
	loaded, _ := dictdb.LoadContext(context.Background(), path, dictdb.Auto)
	t, _ := loaded.Table("t")
	fmt.Println(t.Count())
	// Output:
	// true
	// 1
}
