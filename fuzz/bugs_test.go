package fuzz

import (
	"errors"
	"testing"

	"github.com/dictdb-go/dictdb"
)

// Bugs found by the differential fuzzer, each reduced to a minimal
// reproduction. The corpus entry named after each guards it too.

// TestTxCreateTableValidatesFirst: Tx.CreateTable of a name that exists,
// with an invalid definition (empty primary key), returned ErrTableExists
// while DB.CreateTable returns ErrInvalidArgument for the same call: the two
// checked in different orders. Corpus: tx-create-invalid-existing.
func TestTxCreateTableValidatesFirst(t *testing.T) {
	db := dictdb.New()
	if _, err := db.CreateTable("t"); err != nil {
		t.Fatal(err)
	}
	_, err := db.CreateTable("t", dictdb.PrimaryKey(""))
	if !errors.Is(err, dictdb.ErrInvalidArgument) {
		t.Fatalf("DB.CreateTable: %v, want ErrInvalidArgument", err)
	}
	err = db.Update([]string{"t"}, func(tx *dictdb.Tx) error {
		_, err := tx.CreateTable("t", dictdb.PrimaryKey(""))
		return err
	})
	if !errors.Is(err, dictdb.ErrInvalidArgument) {
		t.Fatalf("Tx.CreateTable: %v, want ErrInvalidArgument as DB.CreateTable", err)
	}
}
