//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package dictdb

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhang"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// The environment of a child process of TestDurableCrashKill: the database
// directory and the first id of its round.
const (
	durableCrashDir  = "DICTDB_DURABLE_CRASH_DIR"
	durableCrashBase = "DICTDB_DURABLE_CRASH_BASE"
)

const (
	crashWriters  = 3       // goroutines of the child
	crashIDSpan   = 1 << 20 // ids of one writer in one round
	crashMaxBatch = 5       // most ids one commit adds
	crashAccounts = 10      // rows of each account table
	crashBalance  = 100     // each row's first balance
)

// TestDurableCrashChild is the child of TestDurableCrashKill: crashWriters
// goroutines commit under SyncAlways, each with its own ids in table "log":
// single inserts, batches, and transactions over three tables that move an
// amount from a row of "acct1" to a row of "acct2" (the sum of both stays
// constant) and log an id. After each acknowledged commit a goroutine
// prints its number and the last id the commit added. Writer 0 takes a
// checkpoint now and then. It runs only when started by
// TestDurableCrashKill.
func TestDurableCrashChild(t *testing.T) {
	dir := os.Getenv(durableCrashDir)
	if dir == "" {
		t.Skip("runs as the child of TestDurableCrashKill")
	}
	base, _ := strconv.ParseInt(os.Getenv(durableCrashBase), 10, 64)
	fail := func(what string, err error) {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(2)
	}
	db, err := Open(dir)
	if err != nil {
		fail("open", err)
	}
	logT, err := db.Table("log")
	if err != nil {
		fail("table", err)
	}
	var outMu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := range crashWriters {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(base), uint64(g)))
			next := base + int64(g)*crashIDSpan
			for n := 1; ; n++ {
				var last int64
				var err error
				switch rng.IntN(3) {
				case 0:
					_, err = logT.Insert(Record{"id": next, "g": g})
					last, next = next, next+1
				case 1:
					k := 2 + rng.IntN(crashMaxBatch-1)
					recs := make([]Record, k)
					for i := range recs {
						recs[i] = Record{"id": next + int64(i), "g": g, "batch": true}
					}
					_, err = logT.InsertMany(recs)
					last, next = next+int64(k)-1, next+int64(k)
				case 2:
					from, to, amt := 1+rng.IntN(crashAccounts), 1+rng.IntN(crashAccounts), rng.IntN(50)
					err = db.Update([]string{"acct1", "acct2", "log"}, func(tx *Tx) error {
						a1, _ := tx.Table("acct1")
						a2, _ := tx.Table("acct2")
						l, _ := tx.Table("log")
						r1, _ := a1.Get(from)
						r2, _ := a2.Get(to)
						if _, err := a1.Update(Record{"bal": r1["bal"].(int64) - int64(amt)}, cond.Field("id").Eq(from)); err != nil {
							return err
						}
						if _, err := a2.Update(Record{"bal": r2["bal"].(int64) + int64(amt)}, cond.Field("id").Eq(to)); err != nil {
							return err
						}
						_, err := l.Insert(Record{"id": next, "g": g, "transfer": amt})
						return err
					})
					last, next = next, next+1
				}
				if err != nil {
					fail("commit", err)
				}
				outMu.Lock()
				fmt.Fprintln(out, g, last)
				out.Flush()
				outMu.Unlock()
				if g == 0 && n%50 == 0 {
					if err := db.Checkpoint(); err != nil {
						fail("checkpoint", err)
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestDurableCrashKill starts a child process that commits under
// SyncAlways (TestDurableCrashChild) and kills it with SIGKILL at random
// moments. After every kill Open succeeds; every commit the child
// acknowledged is there; each writer's ids form one unbroken run from the
// round's first id, so no commit appears without those before it, nor
// one never issued; and the two account tables keep their sum. The
// default run kills a handful of times (2 with -short); set
// DICTDB_DURABLE_KILLS for more (the release check runs 100).
func TestDurableCrashKill(t *testing.T) {
	if os.Getenv(durableCrashDir) != "" {
		t.Skip("this is the child")
	}
	kills := 5
	if testing.Short() {
		kills = 2
	}
	if s := os.Getenv("DICTDB_DURABLE_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("DICTDB_DURABLE_KILLS=%q: %v", s, err)
		}
		kills = n
	}
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 0))
	dir := t.TempDir()
	setup := mustOpen(t, dir)
	_, err := setup.CreateTable("log")
	must(t, err)
	for _, name := range []string{"acct1", "acct2"} {
		a, err := setup.CreateTable(name)
		must(t, err)
		for i := 1; i <= crashAccounts; i++ {
			_, err := a.Insert(Record{"id": i, "bal": crashBalance})
			must(t, err)
		}
	}
	must(t, setup.Close())

	// acked[round][g] is the last id writer g acknowledged in round.
	acked := make([][crashWriters]int64, kills)
	for round := range kills {
		base := int64(round+1) * crashWriters * crashIDSpan
		for g := range acked[round] {
			acked[round][g] = -1
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestDurableCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), durableCrashDir+"="+dir, durableCrashBase+"="+strconv.FormatInt(base, 10))
		stdout, err := cmd.StdoutPipe()
		must(t, err)
		must(t, cmd.Start())
		killAfter := rng.IntN(300)
		seen, killed := 0, false
		testhang.Returns(t, "the child's output", func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				var g int
				var last int64
				if _, err := fmt.Sscan(sc.Text(), &g, &last); err != nil || g < 0 || g >= crashWriters {
					t.Errorf("child: %s", sc.Text())
					continue
				}
				acked[round][g] = max(acked[round][g], last)
				seen++
				if seen >= killAfter && !killed {
					if rng.IntN(2) == 0 {
						time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
					}
					cmd.Process.Signal(syscall.SIGKILL)
					killed = true
				}
			}
			if !killed {
				cmd.Process.Signal(syscall.SIGKILL)
			}
			cmd.Wait()
		})
		if t.Failed() {
			return
		}
		db, err := Open(dir)
		if err != nil {
			t.Fatalf("round %d: Open after the kill: %v", round, err)
		}
		checkCrashState(t, db, acked[:round+1])
		must(t, db.Close())
		t.Logf("round %d: killed after %d acknowledged commits; seq %d", round, seen, db.Seq())
		if t.Failed() {
			return
		}
	}
}

