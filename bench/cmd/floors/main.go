// Command floors measures dictdb against its own floors, the ratios of
// issue-free targets that have no peer to compare with: loads against
// InsertMany, JSON against binary, the peak heap of a load against the heap
// it retains, grouped aggregations against a filtered scan, and the CLI's
// tables and schema commands against a full load of the same file.
//
//	go run ./cmd/floors              # full sizes: 1e6 rows for loads and the CLI, 1e5 for aggregations
//	go run ./cmd/floors -quick       # sizes / 10
//	go run ./cmd/floors -only loads,agg,cli
//
// Each figure is the median of -reps runs; each ratio is taken within one
// run of this command.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/bench"
	"github.com/dictdb-go/dictdb/cond"
)

var (
	only   = flag.String("only", "", "comma-separated parts to run (loads, agg, cli); empty: all")
	quick  = flag.Bool("quick", false, "divide the sizes by 10")
	reps   = flag.Int("reps", 3, "repetitions per measurement (median reported)")
	prof   = flag.String("cpuprofile", "", "write a CPU profile of the whole run to `FILE`")
	mkfile = flag.String("mkfile", "", "internal: write the cli part's `FILE` of -rows rows and exit")
	mkrows = flag.Int("rows", 0, "internal: rows of -mkfile")
	cli    = flag.String("dictdb", "", "path of a built dictdb command for the cli part (default: go build ../cmd/dictdb)")
)

func main() {
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			panic(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			panic(err)
		}
		defer pprof.StopCPUProfile()
	}
	if *mkfile != "" {
		db, _ := bench.PeopleDB(bench.PeopleRecords(bench.People(1, *mkrows), true), false)
		if err := db.Save(*mkfile, dictdb.Binary); err != nil {
			panic(err)
		}
		return
	}
	want := func(p string) bool { return *only == "" || slices.Contains(strings.Split(*only, ","), p) }
	div := 1
	if *quick {
		div = 10
	}
	fmt.Println("| measure | value | target |")
	fmt.Println("|---|---|---|")
	if want("cli") {
		cliPart(1_000_000 / div) // first: this process is still small
	}
	if want("loads") {
		loads(1_000_000 / div)
	}
	if want("agg") {
		aggs(100_000 / div)
	}
}

func median(f func() time.Duration) time.Duration {
	ds := make([]time.Duration, *reps)
	for i := range ds {
		ds[i] = f()
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func row(name string, v any, target string) { fmt.Printf("| %s | %v | %s |\n", name, v, target) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mb(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

func ratio(a, b float64) string { return fmt.Sprintf("%.2f", a/b) }

func loads(n int) {
	recs := bench.PeopleRecords(bench.People(1, n), false)
	insert := median(func() time.Duration { _, d := bench.InsertManyTime(recs); return d })
	db, _ := bench.PeopleDB(recs, false)
	var bin, js []byte
	saveBin := median(func() time.Duration { b, d := bench.SaveBytes(db, dictdb.Binary); bin = b; return d })
	saveJSON := median(func() time.Duration { b, d := bench.SaveBytes(db, dictdb.JSON); js = b; return d })
	db = nil
	loadBin := median(func() time.Duration { _, d := bench.LoadBytes(bin, dictdb.Binary); return d })
	loadJSON := median(func() time.Duration { _, d := bench.LoadBytes(js, dictdb.JSON); return d })
	row(fmt.Sprintf("InsertMany, %d rows, age index", n), ms(insert), "")
	row("binary Load", ms(loadBin), "")
	row("binary Load / InsertMany", ratio(float64(loadBin), float64(insert)), "<= 1.2")
	row("JSON Load", ms(loadJSON), "")
	row("JSON Load / binary Load", ratio(float64(loadJSON), float64(loadBin)), "<= 2")
	row("binary Save", ms(saveBin), "")
	row("JSON Save", ms(saveJSON), "")
	row("JSON Save / binary Save", ratio(float64(saveJSON), float64(saveBin)), "<= 1.5")
	for _, c := range []struct {
		name string
		b    []byte
		f    dictdb.Format
	}{{"binary", bin, dictdb.Binary}, {"JSON", js, dictdb.JSON}} {
		peak, kept, live := bench.HeapPeak(func() any { d, _ := bench.LoadBytes(c.b, c.f); return d })
		row(c.name+" file size", mb(uint64(len(c.b))), "")
		row(c.name+" Load: peak heap / retained heap", fmt.Sprintf("%s / %s = %s", mb(peak), mb(kept), ratio(float64(peak), float64(kept))), "<= 2.5")
		row(c.name+" Load: peak live heap / retained heap", fmt.Sprintf("%s / %s = %s", mb(live), mb(kept), ratio(float64(live), float64(kept))), "")
	}
}

func aggs(n int) {
	recs := bench.PeopleRecords(bench.People(1, n), true)
	scanQ := dictdb.Query{Where: cond.And(cond.Field("age").Gte(bench.ScanAge), cond.Field("name").EndsWith(bench.ScanSuffix))}
	aggQ := dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("n"), dictdb.Avg("avg_age", "age")}, GroupBy: []string{"city"}}
	countQ := dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("n")}, GroupBy: []string{"city"}}
	// The floor is (f) as a full scan: the same rows in a table with no
	// index, as in cmd/compare's (f). With the age index, (f) reads only
	// the rows of the age range; that figure is shown too.
	plain, err := dictdb.New().CreateTable("people")
	if err != nil {
		panic(err)
	}
	must(plain.InsertMany(recs))
	for _, indexed := range []bool{false, true} {
		_, t := bench.PeopleDB(recs, indexed)
		fs := []func(){
			func() { must(plain.Rows(scanQ)) },
			func() { must(t.Aggregate(aggQ)) },
			func() { must(t.Aggregate(countQ)) },
			func() { must(t.Rows(scanQ)) },
		}
		d := interleaved(fs)
		what := "city not indexed"
		if indexed {
			what = "city hash-indexed"
		}
		row(fmt.Sprintf("scan (f), %d rows, full scan (no index)", n), ms(d[0]), "")
		row(fmt.Sprintf("scan (f), %d rows, through the age index (%s)", n, what), ms(d[3]), "")
		row(fmt.Sprintf("Aggregate Count+Avg(age) by city (%s)", what), ms(d[1]), "")
		row(fmt.Sprintf("Aggregate Count+Avg(age) by city (%s) / full scan (f)", what), ratio(float64(d[1]), float64(d[0])), "<= 2")
		row(fmt.Sprintf("Aggregate Count by city (%s) / full scan (f)", what), ratio(float64(d[2]), float64(d[0])), "")
	}
}

