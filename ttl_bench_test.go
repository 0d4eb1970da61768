package dictdb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// ttlBenchTable returns a table of n rows with an expires_at field, with a
// TTL on it or not, of which expired rows have expired and not been swept.
func ttlBenchTable(b *testing.B, n, expired int, ttl bool) (*dictdb.DB, *dictdb.Table) {
	b.Helper()
	db := dictdb.New(dictdb.WithTTLSweep(0))
	var opts []dictdb.TableOption
	if ttl {
		opts = append(opts, dictdb.WithTTL("expires_at"))
	}
	t, err := db.CreateTable("t", opts...)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	recs := make([]dictdb.Record, n)
	for i := range recs {
		exp := now.Add(time.Hour + time.Duration(i)*time.Millisecond)
		if expired > 0 && i%(n/expired) == 0 {
			exp = now.Add(-time.Hour)
		}
		recs[i] = dictdb.Record{"id": i, "g": fmt.Sprint(i % 100), "expires_at": exp}
	}
	if _, err := t.InsertMany(recs); err != nil {
		b.Fatal(err)
	}
	if !ttl {
		// The same index a TTL table gets, for a fair comparison.
		if err := t.CreateIndex("expires_at", dictdb.SortedIndex); err != nil {
			b.Fatal(err)
		}
	}
	return db, t
}

// BenchmarkTTLRead compares reads of a table without a TTL, with one and
// no expired row (the state between sweeps), and with 1% of its rows
// expired but not swept yet.
func BenchmarkTTLRead(b *testing.B) {
	const n = 10_000
	for _, c := range []struct {
		name    string
		ttl     bool
		expired int
	}{{"plain", false, 0}, {"ttl", true, 0}, {"ttl-1pct-expired", true, n / 100}} {
		_, t := ttlBenchTable(b, n, c.expired, c.ttl)
		b.Run(c.name+"/Get", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				t.Get(1 + i%(n-1))
			}
		})
		b.Run(c.name+"/Select", func(b *testing.B) {
			q := dictdb.Query{Where: cond.Field("g").Eq("7"), Limit: 10}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := t.Select(q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/Count", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t.Count()
			}
		})
	}
}

// BenchmarkTTLSweep measures one sweep deleting 1e5 expired rows in one
// commit (the table's build is not timed).
func BenchmarkTTLSweep(b *testing.B) {
	const n = 100_000
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		db, _ := ttlBenchTable(b, n, n, true)
		b.StartTimer()
		got, err := db.Sweep()
		if err != nil || got != n {
			b.Fatal(got, err)
		}
	}
}
