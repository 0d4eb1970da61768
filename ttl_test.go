package dictdb_test

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
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

// Set moves the clock to at, forward or back, firing the timers due.
func (c *fakeClock) Set(at time.Time) {
	c.mu.Lock()
	d := at.Sub(c.now)
	c.mu.Unlock()
	if d >= 0 {
		c.Advance(d)
		return
	}
	c.mu.Lock()
	c.now = at
	c.mu.Unlock()
}

// ttlFixture makes a database on a fake clock whose sweeper never runs
// unless the test says so (sweep <= 0), and a table "s" expiring on "exp"
// holding: 1 and 2 expiring in one and two hours, 3 with a string in exp,
// 4 without exp, 5 with a nil exp.
func ttlFixture(t *testing.T, sweep time.Duration, opts ...dictdb.Option) (*dictdb.DB, *dictdb.Table, *fakeClock, time.Time) {
	t.Helper()
	clk := newFakeClock()
	t.Cleanup(dictdb.SetTTLClock(clk))
	db := dictdb.New(append([]dictdb.Option{dictdb.WithTTLSweep(sweep)}, opts...)...)
	t.Cleanup(func() {
		db.Close()
		dictdb.WaitSweeper(db)
	})
	s, err := db.CreateTable("s", dictdb.WithTTL("exp"))
	require.NoError(t, err)
	t0 := clk.Now()
	_, err = s.InsertMany([]dictdb.Record{
		{"id": 1, "exp": t0.Add(time.Hour), "g": "a"},
		{"id": 2, "exp": t0.Add(2 * time.Hour), "g": "a"},
		{"id": 3, "exp": "2000-01-01T00:00:00Z", "g": "b"},
		{"id": 4, "g": "b"},
		{"id": 5, "exp": nil, "g": "b"},
	})
	require.NoError(t, err)
	return db, s, clk, t0
}

type ttlRow struct {
	ID  int64  `json:"id"`
	Exp any    `json:"exp"`
	G   string `json:"g"`
}

// checkEveryRead reads r through every read path it has and checks that
// each returns the rows of want and none of gone.
func checkEveryRead(t *testing.T, name string, r interface {
	Get(any) (dictdb.Record, bool)
	GetRow(any) (dictdb.Row, bool)
	Select(dictdb.Query) ([]dictdb.Record, error)
	Rows(dictdb.Query) ([]dictdb.Row, error)
	Count() int
	CountWhere(cond.Cond) (int, error)
	Records() []dictdb.Record
	Copy() map[any]dictdb.Record
	Keys() []any
	Aggregate(dictdb.AggQuery) ([]dictdb.Record, error)
	WriteCSV(w interface{ Write([]byte) (int, error) }, opts dictdb.CSVOptions) (int, error)
}, want []any, gone []any) {
	t.Helper()
	for _, k := range gone {
		_, ok := r.Get(k)
		assert.False(t, ok, "%s: Get(%v)", name, k)
		_, ok = r.GetRow(k)
		assert.False(t, ok, "%s: GetRow(%v)", name, k)
	}
	for _, k := range want {
		_, ok := r.Get(k)
		assert.True(t, ok, "%s: Get(%v)", name, k)
	}
	keysOf := func(recs []dictdb.Record) []any {
		var out []any
		for _, r := range recs {
			out = append(out, r["id"])
		}
		return out
	}
	recs, err := r.Select(dictdb.Query{})
	require.NoError(t, err)
	assert.Equal(t, want, keysOf(recs), "%s: Select", name)
	recs, err = r.Select(dictdb.Query{Where: cond.Field("exp").Lt(time.Unix(1<<40, 0))})
	require.NoError(t, err)
	assert.NotContains(t, keysOf(recs), gone, "%s: Select on exp", name)
	rows, err := r.Rows(dictdb.Query{OrderBy: []string{"-id"}})
	require.NoError(t, err)
	assert.Len(t, rows, len(want), "%s: Rows", name)
	assert.Equal(t, len(want), r.Count(), "%s: Count", name)
	n, err := r.CountWhere(nil)
	require.NoError(t, err)
	assert.Equal(t, len(want), n, "%s: CountWhere(nil)", name)
	n, err = r.CountWhere(cond.Field("g").Eq("a"))
	require.NoError(t, err)
	assert.Equal(t, len(want)-3, n, "%s: CountWhere", name)
	assert.Equal(t, want, keysOf(r.Records()), "%s: Records", name)
	assert.Len(t, r.Copy(), len(want), "%s: Copy", name)
	assert.Equal(t, want, r.Keys(), "%s: Keys", name)
	agg, err := r.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("n"), dictdb.Max("max", "id")}})
	require.NoError(t, err)
	assert.Equal(t, int64(len(want)), agg[0]["n"], "%s: Aggregate", name)
	assert.Equal(t, want[len(want)-1], agg[0]["max"], "%s: Aggregate max", name)
	var buf bytes.Buffer
	n, err = r.WriteCSV(&buf, dictdb.CSVOptions{})
	require.NoError(t, err)
	assert.Equal(t, len(want), n, "%s: WriteCSV", name)
}

