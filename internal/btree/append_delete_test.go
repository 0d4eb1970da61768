package btree

import "testing"

// TestDeletingAnAppendedLastKey appends one key more than a multiple of
// the node size in ascending order, so that the last split leaves the
// right-most leaf holding that one key, and then deletes it: the emptied leaf goes, and with it its own separator,
// whatever its position among its siblings. Every tree is checked and
// read back against the keys it must hold.
func TestDeletingAnAppendedLastKey(t *testing.T) {
	for n := maxLeaf + 1; n <= maxLeaf*maxKids+1; n += maxLeaf {
		m := New[int, int](intCmp)
		e := New[int, int](intCmp).Edit()
		for i := range n {
			m = m.Set(i, i)
			e.Set(i, i)
		}
		for _, last := range []int{n - 1, n - 2} {
			m = m.Delete(last)
			if !e.Delete(last) {
				t.Fatalf("n=%d: Editor.Delete(%d) = false", n, last)
			}
			checkMap(t, m)
			checkEditor(t, e)
			for i := range last {
				if v, ok := m.Get(i); !ok || v != i {
					t.Fatalf("n=%d, after deleting %d: Get(%d) = %d, %v", n, last, i, v, ok)
				}
				if v, ok := e.Get(i); !ok || v != i {
					t.Fatalf("n=%d, after deleting %d: Editor.Get(%d) = %d, %v", n, last, i, v, ok)
				}
			}
		}
	}
}
