package tbl

// Benchmarks of one table version, below the mvcc store and the public API:
// the difference from the root package's benchmarks of the same names is
// the cost of the commit protocol and the snapshot views. Records are the
// root package benchmarks' people: {id, name "user<id>", age 18 +
// splitmix(id)%50}.

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

var benchSizes = []int{1_000, 100_000}

var (
	benchSinkRows  []Row
	benchSinkRow   Row
	benchSinkTable *Table
	benchSinkBool  bool
)

func benchSplitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	z := x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func benchRecord(id int64) map[string]any {
	return map[string]any{
		"id":   id,
		"name": "user" + strconv.FormatInt(id, 10),
		"age":  18 + int64(benchSplitmix(uint64(id))%50),
	}
}

func benchRecords(lo, hi int64) []map[string]any {
	out := make([]map[string]any, 0, hi-lo)
	for id := lo; id < hi; id++ {
		out = append(out, benchRecord(id))
	}
	return out
}

// benchTable returns a table of rows 1..n with the given index on age (0:
// none).
func benchTable(b *testing.B, n int, kind idx.Kind) *Table {
	b.Helper()
	t, err := New("people", "id", nil)
	if err != nil {
		b.Fatal(err)
	}
	if t, _, err = t.InsertMany(benchRecords(1, int64(n)+1)); err != nil {
		b.Fatal(err)
	}
	if kind != 0 {
		if t, err = t.CreateIndex(IndexDef{Field: "age", Kind: kind}); err != nil {
			b.Fatal(err)
		}
	}
	return t
}

func benchEach(b *testing.B, fn func(b *testing.B, n int)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) { fn(b, n) })
	}
}

var benchKinds = []struct {
	name string
	kind idx.Kind
}{{"noidx", 0}, {"sortedidx", idx.Sorted}, {"hashidx", idx.Hash}}

// BenchmarkTableInsert adds one row to a version of n rows per op (each op
// starts from the same version, so the size stays n).
func BenchmarkTableInsert(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		fresh := benchRecords(int64(n)+1, int64(2*n)+1)
		for _, k := range benchKinds {
			b.Run(k.name, func(b *testing.B) {
				t := benchTable(b, n, k.kind)
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					next, _, err := t.Insert(fresh[i])
					if err != nil {
						b.Fatal(err)
					}
					benchSinkTable = next
					if i++; i == n {
						i = 0
					}
				}
			})
		}
	})
}

// BenchmarkTableGet looks up random primary keys, by Go value (Get) and by
// codec.Key (GetKey).
func BenchmarkTableGet(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		t := benchTable(b, n, 0)
		rng := rand.New(rand.NewPCG(1, 2))
		keys := make([]int64, n)
		for i, p := range rng.Perm(n) {
			keys[i] = int64(p) + 1
		}
		b.Run("Get", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r, ok := t.Get(keys[i])
				if !ok {
					b.Fatal("missing")
				}
				benchSinkRow = r
				if i++; i == n {
					i = 0
				}
			}
		})
		b.Run("GetKey", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r, ok := t.GetKey(codec.IntKey(keys[i]))
				if !ok {
					b.Fatal("missing")
				}
				benchSinkRow = r
				if i++; i == n {
					i = 0
				}
			}
		})
	})
}

// BenchmarkTableSelect runs the root package's query shapes on one version.
func BenchmarkTableSelect(b *testing.B) {
	queries := []struct {
		name string
		q    Query
	}{
		{"eq", Query{Where: cond.Field("age").Eq(30)}},
		{"between", Query{Where: cond.Field("age").Between(30, 34)}},
		{"orderby-limit10", Query{OrderBy: []string{"age"}, Limit: 10}},
		{"orderby-all", Query{OrderBy: []string{"age"}}},
	}
	benchEach(b, func(b *testing.B, n int) {
		for _, k := range benchKinds[:2] {
			t := benchTable(b, n, k.kind)
			for _, q := range queries {
				b.Run(k.name+"/"+q.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						rows, err := t.Select(q.q)
						if err != nil {
							b.Fatal(err)
						}
						benchSinkRows = rows
					}
				})
			}
		}
	})
}

// BenchmarkTableMatch is the per-row cost of the compiled condition the
// full scan applies.
func BenchmarkTableMatch(b *testing.B) {
	m, err := cond.Compile(cond.Field("age").Eq(30))
	if err != nil {
		b.Fatal(err)
	}
	rec := codec.RecordOf(benchRecord(7))
	b.ReportAllocs()
	for b.Loop() {
		benchSinkBool = m(rec)
	}
}
