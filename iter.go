package dictdb

import (
	"context"
	"iter"

	"github.com/dictdb-go/dictdb/tbl"
)

// checkEvery is how many rows a ScanContext examines or yields between two
// looks at its context.
const checkEvery = 1024

// ctxCheck returns the check function of a scan under ctx, or nil when ctx
// can never end.
func ctxCheck(ctx context.Context) func() error {
	if ctx.Done() == nil {
		return nil
	}
	return ctx.Err
}

// All iterates over the key (int64 or string) and row of every record in
// primary-key order, without copying (see Row).
func (v *View) All() iter.Seq2[any, Row] {
	return func(yield func(any, Row) bool) {
		for k, r := range v.t.All() {
			if !yield(k.Value(), Row(r)) {
				return
			}
		}
	}
}

// Scan runs q and yields its result rows in order, as Rows would return
// them. All and Scan return iterators in the conventions of the
// iter package: range over them with for, and break whenever; nothing is
// left to close. Each iteration reads one version of the table, fixed when
// the iteration starts (a View's own, or a live Table's current one): writes
// made meanwhile, also from the loop body, are not seen and never disturb
// it. An iterator may be ranged over again, each time reading the version
// current then (a View's always the same).
//
// Scan yields the rows of a Query in its order as it finds them, without
// building the result first, when the plan reads rows in that order: with
// no OrderBy (primary-key order), with an OrderBy that the primary key or a
// sorted index serves when the table is read whole anyway or the query has
// a Limit, or with an OrderBy on the field of the index the candidates come
// from (Explain's order line says "primary-key order", "streamed" or
// "index order of the candidates"). Stopping early then costs nothing more
// than the rows read so far. (Candidates from an index range in
// primary-key order are gathered and put in key order first.) A sort that cannot stream (Explain says "sort by" or "top-k
// selection": an OrderBy on an unindexed field, say) collects and sorts
// every match before the first row is yielded, and Distinct keeps the rows
// it yielded to drop later duplicates.
//
// Errors arrive through the iterator: an invalid query is yielded once, with
// a zero Row, before anything else; so is ctx.Err() when the context of
// ScanContext ends, after which the iteration stops. ScanContext checks
// the context before it starts and then every checkEvery rows examined or
// yielded.
func (v *View) Scan(q Query) iter.Seq2[Row, error] {
	return v.ScanContext(context.Background(), q)
}

// ScanContext is Scan that stops, yielding ctx.Err(), once ctx ends.
func (v *View) ScanContext(ctx context.Context, q Query) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		scanTable(ctx, v.t, q, func(r tbl.Row) bool { return yield(Row(r), nil) }, func(err error) { yield(Row{}, err) })
	}
}

// scanTable runs q on t, calling each for the rows until it returns false,
// and fail once for an error (an invalid query or the end of ctx).
func scanTable(ctx context.Context, t *tbl.Table, q Query, each func(tbl.Row) bool, fail func(error)) {
	if err := nilContext(ctx, "ScanContext"); err != nil {
		fail(err)
		return
	}
	if err := ctx.Err(); err != nil {
		fail(err)
		return
	}
	check := ctxCheck(ctx)
	run, err := t.Scan(tbl.Query(q), check)
	if err != nil {
		fail(err)
		return
	}
	emit := each
	var ctxErr error
	if check != nil {
		n := 0
		emit = func(r tbl.Row) bool {
			if n++; n >= checkEvery {
				n = 0
				if ctxErr = check(); ctxErr != nil {
					return false
				}
			}
			return each(r)
		}
	}
	if err := run(emit); err != nil {
		ctxErr = err
	}
	if ctxErr != nil {
		fail(ctxErr)
	}
}

// All iterates over the key and row of every record of the current version
// in primary-key order, without copying; nothing once the table was
// dropped.
func (t *Table) All() iter.Seq2[any, Row] {
	return func(yield func(any, Row) bool) {
		if v := t.view(); v != nil {
			v.All()(yield)
		}
	}
}

// Scan is View.Scan on the version current when the iteration starts; once
// the table was dropped it yields ErrTableNotFound.
func (t *Table) Scan(q Query) iter.Seq2[Row, error] {
	return t.ScanContext(context.Background(), q)
}

// ScanContext is View.ScanContext on the version current when the
// iteration starts.
func (t *Table) ScanContext(ctx context.Context, q Query) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		v, err := t.View()
		if err != nil {
			yield(Row{}, err)
			return
		}
		v.ScanContext(ctx, q)(yield)
	}
}

// All is Table.All on the staged version, as it is when the iteration
// starts.
func (t *TxTable) All() iter.Seq2[any, Row] {
	return func(yield func(any, Row) bool) {
		if v := t.view(); v != nil {
			v.All()(yield)
		}
	}
}

// Scan is Table.Scan on the staged version, as it is when the iteration
// starts.
func (t *TxTable) Scan(q Query) iter.Seq2[Row, error] {
	return t.ScanContext(context.Background(), q)
}

// ScanContext is Table.ScanContext on the staged version.
func (t *TxTable) ScanContext(ctx context.Context, q Query) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		v, err := t.View()
		if err != nil {
			yield(Row{}, err)
			return
		}
		v.ScanContext(ctx, q)(yield)
	}
}
