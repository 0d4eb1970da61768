package dictdb_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// fakeClock is a Clock that only moves when told to.
type fakeClock struct {
	mu      sync.Mutex
	changed *sync.Cond
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	c := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	c.changed = sync.NewCond(&c.mu)
	return c
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	c.changed.Broadcast()
	return ch
}

// Advance moves the clock and fires every timer that came due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// awaitTimers blocks until n timers are pending.
func (c *fakeClock) awaitTimers(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.waiters) < n {
		c.changed.Wait()
	}
}

func backupFiles(t *testing.T, dir, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func newBackupDB(t *testing.T) (*dictdb.DB, *dictdb.Table) {
	t.Helper()
	db := dictdb.New()
	users, err := db.CreateTable("users", dictdb.WithSchema(dictdb.Col("name", dictdb.Str), dictdb.Col("age", dictdb.Int)))
	require.NoError(t, err)
	require.NoError(t, users.CreateIndex("name", dictdb.SortedIndex, dictdb.Unique()))
	_, err = users.Insert(dictdb.Record{"name": "Test", "age": 100})
	require.NoError(t, err)
	return db, users
}

func TestBackupPeriodicSchedule(t *testing.T) {
	db, _ := newBackupDB(t)
	clock := newFakeClock()
	done := make(chan dictdb.BackupResult, 10)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{
		Interval: time.Minute, OnBackup: func(r dictdb.BackupResult) { done <- r },
	}, clock))
	require.NoError(t, err)
	require.NoError(t, m.Start())
	defer m.Stop()
	require.ErrorIs(t, m.Start(), dictdb.ErrBackupState)

	clock.awaitTimers(1)
	assert.Empty(t, backupFiles(t, dir, "dictdb_"), "the first backup comes one interval after Start")
	clock.Advance(time.Minute)
	r := <-done
	assert.True(t, r.Full)
	assert.Equal(t, db.Seq(), r.Seq)
	clock.awaitTimers(1)
	clock.Advance(time.Minute)
	<-done
	assert.Len(t, backupFiles(t, dir, "dictdb_backup_"), 2)
}

func TestBackupNotifyChangeDebounces(t *testing.T) {
	db, users := newBackupDB(t)
	clock := newFakeClock()
	done := make(chan dictdb.BackupResult, 10)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{
		Interval: time.Hour, MinInterval: 2 * time.Second,
		OnBackup: func(r dictdb.BackupResult) { done <- r },
	}, clock))
	require.NoError(t, err)

	m.NotifyChange() // before Start: waits for it, never runs here
	assert.Empty(t, backupFiles(t, dir, "dictdb_"))
	require.NoError(t, m.Start())
	defer m.Stop()
	<-done // the first notification backs up at once

	_, err = users.Insert(dictdb.Record{"name": "B", "age": 1})
	require.NoError(t, err)
	for range 20 {
		m.NotifyChange() // within the window: one backup at its end
	}
	clock.awaitTimers(2) // the periodic tick and the end of the window
	assert.Len(t, backupFiles(t, dir, "dictdb_"), 1)
	clock.Advance(2 * time.Second)
	r := <-done
	assert.Equal(t, db.Seq(), r.Seq, "the trailing backup holds the change")
	assert.Len(t, backupFiles(t, dir, "dictdb_"), 2)
}

func TestBackupCompactionAfterMaxDeltas(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, MaxDeltas: 3}, newFakeClock()))
	require.NoError(t, err)
	require.NoError(t, m.BackupNow()) // the base: a full backup
	require.NoError(t, m.BackupNow()) // no changes: no delta
	assert.Empty(t, backupFiles(t, dir, "dictdb_delta_"))
	for i := range 3 {
		_, err := users.Insert(dictdb.Record{"name": fmt.Sprint("u", i), "age": i})
		require.NoError(t, err)
		require.NoError(t, m.BackupNow())
	}
	assert.Len(t, backupFiles(t, dir, "dictdb_delta_"), 3)
	assert.Equal(t, 3, m.DeltasSinceFull())
	require.NoError(t, m.BackupNow()) // the maximum is reached: full, even without changes
	assert.Len(t, backupFiles(t, dir, "dictdb_backup_"), 2)
	assert.Equal(t, 0, m.DeltasSinceFull())
}

