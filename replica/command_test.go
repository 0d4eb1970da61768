package replica

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// allKinds is a record holding every kind of the value model, with the
// values that a careless encoding confuses: 1 and 1.0, "a" and []byte("a"),
// nanoseconds, int64 extremes, negative zero.
func allKinds() dictdb.Record {
	return dictdb.Record{
		"null": nil, "t": true, "f": false,
		"i": int64(1), "fl": 1.0, "negzero": math.Copysign(0, -1),
		"imax": int64(math.MaxInt64), "imin": int64(math.MinInt64),
		"big": 1e300, "tiny": 5e-324,
		"s": "a", "b": []byte("a"), "empty": "", "emptyb": []byte{},
		"bad utf8": "\xff\xfe",
		"tm":       time.Date(2026, 1, 2, 3, 4, 5, 999999999, time.UTC),
		"old":      time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		"local":    time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600)),
		"list":     []any{int64(1), 1.0, "1", []byte("1"), nil, []any{}},
		"map":      map[string]any{"": int64(0), "k": map[string]any{"n": []any{true}}},
		"int32":    int32(7), "uint8": uint8(8),
	}
}

// TestEncodingKeepsEveryValueKindExactly checks that a record with every
// kind of the value model survives Encode and decoding: each value equal
// and of the same Go type (codec.Identical), after normalization.
func TestEncodingKeepsEveryValueKindExactly(t *testing.T) {
	rec := allKinds()
	b, err := Encode(Insert("t", rec))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := decodeCommand(b)
	if err != nil {
		t.Fatal(err)
	}
	got := ops[0].rec
	if len(got) != len(rec) {
		t.Fatalf("got %d fields, want %d", len(got), len(rec))
	}
	for k, v := range rec {
		want, err := codec.Normalize(k, v)
		if err != nil {
			t.Fatal(err)
		}
		if !codec.Identical(want, got[k]) {
			t.Errorf("field %q: got %#v (%T), want %#v (%T)", k, got[k], got[k], want, want)
		}
	}
	// Equal records encode to identical bytes (map keys are sorted).
	for range 5 {
		b2, err := Encode(Insert("t", allKinds()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, b2) {
			t.Fatal("the same record encoded to different bytes")
		}
	}
}

// TestEncodingKeepsConditions checks that every condition form survives
// encoding: its text is unchanged and it selects the same records.
func TestEncodingKeepsConditions(t *testing.T) {
	tm := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	conds := []cond.Cond{
		cond.Field("a").Eq(int64(1)), cond.Field("a").Eq(1.5), cond.Field("a").Ne("x"),
		cond.Field("a").Lt(tm), cond.Field("a").Lte([]byte{1}), cond.Field("a").Gt(2), cond.Field("a").Gte(-3),
		cond.Field("a").In(1, "1", nil, []any{1}), cond.Field("a").In(), cond.Field("a").Between(1, 9),
		cond.Field("a").Like("x%"), cond.Field("a").LikeEscape("x!%", "!"), cond.Field("a").ILike("X_"),
		cond.Field("a").ILikeEscape("a!_", "!"),
		cond.Field("a").StartsWith("p"), cond.Field("a").EndsWith("s"), cond.Field("a").Contains(map[string]any{"k": 1}),
		cond.Field("a").IEquals("Q"), cond.Field("a").IContains("q"), cond.Field("a").IStartsWith("q"),
		cond.Field("a").IEndsWith("q"), cond.Field("a").IsNull(), cond.Field("a b").IsNotNull(),
		cond.And(), cond.Or(), cond.Not(cond.And(cond.Field("x").Eq(1), cond.Or(cond.Field("y").Eq(2), cond.Field("z").IsNull()))),
	}
	for _, c := range conds {
		b, err := Encode(Delete("t", c))
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		ops, err := decodeCommand(b)
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		if got := ops[0].where; got.String() != c.String() {
			t.Errorf("got %v, want %v", got, c)
		}
	}
	b, err := Encode(Delete("t", nil))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := decodeCommand(b)
	if err != nil || ops[0].where != nil {
		t.Fatalf("a nil condition came back as %v, %v", ops[0].where, err)
	}
}

// TestEncodeRejectsBadInputBeforeProposing checks that values outside the
// value model and conditions that do not compile fail at Encode with
// dictdb's sentinels.
func TestEncodeRejectsBadInputBeforeProposing(t *testing.T) {
	type S struct{}
	for _, tc := range []struct {
		op   Op
		want error
	}{
		{Insert("t", dictdb.Record{"x": S{}}), dictdb.ErrUnsupportedValue},
		{Insert("t", dictdb.Record{"x": math.NaN()}), dictdb.ErrUnsupportedValue},
		{Update("t", dictdb.Record{"x": 1}, cond.Field("").Eq(1)), dictdb.ErrInvalidQuery},
		{Delete("t", cond.Field("x").Eq(make(chan int))), dictdb.ErrInvalidQuery},
		{Op{}, dictdb.ErrInvalidArgument},
	} {
		if _, err := Encode(tc.op); !errors.Is(err, tc.want) {
			t.Errorf("%v: got %v, want %v", tc.op.kind, err, tc.want)
		}
	}
	if _, err := Encode(); !errors.Is(err, dictdb.ErrInvalidArgument) {
		t.Errorf("empty command: %v", err)
	}
	var be *BatchError
	if _, err := Encode(Insert("t", dictdb.Record{"a": 1}), Insert("t", dictdb.Record{"x": S{}})); !errors.As(err, &be) || be.Index != 1 || !errors.Is(err, dictdb.ErrUnsupportedValue) {
		t.Errorf("batch: %v", err)
	}
}

// TestDecodeNeverPanicsOnDamagedCommands flips, truncates and splices
// bytes of valid commands: decoding fails with ErrBadCommand or yields
// some command, never a panic, and applying what it yields never panics.
func TestDecodeNeverPanicsOnDamagedCommands(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 1))
	var cmds [][]byte
	for _, ops := range [][]Op{
		{Insert("t", allKinds())},
		{CreateTable("u", "k", []dictdb.Column{dictdb.Col("k", dictdb.Int)}), CreateIndex("u", "x", dictdb.SortedIndex, true)},
		{Update("t", dictdb.Record{"x": 1}, cond.Or(cond.Field("a").In(1, 2), cond.Not(cond.Field("b").Like("%")))), Check("t", nil, 0, -1)},
		{InsertMany("t", []dictdb.Record{{"a": 1}, nil}), Upsert("t", dictdb.Record{"id": 1}, dictdb.OnConflictIgnore), DropIndex("t", "x"), DropTable("t")},
	} {
		b, err := Encode(ops...)
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, b)
	}
	fsm := NewFSM(dictdb.New())
	for range 20000 {
		b := bytes.Clone(cmds[rng.IntN(len(cmds))])
		switch rng.IntN(3) {
		case 0:
			b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
		case 1:
			b = b[:rng.IntN(len(b))]
		case 2:
			o := cmds[rng.IntN(len(cmds))]
			b = append(b[:rng.IntN(len(b))], o[rng.IntN(len(o)):]...)
		}
		ops, err := decodeCommand(b)
		if err != nil {
			if !errors.Is(err, ErrBadCommand) {
				t.Fatalf("decode error %v does not wrap ErrBadCommand", err)
			}
			continue
		}
		_ = ops
		fsm.Apply(&raft.Log{Type: raft.LogCommand, Data: b})
	}
	resp := fsm.Apply(&raft.Log{Type: raft.LogCommand, Data: []byte{9, 9}}).(*response)
	if !errors.Is(resp.err, ErrBadCommand) {
		t.Fatalf("unknown version: %v", resp.err)
	}
}

