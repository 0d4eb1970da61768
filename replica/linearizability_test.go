package replica

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/dictdb-go/dictdb"
)

type kvInput struct {
	put bool
	key string
	val int64 // put: the value written
}

// kvModel is a register per key; 0 stands for a missing key.
var kvModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		var keys []string
		for _, op := range history {
			k := op.Input.(kvInput).key
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], op)
		}
		var out [][]porcupine.Operation
		for _, k := range keys {
			out = append(out, byKey[k])
		}
		return out
	},
	Init: func() any { return int64(0) },
	Step: func(state, input, output any) (bool, any) {
		in := input.(kvInput)
		if in.put {
			return true, in.val
		}
		return output.(int64) == state.(int64), state
	},
	DescribeOperation: func(input, output any) string {
		in := input.(kvInput)
		if in.put {
			return fmt.Sprintf("put(%s, %d)", in.key, in.val)
		}
		return fmt.Sprintf("get(%s) = %d", in.key, output)
	},
}

// TestLinearizableAcrossLeaderFailover runs concurrent clients writing and
// reading (linearizable reads) a few keys through whichever node leads,
// while the leader is killed and restarted, and checks the history with
// porcupine. A write refused with ErrNotLeader never happened and is left
// out; a write whose outcome is unknown may have happened at any time
// after its call; failed reads are left out.
func TestLinearizableAcrossLeaderFailover(t *testing.T) {
	c := newCluster(t, 3, InmemOptions{})
	l := waitLeader(t, c)
	if err := l.CreateTable("kv", "k", nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	now := func() int64 { return int64(time.Since(start)) }
	var (
		mu      sync.Mutex
		history []porcupine.Operation
		nextVal atomic.Int64
		stop    atomic.Bool
		wg      sync.WaitGroup
		done    atomic.Int64
	)
	keys := []string{"x", "y", "z"}
	for client := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				key := keys[(i+client)%len(keys)]
				node := c.Leader()
				if node == nil {
					time.Sleep(time.Millisecond)
					continue
				}
				op := porcupine.Operation{ClientId: client}
				if (i+client)%2 == 0 {
					val := nextVal.Add(1)
					op.Input = kvInput{put: true, key: key, val: val}
					op.Call = now()
					_, _, err := node.Upsert("kv", dictdb.Record{"k": key, "v": val}, dictdb.OnConflictUpdate)
					op.Return = now()
					switch {
					case err == nil:
					case errors.Is(err, ErrNotLeader):
						continue
					default:
						op.Return = math.MaxInt64
					}
					op.Output = int64(0)
				} else {
					op.Input = kvInput{key: key}
					op.Call = now()
					snap, err := node.LinearizableSnapshot()
					if err != nil {
						continue
					}
					v, err := snap.Table("kv")
					if err != nil {
						continue
					}
					var got int64
					if r, ok := v.Get(key); ok {
						got = r["v"].(int64)
					}
					op.Return = now()
					op.Output = got
				}
				mu.Lock()
				history = append(history, op)
				mu.Unlock()
				done.Add(1)
			}
		}()
	}
	waitFor(t, "clients to make progress", func() bool { return done.Load() > 100 })
	for round := range 2 {
		l := waitLeader(t, c)
		i := c.Index(l)
		if err := c.Kill(i); err != nil {
			t.Fatal(err)
		}
		before := done.Load()
		waitFor(t, fmt.Sprintf("progress after leader kill %d", round), func() bool { return done.Load() > before+100 })
		if err := c.Restart(i); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	res, _ := porcupine.CheckOperationsVerbose(kvModel, history, 0)
	if res != porcupine.Ok {
		t.Fatalf("history of %d operations is not linearizable", len(history))
	}
	t.Logf("%d operations linearizable", len(history))
}