func TestBackupFailuresAreCountedAndReset(t *testing.T) {
	db, _ := newBackupDB(t)
	dir := filepath.Join(t.TempDir(), "backups")
	var seen []int
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{
		OnFailure: func(err error, n int) { seen = append(seen, n) },
	}, newFakeClock()))
	require.NoError(t, err)
	require.NoError(t, os.Remove(dir))
	require.NoError(t, os.WriteFile(dir, []byte("not a directory"), 0o644))
	for range 3 {
		require.Error(t, m.BackupNow())
	}
	assert.Equal(t, []int{1, 2, 3}, seen)
	assert.Equal(t, 3, m.ConsecutiveFailures())

	require.NoError(t, os.Remove(dir))
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, m.BackupNow())
	assert.Equal(t, 0, m.ConsecutiveFailures(), "a success resets the count")
}

func TestBackupFailureCallbackPanicIsContained(t *testing.T) {
	db, _ := newBackupDB(t)
	dir := filepath.Join(t.TempDir(), "b")
	m, err := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{OnFailure: func(error, int) { panic("boom") }})
	require.NoError(t, err)
	require.NoError(t, os.Remove(dir))
	require.NoError(t, os.WriteFile(dir, nil, 0o644))
	require.Error(t, m.BackupNow())
	assert.Equal(t, 1, m.ConsecutiveFailures())
}

func TestBackupNamesUniqueUnderConcurrency(t *testing.T) {
	db, _ := newBackupDB(t)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{}, newFakeClock())) // the clock never moves
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { assert.NoError(t, m.BackupNow()) })
	}
	wg.Wait()
	assert.Len(t, backupFiles(t, dir, "dictdb_backup_"), 20)
}

func TestBackupRetention(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, MaxDeltas: 2, Keep: 2}, newFakeClock()))
	require.NoError(t, err)
	for i := range 12 {
		_, err := users.Insert(dictdb.Record{"name": fmt.Sprint("r", i), "age": i})
		require.NoError(t, err)
		require.NoError(t, m.BackupNow())
	}
	// 12 backups: full, delta, delta, full, ... The last two fulls stay,
	// with the deltas after them.
	fulls := backupFiles(t, dir, "dictdb_backup_")
	assert.Len(t, fulls, 2)
	deltas := backupFiles(t, dir, "dictdb_delta_")
	assert.Len(t, deltas, 4)
	for _, d := range deltas {
		assert.Greater(t, d[len("dictdb_delta_"):], fulls[0][len("dictdb_backup_"):], "no delta older than the oldest full backup kept")
	}
	restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	assertSameDB(t, db, restored)
}

func TestBackupStopIsIdempotentAndSafe(t *testing.T) {
	db, _ := newBackupDB(t)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{FinalBackup: true}, newFakeClock()))
	require.NoError(t, err)
	require.NoError(t, m.Stop(), "Stop before Start")
	require.NoError(t, m.Stop())
	assert.Len(t, backupFiles(t, dir, "dictdb_backup_"), 1, "one final backup")
	require.ErrorIs(t, m.Start(), dictdb.ErrBackupState, "no restart after Stop")

	_, err = dictdb.NewBackupManager(nil, dir, dictdb.BackupOptions{})
	require.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{Format: dictdb.Auto})
	require.ErrorIs(t, err, dictdb.ErrInvalidFormat)
}

