package tbl

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/idx"
)

// benchAggTable returns a table of n rows spread over groups departments,
// with a sorted index on age if indexed.
func benchAggTable(b *testing.B, n, groups int, indexed bool) *Table {
	b.Helper()
	recs := make([]aggRec, n)
	for i := range recs {
		recs[i] = aggRec{
			"name":   fmt.Sprintf("user%d", i),
			"dept":   fmt.Sprintf("dept%02d", (i*7919)%groups),
			"salary": int64(30000 + (i*104729)%90000),
			"age":    int64(18 + (i*31)%60),
		}
	}
	tb := aggTable(b, "id", recs...)
	if indexed {
		var err error
		if tb, err = tb.CreateIndex(IndexDef{Field: "age", Kind: idx.Sorted}); err != nil {
			b.Fatal(err)
		}
	}
	return tb
}

// handGroupBy is the loop a user would write by hand for groupByQuery.
func handGroupBy(tb *Table) []map[string]any {
	type group struct {
		n, total, oldest int64
	}
	groups := map[string]*group{}
	for _, r := range tb.All() {
		dept, _ := r.Get("dept")
		d := dept.(string)
		g := groups[d]
		if g == nil {
			g = &group{}
			groups[d] = g
		}
		g.n++
		salary, _ := r.Get("salary")
		age, _ := r.Get("age")
		g.total += salary.(int64)
		g.oldest = max(g.oldest, age.(int64))
	}
	rows := make([]map[string]any, 0, len(groups))
	for d, g := range groups {
		rows = append(rows, map[string]any{"dept": d, "n": g.n, "total": g.total,
			"avg": float64(g.total) / float64(g.n), "oldest": g.oldest})
	}
	slices.SortFunc(rows, func(a, b map[string]any) int { return strings.Compare(a["dept"].(string), b["dept"].(string)) })
	return rows
}

var groupByQuery = AggQuery{
	Aggs:    aggs(cnt("n"), sumOf("total", "salary"), avgOf("avg", "salary"), maxOf("oldest", "age")),
	GroupBy: fields("dept"),
}

// BenchmarkAggregateGroupBy compares a grouped Count/Sum/Avg/Max over 1e5
// rows and 50 groups with the loop a user would write by hand over the same
// rows (handGroupBy). The budget is 1.5x; Ratio measures it on a busy
// machine by alternating the two and reporting the median ratio of adjacent
// runs (x-median) and the ratio of the total times (x-total).
func BenchmarkAggregateGroupBy(b *testing.B) {
	tb := benchAggTable(b, 100_000, 50, false)
	if got, want := handGroupBy(tb), mustAggregate(b, tb, groupByQuery); !reflect.DeepEqual(got, want) {
		b.Fatalf("the hand-written loop computes\n%v\nbut Aggregate\n%v", got, want)
	}
	b.Run("Aggregate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			mustAggregate(b, tb, groupByQuery)
		}
	})
	b.Run("HandWritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			handGroupBy(tb)
		}
	})
	b.Run("Ratio", func(b *testing.B) {
		var aggTotal, handTotal time.Duration
		var ratios []float64
		timed := func(f func()) time.Duration {
			start := time.Now()
			f()
			return time.Since(start)
		}
		agg := func() { mustAggregate(b, tb, groupByQuery) }
		hand := func() { handGroupBy(tb) }
		for i := 0; b.Loop(); i++ {
			var a, h time.Duration
			if i%2 == 0 { // alternate which runs first
				a, h = timed(agg), timed(hand)
			} else {
				h, a = timed(hand), timed(agg)
			}
			aggTotal += a
			handTotal += h
			ratios = append(ratios, float64(a)/float64(h))
		}
		slices.Sort(ratios)
		b.ReportMetric(ratios[len(ratios)/2], "x-median")
		b.ReportMetric(float64(aggTotal)/float64(handTotal), "x-total")
	})
	q2 := AggQuery{Aggs: aggs(cnt("n"), sumOf("total", "salary")), GroupBy: fields("dept", "age")}
	b.Run("TwoFields", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			mustAggregate(b, tb, q2)
		}
	})
}

func mustAggregate(b *testing.B, tb *Table, q AggQuery) []map[string]any {
	rows, err := tb.Aggregate(q)
	if err != nil {
		b.Fatal(err)
	}
	return rows
}

// BenchmarkAggregateCount shows that Count() without Where costs the same
// at 1e3 and 1e5 rows.
func BenchmarkAggregateCount(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		tb := benchAggTable(b, n, 50, false)
		q := AggQuery{Aggs: aggs(cnt("n"))}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tb.Aggregate(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAggregateMinMax compares Min and Max of a sorted-indexed field
// and of the primary key (read from the index ends) with a full scan.
func BenchmarkAggregateMinMax(b *testing.B) {
	tb := benchAggTable(b, 100_000, 50, true)
	for _, c := range []struct {
		name  string
		field string
	}{{"Indexed", "age"}, {"PrimaryKey", "id"}, {"FullScan", "salary"}} {
		q := AggQuery{Aggs: aggs(minOf("lo", c.field), maxOf("hi", c.field))}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tb.Aggregate(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
