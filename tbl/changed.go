package tbl

import (
	"fmt"
	"slices"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/invariants"
)

// ChangedRows calls fn, in primary-key order, for every key whose row
// differs between two versions of one table, exactly as DiffRows does:
// present in one only, or replaced by a write (rows compare by identity,
// see Same). When cur was made from old by one write that changed a few
// rows (see ChangedKeys), it looks up only those rows, allocating nothing;
// otherwise it walks the trees as DiffRows does, skipping the subtrees the
// versions share by pointer. It stops when fn returns false.
func ChangedRows(old, cur *Table, fn func(k codec.Key, oldRow Row, hadOld bool, newRow Row, hasNew bool) bool) {
	if invariants.Enabled {
		checkChangedRows(old, cur)
	}
	changedRows(old, cur, fn)
}

func changedRows(old, cur *Table, fn func(k codec.Key, oldRow Row, hadOld bool, newRow Row, hasNew bool) bool) {
	keys, ok := ChangedKeys(old, cur)
	if !ok {
		DiffRows(old, cur, fn)
		return
	}
	if len(keys) > 1 {
		// Touched keys come in write order and may repeat: sort a copy on
		// the stack and skip repeats.
		var buf [maxTouched + 1]codec.Key
		keys = append(buf[:0], keys...)
		slices.SortFunc(keys, codec.CompareKeys)
	}
	for i, k := range keys {
		if i > 0 && codec.CompareKeys(keys[i-1], k) == 0 {
			continue
		}
		before, had := old.rows.Get(k)
		after, has := cur.rows.Get(k)
		if had == has && (!had || Same(before, after)) {
			continue
		}
		if !fn(k, before, had, after, has) {
			return
		}
	}
}

// checkChangedRows panics unless changedRows reports what the full
// structural diff reports between old and cur.
func checkChangedRows(old, cur *Table) {
	type change struct {
		k             codec.Key
		before, after Row
		had, has      bool
	}
	collect := func(walk func(*Table, *Table, func(codec.Key, Row, bool, Row, bool) bool)) []change {
		var out []change
		walk(old, cur, func(k codec.Key, before Row, had bool, after Row, has bool) bool {
			out = append(out, change{k, before, after, had, has})
			return true
		})
		return out
	}
	got, want := collect(changedRows), collect(DiffRows)
	eq := slices.EqualFunc(got, want, func(a, b change) bool {
		return codec.CompareKeys(a.k, b.k) == 0 && a.had == b.had && a.has == b.has &&
			Same(a.before, b.before) && Same(a.after, b.after)
	})
	if !eq {
		panic(fmt.Sprintf("tbl: ChangedRows of %q reports %d changes, the full diff %d", cur.name, len(got), len(want)))
	}
}

// SameIndexes reports whether two versions of a table have the same index
// definitions in the same order, without building their lists (see
// Indexes).
func SameIndexes(a, b *Table) bool {
	if len(a.indexes) != len(b.indexes) {
		return false
	}
	for i, x := range a.indexes {
		if x != b.indexes[i] && x.Def() != b.indexes[i].Def() {
			return false
		}
	}
	return true
}
