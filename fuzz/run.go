package fuzz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// Store is the table-level API a program runs against: a database, or the
// inside of a transaction.
type Store interface {
	CreateTable(name, pk string, schema bool) error
	DropTable(name string) error
	Insert(t string, rec dictdb.Record) (any, error)
	InsertMany(t string, recs []dictdb.Record) ([]any, error)
	Upsert(t string, rec dictdb.Record, on dictdb.Conflict) (any, dictdb.Action, error)
	Update(t string, changes dictdb.Record, where cond.Cond) (int, error)
	Delete(t string, where cond.Cond) (int, error)
	Get(t string, key any) (dictdb.Record, bool, error)
	Count(t string) (int, error)
	CountWhere(t string, where cond.Cond) (int, error)
	Select(t string, q dictdb.Query) ([]dictdb.Record, error)
	CreateIndex(t, field string, kind dictdb.IndexKind, unique bool) error
	DropIndex(t, field string) error
	Aggregate(t string, q dictdb.AggQuery) ([]dictdb.Record, error)
	// Columns returns the table's columns and its indexed fields.
	Columns(t string) (cols, indexed []string, err error)
}

// DB is the whole API a program runs against: the real database behind an
// adapter, or the model.
type DB interface {
	Store
	TableNames() []string
	Snapshot(slot int)
	// ReadSnapshot runs q on the table as of the snapshot in slot and
	// returns the rows and the table's row count.
	ReadSnapshot(slot int, t string, q dictdb.Query) ([]dictdb.Record, int, error)
	Restore(slot int) error
	// Tx runs body in a transaction over tables; the transaction's
	// function returns nil if commit, and an error (a rollback) otherwise.
	Tx(tables []string, commit bool, body func(Store)) error
	SaveLoad(format int) error
}

// errClass names the class of an error: its sentinel.
func errClass(err error) string {
	if err == nil {
		return "ok"
	}
	classes := []struct {
		name string
		err  error
	}{
		{"ErrTableExists", dictdb.ErrTableExists},
		{"ErrTableNotFound", dictdb.ErrTableNotFound},
		{"ErrTableNotInTx", dictdb.ErrTableNotInTx},
		{"ErrDuplicateKey", dictdb.ErrDuplicateKey},
		{"ErrNotFound", dictdb.ErrNotFound},
		{"ErrSchema", dictdb.ErrSchema},
		{"ErrPrimaryKeyChange", dictdb.ErrPrimaryKeyChange},
		{"ErrInvalidKey", dictdb.ErrInvalidKey},
		{"ErrInvalidIndex", dictdb.ErrInvalidIndex},
		{"ErrInvalidRecord", dictdb.ErrInvalidRecord},
		{"ErrInvalidArgument", dictdb.ErrInvalidArgument},
		{"ErrInvalidQuery", dictdb.ErrInvalidQuery},
		{"ErrUnsupportedValue", dictdb.ErrUnsupportedValue},
		{"rollback", errRollback},
		{"noSnapshot", errNoSnapshot},
		{"noPersistence", errNoPersistence},
	}
	var names []string
	for _, c := range classes {
		if errors.Is(err, c.err) {
			names = append(names, c.name)
		}
	}
	if len(names) == 0 {
		return "other(" + err.Error() + ")"
	}
	return strings.Join(names, "+")
}

func fmtRows(rows []dictdb.Record) string {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range rows {
		if i > 0 {
			b.WriteString(" ")
		}
		writeVal(&b, map[string]any(r))
	}
	b.WriteString("]")
	return b.String()
}

func fmtKeys(keys []any) string {
	var b strings.Builder
	b.WriteString("[")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(" ")
		}
		writeVal(&b, k)
	}
	b.WriteString("]")
	return b.String()
}

