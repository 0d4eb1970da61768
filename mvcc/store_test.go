package mvcc

import (
	"errors"
	"sync"
	"testing"

	"github.com/dictdb-go/dictdb/internal/testhang"
)

func TestWritePublishesAtomically(t *testing.T) {
	s := New[int]()
	r0 := s.Load()
	r1, err := s.Write([]string{"a", "b"}, func(r *Root[int]) ([]Change[int], error) {
		return []Change[int]{{Name: "a", Value: 1}, {Name: "b", Value: 2}}, nil
	})
	if err != nil || r1.Seq() != 1 || r1.Len() != 2 {
		t.Fatalf("Write: %v, seq %d, len %d", err, r1.Seq(), r1.Len())
	}
	if r0.Len() != 0 || r0.Seq() != 0 {
		t.Fatal("the old root changed")
	}
	boom := errors.New("boom")
	r2, err := s.Write([]string{"a"}, func(*Root[int]) ([]Change[int], error) { return nil, boom })
	if !errors.Is(err, boom) || r2 != r1 || s.Load() != r1 {
		t.Fatal("a failed write published something")
	}
	func() {
		defer func() { _ = recover() }()
		s.Write([]string{"a"}, func(*Root[int]) ([]Change[int], error) { panic("p") })
	}()
	if s.Load() != r1 {
		t.Fatal("a panicking write published something")
	}
	if _, err := s.Write([]string{"a"}, func(*Root[int]) ([]Change[int], error) {
		return []Change[int]{{Name: "a", Drop: true}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Load().Table("a"); ok || s.Load().Seq() != 2 {
		t.Fatal("drop not published")
	}
	if got := s.Load().Names(); len(got) != 1 || got[0] != "b" {
		t.Fatalf("Names = %v", got)
	}
}

// TestWriteOfUnlockedTablePanics: a write that returns a change to a table
// it did not lock panics, publishes none of its changes (not even those to
// tables it did lock), and releases its locks.
func TestWriteOfUnlockedTablePanics(t *testing.T) {
	s := New[int]()
	if _, err := s.Write([]string{"a"}, func(*Root[int]) ([]Change[int], error) {
		return []Change[int]{{Name: "a", Value: 1}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	before := s.Load()
	for _, write := range []struct {
		name string
		run  func(names []string, fn func(*Root[int]) ([]Change[int], error)) (*Root[int], error)
	}{{"Write", s.Write}, {"Transact", s.Transact}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("%s: no panic", write.name)
				}
			}()
			write.run([]string{"a"}, func(*Root[int]) ([]Change[int], error) {
				return []Change[int]{{Name: "a", Value: 2}, {Name: "b", Value: 1}}, nil
			})
		}()
		after := s.Load()
		if after != before || after.Seq() != 1 {
			t.Fatalf("%s: the root changed: seq %d, tables %v", write.name, after.Seq(), after.Names())
		}
		if _, ok := after.Table("b"); ok {
			t.Fatalf("%s: table b was published", write.name)
		}
		if v, _ := after.Table("a"); v != 1 {
			t.Fatalf("%s: a = %d, want 1", write.name, v)
		}
	}
	// The locks of a were released: a later write of a goes through.
	testhang.Returns(t, "a write of a after the panics", func() {
		r, err := s.Write([]string{"a"}, func(*Root[int]) ([]Change[int], error) {
			return []Change[int]{{Name: "a", Value: 3}}, nil
		})
		if v, _ := r.Table("a"); err != nil || v != 3 || r.Seq() != 2 {
			t.Errorf("write after the panics: %v, a = %d, seq %d", err, v, r.Seq())
		}
	})
}

// TestConcurrentWritersLoseNothing runs writers of different tables and of
// the same table at once: every increment survives the CAS retries.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	s := New[int]()
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b", "c", "a", "b", "c"} {
		wg.Go(func() {
			for range 200 {
				s.Write([]string{name}, func(r *Root[int]) ([]Change[int], error) {
					v, _ := r.Table(name)
					return []Change[int]{{Name: name, Value: v + 1}}, nil
				})
			}
		})
	}
	wg.Wait()
	r := s.Load()
	for _, n := range []string{"a", "b", "c"} {
		if v, _ := r.Table(n); v != 400 {
			t.Errorf("%s = %d, want 400", n, v)
		}
	}
	if r.Seq() != 1200 {
		t.Errorf("seq = %d, want 1200", r.Seq())
	}
}

func TestReplace(t *testing.T) {
	s := New[int]()
	s.Write([]string{"a"}, func(*Root[int]) ([]Change[int], error) { return []Change[int]{{Name: "a", Value: 1}}, nil })
	old := s.Load()
	s.Write([]string{"a", "b"}, func(*Root[int]) ([]Change[int], error) {
		return []Change[int]{{Name: "a", Value: 5}, {Name: "b", Value: 2}}, nil
	})
	got, err := s.Replace(old, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := got.Table("a"); v != 1 || got.Len() != 1 || got.Seq() != 3 {
		t.Fatalf("Replace: a=%d len=%d seq=%d", v, got.Len(), got.Seq())
	}
}
