package dictdb_test

// Benchmarks of the public API, each next to a baseline doing the same work
// on raw benbjohnson/immutable maps: the floor of this design (a persistent
// SortedMap of records by primary key, an optional SortedMap keyed by
// (age, id) as the secondary index, one mutex and one atomic pointer per
// table for writers).
//
// Records are people, as in the comparison module's workloads (bench): {id,
// name "user<id>", age 18 + splitmix(id)%50}, ids 1..n, so age == 30
// selects about 2% of rows (2,016 of 100k) and 30 <= age < 35 about 10%
// (10,076).
// Records are built outside the timed region.
//
// Run: go test -run '^$' -bench . -benchtime=1s ./

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/benbjohnson/immutable"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/btree"
	"github.com/dictdb-go/dictdb/internal/cputime"
)

var benchSizes = []int{1_000, 100_000}

var (
	benchSinkRows []dictdb.Row
	benchSinkRecs []dictdb.Record
	benchSinkRaw  []map[string]any
	benchSinkRec  dictdb.Record
	benchSinkRow  dictdb.Row
	benchSinkAny  any
	benchSinkN    int
)

func benchSplitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	z := x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func benchAge(id int64) int64 { return 18 + int64(benchSplitmix(uint64(id))%50) }

func benchRecord(id int64) dictdb.Record {
	return dictdb.Record{"id": id, "name": "user" + strconv.FormatInt(id, 10), "age": benchAge(id)}
}

// benchRecords returns the records with ids lo..hi-1.
func benchRecords(lo, hi int64) []dictdb.Record {
	out := make([]dictdb.Record, 0, hi-lo)
	for id := lo; id < hi; id++ {
		out = append(out, benchRecord(id))
	}
	return out
}

// benchPerm returns the ids 1..n in a fixed random order.
func benchPerm(n int) []int64 {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]int64, n)
	for i, p := range rng.Perm(n) {
		out[i] = int64(p) + 1
	}
	return out
}

// benchCPU measures the process CPU time (user + system, all threads, so
// GC work counts) spent while the benchmark timer runs, and reports it per
// op as cpu-ns/op: on a shared, overloaded machine wall-clock ns/op moves
// with the load; CPU time much less.
type benchCPU struct {
	b     *testing.B
	since time.Duration
	total time.Duration
}

// benchStartCPU starts measuring; call it right before the b.Loop loop.
func benchStartCPU(b *testing.B) *benchCPU {
	b.ReportAllocs()
	return &benchCPU{b: b, since: cputime.Process()}
}

// pause stops the benchmark timer and the CPU clock.
func (c *benchCPU) pause() {
	c.b.StopTimer()
	c.total += cputime.Process() - c.since
}

// resume restarts both.
func (c *benchCPU) resume() {
	c.since = cputime.Process()
	c.b.StartTimer()
}

// report reports cpu-ns/op; call it right after the b.Loop loop.
func (c *benchCPU) report() {
	c.total += cputime.Process() - c.since
	if c.b.N > 0 {
		c.b.ReportMetric(float64(c.total.Nanoseconds())/float64(c.b.N), "cpu-ns/op")
	}
}

func benchEach(b *testing.B, fn func(b *testing.B, n int)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) { fn(b, n) })
	}
}

// ---- dictdb fixtures ----

// benchIndex names a table's index on age: none, hash or sorted.
type benchIndex int

const (
	benchNoIndex benchIndex = iota
	benchHashIndex
	benchSortedIndex
)

// benchNewTable returns a fresh database holding one table "people" with
// rows 1..n and the given index on age.
func benchNewTable(b *testing.B, n int, ix benchIndex) (*dictdb.DB, *dictdb.Table) {
	b.Helper()
	db := dictdb.New()
	tb, err := db.CreateTable("people")
	if err != nil {
		b.Fatal(err)
	}
	if n > 0 {
		if _, err := tb.InsertMany(benchRecords(1, int64(n)+1)); err != nil {
			b.Fatal(err)
		}
	}
	switch ix {
	case benchHashIndex:
		err = tb.CreateIndex("age", dictdb.HashIndex)
	case benchSortedIndex:
		err = tb.CreateIndex("age", dictdb.SortedIndex)
	}
	if err != nil {
		b.Fatal(err)
	}
	return db, tb
}

