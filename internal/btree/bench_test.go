package btree

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/benbjohnson/immutable"
)

// benchKey is shaped like codec.Key: an int64 or a string.
type benchKey struct {
	s     string
	i     int64
	isStr bool
}

func compareBenchKeys(a, b benchKey) int {
	if a.isStr != b.isStr {
		if a.isStr {
			return 1
		}
		return -1
	}
	if a.isStr {
		return strings.Compare(a.s, b.s)
	}
	return cmp.Compare(a.i, b.i)
}

type row struct{ id int }

// funcComparer adapts a comparison function to immutable.Comparer.
type funcComparer[K any] func(a, b K) int

func (f funcComparer[K]) Compare(a, b K) int { return f(a, b) }

// keyKind makes the i-th key of a benchmark, in ascending order of i.
type keyKind[K any] struct {
	name string
	key  func(i int) K
	cmp  func(a, b K) int
}

var (
	intKeys    = keyKind[int64]{"int64", func(i int) int64 { return int64(i) }, cmp.Compare[int64]}
	stringKeys = keyKind[benchKey]{"string", func(i int) benchKey {
		return benchKey{s: fmt.Sprintf("customer:%010d", i), isStr: true}
	}, compareBenchKeys}
)

// benchAll runs f for int64 keys and for struct keys with strings.
func benchAll(b *testing.B, f func(b *testing.B, k any)) {
	b.Run("int64", func(b *testing.B) { f(b, intKeys) })
	b.Run("string", func(b *testing.B) { f(b, stringKeys) })
}

func built[K any](k keyKind[K], n int) *Map[K, *row] {
	bl := NewBuilder[K, *row](k.cmp)
	for i := range n {
		_ = bl.Append(k.key(i), &row{i})
	}
	return bl.Map()
}

func builtImmutable[K any](k keyKind[K], n int) *immutable.SortedMap[K, *row] {
	bl := immutable.NewSortedMapBuilder[K, *row](funcComparer[K](k.cmp))
	for i := range n {
		bl.Set(k.key(i), &row{i})
	}
	return bl.Map()
}

func dispatch(b *testing.B, k any, ints func(*testing.B, keyKind[int64]), strs func(*testing.B, keyKind[benchKey])) {
	switch k := k.(type) {
	case keyKind[int64]:
		ints(b, k)
	case keyKind[benchKey]:
		strs(b, k)
	}
}

func BenchmarkGet(b *testing.B) {
	benchAll(b, func(b *testing.B, k any) {
		dispatch(b, k, benchGet[int64], benchGet[benchKey])
	})
}

func benchGet[K any](b *testing.B, k keyKind[K]) {
	const n = 100000
	keys := make([]K, 1024)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range keys {
		keys[i] = k.key(r.IntN(n))
	}
	b.Run("btree", func(b *testing.B) {
		m := built(k, n)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, ok := m.Get(keys[i%len(keys)]); !ok {
				b.Fatal("missing")
			}
		}
	})
	b.Run("immutable", func(b *testing.B) {
		m := builtImmutable(k, n)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, ok := m.Get(keys[i%len(keys)]); !ok {
				b.Fatal("missing")
			}
		}
	})
}

// BenchmarkSet is one persistent Set into a map of 1e5 entries.
func BenchmarkSet(b *testing.B) {
	benchAll(b, func(b *testing.B, k any) {
		dispatch(b, k, benchSet[int64], benchSet[benchKey])
	})
}

func benchSet[K any](b *testing.B, k keyKind[K]) {
	const n = 100000
	keys := make([]K, 1024)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range keys {
		keys[i] = k.key(r.IntN(2 * n))
	}
	v := &row{}
	b.Run("btree", func(b *testing.B) {
		m := built(k, n)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m.Set(keys[i%len(keys)], v)
		}
	})
	b.Run("immutable", func(b *testing.B) {
		m := builtImmutable(k, n)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m.Set(keys[i%len(keys)], v)
		}
	})
}

// BenchmarkAscendingLoad is 1e5 ascending Sets into an empty map, through
// an Editor and through immutable's builder.
func BenchmarkAscendingLoad(b *testing.B) {
	benchAll(b, func(b *testing.B, k any) {
		dispatch(b, k, benchAscendingLoad[int64], benchAscendingLoad[benchKey])
	})
}

func benchAscendingLoad[K any](b *testing.B, k keyKind[K]) {
	const n = 100000
	keys := make([]K, n)
	for i := range keys {
		keys[i] = k.key(i)
	}
	v := &row{}
	b.Run("btree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			e := New[K, *row](k.cmp).Edit()
			for _, key := range keys {
				e.Set(key, v)
			}
			e.Map()
		}
	})
	b.Run("immutable", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bl := immutable.NewSortedMapBuilder[K, *row](funcComparer[K](k.cmp))
			for _, key := range keys {
				bl.Set(key, v)
			}
			bl.Map()
		}
	})
}

// BenchmarkRandomSets is 1e5 random Sets into a map of 1e6 entries: through
// one Editor, and as persistent Sets of immutable (which has no way to
// edit an existing map in place).
func BenchmarkRandomSets(b *testing.B) {
	benchAll(b, func(b *testing.B, k any) {
		dispatch(b, k, benchRandomSets[int64], benchRandomSets[benchKey])
	})
}

