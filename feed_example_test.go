package dictdb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// Follow returns a snapshot and the commits after it: read the snapshot,
// then apply the changes, with no gap and no overlap.
func ExampleDB_Follow() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	_, _ = users.Insert(dictdb.Record{"name": "Alice"})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	snap, changes := db.Follow(ctx)
	view, _ := snap.Table("users")
	fmt.Println("snapshot at", snap.Seq(), "holds", view.Count(), "user")

	_, _ = users.Insert(dictdb.Record{"name": "Bob"})
	_, _ = users.Update(dictdb.Record{"name": "Alicia"}, cond.Field("name").Eq("Alice"))
	_ = db.DropTable("users")

	for c, err := range changes {
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, t := range c.Tables {
			switch {
			case t.Dropped:
				fmt.Printf("%d: %s dropped\n", c.Seq, t.Name)
			case len(t.Inserted) > 0:
				fmt.Printf("%d: %s inserted %v\n", c.Seq, t.Name, t.Inserted[0].Map())
			case len(t.Updated) > 0:
				before, _ := t.Updated[0].Before.Get("name")
				after, _ := t.Updated[0].After.Get("name")
				fmt.Printf("%d: %s updated %v -> %v\n", c.Seq, t.Name, before, after)
			}
		}
		if c.Seq == db.Seq() {
			break
		}
	}
	// Output:
	// snapshot at 2 holds 1 user
	// 3: users inserted map[id:2 name:Bob]
	// 4: users updated Alice -> Alicia
	// 5: users dropped
}

// ApplyChange replays a feed: here onto a replica kept in step.
func ExampleDB_ApplyChange() {
	primary := dictdb.New(dictdb.WithChangeHistory(100))
	replica := dictdb.New()
	t, _ := primary.CreateTable("kv", dictdb.PrimaryKey("k"))
	_, _ = t.Insert(dictdb.Record{"k": "a", "v": 1})
	_, _, _ = t.Upsert(dictdb.Record{"k": "a", "v": 2}, dictdb.OnConflictUpdate)

	for c, err := range primary.Changes(context.Background(), 0) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := replica.ApplyChange(c); err != nil {
			fmt.Println(err)
			return
		}
		if c.Seq == primary.Seq() {
			break
		}
	}
	kv, _ := replica.Table("kv")
	fmt.Println(kv.Records())
	// Output:
	// [map[k:a v:2]]
}

// SelectWatch reads a query's answer and a watch that fires once it may
// have changed: a blocking query.
func ExampleTable_SelectWatch() {
	db := dictdb.New()
	jobs, _ := db.CreateTable("jobs")
	_ = jobs.CreateIndex("state", dictdb.HashIndex)

	rows, watch, _ := jobs.SelectWatch(dictdb.Query{Where: cond.Field("state").Eq("ready")})
	fmt.Println(len(rows), "ready")

	_, _ = jobs.Insert(dictdb.Record{"state": "blocked"}) // not in the answer
	fmt.Println("fired:", watch.Fired())
	_, _ = jobs.Insert(dictdb.Record{"state": "ready"})
	_ = watch.Wait(context.Background()) // returns at once: it fired

	rows, watch, _ = jobs.SelectWatch(dictdb.Query{Where: cond.Field("state").Eq("ready")})
	defer watch.Cancel()
	fmt.Println(len(rows), "ready")
	// Output:
	// 0 ready
	// fired: false
	// 1 ready
}

// A WatchSet waits for any of many watches on one channel.
func ExampleWatchSet() {
	db := dictdb.New()
	users, _ := db.CreateTable("users")
	orders, _ := db.CreateTable("orders")

	ws := dictdb.NewWatchSet()
	w1, _ := users.WatchKey(42)
	w2, _ := orders.WatchWhere(cond.Field("user").Eq(42))
	ws.Add(w1)
	ws.Add(w2)

	go func() { _, _ = orders.Insert(dictdb.Record{"user": 42, "item": "book"}) }()
	err := ws.Watch(context.Background()) // blocks until the insert; then cancels both
	fmt.Println(err, w1.Fired(), w2.Fired())
	// Output:
	// <nil> false true
}

// blockingList is a Consul-style blocking query: GET /?index=N answers at
// once if the data may have changed since N, and otherwise waits (up to
// wait) until it may have. The response carries the index to come back
// with in X-Index.
func blockingList(t *dictdb.Table, wait time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		index, _ := strconv.ParseUint(r.URL.Query().Get("index"), 10, 64)
		ctx, cancel := context.WithTimeout(r.Context(), wait)
		defer cancel()
		for {
			rows, watch, err := t.SelectWatch(dictdb.Query{Where: cond.Field("done").Eq(false)})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			// Answer if the version read is past the client's index, or
			// the wait is over; otherwise block until a commit may change
			// the answer, and read again.
			if watch.Seq() > index || watch.Wait(ctx) != nil {
				watch.Cancel()
				w.Header().Set("X-Index", strconv.FormatUint(watch.Seq(), 10))
				_ = json.NewEncoder(w).Encode(rows)
				return
			}
		}
	}
}

// A long poll: the second request blocks until a todo is added.
func Example_longPoll() {
	db := dictdb.New()
	todos, _ := db.CreateTable("todos")
	srv := httptest.NewServer(blockingList(todos, time.Minute))
	defer srv.Close()

	get := func(index string) (string, string) {
		resp, err := http.Get(srv.URL + "/?index=" + index)
		if err != nil {
			return "", err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.Header.Get("X-Index"), string(body)
	}
	index, body := get("0")
	fmt.Print("index ", index, ": ", body)

	done := make(chan struct{})
	go func() {
		defer close(done)
		index, body = get(index) // blocks until the insert below
	}()
	_, _ = todos.Insert(dictdb.Record{"title": "write docs", "done": false})
	<-done
	fmt.Print("index ", index, ": ", body)
	// Output:
	// index 1: []
	// index 2: [{"done":false,"id":1,"title":"write docs"}]
}
