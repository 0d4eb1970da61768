package dictdb_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhang"
)

func iterTable(t *testing.T, n int) (*dictdb.DB, *dictdb.Table) {
	t.Helper()
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	recs := make([]dictdb.Record, n)
	for i := range recs {
		recs[i] = dictdb.Record{"id": i + 1, "n": i % 7, "s": string(rune('a' + i%26))}
	}
	_, err = tb.InsertMany(recs)
	require.NoError(t, err)
	return db, tb
}

func TestAllIteratesInKeyOrderWithoutCopying(t *testing.T) {
	_, tb := iterTable(t, 50)
	var keys []any
	for k, r := range tb.All() {
		id, _ := r.Get("id")
		require.Equal(t, k, id)
		keys = append(keys, k)
	}
	assert.Equal(t, tb.Keys(), keys)
	// Early break.
	n := 0
	for range tb.All() {
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
}

// Scan yields what Rows returns, in the same order, for every kind of plan.
func TestScanAgreesWithRows(t *testing.T) {
	_, tb := iterTable(t, 300)
	require.NoError(t, tb.CreateIndex("n", dictdb.SortedIndex))
	require.NoError(t, tb.CreateIndex("s", dictdb.HashIndex))
	queries := []dictdb.Query{
		{},
		{Where: cond.Field("n").Eq(3)},
		{Where: cond.Field("s").Eq("c")},
		{Where: cond.Field("id").Between(10, 40)},
		{OrderBy: []string{"-n"}},
		{OrderBy: []string{"n"}, Limit: 7},
		{OrderBy: []string{"s", "-id"}, Offset: 5, Limit: 20},
		{OrderBy: []string{"-id"}, Limit: 3},
		{Columns: dictdb.Cols("n"), Distinct: true},
		{Where: cond.Or(cond.Field("n").Eq(1), cond.Field("s").Eq("z")), OrderBy: []string{"s"}, Limit: 10, Offset: 2},
	}
	for _, q := range queries {
		rows, err := tb.Rows(q)
		require.NoError(t, err)
		var want, got []dictdb.Record
		for _, r := range rows {
			want = append(want, r.Map())
		}
		for r, err := range tb.Scan(q) {
			require.NoError(t, err)
			got = append(got, r.Map())
		}
		assert.Equal(t, want, got, "%+v", q)
	}
	// An invalid query is one error.
	var errs []error
	for _, err := range tb.Scan(dictdb.Query{Limit: -1}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], dictdb.ErrInvalidQuery)
}

// countingCtx is a context that never ends by itself and counts how often
// Err is asked, to see how many rows a scan examined (it asks every
// thousand or so), or ends after a number of asks.
type countingCtx struct {
	context.Context
	asks    atomic.Int64
	endedAt int64 // Err reports Canceled from this ask on; 0: never
}

func newCountingCtx(endAt int64) *countingCtx {
	return &countingCtx{Context: context.Background(), endedAt: endAt}
}

func (c *countingCtx) Done() <-chan struct{} { return make(chan struct{}) }

func (c *countingCtx) Err() error {
	n := c.asks.Add(1)
	if c.endedAt > 0 && n >= c.endedAt {
		return context.Canceled
	}
	return nil
}

// Breaking out of a streamed Scan stops reading: a scan stopped after 10 of
// 100,000 rows examines a handful of rows, not the table.
func TestScanEarlyBreakStopsReading(t *testing.T) {
	_, tb := iterTable(t, 100000)
	require.NoError(t, tb.CreateIndex("n", dictdb.SortedIndex))
	for _, q := range []dictdb.Query{
		{Where: cond.Field("s").Ne("?")},
		{OrderBy: []string{"n"}, Where: cond.Field("s").Ne("?")},
		{OrderBy: []string{"-id"}},
	} {
		ctx := newCountingCtx(0)
		n := 0
		for _, err := range tb.ScanContext(ctx, q) {
			require.NoError(t, err)
			if n++; n == 10 {
				break
			}
		}
		assert.Equal(t, 10, n)
		assert.LessOrEqual(t, ctx.asks.Load(), int64(2), "%+v: rows examined after the break", q)

		// Read whole, the same scan looks at the context about every
		// thousand rows.
		ctx = newCountingCtx(0)
		for _, err := range tb.ScanContext(ctx, q) {
			require.NoError(t, err)
		}
		assert.Greater(t, ctx.asks.Load(), int64(90), "%+v", q)
	}
}

