package main

// The demo is the concurrent web application of the Python DictDB's
// concurrency guide, in Go (package internal/webapp, which examples/webapp
// runs too), as a subcommand.

import (
	"flag"
	"fmt"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/internal/webapp"
)

var demoCmd = &command{
	name:    "demo",
	args:    "[--duration 2s] [--workers 8] [--users 500] [--save FILE]",
	summary: "run the concurrent web application demo and print a summary",
	detail: `
Worker goroutines serve requests against a sessions table and an events table
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
		return func(e *env, args []string) error {
			if err := wantArgs(args, 0, 0, "no arguments"); err != nil {
				return err
			}
			if *workers < 1 || *users < 1 || *duration <= 0 {
				return usagef("--workers, --users and --duration must be positive")
			}
			db, err := webapp.Run(e.stdout, *duration, *workers, *users)
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
