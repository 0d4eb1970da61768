package main

import (
	"fmt"
	"io"

	"github.com/dictdb-go/dictdb/bench"
)

// runJ measures (j): the commits per second of one writer, then of two
// writers on two tables of one database, for each engine of
// bench.Pairers. The value is the two writers' rate; the ratio to one
// writer is the target.
func runJ(sz bench.Sizes) *result {
	ps := bench.People(1, sz.Writers)
	r := &result{Workload: "j", Unit: "commits/s", Values: map[string]float64{}}
	for _, e := range bench.Pairers() {
		var ones, twos []float64
		for range *reps {
			ones = append(ones, bench.ParallelInserts(e, 1, ps))
			bench.GC()
			twos = append(twos, bench.ParallelInserts(e, 2, ps))
			bench.GC()
		}
		name := e.Name()
		r.Values[name] = median(twos)
		r.extra(name+"_1_writer", median(ones))
		logf("j %s 1 writer %.0f, 2 writers %.0f commits/s", name, median(ones), median(twos))
	}
	return r
}

// printJ prints (j)'s detail: both rates and the speed-up per engine.
func printJ(w io.Writer, r *result) {
	fmt.Fprint(w, "\n(j) detail: commits/s of one writer, then of two writers inserting into two tables of one database.\n\n")
	fmt.Fprint(w, "| engine | 1 writer | 2 writers | speed-up |\n|---|---:|---:|---:|\n")
	for _, e := range bench.Pairers() {
		n := e.Name()
		one, _ := r.get(n + "_1_writer")
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %.2fx |\n", n, one, r.Values[n], r.Values[n]/one)
	}
}
