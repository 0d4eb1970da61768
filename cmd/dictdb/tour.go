package main

// The first half of the demo: a guided tour of the library's API, printing
// each step and its result.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// tour walks through the API on a small database and prints what each step
// does and what it returned.
func tour(w io.Writer) error {
	step := func(title string) { fmt.Fprintf(w, "\n== %s\n", title) }
	code := func(format string, args ...any) { fmt.Fprintf(w, "  > "+format+"\n", args...) }
	show := func(format string, args ...any) { fmt.Fprintf(w, "    "+format+"\n", args...) }

	step("1. a table and some rows")
	db := dictdb.New()
	code(`users, _ := db.CreateTable("users")`)
	users, err := db.CreateTable("users")
	if err != nil {
		return err
	}
	people := []dictdb.Record{
		{"name": "Alice", "age": 30, "dept": "IT"},
		{"name": "Bob", "age": 25, "dept": "IT"},
		{"name": "Carol", "age": 41, "dept": "Sales"},
		{"name": "Dave", "age": 35, "dept": "Sales"},
		{"name": "Erin", "age": 28, "dept": "Ops"},
	}
	code(`ids, _ := users.InsertMany(five people)`)
	ids, err := users.InsertMany(people)
	if err != nil {
		return err
	}
	show("auto keys %v, %d rows", ids, users.Count())

	step("2. a query with a condition, an order and columns")
	q := dictdb.Query{
		Where:   cond.And(cond.Field("age").Gte(28), cond.Field("dept").Ne("Ops")),
		OrderBy: []string{"-age"},
		Columns: dictdb.Cols("name", "age"),
	}
	code(`users.Select(Query{Where: %s, OrderBy: -age, Columns: name, age})`, q.Where)
	rows, err := users.Select(q)
	if err != nil {
		return err
	}
	for _, r := range rows {
		show("%v", r)
	}

	step("3. an index, and the plan that uses it")
	code(`users.CreateIndex("age", dictdb.SortedIndex)`)
	if err := users.CreateIndex("age", dictdb.SortedIndex); err != nil {
		return err
	}
	code(`users.Explain(Query{Where: age BETWEEN 26 AND 36})`)
	plan, err := users.Explain(dictdb.Query{Where: cond.Field("age").Between(26, 36)})
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(plan), "\n") {
		show("%s", line)
	}

	step("4. a snapshot stays unchanged while writers run")
	code(`snap := db.Snapshot()   // O(1): one atomic load`)
	snap := db.Snapshot()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 250 {
				if _, err := users.Insert(dictdb.Record{"name": fmt.Sprintf("w%d-%d", g, i), "age": 20 + i%40, "dept": "Temp"}); err != nil {
					panic(err) // cannot happen: fresh auto keys, no schema
				}
			}
		})
	}
	wg.Wait()
	view, err := snap.Table("users")
	if err != nil {
		return err
	}
	show("4 goroutines inserted 1000 rows: live table %d rows, snapshot still %d rows", users.Count(), view.Count())

	step("5. a transaction that fails commits nothing")
	if _, err := db.CreateTable("accounts"); err != nil {
		return err
	}
	accounts, _ := db.Table("accounts")
	if _, err := accounts.InsertMany([]dictdb.Record{{"id": 1, "balance": 100}, {"id": 2, "balance": 0}}); err != nil {
		return err
	}
	code(`db.Update([]string{"accounts"}, move 150 from account 1 to 2, refuse a negative balance)`)
	err = db.Update([]string{"accounts"}, func(tx *dictdb.Tx) error {
		acc, err := tx.Table("accounts")
		if err != nil {
			return err
		}
		if _, err := acc.Update(dictdb.Record{"balance": 150}, cond.Field("id").Eq(2)); err != nil {
			return err
		}
		if _, err := acc.Update(dictdb.Record{"balance": -50}, cond.Field("id").Eq(1)); err != nil {
			return err
		}
		return errors.New("insufficient funds")
	})
	a1, _ := accounts.Get(1)
	a2, _ := accounts.Get(2)
	show("error %q; balances still %v and %v", err, a1["balance"], a2["balance"])

	step("6. save and load (crash-safe: temp file, fsync, rename)")
	dir, err := os.MkdirTemp("", "dictdb-tour")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "tour.db")
	code(`db.Save("tour.db", dictdb.Binary); dictdb.Load("tour.db", dictdb.Auto)`)
	if err := db.Save(path, dictdb.Binary); err != nil {
		return err
	}
	db2, err := dictdb.Load(path, dictdb.Auto)
	if err != nil {
		return err
	}
	loaded, err := db2.Table("users")
	if err != nil {
		return err
	}
	show("loaded tables %v; users has %d rows and its index on age: %v", db2.TableNames(), loaded.Count(), loaded.HasIndex("age"))

	step("7. an aggregation")
	code(`users.Aggregate(AggQuery{Aggs: count, avg(age), max(age); GroupBy: dept; Where: dept != 'Temp'})`)
	stats, err := users.Aggregate(dictdb.AggQuery{
		Where:   cond.Field("dept").Ne("Temp"),
		Aggs:    []dictdb.Agg{dictdb.Count("n"), dictdb.Avg("avg_age", "age"), dictdb.Max("oldest", "age")},
		GroupBy: []string{"dept"},
	})
	if err != nil {
		return err
	}
	for _, r := range stats {
		show("%v", r)
	}
	return nil
}
