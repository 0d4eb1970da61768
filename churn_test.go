package dictdb_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhang"
	"github.com/dictdb-go/dictdb/internal/testseed"
	"github.com/dictdb-go/dictdb/tbl"
)

// TestTableChurnWithRestore runs, at once, writers through long-lived
// handles, DropTable and CreateTable of the same names inside and outside
// transactions, and Restore of snapshots taken before tables were created
// or dropped. Every call must return nil or its documented error, nothing
// may hang, every version any snapshot saw must keep its indexes in step
// with its rows, and the snapshots must never change.
func TestTableChurnWithRestore(t *testing.T) {
	seed := testseed.Seed(t)
	db := dictdb.New()
	names := []string{"a", "b", "c"}
	for _, n := range names[:2] {
		tb, err := db.CreateTable(n)
		require.NoError(t, err)
		require.NoError(t, tb.CreateIndex("v", dictdb.SortedIndex))
	}
	first := db.Snapshot()
	firstDump := binaryDumps(t, db, first)[0]

	var (
		mu    sync.Mutex
		snaps = []*dictdb.Snapshot{first}
	)
	keep := func(s *dictdb.Snapshot) {
		mu.Lock()
		snaps = append(snaps, s)
		mu.Unlock()
	}
	pick := func(r *rand.Rand) *dictdb.Snapshot {
		mu.Lock()
		defer mu.Unlock()
		return snaps[r.IntN(len(snaps))]
	}
	allowed := func(err error) bool {
		return err == nil || errors.Is(err, dictdb.ErrTableNotFound) || errors.Is(err, dictdb.ErrTableExists)
	}

	const workers, rounds = 6, 150
	errs := make(chan error, workers)
	testhang.Returns(t, "table churn", func() {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(seed, uint64(w)))
				handles := map[string]*dictdb.Table{}
				for range rounds {
					name := names[r.IntN(len(names))]
					var err error
					switch op := r.IntN(10); {
					case op < 4: // write through a handle kept across drops
						h := handles[name]
						if h == nil {
							if h, err = db.Table(name); err == nil {
								handles[name] = h
							}
						}
						if h != nil {
							_, err = h.Insert(dictdb.Record{"v": r.IntN(50)})
							if err == nil {
								_, err = h.Update(dictdb.Record{"w": w}, cond.Field("v").Lt(r.IntN(50)))
							}
						}
					case op < 5:
						err = db.DropTable(name)
					case op < 6:
						var h *dictdb.Table
						if h, err = db.CreateTable(name); err == nil {
							err = h.CreateIndex("v", dictdb.SortedIndex)
							handles[name] = h
						}
					case op < 8: // drop and create again in one transaction
						other := names[r.IntN(len(names))]
						err = db.Update([]string{name, other}, func(tx *dictdb.Tx) error {
							if err := tx.DropTable(name); err != nil && !errors.Is(err, dictdb.ErrTableNotFound) {
								return err
							}
							tt, err := tx.CreateTable(name)
							if err != nil {
								return err
							}
							if _, err := tt.Insert(dictdb.Record{"v": 1}); err != nil {
								return err
							}
							if ot, err := tx.Table(other); err == nil {
								_, err = ot.Delete(cond.Field("v").Gt(40))
								return err
							}
							return nil
						})
					case op < 9:
						err = db.Restore(pick(r))
					default:
						keep(db.Snapshot())
					}
					if !allowed(err) {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		wg.Wait()
	})
	for range workers {
		require.NoError(t, <-errs)
	}
	keep(db.Snapshot())
	t.Logf("%d commits, %d snapshots", db.Seq(), len(snaps))
	for _, s := range snaps {
		for _, name := range s.TableNames() {
			v, err := s.Table(name)
			require.NoError(t, err)
			require.NoError(t, tbl.Verify(dictdb.TableVersion(v)), "snapshot %d, table %s", s.Seq(), name)
		}
	}
	var b bytes.Buffer
	require.NoError(t, dictdb.WriteSnapshot(&b, first, dictdb.Binary))
	require.Equal(t, firstDump, b.Bytes(), "the first snapshot changed")
}
