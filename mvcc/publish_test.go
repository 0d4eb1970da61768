package mvcc

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// parkWriter starts a write of value v to table name that stops between
// its function and its publication, and returns once it is parked there,
// with a function that lets it go on and returns its error.
func parkWriter(t *testing.T, s *Store[int], name string, v int) (release func() error) {
	t.Helper()
	parked, resume, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	var once sync.Once
	s.setBeforePublish(func(names []string) {
		if len(names) == 1 && names[0] == name {
			once.Do(func() {
				close(parked)
				<-resume
			})
		}
	})
	go func() {
		_, err := s.Write([]string{name}, func(*Root[int]) ([]Change[int], error) {
			return []Change[int]{{Name: name, Value: v}}, nil
		})
		done <- err
	}()
	waitFor(t, parked, "the writer to park")
	return func() error {
		close(resume)
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute): // a hang detector only
			t.Fatal("the parked writer never finished")
			return nil
		}
	}
}

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute): // a hang detector only
		t.Fatalf("timed out waiting for %s", what)
	}
}

// TestCommitDuringAnotherKeepsBoth parks a writer of table a after its
// function ran and commits table b meanwhile: a's publication must be a
// compare-and-swap against the root it read, retried on b's root, not a
// store that would throw b's commit away.
func TestCommitDuringAnotherKeepsBoth(t *testing.T) {
	s := New[int]()
	release := parkWriter(t, s, "a", 1)
	if _, err := s.Write([]string{"b"}, func(*Root[int]) ([]Change[int], error) {
		return []Change[int]{{Name: "b", Value: 2}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	r := s.Load()
	a, okA := r.Table("a")
	b, okB := r.Table("b")
	if !okA || a != 1 || !okB || b != 2 || r.Seq() != 2 {
		t.Fatalf("after commits of a and b: a=%d (%v) b=%d (%v) seq=%d, want a=1 b=2 seq=2", a, okA, b, okB, r.Seq())
	}
}

// TestWriterHoldsItsLockUntilPublished checks that a writer parked before
// its publication still holds its table's lock, so that no other writer of
// the table can read the version it is about to replace.
func TestWriterHoldsItsLockUntilPublished(t *testing.T) {
	s := New[int]()
	release := parkWriter(t, s, "a", 1)
	l := s.lockFor("a")
	if l.mu.TryLock() {
		l.mu.Unlock()
		_ = release()
		t.Fatal("the lock of table a was free while its writer had not published")
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if !l.mu.TryLock() {
		t.Fatal("the lock of table a is still held after its write")
	}
	l.mu.Unlock()
}

// TestReplaceWaitsForWritersOfTablesCreatedMeanwhile parks Replace before
// its publication; meanwhile table c is created, and a second write of c
// parks before its own. Replace must not publish over a root holding a
// table it has not locked: it starts over, waits for c's writer, and
// drops c after it. Publishing at once would let c's writer, whose change
// was computed before Replace, bring c back afterwards.
func TestReplaceWaitsForWritersOfTablesCreatedMeanwhile(t *testing.T) {
	s := New[int]()
	set := func(name string, v int) {
		t.Helper()
		if _, err := s.Write([]string{name}, func(*Root[int]) ([]Change[int], error) {
			return []Change[int]{{Name: name, Value: v}}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	set("a", 1)
	old := s.Load()
	set("a", 2)

	// Park Replace(old), which locks a only.
	var mu sync.Mutex
	parks := map[string]chan chan struct{}{} // names joined -> where to announce a park
	s.setBeforePublish(func(names []string) {
		key := ""
		for _, n := range names {
			key += n + ","
		}
		mu.Lock()
		ch := parks[key]
		delete(parks, key)
		mu.Unlock()
		if ch != nil {
			resume := make(chan struct{})
			ch <- resume
			<-resume
		}
	})
	arm := func(key string) chan chan struct{} {
		ch := make(chan chan struct{}, 1)
		mu.Lock()
		parks[key] = ch
		mu.Unlock()
		return ch
	}
	parked := func(ch chan chan struct{}, what string) chan struct{} {
		t.Helper()
		select {
		case resume := <-ch:
			return resume
		case <-time.After(time.Minute): // a hang detector only
			t.Fatalf("timed out waiting for %s to park", what)
			return nil
		}
	}
	replaceParks := arm("a,")
	replaced := make(chan struct{})
	go func() {
		s.Replace(old, nil)
		close(replaced)
	}()
	resumeReplace := parked(replaceParks, "Replace")
	set("c", 1) // a table Replace has not locked
	cParks := arm("c,")
	cDone := make(chan struct{})
	go func() {
		set("c", 2)
		close(cDone)
	}()
	resumeC := parked(cParks, "the writer of c")
	close(resumeReplace)
	// Replace must now wait for c's lock. Give it every chance to publish
	// anyway before c's writer goes on: yielding cannot make a correct
	// Replace finish, as it waits for the lock c's writer holds.
yield:
	for range 10000 {
		select {
		case <-replaced:
			break yield
		default:
			runtime.Gosched()
		}
	}
	close(resumeC)
	waitFor(t, cDone, "the writer of c")
	waitFor(t, replaced, "Replace")

	r := s.Load()
	if v, ok := r.Table("c"); ok {
		t.Fatalf("c = %d after Replace to a root without c; its writer's change was computed before Replace", v)
	}
	if v, _ := r.Table("a"); v != 1 || r.Len() != 1 {
		t.Fatalf("after Replace: a=%d, %d tables, want a=1 alone", v, r.Len())
	}
}
