package mvcc

import (
	"errors"
	"testing"

	"github.com/dictdb-go/dictdb/internal/testhang"
)

// TestFailedWriteWaitsForTheHeadItSaw checks that a write whose function
// fails, or changes nothing, on the head does not return before readers
// see that head: its answer (a duplicate key, zero rows affected) rests on
// commits that would otherwise still be invisible, and a read right after
// it would contradict it (a history that is not linearizable).
func TestFailedWriteWaitsForTheHeadItSaw(t *testing.T) {
	for _, fails := range []bool{true, false} {
		c := &recorder{gate: map[uint64]chan struct{}{1: make(chan struct{})}, waiting: make(chan uint64, 2)}
		s := NewAt(RootOf(0, map[string]int{"a": 0}), Committer[int](c))
		first := make(chan error, 1)
		go func() { _, err := s.Write([]string{"a"}, set("a", 1)); first <- err }()
		if seq := <-c.waiting; seq != 1 {
			t.Fatalf("waiting for %d", seq)
		}
		// Commit 1 is the head, not visible. A second writer sees it.
		type result struct {
			err     error
			visible uint64
		}
		second := make(chan result, 1)
		go func() {
			_, err := s.Write([]string{"a"}, func(r *Root[int]) ([]Change[int], error) {
				if v, _ := r.Table("a"); v == 1 && fails {
					return nil, errors.New("a is 1 already")
				}
				return nil, nil
			})
			second <- result{err, s.Load().Seq()}
		}()
		// Either the second write returns at once (the bug), or it waits
		// for commit 1 in turn.
		select {
		case r := <-second:
			t.Fatalf("fails=%v: the write returned (%v) while readers see seq %d, before the head it saw", fails, r.err, r.visible)
		case <-c.waiting:
		}
		close(c.gate[1])
		testhang.Returns(t, "both writes", func() {
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			r := <-second
			if (r.err != nil) != fails || r.visible < 1 {
				t.Fatalf("fails=%v: second write: %v, readers saw seq %d", fails, r.err, r.visible)
			}
		})
	}
}
