package main

import (
	le "encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// binaryCompany converts company.json to a binary file in a temporary
// directory and returns its path and bytes.
func binaryCompany(t *testing.T) (string, []byte) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "company.bin")
	runOK(t, "convert", company, bin)
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if v := le.LittleEndian.Uint16(data[8:]); v < 3 {
		t.Fatalf("convert wrote binary version %d, without a directory", v)
	}
	return bin, data
}

// TestE2EDirectoryOnly: on a binary file with a table directory, tables
// and schema read only the header and the directory. Damage inside the
// records leaves their output as it is (they never read the records),
// while commands that load the file, and verify, report it.
func TestE2EDirectoryOnly(t *testing.T) {
	bin, data := binaryCompany(t)
	want := map[string]string{}
	cmds := [][]string{{"tables", bin}, {"schema", bin, "notes"}, {"schema", bin, "employees"}, {"tables", bin, "--format", "json"}}
	for _, c := range cmds {
		want[strings.Join(c, " ")] = runOK(t, c...).stdout
	}
	// A byte in the middle of the first records block, far from the
	// header and the directory.
	at := 16
	for data[at] != 'R' {
		at += 5 + int(le.LittleEndian.Uint32(data[at+1:])) + 4
	}
	damaged := append([]byte(nil), data...)
	damaged[at+5+10] ^= 0x20
	if err := os.WriteFile(bin, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		if got := runOK(t, c...).stdout; got != want[strings.Join(c, " ")] {
			t.Errorf("%v on a file damaged in its records: %q, want %q", c, got, want[strings.Join(c, " ")])
		}
	}
	wantFail(t, exitFailure, []string{"count", bin, "notes"}, "corrupt binary file")
	wantFail(t, exitFailure, []string{"schema", bin, "nosuch"}, `has no table "nosuch" (it has: `)
}

// TestE2EDirectoryDamaged: a damaged directory is reported, not trusted.
func TestE2EDirectoryDamaged(t *testing.T) {
	bin, data := binaryCompany(t)
	damaged := append([]byte(nil), data...)
	damaged[len(damaged)-30] ^= 0x01 // inside the directory, before the 25-byte end block
	if err := os.WriteFile(bin, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	wantFail(t, exitFailure, []string{"tables", bin}, "corrupt binary file", "directory checksum mismatch")
	wantFail(t, exitFailure, []string{"schema", bin, "notes"}, "corrupt binary file")
}

// TestE2EDirectoryOldBinary: a binary file of version 2, without a
// directory, is loaded for tables and schema, as before.
func TestE2EDirectoryOldBinary(t *testing.T) {
	old := filepath.Join("testdata", "sample_v2.bin")
	r := runOK(t, "tables", old)
	for _, s := range []string{"kinds", "users", "s (hash), i (sorted, unique)"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("tables: %q missing from\n%s", s, r.stdout)
		}
	}
	if r := runOK(t, "schema", old, "kinds"); !strings.Contains(r.stdout, "maxi") {
		t.Errorf("schema: %s", r.stdout)
	}
}
