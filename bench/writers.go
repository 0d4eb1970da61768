package bench

import (
	"sync"
	"time"
)

// A Pairer is an engine that can hold two tables in one database, each
// with the primary key and an age index: workload (j). dictdb writes to
// different tables in parallel; go-memdb and buntdb serialise every writer
// of a database.
type Pairer interface {
	Engine
	// NewPair returns two stores over two tables of one new database.
	NewPair() (Store, Store)
}

// Pairers returns the engines that run workload (j), dictdb first.
func Pairers() []Pairer { return []Pairer{DictDB{}, MemDB{}, BuntDB{}} }

// ParallelInserts is workload (j): writers goroutines (1 or 2), each
// inserting every record of ps, one commit per record, into its own table
// of one new database. It returns the commits per second of all writers
// together, over the time from their start until the last one finishes.
func ParallelInserts(e Pairer, writers int, ps []Person) float64 {
	a, b := e.NewPair()
	defer a.Close()
	defer b.Close()
	stores := []Store{a, b}[:writers]
	batches := make([]Batch, writers)
	for i, s := range stores {
		batches[i] = s.Prepare(ps)
	}
	GC()
	var wg sync.WaitGroup
	start := time.Now()
	for i, s := range stores {
		wg.Go(func() {
			b := batches[i]
			for j := range b.Len() {
				if err := s.InsertOne(b, j); err != nil {
					panic(err)
				}
			}
		})
	}
	wg.Wait()
	return float64(writers*len(ps)) / time.Since(start).Seconds()
}