func TestTTLHidesExpiredRowsFromEveryRead(t *testing.T) {
	db, s, clk, t0 := ttlFixture(t, 0)
	assert.Equal(t, "exp", s.TTL())
	assert.True(t, s.HasIndex("exp"), "SetTTL indexes the field")
	before := db.Snapshot()
	oldView, err := s.View()
	require.NoError(t, err)
	seq := db.Seq()

	clk.Set(t0.Add(90 * time.Minute)) // 1 expired
	live := []any{int64(2), int64(3), int64(4), int64(5)}
	gone := []any{int64(1)}

	checkEveryRead(t, "Table", tableReads{s}, live, gone)
	v, err := s.View()
	require.NoError(t, err)
	checkEveryRead(t, "View", viewReads{v}, live, gone)
	sv, err := db.Snapshot().Table("s")
	require.NoError(t, err)
	checkEveryRead(t, "Snapshot", viewReads{sv}, live, gone)
	// A snapshot taken before the expiry judges it when its view is made.
	bv, err := before.Table("s")
	require.NoError(t, err)
	checkEveryRead(t, "earlier Snapshot", viewReads{bv}, live, gone)
	// A View made before the expiry is fixed: it never changes.
	assert.Equal(t, 5, oldView.Count())

	// Iterators, typed reads, watches' reads and transactions.
	var keys []any
	for k := range s.All() {
		keys = append(keys, k)
	}
	assert.Equal(t, live, keys, "All")
	keys = nil
	for r, err := range s.Scan(dictdb.Query{Where: cond.Field("g").Eq("a")}) {
		require.NoError(t, err)
		k, _ := r.Get("id")
		keys = append(keys, k)
	}
	assert.Equal(t, []any{int64(2)}, keys, "Scan")
	typed, err := dictdb.TableOf[ttlRow](db, "s")
	require.NoError(t, err)
	_, ok, err := typed.Get(1)
	require.NoError(t, err)
	assert.False(t, ok, "typed Get")
	all, err := typed.Select(dictdb.Query{})
	require.NoError(t, err)
	assert.Len(t, all, 4, "typed Select")
	assert.Equal(t, 4, typed.Count(), "typed Count")
	recs, w, err := s.SelectWatch(dictdb.Query{})
	require.NoError(t, err)
	w.Cancel()
	assert.Len(t, recs, 4, "SelectWatch")
	require.NoError(t, db.Update([]string{"s"}, func(tx *dictdb.Tx) error {
		tt, err := tx.Table("s")
		require.NoError(t, err)
		checkEveryRead(t, "TxTable", txReads{tt}, live, gone)
		return nil
	}))
	assert.Equal(t, seq, db.Seq(), "reads and a read-only transaction commit nothing")

	clk.Set(t0.Add(3 * time.Hour)) // 2 expired too
	checkEveryRead(t, "Table later", tableReads{s}, live[1:], []any{int64(1), int64(2)})
}

// The three read handles, behind one WriteCSV signature.
type tableReads struct{ *dictdb.Table }

