package idx

import (
	"sort"

	"github.com/dictdb-go/dictdb/codec"
)

// EachRun calls fn with the index's entries in (value, key) order, a run
// of equal values (codec.Equal) of one leaf at a time: v is the value of
// the run's first entry, as stored, and rows the rows of the run in
// primary-key order. A run that spans leaves comes in several calls with
// equal values, which fn tells apart with one comparison per call, not per
// row. Values are compared only at run boundaries (a leaf whose first and
// last values are equal is one run): nothing is hashed. It stops when fn
// returns false.
//
// v and rows are the index's own storage, lent for the call: fn must not
// change them nor keep rows past the call, and a list, map or byte-slice
// v must be copied (codec.Clone) before it reaches a caller.
func (x *Index[R]) EachRun(fn func(v any, rows []R) bool) {
	for ks, rows := range x.m.Chunks() {
		for i := 0; i < len(ks); {
			v := ks[i].v
			j := len(ks)
			if !codec.Equal(ks[j-1].v, v) {
				j = i + 1 + sort.Search(j-i-1, func(m int) bool { return !codec.Equal(ks[i+1+m].v, v) })
			}
			if !fn(v, rows[i:j]) {
				return
			}
			i = j
		}
	}
}
