// Command mutate measures how well the tests catch bugs: it applies
// hand-written source mutations (the bugs real code gets: off-by-ones in
// tree splits and range bounds, flipped comparisons, a blind store instead
// of a compare-and-swap, a skipped checksum, a delta that forgets deletes)
// one at a time and runs the short test run of the packages each one
// concerns. A mutation the tests fail on is killed; one they pass is a
// survivor, a bug the tests would let through.
//
// It works on a temporary copy of the module, so an interrupted run never
// leaves the source tree mutated. It is a developer's tool for before a
// release, not part of CI:
//
//	go run ./internal/tools/mutate              # every mutation
//	go run ./internal/tools/mutate -run 'tbl/'  # those whose name matches
//	go run ./internal/tools/mutate -list        # list them
//
// Each mutation replaces one exact piece of source text. When the source
// changes so that the text is no longer found (or found more than once),
// the mutation is reported as stale and the run fails, so that the list
// is kept up to date instead of shrinking silently.
//
// The exit status is 0 when every mutation was applied and killed, 1 when
// some survived or were stale, 2 on a usage or setup error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

func main() {
	os.Exit(run())
}

func run() int {
	root := flag.String("root", ".", "the module's root directory")
	pattern := flag.String("run", "", "only mutations whose name matches this regular expression")
	list := flag.Bool("list", false, "list the mutations and exit")
	tags := flag.String("tags", "", "build tags for the test runs (say, invariants)")
	timeout := flag.Duration("timeout", 5*time.Minute, "the longest one test run may take; a run still going is a kill (a hang)")
	verbose := flag.Bool("v", false, "print the output of the test runs of survivors")
	testRun := flag.String("testrun", "", "pass -run to go test: only the tests matching it (to see which tests catch a mutation)")
	only := flag.String("pkgs", "", "comma-separated test packages to run instead of each mutation's own")
	check := flag.Bool("check", false, "only check that every mutation's text is found, without running tests")
	flag.Parse()

	re, err := regexp.Compile(*pattern)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mutate: -run: %v\n", err)
		return 2
	}
	var selected []mutation
	for _, m := range mutations {
		if re.MatchString(m.name) {
			selected = append(selected, m)
		}
	}
	if *list {
		for _, m := range selected {
			fmt.Printf("%-42s %s: %s\n", m.name, m.file, m.what)
		}
		return 0
	}
	if len(selected) == 0 {
		fmt.Fprintln(os.Stderr, "mutate: no mutation matches -run")
		return 2
	}

	src, err := filepath.Abs(*root)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mutate: %v\n", err)
		return 2
	}
	if _, err := os.Stat(filepath.Join(src, "go.mod")); err != nil {
		fmt.Fprintf(os.Stderr, "mutate: %s is not a module root: %v\n", src, err)
		return 2
	}
	work, err := os.MkdirTemp("", "dictdb-mutate-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "mutate: %v\n", err)
		return 2
	}
	defer os.RemoveAll(work)
	if err := copyModule(src, work); err != nil {
		fmt.Fprintf(os.Stderr, "mutate: copying the module: %v\n", err)
		return 2
	}

	r := &runner{dir: work, tags: *tags, timeout: *timeout, run: *testRun}
	if *only != "" {
		for i := range selected {
			selected[i].tests = strings.Split(*only, ",")
		}
	}
	// The unmutated tests must pass, or no kill means anything.
	pkgs := map[string]bool{}
	for _, m := range selected {
		for _, p := range m.packages() {
			pkgs[p] = true
		}
	}
	var all []string
	for p := range pkgs {
		all = append(all, p)
	}
	slices.Sort(all)
	if !*check {
		fmt.Printf("baseline: go test -short %s\n", strings.Join(all, " "))
		if res := r.test(all); res.outcome != passed {
			fmt.Fprintf(os.Stderr, "mutate: the unmutated tests do not pass (%s):\n%s\n", res.outcome, res.output)
			return 2
		}
	}

	var killed, survived, stale, broken, elsewhere []string
	start := time.Now()
	for i, m := range selected {
		path := filepath.Join(work, filepath.FromSlash(m.file))
		orig, err := os.ReadFile(path)
		if err != nil {
			fmt.Printf("[%d/%d] %-40s STALE (%v)\n", i+1, len(selected), m.name, err)
			stale = append(stale, m.name)
			continue
		}
		mutated, problem := m.apply(orig)
		if problem != "" {
			fmt.Printf("[%d/%d] %-40s STALE (%s in %s)\n", i+1, len(selected), m.name, problem, m.file)
			stale = append(stale, m.name)
			continue
		}
		if *check {
			fmt.Printf("[%d/%d] %-40s applies\n", i+1, len(selected), m.name)
			continue
		}
		if err := os.WriteFile(path, mutated, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "mutate: %v\n", err)
			return 2
		}
		t0 := time.Now()
		// The package's own tests first: a bug should be reported where it
		// lives. Then the others, for the survivors.
		pkgs := m.packages()
		res := r.test(pkgs[:1])
		own := res.outcome != passed
		if !own && len(pkgs) > 1 {
			res = r.test(pkgs[1:])
		}
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "mutate: restoring %s: %v\n", m.file, err)
			return 2
		}
		took := time.Since(t0).Round(100 * time.Millisecond)
		switch res.outcome {
		case passed:
			survived = append(survived, m.name)
			fmt.Printf("[%d/%d] %-40s SURVIVED (%v)  %s\n", i+1, len(selected), m.name, took, m.what)
			if *verbose {
				fmt.Println(indent(res.output))
			}
		case buildFailed:
			broken = append(broken, m.name)
			fmt.Printf("[%d/%d] %-40s DOES NOT BUILD (%v)\n%s\n", i+1, len(selected), m.name, took, indent(firstLines(res.output, 5)))
		default:
			killed = append(killed, m.name)
			where := "by its own package's tests"
			switch {
			case *only != "":
				where = "by " + *only
			case !own:
				where = "only by other packages' tests"
				elsewhere = append(elsewhere, m.name)
			}
			fmt.Printf("[%d/%d] %-40s killed %s (%v): %s\n", i+1, len(selected), m.name, where, took, res.by)
		}
	}

	applied := len(killed) + len(survived)
	fmt.Printf("\n%d mutations in %v: %d killed, %d survived, %d stale, %d not building\n",
		len(selected), time.Since(start).Round(time.Second), len(killed), len(survived), len(stale), len(broken))
	if applied > 0 {
		fmt.Printf("kill rate: %d/%d = %.1f%%\n", len(killed), applied, 100*float64(len(killed))/float64(applied))
	}
	for _, s := range elsewhere {
		fmt.Printf("killed only outside its package: %s\n", s)
	}
	for _, s := range survived {
		fmt.Printf("survivor: %s\n", s)
	}
	for _, s := range stale {
		fmt.Printf("stale: %s (update its text in internal/tools/mutate)\n", s)
	}
	for _, s := range broken {
		fmt.Printf("not building: %s (fix the mutation)\n", s)
	}
	if len(survived)+len(stale)+len(broken) > 0 {
		return 1
	}
	return 0
}