var benchReadFixtures sync.Map // "n/ix" -> *dictdb.Table

// benchReadTable returns a shared read-only table of n rows; read
// benchmarks must not write to it.
func benchReadTable(b *testing.B, n int, ix benchIndex) *dictdb.Table {
	b.Helper()
	key := fmt.Sprintf("%d/%d", n, ix)
	if t, ok := benchReadFixtures.Load(key); ok {
		return t.(*dictdb.Table)
	}
	_, tb := benchNewTable(b, n, ix)
	benchReadFixtures.Store(key, tb)
	return tb
}

// ---- raw immutable baseline ----

type benchIntCmp struct{}

func (benchIntCmp) Compare(a, b int64) int { return cmp.Compare(a, b) }

type benchAgeKey struct{ age, id int64 }

type benchAgeCmp struct{}

func (benchAgeCmp) Compare(a, b benchAgeKey) int {
	if c := cmp.Compare(a.age, b.age); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// benchRaw is one version of a raw table; ages is nil without an index.
type benchRaw struct {
	rows *immutable.SortedMap[int64, map[string]any]
	ages *immutable.SortedMap[benchAgeKey, map[string]any]
}

// benchRawDB is the raw design: a writer mutex and an atomically published
// immutable version.
type benchRawDB struct {
	mu  sync.Mutex
	cur atomic.Pointer[benchRaw]
}

func benchRawBuild(recs []dictdb.Record, index bool) *benchRaw {
	rb := immutable.NewSortedMapBuilder[int64, map[string]any](benchIntCmp{})
	var ab *immutable.SortedMapBuilder[benchAgeKey, map[string]any]
	if index {
		ab = immutable.NewSortedMapBuilder[benchAgeKey, map[string]any](benchAgeCmp{})
	}
	for _, r := range recs {
		id := r["id"].(int64)
		rb.Set(id, r)
		if ab != nil {
			ab.Set(benchAgeKey{r["age"].(int64), id}, r)
		}
	}
	v := &benchRaw{rows: rb.Map()}
	if ab != nil {
		v.ages = ab.Map()
	}
	return v
}

func benchNewRawDB(n int, index bool) *benchRawDB {
	d := &benchRawDB{}
	d.cur.Store(benchRawBuild(benchRecords(1, int64(n)+1), index))
	return d
}

func (d *benchRawDB) write(fn func(next *benchRaw)) {
	d.mu.Lock()
	next := *d.cur.Load()
	fn(&next)
	d.cur.Store(&next)
	d.mu.Unlock()
}

func (d *benchRawDB) insert(r map[string]any) {
	d.write(func(v *benchRaw) {
		id := r["id"].(int64)
		v.rows = v.rows.Set(id, r)
		if v.ages != nil {
			v.ages = v.ages.Set(benchAgeKey{r["age"].(int64), id}, r)
		}
	})
}

var benchRawFixtures sync.Map // n -> *benchRawDB (with the age index)

func benchRawRead(n int) *benchRawDB {
	if d, ok := benchRawFixtures.Load(n); ok {
		return d.(*benchRawDB)
	}
	d := benchNewRawDB(n, true)
	benchRawFixtures.Store(n, d)
	return d
}

// benchRawAgeRange collects, through the (age, id) index, the rows with
// lo <= age < hi, in (age, id) order.
func benchRawAgeRange(v *benchRaw, lo, hi int64, out []map[string]any) []map[string]any {
	it := v.ages.Iterator()
	it.Seek(benchAgeKey{lo, math.MinInt64})
	for !it.Done() {
		k, r, _ := it.Next()
		if k.age >= hi {
			break
		}
		out = append(out, r)
	}
	return out
}

// ---- Insert ----

// BenchmarkInsert inserts one new row per op into a table of n rows. Every
// n/10 inserts the table goes back to its n rows (untimed; an O(1) Restore
// for dictdb), so the size stays within 10% of n.
func BenchmarkInsert(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		period := n / 10
		fresh := benchRecords(int64(n)+1, int64(n+period)+1)
		for _, index := range []bool{false, true} {
			name := "raw"
			if index {
				name = "raw+sortedidx"
			}
			b.Run(name, func(b *testing.B) {
				d := benchNewRawDB(n, index)
				base := d.cur.Load()
				cpu := benchStartCPU(b)
				i := 0
				for b.Loop() {
					if i == period {
						cpu.pause()
						d.cur.Store(base)
						i = 0
						cpu.resume()
					}
					d.insert(fresh[i])
					i++
				}
				cpu.report()
			})
		}
		for _, c := range []struct {
			name string
			ix   benchIndex
		}{{"dictdb", benchNoIndex}, {"dictdb+sortedidx", benchSortedIndex}, {"dictdb+hashidx", benchHashIndex}} {
			b.Run(c.name, func(b *testing.B) {
				db, tb := benchNewTable(b, n, c.ix)
				snap := db.Snapshot()
				cpu := benchStartCPU(b)
				i := 0
				for b.Loop() {
					if i == period {
						cpu.pause()
						if err := db.Restore(snap); err != nil {
							b.Fatal(err)
						}
						i = 0
						cpu.resume()
					}
					if _, err := tb.Insert(fresh[i]); err != nil {
						b.Fatal(err)
					}
					i++
				}
				cpu.report()
			})
		}
	})
}

