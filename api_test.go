package dictdb_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// exported returns the exported identifiers that the non-test files of the
// package in dir declare: functions and types as "Name", methods as
// "Type.Method" and struct fields as "Type.Field".
func exported(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if name := e.Name(); !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				name := d.Name.Name
				if d.Recv != nil {
					typ := d.Recv.List[0].Type
					if s, ok := typ.(*ast.StarExpr); ok {
						typ = s.X
					}
					if ix, ok := typ.(*ast.IndexExpr); ok {
						typ = ix.X
					}
					name = typ.(*ast.Ident).Name + "." + name
				}
				out = append(out, name)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() {
						continue
					}
					out = append(out, ts.Name.Name)
					if st, ok := ts.Type.(*ast.StructType); ok {
						for _, f := range st.Fields.List {
							for _, n := range f.Names {
								if n.IsExported() {
									out = append(out, ts.Name.Name+"."+n.Name)
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}

// TestNoUnsafeExports checks that the packages export nothing that lets a
// user change stored data or reach a test hook: constructors that take
// memory over without a copy, the table version behind a view, the root
// behind a snapshot, and the hooks tests use to park writers or move the
// backup clock.
func TestNoUnsafeExports(t *testing.T) {
	forbidden := map[string][]string{
		".":          {"Clock", "BackupOptions.Clock", "View.Version", "Snapshot.Root"},
		"./tbl":      {"RowOf", "Table.Restore"},
		"./mvcc":     {"Store.SetBeforePublish"},
		"./snapshot": {"Of", "NewView", "Snapshot", "View"},
	}
	for dir, names := range forbidden {
		have := exported(t, dir)
		if len(have) == 0 {
			t.Fatalf("%s: no exported identifiers found", dir)
		}
		for _, n := range names {
			if slices.Contains(have, n) {
				t.Errorf("%s exports %s", dir, n)
			}
		}
	}
}

// TestReadTypesLiveInTheRootPackage checks that the types a user reads
// with are defined in the root package, so that go doc shows their
// methods and fields there, rather than aliases of other packages' types.
func TestReadTypesLiveInTheRootPackage(t *testing.T) {
	have := exported(t, ".")
	for _, n := range []string{
		"Snapshot", "Snapshot.Table", "Snapshot.Seq", "Snapshot.TableNames",
		"View", "View.Select", "View.Rows", "View.Aggregate",
		"Row", "Row.Get", "Row.All", "Row.Fields", "Row.Len", "Row.Map",
		"Query.Where", "Query.OrderBy", "Query.Limit", "Query.Offset", "Query.Columns", "Query.Distinct",
		"AggQuery.Aggs", "AggQuery.Where", "AggQuery.GroupBy", "AggQuery.Columns",
		"Delta.Tables", "TableDelta.Upserts", "TableDelta.Empty", "Diff", "ReadDelta",
	} {
		if !slices.Contains(have, n) {
			t.Errorf("the root package does not define %s", n)
		}
	}
}
