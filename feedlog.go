package dictdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/wal"
	"github.com/dictdb-go/dictdb/tbl"
)

// errLogRead ends a read of the log early: the commits wanted were read,
// or the subscriber stopped.
var errLogRead = errors.New("enough of the log was read")

// feedFromLog yields the commits after from up to upTo, which the feed's
// buffer no longer holds, rebuilt from the newest checkpoint and the log:
// the checkpoint is loaded, the log replayed up to from, and each later
// commit yielded as a Change built, like the feed's, from the versions of
// the tables it changed. It returns the last sequence yielded and whether
// the subscription goes on. When a checkpoint newer than from removed the
// commits wanted (before or during the read), it yields a *LaggedError
// whose Oldest is that checkpoint's commit plus one.
//
// It holds no lock while it reads or yields: a checkpoint may run
// meanwhile, and removes files the read has not opened yet only when the
// read no longer needs them (which the check of ckptSeq after a failure
// tells).
func (d *durable) feedFromLog(ctx context.Context, from, upTo uint64, yield func(Change, error) bool) (uint64, bool) {
	ckpt, hasCkpt := d.checkpointSeq()
	lagged := func(ckpt uint64) (uint64, bool) {
		yield(Change{}, &LaggedError{From: from, Oldest: ckpt + 1})
		return from, false
	}
	if hasCkpt && from < ckpt {
		return lagged(ckpt)
	}
	fail := func(err error) (uint64, bool) {
		if ctx.Err() != nil {
			yield(Change{}, ctx.Err())
			return from, false
		}
		if now, _ := d.checkpointSeq(); now != ckpt && from < now {
			return lagged(now) // a checkpoint removed what was being read
		}
		yield(Change{}, fmt.Errorf("dictdb: change feed: reading the log of %s: %w", d.dir, logError(err)))
		return from, false
	}
	tables := map[string]*tbl.Table{}
	if hasCkpt {
		var err error
		if tables, err = d.loadCheckpoint(ckpt); err != nil {
			return fail(err)
		}
	}
	stopped := false
	var steps []tableStep
	_, err := wal.Read(d.fsys, d.dir, ckpt+1, func(seq uint64, payload []byte) error {
		if seq > upTo {
			return errLogRead
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		delta, err := codec.DecodeBinaryDelta(payload)
		if err != nil {
			return err
		}
		if seq <= from {
			_, err := replayDelta(tables, delta, nil)
			return err
		}
		if steps, err = replayDelta(tables, delta, steps[:0]); err != nil {
			return err
		}
		rec := &commitRec{seq: seq}
		for _, s := range steps {
			if s.old != s.cur {
				rec.steps = append(rec.steps, s)
			}
		}
		slices.SortFunc(rec.steps, func(a, b tableStep) int { return strings.Compare(a.name, b.name) })
		if !yield(rec.change(), nil) {
			stopped = true
			return errLogRead
		}
		from = seq
		return nil
	})
	switch {
	case stopped:
		return from, false
	case err != nil && !errors.Is(err, errLogRead):
		return fail(err)
	case from < upTo:
		return fail(fmt.Errorf("%w: the log ends at commit %d, before commit %d", ErrCorrupt, from, upTo))
	}
	return from, true
}

// checkpointSeq returns the newest checkpoint's commit, if there is one.
func (d *durable) checkpointSeq() (uint64, bool) {
	d.ckptMu.Lock()
	defer d.ckptMu.Unlock()
	return d.ckptSeq, d.hasCkpt
}