// result runs one table-level operation on s and describes its outcome.
func result(s Store, o Op) string {
	switch o.Kind {
	case KCreateTable:
		return errClass(s.CreateTable(o.Table, o.PK, o.Schema))
	case KDropTable:
		return errClass(s.DropTable(o.Table))
	case KInsert:
		k, err := s.Insert(o.Table, o.Rec)
		if err != nil {
			return errClass(err)
		}
		return "key " + fmtVal(k)
	case KInsertMany:
		ks, err := s.InsertMany(o.Table, o.Recs)
		if err != nil {
			return errClass(err)
		}
		return "keys " + fmtKeys(ks)
	case KUpsert:
		k, a, err := s.Upsert(o.Table, o.Rec, o.Conflict)
		if err != nil {
			return errClass(err)
		}
		return fmt.Sprintf("key %s %v", fmtVal(k), a)
	case KUpdate:
		n, err := s.Update(o.Table, o.Rec, o.Where)
		return fmt.Sprintf("n=%d %s", n, errClass(err))
	case KDelete:
		n, err := s.Delete(o.Table, o.Where)
		return fmt.Sprintf("n=%d %s", n, errClass(err))
	case KGet:
		r, ok, err := s.Get(o.Table, o.Key)
		if err != nil {
			return errClass(err)
		}
		if !ok {
			return "missing"
		}
		return fmtVal(map[string]any(r))
	case KCount:
		n, err := s.Count(o.Table)
		return fmt.Sprintf("n=%d %s", n, errClass(err))
	case KCountWhere:
		n, err := s.CountWhere(o.Table, o.Where)
		return fmt.Sprintf("n=%d %s", n, errClass(err))
	case KSelect:
		rows, err := s.Select(o.Table, o.Query)
		if err != nil {
			return errClass(err)
		}
		return fmtRows(rows)
	case KCreateIndex:
		return errClass(s.CreateIndex(o.Table, o.Field, o.Index, o.Unique))
	case KDropIndex:
		return errClass(s.DropIndex(o.Table, o.Field))
	case KAggregate:
		rows, err := s.Aggregate(o.Table, o.Agg)
		if err != nil {
			return errClass(err)
		}
		return fmtRows(rows)
	case KColumns:
		cols, idx, err := s.Columns(o.Table)
		if err != nil {
			return errClass(err)
		}
		return fmt.Sprintf("cols %q indexed %q", cols, idx)
	}
	return "unexpected op"
}

// Run runs ops on db and returns the history: one line per operation (and
// per operation inside a transaction), each the operation and its outcome.
func Run(db DB, ops []Op) []string {
	var h []string
	stepper, _ := db.(interface{ step() })
	for i, o := range ops {
		h = append(h, runOp(db, i, o)...)
		if stepper != nil {
			stepper.step()
		}
	}
	return h
}

func runOp(db DB, i int, o Op) []string {
	line := func(res string) string { return fmt.Sprintf("%d: %s => %s", i, o, res) }
	switch o.Kind {
	case KTableNames:
		return []string{line(fmt.Sprintf("%q", db.TableNames()))}
	case KSnapshot:
		db.Snapshot(o.Slot)
		return []string{line("ok")}
	case KReadSnapshot:
		rows, n, err := db.ReadSnapshot(o.Slot, o.Table, o.Query)
		if err != nil {
			return []string{line(fmt.Sprintf("count=%d %s", n, errClass(err)))}
		}
		return []string{line(fmt.Sprintf("count=%d %s", n, fmtRows(rows)))}
	case KRestore:
		return []string{line(errClass(db.Restore(o.Slot)))}
	case KSaveLoad:
		return []string{line(errClass(db.SaveLoad(o.Format)))}
	case KTx:
		var sub []string
		err := db.Tx(o.Tables, o.Commit, func(s Store) {
			for j, so := range o.Sub {
				sub = append(sub, fmt.Sprintf("%d.%d: %s => %s", i, j, so, result(s, so)))
			}
		})
		return append(sub, fmt.Sprintf("%d: tx %q commit=%v => %s", i, o.Tables, o.Commit, errClass(err)))
	}
	return []string{line(result(db, o))}
}

// Diff describes the first difference between two histories, with some
// context, or returns "" if they are equal.
func Diff(wantName string, want []string, gotName string, got []string) string {
	n := max(len(want), len(got))
	for i := range n {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w == g {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "histories differ at line %d\n", i)
		for j := max(0, i-8); j < i; j++ {
			fmt.Fprintf(&b, "   %s\n", want[j])
		}
		fmt.Fprintf(&b, "-%s: %s\n+%s: %s\n", wantName, w, gotName, g)
		return b.String()
	}
	return ""
}
