package fuzz

import (
	"hash/fnv"
	"math/rand/v2"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// Program is the program a fuzz input runs: the decoded operations, then
// the probes.
func Program(data []byte) []Op {
	return append(Decode(data), Probes(data)...)
}

// Probes returns the operations every program ends with. They fill a
// table "p" with 24 rows of random values (from the input's hash) under
// mixed integer and string keys, with sorted and hash indexes, add a few
// rows to t0 and t1, and run one query per planner strategy over p and a
// few over the program's tables, whatever state the program left them in:
// primary-key lookups and ranges (exclusive, fractional and string
// bounds), index lookups and ranges, merged ranges, streamed, top-k and
// fully sorted orders, Distinct with Offset and Limit, and minimum and
// maximum after an update that swaps integers for equal floats. The
// decoded programs alone build tables of a few rows, which never reach the
// strategies that pay off only on larger ones (a top-k selection needs
// four times offset+limit rows).
func Probes(data []byte) []Op {
	h := fnv.New64a()
	_, _ = h.Write(data)
	rng := rand.New(rand.NewPCG(h.Sum64(), 21))
	num := func() any { return []any{int64(0), int64(1), int64(2), 1.0, 1.5, 2.5, int64(-1)}[rng.IntN(7)] }
	str := func() any { return []any{"a", "b", "ab", "A", "k"}[rng.IntN(5)] }

	ops := []Op{
		{Kind: KCreateTable, Table: "p", PK: "id"},
		{Kind: KCreateIndex, Table: "p", Field: "a", Index: dictdb.SortedIndex},
		{Kind: KCreateIndex, Table: "p", Field: "b", Index: dictdb.HashIndex},
		{Kind: KCreateIndex, Table: "p", Field: "c", Index: dictdb.SortedIndex},
	}
	for i := range 24 {
		rec := dictdb.Record{"a": num(), "b": str(), "c": int64(1 + rng.IntN(3))}
		switch rng.IntN(4) {
		case 0:
			rec["id"] = string(rune('a' + rng.IntN(26)))
		case 1:
			rec["id"] = int64(rng.IntN(40))
		}
		if i%8 == 7 {
			delete(rec, "a") // a missing field reads as null
		}
		ops = append(ops, Op{Kind: KInsert, Table: "p", Rec: rec})
	}
	// A few rows more for the program's tables, valid under their schema.
	for _, t := range []string{"t0", "t1"} {
		for range 4 {
			ops = append(ops, Op{Kind: KInsert, Table: t, Rec: dictdb.Record{"a": num(), "b": str()}})
		}
	}
	// An update to equal values of another type: 1 becomes 1.0.
	ops = append(ops,
		Op{Kind: KUpdate, Table: "p", Rec: dictdb.Record{"c": 1.0}, Where: cond.Field("c").Eq(1)},
		Op{Kind: KAggregate, Table: "p", Agg: dictdb.AggQuery{Aggs: []dictdb.Agg{
			{Name: "m", Kind: dictdb.AggMin, Field: "c"}, {Name: "x", Kind: dictdb.AggMax, Field: "c"},
			{Name: "n", Kind: dictdb.AggMin, Field: "a"}, {Name: "y", Kind: dictdb.AggMax, Field: "a"}}}},
	)
	for _, q := range probeQueries([]string{"a", "c"}, []string{"id"}, true) {
		ops = append(ops, Op{Kind: KSelect, Table: "p", Query: q})
	}
	for _, t := range []string{"t0", "t1"} {
		for _, q := range probeQueries([]string{"a", "b"}, []string{"id", "k"}, false) {
			ops = append(ops, Op{Kind: KSelect, Table: t, Query: q})
		}
	}
	return ops
}

// probeQueries returns queries over fields and primary keys pks: with
// all, one per planner strategy, else the few whose results depend most on
// the strategy (Distinct with paging, primary-key bounds between keys).
func probeQueries(fields, pks []string, all bool) []dictdb.Query {
	var qs []dictdb.Query
	cols := func(f string) []dictdb.Projection { return []dictdb.Projection{dictdb.As(f, f)} }
	for _, f := range fields {
		c := cond.Field(f)
		qs = append(qs,
			dictdb.Query{Columns: cols(f), Distinct: true, Offset: 1},
			dictdb.Query{OrderBy: []string{f}, Columns: cols(f), Distinct: true, Limit: 2},
		)
		if !all {
			continue
		}
		qs = append(qs,
			dictdb.Query{Columns: cols(f), Distinct: true, Offset: 2, Limit: 2},
			dictdb.Query{OrderBy: []string{"-" + f}, Columns: cols(f), Distinct: true, Limit: 1, Offset: 1},
			dictdb.Query{OrderBy: []string{"-" + f, "id"}, Limit: 3, Offset: 1},
			dictdb.Query{OrderBy: []string{f}, Limit: 2},
			dictdb.Query{OrderBy: []string{"-" + f}, Limit: 2, Offset: 1},
			dictdb.Query{OrderBy: []string{"-" + f}},
			dictdb.Query{Where: c.Gt(1), OrderBy: []string{f, "-id"}},
			dictdb.Query{Where: cond.And(c.Gte(0.5), c.Lt(2))},
			dictdb.Query{Where: c.In(1, "a", 1.0)},
			dictdb.Query{Where: c.Eq(2), Columns: cols("id")},
			dictdb.Query{Where: c.Between(2, 1)},
		)
	}
	if all {
		qs = append(qs,
			dictdb.Query{Where: cond.Field("b").Eq("a")},
			dictdb.Query{Where: cond.And(cond.Field("b").Gt("a"), cond.Field("b").Lte("b"))},
		)
	}
	for _, pk := range pks {
		c := cond.Field(pk)
		qs = append(qs,
			dictdb.Query{Where: c.Gt(5)},
			dictdb.Query{Where: c.Gte(5.5)},
			dictdb.Query{Where: c.Gte(3.0)},
			dictdb.Query{Where: c.Lt("k")},
			dictdb.Query{Where: cond.And(c.Gt(2), c.Lte(20.5))},
		)
		if !all {
			continue
		}
		qs = append(qs,
			dictdb.Query{Where: c.Gt("b"), OrderBy: []string{"-" + pk}},
			dictdb.Query{Where: cond.And(c.Gte("b"), c.Lt("m"))},
			dictdb.Query{Where: c.In(1, 2, 2, 40, "a")},
			dictdb.Query{Where: c.Eq(3)},
			dictdb.Query{Where: c.Between(5, 2)},
			dictdb.Query{OrderBy: []string{"-" + pk}, Limit: 2},
			dictdb.Query{OrderBy: []string{pk}, Limit: 3, Offset: 1},
		)
	}
	return qs
}
