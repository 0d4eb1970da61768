// Command dictdb inspects, queries, converts and verifies dictdb database
// files from a shell, and runs the concurrent demo application.
//
//	dictdb tables FILE
//	dictdb schema FILE TABLE
//	dictdb query FILE TABLE [--where EXPR] [--order-by -age,name] [--limit N]
//	             [--offset N] [--columns a,b|alias=field] [--distinct]
//	             [--format table|json|jsonl|csv]
//	dictdb count FILE TABLE [--where EXPR]
//	dictdb aggregate FILE TABLE --agg count,avg:salary [--group-by dept] [--where EXPR]
//	dictdb explain FILE TABLE [--where EXPR] [--order-by ...] [--limit N] [--offset N]
//	dictdb import-csv FILE CSV [--table NAME] [--pk id] [--schema a:int,b:str] ...
//	dictdb export-csv FILE TABLE [OUT] [--where EXPR] [--columns a,b] [--delimiter ,]
//	dictdb convert IN OUT [--to json|binary]
//	dictdb restore BACKUP_DIR OUT [--to json|binary]
//	dictdb verify FILE|DIR
//	dictdb repair DIR [--yes]
//	dictdb demo [--duration 2s] [--workers 8] [--users 500] [--tour=false] [--save FILE]
//
// Database files are read in either format, JSON or binary, detected from
// their content. The read commands (tables, schema, query, count,
// aggregate, explain, export-csv, convert, verify) also accept a database
// directory that dictdb.Open made: they open it read-only, without its lock
// and changing nothing, so they work while a program has it open (and see
// the commits durable when they read it). Flags may come before, between or after the positional
// arguments; "--" ends the flags; a flag may be given once. Every command
// has --help.
//
// The condition language of --where is cond.Parse's: for example
//
//	dept = 'IT' AND (age >= 30 OR startswith(name, 'A')) AND email IS NOT NULL
//
// Exit status: 0 success; 1 a runtime failure (a missing, unreadable or
// corrupt file, a failed write, a query the table rejects); 2 a usage error
// (an unknown command or flag, a missing or extra argument, a bad flag value
// or a --where expression that does not parse); 3 verify found problems in
// the file, or repair found a log to cut and was not given --yes.
//
// On a terminal, long reads and writes (import-csv, convert, restore,
// verify) draw a progress bar on stderr; set DICTDB_PROGRESS=never to turn
// it off or =always to force it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// The exit statuses.
const (
	exitOK       = 0 // success
	exitFailure  = 1 // a runtime failure
	exitUsage    = 2 // a usage error
	exitProblems = 3 // verify found problems
)

// env is what a command runs against; tests run commands in-process with
// buffers.
type env struct {
	stdout   io.Writer
	stderr   io.Writer
	progress bool // draw progress bars on stderr
}

// A command is one subcommand.
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string
	detail  string // printed by --help after the synopsis
	flags   func(fs *flag.FlagSet) func(e *env, args []string) error
}

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// problemsError reports that verify found problems: exit status 3.
type problemsError struct{ n int }

func (e *problemsError) Error() string {
	if e.n == 1 {
		return "1 problem found"
	}
	return fmt.Sprintf("%d problems found", e.n)
}

var commands []*command

func init() {
	commands = []*command{
		tablesCmd, schemaCmd, queryCmd, countCmd, aggregateCmd, explainCmd,
		importCSVCmd, exportCSVCmd, convertCmd, restoreCmd, verifyCmd, repairCmd, demoCmd,
	}
}

func main() {
	e := &env{stdout: os.Stdout, stderr: os.Stderr, progress: progressWanted()}
	os.Exit(run(e, os.Args[1:]))
}

// progressWanted reports whether progress bars go to stderr: when it is a
// terminal, unless DICTDB_PROGRESS says otherwise.
func progressWanted() bool {
	switch strings.ToLower(os.Getenv("DICTDB_PROGRESS")) {
	case "never", "0", "false", "no":
		return false
	case "always", "1", "true", "yes":
		return true
	}
	return term.IsTerminal(int(os.Stderr.Fd()))
}

// run executes the command line args and returns the exit status.
func run(e *env, args []string) int {
	if len(args) == 0 {
		mainUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && name == "help" {
			if c := lookup(args[1]); c != nil {
				commandUsage(e.stdout, c, newFlagSet(c))
				return exitOK
			}
			fmt.Fprintf(e.stderr, "dictdb: unknown command %q\n", args[1])
			return exitUsage
		}
		mainUsage(e.stdout)
		return exitOK
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(e.stderr, "dictdb: unknown command %q\nRun 'dictdb help' for the list of commands.\n", name)
		return exitUsage
	}
	fs := newFlagSet(c)
	runFn := c.flags(fs)
	pos, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		commandUsage(e.stdout, c, fs)
		return exitOK
	}
	if err == nil {
		err = runFn(e, pos)
	}
	return report(e, c, err)
}

// report prints err for command c and returns the exit status.
func report(e *env, c *command, err error) int {
	var ue *usageError
	var pe *problemsError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &pe):
		fmt.Fprintf(e.stderr, "dictdb %s: %v\n", c.name, err)
		return exitProblems
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "dictdb %s: %v\nRun 'dictdb %s --help' for usage.\n", c.name, err, c.name)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "dictdb %s: %v\n", c.name, err)
	return exitFailure
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func newFlagSet(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseInterspersed parses flags that may appear anywhere among the
// positional arguments, which it returns. "--" ends the flags.
// A flag may be given once: a second --where or --limit is a usage error
// rather than silently replacing the first.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var repeated string
	seen := map[string]bool{}
	var wrapped []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		inner := f.Value
		f.Value = &onceValue{Value: inner, set: func() bool {
			if seen[f.Name] {
				repeated = f.Name
				return false
			}
			seen[f.Name] = true
			return true
		}}
		wrapped = append(wrapped, f)
	})
	defer func() { // --help prints the flags' own types
		for _, f := range wrapped {
			f.Value = f.Value.(*onceValue).Value
		}
	}()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			if repeated != "" {
				return nil, usagef("flag --%s given twice", repeated)
			}
			return nil, &usageError{msg: err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// onceValue is a flag value that refuses a second Set.
type onceValue struct {
	flag.Value
	set func() bool // false when the flag was set before
}

func (o *onceValue) Set(s string) error {
	if !o.set() {
		return errRepeated
	}
	return o.Value.Set(s)
}

// IsBoolFlag keeps a boolean flag usable without a value.
func (o *onceValue) IsBoolFlag() bool {
	b, ok := o.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

var errRepeated = errors.New("flag given twice")

// wantArgs checks the number of positional arguments.
func wantArgs(args []string, min, max int, names string) error {
	switch {
	case len(args) < min:
		return usagef("missing arguments: want %s", names)
	case len(args) > max:
		return usagef("unexpected argument %q (want %s)", args[max], names)
	}
	return nil
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `dictdb inspects, queries, converts and verifies dictdb database files.

Usage:
  dictdb COMMAND [ARGUMENTS] [FLAGS]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Database files may be JSON or binary; the format is detected from the content.
Flags may come before, between or after the arguments, each at most once. Run
'dictdb COMMAND --help' for the details of a command.

Exit status: 0 success, 1 runtime failure, 2 usage error, 3 verify found problems.
`)
}

func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: dictdb %s %s\n\n%s\n", c.name, c.args, c.summary)
	if c.detail != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.detail))
	}
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprint(w, "\nFlags:\n")
			first = false
		}
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %q)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n      %s\n", line, usage)
	})
}