// assertSameDB checks that two databases hold the same tables, records,
// index definitions and next auto keys.
func assertSameDB(t *testing.T, want, got *dictdb.DB) {
	t.Helper()
	require.Equal(t, want.TableNames(), got.TableNames())
	for _, name := range want.TableNames() {
		a, err := want.Table(name)
		require.NoError(t, err)
		b, err := got.Table(name)
		require.NoError(t, err)
		assert.Equal(t, a.Records(), b.Records(), "table %s", name)
		assert.Equal(t, a.Indexes(), b.Indexes(), "table %s", name)
		assert.Equal(t, a.SchemaFields(), b.SchemaFields(), "table %s", name)
		assert.Equal(t, a.PrimaryKey(), b.PrimaryKey(), "table %s", name)
		ka, errA := a.Insert(dictdb.Record{"name": "\x00probe", "age": 0})
		kb, errB := b.Insert(dictdb.Record{"name": "\x00probe", "age": 0})
		if errA == nil || errB == nil {
			assert.Equal(t, ka, kb, "table %s: the next auto key", name)
		}
		if errA == nil {
			_, err = a.Delete(cond.Field(a.PrimaryKey()).Eq(ka))
			require.NoError(t, err)
		}
	}
}

func TestRestoreBackupEqualsDatabaseAtLastBackup(t *testing.T) {
	for _, format := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		t.Run(format.String(), func(t *testing.T) {
			seed := rand.Uint64()
			t.Logf("seed=%d", seed)
			rng := rand.New(rand.NewPCG(seed, 7))
			db, users := newBackupDB(t)
			dir := t.TempDir()
			m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, MaxDeltas: 4, Format: format}, newFakeClock()))
			require.NoError(t, err)
			for step := range 40 {
				switch rng.IntN(6) {
				case 0, 1:
					users.Insert(dictdb.Record{"name": fmt.Sprint("n", rng.IntN(30)), "age": rng.IntN(90)})
				case 2:
					users.Update(dictdb.Record{"age": rng.IntN(90)}, cond.Field("age").Lt(rng.IntN(90)))
				case 3:
					users.Delete(cond.Field("age").Gt(rng.IntN(120)))
				case 4:
					if step%10 == 4 {
						extra, err := db.CreateTable(fmt.Sprint("extra", step), dictdb.PrimaryKey("code"))
						require.NoError(t, err)
						require.NoError(t, extra.CreateIndex("v", dictdb.HashIndex))
						_, err = extra.InsertMany([]dictdb.Record{{"code": "a", "v": 1.5}, {"v": []any{1, "x"}}})
						require.NoError(t, err)
					} else if names := db.TableNames(); len(names) > 1 && rng.IntN(2) == 0 {
						require.NoError(t, db.DropTable(names[0]))
					}
				}
				require.NoError(t, m.BackupNow())
			}
			restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
			require.NoError(t, err)
			assert.NotEmpty(t, info.Full)
			if len(info.Deltas) > 0 {
				assert.Equal(t, db.Seq(), info.Seq)
			}
			for _, name := range db.TableNames() {
				a, _ := db.Table(name)
				b, err := restored.Table(name)
				require.NoError(t, err)
				assert.Equal(t, a.Records(), b.Records(), "table %s", name)
				assert.Equal(t, a.Indexes(), b.Indexes(), "table %s", name)
			}
			assert.Equal(t, db.TableNames(), restored.TableNames())
			users2, err := restored.Table("users")
			require.NoError(t, err)
			k1, _ := users.Insert(dictdb.Record{"name": "\x00next", "age": 1})
			k2, _ := users2.Insert(dictdb.Record{"name": "\x00next", "age": 1})
			assert.Equal(t, k1, k2, "the auto-key counter is restored")
			_, err = users2.Insert(dictdb.Record{"name": "\x00next", "age": 2})
			require.ErrorIs(t, err, dictdb.ErrDuplicateKey, "the unique index is restored")
		})
	}
}

