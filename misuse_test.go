package dictdb_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhang"
)

// The tests of this file call the public API the way a careless or hostile
// caller would: nil, zero, cyclic, overflowing and hand-built arguments,
// and transactions shared with other goroutines. Nothing may panic or
// hang, a failed call must return an error wrapping the documented
// sentinel, and it must leave the database exactly as it was.

// noPanic runs f and turns a panic into a test failure naming the call.
// A call that hangs fails the test too.
func noPanic(t *testing.T, what string, f func() error) (err error) {
	t.Helper()
	testhang.Returns(t, what, func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("%s panicked: %v", what, p)
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		err = f()
	})
	return err
}

// misuseDB returns a database with an indexed table of a few rows and a
// table with a schema.
func misuseDB(t *testing.T) (*dictdb.DB, *dictdb.Table) {
	t.Helper()
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	for i := range 10 {
		_, err := tb.Insert(dictdb.Record{"a": i % 3, "l": []any{i, "x"}, "s": fmt.Sprint("s", i)})
		require.NoError(t, err)
	}
	require.NoError(t, tb.CreateIndex("a", dictdb.SortedIndex))
	require.NoError(t, tb.CreateIndex("s", dictdb.HashIndex))
	_, err = db.CreateTable("typed", dictdb.WithSchema(dictdb.Col("n", dictdb.Int)))
	require.NoError(t, err)
	return db, tb
}

