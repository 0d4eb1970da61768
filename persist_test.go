package dictdb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/cond"
)

// persistDB builds a database with every value kind, a schema, indexes and
// an auto key above the largest key.
func persistDB(t testing.TB) *DB {
	t.Helper()
	db := New()
	users, err := db.CreateTable("users", WithSchema(Col("name", Str), Col("age", Int), Col("score", Float)))
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Alice", "Bob", "Carol", "Dan"} {
		if _, err := users.Insert(Record{"name": name, "age": 20 + i, "score": float64(i) + 0.5}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := users.Delete(cond.Field("name").Eq("Dan")); err != nil { // next auto key stays 5
		t.Fatal(err)
	}
	if err := users.CreateIndex("age", SortedIndex); err != nil {
		t.Fatal(err)
	}
	if err := users.CreateIndex("name", HashIndex, Unique()); err != nil {
		t.Fatal(err)
	}
	kinds, err := db.CreateTable("kinds", PrimaryKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{
		{"k": "a", "null": nil, "bool": true, "int": int64(math.MinInt64), "float": 2.0, "str": "é😀"},
		{"k": "b", "list": []any{1, 1.5, "x", nil}, "map": map[string]any{"z": 1, "a": []any{}}},
		{"k": "c", "bytes": []byte{0, 255}, "time": time.Date(2024, 2, 29, 1, 2, 3, 456789, time.UTC)},
	}
	if _, err := kinds.InsertMany(recs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateTable("empty"); err != nil {
		t.Fatal(err)
	}
	return db
}

// sameDB reports the first difference between two databases: tables,
// primary keys, schemas, indexes, next auto keys and records.
func sameDB(a, b *DB) error {
	if !slices.Equal(a.TableNames(), b.TableNames()) {
		return fmt.Errorf("tables %v vs %v", a.TableNames(), b.TableNames())
	}
	sa, sb := a.Snapshot(), b.Snapshot()
	for _, name := range sa.TableNames() {
		va, _ := sa.Table(name)
		vb, _ := sb.Table(name)
		ta, tb := va.t, vb.t
		if ta.PrimaryKey() != tb.PrimaryKey() || ta.NextID() != tb.NextID() ||
			!reflect.DeepEqual(va.Schema(), vb.Schema()) || !reflect.DeepEqual(ta.Indexes(), tb.Indexes()) {
			return fmt.Errorf("table %s: metadata differs: %v/%v next %d/%d schema %v/%v indexes %v/%v", name,
				ta.PrimaryKey(), tb.PrimaryKey(), ta.NextID(), tb.NextID(), va.Schema(), vb.Schema(), ta.Indexes(), tb.Indexes())
		}
		if !reflect.DeepEqual(va.Records(), vb.Records()) {
			return fmt.Errorf("table %s: records differ:\n%v\n%v", name, va.Records(), vb.Records())
		}
	}
	return nil
}

func TestSaveLoadBinaryKeepsEverything(t *testing.T) {
	db := persistDB(t)
	path := filepath.Join(t.TempDir(), "db.bin")
	if err := db.Save(path, Binary); err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{Binary, Auto} {
		got, err := Load(path, f)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameDB(got, db); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := Load(path, Binary)
	users, _ := got.Table("users")
	if id, err := users.Insert(Record{"name": "Eve", "age": 1, "score": 1}); err != nil || id != int64(5) {
		t.Fatalf("next auto key after load: %v %v, want 5", id, err)
	}
	if _, err := users.Insert(Record{"name": "Eve", "age": 1, "score": 1}); !errors.Is(err, ErrDuplicateKey) {
		t.Fatalf("unique index not restored: %v", err)
	}
}

func TestSaveLoadJSON(t *testing.T) {
	db := persistDB(t)
	var buf bytes.Buffer
	if err := db.SaveTo(&buf, JSON); err != nil {
		t.Fatal(err)
	}
	got, err := LoadFrom(bytes.NewReader(buf.Bytes()), Auto)
	if err != nil {
		t.Fatal(err)
	}
	// JSON turns time and bytes into strings; everything else is exact.
	kinds, _ := db.Table("kinds")
	if _, err := kinds.Update(Record{"bytes": "AP8=", "time": "2024-02-29T01:02:03.000456789Z"}, cond.Field("k").Eq("c")); err != nil {
		t.Fatal(err)
	}
	if err := sameDB(got, db); err != nil {
		t.Fatal(err)
	}
	// JSON -> binary -> JSON is byte-identical.
	var bin, again bytes.Buffer
	if err := got.SaveTo(&bin, Binary); err != nil {
		t.Fatal(err)
	}
	viaBin, err := LoadFrom(&bin, Binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := viaBin.SaveTo(&again, JSON); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Fatalf("JSON -> binary -> JSON differs:\n%s\n%s", buf.Bytes(), again.Bytes())
	}
}

// TestPythonFixtures loads files written as the Python DictDB writes them
// and writes them back byte for byte.
func TestPythonFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/python_*.json")
	if len(files) < 3 {
		t.Fatalf("fixtures missing: %v", files)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			db, err := Load(file, JSON)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := db.SaveTo(&out, JSON, PythonCompatible()); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Fatalf("not byte-identical:\n%s\nwant:\n%s", out.Bytes(), want)
			}
			// With our extra keys, and through binary, the data survive.
			for _, f := range []Format{JSON, Binary} {
				var b bytes.Buffer
				if err := db.SaveTo(&b, f); err != nil {
					t.Fatal(err)
				}
				back, err := LoadFrom(&b, f)
				if err != nil {
					t.Fatal(err)
				}
				if err := sameDB(back, db); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestPythonFixtureValues(t *testing.T) {
	db, err := Load("testdata/python_schema.json", JSON)
	if err != nil {
		t.Fatal(err)
	}
	products, _ := db.Table("products")
	rec, ok := products.Get("B-2")
	if !ok || rec["price"] != 25.0 || rec["stock"] != int64(0) || rec["active"] != false {
		t.Fatalf("got %#v", rec)
	}
	if got := products.SchemaFields(); !slices.Equal(got, []string{"sku", "name", "price", "stock", "active", "tags", "dims"}) {
		t.Fatalf("schema %v", got)
	}
	users, _ := db.Table("users")
	if id, err := users.Insert(Record{"name": "Z", "age": 1}); err != nil || id != int64(11) {
		t.Fatalf("auto key %v %v, want 11", id, err)
	}
	db, err = Load("testdata/python_nested_unicode.json", Auto)
	if err != nil {
		t.Fatal(err)
	}
	notes, _ := db.Table("notes")
	rec, _ = notes.Get(2)
	if rec["emoji"] != "😀🎉" || !reflect.DeepEqual(rec["mixed"], []any{1e-07, 1e+20, 0.30000000000000004, math.Copysign(0, -1), 100.0, int64(-5)}) {
		t.Fatalf("got %#v", rec)
	}
	db, err = Load("testdata/python_empty.json", JSON)
	if err != nil || len(db.TableNames()) != 0 {
		t.Fatalf("empty: %v %v", db, err)
	}
}

// TestLoadPythonRules: a file without extra keys is loaded as the Python
// DictDB loads it (catalogue 13.3).
func TestLoadPythonRules(t *testing.T) {
	src := `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"a": 1}, {"id": 7}, {"a": 2}]}}}`
	db, err := LoadFrom(strings.NewReader(src), JSON)
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := db.Table("t")
	v, _ := tb.View()
	if keys := v.Keys(); !reflect.DeepEqual(keys, []any{int64(1), int64(7), int64(8)}) {
		t.Fatalf("keys %v, want [1 7 8]", keys)
	}
	if tb.HasIndex("a") {
		t.Fatal("index from nowhere")
	}
	bad := `{"tables": {"t": {"primary_key": "id", "schema": {"id": "int", "a": "int"},
"records": [
{"id": 1, "a": 1},
{"id": 2, "a": "x"}
]}}}`
	_, err = LoadFrom(strings.NewReader(bad), JSON)
	var ce *CorruptError
	if !errors.Is(err, ErrSchema) || !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || ce.Line < 3 {
		t.Fatalf("schema violation: %v", err)
	}
	dup := `{"tables": {"t": {"primary_key": "id", "schema": null, "records": [{"id": 1}, {"id": 1}]}}}`
	if _, err := LoadFrom(strings.NewReader(dup), JSON); !errors.Is(err, ErrDuplicateKey) || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("duplicate key: %v", err)
	}
	twice := `{"tables": {"t": {"primary_key": "id", "schema": null, "records": []}, "t": {"primary_key": "id", "schema": null, "records": []}}}`
	if _, err := LoadFrom(strings.NewReader(twice), JSON); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("table twice: %v", err)
	}
}

func TestPythonCompatibleRecomputesNextID(t *testing.T) {
	db := persistDB(t)
	var buf bytes.Buffer
	if err := db.SaveTo(&buf, JSON, PythonCompatible()); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("next_id")) || bytes.Contains(buf.Bytes(), []byte("indexes")) {
		t.Fatal("extra keys written")
	}
	got, err := LoadFrom(&buf, JSON)
	if err != nil {
		t.Fatal(err)
	}
	users, _ := got.Table("users")
	if id, _ := users.Insert(Record{"name": "Eve", "age": 1, "score": 1}); id != int64(4) {
		t.Fatalf("auto key %v, want 4 (max + 1, as Python)", id)
	}
	if users.HasIndex("age") {
		t.Fatal("index restored without its definition")
	}
}

func TestFormatValidatedBeforeIO(t *testing.T) {
	dir := t.TempDir()
	db := persistDB(t)
	for _, f := range []Format{0, Auto, 99} {
		path := filepath.Join(dir, "x.out")
		if err := db.Save(path, f); !errors.Is(err, ErrInvalidFormat) {
			t.Fatalf("Save(%v): %v", f, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal("a file was created")
		}
		if err := db.SaveTo(io.Discard, f); !errors.Is(err, ErrInvalidFormat) {
			t.Fatalf("SaveTo(%v): %v", f, err)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing"), 0); !errors.Is(err, ErrInvalidFormat) {
		t.Fatalf("Load(0): %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing"), JSON); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := ParseFormat("pickle"); !errors.Is(err, ErrInvalidFormat) {
		t.Fatal("pickle accepted")
	}
	if f, err := ParseFormat("JSON"); err != nil || f != JSON {
		t.Fatal("ParseFormat")
	}
	if err := db.Save("", JSON); err == nil {
		t.Fatal("empty path accepted")
	}
}

func TestAllowedDir(t *testing.T) {
	root := t.TempDir()
	allowed := filepath.Join(root, "allowed")
	if err := os.MkdirAll(allowed, 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.MkdirAll(filepath.Join(root, "allowed2"), 0o755)
	db := persistDB(t)
	ok := filepath.Join(allowed, "sub", "..", "db.json")
	if err := db.Save(ok, JSON, AllowedDir(allowed)); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ok, JSON, AllowedDir(allowed)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		filepath.Join(allowed, "..", "escaped.json"),
		filepath.Join(root, "allowed2", "x.json"),
	} {
		err := db.Save(p, JSON, AllowedDir(allowed))
		var pe *PathError
		if !errors.Is(err, ErrOutsideAllowedDir) || !errors.As(err, &pe) || !strings.Contains(err.Error(), ": outside the allowed directory") {
			t.Fatalf("save %s: %v", p, err)
		}
		if _, err := os.Stat(p); err == nil {
			t.Fatal("file created outside")
		}
	}
	outside := filepath.Join(root, "outside.json")
	if err := db.Save(outside, JSON); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(outside, JSON, AllowedDir(allowed)); !errors.Is(err, ErrOutsideAllowedDir) {
		t.Fatalf("load outside: %v", err)
	}
	// A symbolic link inside the directory pointing outside is outside.
	link := filepath.Join(allowed, "link.json")
	if err := os.Symlink(outside, link); err == nil {
		if _, err := Load(link, JSON, AllowedDir(allowed)); !errors.Is(err, ErrOutsideAllowedDir) {
			t.Fatalf("load through link: %v", err)
		}
	}
	want := `dictdb: path "/x/y": outside the allowed directory "/x/a"`
	if got := (&PathError{Path: "/x/y", Dir: "/x/a"}).Error(); got != want {
		t.Fatalf("message %q", got)
	}
}

// failingWriter fails once n bytes have been written.
type failingWriter struct {
	w io.Writer
	n int
}

var errInjected = errors.New("injected write failure")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errInjected
	}
	f.n -= len(p)
	return f.w.Write(p)
}

// TestSaveFailureKeepsPreviousFile injects a write failure after N bytes,
// for many N: the save fails, the previous file is intact and loads, and no
// temporary file is left.
func TestSaveFailureKeepsPreviousFile(t *testing.T) {
	for _, f := range []Format{JSON, Binary} {
		t.Run(f.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "db")
			old := persistDB(t)
			if err := old.Save(path, f); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			bigger := persistDB(t)
			big, _ := bigger.Table("kinds")
			for i := range 300 {
				if _, err := big.Insert(Record{"k": fmt.Sprintf("x%04d", i), "pad": strings.Repeat("p", 500)}); err != nil {
					t.Fatal(err)
				}
			}
			var full bytes.Buffer
			if err := bigger.SaveTo(&full, f); err != nil {
				t.Fatal(err)
			}
			defer func() { testWrapFile = nil }()
			for n := 0; n < full.Len(); n += 1 + n/7 {
				testWrapFile = func(w io.Writer) io.Writer { return &failingWriter{w: w, n: n} }
				if err := bigger.Save(path, f); !errors.Is(err, errInjected) {
					t.Fatalf("n=%d: save error %v", n, err)
				}
				after, _ := os.ReadFile(path)
				if !bytes.Equal(after, before) {
					t.Fatalf("n=%d: previous file changed", n)
				}
				entries, _ := os.ReadDir(dir)
				if len(entries) != 1 {
					t.Fatalf("n=%d: temporary files left: %v", n, entries)
				}
			}
			testWrapFile = nil
			got, err := Load(path, f)
			if err != nil {
				t.Fatal(err)
			}
			if f == Binary {
				if err := sameDB(got, old); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestLoadCorruptFiles(t *testing.T) {
	db := persistDB(t)
	for _, f := range []Format{JSON, Binary} {
		var buf bytes.Buffer
		if err := db.SaveTo(&buf, f); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		for _, n := range []int{0, 1, len(data) / 3, len(data) / 2, len(data) - 2} { // JSON minus its final newline is still whole
			if _, err := LoadFrom(bytes.NewReader(data[:n]), f); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%v truncated at %d: %v", f, n, err)
			}
		}
		if f == Binary {
			for i := 0; i < len(data); i += 3 {
				c := bytes.Clone(data)
				c[i] ^= 0x10
				if _, err := LoadFrom(bytes.NewReader(c), f); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("flip at %d: %v", i, err)
				}
			}
		}
	}
	for _, garbage := range []string{"", "null", "[]", "\x89DICTDB\ngarbage", "{\"tables\": []}", "\x00\x01\x02"} {
		if _, err := LoadFrom(strings.NewReader(garbage), Auto); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%q: %v", garbage, err)
		}
	}
}

// TestSaveDoesNotBlockWriters runs saves while writers insert: every save
// is a consistent snapshot and the writers never wait for it.
func TestSaveDoesNotBlockWriters(t *testing.T) {
	db := New()
	tb, _ := db.CreateTable("t")
	other, _ := db.CreateTable("u")
	recs := make([]Record, 20000)
	for i := range recs {
		recs[i] = Record{"v": i, "s": "some text"}
	}
	if _, err := tb.InsertMany(recs); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			if _, err := tb.Insert(Record{"v": i}); err != nil {
				t.Error(err)
				return
			}
			if _, err := other.Insert(Record{"v": i}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 3 {
		var buf bytes.Buffer
		if err := db.SaveTo(&buf, Binary); err != nil {
			t.Fatal(err)
		}
		got, err := LoadFrom(&buf, Binary)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := got.Table("t")
		b, _ := got.Table("u")
		// The writer inserts into t then u: a snapshot sees t ahead by 0 or 1.
		if d := (a.Count() - 20000) - b.Count(); d != 0 && d != 1 {
			t.Fatalf("inconsistent snapshot: t=%d u=%d", a.Count(), b.Count())
		}
	}
	stop.Store(true)
	wg.Wait()
}

// ---------------------------------------------------------------- benchmarks

// benchPersistSizes is 1e5 rows, and 1e6 too when not -short and
// DICTDB_BIG=1.
func benchPersistSizes() []int {
	if !testing.Short() && os.Getenv("DICTDB_BIG") == "1" {
		return []int{1e5, 1e6}
	}
	return []int{1e5}
}

var benchPersistCache = map[int]*DB{}

func benchPersistDB(b *testing.B, n int) *DB {
	if db, ok := benchPersistCache[n]; ok {
		return db
	}
	db := New()
	tb, _ := db.CreateTable("users")
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = Record{
			"name": fmt.Sprintf("user%d", i), "email": fmt.Sprintf("user%d@example.com", i),
			"age": 18 + i%60, "score": float64(i%1000) / 7, "active": i%3 == 0,
			"tags": []any{"a", "b"},
		}
	}
	if _, err := tb.InsertMany(recs); err != nil {
		b.Fatal(err)
	}
	if err := tb.CreateIndex("age", SortedIndex); err != nil {
		b.Fatal(err)
	}
	benchPersistCache[n] = db
	return db
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func BenchmarkSave(b *testing.B) {
	for _, n := range benchPersistSizes() {
		for _, f := range []Format{JSON, Binary} {
			b.Run(fmt.Sprintf("%v/rows=%d", f, n), func(b *testing.B) {
				db := benchPersistDB(b, n)
				b.ReportAllocs()
				var size int64
				for b.Loop() {
					var c countingWriter
					if err := db.SaveTo(&c, f); err != nil {
						b.Fatal(err)
					}
					size = c.n
				}
				b.ReportMetric(float64(size), "file-bytes")
			})
		}
	}
}

func BenchmarkSaveFile(b *testing.B) {
	for _, f := range []Format{JSON, Binary} {
		b.Run(f.String(), func(b *testing.B) {
			db := benchPersistDB(b, 1e5)
			path := filepath.Join(b.TempDir(), "db")
			b.ReportAllocs()
			for b.Loop() {
				if err := db.Save(path, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLoad(b *testing.B) {
	for _, n := range benchPersistSizes() {
		for _, f := range []Format{JSON, Binary} {
			b.Run(fmt.Sprintf("%v/rows=%d", f, n), func(b *testing.B) {
				var buf bytes.Buffer
				if err := benchPersistDB(b, n).SaveTo(&buf, f); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(buf.Len()))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := LoadFrom(bytes.NewReader(buf.Bytes()), f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkLoadRatio loads the same database from JSON and from binary in
// one run and reports how many times faster binary is, and how many times
// smaller: ratios, not absolute times, are what this machine can compare.
func BenchmarkLoadRatio(b *testing.B) {
	for _, n := range benchPersistSizes() {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			db := benchPersistDB(b, n)
			var js, bin bytes.Buffer
			if err := db.SaveTo(&js, JSON); err != nil {
				b.Fatal(err)
			}
			if err := db.SaveTo(&bin, Binary); err != nil {
				b.Fatal(err)
			}
			var tj, tb time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				if _, err := LoadFrom(bytes.NewReader(js.Bytes()), JSON); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, err := LoadFrom(bytes.NewReader(bin.Bytes()), Binary); err != nil {
					b.Fatal(err)
				}
				tj, tb = tj+t1.Sub(t0), tb+time.Since(t1)
			}
			b.ReportMetric(float64(tj)/float64(tb), "json/binary-load-time")
			b.ReportMetric(float64(js.Len())/float64(bin.Len()), "json/binary-size")
		})
	}
}

// BenchmarkInsertDuringSave measures single-record insert latency into a
// table while saves of a big database run back to back, against the same
// inserts with no save running, and reports the ratio.
func BenchmarkInsertDuringSave(b *testing.B) {
	n := benchPersistSizes()[len(benchPersistSizes())-1]
	db := benchPersistDB(b, n)
	events, _ := db.Table("events")
	if events == nil {
		events, _ = db.CreateTable("events")
	}
	measure := func(k int) time.Duration {
		t0 := time.Now()
		for i := range k {
			if _, err := events.Insert(Record{"v": i, "s": "event"}); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(t0) / time.Duration(k)
	}
	const batch = 2000
	b.ReportAllocs()
	var idle, busy time.Duration
	rounds := 0
	for b.Loop() {
		idle += measure(batch)
		var stop atomic.Bool
		done := make(chan struct{})
		go func() {
			defer close(done)
			for !stop.Load() {
				_ = db.SaveTo(io.Discard, Binary)
			}
		}()
		busy += measure(batch)
		stop.Store(true)
		<-done
		rounds++
	}
	b.ReportMetric(float64(idle.Nanoseconds())/float64(rounds), "idle-ns/insert")
	b.ReportMetric(float64(busy.Nanoseconds())/float64(rounds), "saving-ns/insert")
	b.ReportMetric(float64(busy)/float64(idle), "saving/idle")
}
