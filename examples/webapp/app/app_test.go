package app

import (
	"bytes"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunServesRequestsAndKeepsInvariants(t *testing.T) {
	var out bytes.Buffer
	db, err := Run(&out, 100*time.Millisecond, 4, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"served ", "rows: sessions=", "snapshots taken while writing", "read latency:", "write latency:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	events, err := db.Table("events")
	if err != nil || events.Count() == 0 {
		t.Fatalf("no events recorded: %v", err)
	}
	if _, err := Run(&out, 0, 4, 50); err == nil {
		t.Error("a zero duration must be rejected")
	}
}

// TestExamplesImportNoInternalPackages keeps every example copyable out of
// the module: a program under examples/ may import the library's public
// packages only.
func TestExamplesImportNoInternalPackages(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if strings.Contains(imp.Path.Value, "/internal") {
				t.Errorf("%s imports %s", path, imp.Path.Value)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