// TestBadInputFailsCleanly feeds bad arguments to every kind of call and
// checks that each returns an error wrapping its sentinel, panics nowhere,
// and leaves the sequence number and a binary dump of the database as they
// were.
func TestBadInputFailsCleanly(t *testing.T) {
	cyclicMap := map[string]any{"k": 1}
	cyclicMap["self"] = cyclicMap
	cyclicList := []any{1}
	cyclicList[0] = cyclicList
	cyclicAnd := &cond.AndCond{}
	cyclicAnd.Terms = []cond.Cond{cond.Field("a").Eq(1), cyclicAnd}
	var nilPred *cond.Pred
	ok := func(tx *dictdb.Tx) error { return nil }

	cases := []struct {
		name string
		want error
		call func(db *dictdb.DB, tb *dictdb.Table) error
	}{
		{"Update nil function", dictdb.ErrInvalidArgument, func(db *dictdb.DB, _ *dictdb.Table) error {
			return db.Update([]string{"t"}, nil)
		}},
		{"View nil function", dictdb.ErrInvalidArgument, func(db *dictdb.DB, _ *dictdb.Table) error {
			return db.View(nil)
		}},
		{"Restore zero snapshot", dictdb.ErrInvalidArgument, func(db *dictdb.DB, _ *dictdb.Table) error {
			return db.Restore(&dictdb.Snapshot{})
		}},
		{"Restore nil snapshot", dictdb.ErrInvalidArgument, func(db *dictdb.DB, _ *dictdb.Table) error {
			return db.Restore(nil)
		}},
		{"Update no tables", dictdb.ErrInvalidArgument, func(db *dictdb.DB, _ *dictdb.Table) error {
			return db.Update(nil, ok)
		}},
		{"Insert cyclic map", dictdb.ErrUnsupportedValue, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Insert(dictdb.Record{"c": cyclicMap}))
		}},
		{"Insert cyclic list", dictdb.ErrUnsupportedValue, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Insert(dictdb.Record{"c": cyclicList}))
		}},
		{"Insert typed nil pointer", dictdb.ErrUnsupportedValue, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Insert(dictdb.Record{"c": (*int)(nil)}))
		}},
		{"Insert NaN", dictdb.ErrUnsupportedValue, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Insert(dictdb.Record{"c": math.NaN()}))
		}},
		{"Insert huge unsigned", dictdb.ErrUnsupportedValue, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Insert(dictdb.Record{"c": uint64(math.MaxUint64)}))
		}},
		{"Insert nil record", dictdb.ErrInvalidRecord, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Insert(nil))
		}},
		{"InsertMany with a nil record", dictdb.ErrInvalidRecord, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.InsertMany([]dictdb.Record{{"a": 1}, nil}))
		}},
		{"Upsert unknown policy", dictdb.ErrInvalidArgument, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return third(tb.Upsert(dictdb.Record{"id": 1}, dictdb.Conflict(200)))
		}},
		{"Update nil changes", dictdb.ErrInvalidRecord, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Update(nil, nil))
		}},
		{"Update cyclic changes", dictdb.ErrUnsupportedValue, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Update(dictdb.Record{"c": cyclicMap}, nil))
		}},
		{"Update cyclic condition", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Update(dictdb.Record{"c": 1}, cyclicAnd))
		}},
		{"Delete cyclic condition", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Delete(cyclicAnd))
		}},
		{"Delete nil term of Or", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Delete(cond.Or(cond.Field("a").Eq(1), nil)))
		}},
		{"Delete typed nil predicate", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Delete(nilPred))
		}},
		{"Delete nil term of Not", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Delete(cond.Not(nil)))
		}},
		{"Delete cyclic operand", dictdb.ErrUnsupportedValue, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Delete(cond.Field("l").In(cyclicList)))
		}},
		{"Delete hand-built unsupported operand", dictdb.ErrUnsupportedValue, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Delete(&cond.Pred{Field: "a", Op: cond.EqOp, Args: []any{make(chan int)}}))
		}},
		{"Delete hand-built unknown operator", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Delete(&cond.Pred{Field: "a", Op: cond.Op(250), Args: []any{int64(1)}}))
		}},
		{"Select nil term of And", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Select(dictdb.Query{Where: cond.And(nil, cond.Field("a").Eq(1))}))
		}},
		{"Select negative Limit", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Select(dictdb.Query{Limit: math.MinInt}))
		}},
		{"Select negative Offset", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Select(dictdb.Query{Offset: -1, OrderBy: []string{"l"}}))
		}},
		{"Select empty projection", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Select(dictdb.Query{Columns: []dictdb.Projection{{}}}))
		}},
		{"Explain cyclic condition", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Explain(dictdb.Query{Where: cyclicAnd}))
		}},
		{"CountWhere cyclic condition", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.CountWhere(cyclicAnd))
		}},
		{"Aggregate no aggregation", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Aggregate(dictdb.AggQuery{}))
		}},
		{"Aggregate unknown kind", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{{Name: "x", Kind: dictdb.AggKind(99), Field: "a"}}}))
		}},
		{"Aggregate cyclic condition", dictdb.ErrInvalidQuery, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return second(tb.Aggregate(dictdb.AggQuery{Aggs: []dictdb.Agg{dictdb.Count("n")}, Where: cyclicAnd}))
		}},
		{"CreateIndex unknown kind", dictdb.ErrInvalidIndex, func(_ *dictdb.DB, tb *dictdb.Table) error {
			return tb.CreateIndex("b", dictdb.IndexKind(77))
		}},
		{"CreateTable unknown schema type", dictdb.ErrInvalidArgument, func(db *dictdb.DB, _ *dictdb.Table) error {
			return second(db.CreateTable("x", dictdb.WithSchema(dictdb.Col("a", dictdb.Type(77)))))
		}},
		{"Insert wrong type under a schema", dictdb.ErrSchema, func(db *dictdb.DB, _ *dictdb.Table) error {
			typed, err := db.Table("typed")
			if err != nil {
				return err
			}
			return second(typed.Insert(dictdb.Record{"n": true}))
		}},
		{"Tx table not named", dictdb.ErrTableNotInTx, func(db *dictdb.DB, _ *dictdb.Table) error {
			return db.Update([]string{"typed"}, func(tx *dictdb.Tx) error { return second(tx.Table("t")) })
		}},
		{"nested Update of a held table", dictdb.ErrReentrantWrite, func(db *dictdb.DB, _ *dictdb.Table) error {
			return db.Update([]string{"t"}, func(*dictdb.Tx) error { return db.Update([]string{"t"}, ok) })
		}},
		{"DropTable of a held table", dictdb.ErrReentrantWrite, func(db *dictdb.DB, _ *dictdb.Table) error {
			return db.Update([]string{"t"}, func(*dictdb.Tx) error { return db.DropTable("t") })
		}},
		{"Restore over a held table", dictdb.ErrReentrantWrite, func(db *dictdb.DB, _ *dictdb.Table) error {
			snap := db.Snapshot()
			return db.Update([]string{"t"}, func(*dictdb.Tx) error { return db.Restore(snap) })
		}},
		{"a failed transaction", dictdb.ErrDuplicateKey, func(db *dictdb.DB, _ *dictdb.Table) error {
			return db.Update([]string{"t", "u"}, func(tx *dictdb.Tx) error {
				if err := tx.DropTable("t"); err != nil {
					return err
				}
				u, err := tx.CreateTable("u")
				if err != nil {
					return err
				}
				return second(u.InsertMany([]dictdb.Record{{"id": 1}, {"id": 1}}))
			})
		}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			db, tb := misuseDB(t)
			seq, dump := db.Seq(), binaryDumps(t, db)
			err := noPanic(t, c.name, func() error { return c.call(db, tb) })
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, seq, db.Seq(), "a failed call committed")
			assert.True(t, slices.EqualFunc(dump, binaryDumps(t, db), bytes.Equal), "a failed call changed the data")
		})
	}
}

