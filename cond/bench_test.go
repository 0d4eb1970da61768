package cond_test

import (
	"fmt"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
)

func benchRecord() map[string]any {
	return map[string]any{
		"id": int64(12345), "name": "Alexandra Smith", "email": "Alexandra.Smith@Example.com",
		"age": int64(41), "dept": "Engineering", "active": true, "score": 87.5,
		"tags": []any{"go", "db", "mvcc"},
	}
}

func BenchmarkMatch(b *testing.B) {
	var depts []any
	for i := range 64 {
		depts = append(depts, fmt.Sprint("dept", i))
	}
	depts = append(depts, "Engineering")
	for _, bc := range []struct {
		name string
		c    cond.Cond
	}{
		{"Eq/string", cond.Field("dept").Eq("Engineering")},
		{"Eq/int", cond.Field("age").Eq(41)},
		{"Gte/int", cond.Field("age").Gte(30)},
		{"Between/float", cond.Field("score").Between(50, 90)},
		{"Like/prefix", cond.Field("name").Like("Alex%")},
		{"Like/infix", cond.Field("email").Like("%Smith%")},
		{"Like/general", cond.Field("email").Like("A_e%.S%@%.c_m")},
		{"ILike", cond.Field("email").ILike("%smith@example.COM")},
		{"IContains", cond.Field("email").IContains("smith@")},
		{"In/small", cond.Field("dept").In("Sales", "HR", "Engineering")},
		{"In/large", cond.Field("dept").In(depts...)},
		{"And3", cond.And(cond.Field("active").Eq(true), cond.Field("age").Gt(30), cond.Field("dept").Eq("Engineering"))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			m, err := cond.Compile(bc.c)
			if err != nil {
				b.Fatal(err)
			}
			r := codec.RecordOf(benchRecord())
			if !m(r) {
				b.Fatalf("%v does not match", bc.c)
			}
			b.ReportAllocs()
			for b.Loop() {
				m(r)
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	c := cond.And(cond.Field("dept").In("IT", "HR", "Sales"), cond.Field("name").ILike("%a_b%"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cond.Compile(c); err != nil {
			b.Fatal(err)
		}
	}
}
