package codec_test

import (
	"fmt"

	"github.com/dictdb-go/dictdb/codec"
)

// A Record is the compact, normalized form of a map: one allocation holding
// its interned shape and its values in field-name order.
func ExampleNormalizeRecord() {
	rec, err := codec.NormalizeRecord(map[string]any{"name": "Ann", "age": 31, "id": uint8(7)})
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.Shape().Names())
	for name, v := range rec.All() {
		fmt.Printf("%s=%v (%T)\n", name, v, v)
	}
	// Records of the same field set share one shape.
	other, _ := codec.NormalizeRecord(map[string]any{"id": 8, "age": 40, "name": "Bob"})
	fmt.Println(rec.Shape() == other.Shape())
	// Output:
	// [age id name]
	// age=31 (int64)
	// id=7 (int64)
	// name=Ann (string)
	// true
}

// A Field reads one field from many records, resolving its slot once per
// shape instead of searching the names of every record.
func ExampleField() {
	age := codec.NewField("age")
	for _, m := range []map[string]any{{"age": 31, "name": "Ann"}, {"name": "Bob"}} {
		rec, _ := codec.NormalizeRecord(m)
		v, ok := age.Get(rec)
		fmt.Println(v, ok)
	}
	// Output:
	// 31 true
	// <nil> false
}

// Keys compare by value with Equal and Less: two string keys may hold equal
// bytes at different addresses, so Key does not support ==.
func ExampleKey_Equal() {
	a := codec.StringKey("ann")
	b := codec.StringKey(string([]byte("ann")))
	fmt.Println(a.Equal(b), a.Less(codec.StringKey("bob")), codec.IntKey(9).Less(a))
	// Output:
	// true true true
}
