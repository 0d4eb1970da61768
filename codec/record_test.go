package codec_test

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
)

func TestShapeOfInternsAndSorts(t *testing.T) {
	a := codec.ShapeOf("name", "id", "age")
	b := codec.ShapeOf("age", "name", "id", "age")
	if a != b {
		t.Fatal("the same field set gave two shapes")
	}
	if got := a.Names(); !slices.Equal(got, []string{"age", "id", "name"}) {
		t.Fatalf("Names = %v", got)
	}
	a.Names()[0] = "changed"
	if a.Name(0) != "age" {
		t.Fatal("Names exposed the shape's own slice")
	}
	for i, n := range []string{"age", "id", "name"} {
		if a.Slot(n) != i {
			t.Errorf("Slot(%q) = %d, want %d", n, a.Slot(n), i)
		}
	}
	for _, n := range []string{"", "a", "ag", "agf", "zz", "id2"} {
		if a.Slot(n) != -1 {
			t.Errorf("Slot(%q) = %d, want -1", n, a.Slot(n))
		}
	}
	if codec.ShapeOf("id") == a {
		t.Fatal("different field sets share a shape")
	}
}

func TestWideShapeSlots(t *testing.T) {
	var names []string
	for i := range 40 {
		names = append(names, fmt.Sprintf("f%02d", 39-i))
	}
	s := codec.ShapeOf(names...)
	for i := range 40 {
		if got := s.Slot(fmt.Sprintf("f%02d", i)); got != i {
			t.Fatalf("Slot(f%02d) = %d", i, got)
		}
	}
	if s.Slot("f40") != -1 {
		t.Fatal("a missing field has a slot")
	}
}

// TestShapeInterningConcurrent interns the same field sets from many
// goroutines: each set must come out as one shape (run with -race).
func TestShapeInterningConcurrent(t *testing.T) {
	const sets = 20
	got := make([][sets]*codec.Shape, 8)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			for i := range sets {
				got[g][i] = codec.ShapeOf("concurrent", fmt.Sprint("f", i))
			}
		})
	}
	wg.Wait()
	for g := range got {
		if got[g] != got[0] {
			t.Fatalf("goroutine %d interned different shapes", g)
		}
	}
}