// checkCrashState checks a database recovered after kills against what the
// children acknowledged in each round.
func checkCrashState(t *testing.T, db *DB, acked [][crashWriters]int64) {
	t.Helper()
	logT, err := db.Table("log")
	must(t, err)
	ids := map[int64]bool{}
	for _, k := range logT.Keys() {
		ids[k.(int64)] = true
	}
	total := 0
	for round, last := range acked {
		base := int64(round+1) * crashWriters * crashIDSpan
		for g := range crashWriters {
			first := base + int64(g)*crashIDSpan
			n := int64(0)
			for ids[first+n] {
				n++
			}
			total += int(n)
			if last[g] >= 0 && first+n-1 < last[g] {
				t.Fatalf("round %d writer %d: acknowledged id %d lost (ids end at %d)", round, g, last[g], first+n-1)
			}
			if first+n-1 > max(last[g], first-1)+crashMaxBatch {
				t.Fatalf("round %d writer %d: ids run to %d, acknowledged %d: more than one commit in flight", round, g, first+n-1, last[g])
			}
		}
	}
	if total != len(ids) {
		t.Fatalf("the log table holds %d ids outside the writers' unbroken runs", len(ids)-total)
	}
	sum := int64(0)
	for _, name := range []string{"acct1", "acct2"} {
		a, err := db.Table(name)
		must(t, err)
		for _, r := range a.Records() {
			sum += r["bal"].(int64)
		}
	}
	if want := int64(2 * crashAccounts * crashBalance); sum != want {
		t.Fatalf("the accounts sum to %d, want %d", sum, want)
	}
}
