package cond_test

import (
	"sync"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
)

// TestMatcherConcurrentShapes runs one Matcher from several goroutines over
// records whose field "age" sits in a different slot in each shape, so the
// predicates' cached slots keep changing under concurrent use (run with
// -race).
func TestMatcherConcurrentShapes(t *testing.T) {
	m, err := cond.Compile(cond.And(cond.Field("age").Gte(60), cond.Field("name").EndsWith("7")))
	if err != nil {
		t.Fatal(err)
	}
	recs := []struct {
		r    codec.Record
		want bool
	}{
		{codec.RecordOf(map[string]any{"age": int64(61), "name": "u7"}), true},
		{codec.RecordOf(map[string]any{"a": 1.5, "age": int64(70), "name": "u17"}), true},
		{codec.RecordOf(map[string]any{"aa": "x", "ab": "y", "age": int64(59), "name": "u7"}), false},
		{codec.RecordOf(map[string]any{"name": "u7"}), false},
		{codec.RecordOf(map[string]any{"age": int64(60), "name": "u8", "zz": nil}), false},
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 3000 {
				tc := recs[(i*(g+1))%len(recs)]
				if got := m(tc.r); got != tc.want {
					t.Errorf("%v = %v, want %v", tc.r.Map(), got, tc.want)
					return
				}
			}
		})
	}
	wg.Wait()
}
