package mvcc

import (
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
	s.SetBeforePublish(func(names []string) {
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
	if l.TryLock() {
		l.Unlock()
		_ = release()
		t.Fatal("the lock of table a was free while its writer had not published")
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if !l.TryLock() {
		t.Fatal("the lock of table a is still held after its write")
	}
	l.Unlock()
}
