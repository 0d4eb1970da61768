package tbl

import (
	"slices"
	"testing"
)

func TestRowReadAPIAndIdentity(t *testing.T) {
	var zero Row
	if zero.Len() != 0 || len(zero.Fields()) != 0 || len(zero.Map()) != 0 {
		t.Fatal("the zero Row has fields")
	}
	if _, ok := zero.Get("id"); ok {
		t.Fatal("the zero Row has a field")
	}
	t0, err := New("t", "id", nil)
	if err != nil {
		t.Fatal(err)
	}
	t1, k, err := t0.Insert(map[string]any{"name": "a", "age": 3})
	if err != nil {
		t.Fatal(err)
	}
	r1, _ := t1.GetKey(k)
	if got := r1.Fields(); !slices.Equal(got, []string{"age", "id", "name"}) {
		t.Fatalf("Fields = %v", got)
	}
	var seen []string
	for f, v := range r1.All() {
		seen = append(seen, f)
		if w, _ := r1.Get(f); w != v {
			t.Fatalf("All and Get disagree on %q", f)
		}
	}
	if !slices.Equal(seen, r1.Fields()) {
		t.Fatalf("All iterates %v", seen)
	}
	t2, n, err := t1.Update(map[string]any{"age": 4}, nil)
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	r2, _ := t2.GetKey(k)
	again, _ := t1.GetKey(k)
	if !Same(r1, again) || Same(r1, r2) {
		t.Fatal("Same must hold for the stored record only, and an update makes a new one")
	}
	if r1.Record().Shape() != r2.Record().Shape() {
		t.Fatal("an update within the field set changed the shape")
	}
	t3, _, err := t2.Insert(map[string]any{"age": 5, "name": "b"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range t3.All() {
		if r.Record().Shape() != r1.Record().Shape() {
			t.Fatal("uniform records do not share one shape")
		}
	}
}