// TestNilOptionsAreIgnored: a nil TableOption or IndexOption, as a
// conditionally built option list holds, is skipped as a nil Option is,
// instead of panicking.
func TestNilOptionsAreIgnored(t *testing.T) {
	db := dictdb.New()
	var opt dictdb.TableOption
	tb, err := db.CreateTable("t", opt, dictdb.PrimaryKey("k"), nil)
	require.NoError(t, err)
	assert.Equal(t, "k", tb.PrimaryKey())

	var iopt dictdb.IndexOption
	require.NoError(t, tb.CreateIndex("a", dictdb.HashIndex, iopt, dictdb.Unique(), nil))
	assert.Equal(t, []dictdb.IndexDef{{Field: "a", Kind: dictdb.HashIndex, Unique: true}}, tb.Indexes())

	require.NoError(t, db.Update([]string{"u"}, func(tx *dictdb.Tx) error {
		u, err := tx.CreateTable("u", nil)
		if err != nil {
			return err
		}
		return u.CreateIndex("b", dictdb.SortedIndex, nil)
	}))
	u, err := db.Table("u")
	require.NoError(t, err)
	assert.True(t, u.HasIndex("b"))
}

// TestZeroSnapshotReadsEmpty: a nil or zero Snapshot reads as an empty
// database at sequence 0, and Diff from it lists every table as created,
// where it used to panic.
func TestZeroSnapshotReadsEmpty(t *testing.T) {
	db, _ := misuseDB(t)
	for _, s := range []*dictdb.Snapshot{nil, {}} {
		assert.Equal(t, uint64(0), s.Seq())
		assert.Empty(t, s.TableNames())
		_, err := s.Table("t")
		assert.ErrorIs(t, err, dictdb.ErrTableNotFound)

		var d dictdb.Delta
		require.NoError(t, noPanic(t, "Diff from a zero snapshot", func() error { d = dictdb.Diff(s, db.Snapshot()); return nil }))
		require.Len(t, d.Tables, 2)
		for _, td := range d.Tables {
			assert.True(t, td.Created, td.Name)
		}
		assert.Len(t, d.Tables[0].Upserts, 10)
		require.NoError(t, noPanic(t, "Diff to a zero snapshot", func() error { d = dictdb.Diff(db.Snapshot(), s); return nil }))
		require.Len(t, d.Tables, 2)
		assert.True(t, d.Tables[0].Dropped)
	}
}