type outcome string

const (
	passed      outcome = "passed"
	failed      outcome = "failed"
	hung        outcome = "hung"
	buildFailed outcome = "build failed"
)

type result struct {
	outcome outcome
	by      string // what killed it: the first failing test, a panic, a hang
	output  string
}

type runner struct {
	run     string // go test -run, if not empty
	dir     string
	tags    string
	timeout time.Duration
}

// test runs the short tests of pkgs (fuzz targets run their seed corpora).
func (r *runner) test(pkgs []string) result {
	args := []string{"test", "-short", "-count=1", "-failfast", "-timeout", r.timeout.String()}
	if r.tags != "" {
		args = append(args, "-tags", r.tags)
	}
	if r.run != "" {
		args = append(args, "-run", r.run)
	}
	out, err := r.goCmd(append(args, pkgs...)...)
	switch {
	case err == nil:
		return result{outcome: passed, output: out}
	case errors.Is(err, context.DeadlineExceeded):
		return result{outcome: hung, by: "a hang", output: out}
	case strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]"):
		return result{outcome: buildFailed, output: out}
	}
	return result{outcome: failed, by: killer(out), output: out}
}

func (r *runner) goCmd(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), ctx.Err()
	}
	return string(out), err
}

var (
	failRE  = regexp.MustCompile(`(?m)^\s*--- FAIL: (\S+)`)
	panicRE = regexp.MustCompile(`(?m)^panic: (.*)$`)
	pkgRE   = regexp.MustCompile(`(?m)^FAIL[ \t]+(\S+)[ \t]`)
)

// killer names what failed in a test run's output.
func killer(out string) string {
	var parts []string
	if m := failRE.FindAllStringSubmatch(out, -1); len(m) > 0 {
		// The innermost failing test comes first in the output.
		parts = append(parts, m[0][1])
	}
	if m := panicRE.FindStringSubmatch(out); m != nil {
		parts = append(parts, "panic: "+firstLines(m[1], 1))
	}
	if len(parts) == 0 {
		if m := pkgRE.FindStringSubmatch(out); m != nil {
			parts = append(parts, "package "+m[1])
		} else {
			parts = append(parts, "a failing run")
		}
	}
	if m := pkgRE.FindStringSubmatch(out); m != nil && len(parts) > 0 && !strings.HasPrefix(parts[0], "package") {
		parts[0] = strings.TrimPrefix(m[1], "github.com/dictdb-go/dictdb") + " " + parts[0]
	}
	return strings.Join(parts, ", ")
}

// copyModule copies the module at src into dst, leaving out version
// control, nested modules and testdata of nested modules.
func copyModule(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if rel != "." {
				if d.Name() == ".git" {
					return fs.SkipDir
				}
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return fs.SkipDir // a nested module: not ours to test
				}
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// apply returns src with m's edits made, or a description of why they do
// not apply: an edit's text is missing or not unique.
func (m mutation) apply(src []byte) ([]byte, string) {
	out := string(src)
	for j, e := range m.edits {
		if n := strings.Count(out, e.old); n != 1 {
			return nil, fmt.Sprintf("the text of edit %d occurs %d times", j+1, n)
		}
		out = strings.Replace(out, e.old, e.new, 1)
	}
	return []byte(out), ""
}
