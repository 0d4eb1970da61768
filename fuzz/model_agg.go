package fuzz

import (
	"math/big"
	"slices"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
)

// aggregate computes q over t the naive way: filter, group by linear
// search, fold each group in key order.
func (t *mTable) aggregate(q dictdb.AggQuery) ([]dictdb.Record, error) {
	if len(q.Aggs) == 0 {
		return nil, dictdb.ErrInvalidQuery
	}
	var names []string
	for _, f := range q.GroupBy {
		if f == "" || slices.Contains(names, f) || !t.known(f) {
			return nil, dictdb.ErrInvalidQuery
		}
		names = append(names, f)
	}
	for _, a := range q.Aggs {
		if a.Name == "" || a.Kind < dictdb.AggCount || a.Kind > dictdb.AggMax ||
			(a.Field == "" && a.Kind != dictdb.AggCount) || slices.Contains(names, a.Name) ||
			(a.Field != "" && !t.known(a.Field)) {
			return nil, dictdb.ErrInvalidQuery
		}
		names = append(names, a.Name)
	}
	if !t.validWhere(q.Where) {
		return nil, dictdb.ErrInvalidQuery
	}
	type group struct {
		key  []any
		rows []map[string]any
	}
	var groups []*group
	for _, r := range t.rows {
		if q.Where != nil && !match(q.Where, r.rec) {
			continue
		}
		key := make([]any, len(q.GroupBy))
		for i, f := range q.GroupBy {
			key[i] = r.rec[f]
		}
		i := slices.IndexFunc(groups, func(g *group) bool { return codec.Equal(g.key, key) })
		if i < 0 {
			groups = append(groups, &group{key: key})
			i = len(groups) - 1
		}
		groups[i].rows = append(groups[i].rows, r.rec)
	}
	if len(q.GroupBy) == 0 && len(groups) == 0 {
		groups = append(groups, &group{key: []any{}})
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return codec.Compare(a.key, b.key) })
	out := []dictdb.Record{}
	for _, g := range groups {
		rec := dictdb.Record{}
		for i, f := range q.GroupBy {
			rec[f] = g.key[i]
		}
		for _, a := range q.Aggs {
			v, err := aggOne(a, g.rows)
			if err != nil {
				return nil, err
			}
			rec[a.Name] = v
		}
		out = append(out, rec)
	}
	return out, nil
}

func aggOne(a dictdb.Agg, rows []map[string]any) (any, error) {
	var vals []any
	for _, r := range rows {
		if a.Field == "" {
			vals = append(vals, true)
		} else if v := r[a.Field]; v != nil {
			vals = append(vals, v)
		}
	}
	switch a.Kind {
	case dictdb.AggCount:
		return int64(len(vals)), nil
	case dictdb.AggMin, dictdb.AggMax:
		var best any
		for i, v := range vals {
			c := 0
			if i > 0 {
				c = codec.Compare(v, best)
			}
			// Of equal values, both keep the first in key order.
			if i == 0 || (a.Kind == dictdb.AggMin && c < 0) || (a.Kind == dictdb.AggMax && c > 0) {
				best = v
			}
		}
		return best, nil
	}
	// Sum and Avg: the exact rational sum, rounded once. The library's
	// compensated float sum agrees on the model's values (small integers and
	// halves), whose sums are exact in float64.
	isum := new(big.Int)
	exact := new(big.Rat)
	hasFloat := false
	for _, v := range vals {
		switch x := v.(type) {
		case int64:
			isum.Add(isum, big.NewInt(x))
			exact.Add(exact, new(big.Rat).SetInt64(x))
		case float64:
			exact.Add(exact, new(big.Rat).SetFloat64(x))
			hasFloat = true
		default:
			return nil, dictdb.ErrInvalidQuery
		}
	}
	if len(vals) == 0 {
		return nil, nil
	}
	if a.Kind == dictdb.AggAvg {
		f, _ := exact.Quo(exact, new(big.Rat).SetInt64(int64(len(vals)))).Float64()
		return f, nil
	}
	if hasFloat {
		f, _ := exact.Float64()
		return f, nil
	}
	if !isum.IsInt64() {
		return nil, dictdb.ErrInvalidQuery
	}
	return isum.Int64(), nil
}