func must[T any](_ T, err error) {
	if err != nil {
		panic(err)
	}
}

// interleaved times each f in turn for 100ms, 2*reps+1 rounds, and returns
// each one's median time per call: alternating keeps the machine's load
// changes out of the ratios.
func interleaved(fs []func()) []time.Duration {
	per := make([][]time.Duration, len(fs))
	for range 2**reps + 1 {
		for i, f := range fs {
			bench.GC()
			start := time.Now()
			k := 0
			for time.Since(start) < 100*time.Millisecond {
				f()
				k++
			}
			per[i] = append(per[i], time.Since(start)/time.Duration(k))
		}
	}
	out := make([]time.Duration, len(fs))
	for i, ds := range per {
		slices.Sort(ds)
		out[i] = ds[len(ds)/2]
	}
	return out
}

func cliPart(n int) {
	dir, err := os.MkdirTemp("", "floors")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	bin := *cli
	if bin == "" {
		bin = filepath.Join(dir, "dictdb")
		build := exec.Command("go", "build", "-o", bin, "./cmd/dictdb")
		build.Dir = ".." // the library module, from bench
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			panic(err)
		}
	}
	// A child process writes the file: a process's children report at
	// least its own peak RSS (they start as a copy of it), so this one
	// must stay small.
	file := filepath.Join(dir, "people.bin")
	self, err := os.Executable()
	if err != nil {
		panic(err)
	}
	mk := exec.Command(self, "-mkfile", file, "-rows", fmt.Sprint(n))
	mk.Stderr = os.Stderr
	if err := mk.Run(); err != nil {
		panic(err)
	}
	run := func(args ...string) (time.Duration, uint64) {
		var rss []uint64
		d := median(func() time.Duration {
			cmd := exec.Command(bin, args...)
			cmd.Stdout, cmd.Stderr = nil, os.Stderr
			start := time.Now()
			if err := cmd.Run(); err != nil {
				panic(fmt.Sprint(args, err))
			}
			d := time.Since(start)
			rss = append(rss, uint64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)<<10)
			return d
		})
		slices.Sort(rss)
		return d, rss[len(rss)/2]
	}
	fullT, fullM := run("count", file, "people")
	tabT, tabM := run("tables", file)
	schT, schM := run("schema", file, "people")
	st, _ := os.Stat(file)
	row(fmt.Sprintf("dictdb count (full load), %d rows, %s file", n, mb(uint64(st.Size()))), ms(fullT)+", "+mb(fullM)+" max RSS", "")
	row("dictdb tables", ms(tabT)+", "+mb(tabM)+" max RSS", "")
	row("dictdb tables / full load: time, memory", ratio(float64(tabT), float64(fullT))+", "+ratio(float64(tabM), float64(fullM)), "<= 0.05, <= 0.05")
	row("dictdb schema", ms(schT)+", "+mb(schM)+" max RSS", "")
	row("dictdb schema / full load: time, memory", ratio(float64(schT), float64(fullT))+", "+ratio(float64(schM), float64(fullM)), "<= 0.05, <= 0.05")
}
