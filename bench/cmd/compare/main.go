// Command compare runs dictdb and its peers on the workloads of package
// bench and prints a markdown table (or, with -json, a JSON array) of each
// engine's time per operation, dictdb's ratio to each peer and the targets.
//
//	go run ./cmd/compare                 # full sizes, 3 repetitions (a few minutes)
//	go run ./cmd/compare -quick          # sizes / 10, 1 repetition
//	go run ./cmd/compare -only a,c,g     # some workloads
//	go run ./cmd/compare -json
//
// Load workloads (a, b, b2) report the median of the repetitions, each on a
// fresh store; read workloads (c-f, i) report the median of repetitions of
// a hand-timed loop that runs for at least -benchtime.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dictdb-go/dictdb/bench"
)

var (
	only      = flag.String("only", "", "comma-separated workloads to run (a,b,b2,c,d,e,eo,f,g,h,i,j); empty: all")
	quick     = flag.Bool("quick", false, "divide the sizes by 10, one repetition, shorter loops")
	asJSON    = flag.Bool("json", false, "print the JSON array instead of the markdown table")
	reps      = flag.Int("reps", 3, "repetitions per measurement (median reported)")
	benchtime = flag.Duration("benchtime", time.Second, "minimum duration of one timed read loop")
	verbose   = flag.Bool("v", false, "log progress and dictdb's query plans to stderr")
)

// All workloads in order.
var workloads = []string{"a", "b", "b2", "c", "d", "e", "eo", "f", "g", "h", "i", "j"}

// A result is one workload's figures.
type result struct {
	Workload string
	Unit     string
	Values   map[string]float64 // by engine
	Extra    []kv               // extra JSON fields, in order
}

type kv struct {
	K string
	V float64
}

func (r *result) extra(k string, v float64) { r.Extra = append(r.Extra, kv{k, v}) }

func (r *result) get(k string) (float64, bool) {
	for _, e := range r.Extra {
		if e.K == k {
			return e.V, true
		}
	}
	return 0, false
}

