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

// set returns a write function that sets table name to v.
func set(name string, v int) func(*Root[int]) ([]Change[int], error) {
	return func(*Root[int]) ([]Change[int], error) { return []Change[int]{{Name: name, Value: v}}, nil }
}

// wantReentrant fails t unless err wraps ErrReentrantWrite and names table.
func wantReentrant(t *testing.T, what string, err error, table string) {
	t.Helper()
	var te *TableError
	if !errors.Is(err, ErrReentrantWrite) || !errors.As(err, &te) || te.Table != table {
		t.Errorf("%s: err = %v, want ErrReentrantWrite naming table %q", what, err, table)
	}
}

// TestReentrantWriteFails: from inside a Transact's function, every kind of
// write to a table the transaction holds (directly or through an enclosing
// transaction) fails at once, the function goes on, and its changes are
// published; writes of other tables work.
func TestReentrantWriteFails(t *testing.T) {
	s := New[int]()
	s.Write([]string{"a", "c"}, func(*Root[int]) ([]Change[int], error) {
		return []Change[int]{{Name: "a", Value: 1}, {Name: "c", Value: 1}}, nil
	})
	testhang.Returns(t, "the transaction", func() {
		_, err := s.Transact([]string{"a"}, func(r *Root[int]) ([]Change[int], error) {
			_, err := s.Write([]string{"a"}, set("a", 9))
			wantReentrant(t, "Write(a)", err, "a")
			_, err = s.Transact([]string{"a"}, func(*Root[int]) ([]Change[int], error) {
				t.Error("a nested Transact of a ran its function")
				return nil, nil
			})
			wantReentrant(t, "Transact(a)", err, "a")
			// b is taken first, then a fails: b must be released again.
			_, err = s.Write([]string{"a", "b"}, set("b", 9))
			wantReentrant(t, "Write(a, b)", err, "a")
			_, err = s.Replace(r, nil)
			wantReentrant(t, "Replace", err, "a")
			if _, err := s.Write([]string{"b"}, set("b", 2)); err != nil {
				t.Errorf("Write(b), a table the transaction does not hold: %v", err)
			}
			// A nested transaction over another table: writes to its own
			// table and to the enclosing one's both fail.
			_, err = s.Transact([]string{"c"}, func(*Root[int]) ([]Change[int], error) {
				_, err := s.Write([]string{"a"}, set("a", 9))
				wantReentrant(t, "nested Write(a)", err, "a")
				_, err = s.Write([]string{"c"}, set("c", 9))
				wantReentrant(t, "nested Write(c)", err, "c")
				return []Change[int]{{Name: "c", Value: 2}}, nil
			})
			if err != nil {
				t.Errorf("nested Transact(c): %v", err)
			}
			// Another goroutine can write b meanwhile: the failed Write(a, b)
			// released it.
			done := make(chan error)
			go func() {
				_, err := s.Write([]string{"b"}, set("b", 3))
				done <- err
			}()
			if err := <-done; err != nil {
				t.Errorf("Write(b) from another goroutine: %v", err)
			}
			v, _ := r.Table("a")
			return []Change[int]{{Name: "a", Value: v + 1}}, nil
		})
		if err != nil {
			t.Errorf("Transact(a): %v", err)
		}
	})
	r := s.Load()
	for name, want := range map[string]int{"a": 2, "b": 3, "c": 2} {
		if v, _ := r.Table(name); v != want {
			t.Errorf("%s = %d, want %d", name, v, want)
		}
	}
	testhang.Returns(t, "a write of a after the transaction", func() {
		if _, err := s.Write([]string{"a"}, set("a", 5)); err != nil {
			t.Error(err)
		}
	})
	if used := slotsInUse.Load(); used != 0 {
		t.Errorf("slots still in use after every transaction ended: %b", used)
	}
}

// TestReentranceAfterPanic: a transaction whose function panics leaves no
// trace: its slot is free, its locks name no owner, and they are released.
func TestReentranceAfterPanic(t *testing.T) {
	s := New[int]()
	func() {
		defer func() { _ = recover() }()
		s.Transact([]string{"a", "b"}, func(*Root[int]) ([]Change[int], error) { panic("p") })
	}()
	if used := slotsInUse.Load(); used != 0 {
		t.Errorf("slots in use after the panic: %b", used)
	}
	for _, n := range []string{"a", "b"} {
		if o := s.lockFor(n).owner.Load(); o != nil {
			t.Errorf("lock of %s still names an owner", n)
		}
	}
	testhang.Returns(t, "a write after the panic", func() {
		if _, err := s.Write([]string{"a", "b"}, set("a", 1)); err != nil {
			t.Error(err)
		}
	})
}

// TestOtherGoroutineWaitsForTransaction: a goroutine the function starts is
// not the transaction: its write of a held table waits for the transaction
// to end (no error), then sees its changes.
func TestOtherGoroutineWaitsForTransaction(t *testing.T) {
	s := New[int]()
	var seen int
	var err error
	done := make(chan struct{})
	testhang.Returns(t, "the transaction", func() {
		s.Transact([]string{"a"}, func(*Root[int]) ([]Change[int], error) {
			go func() {
				defer close(done)
				_, err = s.Write([]string{"a"}, func(r *Root[int]) ([]Change[int], error) {
					seen, _ = r.Table("a")
					return []Change[int]{{Name: "a", Value: seen + 1}}, nil
				})
			}()
			return []Change[int]{{Name: "a", Value: 10}}, nil
		})
	})
	testhang.Returns(t, "the other goroutine's write", func() { <-done })
	if err != nil || seen != 10 {
		t.Fatalf("the other goroutine's write: %v, saw a = %d, want no error and 10", err, seen)
	}
}

