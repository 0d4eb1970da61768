package tbl

import (
	"encoding/binary"
	"sync/atomic"
	"time"
	"weak"

	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

// MinTime is the earliest time.Time there is: no time sorts before it. It
// is the lower bound of index ranges over times.
var MinTime = func() time.Time {
	// time.Time's binary form (version 1): seconds since year 1, then
	// nanoseconds, then the zone offset in minutes (-1: UTC). Only this
	// form reaches the smallest second; time.Unix overflows first.
	b := []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}
	binary.BigEndian.PutUint64(b[1:9], 1<<63) // math.MinInt64
	var t time.Time
	if err := t.UnmarshalBinary(b); err != nil {
		panic(err)
	}
	return t
}()

// TTL returns the field whose time.Time value expires a row, or "" if
// rows of t never expire.
func (t *Table) TTL() string { return t.ttl }

// WithTTL returns a version of t whose rows expire once their field holds
// a time.Time before the time of a read (see Live). Rows whose field is
// missing or holds anything but a time.Time never expire. If field has no
// index, the version gets a sorted index on it, so that finding expired
// rows costs a range lookup, not a scan. field "" turns expiry off (the
// index stays). It fails, changing nothing, for the primary-key field
// (keys are never times) and on a table with a schema (no schema type
// holds a time), with ErrInvalidArgument.
func (t *Table) WithTTL(field string) (*Table, error) {
	switch {
	case field == t.ttl:
		return t, nil
	case field == "":
		c, m := *t, *t.meta
		m.ttl, m.live = "", nil
		c.meta = &m
		return &c, nil
	case field == t.pk:
		return t, errorf(ErrInvalidArgument, t.name, field, nil,
			"invalid TTL field: the primary key never holds a time")
	case t.schema != nil:
		return t, errorf(ErrInvalidArgument, t.name, field, nil,
			"invalid TTL field: a table with a schema holds no time values")
	}
	next := t
	if t.index(field) == nil {
		var err error
		if next, err = t.CreateIndex(IndexDef{Field: field, Kind: idx.Sorted}); err != nil {
			return t, err
		}
	}
	c, m := *next, *next.meta
	m.ttl, m.live = field, new(liveSlot)
	c.meta = &m
	checkInvariants(&c)
	return &c, nil
}

// Expired reports whether r is expired at now: t has a TTL field and r's
// value there is a time.Time before now.
func (t *Table) Expired(r Row, now time.Time) bool {
	if t.ttl == "" {
		return false
	}
	v, _ := r.rec.Get(t.ttl)
	at, ok := v.(time.Time)
	return ok && at.Before(now)
}

// Live returns t without the rows expired at now: t itself if it has no
// TTL field or no row is expired, else a private version without them
// (the same as Delete of the TTL field Lt now). With a sorted index on the
// TTL field, telling that no row is expired is one range lookup.
//
// Between a row's expiry and the sweep that deletes it, every read would
// build that private version again; the last one built is remembered
// (weakly: the garbage collector may drop it) and reused as long as t is
// the version read, the clock has not gone back, and no other row has
// expired since.
func (t *Table) Live(now time.Time) *Table {
	if t.ttl == "" {
		return t
	}
	sorted := false
	if x := t.index(t.ttl); x != nil && x.Def().Kind == idx.Sorted {
		if t.noneExpired(x, now) {
			return t
		}
		sorted = true
		if m := t.live.p.Load(); m != nil && m.base.Value() == t && !now.Before(m.at) {
			if live := m.live.Value(); live != nil && live.noneExpired(live.index(t.ttl), now) {
				return live
			}
		}
	}
	next, _, err := t.Delete(cond.Field(t.ttl).Lt(now))
	if err != nil {
		return t
	}
	if sorted {
		t.live.p.Store(&liveMemo{base: weak.Make(t), at: now, live: weak.Make(next)})
	}
	return next
}

// noneExpired reports whether x, the sorted index on t's TTL field, holds
// no time before now.
func (t *Table) noneExpired(x *idx.Index[Row], now time.Time) bool {
	n, _ := x.CountRange(idx.Range{Lo: minTimeValue, LoIncl: true, Hi: now}, 0)
	return n == 0
}

// minTimeValue is MinTime as an interface value, made once.
var minTimeValue any = MinTime

// A liveSlot remembers the last version Live built for a table with a TTL.
// Its content is a cache, not part of any version: versions stay
// immutable.
type liveSlot struct{ p atomic.Pointer[liveMemo] }

// A liveMemo says that live is base without the rows expired at at.
type liveMemo struct {
	base, live weak.Pointer[Table]
	at         time.Time
}