// ---- InsertMany ----

// BenchmarkInsertMany loads n rows into an empty table per op.
func BenchmarkInsertMany(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		recs := benchRecords(1, int64(n)+1)
		for _, index := range []bool{false, true} {
			name := "raw-builder"
			if index {
				name = "raw-builder+sortedidx"
			}
			b.Run(name, func(b *testing.B) {
				cpu := benchStartCPU(b)
				for b.Loop() {
					d := &benchRawDB{}
					d.cur.Store(benchRawBuild(recs, index))
					benchSinkAny = d
				}
				cpu.report()
			})
		}
		for _, c := range []struct {
			name string
			ix   benchIndex
		}{{"dictdb", benchNoIndex}, {"dictdb+sortedidx", benchSortedIndex}} {
			b.Run(c.name, func(b *testing.B) {
				cpu := benchStartCPU(b)
				for b.Loop() {
					_, tb := benchNewTable(b, 0, c.ix)
					keys, err := tb.InsertMany(recs)
					if err != nil {
						b.Fatal(err)
					}
					benchSinkN = len(keys)
				}
				cpu.report()
			})
		}
	})
}

// ---- Get ----

// BenchmarkGet looks up random primary keys.
func BenchmarkGet(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		keys := benchPerm(n)
		b.Run("raw", func(b *testing.B) {
			d := benchRawRead(n)
			cpu := benchStartCPU(b)
			i := 0
			for b.Loop() {
				r, ok := d.cur.Load().rows.Get(keys[i])
				if !ok {
					b.Fatal("missing")
				}
				benchSinkAny = r
				if i++; i == n {
					i = 0
				}
			}
			cpu.report()
		})
		// The same lookup on dictdb's own tree and key type, without the
		// API: separates the tree and codec.Key from the rest.
		b.Run("raw-btree-codeckey", func(b *testing.B) {
			bld := btree.NewBuilder[codec.Key, map[string]any](codec.CompareKeys)
			for _, r := range benchRecords(1, int64(n)+1) {
				if err := bld.Append(codec.IntKey(r["id"].(int64)), r); err != nil {
					b.Fatal(err)
				}
			}
			m := bld.Map()
			cpu := benchStartCPU(b)
			i := 0
			for b.Loop() {
				r, ok := m.Get(codec.IntKey(keys[i]))
				if !ok {
					b.Fatal("missing")
				}
				benchSinkAny = r
				if i++; i == n {
					i = 0
				}
			}
			cpu.report()
		})
		tb := benchReadTable(b, n, benchNoIndex)
		b.Run("dictdb-GetRow", func(b *testing.B) {
			cpu := benchStartCPU(b)
			i := 0
			for b.Loop() {
				r, ok := tb.GetRow(keys[i])
				if !ok {
					b.Fatal("missing")
				}
				benchSinkRow = r
				if i++; i == n {
					i = 0
				}
			}
			cpu.report()
		})
		b.Run("dictdb-Get", func(b *testing.B) {
			cpu := benchStartCPU(b)
			i := 0
			for b.Loop() {
				r, ok := tb.Get(keys[i])
				if !ok {
					b.Fatal("missing")
				}
				benchSinkRec = r
				if i++; i == n {
					i = 0
				}
			}
			cpu.report()
		})
	})
}

