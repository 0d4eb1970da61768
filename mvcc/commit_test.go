package mvcc

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/dictdb-go/dictdb/internal/testhang"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// recorder is a Committer that records what the store tells it. Each
// step can be made to fail or, for Wait, to block until released.
type recorder struct {
	mu         sync.Mutex
	committed  []uint64 // seqs passed to Commit, in call order
	prepared   []any    // what Commit received
	published  []uint64
	failPrep   error
	failCommit error
	failWait   error
	gate       map[uint64]chan struct{} // Wait(seq) blocks until gate[seq] is closed
	waiting    chan uint64              // receives seq when Wait(seq) starts blocking
}

func (c *recorder) Prepare(base *Root[int], changes []Change[int]) (any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failPrep != nil {
		return nil, c.failPrep
	}
	// Describe the change as "name:old->new", reading base's locked tables.
	var s string
	for _, ch := range changes {
		old, _ := base.Table(ch.Name)
		s += fmt.Sprintf("%s:%d->%d,drop=%v;", ch.Name, old, ch.Value, ch.Drop)
	}
	return s, nil
}

func (c *recorder) Commit(seq uint64, prepared any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failCommit != nil {
		return c.failCommit
	}
	c.committed = append(c.committed, seq)
	c.prepared = append(c.prepared, prepared)
	return nil
}

func (c *recorder) Wait(seq uint64) error {
	c.mu.Lock()
	g, err := c.gate[seq], c.failWait
	c.mu.Unlock()
	if g != nil {
		if c.waiting != nil {
			c.waiting <- seq
		}
		<-g
	}
	return err
}

func (c *recorder) Published(seq uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.published = append(c.published, seq)
}

