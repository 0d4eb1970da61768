package dictdb_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// isoTable creates a table holding n records {id: i, v: 0} for i in 1..n.
func isoTable(t *testing.T, db *dictdb.DB, name string, n int) *dictdb.Table {
	t.Helper()
	tb, err := db.CreateTable(name)
	require.NoError(t, err)
	if n > 0 {
		recs := make([]dictdb.Record, n)
		for i := range recs {
			recs[i] = dictdb.Record{"id": i + 1, "v": 0}
		}
		_, err = tb.InsertMany(recs)
		require.NoError(t, err)
	}
	return tb
}

// snapView returns the named table of snap, failing the test if it is absent.
func snapView(t *testing.T, snap *dictdb.Snapshot, name string) *dictdb.View {
	t.Helper()
	v, err := snap.Table(name)
	require.NoError(t, err)
	return v
}

// sumField adds up the int64 field f over every record of v.
func sumField(v *dictdb.View, f string) int64 {
	var total int64
	for _, r := range v.Records() {
		total += r[f].(int64)
	}
	return total
}

// A transaction's writes, while its function is still running, are
// invisible to every reader: live handles, snapshots, View and the sequence.
func TestNoDirtyRead(t *testing.T) {
	db := dictdb.New()
	acct := isoTable(t, db, "acct", 0)
	_, err := acct.Insert(dictdb.Record{"id": 1, "balance": 100})
	require.NoError(t, err)
	log := isoTable(t, db, "log", 0)
	seq := db.Seq()

	inside, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- db.Update([]string{"acct", "log"}, func(tx *dictdb.Tx) error {
			a, err := tx.Table("acct")
			if err != nil {
				return err
			}
			l, err := tx.Table("log")
			if err != nil {
				return err
			}
			if _, err := a.Update(dictdb.Record{"balance": 0}, cond.Field("id").Eq(1)); err != nil {
				return err
			}
			if _, err := a.Insert(dictdb.Record{"id": 2, "balance": 100}); err != nil {
				return err
			}
			if _, err := l.Insert(dictdb.Record{"msg": "moved 100"}); err != nil {
				return err
			}
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside // the transaction has staged every write and is parked in fn

	during := db.Snapshot()
	checkOld := func(what string) {
		rec, ok := acct.Get(1)
		require.True(t, ok, what)
		assert.EqualValues(t, 100, rec["balance"], what)
		_, ok = acct.Get(2)
		assert.False(t, ok, what)
		assert.Equal(t, 1, acct.Count(), what)
		assert.Equal(t, 0, log.Count(), what)
		rows, err := acct.Select(dictdb.Query{Where: cond.Field("balance").Eq(0)})
		require.NoError(t, err)
		assert.Empty(t, rows, what)

		ts, err := acct.View()
		require.NoError(t, err)
		assert.Equal(t, 1, ts.Count(), what)

		require.NoError(t, db.View(func(s *dictdb.Snapshot) error {
			assert.Equal(t, seq, s.Seq(), what)
			assert.Equal(t, 1, snapView(t, s, "acct").Count(), what)
			assert.Equal(t, 0, snapView(t, s, "log").Count(), what)
			return nil
		}))
		assert.Equal(t, seq, db.Seq(), what)
	}
	checkOld("while the transaction runs")

	close(release)
	require.NoError(t, <-done)

	// The commit is visible now, all of it ...
	assert.Equal(t, seq+1, db.Seq())
	rec, ok := acct.Get(1)
	require.True(t, ok)
	assert.EqualValues(t, 0, rec["balance"])
	assert.Equal(t, 2, acct.Count())
	assert.Equal(t, 1, log.Count())
	// ... but not to the snapshot taken while it ran.
	assert.Equal(t, seq, during.Seq())
	assert.Equal(t, 1, snapView(t, during, "acct").Count())
	assert.Equal(t, 0, snapView(t, during, "log").Count())
	old, ok := snapView(t, during, "acct").Get(1)
	require.True(t, ok)
	assert.EqualValues(t, 100, old["balance"])
}

// Re-reading a snapshot after any number of concurrent commits gives the
// same rows, and so does a single-table snapshot.
func TestNoNonRepeatableRead(t *testing.T) {
	const rows, writers, commits = 20, 4, 50
	db := dictdb.New()
	tb := isoTable(t, db, "t", rows)

	snap := db.Snapshot()
	view := snapView(t, snap, "t")
	tview, err := tb.View()
	require.NoError(t, err)
	want := view.Records()
	require.Len(t, want, rows)

	stop := make(chan struct{})
	var writersWG sync.WaitGroup
	for w := range writers {
		writersWG.Go(func() {
			for i := range commits {
				key := (w*commits+i)%rows + 1
				if _, err := tb.Update(dictdb.Record{"v": i + 1}, cond.Field("id").Eq(key)); err != nil {
					t.Error(err)
					return
				}
				if _, err := tb.Insert(dictdb.Record{"v": -1}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var readersWG sync.WaitGroup
	reads := make(chan int, writers)
	for range writers {
		readersWG.Go(func() {
			n := 0
			check := func() bool {
				n++
				got, ok := view.Get(rows/2 + 1)
				return assert.Equal(t, want, view.Records()) &&
					assert.Equal(t, want, tview.Records()) &&
					assert.True(t, ok) && assert.Equal(t, want[rows/2], got)
			}
			for {
				select {
				case <-stop:
					check() // one read after every commit
					reads <- n
					return
				default:
					if !check() {
						reads <- n
						return
					}
				}
			}
		})
	}
	writersWG.Wait()
	close(stop)
	readersWG.Wait()
	close(reads)
	for n := range reads {
		assert.Positive(t, n)
	}

	// The live table did change, so the snapshot had something to ignore.
	assert.Equal(t, rows+writers*commits, tb.Count())
	assert.NotEqual(t, want, tb.Records()[:rows])
	assert.Equal(t, want, view.Records())
	assert.Equal(t, snap.Seq()+writers*commits*2, db.Seq())
}

func mustGet(t *testing.T, v *dictdb.View, key any) dictdb.Record {
	t.Helper()
	r, ok := v.Get(key)
	require.True(t, ok, "key %v", key)
	return r
}

// A snapshot's Select with a condition returns the same set after
// concurrent inserts (and updates into the set) that match it, with and
// without an index serving the condition.
func TestNoPhantomRead(t *testing.T) {
	for _, indexed := range []bool{false, true} {
		t.Run(fmt.Sprintf("indexed=%v", indexed), func(t *testing.T) {
			db := dictdb.New()
			tb, err := db.CreateTable("t")
			require.NoError(t, err)
			if indexed {
				require.NoError(t, tb.CreateIndex("color", dictdb.SortedIndex))
			}
			for i := range 30 {
				color := "blue"
				if i%3 == 0 {
					color = "red"
				}
				_, err := tb.Insert(dictdb.Record{"color": color, "n": i})
				require.NoError(t, err)
			}
			red := cond.Field("color").Eq("red")
			q := dictdb.Query{Where: cond.And(red, cond.Field("n").Lt(1000))}

			snap := db.Snapshot()
			view := snapView(t, snap, "t")
			want, err := view.Select(q)
			require.NoError(t, err)
			require.Len(t, want, 10)

			const inserters, each = 4, 40
			stop := make(chan struct{})
			var writersWG sync.WaitGroup
			for w := range inserters {
				writersWG.Go(func() {
					for i := range each {
						if _, err := tb.Insert(dictdb.Record{"color": "red", "n": w*each + i}); err != nil {
							t.Error(err)
							return
						}
					}
					// Move a blue record into the set too.
					if _, err := tb.Update(dictdb.Record{"color": "red"}, cond.Field("n").Eq(w*3+1)); err != nil {
						t.Error(err)
					}
				})
			}
			readerDone := make(chan int)
			go func() {
				n := 0
				check := func() bool {
					n++
					got, err := view.Select(q)
					c, cerr := view.CountWhere(q.Where)
					return assert.NoError(t, err) && assert.NoError(t, cerr) &&
						assert.Equal(t, want, got) && assert.Equal(t, len(want), c)
				}
				for {
					select {
					case <-stop:
						check()
						readerDone <- n
						return
					default:
						if !check() {
							readerDone <- n
							return
						}
					}
				}
			}()
			writersWG.Wait()
			close(stop)
			assert.Positive(t, <-readerDone)

			live, err := tb.Select(q)
			require.NoError(t, err)
			assert.Len(t, live, 10+inserters*each+inserters, "the live table sees the new matches")
			got, err := view.Select(q)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

// N concurrent read-modify-write increments through db.Update on one row
// end with exactly N increments.
func TestNoLostUpdate(t *testing.T) {
	const n = 64
	db := dictdb.New()
	tb := isoTable(t, db, "counter", 1)
	seq := db.Seq()

	start := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			<-start
			err := db.Update([]string{"counter"}, func(tx *dictdb.Tx) error {
				c, err := tx.Table("counter")
				if err != nil {
					return err
				}
				rec, ok := c.Get(1)
				if !ok {
					return errors.New("row 1 missing")
				}
				_, err = c.Update(dictdb.Record{"v": rec["v"].(int64) + 1}, cond.Field("id").Eq(1))
				return err
			})
			assert.NoError(t, err)
		})
	}
	close(start)
	wg.Wait()

	rec, ok := tb.Get(1)
	require.True(t, ok)
	assert.EqualValues(t, n, rec["v"])
	assert.Equal(t, seq+n, db.Seq(), "one commit per increment")
}

// Transfers between two tables run as transactions while snapshots are
// taken concurrently: every snapshot sees the same total.
func TestNoReadSkewAcrossTables(t *testing.T) {
	const accounts, start, transferers, transfers, checkers = 8, 1000, 6, 150, 4
	const total = 2 * accounts * start
	db := dictdb.New()
	for _, name := range []string{"checking", "savings"} {
		tb, err := db.CreateTable(name)
		require.NoError(t, err)
		for i := 1; i <= accounts; i++ {
			_, err := tb.Insert(dictdb.Record{"id": i, "balance": start})
			require.NoError(t, err)
		}
	}

	transfer := func(from, to string, fromKey, toKey int, amount int64) error {
		tables := []string{from, to}
		if fromKey%2 == 0 {
			tables = []string{to, from} // both orders of names
		}
		return db.Update(tables, func(tx *dictdb.Tx) error {
			f, err := tx.Table(from)
			if err != nil {
				return err
			}
			g, err := tx.Table(to)
			if err != nil {
				return err
			}
			src, _ := f.Get(fromKey)
			dst, _ := g.Get(toKey)
			if _, err := f.Update(dictdb.Record{"balance": src["balance"].(int64) - amount}, cond.Field("id").Eq(fromKey)); err != nil {
				return err
			}
			_, err = g.Update(dictdb.Record{"balance": dst["balance"].(int64) + amount}, cond.Field("id").Eq(toKey))
			return err
		})
	}

	stop := make(chan struct{})
	var transferWG sync.WaitGroup
	for w := range transferers {
		transferWG.Go(func() {
			for i := range transfers {
				from, to := "checking", "savings"
				if (w+i)%3 == 0 { // mostly checking to savings
					from, to = to, from
				}
				if err := transfer(from, to, (w+i)%accounts+1, (w*7+i)%accounts+1, int64(i%50+1)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	checks := make(chan int, checkers)
	var checkWG sync.WaitGroup
	for c := range checkers {
		checkWG.Go(func() {
			n := 0
			check := func() bool {
				n++
				sumOf := func(snap *dictdb.Snapshot) error {
					c, err := snap.Table("checking")
					if err != nil {
						return err
					}
					s, err := snap.Table("savings")
					if err != nil {
						return err
					}
					if sum := sumField(c, "balance") + sumField(s, "balance"); sum != total {
						return fmt.Errorf("snapshot at seq %d sees a total of %d, not %d", snap.Seq(), sum, total)
					}
					return nil
				}
				if c%2 == 0 {
					return assert.NoError(t, sumOf(db.Snapshot()))
				}
				return assert.NoError(t, db.View(sumOf))
			}
			for {
				select {
				case <-stop:
					check()
					checks <- n
					return
				default:
					if !check() {
						checks <- n
						return
					}
				}
			}
		})
	}
	transferWG.Wait()
	close(stop)
	checkWG.Wait()
	close(checks)
	for n := range checks {
		assert.Positive(t, n)
	}

	snap := db.Snapshot()
	checking := sumField(snapView(t, snap, "checking"), "balance")
	assert.NotEqual(t, int64(accounts*start), checking, "money moved between the tables")
	assert.EqualValues(t, total, checking+sumField(snapView(t, snap, "savings"), "balance"))
}

// A snapshot's contents never change: not after later commits, drops,
// creations, restores (to it and to other snapshots), nor when the caller
// mutates what it returned.
func TestSnapshotNeverChanges(t *testing.T) {
	db := dictdb.New()
	a := isoTable(t, db, "a", 5)
	isoTable(t, db, "b", 3)

	snap := db.Snapshot()
	seq, names := snap.Seq(), snap.TableNames()
	wantA, wantB := snapView(t, snap, "a").Records(), snapView(t, snap, "b").Records()
	wantKeys := snapView(t, snap, "a").Keys()
	tsnap, err := a.View()
	require.NoError(t, err)

	verify := func(step string) {
		t.Helper()
		assert.Equal(t, seq, snap.Seq(), step)
		assert.Equal(t, names, snap.TableNames(), step)
		assert.Equal(t, wantA, snapView(t, snap, "a").Records(), step)
		assert.Equal(t, wantB, snapView(t, snap, "b").Records(), step)
		assert.Equal(t, wantKeys, snapView(t, snap, "a").Keys(), step)
		assert.Equal(t, wantA, tsnap.Records(), step)
		_, err := snap.Table("c")
		assert.ErrorIs(t, err, dictdb.ErrTableNotFound, step)
	}

	steps := []struct {
		name string
		do   func() error
	}{
		{"insert", func() error { _, err := a.Insert(dictdb.Record{"v": 9}); return err }},
		{"update all", func() error { _, err := a.Update(dictdb.Record{"v": 7, "w": "new"}, nil); return err }},
		{"delete some", func() error { _, err := a.Delete(cond.Field("id").Lt(3)); return err }},
		{"delete all", func() error { _, err := a.Delete(nil); return err }},
		{"create index", func() error { return a.CreateIndex("v", dictdb.HashIndex) }},
		{"drop b", func() error { return db.DropTable("b") }},
		{"create c", func() error { _, err := db.CreateTable("c"); return err }},
		{"transaction", func() error {
			return db.Update([]string{"a", "b", "c"}, func(tx *dictdb.Tx) error {
				if _, err := tx.CreateTable("b"); err != nil {
					return err
				}
				if err := tx.DropTable("c"); err != nil {
					return err
				}
				ta, err := tx.Table("a")
				if err != nil {
					return err
				}
				_, err = ta.Insert(dictdb.Record{"id": 1, "v": 100})
				return err
			})
		}},
		{"restore to self", func() error { return db.Restore(snap) }},
		{"write after restore", func() error { _, err := a.Update(dictdb.Record{"v": -5}, nil); return err }},
		{"restore to a later snapshot", func() error {
			later := db.Snapshot()
			if err := db.DropTable("a"); err != nil {
				return err
			}
			return db.Restore(later)
		}},
		{"mutate returned records", func() error {
			v := snapView(t, snap, "a")
			for _, r := range v.Records() {
				r["v"] = "mutated"
				delete(r, "id")
			}
			r, _ := v.Get(1)
			r["v"] = "mutated"
			for _, r := range v.Copy() {
				r["extra"] = true
			}
			return nil
		}},
	}
	for _, s := range steps {
		require.NoError(t, s.do(), s.name)
		verify("after " + s.name)
	}
	assert.Greater(t, db.Seq(), seq)
}

func TestTxReadsOwnWrites(t *testing.T) {
	db := dictdb.New()
	isoTable(t, db, "a", 2)
	seq := db.Seq()

	err := db.Update([]string{"a", "b"}, func(tx *dictdb.Tx) error {
		ta, err := tx.Table("a")
		require.NoError(t, err)
		k, err := ta.Insert(dictdb.Record{"v": 10})
		require.NoError(t, err)
		assert.EqualValues(t, 3, k)
		rec, ok := ta.Get(3)
		require.True(t, ok, "the transaction sees its insert")
		assert.EqualValues(t, 10, rec["v"])
		assert.Equal(t, 3, ta.Count())

		n, err := ta.Update(dictdb.Record{"v": 5}, cond.Field("id").Lte(2))
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		rows, err := ta.Select(dictdb.Query{Where: cond.Field("v").Eq(5)})
		require.NoError(t, err)
		assert.Len(t, rows, 2, "the transaction sees its update")

		n, err = ta.Delete(cond.Field("id").Eq(1))
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		_, ok = ta.Get(1)
		assert.False(t, ok, "the transaction sees its delete")

		_, action, err := ta.Upsert(dictdb.Record{"id": 2, "w": "x"}, dictdb.OnConflictUpdate)
		require.NoError(t, err)
		assert.Equal(t, dictdb.Updated, action)
		view, err := ta.View()
		require.NoError(t, err)
		assert.Equal(t, []dictdb.Record{{"id": int64(2), "v": int64(5), "w": "x"}, {"id": int64(3), "v": int64(10)}}, view.Records())

		// A table created in the transaction is readable and writable in it.
		tb, err := tx.CreateTable("b")
		require.NoError(t, err)
		_, err = tb.InsertMany([]dictdb.Record{{"v": 1}, {"v": 2}})
		require.NoError(t, err)
		assert.Equal(t, 2, tb.Count())
		again, err := tx.Table("b")
		require.NoError(t, err)
		assert.Equal(t, 2, again.Count())

		// None of it is visible outside.
		assert.Equal(t, seq, db.Seq())
		assert.Equal(t, []string{"a"}, db.TableNames())
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, seq+1, db.Seq(), "one commit")
	a, err := db.Table("a")
	require.NoError(t, err)
	assert.Equal(t, []dictdb.Record{{"id": int64(2), "v": int64(5), "w": "x"}, {"id": int64(3), "v": int64(10)}}, a.Records())
	b, err := db.Table("b")
	require.NoError(t, err)
	assert.Equal(t, 2, b.Count())
}

func TestTxRejectsUnnamedTable(t *testing.T) {
	db := dictdb.New()
	isoTable(t, db, "a", 1)
	b := isoTable(t, db, "b", 1)
	seq := db.Seq()

	err := db.Update([]string{"a"}, func(tx *dictdb.Tx) error {
		_, err := tx.Table("b")
		assert.ErrorIs(t, err, dictdb.ErrTableNotInTx)
		_, err = tx.Table("nope")
		assert.ErrorIs(t, err, dictdb.ErrTableNotInTx)
		_, err = tx.CreateTable("c")
		assert.ErrorIs(t, err, dictdb.ErrTableNotInTx)
		assert.ErrorIs(t, tx.DropTable("b"), dictdb.ErrTableNotInTx)

		ta, err := tx.Table("a")
		require.NoError(t, err)
		_, err = ta.Insert(dictdb.Record{"v": 1})
		require.NoError(t, err)
		_, err = tx.Table("b")
		return err
	})
	require.ErrorIs(t, err, dictdb.ErrTableNotInTx)
	assert.Contains(t, err.Error(), `table "b"`)
	assert.Contains(t, err.Error(), "add it to the tables DB.Update names")
	assert.Equal(t, seq, db.Seq(), "the failed transaction published nothing")
	assert.Equal(t, []string{"a", "b"}, db.TableNames())
	assert.Equal(t, 1, b.Count())

	// A named table that does not exist is not found (not "not in tx").
	err = db.Update([]string{"missing"}, func(tx *dictdb.Tx) error {
		_, err := tx.Table("missing")
		return err
	})
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
	assert.NotErrorIs(t, err, dictdb.ErrTableNotInTx)

	assert.Error(t, db.Update(nil, func(*dictdb.Tx) error { return nil }), "a transaction must name a table")
}

func TestTxUseAfterEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		ret  error
	}{{"committed", nil}, {"rolled back", errors.New("abort")}} {
		t.Run(tc.name, func(t *testing.T) {
			db := dictdb.New()
			a := isoTable(t, db, "a", 1)
			var leakedTx *dictdb.Tx
			var leaked *dictdb.TxTable
			err := db.Update([]string{"a", "b"}, func(tx *dictdb.Tx) error {
				leakedTx = tx
				var err error
				leaked, err = tx.Table("a")
				require.NoError(t, err)
				_, err = leaked.Insert(dictdb.Record{"v": 1})
				require.NoError(t, err)
				return tc.ret
			})
			require.ErrorIs(t, err, tc.ret)
			seq, count := db.Seq(), a.Count()

			_, err = leakedTx.Table("a")
			assert.ErrorIs(t, err, dictdb.ErrTxDone)
			_, err = leakedTx.CreateTable("b")
			assert.ErrorIs(t, err, dictdb.ErrTxDone)
			assert.ErrorIs(t, leakedTx.DropTable("a"), dictdb.ErrTxDone)
			_, err = leaked.Insert(dictdb.Record{"v": 2})
			assert.ErrorIs(t, err, dictdb.ErrTxDone)
			_, err = leaked.InsertMany([]dictdb.Record{{"v": 2}})
			assert.ErrorIs(t, err, dictdb.ErrTxDone)
			_, _, err = leaked.Upsert(dictdb.Record{"id": 1, "v": 2}, dictdb.OnConflictUpdate)
			assert.ErrorIs(t, err, dictdb.ErrTxDone)
			_, err = leaked.Update(dictdb.Record{"v": 2}, nil)
			assert.ErrorIs(t, err, dictdb.ErrTxDone)
			_, err = leaked.Delete(nil)
			assert.ErrorIs(t, err, dictdb.ErrTxDone)
			_, err = leaked.View()
			assert.ErrorIs(t, err, dictdb.ErrTxDone)
			_, err = leaked.Select(dictdb.Query{})
			assert.ErrorIs(t, err, dictdb.ErrTxDone)
			_, ok := leaked.Get(1)
			assert.False(t, ok)
			assert.Zero(t, leaked.Count())

			assert.Equal(t, seq, db.Seq(), "nothing a leaked Tx does is published")
			assert.Equal(t, count, a.Count())
			assert.Equal(t, []string{"a"}, db.TableNames())
		})
	}
}

func TestTxCreateAndDropTable(t *testing.T) {
	db := dictdb.New()
	old := isoTable(t, db, "old", 2)
	before := db.Snapshot()

	err := db.Update([]string{"new", "old"}, func(tx *dictdb.Tx) error {
		_, err := tx.CreateTable("old")
		assert.ErrorIs(t, err, dictdb.ErrTableExists)
		nt, err := tx.CreateTable("new", dictdb.PrimaryKey("code"), dictdb.WithSchema(dictdb.Col("code", dictdb.Str), dictdb.Col("n", dictdb.Int)))
		require.NoError(t, err)
		_, err = nt.Insert(dictdb.Record{"code": "x", "n": 1})
		require.NoError(t, err)
		_, err = nt.Insert(dictdb.Record{"code": "y", "n": "bad"})
		assert.ErrorIs(t, err, dictdb.ErrSchema, "the created table has its options")
		_, err = tx.CreateTable("new")
		assert.ErrorIs(t, err, dictdb.ErrTableExists)

		require.NoError(t, tx.DropTable("old"))
		_, err = tx.Table("old")
		assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
		assert.ErrorIs(t, tx.DropTable("old"), dictdb.ErrTableNotFound)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"new"}, db.TableNames())
	nt, err := db.Table("new")
	require.NoError(t, err)
	assert.Equal(t, "code", nt.PrimaryKey())
	assert.Equal(t, []dictdb.Record{{"code": "x", "n": int64(1)}}, nt.Records())
	_, err = old.Insert(dictdb.Record{"v": 1})
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound, "the handle on the dropped table fails")
	assert.Equal(t, []string{"old"}, before.TableNames(), "the earlier snapshot still has the dropped table")
	assert.Equal(t, 2, snapView(t, before, "old").Count())

	// Drop and re-create one name in a transaction: a new table, and
	// handles on the old one stay bound to it.
	nt2, err := db.Table("new")
	require.NoError(t, err)
	require.NoError(t, db.Update([]string{"new"}, func(tx *dictdb.Tx) error {
		if err := tx.DropTable("new"); err != nil {
			return err
		}
		r, err := tx.CreateTable("new")
		if err != nil {
			return err
		}
		_, err = r.Insert(dictdb.Record{"v": 1})
		return err
	}))
	assert.Equal(t, "id", func() string { h, _ := db.Table("new"); return h.PrimaryKey() }())
	_, err = nt2.Insert(dictdb.Record{"code": "z", "n": 2})
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)

	// Creation and drops of a failed transaction publish nothing.
	seq := db.Seq()
	err = db.Update([]string{"new", "other"}, func(tx *dictdb.Tx) error {
		if _, err := tx.CreateTable("other"); err != nil {
			return err
		}
		if err := tx.DropTable("new"); err != nil {
			return err
		}
		return errors.New("abort")
	})
	require.EqualError(t, err, "abort")
	assert.Equal(t, seq, db.Seq())
	assert.Equal(t, []string{"new"}, db.TableNames())
}

func TestRestore(t *testing.T) {
	db := dictdb.New()
	a := isoTable(t, db, "a", 3) // next auto key 4
	b := isoTable(t, db, "b", 1)
	require.NoError(t, a.CreateIndex("v", dictdb.SortedIndex))
	snap := db.Snapshot()
	wantA, wantB := a.Records(), b.Records()

	// Change everything after the snapshot.
	_, err := a.Insert(dictdb.Record{"id": 10, "v": 1}) // next auto key 11
	require.NoError(t, err)
	_, err = a.Delete(cond.Field("id").Eq(1))
	require.NoError(t, err)
	_, err = a.Update(dictdb.Record{"v": 99}, nil)
	require.NoError(t, err)
	require.NoError(t, db.DropTable("b"))
	c := isoTable(t, db, "c", 2)
	_, err = b.Insert(dictdb.Record{"v": 1})
	require.ErrorIs(t, err, dictdb.ErrTableNotFound)
	beforeRestore := db.Snapshot()

	require.NoError(t, db.Restore(snap))

	assert.Greater(t, db.Seq(), beforeRestore.Seq(), "a restore is a new commit")
	assert.Equal(t, []string{"a", "b"}, db.TableNames(), "c is dropped and b is back")
	assert.Equal(t, wantA, a.Records(), "rows as of the snapshot")
	assert.Equal(t, wantB, b.Records())
	assert.Equal(t, []dictdb.IndexDef{{Field: "v", Kind: dictdb.SortedIndex}}, func() []dictdb.IndexDef {
		v, err := a.View()
		require.NoError(t, err)
		return v.Indexes()
	}())
	rows, err := a.Select(dictdb.Query{Where: cond.Field("v").Eq(0)})
	require.NoError(t, err)
	assert.Len(t, rows, 3, "the restored index serves the restored rows")

	// The auto key is not rolled back: key 10 was held after the snapshot,
	// so the next one is 11, never a key the table already had.
	k, err := a.Insert(dictdb.Record{"v": 1})
	require.NoError(t, err)
	assert.EqualValues(t, 11, k)

	// The handle on b (dropped, now restored) works again; the one on c
	// (created after the snapshot) does not.
	_, err = b.Insert(dictdb.Record{"v": 2})
	require.NoError(t, err)
	assert.Equal(t, 2, b.Count())
	_, err = c.Insert(dictdb.Record{"v": 1})
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
	_, err = db.Table("c")
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)

	// The snapshot taken before the restore is untouched, and restoring it
	// brings back c and the later state of a.
	assert.Equal(t, []string{"a", "c"}, beforeRestore.TableNames())
	require.NoError(t, db.Restore(beforeRestore))
	assert.Equal(t, []string{"a", "c"}, db.TableNames())
	assert.Equal(t, snapView(t, beforeRestore, "a").Records(), a.Records())
	assert.Equal(t, 2, c.Count(), "the handle on c works again")
	_, err = b.Insert(dictdb.Record{"v": 3})
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)

	// A table re-created under the same name after the snapshot is a
	// different table: its handle does not survive a restore of the old one.
	require.NoError(t, db.DropTable("a"))
	a2 := isoTable(t, db, "a", 0)
	require.NoError(t, db.Restore(snap))
	_, err = a2.Insert(dictdb.Record{"v": 1})
	assert.ErrorIs(t, err, dictdb.ErrTableNotFound)
	assert.Equal(t, wantA, a.Records())

	// Restoring the empty database drops everything.
	empty := dictdb.New().Snapshot()
	require.NoError(t, db.Restore(empty))
	assert.Empty(t, db.TableNames())

	assert.ErrorIs(t, db.Restore(nil), dictdb.ErrInvalidArgument)
}

// Many goroutines run transactions naming the same tables in opposite
// orders, mixed with single-table writes; all finish.
func TestTwoTableTransactionDeadlockFree(t *testing.T) {
	const workers, rounds = 16, 100
	db := dictdb.New()
	a := isoTable(t, db, "a", 1)
	b := isoTable(t, db, "b", 1)
	isoTable(t, db, "c", 1)

	orders := [][]string{{"a", "b"}, {"b", "a"}, {"b", "c", "a"}, {"c", "a", "b"}}
	incr := func(tx *dictdb.Tx, name string) error {
		tt, err := tx.Table(name)
		if err != nil {
			return err
		}
		rec, _ := tt.Get(1)
		_, err = tt.Update(dictdb.Record{"v": rec["v"].(int64) + 1}, cond.Field("id").Eq(1))
		return err
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			<-start
			for i := range rounds {
				names := orders[(w+i)%len(orders)]
				err := db.Update(names, func(tx *dictdb.Tx) error {
					// Touch the tables in the order named, not sorted.
					for _, n := range names {
						if err := incr(tx, n); err != nil {
							return err
						}
					}
					return nil
				})
				if !assert.NoError(t, err) {
					return
				}
				if i%10 == 0 {
					// Single-table writers interleave with the transactions.
					tb := a
					if w%2 == 1 {
						tb = b
					}
					_, err := tb.Insert(dictdb.Record{"v": -1})
					if !assert.NoError(t, err) {
						return
					}
				}
			}
		})
	}
	close(start)
	wg.Wait() // a deadlock hangs here and fails the test by its timeout

	counts := map[string]int64{}
	for w := range workers {
		for i := range rounds {
			for _, n := range orders[(w+i)%len(orders)] {
				counts[n]++
			}
		}
	}
	snap := db.Snapshot()
	for name, want := range counts {
		rec := mustGet(t, snapView(t, snap, name), 1)
		assert.Equal(t, want, rec["v"], "table %s", name)
	}
}