// ---- Select ----

func benchRows(b *testing.B, tb *dictdb.Table, q dictdb.Query, want int) {
	b.Helper()
	if got, err := tb.Rows(q); err != nil || (want >= 0 && len(got) != want) {
		b.Fatalf("Rows: %d rows, %v; want %d", len(got), err, want)
	}
	cpu := benchStartCPU(b)
	for b.Loop() {
		rows, err := tb.Rows(q)
		if err != nil {
			b.Fatal(err)
		}
		benchSinkRows = rows
	}
	cpu.report()
}

func benchSelect(b *testing.B, tb *dictdb.Table, q dictdb.Query, want int) {
	b.Helper()
	cpu := benchStartCPU(b)
	for b.Loop() {
		recs, err := tb.Select(q)
		if err != nil {
			b.Fatal(err)
		}
		if want >= 0 && len(recs) != want {
			b.Fatalf("Select: %d rows, want %d", len(recs), want)
		}
		benchSinkRecs = recs
	}
	cpu.report()
}

// benchCountAges counts the rows 1..n with lo <= age < hi.
func benchCountAges(n int, lo, hi int64) int {
	c := 0
	for id := int64(1); id <= int64(n); id++ {
		if a := benchAge(id); a >= lo && a < hi {
			c++
		}
	}
	return c
}

// BenchmarkSelectEq selects age == 30 (about 2% of rows) by full scan and
// through hash and sorted indexes.
func BenchmarkSelectEq(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		want := benchCountAges(n, 30, 31)
		q := dictdb.Query{Where: cond.Field("age").Eq(30)}
		b.Run("raw-scan", func(b *testing.B) {
			d := benchRawRead(n)
			cpu := benchStartCPU(b)
			for b.Loop() {
				var out []map[string]any
				it := d.cur.Load().rows.Iterator()
				for !it.Done() {
					_, r, _ := it.Next()
					if a, ok := r["age"].(int64); ok && a == 30 {
						out = append(out, r)
					}
				}
				if len(out) != want {
					b.Fatal(len(out), want)
				}
				benchSinkRaw = out
			}
			cpu.report()
		})
		b.Run("raw-sortedidx", func(b *testing.B) {
			d := benchRawRead(n)
			cpu := benchStartCPU(b)
			for b.Loop() {
				out := benchRawAgeRange(d.cur.Load(), 30, 31, nil)
				if len(out) != want {
					b.Fatal(len(out), want)
				}
				benchSinkRaw = out
			}
			cpu.report()
		})
		b.Run("dictdb-scan-Rows", func(b *testing.B) { benchRows(b, benchReadTable(b, n, benchNoIndex), q, want) })
		b.Run("dictdb-scan-Select", func(b *testing.B) { benchSelect(b, benchReadTable(b, n, benchNoIndex), q, want) })
		b.Run("dictdb-hashidx-Rows", func(b *testing.B) { benchRows(b, benchReadTable(b, n, benchHashIndex), q, want) })
		b.Run("dictdb-sortedidx-Rows", func(b *testing.B) { benchRows(b, benchReadTable(b, n, benchSortedIndex), q, want) })
		b.Run("dictdb-sortedidx-Select", func(b *testing.B) { benchSelect(b, benchReadTable(b, n, benchSortedIndex), q, want) })
	})
}

