package tbl

import (
	"fmt"
	"math"
	"strings"
)

// Explain describes how Select would run q: the access path with its
// estimated rows, the residual filter, and the sort strategy.
func (t *Table) Explain(q Query) (string, error) {
	p, err := t.compileQuery(q)
	if err != nil {
		return "", err
	}
	a := t.choose(q.Where)
	defer a.close()
	var b strings.Builder
	fmt.Fprintf(&b, "table %s (%d rows)\n", t.name, t.rows.Len())
	fmt.Fprintf(&b, "access: %s, estimated rows %d\n", a.desc(), a.est)
	if q.Where != nil {
		fmt.Fprintf(&b, "filter: %s\n", q.Where.String())
	}
	switch strat := t.sortStrategy(p, a); {
	case strat != "":
		fmt.Fprintf(&b, "order: %s\n", strat)
	}
	if p.distinct {
		b.WriteString("distinct: yes\n")
	}
	if p.limit > 0 || p.offset > 0 {
		fmt.Fprintf(&b, "offset %d, limit %d\n", p.offset, p.limit)
	}
	return b.String(), nil
}

// sortStrategy names how rows get their order: the choice of sortMethod,
// which run follows.
func (t *Table) sortStrategy(p *plan, a access) string {
	switch t.sortMethod(p, a) {
	case keyOrder:
		return "primary-key order"
	case indexRange:
		return "index order of the candidates (index on " + a.indexField + ")"
	case streamed:
		_, desc, _ := t.orderedSource(p.order)
		return "streamed in " + desc + stopNote(p)
	case topKSelection:
		k, _ := p.topK(t.rows.Len())
		return fmt.Sprintf("top-%d selection by %s", k, orderString(p.order))
	}
	return "sort by " + orderString(p.order)
}

func stopNote(p *plan) string {
	if p.limit > 0 {
		k := math.MaxInt // offset+limit, saturated
		if p.offset <= math.MaxInt-p.limit {
			k = p.offset + p.limit
		}
		return fmt.Sprintf(", stopping after %d rows", k)
	}
	return ""
}

func orderString(order []orderKey) string {
	parts := make([]string, len(order))
	for i, o := range order {
		parts[i] = o.field
		if o.desc {
			parts[i] = "-" + o.field
		}
	}
	return strings.Join(parts, ", ")
}