func TestCommitterSeesCommitsInOrder(t *testing.T) {
	c := &recorder{}
	s := NewAt(RootOf(7, map[string]int{"a": 1}), Committer[int](c))
	if r := s.Load(); r.Seq() != 7 || r.Len() != 1 {
		t.Fatalf("NewAt: seq %d, %d tables", r.Seq(), r.Len())
	}
	r, err := s.Write([]string{"a"}, set("a", 2))
	if err != nil || r.Seq() != 8 || s.Load() != r {
		t.Fatalf("Write: %v, seq %d; visible %d", err, r.Seq(), s.Load().Seq())
	}
	if _, err := s.Write([]string{"b"}, set("b", 5)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Replace(RootOf(0, map[string]int{"c": 9}), nil); err != nil {
		t.Fatal(err)
	}
	want := []any{"a:1->2,drop=false;", "b:0->5,drop=false;", "a:2->0,drop=true;b:5->0,drop=true;c:0->9,drop=false;"}
	if fmt.Sprint(c.committed) != "[8 9 10]" || fmt.Sprint(c.prepared) != fmt.Sprint(want) || fmt.Sprint(c.published) != "[8 9 10]" {
		t.Fatalf("committed %v %q, published %v", c.committed, c.prepared, c.published)
	}
	if got := s.Load(); got.Seq() != 10 || fmt.Sprint(got.Names()) != "[c]" {
		t.Fatalf("after Replace: seq %d, tables %v", got.Seq(), got.Names())
	}
}

func TestCommitterFailuresPublishNothing(t *testing.T) {
	boom := errors.New("boom")
	for _, step := range []string{"prepare", "commit", "wait"} {
		t.Run(step, func(t *testing.T) {
			c := &recorder{}
			s := NewAt(RootOf(0, map[string]int{"a": 1}), Committer[int](c))
			r0 := s.Load()
			switch step {
			case "prepare":
				c.failPrep = boom
			case "commit":
				c.failCommit = boom
			case "wait":
				c.failWait = boom
			}
			for _, op := range []func() error{
				func() error { _, err := s.Write([]string{"a"}, set("a", 2)); return err },
				func() error { _, err := s.Transact([]string{"a"}, set("a", 2)); return err },
				func() error { _, err := s.Replace(RootOf(0, map[string]int{"b": 1}), nil); return err },
			} {
				if err := op(); !errors.Is(err, boom) {
					t.Fatalf("got %v, want %v", err, boom)
				}
				if s.Load() != r0 {
					t.Fatal("a failed commit became visible")
				}
			}
			if len(c.published) != 0 {
				t.Fatalf("published %v", c.published)
			}
			if step != "wait" {
				// Nothing took a sequence number: the next commit is 1.
				c.failPrep, c.failCommit = nil, nil
				if r, err := s.Write([]string{"a"}, set("a", 3)); err != nil || r.Seq() != 1 {
					t.Fatalf("after the failure: %v, seq %d", err, r.Seq())
				}
			}
		})
	}
}

// TestReadersSeeNoCommitBeforeWait is the dirty-read anomaly across a log:
// a commit whose Wait has not returned is invisible to Load, while the next
// writer of the same table already builds on it (pipelining) and waits in
// turn.
func TestReadersSeeNoCommitBeforeWait(t *testing.T) {
	c := &recorder{gate: map[uint64]chan struct{}{1: make(chan struct{}), 2: make(chan struct{})}, waiting: make(chan uint64)}
	s := NewAt(RootOf(0, map[string]int{"a": 0}), Committer[int](c))
	done := make(chan error, 2)
	go func() { _, err := s.Write([]string{"a"}, set("a", 1)); done <- err }()
	if seq := <-c.waiting; seq != 1 {
		t.Fatalf("waiting for %d", seq)
	}
	if v, _ := s.Load().Table("a"); v != 0 || s.Load().Seq() != 0 {
		t.Fatalf("a reader saw a = %d before the commit's Wait returned", v)
	}
	var saw int
	go func() {
		_, err := s.Write([]string{"a"}, func(r *Root[int]) ([]Change[int], error) {
			saw, _ = r.Table("a")
			return []Change[int]{{Name: "a", Value: saw + 1}}, nil
		})
		done <- err
	}()
	if seq := <-c.waiting; seq != 2 {
		t.Fatalf("waiting for %d", seq)
	}
	if saw != 1 {
		t.Fatalf("the second writer built on a = %d, want the head's 1", saw)
	}
	if s.Load().Seq() != 0 {
		t.Fatal("a commit became visible before its Wait returned")
	}
	// Release the later commit first: it makes both visible at once, and
	// the earlier one must not move the visible root back.
	close(c.gate[2])
	testhang.Returns(t, "second write", func() {
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	if v, _ := s.Load().Table("a"); v != 2 || s.Load().Seq() != 2 {
		t.Fatalf("after the second commit: a = %d, seq %d", v, s.Load().Seq())
	}
	close(c.gate[1])
	testhang.Returns(t, "first write", func() {
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	if s.Load().Seq() != 2 {
		t.Fatalf("the visible root went back to seq %d", s.Load().Seq())
	}
}

// TestCommitterStress runs writers of overlapping tables, transactions and
// replaces against a Committer and checks that sequence numbers are
// consecutive, every commit is published, and no update is lost.
func TestCommitterStress(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 1))
	c := &recorder{}
	s := NewAt(RootOf(0, map[string]int{}), Committer[int](c))
	names := []string{"a", "b", "c", "d"}
	const workers, rounds = 6, 300
	plans := make([][]int, workers)
	for w := range plans {
		for range rounds {
			plans[w] = append(plans[w], rng.IntN(len(names)))
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, n := range plans[w] {
				write := s.Write
				if i%2 == 1 {
					write = s.Transact
				}
				if _, err := write([]string{names[n]}, func(r *Root[int]) ([]Change[int], error) {
					v, _ := r.Table(names[n])
					return []Change[int]{{Name: names[n], Value: v + 1}}, nil
				}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	testhang.Returns(t, "writers", wg.Wait)
	r := s.Load()
	total := 0
	for _, n := range names {
		v, _ := r.Table(n)
		total += v
	}
	if total != workers*rounds || r.Seq() != workers*rounds {
		t.Fatalf("sum %d, seq %d, want %d", total, r.Seq(), workers*rounds)
	}
	for i, seq := range c.committed {
		if seq != uint64(i+1) {
			t.Fatalf("commit %d has seq %d", i, seq)
		}
	}
	if len(c.published) != workers*rounds {
		t.Fatalf("%d published calls", len(c.published))
	}
}