// BenchmarkSelectRange selects 30 <= age < 35 (about 10% of rows), written
// as Between(30, 34) (one predicate the planner serves as one index range)
// and as Gte(30) AND Lt(35) (two conjuncts, of which the planner uses one).
func BenchmarkSelectRange(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		want := benchCountAges(n, 30, 35)
		between := dictdb.Query{Where: cond.Field("age").Between(30, 34)}
		gteLt := dictdb.Query{Where: cond.And(cond.Field("age").Gte(30), cond.Field("age").Lt(35))}
		b.Run("raw-scan", func(b *testing.B) {
			d := benchRawRead(n)
			cpu := benchStartCPU(b)
			for b.Loop() {
				var out []map[string]any
				it := d.cur.Load().rows.Iterator()
				for !it.Done() {
					_, r, _ := it.Next()
					if a, ok := r["age"].(int64); ok && a >= 30 && a < 35 {
						out = append(out, r)
					}
				}
				if len(out) != want {
					b.Fatal(len(out), want)
				}
				benchSinkRaw = out
			}
			cpu.report()
		})
		b.Run("raw-sortedidx", func(b *testing.B) {
			d := benchRawRead(n)
			cpu := benchStartCPU(b)
			for b.Loop() {
				out := benchRawAgeRange(d.cur.Load(), 30, 35, nil)
				if len(out) != want {
					b.Fatal(len(out), want)
				}
				benchSinkRaw = out
			}
			cpu.report()
		})
		b.Run("dictdb-scan-Rows", func(b *testing.B) { benchRows(b, benchReadTable(b, n, benchNoIndex), between, want) })
		b.Run("dictdb-scan-Select", func(b *testing.B) { benchSelect(b, benchReadTable(b, n, benchNoIndex), between, want) })
		b.Run("dictdb-sortedidx-Rows", func(b *testing.B) { benchRows(b, benchReadTable(b, n, benchSortedIndex), between, want) })
		b.Run("dictdb-sortedidx-Select", func(b *testing.B) { benchSelect(b, benchReadTable(b, n, benchSortedIndex), between, want) })
		b.Run("dictdb-sortedidx-GteLt-Rows", func(b *testing.B) { benchRows(b, benchReadTable(b, n, benchSortedIndex), gteLt, want) })
	})
}

// BenchmarkSelectOrderBy orders by age: with Limit 10 through a sorted
// index (streamed, stops after 10 rows), against sorting every row of a
// table without an index (Limit 0). The no-index Limit 10 case (a bounded
// heap) is there for reference.
func BenchmarkSelectOrderBy(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		sortAll := dictdb.Query{OrderBy: []string{"age"}}
		top10 := dictdb.Query{OrderBy: []string{"age"}, Limit: 10}
		b.Run("raw-sortall", func(b *testing.B) {
			d := benchRawRead(n)
			cpu := benchStartCPU(b)
			for b.Loop() {
				out := make([]map[string]any, 0, n)
				it := d.cur.Load().rows.Iterator()
				for !it.Done() {
					_, r, _ := it.Next()
					out = append(out, r)
				}
				slices.SortStableFunc(out, func(x, y map[string]any) int {
					return cmp.Compare(x["age"].(int64), y["age"].(int64))
				})
				benchSinkRaw = out
			}
			cpu.report()
		})
		b.Run("raw-sortedidx-limit10", func(b *testing.B) {
			d := benchRawRead(n)
			cpu := benchStartCPU(b)
			for b.Loop() {
				out := make([]map[string]any, 0, 10)
				it := d.cur.Load().ages.Iterator()
				for !it.Done() && len(out) < 10 {
					_, r, _ := it.Next()
					out = append(out, r)
				}
				benchSinkRaw = out
			}
			cpu.report()
		})
		b.Run("dictdb-sortall-Rows", func(b *testing.B) { benchRows(b, benchReadTable(b, n, benchNoIndex), sortAll, n) })
		b.Run("dictdb-sortall-Select", func(b *testing.B) { benchSelect(b, benchReadTable(b, n, benchNoIndex), sortAll, n) })
		b.Run("dictdb-noidx-limit10-Rows", func(b *testing.B) { benchRows(b, benchReadTable(b, n, benchNoIndex), top10, 10) })
		b.Run("dictdb-sortedidx-limit10-Rows", func(b *testing.B) { benchRows(b, benchReadTable(b, n, benchSortedIndex), top10, 10) })
		b.Run("dictdb-sortedidx-limit10-Select", func(b *testing.B) { benchSelect(b, benchReadTable(b, n, benchSortedIndex), top10, 10) })
	})
}

