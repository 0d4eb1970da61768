package goid

import "testing"

func TestCurrentTellsGoroutinesApart(t *testing.T) {
	a, b := Current(), Current()
	if a == 0 || a != b {
		t.Fatalf("the same goroutine read %d and %d", a, b)
	}
	ch := make(chan uint64)
	go func() { ch <- Current() }()
	if other := <-ch; other == a || other == 0 {
		t.Fatalf("another goroutine read %d, this one %d", other, a)
	}
}