func (r tableReads) WriteCSV(w interface{ Write([]byte) (int, error) }, o dictdb.CSVOptions) (int, error) {
	return r.Table.WriteCSV(w, o)
}

type viewReads struct{ *dictdb.View }

func (r viewReads) WriteCSV(w interface{ Write([]byte) (int, error) }, o dictdb.CSVOptions) (int, error) {
	return r.View.WriteCSV(w, o)
}

type txReads struct{ *dictdb.TxTable }

func (r txReads) WriteCSV(w interface{ Write([]byte) (int, error) }, o dictdb.CSVOptions) (int, error) {
	return r.TxTable.WriteCSV(w, o)
}

func TestTTLWritesDoNotSeeExpiredRows(t *testing.T) {
	db, s, clk, t0 := ttlFixture(t, 0, dictdb.WithChangeHistory(16))
	clk.Set(t0.Add(90 * time.Minute))
	seq := db.Seq()
	// Key 1 is expired: inserting it again succeeds, in a commit that
	// also deletes the expired row.
	_, err := s.Insert(dictdb.Record{"id": 1, "g": "new"})
	require.NoError(t, err)
	n, err := s.Update(dictdb.Record{"g": "c"}, cond.Field("g").Eq("a"))
	require.NoError(t, err)
	assert.Equal(t, 1, n, "Update counts live rows only")
	for c, err := range db.Changes(context.Background(), seq) {
		require.NoError(t, err)
		require.Len(t, c.Tables, 1)
		require.Len(t, c.Tables[0].Updated, 1, "the expired row 1 was replaced")
		before, _ := c.Tables[0].Updated[0].Before.Get("g")
		assert.Equal(t, "a", before)
		break
	}
}

func TestTTLSweepDeletesThroughCommits(t *testing.T) {
	db, s, clk, t0 := ttlFixture(t, time.Minute, dictdb.WithChangeHistory(16))
	seq := db.Seq()
	wk, err := s.WatchKey(1)
	require.NoError(t, err)
	wt, err := s.WatchWhere(cond.Field("g").Eq("a"))
	require.NoError(t, err)
	clk.awaitTimers(1) // the sweeper waits for its first tick
	clk.Set(t0.Add(90 * time.Minute))
	<-wk.Done()
	<-wt.Done()
	for c, err := range db.Changes(context.Background(), seq) {
		require.NoError(t, err)
		require.Len(t, c.Tables, 1)
		tc := c.Tables[0]
		assert.Equal(t, "s", tc.Name)
		assert.Empty(t, tc.Inserted)
		assert.Empty(t, tc.Updated)
		require.Len(t, tc.Deleted, 1)
		k, _ := tc.Deleted[0].Get("id")
		assert.Equal(t, int64(1), k)
		break
	}
	assert.Equal(t, 4, s.Count())
	// The next tick removes 2 once it expires.
	clk.awaitTimers(1)
	w2, err := s.WatchKey(2)
	require.NoError(t, err)
	clk.Set(t0.Add(3 * time.Hour))
	<-w2.Done()
	keys, err := db.Snapshot().Table("s")
	require.NoError(t, err)
	assert.Equal(t, []any{int64(3), int64(4), int64(5)}, keys.Keys())
}

// TestTTLSweepKeepsARowMovedToTheFuture: a sweep that chose a table whose
// row is expired deletes only what is expired when it commits, so a row
// whose time moved to the future meanwhile stays (a sweep from a list made
// earlier would delete it).
func TestTTLSweepKeepsARowMovedToTheFuture(t *testing.T) {
	db, s, clk, t0 := ttlFixture(t, 0)
	clk.Set(t0.Add(3 * time.Hour)) // 1 and 2 expired
	dictdb.SetSweepHook(db, func(string) {
		// Back in time, row 2 is live: it gets a later expiry.
		clk.Set(t0)
		n, err := s.Update(dictdb.Record{"exp": t0.Add(5 * time.Hour)}, cond.Field("id").Eq(2))
		require.NoError(t, err)
		require.Equal(t, 1, n)
		clk.Set(t0.Add(3 * time.Hour))
	})
	n, err := db.Sweep()
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, []any{int64(2), int64(3), int64(4), int64(5)}, s.Keys())
	_, ok := s.Get(2)
	assert.True(t, ok)
}

