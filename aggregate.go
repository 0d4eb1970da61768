package dictdb

import (
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/tbl"
)

// An Agg is one named aggregation; build it with Count, CountOf, Sum, Avg,
// Min or Max.
type Agg = tbl.Agg

// An AggQuery asks Aggregate for aggregations over the records matching
// Where, in one group or in groups of equal GroupBy values.
type AggQuery struct {
	// Aggs are the aggregations (built with Count, CountOf, Sum, Avg, Min
	// and Max), computed and named in this order. There must be at least
	// one, and their names must be non-empty, distinct, and distinct from
	// the GroupBy fields.
	Aggs []Agg
	// Where filters the records first; nil aggregates every record.
	Where cond.Cond
	// GroupBy lists the grouping fields (non-empty, distinct); none gives
	// one result record. Records whose values of these fields are equal
	// (1 and 1.0 are equal, a missing field is null) form one group.
	GroupBy []string
}

// Columns returns the names of the result columns in order: the GroupBy
// fields, then the aggregation names. Result records are maps; Columns
// gives the order to print them in.
func (q AggQuery) Columns() []string { return tbl.AggQuery(q).Columns() }

// AggKind is the kind of an Agg.
type AggKind = tbl.AggKind

// The aggregation kinds.
const (
	AggCount = tbl.AggCount // rows, or non-null values of a field
	AggSum   = tbl.AggSum   // sum of numbers
	AggAvg   = tbl.AggAvg   // mean of numbers, a float64
	AggMin   = tbl.AggMin   // smallest value in the total order
	AggMax   = tbl.AggMax   // largest value in the total order
)

// Count counts the rows (of each group), nulls included: an int64.
func Count(name string) Agg { return Agg{Name: name, Kind: tbl.AggCount} }

// CountOf counts the non-null values of field (a missing field is null):
// an int64.
func CountOf(name, field string) Agg { return Agg{Name: name, Kind: tbl.AggCount, Field: field} }

// Sum adds the non-null values of field: an int64 if all are integers (an
// int64 overflow is an ErrInvalidQuery error), a float64 if any is a float,
// nil if there are none. Floats are added with compensated summation, as
// Python's sum() since 3.12, so that ten 0.1 sum to 1.0 and 20.78, 4.88 and
// 37.05 to 62.71; integers are summed exactly and join the float sum at
// the end. Any other value, bools included, is an ErrInvalidQuery error, as
// is a float sum beyond the float64 range.
func Sum(name, field string) Agg { return Agg{Name: name, Kind: tbl.AggSum, Field: field} }

// Avg is the mean of the non-null numbers of field as a float64, or nil if
// there are none: Sum's sum divided by the count (for integers, the exact
// sum divided exactly and rounded once). Its values are checked as Sum's.
func Avg(name, field string) Agg { return Agg{Name: name, Kind: tbl.AggAvg, Field: field} }

// Min is the smallest non-null value of field in the total order of values
// (null < bool < number < string < bytes < time < list < map), or nil.
func Min(name, field string) Agg { return Agg{Name: name, Kind: tbl.AggMin, Field: field} }

// Max is the largest non-null value of field in the total order, or nil. Of
// equal values (2 and 2.0), Min and Max return the one of the first record
// in primary-key order, as Python's min() and max() return the first.
func Max(name, field string) Agg { return Agg{Name: name, Kind: tbl.AggMax, Field: field} }

// Aggregate computes q over the latest version of the table.
//
// Without GroupBy it returns exactly one record of aggregation results
// (counts 0 and other results nil on an empty table); with GroupBy one
// record per group, holding the group's field values and its results, in
// ascending order of the group key (the GroupBy values compared field by
// field in the total order; null first), and none if no record matches.
// Records with equal GroupBy values (1 and 1.0 are equal; a missing field
// is null) form one group. Unlike the Python DictDB, groups do not come in
// order of first occurrence, and an aggregation may not share its name
// with a GroupBy field.
//
// Row counts without Where are constant-time, and Min and Max of the
// primary key or of a sorted-indexed field without Where or GroupBy read
// the ends of the index. An invalid query (no aggregation, an empty or
// repeated name, a Sum or Avg over a value that is not a number, ...) is an
// error wrapping ErrInvalidQuery.
// The records returned are deep copies the caller owns.
func (t *Table) Aggregate(q AggQuery) ([]Record, error) {
	v, err := t.View()
	if err != nil {
		return nil, err
	}
	return v.Aggregate(q)
}

// Aggregate is Table.Aggregate over the transaction's staged version: it
// sees the transaction's own writes.
func (t *TxTable) Aggregate(q AggQuery) ([]Record, error) {
	v, err := t.View()
	if err != nil {
		return nil, err
	}
	return v.Aggregate(q)
}
