package mvcc

import "testing"

// BenchmarkWrite measures one uncontended single-table write: the path every
// Insert, Update and Delete takes.
func BenchmarkWrite(b *testing.B) {
	s := New[int]()
	names := []string{"a"}
	b.ReportAllocs()
	for b.Loop() {
		s.Write(names, func(r *Root[int]) ([]Change[int], error) {
			v, _ := r.Table("a")
			return []Change[int]{{Name: "a", Value: v + 1}}, nil
		})
	}
}

// BenchmarkWriteTwoTables measures one uncontended write of two tables.
func BenchmarkWriteTwoTables(b *testing.B) {
	s := New[int]()
	names := []string{"a", "b"}
	b.ReportAllocs()
	for b.Loop() {
		s.Write(names, func(r *Root[int]) ([]Change[int], error) {
			v, _ := r.Table("a")
			return []Change[int]{{Name: "a", Value: v + 1}, {Name: "b", Value: v}}, nil
		})
	}
}

// BenchmarkTransact measures one uncontended single-table transaction: the
// path of DB.Update, which also names its owner in its locks.
func BenchmarkTransact(b *testing.B) {
	s := New[int]()
	names := []string{"a"}
	b.ReportAllocs()
	for b.Loop() {
		s.Transact(names, func(r *Root[int]) ([]Change[int], error) {
			v, _ := r.Table("a")
			return []Change[int]{{Name: "a", Value: v + 1}}, nil
		})
	}
}

// BenchmarkReentrantWrite measures the slow path: a write from inside a
// transaction's function to a table it holds, found out and refused.
func BenchmarkReentrantWrite(b *testing.B) {
	s := New[int]()
	s.Transact([]string{"a"}, func(*Root[int]) ([]Change[int], error) {
		for b.Loop() {
			if _, err := s.Write([]string{"a"}, set("a", 1)); err == nil {
				b.Fatal("not refused")
			}
		}
		return nil, nil
	})
}

// nopCommitter lets every commit through at once: the cost of the
// committed path itself (head, commit lock, visible root).
type nopCommitter struct{}

func (nopCommitter) Prepare(*Root[int], []Change[int]) (any, error) { return nil, nil }
func (nopCommitter) Commit(uint64, any) error                       { return nil }
func (nopCommitter) Wait(uint64) error                              { return nil }
func (nopCommitter) Published(uint64)                               {}

func BenchmarkWriteCommitted(b *testing.B) {
	s := NewAt(RootOf(0, map[string]int{}), Committer[int](nopCommitter{}))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Write([]string{"a"}, func(*Root[int]) ([]Change[int], error) {
			return []Change[int]{{Name: "a", Value: i}}, nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}
