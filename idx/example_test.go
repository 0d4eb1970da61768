package idx_test

import (
	"fmt"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/idx"
)

// A Builder changes a private copy of an index in place; the index it
// started from never changes. CountRange counts the entries of a range and
// AppendRows copies their rows out a leaf at a time; AppendScan gathers
// (key, row) hits.
func ExampleIndex_Edit() {
	empty := idx.New[string](idx.Def{Field: "age", Kind: idx.Sorted})
	b := empty.Edit()
	for i, age := range []int64{31, 25, 31, 40} {
		b.Put(nil, false, age, codec.IntKey(int64(i+1)), fmt.Sprint("row", i+1))
	}
	ages := b.Index()
	fmt.Println(empty.Len(), ages.Len())

	thirtyOne := idx.Range{Lo: int64(31), LoIncl: true, Hi: int64(31), HiIncl: true}
	n, _ := ages.CountRange(thirtyOne, 10)
	fmt.Println(n, ages.AppendRows(nil, thirtyOne))
	hits, _ := ages.AppendScan(nil, idx.Range{Lo: int64(30), LoIncl: true}, 10)
	for _, h := range hits {
		fmt.Println(h.Key, h.Row)
	}
	// Output:
	// 0 4
	// 2 [row1 row3]
	// 1 row1
	// 3 row3
	// 4 row4
}

// EachHit streams the (key, row) entries of a range out of the index a
// leaf at a time, copying nothing, and stops when told.
func ExampleIndex_EachHit() {
	b := idx.New[string](idx.Def{Field: "age", Kind: idx.Sorted}).Edit()
	for i, age := range []int64{31, 25, 31, 40} {
		b.Put(nil, false, age, codec.IntKey(int64(i+1)), fmt.Sprint("row", i+1))
	}
	ages := b.Index()
	done := ages.EachHit(idx.Range{Lo: int64(30), LoIncl: true}, func(k codec.Key, row string) bool {
		fmt.Println(k, row)
		return row != "row3" // stop after row3
	})
	fmt.Println("reached the end:", done)
	// Output:
	// 1 row1
	// 3 row3
	// reached the end: false
}

// AppendIntKeys and ScatterRows put the rows of a range in an order computed
// from their keys, here descending key order, without copying an entry:
// the keys go into a plain []int64, the rows straight to their places.
func ExampleIndex_ScatterRows() {
	b := idx.New[string](idx.Def{Field: "age", Kind: idx.Sorted}).Edit()
	for i, age := range []int64{31, 25, 33, 40} {
		b.Put(nil, false, age, codec.IntKey(int64(i+1)), fmt.Sprint("row", i+1))
	}
	ages := b.Index()
	r := idx.Range{Lo: int64(30), LoIncl: true}
	keys, ok := ages.AppendIntKeys(nil, r) // in (age, key) order: 1 3 4
	fmt.Println(keys, ok)
	at := make([]int64, len(keys)) // each row's place: the number of larger keys
	for i, k := range keys {
		for _, other := range keys {
			if other > k {
				at[i]++
			}
		}
	}
	rows := make([]string, len(keys))
	ages.ScatterRows(rows, r, at)
	fmt.Println(rows)
	// Output:
	// [1 3 4] true
	// [row4 row3 row1]
}
