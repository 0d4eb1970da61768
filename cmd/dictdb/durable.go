package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/internal/wal"
)

// isDatabaseDir reports whether dir looks like a directory that
// dictdb.Open made: it holds a log segment or a checkpoint.
func isDatabaseDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && (strings.HasSuffix(n, ".wal") || strings.HasPrefix(n, "checkpoint-") && strings.HasSuffix(n, ".dictdb")) {
			return true
		}
	}
	return false
}

// openDir opens the database directory dir read-only: without its lock,
// changing nothing (a torn tail is skipped, not cut).
func openDir(e *env, dir string) (*dictdb.DB, error) {
	done := e.spinner("loading " + filepath.Base(dir))
	defer done()
	db, err := dictdb.Open(dir, dictdb.ReadOnly())
	if err != nil {
		return nil, err
	}
	return db, nil
}

// verifyDir checks a database directory: the log's frames and sequence,
// and a read-only recovery (checkpoint plus log).
func verifyDir(e *env, dir string) error {
	info, err := wal.Verify(nil, dir)
	var problems []string
	if err != nil {
		problems = append(problems, "log: "+err.Error())
	}
	fmt.Fprintf(e.stdout, "%s: database directory, %s, last commit in the log %d\n", dir, plural(info.Segments, "log segment"), info.Last)
	if info.Cut != nil {
		fmt.Fprintf(e.stdout, "torn tail: %s (the normal result of a crash; the next Open cuts it, never acknowledged under SyncAlways)\n", info.Cut)
	}
	if err == nil {
		db, oerr := openDir(e, dir)
		if oerr != nil {
			problems = append(problems, oerr.Error())
		} else {
			fmt.Fprintf(e.stdout, "recovered commit %d: %s\n", db.Seq(), dbSummary(db))
		}
	}
	for _, p := range problems {
		fmt.Fprintf(e.stdout, "problem: %s\n", p)
	}
	if len(problems) > 0 {
		fmt.Fprintln(e.stdout, "'dictdb repair' cuts the log at the first bad frame (it lists what it drops first)")
		return &problemsError{n: len(problems)}
	}
	fmt.Fprintln(e.stdout, "ok")
	return nil
}

var repairCmd = &command{
	name:    "repair",
	args:    "DIR [--yes]",
	summary: "cut a database directory's log at its first bad frame",
	detail: `
Checks the write-ahead log of the database directory DIR (made by dictdb.Open)
and prints what a repair drops: the rest of the segment from the first bad
frame on, and every later segment. Nothing is changed unless --yes is given;
then the log is cut there and synced. The commits dropped are lost: keep a
copy of DIR first if they matter. A torn tail (a crash during a write) needs
no repair: Open cuts it. DIR must not be open in another process.

Exit status 0: the log is good, or was repaired; 3: a repair is needed and
--yes was not given; 1: DIR could not be read or repaired.`,
	flags: func(fs *flag.FlagSet) func(*env, []string) error {
		yes := fs.Bool("yes", false, "cut the log (without it, only print what would be dropped)")
		return func(e *env, args []string) error {
			if err := wantArgs(args, 1, 1, "DIR"); err != nil {
				return err
			}
			return repairDir(e, args[0], *yes)
		}
	},
}

func repairDir(e *env, dir string, yes bool) error {
	if st, err := os.Stat(dir); err != nil {
		return fileError(err)
	} else if !st.IsDir() || !isDatabaseDir(dir) {
		return fmt.Errorf("%s is not a database directory (no log segment or checkpoint)", dir)
	}
	info, err := wal.Verify(nil, dir)
	var ce *wal.CorruptError
	switch {
	case err != nil && !errors.As(err, &ce):
		return err
	case err == nil && info.Cut == nil:
		fmt.Fprintf(e.stdout, "%s: the log is good (last commit %d): nothing to repair\n", dir, info.Last)
		return nil
	}
	if ce != nil {
		fmt.Fprintf(e.stdout, "%s: bad frame: %s\n", dir, ce)
		fmt.Fprintf(e.stdout, "drops: %s from offset %d on", ce.File, ce.Offset)
		for _, later := range laterSegments(dir, ce.File) {
			fmt.Fprintf(e.stdout, ", %s", later)
		}
		fmt.Fprintln(e.stdout)
	} else {
		fmt.Fprintf(e.stdout, "%s: torn tail: %s\n", dir, info.Cut)
	}
	if !yes {
		fmt.Fprintln(e.stdout, "nothing changed; run again with --yes to cut the log")
		return &problemsError{n: 1}
	}
	lock, err := wal.Lock(dir)
	if err != nil {
		return fmt.Errorf("%s: %w (is it open?)", dir, err)
	}
	defer lock.Unlock()
	got, err := wal.Repair(nil, dir)
	if err != nil {
		return fmt.Errorf("repair %s: %w", dir, err)
	}
	if got.Cut != nil {
		fmt.Fprintf(e.stdout, "cut: %s\n", got.Cut)
	}
	fmt.Fprintf(e.stdout, "repaired: the log ends at commit %d\n", got.Last)
	return nil
}

// laterSegments lists the segments of dir named after file.
func laterSegments(dir, file string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".wal") && n > filepath.Base(file) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out
}
