package dictdb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/internal/testhang"
)

// followedBackups starts a manager on db that is never told of a change
// (no NotifyChange, a period of an hour) and returns the channel its
// backups are reported on.
func followedBackups(t *testing.T, db *dictdb.DB, dir string) (*dictdb.BackupManager, <-chan dictdb.BackupResult) {
	t.Helper()
	results := make(chan dictdb.BackupResult, 64)
	m, err := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{
		Interval:    time.Hour,
		MinInterval: -1, // no debounce: every commit is backed up
		Format:      dictdb.Binary,
		OnBackup:    func(r dictdb.BackupResult) { results <- r },
	})
	require.NoError(t, err)
	require.NoError(t, m.Start())
	t.Cleanup(func() { _ = m.Stop() })
	return m, results
}

// awaitBackupOf waits until a backup reflects commit seq or a later one.
func awaitBackupOf(t *testing.T, results <-chan dictdb.BackupResult, seq uint64) dictdb.BackupResult {
	t.Helper()
	var got dictdb.BackupResult
	testhang.Returns(t, "a backup of the latest commit", func() {
		for got = range results {
			if got.Seq >= seq {
				return
			}
		}
	})
	return got
}

func testBackupFollowsCommits(t *testing.T, db *dictdb.DB) {
	dir := t.TempDir()
	users, err := db.CreateTable("users")
	require.NoError(t, err)
	_, results := followedBackups(t, db, dir)

	for i := range 3 {
		_, err := users.Insert(dictdb.Record{"id": int64(i + 1), "name": "u"})
		require.NoError(t, err)
		awaitBackupOf(t, results, db.Seq())
	}

	restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	require.Equal(t, db.Seq(), info.Seq)
	rt, err := restored.Table("users")
	require.NoError(t, err)
	require.Equal(t, 3, rt.Count())
}

// TestBackupFollowsCommits: a started manager backs up every commit
// without being told (NotifyChange), in memory and on a durable database.
func TestBackupFollowsCommits(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		testBackupFollowsCommits(t, dictdb.New())
	})
	t.Run("durable", func(t *testing.T) {
		db, err := dictdb.Open(t.TempDir())
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		testBackupFollowsCommits(t, db)
	})
}

// TestBackupFollowingKeepsNoHistory: following the commits is not a
// subscription: the feed keeps nothing for the manager (a subscription
// would keep every commit's table versions alive, and could lag).
func TestBackupFollowingKeepsNoHistory(t *testing.T) {
	db := dictdb.New()
	users, err := db.CreateTable("users")
	require.NoError(t, err)
	_, results := followedBackups(t, db, t.TempDir())
	for i := range 5 {
		_, err := users.Insert(dictdb.Record{"id": int64(i + 1)})
		require.NoError(t, err)
	}
	awaitBackupOf(t, results, db.Seq())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, err := range db.Changes(ctx, 1) {
		var lagged *dictdb.LaggedError
		require.True(t, errors.As(err, &lagged), "commits were kept while only a manager followed: %v", err)
		break
	}
}
