package main

// The demo is a guided tour of the API (tour.go), then the concurrent web
// application of the Python DictDB's concurrency guide (package
// examples/webapp/app, which examples/webapp runs too).

import (
	"flag"
	"fmt"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/examples/webapp/app"
)

var demoCmd = &command{
	name:    "demo",
	args:    "[--duration 2s] [--workers 8] [--users 500] [--tour=false] [--save FILE]",
	summary: "tour the API, then run the concurrent web application",
	detail: `
First a short guided tour: a table is created, rows are inserted and queried
with a condition and an index, the query plan is shown, a snapshot stays
unchanged while writers run, a failing transaction commits nothing, the
database is saved and loaded, and rows are aggregated; each step prints the
call it makes and what came back. --tour=false skips it.

Then the concurrent web application: worker goroutines serve requests against a sessions table and an events table
(upserts, updates, inserts, zero-copy reads), a cleanup goroutine expires idle
sessions, and a reporter takes O(1) consistent snapshots while everyone
writes. At the end it prints throughput and latencies, and checks that every
request left exactly one event. With --save the final database is written to
FILE (JSON for a .json name, binary otherwise) for the other commands to
inspect:

  dictdb demo --duration 1s --save demo.db
  dictdb query demo.db events --where "action = 'purchase'" --limit 5`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		duration := fs.Duration("duration", 2*time.Second, "how long to serve requests")
		workers := fs.Int("workers", 8, "number of worker goroutines")
		users := fs.Int("users", 500, "number of distinct users")
		save := fs.String("save", "", "write the final database to `FILE`")
		withTour := fs.Bool("tour", true, "start with the guided tour of the API")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 0, 0, "no arguments"); err != nil {
				return err
			}
			if *workers < 1 || *users < 1 || *duration <= 0 {
				return usagef("--workers, --users and --duration must be positive")
			}
			if *withTour {
				fmt.Fprintln(e.stdout, "dictdb: a guided tour")
				if err := tour(e.stdout); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "\n== 8. the concurrency guide's web application, %v with %d workers\n", *duration, *workers)
			}
			db, err := app.Run(e.stdout, *duration, *workers, *users)
			if err != nil {
				return err
			}
			if *save != "" {
				format, _ := outputFormat("", *save, dictdb.Binary)
				if err := saveDB(e, db, *save, format); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "saved the database to %s (%s)\n", *save, format)
			}
			return nil
		}
	},
}
