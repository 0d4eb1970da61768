package dictdb_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// BenchmarkBackup compares a full backup with a delta of a table where 1%
// of the rows changed since the previous backup. Sizes: 1e5 rows, and 1e6
// with DICTDB_BIG=1.
func BenchmarkBackup(b *testing.B) {
	sizes := []int{100_000}
	if os.Getenv("DICTDB_BIG") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		db := dictdb.New()
		users, err := db.CreateTable("users")
		if err != nil {
			b.Fatal(err)
		}
		recs := make([]dictdb.Record, n)
		for i := range recs {
			recs[i] = dictdb.Record{"name": fmt.Sprint("user", i), "age": 18 + i%50}
		}
		if _, err := users.InsertMany(recs); err != nil {
			b.Fatal(err)
		}
		touch := func() {
			for i := 0; i < n/100; i++ {
				id := 1 + (i*97)%n
				if _, err := users.Update(dictdb.Record{"age": i}, cond.Field("id").Eq(id)); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.Run(fmt.Sprintf("rows=%d/full", n), func(b *testing.B) {
			b.ReportAllocs()
			m, err := dictdb.NewBackupManager(db, b.TempDir(), dictdb.BackupOptions{})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := m.BackupFull(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("rows=%d/delta-1pct", n), func(b *testing.B) {
			b.ReportAllocs()
			m, err := dictdb.NewBackupManager(db, b.TempDir(), dictdb.BackupOptions{Incremental: true, MaxDeltas: 1 << 30})
			if err != nil {
				b.Fatal(err)
			}
			if err := m.BackupFull(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				touch()
				b.StartTimer()
				if err := m.BackupDelta(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("rows=%d/insert-during-backup", n), func(b *testing.B) {
			m, err := dictdb.NewBackupManager(db, b.TempDir(), dictdb.BackupOptions{})
			if err != nil {
				b.Fatal(err)
			}
			other, err := db.CreateTable(fmt.Sprint("during", n, "_", db.Seq()))
			if err != nil {
				b.Fatal(err)
			}
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				for {
					select {
					case <-stop:
						return
					default:
						if err := m.BackupFull(); err != nil {
							b.Error(err)
							return
						}
					}
				}
			}()
			time.Sleep(10 * time.Millisecond) // let the first backup start
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if _, err := other.Insert(dictdb.Record{"v": i}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			close(stop)
			<-done
		})
		b.Run(fmt.Sprintf("rows=%d/insert-idle", n), func(b *testing.B) {
			other, err := db.CreateTable(fmt.Sprint("idle", n, "_", db.Seq()))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := range b.N {
				if _, err := other.Insert(dictdb.Record{"v": i}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRestoreBackup restores a full backup of 1e5 rows (checksum
// verified, then loaded) against loading a plain save of the same data.
func BenchmarkRestoreBackup(b *testing.B) {
	db := dictdb.New()
	users, err := db.CreateTable("users")
	if err != nil {
		b.Fatal(err)
	}
	recs := make([]dictdb.Record, 100_000)
	for i := range recs {
		recs[i] = dictdb.Record{"name": fmt.Sprint("user", i), "age": 18 + i%50}
	}
	if _, err := users.InsertMany(recs); err != nil {
		b.Fatal(err)
	}
	for _, format := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		dir := b.TempDir()
		m, err := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{Format: format})
		if err != nil {
			b.Fatal(err)
		}
		if err := m.BackupFull(); err != nil {
			b.Fatal(err)
		}
		plain := b.TempDir() + "/db"
		if err := db.Save(plain, format); err != nil {
			b.Fatal(err)
		}
		b.Run(format.String()+"/restore", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(format.String()+"/load", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := dictdb.Load(plain, format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
