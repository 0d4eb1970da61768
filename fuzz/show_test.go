package fuzz

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestPrintEntry prints the program of a corpus entry and its model
// history: DICTDB_ENTRY=testdata/fuzz/FuzzOps/<name> go test -run
// TestPrintEntry -v ./fuzz. It is skipped without DICTDB_ENTRY.
func TestPrintEntry(t *testing.T) {
	path := os.Getenv("DICTDB_ENTRY")
	if path == "" {
		t.Skip("DICTDB_ENTRY not set")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
		t.Fatalf("%s: not a go test fuzz v1 []byte entry", path)
	}
	data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatal(err)
	}
	ops := Program([]byte(data))
	t.Logf("program:\n%s", fmtProgram(ops))
	t.Logf("model history:\n%s", strings.Join(Run(NewModel(), ops), "\n"))
	check(t, ops, nil)
}
