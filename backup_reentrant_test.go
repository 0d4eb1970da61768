package dictdb_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/internal/testhang"
)

// TestBackupCallbacksMayCallTheManager: OnBackup and OnFailure run after the
// manager's lock is released, so a callback that reads the counters or takes
// another backup does not wait for itself.
func TestBackupCallbacksMayCallTheManager(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	var m *dictdb.BackupManager
	var seen []int
	nested := 0
	opts := dictdb.BackupOptions{Incremental: true, MaxDeltas: 5,
		OnBackup: func(r dictdb.BackupResult) {
			seen = append(seen, m.DeltasSinceFull(), m.ConsecutiveFailures())
			if nested == 0 {
				nested++
				if err := m.BackupNow(); err != nil { // a delta with no change: nothing written
					t.Errorf("BackupNow from OnBackup: %v", err)
				}
			}
		},
	}
	var err error
	m, err = dictdb.NewBackupManager(db, dir, opts)
	require.NoError(t, err)
	testhang.Returns(t, "BackupFull with a callback calling the manager", func() {
		require.NoError(t, m.BackupFull())
	})
	_, err = users.Insert(dictdb.Record{"name": "Ann", "age": 3})
	require.NoError(t, err)
	testhang.Returns(t, "BackupDelta with a callback calling the manager", func() {
		require.NoError(t, m.BackupDelta())
	})
	require.Equal(t, []int{0, 0, 1, 0}, seen, "counters read from OnBackup: (deltas, failures) per backup")

	restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	rt, err := restored.Table("users")
	require.NoError(t, err)
	require.Equal(t, 2, rt.Count())
}

// TestRestoreBackupEmptyDir: an empty directory name is a bad argument, not
// an error of the file system.
func TestRestoreBackupEmptyDir(t *testing.T) {
	_, _, err := dictdb.RestoreBackup("", dictdb.RestoreOptions{})
	if !errors.Is(err, dictdb.ErrInvalidArgument) {
		t.Fatalf("RestoreBackup(\"\"): %v, want ErrInvalidArgument", err)
	}
}

// TestStopFromCallbackReturns: Stop called from OnBackup or OnFailure on the
// manager's own goroutine, and from a callback of Stop's final backup,
// returns instead of waiting for itself, and no backup starts afterwards.
func TestStopFromCallbackReturns(t *testing.T) {
	for _, c := range []struct {
		name  string
		final bool
		fail  bool
	}{{"OnBackup", false, false}, {"OnBackupOfFinalBackup", true, false}, {"OnFailure", false, true}} {
		t.Run(c.name, func(t *testing.T) {
			db, users := newBackupDB(t)
			dir := t.TempDir()
			var m *dictdb.BackupManager
			calls := 0
			stopped := make(chan error, 2)
			stop := func() {
				calls++
				n := calls
				err := m.Stop() // with FinalBackup, the final backup's callback calls it again, nested
				if n == 1 {
					stopped <- err
				}
			}
			opts := dictdb.BackupOptions{MinInterval: -1, FinalBackup: c.final,
				OnBackup:  func(dictdb.BackupResult) { stop() },
				OnFailure: func(error, int) { stop() },
			}
			var err error
			m, err = dictdb.NewBackupManager(db, dir, opts)
			require.NoError(t, err)
			if c.fail {
				dictdb.FailWrites(m, errors.New("disk full"))
			}
			require.NoError(t, m.Start())
			m.NotifyChange() // the manager's goroutine backs up and calls back
			testhang.Returns(t, "Stop from a callback", func() {
				err := <-stopped
				if !c.fail {
					require.NoError(t, err)
				}
			})
			testhang.Returns(t, "a second Stop", func() { _ = m.Stop() })
			before := calls
			if want := map[bool]int{false: 1, true: 2}[c.final]; before != want {
				t.Fatalf("%d callbacks, want %d", before, want)
			}
			_, err = users.Insert(dictdb.Record{"name": "late", "age": 1})
			require.NoError(t, err)
			m.NotifyChange()
			_ = m.Stop()
			if calls != before {
				t.Fatalf("a backup ran after Stop returned (%d callbacks, then %d)", before, calls)
			}
		})
	}
}
