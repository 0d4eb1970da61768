package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
)

// binary is the dictdb command built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "dictdb-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "dictdb")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	// Built without -race: a race-enabled binary starts far slower, and the
	// in-process tests (TestGolden, TestDemoInProcess, ...) cover the code
	// under the race detector.
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building dictdb: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// dictdbCmd runs the built binary with args and extra environment.
func dictdbCmd(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "DICTDB_PROGRESS=auto")
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running dictdb %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{out.String(), errb.String(), code}
}

func runOK(t *testing.T, args ...string) result {
	t.Helper()
	r := dictdbCmd(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("dictdb %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// wantFail runs args and checks the exit status and that stderr contains
// every one of msgs.
func wantFail(t *testing.T, code int, args []string, msgs ...string) result {
	t.Helper()
	r := dictdbCmd(t, nil, args...)
	if r.code != code {
		t.Errorf("dictdb %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
	for _, m := range msgs {
		if !strings.Contains(r.stderr, m) {
			t.Errorf("dictdb %s: stderr %q does not contain %q", strings.Join(args, " "), r.stderr, m)
		}
	}
	return r
}

var company = filepath.Join("testdata", "company.json")

func TestE2EReadCommands(t *testing.T) {
	r := runOK(t, "tables", company)
	for _, s := range []string{"employees", "notes", "empty", "dept (hash), age (sorted)"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("tables: %q missing from\n%s", s, r.stdout)
		}
	}
	if r := runOK(t, "schema", company, "employees"); !strings.Contains(r.stdout, "salary") {
		t.Errorf("schema: %s", r.stdout)
	}
	if r := runOK(t, "count", company, "employees"); r.stdout != "7\n" {
		t.Errorf("count = %q", r.stdout)
	}
	if r := runOK(t, "count", company, "employees", "--where", "dept = 'IT'"); r.stdout != "3\n" {
		t.Errorf("count --where = %q", r.stdout)
	}
	// Flags before, between and after the arguments; "--" ends the flags.
	for _, args := range [][]string{
		{"query", "--format", "csv", "--columns", "name", company, "employees", "--limit", "1"},
		{"query", company, "--limit=1", "employees", "-format=csv", "-columns=name"},
		{"query", "--format", "csv", "--columns", "name", "--limit", "1", "--", company, "employees"},
	} {
		if r := runOK(t, args...); r.stdout != "name\r\nAlice\r\n" {
			t.Errorf("dictdb %v = %q", args, r.stdout)
		}
	}
	r = runOK(t, "aggregate", company, "employees", "--agg", "count", "--group-by", "dept", "--format", "jsonl")
	if r.stdout != "{\"dept\":\"HR\",\"count\":2}\n{\"dept\":\"IT\",\"count\":3}\n{\"dept\":\"Sales\",\"count\":2}\n" {
		t.Errorf("aggregate = %q", r.stdout)
	}
	if r := runOK(t, "explain", company, "employees", "--where", "dept = 'IT'"); !strings.Contains(r.stdout, "dept") {
		t.Errorf("explain: %s", r.stdout)
	}
	if r := runOK(t, "query", company, "employees", "--where", "age > 100"); r.stdout != "id  name  dept  age  salary  active\n--  ----  ----  ---  ------  ------\n(0 rows)\n" {
		t.Errorf("empty result: %q", r.stdout)
	}
}

func TestE2EConvert(t *testing.T) {
	dir := t.TempDir()
	bin, back := filepath.Join(dir, "company.db"), filepath.Join(dir, "back.json")
	r := runOK(t, "convert", company, bin)
	if !strings.Contains(r.stderr, "converted") || !strings.Contains(r.stderr, "(binary)") {
		t.Errorf("convert stderr: %q", r.stderr)
	}
	data, err := os.ReadFile(bin)
	if err != nil || !codec.IsBinary(data) {
		t.Fatalf("%s is not a binary dictdb file (%v)", bin, err)
	}
	runOK(t, "convert", bin, back)
	orig, err := os.ReadFile(company)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(orig, got) {
		t.Errorf("JSON -> binary -> JSON changed the file:\n%s", got)
	}
	// Every read command works on the binary file, with the same output.
	for _, args := range [][]string{
		{"tables", "%s"}, {"schema", "%s", "notes"}, {"query", "%s", "notes", "--format", "json"},
		{"aggregate", "%s", "employees", "--agg", "avg:age"}, {"verify", "%s"},
	} {
		withJSON, withBin := make([]string, len(args)), make([]string, len(args))
		for i, a := range args {
			withJSON[i], withBin[i] = strings.Replace(a, "%s", company, 1), strings.Replace(a, "%s", bin, 1)
		}
		a, b := runOK(t, withJSON...), runOK(t, withBin...)
		if args[0] == "verify" {
			a.stdout = strings.Replace(strings.Replace(a.stdout, company, "F", 1), "json", "X", 1)
			b.stdout = strings.Replace(strings.Replace(b.stdout, bin, "F", 1), "binary", "X", 1)
		}
		if a.stdout != b.stdout {
			t.Errorf("%v: JSON and binary outputs differ:\n%s\n%s", args, a.stdout, b.stdout)
		}
	}
	// --to overrides the extension; --python-compatible drops the extras.
	py := filepath.Join(dir, "py.out")
	runOK(t, "convert", bin, py, "--to", "json", "--python-compatible")
	if data, _ := os.ReadFile(py); !bytes.HasPrefix(data, []byte("{")) || bytes.Contains(data, []byte("next_id")) {
		t.Errorf("python-compatible JSON:\n%s", data)
	}
	// A progress bar when asked for (stderr is not a terminal here).
	r = dictdbCmd(t, []string{"DICTDB_PROGRESS=always"}, "convert", company, filepath.Join(dir, "p.db"))
	if r.code != 0 || !strings.Contains(r.stderr, "writing p.db") {
		t.Errorf("convert with a progress bar: exit %d, stderr %q", r.code, r.stderr)
	}
	wantFail(t, exitUsage, []string{"convert", company, filepath.Join(dir, "x"), "--to", "yaml"}, "--to must be json or binary")
	wantFail(t, exitFailure, []string{"convert", filepath.Join("testdata", "truncated.json"), filepath.Join(dir, "t.db")}, "corrupt json file at line")
	if _, err := os.Stat(filepath.Join(dir, "t.db")); !os.IsNotExist(err) {
		t.Errorf("a failed convert left its output behind: %v", err)
	}
}

func TestE2ECSV(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "new.json")
	people := filepath.Join("testdata", "people.csv")
	r := runOK(t, "import-csv", dbPath, people)
	if !strings.Contains(r.stderr, `imported 3 records into table "people"`) {
		t.Errorf("import stderr: %q", r.stderr)
	}
	if r := runOK(t, "query", dbPath, "people", "--format", "jsonl"); r.stdout !=
		"{\"id\":1,\"age\":30,\"city\":\"Paris, FR\",\"name\":\"Ann\"}\n{\"id\":2,\"age\":41,\"city\":\"Oslo\",\"name\":\"Bo\"}\n{\"id\":3,\"age\":null,\"city\":\"Rome\",\"name\":\"Cy \\\"the kid\\\"\"}\n" {
		t.Errorf("imported rows: %q", r.stdout)
	}
	// A second table, with a schema, into the same (JSON) file.
	runOK(t, "import-csv", "--table", "typed", "--schema", "id:int,name:str,age:str,city:str", dbPath, people)
	if data, _ := os.ReadFile(dbPath); !bytes.HasPrefix(data, []byte("{")) {
		t.Error("import into a JSON file changed its format")
	}
	if r := runOK(t, "schema", dbPath, "typed", "--format", "csv"); !strings.Contains(r.stdout, "age,str,False,True,") {
		t.Errorf("schema of the typed import: %q", r.stdout)
	}
	// Importing the same table again fails and leaves the file as it was.
	before, _ := os.ReadFile(dbPath)
	wantFail(t, exitFailure, []string{"import-csv", dbPath, people}, "table exists")
	wantFail(t, exitFailure, []string{"import-csv", dbPath, filepath.Join("testdata", "bad.csv"), "--table", "bad"}, "duplicate key")
	wantFail(t, exitFailure, []string{"import-csv", dbPath, filepath.Join(dir, "nosuch.csv")}, "no such file")
	wantFail(t, exitUsage, []string{"import-csv", dbPath, people, "--schema", "id:integer"}, "--schema")
	wantFail(t, exitUsage, []string{"import-csv", dbPath, people, "--delimiter", ";;"}, "--delimiter")
	ragged := filepath.Join(dir, "ragged.csv")
	if err := os.WriteFile(ragged, []byte("id,name,age\n1,a,3\n2,b\n3,c,5,extra\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantFail(t, exitFailure, []string{"import-csv", dbPath, ragged}, "corrupt csv file at line 4: row has 4 cells, the header has 3")
	if after, _ := os.ReadFile(dbPath); !bytes.Equal(before, after) {
		t.Error("a failed import changed the database file")
	}
	// --lenient imports it as the Python DictDB does, without the extra cell.
	runOK(t, "import-csv", dbPath, ragged, "--lenient")
	if r := runOK(t, "query", dbPath, "ragged", "--format", "csv"); r.stdout != "id,age,name\r\n1,3,a\r\n2,,b\r\n3,5,c\r\n" {
		t.Errorf("lenient import: %q", r.stdout)
	}
	// A new file without a .json name is binary.
	binPath := filepath.Join(dir, "new.db")
	runOK(t, "import-csv", binPath, people, "--no-infer", "--pk", "name")
	if data, _ := os.ReadFile(binPath); !codec.IsBinary(data) {
		t.Error("new.db is not binary")
	}
	if r := runOK(t, "query", binPath, "people", "--columns", "name,id", "--format", "csv", "--limit", "1"); r.stdout != "name,id\r\nAnn,1\r\n" {
		t.Errorf("--no-infer --pk name: %q", r.stdout)
	}

	// Export to a file, and back.
	out := filepath.Join(dir, "out.csv")
	r = runOK(t, "export-csv", dbPath, "people", out, "--where", "age IS NOT NULL")
	if !strings.Contains(r.stderr, "exported 2 records to") {
		t.Errorf("export stderr: %q", r.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil || string(data) != "id,age,city,name\r\n1,30,\"Paris, FR\",Ann\r\n2,41,Oslo,Bo\r\n" {
		t.Errorf("exported %q (%v)", data, err)
	}
	r = runOK(t, "export-csv", dbPath, "people", filepath.Join(dir, "none.csv"), "--where", "FALSE")
	if !strings.Contains(r.stderr, "no records to export") {
		t.Errorf("empty export stderr: %q", r.stderr)
	}
	wantFail(t, exitFailure, []string{"export-csv", dbPath, "nosuch"}, `has no table "nosuch"`)
	wantFail(t, exitUsage, []string{"export-csv", dbPath, "people", "a", "b"}, `unexpected argument "b"`)
}

func TestE2EVerify(t *testing.T) {
	r := runOK(t, "verify", company)
	if !strings.HasSuffix(r.stdout, "ok\n") {
		t.Errorf("verify: %q", r.stdout)
	}
	r = wantFail(t, exitProblems, []string{"verify", filepath.Join("testdata", "problems.json")}, "7 problems found")
	for _, s := range []string{"duplicate key", `field "age": schema violation: want int, got str`, `field "age": schema violation: required field is missing`, "next_id 2", "unique index", "invalid primary key: want an integer or a string"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("verify output lacks %q:\n%s", s, r.stdout)
		}
	}
	wantFail(t, exitProblems, []string{"verify", filepath.Join("testdata", "truncated.json")}, "1 problem found")
	wantFail(t, exitProblems, []string{"verify", filepath.Join("testdata", "notadb.txt")})
	wantFail(t, exitProblems, []string{"verify", filepath.Join("testdata", "empty.db")})
	wantFail(t, exitFailure, []string{"verify", "testdata/nosuch.db"}, "testdata/nosuch.db: no such file")
	wantFail(t, exitProblems, []string{"verify", "testdata"}, "1 problem found") // not a backup directory

	// A bit flipped in a binary file fails its checksum.
	dir := t.TempDir()
	bin := filepath.Join(dir, "c.db")
	runOK(t, "convert", company, bin)
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x10
	if err := os.WriteFile(bin, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r = wantFail(t, exitProblems, []string{"verify", bin})
	if !strings.Contains(r.stdout, "corrupt binary file") {
		t.Errorf("verify of a flipped bit: %s", r.stdout)
	}
	wantFail(t, exitFailure, []string{"query", bin, "employees"}, "corrupt binary file")
}

func TestE2EBrokenFiles(t *testing.T) {
	for _, tc := range []struct {
		file, msg string
	}{
		{"truncated.json", "corrupt json file at line"},
		{"notadb.txt", "not a dictdb database"},
		{"empty.db", "empty file"},
		{"problems.json", "corrupt json file"},
		{"nosuch.json", "no such file"},
	} {
		for _, cmd := range [][]string{{"tables"}, {"schema", "", "t"}, {"query", "", "t"}, {"count", "", "t"},
			{"aggregate", "", "t", "--agg", "count"}, {"explain", "", "t"}, {"export-csv", "", "t"}} {
			args := append([]string{cmd[0], filepath.Join("testdata", tc.file)}, cmd[min(2, len(cmd)):]...)
			wantFail(t, exitFailure, args, tc.msg, "dictdb "+cmd[0]+": ")
		}
	}
}

func TestE2EUsageErrors(t *testing.T) {
	r := dictdbCmd(t, nil)
	if r.code != exitUsage || !strings.Contains(r.stderr, "Commands:") {
		t.Errorf("no arguments: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runOK(t, "--help"); !strings.Contains(r.stdout, "import-csv") {
		t.Errorf("--help: %q", r.stdout)
	}
	if r := runOK(t, "help", "query"); !strings.Contains(r.stdout, "Usage: dictdb query FILE TABLE") {
		t.Errorf("help query: %q", r.stdout)
	}
	wantFail(t, exitUsage, []string{"help", "nosuch"}, `unknown command "nosuch"`)
	wantFail(t, exitUsage, []string{"frobnicate"}, `unknown command "frobnicate"`, "dictdb help")
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"tables"}, "missing arguments: want FILE"},
		{[]string{"tables", company, "extra"}, `unexpected argument "extra"`},
		{[]string{"schema", company}, "missing arguments: want FILE TABLE"},
		{[]string{"query", company, "employees", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"query", company, "employees", "--limit", "x"}, `invalid value "x" for flag -limit`},
		{[]string{"query", company, "employees", "--limit", "-1"}, "must not be negative"},
		{[]string{"query", company, "employees", "--format", "xml"}, "--format must be one of table, json, jsonl, csv"},
		{[]string{"query", company, "employees", "--where", "age >="}, "--where: invalid query: at byte 6: expected a value"},
		{[]string{"query", company, "employees", "--where", "age >= 30 AND (name = 'x'"}, "  age >= 30 AND (name = 'x'\n                           ^"},
		{[]string{"query", company, "employees", "--order-by", "age,,name"}, "--order-by: empty item"},
		{[]string{"query", company, "employees", "--order-by", "-"}, "names no field"},
		{[]string{"query", company, "employees", "--order-by", "age DESC"}, "-FIELD for descending order"},
		{[]string{"query", company, "employees", "--order-by", "name,+age"}, "-FIELD for descending order"},
		{[]string{"explain", company, "employees", "--order-by", "--age"}, "-FIELD for descending order"},
		{[]string{"query", company, "employees", "--columns", "a=,b"}, "--columns"},
		{[]string{"count", company, "employees", "--where", "'x'"}, "expected a condition"},
		{[]string{"aggregate", company, "employees"}, "--agg is required"},
		{[]string{"aggregate", company, "employees", "--agg", "median:age"}, `unknown aggregation "median"`},
		{[]string{"aggregate", company, "employees", "--agg", "avg"}, "avg needs a field"},
		{[]string{"explain", company}, "missing arguments"},
		{[]string{"convert", company}, "missing arguments: want IN OUT"},
		{[]string{"restore", "dir"}, "missing arguments: want BACKUP_DIR OUT"},
		{[]string{"verify"}, "missing arguments: want FILE"},
		{[]string{"demo", "x"}, `unexpected argument "x"`},
		{[]string{"demo", "--workers", "0"}, "must be positive"},
	} {
		wantFail(t, exitUsage, tc.args, tc.msg, "Run 'dictdb "+tc.args[0]+" --help' for usage.")
	}
	for _, c := range commands {
		for _, h := range []string{"--help", "-h", "-help"} {
			r := dictdbCmd(t, nil, c.name, h)
			if r.code != 0 || !strings.HasPrefix(r.stdout, "Usage: dictdb "+c.name) || r.stderr != "" {
				t.Errorf("dictdb %s %s: exit %d, stdout %q, stderr %q", c.name, h, r.code, r.stdout, r.stderr)
			}
		}
	}
	// Errors the engine finds in a well-formed query are runtime failures.
	wantFail(t, exitFailure, []string{"query", company, "nosuch"}, `has no table "nosuch" (it has: employees, empty, notes)`)
	wantFail(t, exitFailure, []string{"aggregate", company, "employees", "--agg", "sum:name"}, "invalid query")
	// A field the table's schema does not have is named in the error.
	for _, args := range [][]string{
		{"query", company, "employees", "--where", "agee > 30"},
		{"query", company, "employees", "--order-by", "-agee"},
		{"query", company, "employees", "--columns", "name,agee"},
		{"count", company, "employees", "--where", "agee > 30"},
		{"explain", company, "employees", "--where", "agee > 30"},
		{"aggregate", company, "employees", "--agg", "avg:agee"},
		{"aggregate", company, "employees", "--agg", "count", "--group-by", "agee"},
	} {
		wantFail(t, exitFailure, args, `table "employees": field "agee": invalid query: `, "not in the schema")
	}
}

func TestE2ERestore(t *testing.T) {
	dir := t.TempDir()
	wantFail(t, exitFailure, []string{"restore", dir, filepath.Join(dir, "out.db")}, "no full backup")
	db, err := dictdb.Load(company, dictdb.JSON)
	if err != nil {
		t.Fatal(err)
	}
	backups := filepath.Join(dir, "backups")
	m, err := dictdb.NewBackupManager(db, backups, dictdb.BackupOptions{Incremental: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.BackupNow(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "restored.json")
	runOK(t, "restore", backups, out, "--to", "json")
	if got, want := mustRead(t, out), mustRead(t, company); got != want {
		t.Errorf("the restored database differs from the backed-up one")
	}
	wantFail(t, exitFailure, []string{"restore", filepath.Join(dir, "nosuch"), filepath.Join(dir, "out.db")}, "no such file")
	wantFail(t, exitFailure, []string{"restore", company, filepath.Join(dir, "out.db")}, "is not a directory")
	wantFail(t, exitUsage, []string{"restore", dir, filepath.Join(dir, "out.db"), "--to", "xml"}, "--to must be json or binary")
}

// The restore command writes whatever restoreBackup returns: the hook for
// the backup package.
func TestRestoreHook(t *testing.T) {
	saved := restoreBackup
	t.Cleanup(func() { restoreBackup = saved })
	var gotDir string
	var gotOpts dictdb.RestoreOptions
	restoreBackup = func(dir string, opts dictdb.RestoreOptions) (*dictdb.DB, *dictdb.RestoreInfo, error) {
		gotDir, gotOpts = dir, opts
		db, err := dictdb.Load(company, dictdb.JSON)
		return db, &dictdb.RestoreInfo{Skipped: []dictdb.SkippedFile{{Name: "dictdb_delta_9_000000.json", Err: errors.New("checksum mismatch")}}}, err
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "restored.json")
	_, errOut, code := runInProcess("restore", dir, out)
	if code != 0 || gotDir != dir || !strings.Contains(errOut, "restored") {
		t.Fatalf("restore: exit %d, dir %q, stderr %q", code, gotDir, errOut)
	}
	if got, want := mustRead(t, out), mustRead(t, company); got != want {
		t.Errorf("restored file differs from the database restoreBackup returned")
	}
	if gotOpts.UpTo != "" || gotOpts.NewestConsistent || gotOpts.AllowUnverified || !strings.Contains(errOut, "skipped dictdb_delta_9_000000.json: checksum mismatch") {
		t.Errorf("restore without flags: options %+v, stderr %q", gotOpts, errOut)
	}
	_, errOut, code = runInProcess("restore", dir, out, "--up-to", filepath.Join(dir, "dictdb_backup_1_000000.bin"), "--newest-consistent", "--allow-unverified")
	want := dictdb.RestoreOptions{UpTo: "dictdb_backup_1_000000.bin", NewestConsistent: true, AllowUnverified: true}
	if code != 0 || gotOpts.UpTo != want.UpTo || !gotOpts.NewestConsistent || !gotOpts.AllowUnverified {
		t.Errorf("restore with flags: exit %d, options %+v, stderr %q", code, gotOpts, errOut)
	}
	restoreBackup = func(string, dictdb.RestoreOptions) (*dictdb.DB, *dictdb.RestoreInfo, error) {
		return nil, nil, errors.New("delta 3 is missing")
	}
	_, errOut, code = runInProcess("restore", dir, out)
	if code != exitFailure || !strings.Contains(errOut, "restore "+dir+": delta 3 is missing") {
		t.Errorf("failing restore: exit %d, stderr %q", code, errOut)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestE2EDemo(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "demo.db")
	r := runOK(t, "demo", "--duration", "300ms", "--workers", "4", "--users", "50", "--save", saved)
	for _, s := range []string{"served", "snapshots taken while writing", "write latency", "saved the database to"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("demo output lacks %q:\n%s", s, r.stdout)
		}
	}
	if r := runOK(t, "verify", saved); !strings.HasSuffix(r.stdout, "ok\n") {
		t.Errorf("verify of the demo's database: %s", r.stdout)
	}
	if r := runOK(t, "tables", saved, "--format", "csv"); !strings.Contains(r.stdout, "sessions,session_id,") {
		t.Errorf("tables of the demo's database: %s", r.stdout)
	}
}

// The demo in this process, so that -race watches its goroutines; the tour
// prints each step's result, which this checks.
func TestDemoInProcess(t *testing.T) {
	out, errOut, code := runInProcess("demo", "--duration", "200ms", "--workers", "4", "--users", "20")
	if code != 0 || !strings.Contains(out, "served") {
		t.Fatalf("demo: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, want := range []string{
		"auto keys [1 2 3 4 5], 5 rows",
		"map[age:41 name:Carol]\n    map[age:35 name:Dave]\n    map[age:30 name:Alice]\n",
		"access: sorted index on age",
		"live table 1005 rows, snapshot still 5 rows",
		`error "insufficient funds"; balances still 100 and 0`,
		"users has 1005 rows and its index on age: true",
		"map[avg_age:38 dept:Sales n:2 oldest:41]",
		"== 8. the concurrency guide's web application",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runInProcess("demo", "--tour=false", "--duration", "100ms", "--workers", "2", "--users", "20")
	if code != 0 || strings.Contains(out, "guided tour") {
		t.Errorf("demo --tour=false: exit %d, output:\n%s", code, out)
	}
}

func TestDetectFormat(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		content string
		want    dictdb.Format
		err     string
	}{
		{"{}", dictdb.JSON, ""},
		{"\ufeff  \n{", dictdb.JSON, ""},
		{codec.BinaryMagic + "rest", dictdb.Binary, ""},
		{codec.BinaryMagic[:4], 0, "truncated binary file"},
		{"", 0, "empty file"},
		{"  \n", 0, "blank file"},
		{"[1, 2]", 0, "not a dictdb database"},
	} {
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := detectFormat(bufio.NewReader(f))
		f.Close()
		if got != tc.want || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("detectFormat(%q) = %v, %v; want %v, %q", tc.content, got, err, tc.want, tc.err)
		}
	}
}
