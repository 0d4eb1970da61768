package dictdb_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhang"
)

// reentrantCases are writes to table "a" (a handle on it, or its name)
// that an Update holding "a" must refuse from inside its function.
var reentrantCases = []struct {
	name  string
	write func(db *dictdb.DB, a *dictdb.Table) error
}{
	{"Insert", func(_ *dictdb.DB, a *dictdb.Table) error {
		_, err := a.Insert(dictdb.Record{"v": 1})
		return err
	}},
	{"InsertMany", func(_ *dictdb.DB, a *dictdb.Table) error {
		_, err := a.InsertMany([]dictdb.Record{{"v": 1}, {"v": 2}})
		return err
	}},
	{"Upsert", func(_ *dictdb.DB, a *dictdb.Table) error {
		_, _, err := a.Upsert(dictdb.Record{"id": 1, "v": 5}, dictdb.OnConflictUpdate)
		return err
	}},
	{"Update", func(_ *dictdb.DB, a *dictdb.Table) error {
		_, err := a.Update(dictdb.Record{"v": 5}, cond.Field("id").Eq(1))
		return err
	}},
	{"Delete", func(_ *dictdb.DB, a *dictdb.Table) error {
		_, err := a.Delete(cond.Field("id").Eq(1))
		return err
	}},
	{"CreateIndex", func(_ *dictdb.DB, a *dictdb.Table) error { return a.CreateIndex("v", dictdb.SortedIndex) }},
	{"DropIndex", func(_ *dictdb.DB, a *dictdb.Table) error { return a.DropIndex("w") }},
	{"nested Update", func(db *dictdb.DB, _ *dictdb.Table) error {
		return db.Update([]string{"a"}, func(*dictdb.Tx) error { return nil })
	}},
	{"nested Update of a and another table", func(db *dictdb.DB, _ *dictdb.Table) error {
		return db.Update([]string{"0", "a"}, func(*dictdb.Tx) error { return nil })
	}},
	{"DropTable", func(db *dictdb.DB, _ *dictdb.Table) error { return db.DropTable("a") }},
	{"CreateTable", func(db *dictdb.DB, _ *dictdb.Table) error {
		_, err := db.CreateTable("a")
		return err
	}},
	{"ApplyDelta", func(db *dictdb.DB, _ *dictdb.Table) error {
		return db.ApplyDelta(&codec.Delta{Tables: []codec.DeltaTable{{Name: "a", Deletes: []any{int64(1)}}}})
	}},
	{"Restore", func(db *dictdb.DB, _ *dictdb.Table) error { return db.Restore(db.Snapshot()) }},
}

// TestWriteInsideUpdateOfHeldTableFails: inside db.Update over "a", every
// write path that would take a's lock fails at once with ErrReentrantWrite
// naming a, changes nothing, and the transaction goes on and commits; a's
// lock is free afterwards.
func TestWriteInsideUpdateOfHeldTableFails(t *testing.T) {
	for _, c := range reentrantCases {
		t.Run(c.name, func(t *testing.T) {
			db := dictdb.New()
			a := isoTable(t, db, "a", 3)
			if err := a.CreateIndex("w", dictdb.HashIndex); err != nil {
				t.Fatal(err)
			}
			before := db.Snapshot()
			testhang.Returns(t, c.name+" inside Update", func() {
				err := db.Update([]string{"a"}, func(tx *dictdb.Tx) error {
					err := c.write(db, a)
					var te *dictdb.TableError
					if !errors.Is(err, dictdb.ErrReentrantWrite) || !errors.As(err, &te) || te.Table != "a" {
						t.Errorf("%s: err = %v, want ErrReentrantWrite naming table a", c.name, err)
					}
					if err != nil && !strings.Contains(err.Error(), `table "a"`) {
						t.Errorf("the message %q does not name the table", err)
					}
					if db.Seq() != before.Seq() {
						t.Errorf("%s published a commit", c.name)
					}
					// The transaction is still usable.
					ta, err := tx.Table("a")
					if err != nil {
						return err
					}
					_, err = ta.Insert(dictdb.Record{"id": 100, "v": 100})
					return err
				})
				if err != nil {
					t.Errorf("Update after the refused write: %v", err)
				}
			})
			if _, ok := a.Get(100); !ok || a.Count() != 4 || db.Seq() != before.Seq()+1 {
				t.Errorf("the transaction's insert: found %v, count %d, seq %d -> %d", ok, a.Count(), before.Seq(), db.Seq())
			}
			// a's lock is free: the same write goes through now.
			testhang.Returns(t, c.name+" after Update", func() {
				if err := c.write(db, a); err != nil && !errors.Is(err, dictdb.ErrTableExists) {
					t.Errorf("%s after Update: %v", c.name, err)
				}
			})
		})
	}
}

