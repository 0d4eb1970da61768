// Command webapp is the concurrent web application of the Python DictDB's
// concurrency guide, in Go (package app holds the application): worker
// goroutines handle requests against a sessions table and an events table,
// a cleanup goroutine expires idle sessions, and a reporter takes consistent
// snapshots while everyone writes. It runs for a bounded time and prints a
// summary.
//
//	go run ./examples/webapp -duration 2s -workers 8
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/dictdb-go/dictdb/examples/webapp/app"
)

func main() {
	duration := flag.Duration("duration", 2*time.Second, "how long to serve requests")
	workers := flag.Int("workers", 8, "number of worker goroutines")
	users := flag.Int("users", 500, "number of distinct users")
	flag.Parse()
	if _, err := app.Run(os.Stdout, *duration, *workers, *users); err != nil {
		fmt.Fprintln(os.Stderr, "webapp:", err)
		os.Exit(1)
	}
}
