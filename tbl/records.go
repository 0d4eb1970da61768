package tbl

import (
	"fmt"

	"github.com/dictdb-go/dictdb/codec"
)

// InsertRecords returns a version with recs added, and their keys in order,
// as InsertMany does, for records the caller built normalized (the typed
// layer's): they are stored as they are, not copied, so the caller hands
// them over and never touches them again. Each must have a field for the
// primary key, nil to get the next auto key; the key is written into it.
// On any error it returns t unchanged; with more than one record the error
// names the failing record's position, as InsertMany's does.
func (t *Table) InsertRecords(recs []codec.Record) (*Table, []codec.Key, error) {
	e := t.edit()
	keys := make([]codec.Key, 0, len(recs))
	for i, m := range recs {
		k, err := t.insertRecord(&e, m)
		if err != nil {
			if len(recs) > 1 {
				err = fmt.Errorf("record %d: %w", i, err)
			}
			return t, nil, err
		}
		keys = append(keys, k)
	}
	return e.done(), keys, nil
}

// InsertRecord is InsertRecords for one record, without the slices.
func (t *Table) InsertRecord(m codec.Record) (*Table, codec.Key, error) {
	e := t.edit()
	k, err := t.insertRecord(&e, m)
	if err != nil {
		return t, k, err
	}
	return e.done(), k, nil
}

func (t *Table) insertRecord(e *edit, m codec.Record) (codec.Key, error) {
	if m.Shape().Slot(t.pk) < 0 {
		return codec.Key{}, errorf(ErrInvalidRecord, t.name, t.pk, nil, "invalid record: no field for the primary key")
	}
	k, m, err := t.prepareRecord(e, m)
	if err != nil {
		return k, err
	}
	if err := e.store(k, Row{m}, Row{}, false); err != nil { // prepareRecord found no row under k
		return k, err
	}
	return k, nil
}