// TestWriteInsideNestedUpdateFails: a write from a nested Update's function
// fails for the tables of both transactions, and works for other tables.
func TestWriteInsideNestedUpdateFails(t *testing.T) {
	db := dictdb.New()
	a := isoTable(t, db, "a", 1)
	b := isoTable(t, db, "b", 1)
	c := isoTable(t, db, "c", 1)
	testhang.Returns(t, "nested Updates", func() {
		err := db.Update([]string{"a"}, func(*dictdb.Tx) error {
			return db.Update([]string{"b"}, func(tx *dictdb.Tx) error {
				for _, h := range []*dictdb.Table{a, b} {
					if _, err := h.Insert(dictdb.Record{"v": 1}); !errors.Is(err, dictdb.ErrReentrantWrite) {
						t.Errorf("%s.Insert inside both: %v, want ErrReentrantWrite", h.Name(), err)
					}
				}
				if _, err := c.Insert(dictdb.Record{"v": 1}); err != nil {
					t.Errorf("c.Insert, a table neither holds: %v", err)
				}
				tb, _ := tx.Table("b")
				_, err := tb.Insert(dictdb.Record{"v": 2})
				return err
			})
		})
		if err != nil {
			t.Errorf("Update: %v", err)
		}
	})
	if a.Count() != 1 || b.Count() != 2 || c.Count() != 2 {
		t.Errorf("counts a=%d b=%d c=%d, want 1 2 2", a.Count(), b.Count(), c.Count())
	}
}

// TestCreateOrImportInsideUpdateOfHeldName: creating a table, or importing
// a CSV file into one, under a name an Update holds (and may create
// itself) fails at once with ErrReentrantWrite; a name the Update does not
// hold works.
func TestCreateOrImportInsideUpdateOfHeldName(t *testing.T) {
	db := dictdb.New()
	csv := "id,v\n1,2\n"
	testhang.Returns(t, "the Update", func() {
		err := db.Update([]string{"n"}, func(tx *dictdb.Tx) error {
			if _, err := db.CreateTable("n"); !errors.Is(err, dictdb.ErrReentrantWrite) {
				t.Errorf("CreateTable(n): %v, want ErrReentrantWrite", err)
			}
			if _, err := db.ImportCSVFrom(strings.NewReader(csv), "n", dictdb.CSVOptions{}); !errors.Is(err, dictdb.ErrReentrantWrite) {
				t.Errorf("ImportCSVFrom(n): %v, want ErrReentrantWrite", err)
			}
			if _, err := db.ImportCSVFrom(strings.NewReader(csv), "m", dictdb.CSVOptions{}); err != nil {
				t.Errorf("ImportCSVFrom(m): %v", err)
			}
			_, err := tx.CreateTable("n")
			return err
		})
		if err != nil {
			t.Errorf("Update: %v", err)
		}
	})
	if got := db.TableNames(); len(got) != 2 || got[0] != "m" || got[1] != "n" {
		t.Errorf("tables %v, want [m n]", got)
	}
	// Importing under the name of an existing held table fails as it does
	// anywhere, before taking any lock.
	testhang.Returns(t, "the import into an existing table", func() {
		db.Update([]string{"n"}, func(*dictdb.Tx) error {
			if _, err := db.ImportCSVFrom(strings.NewReader(csv), "n", dictdb.CSVOptions{}); !errors.Is(err, dictdb.ErrTableExists) {
				t.Errorf("ImportCSVFrom(n): %v, want ErrTableExists", err)
			}
			return nil
		})
	})
}