func TestTTLClockSteppingBack(t *testing.T) {
	db, s, clk, t0 := ttlFixture(t, 0)
	clk.Set(t0.Add(90 * time.Minute))
	_, ok := s.Get(1)
	assert.False(t, ok)
	// Not swept yet: with the clock back, the row is live again.
	clk.Set(t0)
	_, ok = s.Get(1)
	assert.True(t, ok)
	n, err := db.Sweep()
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	assert.Equal(t, 5, s.Count())
	// Forward again: swept for good, stepping back brings nothing back.
	clk.Set(t0.Add(90 * time.Minute))
	n, err = db.Sweep()
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	clk.Set(t0)
	_, ok = s.Get(1)
	assert.False(t, ok)
	assert.Equal(t, 4, s.Count())
}

func TestTTLSetAndClear(t *testing.T) {
	db, s, clk, t0 := ttlFixture(t, 0)
	clk.Set(t0.Add(90 * time.Minute))
	assert.Equal(t, 4, s.Count())
	seq := db.Seq()
	// ClearTTL is a write: the rows expired at its commit go in it.
	require.NoError(t, s.ClearTTL())
	assert.Equal(t, "", s.TTL())
	assert.Equal(t, seq+1, db.Seq())
	assert.Equal(t, 4, s.Count())
	clk.Set(t0.Add(3 * time.Hour))
	assert.Equal(t, 4, s.Count(), "without a TTL nothing expires")
	clk.Set(t0.Add(90 * time.Minute))
	require.NoError(t, s.SetTTL("exp"))
	assert.Equal(t, 4, s.Count())
	// Another field replaces it; the index on exp stays.
	require.NoError(t, s.SetTTL("g"))
	assert.Equal(t, "g", s.TTL())
	clk.Set(t0.Add(3 * time.Hour))
	assert.Equal(t, 4, s.Count(), "g holds no time")
	assert.True(t, s.HasIndex("g"))
	assert.True(t, s.HasIndex("exp"))
	// Without a sorted index on the field, reads scan and still hide.
	clk.Set(t0.Add(90 * time.Minute))
	require.NoError(t, s.SetTTL("exp"))
	require.NoError(t, s.DropIndex("exp"))
	assert.Equal(t, 4, s.Count())
	clk.Set(t0.Add(3 * time.Hour))
	assert.Equal(t, []any{int64(3), int64(4), int64(5)}, s.Keys())
	n, err := db.Sweep()
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

func TestTTLInvalidArguments(t *testing.T) {
	db := dictdb.New()
	defer db.Close()
	_, err := db.CreateTable("a", dictdb.WithTTL(""))
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = db.CreateTable("a", dictdb.WithTTL("id"))
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = db.CreateTable("a", dictdb.WithSchema(dictdb.Col("x", dictdb.Str)), dictdb.WithTTL("x"))
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	assert.Empty(t, db.TableNames(), "a failed CreateTable creates nothing")

	s, err := db.CreateTable("s", dictdb.WithTTL("exp"))
	require.NoError(t, err)
	seq := db.Seq()
	for _, f := range []string{"", "id"} {
		err := s.SetTTL(f)
		assert.ErrorIs(t, err, dictdb.ErrInvalidArgument, "SetTTL(%q)", f)
	}
	assert.Equal(t, "exp", s.TTL())
	assert.Equal(t, seq, db.Seq(), "a failed SetTTL commits nothing")
	sch, err := db.CreateTable("sch", dictdb.WithSchema(dictdb.Col("x", dictdb.Str)))
	require.NoError(t, err)
	seq = db.Seq()
	assert.ErrorIs(t, sch.SetTTL("x"), dictdb.ErrInvalidArgument)
	assert.Equal(t, "", sch.TTL())
	assert.False(t, sch.HasIndex("x"))
	assert.Equal(t, seq, db.Seq())

	var buf bytes.Buffer
	require.NoError(t, db.SaveTo(&buf, dictdb.Binary))
	for _, o := range []dictdb.Option{dictdb.TableTTL("", "exp"), dictdb.TableTTL("s", "")} {
		_, err := dictdb.LoadFrom(bytes.NewReader(buf.Bytes()), dictdb.Binary, o)
		assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	}
	_, err = dictdb.LoadFrom(bytes.NewReader(buf.Bytes()), dictdb.Binary, dictdb.TableTTL("sch", "x"))
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
	_, err = dictdb.Open(t.TempDir(), dictdb.TableTTL("", "x"))
	assert.ErrorIs(t, err, dictdb.ErrInvalidArgument)
}

// TestTTLFilesAndReopen: the TTL setting is not in files; TableTTL declares
// it again on Load and Open, and rows already expired in the file are
// never returned.
func TestTTLFilesAndReopen(t *testing.T) {
	db, _, clk, t0 := ttlFixture(t, 0)
	for _, f := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		path := filepath.Join(t.TempDir(), "db")
		require.NoError(t, db.Save(path, f))
		clk.Set(t0.Add(90 * time.Minute))
		loaded, err := dictdb.Load(path, f, dictdb.TableTTL("s", "exp"), dictdb.TableTTL("absent", "x"), dictdb.WithTTLSweep(0))
		require.NoError(t, err)
		s, err := loaded.Table("s")
		require.NoError(t, err)
		assert.Equal(t, "exp", s.TTL(), f.String())
		_, ok := s.Get(1)
		// JSON loads times back as strings, which never expire.
		assert.Equal(t, f == dictdb.JSON, ok, f.String())
		plain, err := dictdb.Load(path, f)
		require.NoError(t, err)
		p, err := plain.Table("s")
		require.NoError(t, err)
		assert.Equal(t, "", p.TTL(), "files do not hold the TTL")
		assert.Equal(t, 5, p.Count())
		clk.Set(t0)
	}

	dir := t.TempDir()
	d, err := dictdb.Open(dir, dictdb.WithTTLSweep(0))
	require.NoError(t, err)
	s, err := d.CreateTable("s", dictdb.WithTTL("exp"))
	require.NoError(t, err)
	_, err = s.InsertMany([]dictdb.Record{{"id": 1, "exp": t0.Add(time.Hour)}, {"id": 2, "exp": t0.Add(2 * time.Hour)}})
	require.NoError(t, err)
	require.NoError(t, d.Close())
	clk.Set(t0.Add(90 * time.Minute))
	d, err = dictdb.Open(dir, dictdb.TableTTL("s", "exp"), dictdb.WithTTLSweep(0))
	require.NoError(t, err)
	s, err = d.Table("s")
	require.NoError(t, err)
	assert.Equal(t, []any{int64(2)}, s.Keys())
	n, err := d.Sweep()
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, d.Close())
	// The sweep's deletion is in the log: without the TTL, 1 stays gone.
	d, err = dictdb.Open(dir)
	require.NoError(t, err)
	s, err = d.Table("s")
	require.NoError(t, err)
	assert.Equal(t, "", s.TTL())
	assert.Equal(t, []any{int64(2)}, s.Keys())
	require.NoError(t, d.Close())
}