// TestHugeOffsetAndLimit: Offset and Limit near the largest int, whose sum
// overflows, used to make the bounded sort of an ordered query index out of
// range. They now page past the end like any large value, on every sort
// path, and Explain prints no negative count.
func TestHugeOffsetAndLimit(t *testing.T) {
	db, tb := misuseDB(t)
	for i := range 30 { // the bounded sort needs a table four times the page
		_, err := tb.Insert(dictdb.Record{"a": i, "l": []any{-i}})
		require.NoError(t, err)
	}
	snap := db.Snapshot()
	want := binaryDumps(t, db, snap)
	for _, q := range []dictdb.Query{
		{OrderBy: []string{"l"}, Limit: 1, Offset: math.MaxInt},
		{OrderBy: []string{"l"}, Limit: math.MaxInt, Offset: 1},
		{OrderBy: []string{"-l"}, Limit: math.MaxInt, Offset: math.MaxInt},
		{OrderBy: []string{"a"}, Limit: math.MaxInt, Offset: math.MaxInt},
		{OrderBy: []string{"l"}, Limit: math.MaxInt},
		{Limit: math.MaxInt, Offset: math.MaxInt},
	} {
		what := fmt.Sprintf("Select(OrderBy %v, Offset %d, Limit %d)", q.OrderBy, q.Offset, q.Limit)
		var rows []dictdb.Record
		require.NoError(t, noPanic(t, what, func() (err error) { rows, err = tb.Select(q); return err }), what)
		switch {
		case q.Offset == 0:
			assert.Len(t, rows, tb.Count(), what)
		case q.Offset == 1:
			assert.Len(t, rows, tb.Count()-1, what)
		default:
			assert.Empty(t, rows, what)
		}
		var plan string
		require.NoError(t, noPanic(t, "Explain", func() (err error) { plan, err = tb.Explain(q); return err }))
		assert.NotContains(t, plan, "-9223372036854775", what)
	}
	assert.True(t, slices.EqualFunc(want, binaryDumps(t, db, snap), bytes.Equal))
}

// TestHandBuiltPredicates: cond.Pred's fields are exported, so a caller can
// build one holding operands the builders would have normalized (an int, an
// int32, a list of ints). Compile accepts them, normalizing copies, but the
// planner used them as they were and panicked on an indexed or primary-key
// field. Such a predicate now answers what the built one answers.
func TestHandBuiltPredicates(t *testing.T) {
	_, tb := misuseDB(t)
	cases := []struct {
		raw   cond.Cond
		built cond.Cond
	}{
		{&cond.Pred{Field: "a", Op: cond.EqOp, Args: []any{1}}, cond.Field("a").Eq(1)},
		{&cond.Pred{Field: "a", Op: cond.GtOp, Args: []any{int32(0)}}, cond.Field("a").Gt(0)},
		{&cond.Pred{Field: "a", Op: cond.BetweenOp, Args: []any{uint8(1), 2}}, cond.Field("a").Between(1, 2)},
		{&cond.Pred{Field: "a", Op: cond.InOp, Args: []any{0, float32(2)}}, cond.Field("a").In(0, 2)},
		{&cond.Pred{Field: "id", Op: cond.InOp, Args: []any{1, 2, uint(3)}}, cond.Field("id").In(1, 2, 3)},
		{&cond.Pred{Field: "id", Op: cond.LteOp, Args: []any{int16(4)}}, cond.Field("id").Lte(4)},
		{&cond.Pred{Field: "l", Op: cond.EqOp, Args: []any{[]any{3, "x"}}}, cond.Field("l").Eq([]any{3, "x"})},
		{cond.And(&cond.Pred{Field: "a", Op: cond.GteOp, Args: []any{1}}, &cond.Pred{Field: "a", Op: cond.LtOp, Args: []any{2}}),
			cond.And(cond.Field("a").Gte(1), cond.Field("a").Lt(2))},
	}
	for _, c := range cases {
		what := c.raw.String()
		var got []dictdb.Record
		require.NoError(t, noPanic(t, what, func() (err error) {
			got, err = tb.Select(dictdb.Query{Where: c.raw, OrderBy: []string{"-id"}})
			return err
		}), what)
		want, err := tb.Select(dictdb.Query{Where: c.built, OrderBy: []string{"-id"}})
		require.NoError(t, err)
		require.NotEmpty(t, want, what)
		assert.Equal(t, want, got, what)
		n, err := tb.CountWhere(c.raw)
		require.NoError(t, err, what)
		assert.Len(t, want, n, what)
		require.NoError(t, noPanic(t, what, func() error { return second(tb.Explain(dictdb.Query{Where: c.raw})) }))
	}
}

