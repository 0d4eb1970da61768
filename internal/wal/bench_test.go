package wal

import (
	"os"
	"strconv"
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

// benchQueue queues b.N 100-byte frames from the given number of
// goroutines, each waiting for its frame with WaitWritten (SyncNever) or
// WaitDurable (SyncAlways), and reports frames per second and the file
// writes per frame.
func benchQueue(b *testing.B, p SyncPolicy, goroutines int) {
	fsys := &countingFS{FS: OS}
	w, _, err := Open(b.TempDir(), Options{Sync: p, FS: fsys})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	wait := w.WaitWritten
	if p == SyncAlways {
		wait = w.WaitDurable
	}
	b.ReportAllocs()
	var left atomic.Int64
	left.Store(int64(b.N))
	b.ResetTimer()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			frame := make([]byte, HeaderSize+len(benchPayload))
			for left.Add(-1) >= 0 {
				copy(frame[HeaderSize:], benchPayload)
				seq, err := w.Queue(frame)
				if err == nil {
					err = wait(seq)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	b.ReportMetric(float64(fsys.writes.Load())/float64(b.N), "writes/frame")
}

// BenchmarkQueue: 1 and 16 goroutines queueing frames under SyncNever and
// SyncAlways; writes/frame shows how many frames share a write.
func BenchmarkQueue(b *testing.B) {
	for _, p := range []SyncPolicy{SyncNever, SyncAlways} {
		for _, n := range []int{1, 16} {
			b.Run(p.String()+"/goroutines="+strconv.Itoa(n), func(b *testing.B) { benchQueue(b, p, n) })
		}
	}
}

// countingFS counts the writes to the files it opens.
type countingFS struct {
	FS
	writes atomic.Int64
}

func (c *countingFS) Create(name string) (File, error) {
	f, err := c.FS.Create(name)
	if err != nil {
		return nil, err
	}
	return &countingFile{File: f, fs: c}, nil
}

func (c *countingFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	f, err := c.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &countingFile{File: f, fs: c}, nil
}

type countingFile struct {
	File
	fs *countingFS
}

func (f *countingFile) Write(p []byte) (int, error) {
	f.fs.writes.Add(1)
	return f.File.Write(p)
}