// TestNonConflictingCallsInsideUpdate: reads, snapshots, saves, backups and
// writes of other tables work from inside an Update's function.
func TestNonConflictingCallsInsideUpdate(t *testing.T) {
	db := dictdb.New()
	a := isoTable(t, db, "a", 3)
	b := isoTable(t, db, "b", 3)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, filepath.Join(dir, "backups"), dictdb.BackupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	testhang.Returns(t, "the Update", func() {
		err := db.Update([]string{"a"}, func(tx *dictdb.Tx) error {
			if _, ok := a.Get(1); !ok || a.Count() != 3 {
				return errors.New("a.Get or a.Count failed")
			}
			if rows, err := a.Select(dictdb.Query{}); err != nil || len(rows) != 3 {
				return errors.New("a.Select failed")
			}
			if _, err := a.View(); err != nil {
				return err
			}
			if db.Snapshot().Seq() != db.Seq() {
				return errors.New("snapshot")
			}
			if err := db.Save(filepath.Join(dir, "db.json"), dictdb.JSON); err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := db.SaveTo(&buf, dictdb.Binary); err != nil {
				return err
			}
			if err := m.BackupNow(); err != nil {
				return err
			}
			if _, err := b.Insert(dictdb.Record{"v": 1}); err != nil {
				return err
			}
			if err := db.Update([]string{"b"}, func(tx *dictdb.Tx) error {
				tb, _ := tx.Table("b")
				_, err := tb.Insert(dictdb.Record{"v": 2})
				return err
			}); err != nil {
				return err
			}
			if _, err := db.CreateTable("c"); err != nil {
				return err
			}
			if err := db.DropTable("b"); err != nil {
				return err
			}
			ta, _ := tx.Table("a")
			_, err := ta.Insert(dictdb.Record{"v": 3})
			return err
		})
		if err != nil {
			t.Errorf("Update: %v", err)
		}
	})
	if a.Count() != 4 {
		t.Errorf("a has %d records, want 4", a.Count())
	}
	if got := db.TableNames(); len(got) != 2 || got[0] != "a" || got[1] != "c" {
		t.Errorf("tables %v, want [a c]", got)
	}
	loaded, err := dictdb.Load(filepath.Join(dir, "db.json"), dictdb.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if la, err := loaded.Table("a"); err != nil || la.Count() != 3 {
		t.Errorf("the save from inside the Update: %v", err)
	}
}

// TestGoroutineStartedInsideUpdateWaits: a goroutine started by the
// function is another goroutine: its write to a held table waits for the
// transaction to end, then succeeds, after the transaction's writes.
func TestGoroutineStartedInsideUpdateWaits(t *testing.T) {
	db := dictdb.New()
	a := isoTable(t, db, "a", 0)
	done := make(chan error, 1)
	testhang.Returns(t, "the Update", func() {
		err := db.Update([]string{"a"}, func(tx *dictdb.Tx) error {
			go func() {
				_, err := a.Insert(dictdb.Record{"id": 2})
				done <- err
			}()
			ta, _ := tx.Table("a")
			_, err := ta.Insert(dictdb.Record{"id": 1})
			return err
		})
		if err != nil {
			t.Errorf("Update: %v", err)
		}
	})
	testhang.Returns(t, "the goroutine's insert", func() {
		if err := <-done; err != nil {
			t.Errorf("the goroutine's insert: %v", err)
		}
	})
	if a.Count() != 2 {
		t.Errorf("a has %d records, want 2", a.Count())
	}
}