func TestRestoreBackupBrokenChain(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, MaxDeltas: 10}, newFakeClock()))
	require.NoError(t, err)
	require.NoError(t, m.BackupNow())
	var counts []int
	for i := range 3 {
		_, err := users.Insert(dictdb.Record{"name": fmt.Sprint("x", i), "age": i})
		require.NoError(t, err)
		require.NoError(t, m.BackupNow())
		counts = append(counts, users.Count())
	}
	deltas := backupFiles(t, dir, "dictdb_delta_")
	require.Len(t, deltas, 3)
	require.NoError(t, os.Remove(filepath.Join(dir, deltas[1])))

	_, _, err = dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.ErrorIs(t, err, dictdb.ErrBackupChain)
	assert.Contains(t, err.Error(), deltas[2])

	restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{NewestConsistent: true})
	require.NoError(t, err)
	require.ErrorIs(t, info.Problem, dictdb.ErrBackupChain)
	assert.Equal(t, []string{deltas[0]}, info.Deltas)
	r, _ := restored.Table("users")
	assert.Equal(t, counts[0], r.Count(), "the newest consistent point")

	require.NoError(t, os.WriteFile(filepath.Join(dir, deltas[2]), []byte("{garbage"), 0o644))
	_, _, err = dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.ErrorIs(t, err, dictdb.ErrBackupChain)

	_, _, err = dictdb.RestoreBackup(t.TempDir(), dictdb.RestoreOptions{})
	require.ErrorIs(t, err, dictdb.ErrBackupChain, "no full backup")
}

// TestBackupsDuringTransfersKeepTheInvariant takes backups while two-table
// transactions move money between tables: every backup, full or restored
// through its deltas, holds the same total.
func TestBackupsDuringTransfersKeepTheInvariant(t *testing.T) {
	db := dictdb.New()
	a, _ := db.CreateTable("a")
	b, _ := db.CreateTable("b")
	for i := range 10 {
		_, err := a.Insert(dictdb.Record{"id": i, "bal": 100})
		require.NoError(t, err)
		_, err = b.Insert(dictdb.Record{"id": i, "bal": 100})
		require.NoError(t, err)
	}
	total := func(db *dictdb.DB) int64 {
		var sum int64
		for _, name := range []string{"a", "b"} {
			tb, err := db.Table(name)
			require.NoError(t, err)
			for _, r := range tb.Records() {
				sum += r["bal"].(int64)
			}
		}
		return sum
	}
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, MaxDeltas: 3}, newFakeClock()))
	require.NoError(t, err)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				i, j, amt := rng.IntN(10), rng.IntN(10), int64(rng.IntN(20))
				err := db.Update([]string{"a", "b"}, func(tx *dictdb.Tx) error {
					ta, _ := tx.Table("a")
					tb, _ := tx.Table("b")
					ra, _ := ta.Get(i)
					rb, _ := tb.Get(j)
					if _, err := ta.Update(dictdb.Record{"bal": ra["bal"].(int64) - amt}, cond.Field("id").Eq(i)); err != nil {
						return err
					}
					_, err := tb.Update(dictdb.Record{"bal": rb["bal"].(int64) + amt}, cond.Field("id").Eq(j))
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 12 {
		require.NoError(t, m.BackupNow())
	}
	close(stop)
	wg.Wait()

	for _, f := range backupFiles(t, dir, "dictdb_backup_") {
		loaded, err := dictdb.Load(filepath.Join(dir, f), dictdb.Auto)
		require.NoError(t, err)
		assert.Equal(t, int64(2000), total(loaded), "full backup %s", f)
	}
	restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(2000), total(restored))
	files := append(backupFiles(t, dir, "dictdb_backup_"), backupFiles(t, dir, "dictdb_delta_")...)
	assert.True(t, slices.IsSorted(backupFiles(t, dir, "dictdb_")), "names sort in backup order")
	assert.NotEmpty(t, files)
	_ = errors.New
}