func TestNormalizeRecordCompact(t *testing.T) {
	in := map[string]any{"name": "Alice", "age": 30, "tags": []string{"a"}}
	r, err := codec.NormalizeRecord(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Shape() != codec.ShapeOf("age", "name", "tags") {
		t.Fatal("the record's shape is not the interned one")
	}
	if r.Len() != 3 {
		t.Fatalf("Len = %d", r.Len())
	}
	if v, ok := r.Get("age"); !ok || v != int64(30) {
		t.Fatalf("Get(age) = %#v, %v", v, ok)
	}
	if _, ok := r.Get("missing"); ok {
		t.Fatal("Get found a missing field")
	}
	var names []string
	for k := range r.All() {
		names = append(names, k)
	}
	if !slices.Equal(names, []string{"age", "name", "tags"}) {
		t.Fatalf("All iterates %v", names)
	}
	m := r.Map()
	m["tags"].([]any)[0] = "changed"
	if v, _ := r.Get("tags"); v.([]any)[0] != "a" {
		t.Fatal("Map shares values with the record")
	}
	if len(in) != 3 {
		t.Fatal("NormalizeRecord modified its input")
	}
}

func TestZeroRecord(t *testing.T) {
	var r codec.Record
	if r.Len() != 0 || r.Values() != nil || len(r.Map()) != 0 || r.Shape().Len() != 0 {
		t.Fatal("the zero Record has fields")
	}
	if _, ok := r.Get("a"); ok {
		t.Fatal("the zero Record has a field")
	}
	if v, ok := codec.NewField("a").Get(r); ok || v != nil {
		t.Fatal("a Field found a value in the zero Record")
	}
}

func TestNormalizerReusesAndSwitchesShapes(t *testing.T) {
	var n codec.Normalizer
	a, err := n.Normalize(map[string]any{"id": 1, "x": "a"}, "")
	if err != nil {
		t.Fatal(err)
	}
	// Same size, other field set: the last shape must not be reused.
	b, err := n.Normalize(map[string]any{"id": 2, "y": "b"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Shape() == b.Shape() {
		t.Fatal("records with different fields share a shape")
	}
	if v, ok := b.Get("y"); !ok || v != "b" {
		t.Fatalf("Get(y) = %v, %v", v, ok)
	}
	c, err := n.Normalize(map[string]any{"x": "c"}, "id")
	if err != nil {
		t.Fatal(err)
	}
	if c.Shape() != a.Shape() {
		t.Fatal("ensure did not add the field")
	}
	if v, ok := c.Get("id"); !ok || v != nil {
		t.Fatalf("the ensured field = %v, %v; want nil, true", v, ok)
	}
	if _, err := n.Normalize(map[string]any{"id": 1, "": 2}, ""); err == nil {
		t.Fatal("an empty field name was accepted")
	}
	if _, err := n.Normalize(map[string]any{"id": 1, "x": make(chan int)}, ""); err == nil {
		t.Fatal("an unsupported value was accepted")
	}
}

func TestMergeAndWith(t *testing.T) {
	var n codec.Normalizer
	old := codec.RecordOf(map[string]any{"id": int64(1), "a": "x", "b": int64(2)})
	same := n.Merge(old, codec.RecordOf(map[string]any{"a": "y"}))
	if same.Shape() != old.Shape() || same.Same(old) {
		t.Fatal("a merge within the field set must keep the shape and make a new record")
	}
	if v, _ := same.Get("a"); v != "y" {
		t.Fatalf("merged a = %v", v)
	}
	if v, _ := old.Get("a"); v != "x" {
		t.Fatal("Merge modified the old record")
	}
	wider := n.Merge(old, codec.RecordOf(map[string]any{"c": true, "a": "z"}))
	want := map[string]any{"id": int64(1), "a": "z", "b": int64(2), "c": true}
	if !codec.Equal(wider.Map(), want) || wider.Shape() != codec.ShapeOf("a", "b", "c", "id") {
		t.Fatalf("merged = %v", wider.Map())
	}
	again := n.Merge(old, codec.RecordOf(map[string]any{"c": false, "a": "w"}))
	if again.Shape() != wider.Shape() {
		t.Fatal("the cached merge shape was not reused")
	}
	w := old.With("0", nil)
	if !codec.Equal(w.Map(), map[string]any{"0": nil, "id": int64(1), "a": "x", "b": int64(2)}) {
		t.Fatalf("With = %v", w.Map())
	}
	if w2 := old.With("b", int64(3)); w2.Shape() != old.Shape() || w2.Same(old) {
		t.Fatal("With of an existing field must copy within the shape")
	}
}

func TestEqualAndHashRecords(t *testing.T) {
	seed := maphash.MakeSeed()
	hash := func(r codec.Record) uint64 {
		var h maphash.Hash
		h.SetSeed(seed)
		codec.HashRecord(&h, r)
		return h.Sum64()
	}
	m := map[string]any{"a": int64(1), "b": "x"}
	a := codec.RecordOf(m)
	b := codec.RecordOf(map[string]any{"a": 1.0, "b": "x"})
	if !codec.EqualRecords(a, b) || hash(a) != hash(b) {
		t.Fatal("1 and 1.0 must make equal records with equal hashes")
	}
	if hash(a) != codec.HashValue(seed, m) {
		t.Fatal("a record must hash as the map with its fields")
	}
	if codec.EqualRecords(a, codec.RecordOf(map[string]any{"a": int64(1)})) {
		t.Fatal("records with different fields are equal")
	}
	if codec.EqualRecords(a, codec.RecordOf(map[string]any{"a": int64(1), "c": "x"})) {
		t.Fatal("records with different names are equal")
	}
}

// TestFieldSlotCacheConcurrent reads one Field from many goroutines over
// records of alternating shapes, so the cached slot changes all the time;
// every read must still see its own record's value (run with -race).
func TestFieldSlotCacheConcurrent(t *testing.T) {
	recs := []codec.Record{
		codec.RecordOf(map[string]any{"v": int64(0)}),
		codec.RecordOf(map[string]any{"a": int64(9), "v": int64(1)}),
		codec.RecordOf(map[string]any{"a": int64(9), "b": int64(9), "v": int64(2)}),
		codec.RecordOf(map[string]any{"z": int64(9)}),
	}
	f := codec.NewField("v")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				j := (i + g) % len(recs)
				v, ok := f.Get(recs[j])
				if cv, hit := f.Cached(recs[j]); hit && (cv != v || !ok) {
					t.Errorf("record %d: Cached = %v, Get = %v, %v", j, cv, v, ok)
					return
				}
				if j == 3 {
					if ok || f.Value(recs[j]) != nil {
						t.Errorf("found v in a record without it")
						return
					}
					continue
				}
				if !ok || v != int64(j) {
					t.Errorf("record %d: v = %v, %v", j, v, ok)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestFieldCachedOnlyAnswersForItsShape checks the inlinable fast path:
// it answers only for the shape the cache holds and a present field, and
// then exactly as Get does.
func TestFieldCachedOnlyAnswersForItsShape(t *testing.T) {
	f := codec.NewField("v")
	a := codec.RecordOf(map[string]any{"a": "x", "v": int64(7)})
	b := codec.RecordOf(map[string]any{"v": "y"})
	without := codec.RecordOf(map[string]any{"w": int64(1)})
	if _, hit := f.Cached(codec.Record{}); hit {
		t.Fatal("Cached answered for the zero record")
	}
	if _, hit := f.Cached(a); hit {
		t.Fatal("Cached answered before any look-up")
	}
	if f.Value(a) != int64(7) {
		t.Fatal("Value(a) is wrong")
	}
	if v, hit := f.Cached(a); !hit || v != int64(7) {
		t.Fatalf("Cached(a) = %v, %v after Value(a)", v, hit)
	}
	if _, hit := f.Cached(b); hit {
		t.Fatal("Cached answered for another shape")
	}
	if f.Value(without) != nil {
		t.Fatal("Value found a missing field")
	}
	if _, hit := f.Cached(without); hit {
		t.Fatal("Cached answered for an absent field")
	}
}

func TestRecordSameIdentity(t *testing.T) {
	m := map[string]any{"a": int64(1)}
	a, b := codec.RecordOf(m), codec.RecordOf(m)
	if !a.Same(a) || a.Same(b) {
		t.Fatal("Same must be identity, not equality")
	}
	if (codec.Record{}).Same(a) {
		t.Fatal("the zero Record is the same as a stored one")
	}
}

// TestWriterRecordOrder checks that the writers read a compact record with
// the primary key first and the other fields sorted, as RecordKeys says.
func TestWriterRecordOrder(t *testing.T) {
	var buf bytes.Buffer
	w := codec.NewJSONWriter(&buf, codec.JSONOptions{OmitExtras: true})
	if err := w.BeginTable(&codec.TableDump{Name: "t", PrimaryKey: "m"}); err != nil {
		t.Fatal(err)
	}
	rec := codec.RecordOf(map[string]any{"z": int64(1), "m": int64(2), "a": "x"})
	if err := w.WriteRecord(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.EndTable(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := `{"m": 2, "a": "x", "z": 1}`; !bytes.Contains(buf.Bytes(), []byte(want)) {
		t.Fatalf("got %s, want a line %s", buf.String(), want)
	}
	if got := codec.RecordKeys(rec.Map(), "m"); !slices.Equal(got, []string{"m", "a", "z"}) {
		t.Fatalf("RecordKeys = %v", got)
	}
}
