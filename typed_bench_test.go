package dictdb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// benchPerson is the record of the typed-versus-map benchmarks; benchRecord
// is the same record as a map.
type benchPerson struct {
	ID    int64   `dictdb:"id,pk"`
	Name  string  `dictdb:"name"`
	Email string  `dictdb:"email"`
	Age   int     `dictdb:"age"`
	Score float64 `dictdb:"score"`
	Admin bool    `dictdb:"admin"`
}

func benchPeople(n int) []benchPerson {
	out := make([]benchPerson, n)
	for i := range out {
		out[i] = benchPerson{ID: int64(i + 1), Name: fmt.Sprintf("user%d", i), Email: fmt.Sprintf("u%d@example.com", i),
			Age: 18 + i%60, Score: float64(i%1000) / 10, Admin: i%10 == 0}
	}
	return out
}

// benchPeopleAndRecords returns n people and the same people as records.
func benchPeopleAndRecords(n int) ([]benchPerson, []dictdb.Record) {
	people := benchPeople(n)
	recs := make([]dictdb.Record, n)
	for i, p := range people {
		recs[i] = benchPersonRecord(p)
	}
	return people, recs
}

func benchPersonRecord(p benchPerson) dictdb.Record {
	return dictdb.Record{"id": p.ID, "name": p.Name, "email": p.Email, "age": int64(p.Age), "score": p.Score, "admin": p.Admin}
}

// BenchmarkTypedVsMap compares the typed layer with the map API on the same
// records: Insert, Get, and a Select of 2,000 rows.
func BenchmarkTypedVsMap(b *testing.B) {
	const n = 10000
	people, recs := benchPeopleAndRecords(n)
	b.Run("Insert/map", func(b *testing.B) {
		b.ReportAllocs()
		tb, _ := dictdb.New().CreateTable("p")
		for i := 0; b.Loop(); i++ {
			if i%n == 0 {
				tb.Delete(nil)
			}
			if _, err := tb.Insert(recs[i%n]); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The map API with the map built from the application's data for each
	// insert, as a program holding its data in structs does.
	b.Run("Insert/map-built", func(b *testing.B) {
		b.ReportAllocs()
		tb, _ := dictdb.New().CreateTable("p")
		for i := 0; b.Loop(); i++ {
			if i%n == 0 {
				tb.Delete(nil)
			}
			if _, err := tb.Insert(benchPersonRecord(people[i%n])); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Insert/typed", func(b *testing.B) {
		b.ReportAllocs()
		tt, _ := dictdb.CreateTableOf[benchPerson](dictdb.New(), "p")
		for i := 0; b.Loop(); i++ {
			if i%n == 0 {
				tt.DeleteWhere(nil)
			}
			if _, err := tt.Insert(people[i%n]); err != nil {
				b.Fatal(err)
			}
		}
	})
	db := dictdb.New()
	tt, _ := dictdb.CreateTableOf[benchPerson](db, "p")
	if _, err := tt.InsertMany(people); err != nil {
		b.Fatal(err)
	}
	tb, _ := db.Table("p")
	b.Run("Get/map", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, ok := tb.Get(int64(i%n + 1)); !ok {
				b.Fatal("missing")
			}
		}
	})
	b.Run("Get/typed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, ok, err := tt.Get(int64(i%n + 1)); !ok || err != nil {
				b.Fatal("missing", err)
			}
		}
	})
	q := dictdb.Query{Where: cond.Field("id").Lte(2000)}
	b.Run("Select2000/map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rs, err := tb.Select(q); err != nil || len(rs) != 2000 {
				b.Fatal(len(rs), err)
			}
		}
	})
	b.Run("Select2000/typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rs, err := tt.Select(q); err != nil || len(rs) != 2000 {
				b.Fatal(len(rs), err)
			}
		}
	})
}

// BenchmarkScanEarlyBreak compares a Scan stopped after 10 rows with one
// read to the end, over 1e5 rows.
func BenchmarkScanEarlyBreak(b *testing.B) {
	const n = 100000
	db := dictdb.New()
	tt, _ := dictdb.CreateTableOf[benchPerson](db, "p")
	if _, err := tt.InsertMany(benchPeople(n)); err != nil {
		b.Fatal(err)
	}
	tb, _ := db.Table("p")
	for _, stop := range []int{10, n} {
		b.Run(fmt.Sprintf("rows=%d", stop), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				seen := 0
				for _, err := range tb.Scan(dictdb.Query{Where: cond.Field("age").Gte(0)}) {
					if err != nil {
						b.Fatal(err)
					}
					if seen++; seen == stop {
						break
					}
				}
				if seen != stop {
					b.Fatal(seen)
				}
			}
		})
	}
}

// BenchmarkTypedInsertRatio alternates a typed Insert and a map Insert of
// the same person into two tables of one database, timing each, so that
// both see the same heap and collector: the ratio of one run is fair where
// separate sub-benchmarks drift with the machine. The map records are
// built beforehand, as in Insert/map.
func BenchmarkTypedInsertRatio(b *testing.B) {
	const n = 10000
	people, recs := benchPeopleAndRecords(n)
	db := dictdb.New()
	tt, _ := dictdb.CreateTableOf[benchPerson](db, "typed")
	tb, _ := db.CreateTable("map")
	var typed, plain time.Duration
	insertTyped := func(i int) {
		start := time.Now()
		if _, err := tt.Insert(people[i]); err != nil {
			b.Fatal(err)
		}
		typed += time.Since(start)
	}
	insertMap := func(i int) {
		start := time.Now()
		if _, err := tb.Insert(recs[i]); err != nil {
			b.Fatal(err)
		}
		plain += time.Since(start)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		j := i % n
		if j == 0 {
			tt.DeleteWhere(nil)
			tb.Delete(nil)
		}
		if i%2 == 0 {
			insertTyped(j)
			insertMap(j)
		} else {
			insertMap(j)
			insertTyped(j)
		}
	}
	b.ReportMetric(float64(typed.Nanoseconds())/float64(b.N), "typed-ns/op")
	b.ReportMetric(float64(plain.Nanoseconds())/float64(b.N), "map-ns/op")
	b.ReportMetric(float64(typed)/float64(plain), "typed/map")
}