// sweepers counts the goroutines running a TTL sweeper.
func sweepers() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "created by github.com/dictdb-go/dictdb.(*sweeper).ensure")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// settledSweepers returns sweepers() once it is at most want, or after
// many tries. A goroutine tells that it ends (closes its done channel)
// just before it returns, so it may still be listed for a few
// instructions after Close returned: yield to it rather than sleep.
func settledSweepers(want int) int {
	n := sweepers()
	for i := 0; i < 1000 && n > want; i++ {
		runtime.Gosched()
		n = sweepers()
	}
	return n
}

func TestTTLSweeperStopsOnClose(t *testing.T) {
	clk := newFakeClock()
	t.Cleanup(dictdb.SetTTLClock(clk))
	base, goroutines := sweepers(), runtime.NumGoroutine()

	dir := t.TempDir()
	db, err := dictdb.Open(dir, dictdb.WithTTLSweep(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, base, sweepers(), "no TTL, no sweeper")
	var tables []*dictdb.Table
	for _, name := range []string{"a", "b", "c"} {
		tb, err := db.CreateTable(name, dictdb.WithTTL("exp"))
		require.NoError(t, err)
		tables = append(tables, tb)
	}
	clk.awaitTimers(1)
	assert.Equal(t, base+1, sweepers(), "one sweeper for three tables")
	for _, tb := range tables {
		_, err := tb.Insert(dictdb.Record{"exp": clk.Now().Add(time.Second)})
		require.NoError(t, err)
	}
	w, err := tables[2].WatchTable()
	require.NoError(t, err)
	clk.Advance(time.Minute)
	<-w.Done() // the sweep reached the last table
	for _, tb := range tables {
		assert.Equal(t, 0, tb.Count())
	}
	clk.awaitTimers(1)
	require.NoError(t, db.Close())
	assert.Equal(t, base, settledSweepers(base), "Close ended the sweeper")
	for i := 0; i < 1000 && runtime.NumGoroutine() > goroutines; i++ {
		runtime.Gosched()
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), goroutines)

	// An in-memory database too.
	mem := dictdb.New()
	_, err = mem.CreateTable("a", dictdb.WithTTL("exp"))
	require.NoError(t, err)
	assert.Equal(t, base+1, sweepers())
	require.NoError(t, mem.Close())
	assert.Equal(t, base, settledSweepers(base))
	// A TTL set after Close starts nothing; Sweep still works.
	_, err = mem.CreateTable("b", dictdb.WithTTL("exp"))
	require.NoError(t, err)
	assert.Equal(t, base, sweepers())
	_, err = mem.Sweep()
	require.NoError(t, err)
}