// randomOps returns a random command log over a few tables: DDL, every
// write kind, batches with checks, and writes that fail (duplicate keys,
// unique-index violations, schema errors, missing tables).
func randomOps(rng *rand.Rand, n int) [][]Op {
	tablesN := []string{"a", "b", "c"}
	tb := func() string { return tablesN[rng.IntN(len(tablesN))] }
	val := func() any {
		switch rng.IntN(6) {
		case 0:
			return int64(rng.IntN(20))
		case 1:
			return float64(rng.IntN(20)) / 2
		case 2:
			return string(rune('a' + rng.IntN(5)))
		case 3:
			return []byte{byte(rng.IntN(4))}
		case 4:
			return time.Unix(int64(rng.IntN(100)), int64(rng.IntN(1e9))).UTC()
		default:
			return nil
		}
	}
	rec := func() dictdb.Record {
		r := dictdb.Record{"x": val(), "u": int64(rng.IntN(30))}
		if rng.IntN(3) == 0 {
			r["id"] = int64(rng.IntN(40))
		}
		return r
	}
	one := func() Op {
		switch rng.IntN(12) {
		case 0:
			return CreateTable(tb(), "", nil)
		case 1:
			if rng.IntN(4) == 0 {
				return DropTable(tb())
			}
			return CreateIndex(tb(), "u", dictdb.HashIndex, true)
		case 2:
			return InsertMany(tb(), []dictdb.Record{rec(), rec()})
		case 3:
			return Upsert(tb(), rec(), dictdb.Conflict(rng.IntN(3)))
		case 4:
			return Update(tb(), dictdb.Record{"x": val()}, cond.Field("u").Lt(rng.IntN(30)))
		case 5:
			return Delete(tb(), cond.Field("x").Eq(val()))
		case 6:
			return DropIndex(tb(), "u")
		default:
			return Insert(tb(), rec())
		}
	}
	var log [][]Op
	for range n {
		if rng.IntN(5) == 0 {
			k := 2 + rng.IntN(3)
			var ops []Op
			for range k {
				ops = append(ops, one())
			}
			if rng.IntN(2) == 0 {
				ops = append(ops, Check(tb(), cond.Field("u").Gte(rng.IntN(30)), 0, rng.IntN(5)))
			}
			log = append(log, ops)
		} else {
			log = append(log, []Op{one()})
		}
	}
	return log
}

