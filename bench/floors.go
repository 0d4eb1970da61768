package bench

import (
	"bytes"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/dictdb-go/dictdb"
)

// Cities are the values of the "city" field of the aggregation fixture: a
// handful of groups.
var Cities = []string{"Lyon", "Oslo", "Quito", "Kyoto", "Perth"}

// CityOf is the city of record id.
func CityOf(id int64) string { return Cities[splitmix(uint64(id)^0x5bd1e995)%uint64(len(Cities))] }

// PeopleRecords returns the dictdb records of ps, with the city field when
// city is set: the records InsertMany and the loads start from.
func PeopleRecords(ps []Person, city bool) []dictdb.Record {
	out := make([]dictdb.Record, len(ps))
	for i, p := range ps {
		r := dictdb.Record{"id": p.ID, "name": p.Name, "age": p.Age}
		if city {
			r["city"] = CityOf(p.ID)
		}
		out[i] = r
	}
	return out
}

// PeopleDB returns a database with one table "people" holding recs, with a
// sorted index on age (and, if cityIndex, a hash index on city).
func PeopleDB(recs []dictdb.Record, cityIndex bool) (*dictdb.DB, *dictdb.Table) {
	db := dictdb.New()
	t, err := db.CreateTable("people")
	must(err)
	must(t.CreateIndex("age", dictdb.SortedIndex))
	if cityIndex {
		must(t.CreateIndex("city", dictdb.HashIndex))
	}
	if recs != nil {
		_, err = t.InsertMany(recs)
		must(err)
	}
	return db, t
}

// SaveBytes saves db in format f to memory and returns the bytes, and the
// time of a save of the same data into a writer that only counts them (so
// that growing a buffer is not part of the time).
func SaveBytes(db *dictdb.DB, f dictdb.Format) ([]byte, time.Duration) {
	var c countWriter
	GC()
	start := time.Now()
	must(db.SaveTo(&c, f))
	d := time.Since(start)
	buf := bytes.NewBuffer(make([]byte, 0, c))
	must(db.SaveTo(buf, f))
	return buf.Bytes(), d
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// LoadBytes loads a database from b in format f and returns it and the
// time the load took.
func LoadBytes(b []byte, f dictdb.Format) (*dictdb.DB, time.Duration) {
	GC()
	start := time.Now()
	db, err := dictdb.LoadFrom(bytes.NewReader(b), f)
	must(err)
	return db, time.Since(start)
}

// InsertManyTime inserts recs into a fresh people table in one InsertMany
// and returns the time of the insert only.
func InsertManyTime(recs []dictdb.Record) (*dictdb.DB, time.Duration) {
	db, t := PeopleDB(nil, false)
	GC()
	start := time.Now()
	_, err := t.InsertMany(recs)
	must(err)
	return db, time.Since(start)
}

// HeapPeak runs f while a goroutine samples the heap every 100µs. It
// returns, each above the heap before f ran: peak, the largest sample of
// the bytes in heap objects (live and not yet collected); peakLive, the
// largest heap a garbage collection during f found live; and retained, the
// heap still live once f has returned and garbage is collected (f's result
// is kept alive until then).
func HeapPeak(f func() any) (peak, retained, peakLive uint64) {
	GC()
	base, _ := heapSample()
	var (
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Microsecond)
		defer tick.Stop()
		for {
			h, l := heapSample()
			peak, peakLive = max(peak, h), max(peakLive, l)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	keep := f()
	close(done)
	wg.Wait()
	h, l := heapSample()
	peak, peakLive = max(peak, h), max(peakLive, l)
	GC()
	retained, _ = heapSample()
	runtime.KeepAlive(keep)
	sub := func(a uint64) uint64 {
		if a < base {
			return 0
		}
		return a - base
	}
	return sub(peak), sub(retained), sub(peakLive)
}

// heapSample returns the bytes in heap objects and the heap the last
// collection found live.
func heapSample() (objects, live uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}
