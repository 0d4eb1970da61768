//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package wal

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

	"github.com/dictdb-go/dictdb/internal/testhang"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// crashChildEnv names the log directory of a child process of
// TestCrashKill.
const crashChildEnv = "DICTDB_WAL_CRASH_CHILD"

// TestCrashChild is the child of TestCrashKill: four goroutines append
// frames under SyncAlways and print each acknowledged seq. It runs only
// when started by TestCrashKill.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("runs as the child of TestCrashKill")
	}
	w, _, err := Open(dir, Options{Sync: SyncAlways})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	var writeMu, outMu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				// Write under a lock, so that the payload can follow from the
				// seq; wait for durability outside it, sharing fsyncs.
				writeMu.Lock()
				written, _ := w.Seq()
				seq, err := w.Write(payloadFor(written + 1))
				writeMu.Unlock()
				if err == nil {
					err = w.WaitDurable(seq)
				}
				if err != nil {
					fmt.Println("append:", err)
					os.Exit(2)
				}
				outMu.Lock()
				fmt.Fprintln(out, seq)
				out.Flush()
				outMu.Unlock()
			}
		})
	}
	wg.Wait()
}

// TestCrashKill starts a child process that appends under SyncAlways and
// kills it with SIGKILL at random moments; after each kill the log
// replays every seq the child acknowledged, in order, and no frame that
// was never written. Set DICTDB_WAL_KILLS for more rounds than the default.
func TestCrashKill(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("this is the child")
	}
	kills := 10
	if testing.Short() {
		kills = 3
	}
	if s := os.Getenv("DICTDB_WAL_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("DICTDB_WAL_KILLS=%q: %v", s, err)
		}
		kills = n
	}
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 0))
	dir := t.TempDir()
	var acked uint64 // highest acknowledged seq over all rounds
	for round := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAfter := rng.IntN(400)
		sc := bufio.NewScanner(stdout)
		seen := 0
		killed := false
		testhang.Returns(t, "the child's output", func() {
			for sc.Scan() {
				line := sc.Text()
				seq, err := strconv.ParseUint(line, 10, 64)
				if err != nil {
					t.Errorf("child: %s", line)
					continue
				}
				if seq > acked {
					acked = seq
				}
				seen++
				if seen >= killAfter && !killed {
					if rng.IntN(2) == 0 {
						time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond)
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
		seqs, info := replayAll(t, OS, dir)
		checkPrefix(t, seqs, []uint64{acked})
		t.Logf("round %d: killed after %d acks; %d frames, %d acknowledged, cut %v", round, seen, len(seqs), acked, info.Cut)
		if t.Failed() {
			return
		}
	}
}