func dump(t testing.TB, db *dictdb.DB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := db.SaveTo(&b, dictdb.Binary); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSameLogGivesIdenticalDatabases applies one random command log to two
// fresh databases through two FSMs: the binary dumps are identical, and so
// is every result and error along the way. A third FSM restores a
// snapshot persisted halfway and applies the rest: it ends identical too.
func TestSameLogGivesIdenticalDatabases(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 2))
	log := randomOps(rng, 1500)
	a, b, c := NewFSM(dictdb.New()), NewFSM(dictdb.New()), NewFSM(dictdb.New())
	log = append([][]Op{{CreateTable("a", "", nil), CreateTable("b", "", nil), CreateTable("c", "", nil)}}, log...)
	// c starts with junk that the restore must replace, auto keys included
	// (DB.Restore would keep these tables' larger counters).
	for _, name := range []string{"a", "b", "c"} {
		tb, err := c.db.CreateTable(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tb.Insert(dictdb.Record{"id": 1000}); err != nil {
			t.Fatal(err)
		}
	}
	failures := 0
	for i, ops := range log {
		cmd, err := Encode(ops...)
		if err != nil {
			t.Fatal(err)
		}
		l := &raft.Log{Type: raft.LogCommand, Index: uint64(i + 1), Data: cmd}
		ra, rb := a.Apply(l).(*response), b.Apply(l).(*response)
		if errString(ra.err) != errString(rb.err) {
			t.Fatalf("entry %d: errors differ: %v / %v", i, ra.err, rb.err)
		}
		if ra.err != nil {
			failures++
		}
		if i == len(log)/2 {
			snap, err := a.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := snap.Persist(&sink{Buffer: &buf}); err != nil {
				t.Fatal(err)
			}
			snap.Release()
			if err := c.Restore(io.NopCloser(&buf)); err != nil {
				t.Fatal(err)
			}
		}
		if i > len(log)/2 {
			c.Apply(l)
		}
	}
	if failures == 0 || failures == len(log) {
		t.Fatalf("%d of %d commands failed: the log does not exercise both paths", failures, len(log))
	}
	da, db, dc := dump(t, a.db), dump(t, b.db), dump(t, c.db)
	if !bytes.Equal(da, db) || !bytes.Equal(da, dc) {
		t.Fatal("the same log gave different databases")
	}
	t.Logf("%d commands, %d failed; dump of %d bytes", len(log), failures, len(da))
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// sink is a raft.SnapshotSink over a buffer.
type sink struct {
	*bytes.Buffer
	cancelled bool
	before    chan struct{} // if not nil, the first Write waits for it to close
}

func (s *sink) Write(p []byte) (int, error) {
	if s.before != nil {
		<-s.before
		s.before = nil
	}
	return s.Buffer.Write(p)
}

func (s *sink) ID() string    { return "test" }
func (s *sink) Cancel() error { s.cancelled = true; return nil }
func (s *sink) Close() error  { return nil }

// TestRestoreOfADamagedSnapshotChangesNothing feeds Restore a snapshot with
// a flipped byte and a truncated one: both fail with ErrCorrupt and the
// database is unchanged.
func TestRestoreOfADamagedSnapshotChangesNothing(t *testing.T) {
	src := NewFSM(dictdb.New())
	cmd, _ := Encode(CreateTable("t", "", nil), InsertMany("t", []dictdb.Record{{"a": 1}, {"a": 2}}))
	if r := src.Apply(&raft.Log{Type: raft.LogCommand, Data: cmd}).(*response); r.err != nil {
		t.Fatal(r.err)
	}
	snap, _ := src.Snapshot()
	var buf bytes.Buffer
	if err := snap.Persist(&sink{Buffer: &buf}); err != nil {
		t.Fatal(err)
	}
	dst := NewFSM(dictdb.New())
	cmd, _ = Encode(CreateTable("keep", "", nil))
	dst.Apply(&raft.Log{Type: raft.LogCommand, Data: cmd})
	before := dump(t, dst.db)
	good := buf.Bytes()
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	for _, bad := range [][]byte{flipped, good[:len(good)-3], nil} {
		if err := dst.Restore(io.NopCloser(bytes.NewReader(bad))); !errors.Is(err, dictdb.ErrCorrupt) {
			t.Fatalf("got %v, want ErrCorrupt", err)
		}
		if !bytes.Equal(before, dump(t, dst.db)) {
			t.Fatal("a failed restore changed the database")
		}
	}
	if err := dst.Restore(io.NopCloser(bytes.NewReader(good))); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(good, dump(t, dst.db)) {
		t.Fatal("the restored database differs from the snapshot")
	}
}

// TestBatchIsAtomicAndChecksHold checks that a batch over two tables
// commits entirely or not at all, that a failing Check or a failing
// operation leaves nothing behind, and that the error names the operation
// and wraps dictdb's sentinel.
func TestBatchIsAtomicAndChecksHold(t *testing.T) {
	f := NewFSM(dictdb.New())
	run := func(ops ...Op) ([]Result, error) {
		cmd, err := Encode(ops...)
		if err != nil {
			t.Fatal(err)
		}
		r := f.Apply(&raft.Log{Type: raft.LogCommand, Data: cmd}).(*response)
		return r.results, r.err
	}
	res, err := run(CreateTable("acct", "", nil), CreateTable("log", "", nil),
		InsertMany("acct", []dictdb.Record{{"id": 1, "bal": 10}, {"id": 2, "bal": 0}}))
	if err != nil || len(res) != 3 || len(res[2].Keys) != 2 {
		t.Fatalf("%v %v", res, err)
	}
	before := dump(t, f.db)
	// A transfer that would overdraw: the check fails, nothing changes.
	_, err = run(Update("acct", dictdb.Record{"bal": -5}, cond.Field("id").Eq(1)), Insert("log", dictdb.Record{"m": "t"}),
		Check("acct", cond.Field("bal").Lt(0), 0, 0))
	var be *BatchError
	if !errors.Is(err, ErrCheckFailed) || !errors.As(err, &be) || be.Index != 2 {
		t.Fatalf("got %v", err)
	}
	if !bytes.Equal(before, dump(t, f.db)) {
		t.Fatal("a failed batch changed the database")
	}
	// A duplicate key in the second operation: nothing changes.
	_, err = run(Insert("log", dictdb.Record{"m": "x"}), Insert("acct", dictdb.Record{"id": 2}))
	if !errors.Is(err, dictdb.ErrDuplicateKey) || !errors.As(err, &be) || be.Index != 1 {
		t.Fatalf("got %v", err)
	}
	if !bytes.Equal(before, dump(t, f.db)) {
		t.Fatal("a failed batch changed the database")
	}
	res, err = run(Update("acct", dictdb.Record{"bal": 5}, cond.Field("id").Eq(1)), Upsert("acct", dictdb.Record{"id": 2, "bal": 5}, dictdb.OnConflictUpdate),
		Check("acct", cond.Field("bal").Eq(5), 2, 2), Insert("log", dictdb.Record{"m": "ok"}))
	if err != nil || res[0].Count != 1 || res[1].Action != dictdb.Updated || res[2].Count != 2 || res[3].Key != int64(1) {
		t.Fatalf("%+v %v", res, err)
	}
	// A single operation returns the local API's error unwrapped.
	_, err = run(Insert("nope", dictdb.Record{"a": 1}))
	if !errors.Is(err, dictdb.ErrTableNotFound) || errors.As(err, &be) {
		t.Fatalf("got %v", err)
	}
	_, err = run(Insert("acct", nil))
	if !errors.Is(err, dictdb.ErrInvalidRecord) {
		t.Fatalf("a nil record: got %v", err)
	}
}

func logOf(cmd []byte) *raft.Log { return &raft.Log{Type: raft.LogCommand, Data: cmd} }