// A scan whose context ends stops with ctx.Err() within a few thousand
// rows, also while it filters rows out and while it sorts.
func TestScanContextStops(t *testing.T) {
	_, tb := iterTable(t, 50000)
	for _, q := range []dictdb.Query{
		{},
		{Where: cond.Field("s").Eq("no such value")}, // examines every row, yields none
		{OrderBy: []string{"s"}},                     // sorts: every match collected first
	} {
		ctx := newCountingCtx(5)
		n, errs := 0, 0
		for _, err := range tb.ScanContext(ctx, q) {
			if err != nil {
				require.ErrorIs(t, err, context.Canceled)
				errs++
				continue
			}
			n++
		}
		assert.Equal(t, 1, errs, "%+v", q)
		assert.Less(t, n, 50000, "%+v", q)
		assert.LessOrEqual(t, ctx.asks.Load(), int64(5), "%+v: the scan went on after the end", q)
	}
	// A context already ended: one error, no row.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var got []error
	for r, err := range tb.ScanContext(ctx, dictdb.Query{}) {
		assert.Equal(t, dictdb.Row{}, r)
		got = append(got, err)
	}
	assert.Equal(t, []error{context.Canceled}, got)

	// Cancelled from the loop body.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	for _, err := range tb.ScanContext(ctx, dictdb.Query{}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 100 {
			cancel()
		}
	}
	assert.ErrorIs(t, last, context.Canceled)
	assert.Less(t, n, 100+2048)
}

// Iterations nest, and each reads the version current when it started:
// writes from the loop body are not seen and do not disturb it.
func TestIterationReadsOneVersion(t *testing.T) {
	_, tb := iterTable(t, 40)
	before := tb.Records()
	var seen []dictdb.Record
	pairs := 0
	for r, err := range tb.Scan(dictdb.Query{}) {
		require.NoError(t, err)
		seen = append(seen, r.Map())
		id, _ := r.Get("id")
		// Writes from the loop body: delete a later row, add new ones,
		// change this one.
		_, err = tb.Delete(cond.Field("id").Eq(id.(int64) + 1))
		require.NoError(t, err)
		_, err = tb.Insert(dictdb.Record{"id": 1000 + id.(int64)})
		require.NoError(t, err)
		_, err = tb.Update(dictdb.Record{"n": -1}, cond.Field("id").Eq(id))
		require.NoError(t, err)
		// A nested iteration reads the version current now.
		for range tb.All() {
			pairs++
			break
		}
	}
	assert.Equal(t, before, seen)
	assert.Equal(t, 40, pairs)
	assert.NotEqual(t, before, tb.Records())
}

