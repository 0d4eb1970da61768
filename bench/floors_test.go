package bench

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/dictdb-go/dictdb"
)

// BenchmarkFloorsSave saves the people fixture of cmd/floors in each
// format.
func BenchmarkFloorsSave(b *testing.B) {
	db, _ := PeopleDB(PeopleRecords(People(1, 100_000), false), false)
	for _, f := range []dictdb.Format{dictdb.Binary, dictdb.JSON} {
		b.Run(f.String(), func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf = bytes.Buffer{}
				if err := db.SaveTo(&buf, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "file-bytes")
		})
	}
}

// BenchmarkFloorsLoad loads the people fixture of cmd/floors from each
// format.
func BenchmarkFloorsLoad(b *testing.B) {
	db, _ := PeopleDB(PeopleRecords(People(1, 100_000), false), false)
	for _, f := range []dictdb.Format{dictdb.Binary, dictdb.JSON} {
		var buf bytes.Buffer
		must(db.SaveTo(&buf, f))
		b.Run(fmt.Sprint(f), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				if _, err := dictdb.LoadFrom(bytes.NewReader(buf.Bytes()), f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFloorsAggregate runs cmd/floors' grouped aggregation, Count and
// Avg by city, beside the filtered scan (f), with city unindexed and
// hash-indexed.
func BenchmarkFloorsAggregate(b *testing.B) {
	recs := PeopleRecords(People(1, 100_000), true)
	q := dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("n"), dictdb.Avg("avg_age", "age")}, GroupBy: []string{"city"}}
	for _, indexed := range []bool{false, true} {
		_, t := PeopleDB(recs, indexed)
		b.Run(fmt.Sprintf("indexed=%v", indexed), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := t.Aggregate(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