// TestTxAfterEndFailsWithErrTxDone: a Tx or TxTable kept after its Update
// returned (normally, with an error or by a panic) fails every call with
// ErrTxDone and changes nothing.
func TestTxAfterEndFailsWithErrTxDone(t *testing.T) {
	db, _ := misuseDB(t)
	errStop := errors.New("stop")
	for _, end := range []string{"commit", "error", "panic"} {
		var tx *dictdb.Tx
		var tt *dictdb.TxTable
		func() {
			defer func() { _ = recover() }()
			_ = db.Update([]string{"t"}, func(x *dictdb.Tx) error {
				tx = x
				tt, _ = x.Table("t")
				switch end {
				case "error":
					return errStop
				case "panic":
					panic(errStop)
				}
				return nil
			})
		}()
		require.NotNil(t, tt)
		seq := db.Seq()
		for what, err := range map[string]error{
			"Tx.Table":        second(tx.Table("t")),
			"Tx.CreateTable":  second(tx.CreateTable("t2")),
			"Tx.DropTable":    tx.DropTable("t"),
			"TxTable.Insert":  second(tt.Insert(dictdb.Record{"a": 1})),
			"TxTable.Update":  second(tt.Update(dictdb.Record{"a": 1}, nil)),
			"TxTable.Delete":  second(tt.Delete(nil)),
			"TxTable.View":    second(tt.View()),
			"TxTable.Select":  second(tt.Select(dictdb.Query{})),
			"TxTable.DropIdx": tt.DropIndex("a"),
		} {
			assert.ErrorIs(t, err, dictdb.ErrTxDone, "%s after %s", what, end)
		}
		assert.Zero(t, tt.Count(), end)
		assert.Equal(t, seq, db.Seq(), "a call on an ended transaction committed")
	}
}

// TestTxSharedWithGoroutines: goroutines that an Update function starts
// and waits for may write through its TxTable. Their writes used to race
// on the transaction's staged state: a fatal "concurrent map writes" or
// lost inserts. They are now serialized, and all of them commit together.
func TestTxSharedWithGoroutines(t *testing.T) {
	db := dictdb.New()
	_, err := db.CreateTable("t")
	require.NoError(t, err)
	const workers, each = 4, 300
	testhang.Returns(t, "Update with writing goroutines", func() {
		err = db.Update([]string{"t"}, func(tx *dictdb.Tx) error {
			tt, err := tx.Table("t")
			if err != nil {
				return err
			}
			errs := make(chan error, workers)
			for w := range workers {
				go func() {
					for i := range each {
						if _, err := tt.Insert(dictdb.Record{"w": w, "i": i}); err != nil {
							errs <- err
							return
						}
						_ = tt.Count()
					}
					errs <- nil
				}()
			}
			for range workers {
				if err := <-errs; err != nil {
					return err
				}
			}
			return nil
		})
	})
	require.NoError(t, err)
	tb, err := db.Table("t")
	require.NoError(t, err)
	assert.Equal(t, workers*each, tb.Count(), "inserts were lost")
	keys := tb.Keys()
	assert.Len(t, slices.Compact(keys), workers*each, "keys were handed out twice")
}