// TestSlotCallSitesDistinct: the compiler kept one call site per slot, so
// transactions are told apart by the stack and never need the slow
// goroutine-number fallback while slots are free.
func TestSlotCallSitesDistinct(t *testing.T) {
	if !slotsUsable {
		t.Fatalf("slot call sites are not told apart: %s at lines %v", slotFunc, slotLines)
	}
	o := newOwner()
	defer o.release()
	if o.slot < 0 {
		t.Fatal("no slot for a transaction while every slot is free")
	}
	if o.isCurrent() {
		t.Error("isCurrent outside run")
	}
	var inside bool
	o.run(func() { inside = o.isCurrent() })
	if !inside {
		t.Error("isCurrent false inside run")
	}
	other := make(chan bool)
	o.run(func() { go func() { other <- o.isCurrent() }() })
	if <-other {
		t.Error("isCurrent true on another goroutine")
	}
}

// TestReentranceWithoutSlots: with every slot taken by transactions parked
// in their functions, one more transaction falls back to its goroutine
// number, and reentrance is still reported on its goroutine only.
func TestReentranceWithoutSlots(t *testing.T) {
	s := New[int]()
	var parked, release sync.WaitGroup
	release.Add(1)
	var wg sync.WaitGroup
	for i := range ownerSlots {
		parked.Add(1)
		wg.Go(func() {
			s.Transact([]string{fmt.Sprint("t", i)}, func(*Root[int]) ([]Change[int], error) {
				parked.Done()
				release.Wait()
				return nil, nil
			})
		})
	}
	testhang.Returns(t, "parking the transactions", parked.Wait)
	var t0 error
	defer func() {
		release.Done()
		testhang.Returns(t, "ending the parked transactions", wg.Wait)
		if t0 != nil {
			t.Errorf("Write(t0) from another goroutine: %v", t0)
		}
	}()
	testhang.Returns(t, "the transaction without a slot", func() {
		s.Transact([]string{"a"}, func(*Root[int]) ([]Change[int], error) {
			if o := s.lockFor("a").owner.Load(); o == nil || o.slot != -1 {
				t.Errorf("owner %+v, want the goroutine-number fallback", o)
			}
			_, err := s.Write([]string{"a"}, set("a", 1))
			wantReentrant(t, "Write(a) without a slot", err, "a")
			// Another goroutine contending for a parked transaction's table
			// waits for it and then succeeds; it must not fail.
			wg.Go(func() { _, t0 = s.Write([]string{"t0"}, set("t0", 1)) })
			return nil, nil
		})
	})
}

// TestReentranceStress runs transactions on random table sets while plain
// writers hammer the same tables. Inside each transaction, a write to a
// held table must fail with ErrReentrantWrite and nothing else; no plain
// writer on another goroutine may ever see that error; every committed
// increment must survive.
func TestReentranceStress(t *testing.T) {
	seed := testseed.Seed(t)
	s := New[int]()
	tables := []string{"a", "b", "c", "d"}
	const workers, rounds = 4, 300
	var wg sync.WaitGroup
	var mu sync.Mutex
	commits := map[string]int{}
	count := func(names []string) {
		mu.Lock()
		defer mu.Unlock()
		for _, n := range names {
			commits[n]++
		}
	}
	incr := func(names []string) func(r *Root[int]) ([]Change[int], error) {
		return func(r *Root[int]) ([]Change[int], error) {
			var ch []Change[int]
			for _, n := range names {
				v, _ := r.Table(n)
				ch = append(ch, Change[int]{Name: n, Value: v + 1})
			}
			return ch, nil
		}
	}
	for w := range workers {
		rng := rand.New(rand.NewPCG(seed, uint64(2*w)))
		wg.Go(func() { // transactions with nested writes of held tables
			for range rounds {
				held := pick(rng, tables)
				inner := held[rng.IntN(len(held))]
				_, err := s.Transact(held, func(r *Root[int]) ([]Change[int], error) {
					_, err := s.Write([]string{inner}, incr([]string{inner}))
					wantReentrant(t, "nested write", err, inner)
					return incr(held)(r)
				})
				if err != nil {
					t.Errorf("Transact(%v): %v", held, err)
				}
				count(held)
			}
		})
		rng2 := rand.New(rand.NewPCG(seed, uint64(2*w+1)))
		wg.Go(func() { // plain writers
			rng := rng2
			for range rounds {
				names := pick(rng, tables)
				if _, err := s.Write(names, incr(names)); err != nil {
					t.Errorf("Write(%v): %v", names, err)
				}
				count(names)
			}
		})
	}
	testhang.Returns(t, "the stress run", wg.Wait)
	r := s.Load()
	for _, n := range tables {
		if v, _ := r.Table(n); v != commits[n] {
			t.Errorf("%s = %d, want %d", n, v, commits[n])
		}
	}
}

// pick returns a random non-empty subset of names.
func pick(rng *rand.Rand, names []string) []string {
	for {
		var out []string
		for _, n := range names {
			if rng.IntN(2) == 0 {
				out = append(out, n)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
}
