package dictdb_test

import (
	"testing"

	"github.com/dictdb-go/dictdb"
)

var benchSinkField any

// BenchmarkRowFieldRead measures GetRow plus the read of one field: a
// scalar (returned as stored, no copy) and a short list (returned as a
// deep copy, the price of never sharing stored memory); and Row.Get alone
// on a row fetched once.
func BenchmarkRowFieldRead(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		db := dictdb.New()
		tb, err := db.CreateTable("users")
		if err != nil {
			b.Fatal(err)
		}
		recs := make([]dictdb.Record, n)
		for i := range recs {
			recs[i] = dictdb.Record{"name": "user", "age": 18 + i%50, "tags": []any{"a", i % 7, "b"}}
		}
		keys, err := tb.InsertMany(recs)
		if err != nil {
			b.Fatal(err)
		}
		for _, field := range []string{"age", "tags"} {
			b.Run("GetRow+"+field, func(b *testing.B) {
				cpu := benchStartCPU(b)
				i := 0
				for b.Loop() {
					r, ok := tb.GetRow(keys[i])
					if !ok {
						b.Fatal("missing")
					}
					benchSinkField, _ = r.Get(field)
					if i++; i == n {
						i = 0
					}
				}
				cpu.report()
			})
			b.Run("Row.Get+"+field, func(b *testing.B) {
				r, _ := tb.GetRow(keys[n/2])
				cpu := benchStartCPU(b)
				for b.Loop() {
					benchSinkField, _ = r.Get(field)
				}
				cpu.report()
			})
		}
	})
}