// Iterating under concurrent writers sees one consistent version: the
// writers move value between two rows in transactions, so every version
// holds the same total.
func TestIterationDuringConcurrentWrites(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("acct")
	require.NoError(t, err)
	for i := range 20 {
		_, err := tb.Insert(dictdb.Record{"id": i, "bal": 100})
		require.NoError(t, err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				from, to := (i+w)%20, (i*7+3+w)%20
				err := db.Update([]string{"acct"}, func(tx *dictdb.Tx) error {
					tt, err := tx.Table("acct")
					if err != nil {
						return err
					}
					a, _ := tt.Get(from)
					b, _ := tt.Get(to)
					if from == to {
						return nil
					}
					if _, err := tt.Update(dictdb.Record{"bal": a["bal"].(int64) - 1}, cond.Field("id").Eq(from)); err != nil {
						return err
					}
					_, err = tt.Update(dictdb.Record{"bal": b["bal"].(int64) + 1}, cond.Field("id").Eq(to))
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	type acct struct {
		ID  int64 `dictdb:"id,pk"`
		Bal int64 `dictdb:"bal"`
	}
	typed, err := dictdb.TableOf[acct](db, "acct")
	require.NoError(t, err)
	testhang.Returns(t, "iterations under concurrent writes", func() {
		for range 200 {
			sum, rows := int64(0), 0
			for _, r := range tb.All() {
				v, _ := r.Get("bal")
				sum += v.(int64)
				rows++
			}
			assert.Equal(t, int64(2000), sum)
			assert.Equal(t, 20, rows)
			sum = 0
			for a, err := range typed.Scan(dictdb.Query{OrderBy: []string{"-bal"}}) {
				require.NoError(t, err)
				sum += a.Bal
			}
			assert.Equal(t, int64(2000), sum)
		}
	})
	stop.Store(true)
	wg.Wait()
}

func TestTypedIterators(t *testing.T) {
	db := dictdb.New()
	people, err := dictdb.CreateTableOf[Person](db, "people")
	require.NoError(t, err)
	for i := range 30 {
		_, err := people.Insert(Person{Name: string(rune('a' + i%26)), Age: i})
		require.NoError(t, err)
	}
	var ages []int
	for p, err := range people.All() {
		require.NoError(t, err)
		ages = append(ages, p.Age)
	}
	assert.Len(t, ages, 30)
	assert.True(t, slices.IsSorted(ages))

	// Early break, then the same iterator again.
	seq := people.Scan(dictdb.Query{Where: cond.Field("age").Gte(10), OrderBy: []string{"-age"}})
	for range 2 {
		var got []int
		for p, err := range seq {
			require.NoError(t, err)
			if got = append(got, p.Age); len(got) == 3 {
				break
			}
		}
		assert.Equal(t, []int{29, 28, 27}, got)
	}

	// In a transaction and on a snapshot.
	snap := db.Snapshot()
	require.NoError(t, db.Update([]string{"people"}, func(tx *dictdb.Tx) error {
		tp, err := dictdb.TxTableOf[Person](tx, "people")
		if err != nil {
			return err
		}
		if _, err := tp.DeleteWhere(cond.Field("age").Lt(20)); err != nil {
			return err
		}
		n := 0
		for _, err := range tp.All() {
			if err != nil {
				return err
			}
			n++
		}
		if n != 10 {
			return errors.New("the transaction's iteration does not see its delete")
		}
		tt, _ := tx.Table("people")
		n = 0
		for range tt.All() {
			n++
		}
		if n != 10 {
			return errors.New("the TxTable's iteration does not see its delete")
		}
		for _, err := range tt.Scan(dictdb.Query{Limit: 1}) {
			if err != nil {
				return err
			}
		}
		return nil
	}))
	sv, _ := snap.Table("people")
	old, err := dictdb.ViewOf[Person](sv)
	require.NoError(t, err)
	n := 0
	for _, err := range old.All() {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 30, n)

	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	n = 0
	for _, err := range people.ScanContext(ctx, dictdb.Query{}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 10, n)
}

// A Scan of the rows with one value of an indexed field, or of a range of
// values in the index's order, streams them out of the index: stopped after
// 10 of 25,000 matches, it allocates a small constant, not a copy of every
// match (it gathered every entry or row first, about 1-3 MB, before
// yielding one).
func TestScanOfIndexedValuesStreams(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	recs := make([]dictdb.Record, 50000)
	for i := range recs {
		recs[i] = dictdb.Record{"g": int64(i % 4)}
	}
	_, err = tb.InsertMany(recs)
	require.NoError(t, err)
	queries := map[string]dictdb.Query{
		"one value": {Where: cond.Field("g").Eq(int64(1))},
		"a range in index order": {Where: cond.And(cond.Field("g").Gte(int64(1)), cond.Field("g").Lt(int64(3))),
			OrderBy: []string{"g"}},
	}
	for _, kind := range []dictdb.IndexKind{dictdb.SortedIndex, dictdb.HashIndex} {
		require.NoError(t, tb.CreateIndex("g", kind))
		for name, q := range queries {
			if kind == dictdb.HashIndex && name != "one value" {
				continue // a hash index serves no range
			}
			scan := func() {
				n := 0
				for _, err := range tb.Scan(q) {
					require.NoError(t, err)
					if n++; n == 10 {
						break
					}
				}
				require.Equal(t, 10, n)
			}
			scan()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			const runs = 20
			for range runs {
				scan()
			}
			runtime.ReadMemStats(&after)
			perScan := (after.TotalAlloc - before.TotalAlloc) / runs
			assert.Less(t, perScan, uint64(64<<10), "%v index, %s: %d bytes allocated per stopped scan", kind, name, perScan)
		}
		require.NoError(t, tb.DropIndex("g"))
	}
}
