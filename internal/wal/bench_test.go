package wal

import (
	"sync"
	"sync/atomic"
	"testing"
)

var benchPayload = make([]byte, 100)

// benchAppend appends b.N 100-byte frames to a log in a temporary directory
// on the real file system, from the given number of goroutines, and
// reports appends per second.
func benchAppend(b *testing.B, p SyncPolicy, appenders int) {
	w, _, err := Open(b.TempDir(), Options{Sync: p})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	b.ReportAllocs()
	var left atomic.Int64
	left.Store(int64(b.N))
	b.ResetTimer()
	var wg sync.WaitGroup
	for range appenders {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if _, err := w.Append(benchPayload); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkAppendSyncAlways compares 1 and 16 concurrent appenders under
// SyncAlways: the ratio of their appends/s is what group commit buys.
func BenchmarkAppendSyncAlways(b *testing.B) {
	b.Run("appenders=1", func(b *testing.B) { benchAppend(b, SyncAlways, 1) })
	b.Run("appenders=16", func(b *testing.B) { benchAppend(b, SyncAlways, 16) })
}

// BenchmarkAppendSyncNever appends without fsync.
func BenchmarkAppendSyncNever(b *testing.B) {
	benchAppend(b, SyncNever, 1)
}