func benchRandomSets[K any](b *testing.B, k keyKind[K]) {
	const n, sets = 1000000, 100000
	keys := make([]K, sets)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range keys {
		keys[i] = k.key(r.IntN(2 * n))
	}
	v := &row{}
	b.Run("btree-editor", func(b *testing.B) {
		m := built(k, n)
		b.ReportAllocs()
		for b.Loop() {
			e := m.Edit()
			for _, key := range keys {
				e.Set(key, v)
			}
			e.Map()
		}
	})
	b.Run("btree-persistent", func(b *testing.B) {
		m := built(k, n)
		b.ReportAllocs()
		for b.Loop() {
			m2 := m
			for _, key := range keys {
				m2 = m2.Set(key, v)
			}
		}
	})
	b.Run("immutable", func(b *testing.B) {
		m := builtImmutable(k, n)
		b.ReportAllocs()
		for b.Loop() {
			m2 := m
			for _, key := range keys {
				m2 = m2.Set(key, v)
			}
		}
	})
}

// BenchmarkBuild builds a map of 1e6 entries from sorted input.
func BenchmarkBuild(b *testing.B) {
	benchAll(b, func(b *testing.B, k any) {
		dispatch(b, k, benchBuild[int64], benchBuild[benchKey])
	})
}

func benchBuild[K any](b *testing.B, k keyKind[K]) {
	const n = 1000000
	keys := make([]K, n)
	for i := range keys {
		keys[i] = k.key(i)
	}
	v := &row{}
	b.Run("btree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bl := NewBuilder[K, *row](k.cmp)
			for _, key := range keys {
				_ = bl.Append(key, v)
			}
			bl.Map()
		}
	})
	b.Run("immutable", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bl := immutable.NewSortedMapBuilder[K, *row](funcComparer[K](k.cmp))
			for _, key := range keys {
				bl.Set(key, v)
			}
			bl.Map()
		}
	})
}

// BenchmarkIterate reads all 1e5 entries in order.
func BenchmarkIterate(b *testing.B) {
	benchAll(b, func(b *testing.B, k any) {
		dispatch(b, k, benchIterate[int64], benchIterate[benchKey])
	})
}

func benchIterate[K any](b *testing.B, k keyKind[K]) {
	const n = 100000
	b.Run("btree-iterator", func(b *testing.B) {
		m := built(k, n)
		b.ReportAllocs()
		for b.Loop() {
			c := 0
			for it := m.Iterator(); !it.Done(); {
				it.Next()
				c++
			}
			if c != n {
				b.Fatal(c)
			}
		}
	})
	b.Run("btree-all", func(b *testing.B) {
		m := built(k, n)
		b.ReportAllocs()
		for b.Loop() {
			c := 0
			for range m.All() {
				c++
			}
			if c != n {
				b.Fatal(c)
			}
		}
	})
	b.Run("immutable", func(b *testing.B) {
		m := builtImmutable(k, n)
		b.ReportAllocs()
		for b.Loop() {
			c := 0
			for it := m.Iterator(); !it.Done(); {
				it.Next()
				c++
			}
			if c != n {
				b.Fatal(c)
			}
		}
	})
}

// BenchmarkMemory reports the heap retained per entry by maps of 1e6
// entries (keys and values included; the values all point to one row).
func BenchmarkMemory(b *testing.B) {
	benchAll(b, func(b *testing.B, k any) {
		dispatch(b, k, benchMemory[int64], benchMemory[benchKey])
	})
}

func benchMemory[K any](b *testing.B, k keyKind[K]) {
	const n = 1000000
	keys := make([]K, n)
	for i := range keys {
		keys[i] = k.key(i)
	}
	perm := rand.New(rand.NewPCG(1, 2)).Perm(n)
	v := &row{}
	measure := func(b *testing.B, build func() any) {
		for b.Loop() {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			m := build()
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/entry")
			runtime.KeepAlive(m)
		}
	}
	b.Run("btree-builder", func(b *testing.B) {
		measure(b, func() any {
			bl := NewBuilder[K, *row](k.cmp)
			for _, key := range keys {
				_ = bl.Append(key, v)
			}
			return bl.Map()
		})
	})
	b.Run("btree-editor-random", func(b *testing.B) {
		measure(b, func() any {
			e := New[K, *row](k.cmp).Edit()
			for _, i := range perm {
				e.Set(keys[i], v)
			}
			return e.Map()
		})
	})
	b.Run("immutable-builder", func(b *testing.B) {
		measure(b, func() any {
			bl := immutable.NewSortedMapBuilder[K, *row](funcComparer[K](k.cmp))
			for _, key := range keys {
				bl.Set(key, v)
			}
			return bl.Map()
		})
	})
	b.Run("immutable-builder-random", func(b *testing.B) {
		measure(b, func() any {
			bl := immutable.NewSortedMapBuilder[K, *row](funcComparer[K](k.cmp))
			for _, i := range perm {
				bl.Set(keys[i], v)
			}
			return bl.Map()
		})
	})
}