// TestTxStragglerWrites: a goroutine that keeps writing through a TxTable
// while the Update function returns gets ErrTxDone from the moment the
// function returned, and exactly the writes that succeeded are committed.
// The commit used to read the staged state while the goroutine still wrote
// to it, losing acknowledged writes or crashing the process.
func TestTxStragglerWrites(t *testing.T) {
	db := dictdb.New()
	_, err := db.CreateTable("t")
	require.NoError(t, err)
	for round := range 20 {
		acked := make(chan int, 1)
		started := make(chan struct{})
		testhang.Returns(t, "Update with a straggler", func() {
			err = db.Update([]string{"t"}, func(tx *dictdb.Tx) error {
				tt, err := tx.Table("t")
				if err != nil {
					return err
				}
				go func() {
					n := 0
					for {
						if _, err := tt.Insert(dictdb.Record{"round": round}); err != nil {
							if !errors.Is(err, dictdb.ErrTxDone) {
								t.Errorf("straggler insert: %v", err)
							}
							acked <- n
							return
						}
						if n++; n == 5 {
							close(started)
						}
					}
				}()
				<-started
				return nil
			})
		})
		require.NoError(t, err)
		var n int
		testhang.Returns(t, "the straggler", func() { n = <-acked })
		tb, err := db.Table("t")
		require.NoError(t, err)
		got, err := tb.CountWhere(cond.Field("round").Eq(round))
		require.NoError(t, err)
		require.Equal(t, n, got, "round %d: acknowledged writes and committed rows differ", round)
	}
}

// TestApplyDeltaRejectsMalformedDeltas: a DeltaFile is a plain struct a
// caller can fill in. A table with an empty name used to be created
// (CreateTable refuses that name), a table listed twice had its first entry
// silently replaced by the second, a definition naming another table made
// a table whose View.Name differed from its name in the database, and an
// unknown index kind or schema type gave an error wrapping no sentinel.
// Each is now an error wrapping its sentinel, and nothing is applied.
func TestApplyDeltaRejectsMalformedDeltas(t *testing.T) {
	rec := func(m map[string]any) codec.Record { return codec.RecordOf(m) }
	cases := []struct {
		name  string
		want  error
		delta dictdb.DeltaFile
	}{
		{"empty table name", dictdb.ErrInvalidArgument, dictdb.DeltaFile{Tables: []codec.DeltaTable{
			{Name: "t", Upserts: []codec.Record{rec(map[string]any{"id": int64(50)})}},
			{Name: "", Upserts: []codec.Record{rec(map[string]any{"x": int64(1)})}},
		}}},
		{"table listed twice", dictdb.ErrInvalidArgument, dictdb.DeltaFile{Tables: []codec.DeltaTable{
			{Name: "t", Upserts: []codec.Record{rec(map[string]any{"id": int64(50)})}},
			{Name: "t", Upserts: []codec.Record{rec(map[string]any{"id": int64(51)})}},
		}}},
		{"definition of another table", dictdb.ErrInvalidArgument, dictdb.DeltaFile{Tables: []codec.DeltaTable{
			{Name: "new", Created: &codec.TableDump{Name: "other", PrimaryKey: "id"}},
		}}},
		{"unknown index kind of a new table", dictdb.ErrInvalidIndex, dictdb.DeltaFile{Tables: []codec.DeltaTable{
			{Name: "new", Created: &codec.TableDump{Name: "new", PrimaryKey: "id", Indexes: []codec.IndexDump{{Field: "a", Kind: "bitmap"}}}},
		}}},
		{"unknown index kind", dictdb.ErrInvalidIndex, dictdb.DeltaFile{Tables: []codec.DeltaTable{
			{Name: "t", HasIndexes: true, Indexes: []codec.IndexDump{{Field: "a", Kind: "bitmap"}}},
		}}},
		{"unknown schema type", dictdb.ErrInvalidArgument, dictdb.DeltaFile{Tables: []codec.DeltaTable{
			{Name: "new", Created: &codec.TableDump{Name: "new", PrimaryKey: "id", Schema: []codec.SchemaField{{Name: "a", Type: "decimal"}}}},
		}}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			db, _ := misuseDB(t)
			seq, dump := db.Seq(), binaryDumps(t, db)
			err := noPanic(t, "ApplyDelta", func() error { return db.ApplyDelta(&c.delta) })
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, seq, db.Seq(), "a failed ApplyDelta committed")
			assert.True(t, slices.EqualFunc(dump, binaryDumps(t, db), bytes.Equal), "a failed ApplyDelta changed the data")
			assert.Equal(t, []string{"t", "typed"}, db.TableNames())
		})
	}
}