// TestTTLSweeperOfAnUnclosedDatabaseEnds: the sweeper holds its database
// weakly, so a database dropped without Close is collected and its
// sweeper ends.
func TestTTLSweeperOfAnUnclosedDatabaseEnds(t *testing.T) {
	clk := newFakeClock()
	t.Cleanup(dictdb.SetTTLClock(clk))
	base := sweepers()
	func() {
		db := dictdb.New(dictdb.WithTTLSweep(time.Minute))
		_, err := db.CreateTable("a", dictdb.WithTTL("exp"))
		require.NoError(t, err)
	}()
	require.Equal(t, base+1, sweepers())
	n := sweepers()
	for i := 0; i < 100 && n > base; i++ {
		runtime.GC() // collects the database; its cleanup stops the sweeper
		n = settledSweepers(base)
	}
	assert.Equal(t, base, n)
}

// TestTTLCloseInsideATransactionDoesNotHang: a sweep waiting for a table
// that the transaction calling Close holds must not make Close wait.
func TestTTLCloseInsideATransactionDoesNotHang(t *testing.T) {
	clk := newFakeClock()
	t.Cleanup(dictdb.SetTTLClock(clk))
	db := dictdb.New(dictdb.WithTTLSweep(time.Minute))
	_, err := db.CreateTable("a", dictdb.WithTTL("exp"))
	require.NoError(t, err)
	_, err = db.CreateTable("b", dictdb.WithTTL("exp"))
	require.NoError(t, err)
	reached := make(chan struct{})
	var once sync.Once
	dictdb.SetSweepHook(db, func(table string) {
		if table == "b" {
			once.Do(func() { close(reached) })
		}
	})
	clk.awaitTimers(1)
	require.NoError(t, db.Update([]string{"b"}, func(tx *dictdb.Tx) error {
		clk.Advance(time.Minute)
		<-reached // the sweeper is about to wait for b, which we hold
		return db.Close()
	}))
	dictdb.WaitSweeper(db) // the sweep goes on once the transaction ends
	_, err = db.Sweep()
	require.NoError(t, err)
}

