package dictdb_test

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/fuzz"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// replayFrom loads the dump of the state at commit from, applies the
// changes Changes(ctx, from) yields up to the database's latest commit, and
// checks the state after each commit whose dump states holds.
func replayFrom(t *testing.T, db *dictdb.DB, from uint64, states map[uint64]string) {
	t.Helper()
	replica, err := dictdb.LoadFrom(strings.NewReader(states[from]), dictdb.JSON)
	require.NoError(t, err)
	end := db.Seq()
	last := from
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	next, stop := iter.Pull2(db.Changes(ctx, from))
	defer stop()
	for last < end {
		c, err, ok := next()
		require.True(t, ok)
		require.NoError(t, err, "changes after %d", from)
		require.Equal(t, last+1, c.Seq, "changes must come in commit order, with no gap")
		require.NoError(t, replica.ApplyChange(c), "change %d", c.Seq)
		last = c.Seq
		if want, ok := states[last]; ok {
			require.Equal(t, want, dbDump(t, replica), "the replica at commit %d, replayed from %d", last, from)
		}
	}
}

// TestFeedFromTheLog: on a durable database the feed starts from any
// commit the log still holds, after reopening too: random programs of the
// reference model's operations (with closes and reopens) and checkpoints;
// then, from random commits, the changes replayed onto the state at that
// commit give the live states after it. A from older than the newest
// checkpoint is a *LaggedError naming the checkpoint.
func TestFeedFromTheLog(t *testing.T) {
	seed := testseed.Seed(t)
	rng := rand.New(rand.NewPCG(seed, 23))
	programs := 6
	if testing.Short() {
		programs = 2
	}
	for p := range programs {
		data := make([]byte, 1500+rng.IntN(1500))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		real, err := fuzz.NewDurableReal(fuzz.Config{Index: dictdb.SortedIndex, Mixed: p%2 == 1}, t.TempDir())
		require.NoError(t, err)
		states := map[uint64]string{0: dbDump(t, real.DB)}
		var ckpt uint64
		ops := fuzz.Program(data)
		for i, o := range ops {
			fuzz.Run(real, []fuzz.Op{o})
			states[real.DB.Seq()] = dbDump(t, real.DB)
			if p%2 == 0 && i == len(ops)/3 {
				require.NoError(t, real.DB.Checkpoint())
				ckpt = real.DB.Seq()
			}
		}
		require.Empty(t, real.Problems)
		t.Logf("program %d: %d commits, checkpoint at %d", p, real.DB.Seq(), ckpt)
		var froms []uint64
		for s := range states {
			if s >= ckpt {
				froms = append(froms, s)
			}
		}
		for range 4 {
			replayFrom(t, real.DB, froms[rng.IntN(len(froms))], states)
		}
		if ckpt > 0 {
			for _, err := range real.DB.Changes(context.Background(), ckpt-1) {
				var lagged *dictdb.LaggedError
				require.True(t, errors.As(err, &lagged), "a from before the checkpoint: %v", err)
				require.Equal(t, ckpt+1, lagged.Oldest)
				require.Equal(t, ckpt-1, lagged.From)
				break
			}
		}
		require.NoError(t, real.Close())
	}
}

// TestFeedFromTheLogThenTheBuffer: the commits the buffer no longer holds
// come from the log, and the feed goes on from the buffer with no gap and
// no overlap, then follows new commits.
func TestFeedFromTheLogThenTheBuffer(t *testing.T) {
	db, err := dictdb.Open(t.TempDir())
	require.NoError(t, err)
	defer db.Close()
	users, err := db.CreateTable("users")
	require.NoError(t, err)
	states := map[uint64]string{0: dbDump(t, db), db.Seq(): dbDump(t, db)}
	insert := func(n int) {
		for range n {
			_, err := users.Insert(dictdb.Record{"name": "u"})
			require.NoError(t, err)
			states[db.Seq()] = dbDump(t, db)
		}
	}
	insert(10)
	// An open subscription makes the buffer keep the commits from here on.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	held, stop := iter.Pull2(db.Changes(ctx, db.Seq()))
	defer stop()
	insert(10)
	c, err, _ := held()
	require.NoError(t, err)
	require.Equal(t, uint64(12), c.Seq)

	replayFrom(t, db, 3, states) // 4-11 from the log, 12-21 from the buffer

	// And then it follows the commits as they come.
	next, stopAll := iter.Pull2(db.Changes(ctx, 0))
	defer stopAll()
	for want := uint64(1); want <= db.Seq(); want++ {
		c, err, _ := next()
		require.NoError(t, err)
		require.Equal(t, want, c.Seq)
	}
	_, err = users.Insert(dictdb.Record{"name": "new"})
	require.NoError(t, err)
	c, err, _ = next()
	require.NoError(t, err)
	require.Equal(t, db.Seq(), c.Seq)
	require.Len(t, c.Tables, 1)
	require.Len(t, c.Tables[0].Inserted, 1)
}
