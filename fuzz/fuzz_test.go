package fuzz

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/internal/plancover"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// check runs ops on the model and on the real database and fails t with a
// readable diff if their histories differ. plans, if not nil, counts the
// strategies of the database's query plans.
func check(t *testing.T, ops []Op, plans *plancover.Counter) {
	t.Helper()
	want := Run(NewModel(), ops)
	r := NewReal(Config{})
	r.Plans = plans
	got := Run(r, ops)
	if d := Diff("model", want, "dictdb", got); d != "" {
		t.Fatalf("%s\nprogram:\n%s", d, fmtProgram(ops))
	}
	// The same program on a durable database, whose save/load operations
	// close it and open it again from its directory.
	dr, err := NewDurableReal(Config{}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got = Run(dr, ops)
	if err := dr.Close(); err != nil {
		t.Fatal(err)
	}
	if d := Diff("model", want, "durable dictdb", got); d != "" {
		t.Fatalf("%s\nprogram:\n%s", d, fmtProgram(ops))
	}
	if len(dr.Problems) > 0 {
		t.Fatalf("durable dictdb: %s\nprogram:\n%s", strings.Join(dr.Problems, "\n"), fmtProgram(ops))
	}
}

func fmtProgram(ops []Op) string {
	var b strings.Builder
	for i, o := range ops {
		b.WriteString(strconv.Itoa(i) + ": " + o.String() + "\n")
	}
	return b.String()
}

// metaConfigs are the configurations a program must give identical
// histories under.
var metaConfigs = []Config{
	{Name: "hash", Index: dictdb.HashIndex},
	{Name: "sorted", Index: dictdb.SortedIndex},
	{Name: "mixed", Index: dictdb.SortedIndex, Mixed: true},
	{Name: "snap1", SnapEvery: 1},
	{Name: "snap3-sorted", SnapEvery: 3, Index: dictdb.SortedIndex},
	{Name: "saveload3", SaveLoadEvery: 3},
	{Name: "saveload5-hash", SaveLoadEvery: 5, Index: dictdb.HashIndex},
}

// metamorphic strips what the configurations would change: index
// operations (a configuration's own indexes would clash with them) and the
// listing of indexed fields.
func metamorphic(ops []Op) []Op {
	var out []Op
	for _, o := range ops {
		switch o.Kind {
		case KCreateIndex, KDropIndex:
			continue
		case KColumns:
			o.Kind = KCount
		case KTx:
			o.Sub = metamorphic(o.Sub)
		}
		out = append(out, o)
	}
	return out
}

// checkMeta runs ops, then probes, under every metamorphic configuration
// and compares the histories with the plain database's. The configurations
// that snapshot or save and load every few operations, whose checks cost
// in proportion to the data at every step, run ops alone.
func checkMeta(t *testing.T, ops, probes []Op, plans *plancover.Counter) {
	t.Helper()
	ops = metamorphic(ops)
	full := append(slices.Clip(ops), metamorphic(probes)...)
	base := Run(NewReal(Config{}), full)
	for _, cfg := range metaConfigs {
		if cfg.SaveLoadEvery > 0 && roundTrip == nil {
			continue
		}
		prog := full
		if cfg.SnapEvery > 0 || cfg.SaveLoadEvery > 0 {
			prog = ops
		}
		r := NewReal(cfg)
		r.Plans = plans
		got := Run(r, prog)
		if d := Diff("plain", base[:min(len(got), len(base))], cfg.Name, got); d != "" {
			t.Fatalf("config %s: %s\nprogram:\n%s", cfg.Name, d, fmtProgram(prog))
		}
		if len(r.Problems) > 0 {
			t.Fatalf("config %s: %s\nprogram:\n%s", cfg.Name, strings.Join(r.Problems, "\n"), fmtProgram(prog))
		}
	}
}

// FuzzOps compares the database with the reference model on programs
// decoded from the fuzz input, followed by the probes.
func FuzzOps(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check(t, Program(data), nil)
	})
}

// FuzzMetamorphic runs one program under several configurations of the
// database that must not change any result.
func FuzzMetamorphic(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkMeta(t, Decode(data), Probes(data), nil)
	})
}

func seeds() [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var out [][]byte
	for range 8 {
		out = append(out, randomBytes(rng, 256))
	}
	return out
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, rng.IntN(n)+n/4)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestRandomPrograms runs random programs from a logged seed against the
// model and under the metamorphic configurations. DICTDB_SEED overrides
// the seed; DICTDB_PROGRAMS the number of programs. It fails if some
// strategy of the query planner never ran.
func TestRandomPrograms(t *testing.T) {
	seed := testseed.Seed(t)
	n := 200
	if s := os.Getenv("DICTDB_PROGRAMS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("DICTDB_PROGRAMS: %v", err)
		}
		n = v
	}
	if testing.Short() {
		n = 40
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	var plans plancover.Counter
	for i := range n {
		data := randomBytes(rng, 600)
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("seed %d program %d; input %q", seed, i, data)
				}
			}()
			ops, probes := Decode(data), Probes(data)
			check(t, append(slices.Clip(ops), probes...), &plans)
			checkMeta(t, ops, probes, &plans)
		})
	}
	if missing := plans.Missing(); n > 0 && len(missing) > 0 {
		t.Errorf("planner strategies that never ran: %q\ncounts: %s", missing, &plans)
	}
	t.Logf("planner strategies: %s", &plans)
}

// TestDecodeTotal checks that every input decodes, deterministically, into
// a bounded program.
func TestDecodeTotal(t *testing.T) {
	inputs := [][]byte{nil, {}, {0}, {255}, []byte(strings.Repeat("\xff", 10000)), []byte(strings.Repeat("\x00", 10000))}
	for _, in := range inputs {
		a, b := Decode(in), Decode(in)
		if len(a) > MaxOps {
			t.Fatalf("%d ops", len(a))
		}
		if fmtProgram(a) != fmtProgram(b) {
			t.Fatal("Decode is not deterministic")
		}
	}
}
