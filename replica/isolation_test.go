package replica

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// TestPersistWritesTheStateOfSnapshotTime persists an FSM snapshot while
// another goroutine keeps applying commands: the bytes written are the
// dump of the database as of Snapshot, none of the later commands.
func TestPersistWritesTheStateOfSnapshotTime(t *testing.T) {
	f := NewFSM(dictdb.New())
	apply := func(ops ...Op) {
		cmd, err := Encode(ops...)
		if err != nil {
			t.Error(err)
			return
		}
		if r := f.Apply(logOf(cmd)).(*response); r.err != nil {
			t.Error(r.err)
		}
	}
	apply(CreateTable("t", "", nil))
	recs := make([]dictdb.Record, 20000)
	for i := range recs {
		recs[i] = dictdb.Record{"i": i}
	}
	apply(InsertMany("t", recs))
	for round := range 3 {
		want := dump(t, f.db)
		snap, err := f.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		applied := make(chan struct{}) // closed after the first command
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				apply(Insert("t", dictdb.Record{"round": round, "i": i}), Update("t", dictdb.Record{"seen": true}, cond.Field("i").Eq(i)))
				if i == 0 {
					close(applied)
				}
			}
		}()
		var buf bytes.Buffer
		// Persist's first write waits for a command to be applied, so that
		// commands are applied while it runs however the goroutines are
		// scheduled.
		err = snap.Persist(&sink{Buffer: &buf, before: applied})
		close(stop)
		wg.Wait()
		snap.Release()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, buf.Bytes()) {
			t.Fatalf("round %d: the persisted snapshot holds writes applied after it was taken", round)
		}
		if bytes.Equal(want, dump(t, f.db)) {
			t.Fatalf("round %d: no command was applied during Persist", round)
		}
	}
}

// TestFollowerReadsSeeBatchesWhole transfers amounts between two tables
// with batches on the leader while local reads on every follower check
// that the total never changes (a batch is never seen in part) and that a
// follower's state never goes backwards.
func TestFollowerReadsSeeBatchesWhole(t *testing.T) {
	c := newCluster(t, 3, InmemOptions{})
	if _, err := do(t, c, CreateTable("a", "", nil), CreateTable("b", "", nil), CreateTable("moves", "", nil),
		Insert("a", dictdb.Record{"id": 1, "bal": 1000}), Insert("b", dictdb.Record{"id": 1, "bal": 0})); err != nil {
		t.Fatal(err)
	}
	l := settle(t, c)
	total := func(s *dictdb.Snapshot) (sum, moves int64, ok bool) {
		a, err1 := s.Table("a")
		b, err2 := s.Table("b")
		m, err3 := s.Table("moves")
		if err1 != nil || err2 != nil {
			return 0, 0, false
		}
		ra, _ := a.Get(int64(1))
		rb, _ := b.Get(int64(1))
		if err3 == nil {
			moves = int64(m.Count())
		}
		return ra["bal"].(int64) + rb["bal"].(int64), moves, true
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var reads atomic.Int64
	errs := make(chan error, 8)
	for i := range c.Len() {
		n := c.Node(i)
		if n == l {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last int64 = -1
			for !stop.Load() {
				sum, moves, ok := total(n.Snapshot())
				if !ok {
					continue
				}
				reads.Add(1)
				if sum != 1000 {
					errs <- fmt.Errorf("node %s: total %d, want 1000: a batch seen in part", n.ID(), sum)
					return
				}
				if moves < last {
					errs <- fmt.Errorf("node %s: %d moves after %d: went backwards", n.ID(), moves, last)
					return
				}
				last = moves
			}
		}()
	}
	for i := range 200 {
		amt := int64(i%7 + 1)
		for {
			// Read the balances anywhere; the batch's checks make the
			// transfer apply only to the balances it read.
			snap := waitLeader(t, c).Snapshot()
			va, _ := snap.Table("a")
			vb, _ := snap.Table("b")
			ra, _ := va.Get(int64(1))
			rb, _ := vb.Get(int64(1))
			a, b := ra["bal"].(int64), rb["bal"].(int64)
			_, err := do(t, c,
				Check("a", cond.Field("bal").Eq(a), 1, 1), Check("b", cond.Field("bal").Eq(b), 1, 1),
				Update("a", dictdb.Record{"bal": a - amt}, cond.Field("id").Eq(1)),
				Update("b", dictdb.Record{"bal": b + amt}, cond.Field("id").Eq(1)),
				Insert("moves", dictdb.Record{"amt": amt}))
			if err == nil {
				break
			}
			if !errors.Is(err, ErrCheckFailed) && !errors.Is(err, ErrUnknownOutcome) {
				t.Fatal(err)
			}
		}
	}
	want := settle(t, c)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	requireIdentical(t, c, want)
	if reads.Load() == 0 {
		t.Fatal("no follower read ran")
	}
}