// ---- Update ----

// BenchmarkUpdate changes the name of one row, chosen at random, by
// primary key. The table keeps n rows.
func BenchmarkUpdate(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		keys := benchPerm(n)
		for _, index := range []bool{false, true} {
			name := "raw"
			if index {
				name = "raw+sortedidx"
			}
			b.Run(name, func(b *testing.B) {
				d := benchNewRawDB(n, index)
				cpu := benchStartCPU(b)
				i := 0
				for b.Loop() {
					id := keys[i]
					d.write(func(v *benchRaw) {
						old, ok := v.rows.Get(id)
						if !ok {
							b.Fatal("missing")
						}
						r := make(map[string]any, len(old))
						for k, x := range old {
							r[k] = x
						}
						r["name"] = "renamed"
						v.rows = v.rows.Set(id, r)
						if v.ages != nil {
							v.ages = v.ages.Set(benchAgeKey{r["age"].(int64), id}, r)
						}
					})
					if i++; i == n {
						i = 0
					}
				}
				cpu.report()
			})
		}
		for _, c := range []struct {
			name string
			ix   benchIndex
		}{{"dictdb", benchNoIndex}, {"dictdb+sortedidx", benchSortedIndex}} {
			b.Run(c.name, func(b *testing.B) {
				_, tb := benchNewTable(b, n, c.ix)
				changes := dictdb.Record{"name": "renamed"}
				cpu := benchStartCPU(b)
				i := 0
				for b.Loop() {
					if _, err := tb.Update(changes, cond.Field("id").Eq(keys[i])); err != nil {
						b.Fatal(err)
					}
					if i++; i == n {
						i = 0
					}
				}
				cpu.report()
			})
		}
	})
}

// ---- Delete ----

// BenchmarkDelete deletes one row by primary key per op, in random order.
// Every n/10 deletes the table goes back to its n rows (untimed).
func BenchmarkDelete(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		keys := benchPerm(n)
		period := n / 10
		for _, index := range []bool{false, true} {
			name := "raw"
			if index {
				name = "raw+sortedidx"
			}
			b.Run(name, func(b *testing.B) {
				d := benchNewRawDB(n, index)
				base := d.cur.Load()
				cpu := benchStartCPU(b)
				i := 0
				for b.Loop() {
					if i == period {
						cpu.pause()
						d.cur.Store(base)
						i = 0
						cpu.resume()
					}
					id := keys[i]
					d.write(func(v *benchRaw) {
						old, ok := v.rows.Get(id)
						if !ok {
							b.Fatal("missing")
						}
						v.rows = v.rows.Delete(id)
						if v.ages != nil {
							v.ages = v.ages.Delete(benchAgeKey{old["age"].(int64), id})
						}
					})
					i++
				}
				cpu.report()
			})
		}
		for _, c := range []struct {
			name string
			ix   benchIndex
		}{{"dictdb", benchNoIndex}, {"dictdb+sortedidx", benchSortedIndex}} {
			b.Run(c.name, func(b *testing.B) {
				db, tb := benchNewTable(b, n, c.ix)
				snap := db.Snapshot()
				cpu := benchStartCPU(b)
				i := 0
				for b.Loop() {
					if i == period {
						cpu.pause()
						if err := db.Restore(snap); err != nil {
							b.Fatal(err)
						}
						i = 0
						cpu.resume()
					}
					if m, err := tb.Delete(cond.Field("id").Eq(keys[i])); err != nil || m != 1 {
						b.Fatal(m, err)
					}
					i++
				}
				cpu.report()
			})
		}
	})
}
