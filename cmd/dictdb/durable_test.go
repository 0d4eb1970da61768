package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dictdb-go/dictdb"
)

// makeDir makes a database directory with table "people" of n rows and
// returns it open.
func makeDir(t *testing.T, n int) (string, *dictdb.DB) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	db, err := dictdb.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreateTable("people")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := p.Insert(dictdb.Record{"name": "p" + string(rune('a'+i%26)), "age": 20 + i}); err != nil {
			t.Fatal(err)
		}
	}
	return dir, db
}

func segments(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.wal"))
	if err != nil || len(m) == 0 {
		t.Fatalf("no segment in %s: %v", dir, err)
	}
	slices.Sort(m)
	return m
}

// TestE2EDatabaseDir runs the read commands on a database directory that
// this process holds open (and locked): they open it read-only.
func TestE2EDatabaseDir(t *testing.T) {
	dir, db := makeDir(t, 5)
	defer db.Close()
	if r := runOK(t, "tables", dir); !strings.Contains(r.stdout, "people") {
		t.Errorf("tables: %s", r.stdout)
	}
	if r := runOK(t, "count", dir, "people", "--where", "age >= 22"); r.stdout != "3\n" {
		t.Errorf("count: %q", r.stdout)
	}
	if r := runOK(t, "query", dir, "people", "--order-by", "-age", "--limit", "1", "--format", "jsonl"); !strings.Contains(r.stdout, `"age": 24`) && !strings.Contains(r.stdout, `"age":24`) {
		t.Errorf("query: %q", r.stdout)
	}
	if r := runOK(t, "aggregate", dir, "people", "--agg", "max:age"); !strings.Contains(r.stdout, "24") {
		t.Errorf("aggregate: %q", r.stdout)
	}
	if r := runOK(t, "export-csv", dir, "people"); strings.Count(r.stdout, "\n") != 6 {
		t.Errorf("export-csv: %q", r.stdout)
	}
	if r := runOK(t, "schema", dir, "people"); r.stdout == "" {
		t.Error("schema printed nothing")
	}
	if r := runOK(t, "verify", dir); !strings.Contains(r.stdout, "ok") || !strings.Contains(r.stdout, "recovered commit 6") {
		t.Errorf("verify: %q", r.stdout)
	}
	if r := runOK(t, "repair", dir); !strings.Contains(r.stdout, "nothing to repair") {
		t.Errorf("repair of a good log: %q", r.stdout)
	}
}

// TestE2EVerifyRepair: verify reports a torn tail (exit 0) and a bad frame
// before the tail with its file and offset (exit 3); repair lists what it
// drops and cuts only with --yes.
func TestE2EVerifyRepair(t *testing.T) {
	dir, db := makeDir(t, 5)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	seg := segments(t, dir)[0]
	good, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(seg, append(slices.Clone(good), 7, 0, 0, 0, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runOK(t, "verify", dir); !strings.Contains(r.stdout, "torn tail") || !strings.Contains(r.stdout, seg) {
		t.Errorf("verify of a torn tail: %q", r.stdout)
	}
	bad := slices.Clone(good)
	bad[len(bad)/3] ^= 1
	if err := os.WriteFile(seg, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	r := dictdbCmd(t, nil, "verify", dir)
	if r.code != exitProblems || !strings.Contains(r.stdout, seg) || !strings.Contains(r.stdout, "offset") {
		t.Errorf("verify of a bad frame: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = dictdbCmd(t, nil, "repair", dir)
	if r.code != exitProblems || !strings.Contains(r.stdout, "drops: "+seg) || !strings.Contains(r.stdout, "--yes") {
		t.Errorf("repair without --yes: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if now, _ := os.ReadFile(seg); !bytes.Equal(now, bad) {
		t.Fatal("repair without --yes changed the log")
	}
	if _, err := dictdb.Open(dir); err == nil {
		t.Fatal("Open of a damaged log succeeded")
	}
	if r := runOK(t, "repair", dir, "--yes"); !strings.Contains(r.stdout, "repaired") {
		t.Errorf("repair --yes: %q", r.stdout)
	}
	db, err = dictdb.Open(dir)
	if err != nil {
		t.Fatalf("Open after repair: %v", err)
	}
	defer db.Close()
	if p, err := db.Table("people"); err == nil && p.Count() >= 5 {
		t.Errorf("repair kept %d rows past the bad frame", p.Count())
	}
	wantFail(t, exitFailure, []string{"repair", t.TempDir()}, "not a database directory")
}