func TestTTLInTransactions(t *testing.T) {
	clk := newFakeClock()
	t.Cleanup(dictdb.SetTTLClock(clk))
	db := dictdb.New(dictdb.WithTTLSweep(0))
	t0 := clk.Now()
	require.NoError(t, db.Update([]string{"s"}, func(tx *dictdb.Tx) error {
		s, err := tx.CreateTable("s")
		require.NoError(t, err)
		require.ErrorIs(t, s.SetTTL(""), dictdb.ErrInvalidArgument)
		require.NoError(t, s.SetTTL("exp"))
		assert.Equal(t, "exp", s.TTL())
		_, err = s.InsertMany([]dictdb.Record{{"id": 1, "exp": t0.Add(time.Hour)}, {"id": 2}})
		return err
	}))
	s, err := db.Table("s")
	require.NoError(t, err)
	assert.Equal(t, "exp", s.TTL())
	clk.Set(t0.Add(2 * time.Hour))
	assert.Equal(t, []any{int64(2)}, s.Keys())
	// A snapshot restored brings its TTL back with it.
	snap := db.Snapshot()
	require.NoError(t, s.ClearTTL())
	assert.Equal(t, "", s.TTL())
	require.NoError(t, db.Restore(snap))
	assert.Equal(t, "exp", s.TTL())
	assert.Equal(t, 1, s.Count())
	assert.True(t, slices.Equal([]string{"s"}, db.TableNames()))
}

// TestTTLConcurrentReadsWritesAndSweeps runs writers that keep moving
// expiry times, readers, and the sweeper while the clock only moves
// forward: no read may return a row expired before the read began, and
// in the end every row left is live.
func TestTTLConcurrentReadsWritesAndSweeps(t *testing.T) {
	db, s, clk, _ := ttlFixture(t, time.Second)
	const keys = 50
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 2 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := 10 + (i*7+w)%keys
				exp := clk.Now().Add(time.Duration(i%5) * time.Second)
				_, _, err := s.Upsert(dictdb.Record{"id": k, "exp": exp, "g": "w"}, dictdb.OnConflictUpdate)
				assert.NoError(t, err)
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				before := clk.Now()
				rows, err := s.Rows(dictdb.Query{Where: cond.Field("g").Eq("w")})
				assert.NoError(t, err)
				for _, r := range rows {
					exp, _ := r.Get("exp")
					assert.False(t, exp.(time.Time).Before(before), "a read returned an expired row")
				}
			}
		})
	}
	for range 200 {
		clk.Advance(500 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	_, err := db.Sweep()
	require.NoError(t, err)
	// What is stored (a file holds it all, expired or not) is live.
	now := clk.Now()
	var buf bytes.Buffer
	require.NoError(t, db.SaveTo(&buf, dictdb.Binary))
	stored, err := dictdb.LoadFrom(&buf, dictdb.Binary)
	require.NoError(t, err)
	v, err := stored.Snapshot().Table("s")
	require.NoError(t, err)
	assert.Equal(t, "", v.TTL())
	assert.Less(t, v.Count(), keys+5)
	for _, r := range v.All() {
		if exp, ok := r.Get("exp"); ok {
			if at, isTime := exp.(time.Time); isTime {
				assert.False(t, at.Before(now))
			}
		}
	}
}

// TestTTLSweepReachesBackups: a sweep's deletions are in the next delta
// backup, and a restore declares the TTL anew only if asked (it is not in
// the files).
func TestTTLSweepReachesBackups(t *testing.T) {
	db, s, clk, t0 := ttlFixture(t, 0)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.BackupOptions{Format: dictdb.Binary})
	require.NoError(t, err)
	require.NoError(t, m.BackupFull())
	clk.Set(t0.Add(90 * time.Minute))
	n, err := db.Sweep()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoError(t, m.BackupNow())
	restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	r, err := restored.Table("s")
	require.NoError(t, err)
	assert.Equal(t, []any{int64(2), int64(3), int64(4), int64(5)}, r.Keys())
	assert.Equal(t, "", r.TTL())
	assert.Equal(t, s.Keys(), r.Keys())
}