// TestValuesPassedInAreNotRetained changes, after each call, everything a
// caller passed in (records and their nested lists, maps and bytes, a
// schema's columns, a condition's list operands, CSV import columns) and
// checks that binary dumps of a snapshot and of the live database, and the
// answers of a condition built earlier, stay as they were.
func TestValuesPassedInAreNotRetained(t *testing.T) {
	db := dictdb.New()
	cols := []dictdb.Column{dictdb.Col("id", dictdb.Int), dictdb.Col("l", dictdb.List)}
	typed, err := db.CreateTable("typed", dictdb.WithSchema(cols...))
	require.NoError(t, err)
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	require.NoError(t, tb.CreateIndex("l", dictdb.SortedIndex))
	csvSchema := []dictdb.Column{dictdb.Col("n", dictdb.Int)}
	_, err = db.ImportCSVFrom(strings.NewReader("id,n\n1,2\n"), "csv", dictdb.CSVOptions{Schema: csvSchema})
	require.NoError(t, err)

	l := []any{1, "a", map[string]any{"k": []any{2}}}
	m := map[string]any{"x": []any{"y"}, "b": []byte("zz")}
	rec := dictdb.Record{"l": l, "m": m}
	_, err = tb.Insert(rec)
	require.NoError(t, err)
	many := []dictdb.Record{{"l": []any{5}}, {"l": []any{6}}}
	_, err = tb.InsertMany(many)
	require.NoError(t, err)
	up := dictdb.Record{"id": 9, "l": []any{7}}
	_, _, err = tb.Upsert(up, dictdb.OnConflictUpdate)
	require.NoError(t, err)
	changes := dictdb.Record{"u": []any{[]byte("u")}}
	_, err = tb.Update(changes, cond.Field("id").Eq(9))
	require.NoError(t, err)
	trec := dictdb.Record{"id": 1, "l": []any{"t"}}
	_, err = typed.Insert(trec)
	require.NoError(t, err)
	operand := []any{int64(5)}
	where := cond.Field("l").In(operand, []any{int64(6)})
	before, err := tb.Select(dictdb.Query{Where: where})
	require.NoError(t, err)
	require.Len(t, before, 2)

	snap := db.Snapshot()
	want := binaryDumps(t, db, snap)
	schemaBefore, csvBefore := typed.Schema(), func() []dictdb.Column { c, _ := db.Table("csv"); return c.Schema() }()

	scribble(rec)
	scribble(l)
	scribble(m)
	scribble(many)
	scribble(up)
	scribble(changes)
	scribble(trec)
	scribble(cols)
	scribble(csvSchema)
	scribble(operand)

	got := binaryDumps(t, db, snap)
	assert.True(t, slices.EqualFunc(want, got, bytes.Equal), "changing what was passed in changed the database")
	assert.Equal(t, schemaBefore, typed.Schema())
	csvTable, err := db.Table("csv")
	require.NoError(t, err)
	assert.Equal(t, csvBefore, csvTable.Schema())
	after, err := tb.Select(dictdb.Query{Where: where})
	require.NoError(t, err)
	assert.Equal(t, before, after, "a condition changed with its operand")
}