// MarshalJSON writes {"workload", "unit", "dictdb", extras..., "peers"} in
// this order.
func (r result) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"workload":`)
	writeJSON(&b, r.Workload)
	b.WriteString(`,"unit":`)
	writeJSON(&b, r.Unit)
	b.WriteString(`,"dictdb":`)
	writeJSON(&b, round(r.Values["dictdb"]))
	for _, e := range r.Extra {
		b.WriteByte(',')
		writeJSON(&b, e.K)
		b.WriteByte(':')
		writeJSON(&b, round(e.V))
	}
	b.WriteString(`,"peers":{`)
	first := true
	for _, name := range peers() {
		v, ok := r.Values[name]
		if !ok {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeJSON(&b, name)
		b.WriteByte(':')
		writeJSON(&b, round(v))
	}
	b.WriteString("}}")
	return b.Bytes(), nil
}

func writeJSON(w io.Writer, v any) {
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	_, _ = w.Write(out)
}

func round(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 1, 64), 64)
	return f
}

func peers() []string { return bench.EngineNames()[1:] }

func main() {
	flag.Parse()
	sizes := bench.FullSizes
	if *quick {
		sizes = sizes.Div(10)
		if !flagSet("reps") {
			*reps = 1
		}
		if !flagSet("benchtime") {
			*benchtime = 200 * time.Millisecond
		}
	}
	want := map[string]bool{}
	for _, w := range strings.Split(*only, ",") {
		if w = strings.TrimSpace(strings.ToLower(w)); w != "" {
			if !slices.Contains(workloads, w) {
				fmt.Fprintf(os.Stderr, "compare: unknown workload %q (want some of %s)\n", w, strings.Join(workloads, ","))
				os.Exit(2)
			}
			want[w] = true
		}
	}
	run := func(w string) bool { return len(want) == 0 || want[w] }

	start := time.Now()
	load := loadAvg()
	var results []*result
	add := func(rs ...*result) {
		for _, r := range rs {
			if r != nil && run(r.Workload) {
				results = append(results, r)
			}
		}
	}
	if run("a") {
		add(runA(sizes))
	}
	if run("b") || run("b2") {
		add(runB(sizes, run("b2"))...)
	}
	if run("c") || run("d") || run("e") || run("eo") {
		add(runReads(sizes)...)
	}
	if run("f") {
		add(runF(sizes))
	}
	if run("g") {
		add(runG(sizes))
	}
	if run("h") {
		add(runH(sizes))
	}
	if run("i") {
		add(runI(sizes))
	}
	if run("j") {
		add(runJ(sizes))
	}
	elapsed := time.Since(start)
	load += "; at the end: " + loadAvg()

	if *asJSON {
		out, err := json.MarshalIndent(results, "", "  ")
		if err != nil {
			panic(err)
		}
		fmt.Println(string(out))
		return
	}
	printMarkdown(os.Stdout, results, sizes, load, elapsed)
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func logf(format string, args ...any) {
	if *verbose {
		fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// perOp times op(n) for at least *benchtime, growing n as testing does,
// and returns ns per operation.
func perOp(op func(n int)) float64 {
	n := 1
	for {
		start := time.Now()
		op(n)
		d := time.Since(start)
		if d >= *benchtime || n >= 1<<30 {
			return float64(d.Nanoseconds()) / float64(n)
		}
		next := n * 100
		if d > 0 {
			next = int(float64(n) * 1.2 * float64(*benchtime) / float64(d))
		}
		n = min(max(next, n+1), n*100)
	}
}

// repeat returns the median of *reps calls of f.
func repeat(f func() float64) float64 {
	xs := make([]float64, *reps)
	for i := range xs {
		xs[i] = f()
	}
	return median(xs)
}

func nsPer(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }

func runA(sz bench.Sizes) *result {
	ps := bench.People(1, sz.Insert)
	r := &result{Workload: "a", Unit: "ns/record", Values: map[string]float64{}}
	for _, e := range bench.Engines() {
		r.Values[e.Name()] = repeat(func() float64 { return nsPer(bench.InsertEach(e, ps), len(ps)) })
		logf("a %s %.1f ns/record", e.Name(), r.Values[e.Name()])
	}
	return r
}

// runB times (b) and, on each loaded store, (b2).
func runB(sz bench.Sizes, withB2 bool) []*result {
	ps := bench.People(1, sz.Bulk)
	more := bench.People(int64(sz.Bulk)+1, sz.Extra)
	b := &result{Workload: "b", Unit: "ns/record", Values: map[string]float64{}}
	b2 := &result{Workload: "b2", Unit: "ns/record", Values: map[string]float64{}}
	for _, e := range bench.Engines() {
		var tb, tb2 []float64
		for range *reps {
			s, d := bench.BulkLoad(e, bench.AgeIndex, ps)
			tb = append(tb, nsPer(d, len(ps)))
			if withB2 {
				tb2 = append(tb2, nsPer(bench.BulkMore(s, more), len(more)))
			}
			s.Close()
			bench.GC()
		}
		b.Values[e.Name()] = median(tb)
		logf("b %s %.1f ns/record", e.Name(), b.Values[e.Name()])
		if withB2 {
			b2.Values[e.Name()] = median(tb2)
			logf("b2 %s %.1f ns/record", e.Name(), b2.Values[e.Name()])
		}
	}
	if !withB2 {
		return []*result{b}
	}
	return []*result{b, b2}
}

// runReads times (c), (d) and (e) on one fixture per engine (PK + sorted
// age index), built and collected before timing.
func runReads(sz bench.Sizes) []*result {
	ps := bench.People(1, sz.Read)
	ids := bench.RandomIDs(1<<16, len(ps))
	c := &result{Workload: "c", Unit: "ns/op", Values: map[string]float64{}}
	d := &result{Workload: "d", Unit: "ns/op", Values: map[string]float64{}}
	e := &result{Workload: "e", Unit: "ns/op", Values: map[string]float64{}}
	eo := &result{Workload: "eo", Unit: "ns/op", Values: map[string]float64{}}
	for _, eng := range bench.Engines() {
		s := bench.Loaded(eng, bench.AgeIndex, ps)
		if x, ok := s.(interface{ Explain() string }); ok {
			logf("dictdb plans:\n%s", x.Explain())
		}
		keys := bench.Keys(s, ids)
		bench.GC()
		c.Values[eng.Name()] = repeat(func() float64 { return perOp(func(n int) { bench.GetLoop(s, keys, n) }) })
		d.Values[eng.Name()] = repeat(func() float64 { return perOp(func(n int) { loop(n, s.Eq) }) })
		e.Values[eng.Name()] = repeat(func() float64 { return perOp(func(n int) { loop(n, s.Range) }) })
		if o, ok := s.(bench.OrderedRanger); ok {
			eo.Values[eng.Name()] = repeat(func() float64 { return perOp(func(n int) { loop(n, o.RangeOrdered) }) })
		}
		logf("c/d/e %s %.1f %.1f %.1f ns/op", eng.Name(), c.Values[eng.Name()], d.Values[eng.Name()], e.Values[eng.Name()])
		s.Close()
		bench.GC()
	}
	return []*result{c, d, e, eo}
}

func loop(n int, op func() int) {
	for range n {
		op()
	}
}

// runF times (f) on fixtures with the primary key only.
func runF(sz bench.Sizes) *result {
	ps := bench.People(1, sz.Read)
	r := &result{Workload: "f", Unit: "ns/op", Values: map[string]float64{}}
	for _, eng := range bench.Engines() {
		s := bench.Loaded(eng, bench.NoIndex, ps)
		bench.GC()
		r.Values[eng.Name()] = repeat(func() float64 { return perOp(func(n int) { loop(n, s.Scan) }) })
		logf("f %s %.1f ns/op", eng.Name(), r.Values[eng.Name()])
		s.Close()
		bench.GC()
	}
	return r
}

// runG times primary-key reads idle, then while a writer commits
// single-row updates back to back, on the (c) fixture.
func runG(sz bench.Sizes) *result {
	ps := bench.People(1, sz.Read)
	ids := bench.RandomIDs(1<<16, len(ps))
	r := &result{Workload: "g", Unit: "ns/op", Values: map[string]float64{}}
	idle := map[string]float64{}
	cps := map[string]float64{}
	for _, eng := range bench.Engines() {
		s := bench.Loaded(eng, bench.AgeIndex, ps)
		keys := bench.Keys(s, ids)
		w := bench.NewWriter(s, ps)
		bench.GC()
		var busy, rates, idles []float64
		for range *reps {
			idles = append(idles, perOp(func(n int) { bench.GetLoop(s, keys, n) }))
			ns, rate := bench.ReadUnderWrite(s, keys, w, *benchtime)
			busy, rates = append(busy, ns), append(rates, rate)
		}
		name := eng.Name()
		r.Values[name], idle[name], cps[name] = median(busy), median(idles), median(rates)
		logf("g %s idle %.1f busy %.1f ns/op, %.0f commits/s", name, idle[name], r.Values[name], cps[name])
		s.Close()
		bench.GC()
	}
	r.extra("dictdb_idle", idle["dictdb"])
	r.extra("dictdb_commits_per_s", cps["dictdb"])
	r.extra("go-memdb_commits_per_s", cps["go-memdb"])
	for _, p := range peers() {
		r.extra(p+"_idle", idle[p])
		if p != "go-memdb" {
			r.extra(p+"_commits_per_s", cps[p])
		}
	}
	return r
}

func runH(sz bench.Sizes) *result {
	ps := bench.People(1, sz.Heap)
	r := &result{Workload: "h", Unit: "bytes", Values: map[string]float64{}}
	for _, eng := range bench.Engines() {
		r.Values[eng.Name()] = float64(bench.RetainedHeap(eng, ps))
		logf("h %s %.0f bytes", eng.Name(), r.Values[eng.Name()])
		bench.GC()
	}
	return r
}

func runI(sz bench.Sizes) *result {
	r := &result{Workload: "i", Unit: "ns/op", Values: map[string]float64{}}
	var lo, hi float64
	for _, n := range []int{sz.SnapLo, sz.SnapHi} {
		s := bench.Loaded(bench.DictDB{}, bench.AgeIndex, bench.People(1, n))
		bench.GC()
		v := repeat(func() float64 { return perOp(func(k int) { bench.SnapshotLoop(s.(bench.Snapshotter), k) }) })
		logf("i dictdb rows=%d %.1f ns/op", n, v)
		if n == sz.SnapLo {
			lo = v
		} else {
			hi = v
		}
		s.Close()
		bench.GC()
	}
	r.Values["dictdb"] = hi
	r.extra("dictdb_1e3", lo)
	r.extra("dictdb_1e6", hi)
	return r
}

// A target is dictdb's limit for a workload: its ratio to go-memdb.
var targets = map[string]float64{"a": 0.25, "b": 0.5, "b2": 0.5, "c": 0.35, "d": 0.35, "e": 0.35, "eo": 0.2, "f": 1.0, "h": 0.25}

// immTargets are dictdb's limits as a ratio to the immutable engine, the
// floor of the design, where a workload has one.
var immTargets = map[string]float64{"a": 1.3, "b": 1.2, "eo": 1.2, "h": 1.0}

func fmtNum(v float64, unit string) string {
	switch {
	case unit == "commits/s":
		return fmt.Sprintf("%.0f", v)
	case unit == "bytes":
		return fmt.Sprintf("%.1f MB", v/1e6)
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1f µs", v/1e3)
	default:
		return fmt.Sprintf("%.1f ns", v)
	}
}

func passMiss(ok bool) string {
	if ok {
		return "**pass**"
	}
	return "**miss**"
}

func printMarkdown(w io.Writer, rs []*result, sz bench.Sizes, load string, elapsed time.Duration) {
	names := bench.EngineNames()
	fmt.Fprintf(w, "Sizes: (a) %d single-row inserts; (b) %d rows in one batch; (b2) %d more rows in one batch; (c)-(g) %d rows; (h) %d rows; (i) %d and %d rows.\n",
		sz.Insert, sz.Bulk, sz.Extra, sz.Read, sz.Heap, sz.SnapLo, sz.SnapHi)
	fmt.Fprintf(w, "Repetitions: %d (median), read loops >= %v. Load average (1, 5, 15 min) at start: %s. Total time: %.0f s.\n\n", *reps, *benchtime, load, elapsed.Seconds())
	fmt.Fprintf(w, "| workload | unit |")
	for _, n := range names {
		fmt.Fprintf(w, " %s |", n)
	}
	for _, p := range names[1:] {
		fmt.Fprintf(w, " dictdb / %s |", p)
	}
	fmt.Fprintf(w, " target | result |\n|---|---|")
	for range len(names)*2 - 1 {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprint(w, "---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %s |", r.Workload, r.Unit)
		for _, n := range names {
			if v, ok := r.Values[n]; ok {
				fmt.Fprintf(w, " %s |", fmtNum(v, r.Unit))
			} else {
				fmt.Fprint(w, " - |")
			}
		}
		d := r.Values["dictdb"]
		for _, p := range names[1:] {
			if v, ok := r.Values[p]; ok && v > 0 {
				fmt.Fprintf(w, " %.2f |", d/v)
			} else {
				fmt.Fprint(w, " - |")
			}
		}
		switch r.Workload {
		case "g":
			idle, _ := r.get("dictdb_idle")
			mine, _ := r.get("dictdb_commits_per_s")
			theirs, _ := r.get("go-memdb_commits_per_s")
			slow, wr := d/idle, mine/theirs
			fmt.Fprintf(w, " reader <= 2x idle; commits/s >= 3x go-memdb | reader %.2fx idle %s; commits %.2fx go-memdb %s |\n",
				slow, passMiss(slow <= 2), wr, passMiss(wr >= 3))
		case "j":
			one, _ := r.get("dictdb_1_writer")
			x := d / one
			fmt.Fprintf(w, " 2 writers >= 1.6x 1 writer | %.2fx %s |\n", x, passMiss(x >= 1.6))
		case "i":
			lo, _ := r.get("dictdb_1e3")
			hi, _ := r.get("dictdb_1e6")
			fmt.Fprintf(w, " 1e6 <= 1.2x 1e3 | %s: %.1f ns at 1e3, %.1f ns at 1e6, %.2fx %s |\n", "dictdb", lo, hi, hi/lo, passMiss(hi <= 1.2*lo))
		default:
			t := targets[r.Workload]
			ratio := d / r.Values["go-memdb"]
			target := fmt.Sprintf("<= %.2f of go-memdb", t)
			res := fmt.Sprintf("%.2f %s", ratio, passMiss(ratio <= t))
			if it, ok := immTargets[r.Workload]; ok && r.Values["immutable"] > 0 {
				ri := d / r.Values["immutable"]
				target += fmt.Sprintf(", <= %.2f of immutable", it)
				res += fmt.Sprintf("; %.2f of immutable %s", ri, passMiss(ri <= it))
			}
			fmt.Fprintf(w, " %s | %s |\n", target, res)
		}
	}
	for _, r := range rs {
		if r.Workload != "g" {
			continue
		}
		fmt.Fprint(w, "\n(g) detail: primary-key reads idle and while one goroutine commits single-row updates back to back.\n\n")
		fmt.Fprint(w, "| engine | reader idle | reader under writer | slowdown | writer commits/s |\n|---|---:|---:|---:|---:|\n")
		for _, n := range names {
			idle, _ := r.get(n + "_idle")
			cps, _ := r.get(n + "_commits_per_s")
			fmt.Fprintf(w, "| %s | %.1f ns | %.1f ns | %.2fx | %.0f |\n", n, idle, r.Values[n], r.Values[n]/idle, cps)
		}
	}
	for _, r := range rs {
		if r.Workload == "j" {
			printJ(w, r)
		}
	}
	fmt.Fprintf(w, "\nGo %s, GOMAXPROCS=%d.\n", runtime.Version(), runtime.GOMAXPROCS(0))
}
