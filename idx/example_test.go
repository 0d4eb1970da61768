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
