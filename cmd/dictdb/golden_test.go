package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// runInProcess runs the command line in this process, without progress
// bars, and returns its output and exit status.
func runInProcess(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(&env{stdout: &out, stderr: &errb}, args)
	return out.String(), errb.String(), code
}

// The golden files hold the exact stdout of a command: every output format
// of every command that prints data, and the help texts.
func TestGolden(t *testing.T) {
	db := filepath.Join("testdata", "company.json")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"query_table", []string{"query", db, "employees"}},
		{"query_json", []string{"query", db, "employees", "--format", "json"}},
		{"query_jsonl", []string{"query", db, "employees", "--format", "jsonl"}},
		{"query_csv", []string{"query", db, "employees", "--format", "csv"}},
		{"query_mixed_table", []string{"query", db, "notes"}},
		{"query_mixed_json", []string{"query", db, "notes", "--format", "json"}},
		{"query_mixed_jsonl", []string{"query", db, "notes", "--format", "jsonl"}},
		{"query_mixed_csv", []string{"query", db, "notes", "--format", "csv"}},
		{"query_empty_table", []string{"query", db, "empty"}},
		{"query_empty_json", []string{"query", db, "empty", "--format", "json"}},
		{"query_empty_jsonl", []string{"query", db, "empty", "--format", "jsonl"}},
		{"query_empty_csv", []string{"query", db, "empty", "--format", "csv", "--columns", "id,name"}},
		{"query_where_order_columns", []string{"query", db, "employees",
			"--where", "dept IN ('IT', 'Sales') AND NOT name LIKE 'C%'", "--order-by", "-salary,name",
			"--columns", "name,team=dept,salary", "--limit", "3", "--offset", "1"}},
		{"query_distinct", []string{"query", db, "employees", "--columns", "dept", "--distinct", "--order-by", "dept", "--format", "csv"}},
		{"count", []string{"count", db, "employees", "--where", "age BETWEEN 28 AND 40"}},
		{"aggregate_table", []string{"aggregate", db, "employees", "--agg", "count,avg:salary,top=max:salary,min:age", "--group-by", "dept"}},
		{"aggregate_json", []string{"aggregate", db, "employees", "--agg", "count,sum:salary", "--where", "active = true", "--format", "json"}},
		{"aggregate_jsonl", []string{"aggregate", db, "employees", "--agg", "n=count", "--group-by", "dept,active", "--format", "jsonl"}},
		{"aggregate_csv", []string{"aggregate", db, "employees", "--agg", "count:name,avg:age", "--group-by", "active", "--format", "csv"}},
		{"explain", []string{"explain", db, "employees", "--where", "dept = 'IT' AND age > 30", "--order-by", "age", "--limit", "2"}},
		{"tables_table", []string{"tables", db}},
		{"tables_json", []string{"tables", db, "--format", "json"}},
		{"schema_declared", []string{"schema", db, "employees"}},
		{"schema_observed", []string{"schema", db, "notes"}},
		{"schema_csv", []string{"schema", db, "notes", "--format", "csv"}},
		{"export_csv", []string{"export-csv", db, "notes"}},
		{"export_csv_where_columns", []string{"export-csv", db, "employees", "-", "--where", "salary >= 70000", "--columns", "name,salary", "--delimiter", ";"}},
		{"verify_ok", []string{"verify", db}},
		{"verify_problems", []string{"verify", filepath.Join("testdata", "problems.json")}},
		{"help", []string{"help"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runInProcess(tc.args...)
			if code != exitOK && !strings.HasPrefix(tc.name, "verify_problems") {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut)
			}
			checkGolden(t, tc.name, out)
		})
	}
	for _, c := range commands {
		t.Run("help_"+c.name, func(t *testing.T) {
			out, errOut, code := runInProcess(c.name, "--help")
			if code != exitOK || errOut != "" {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut)
			}
			checkGolden(t, "help_"+c.name, out)
		})
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update to accept it)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}
