package dictdb_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
)

// The linearizability model: a table of keys 0..linKeys-1, each absent (0)
// or holding value v (stored as v+1).
const linKeys = 4

type linState [linKeys]int

type linOp struct {
	kind string // insert, update, delete, get, count
	key  int
	val  int
}

type linOut struct {
	n   int // rows affected, the value read (+1, 0 = absent) or the count
	err string
}

var linModel = porcupine.Model{
	Init: func() any { return linState{} },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(linState), input.(linOp), output.(linOut)
		switch in.kind {
		case "insert":
			if s[in.key] != 0 {
				return out.err == "duplicate", s
			}
			s[in.key] = in.val + 1
			return out.err == "" && out.n == 1, s
		case "update":
			if s[in.key] == 0 {
				return out.err == "" && out.n == 0, s
			}
			s[in.key] = in.val + 1
			return out.err == "" && out.n == 1, s
		case "delete":
			if s[in.key] == 0 {
				return out.err == "" && out.n == 0, s
			}
			s[in.key] = 0
			return out.err == "" && out.n == 1, s
		case "get":
			return out.n == s[in.key], s
		case "count":
			n := 0
			for _, v := range s {
				if v != 0 {
					n++
				}
			}
			return out.n == n, s
		}
		return false, s
	},
	DescribeOperation: func(input, output any) string {
		return fmt.Sprintf("%+v -> %+v", input, output)
	},
}

func classify(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, dictdb.ErrDuplicateKey):
		return "duplicate"
	}
	return err.Error()
}

func runLinOp(tb *dictdb.Table, op linOp) linOut {
	where := cond.Field("id").Eq(op.key)
	switch op.kind {
	case "insert":
		_, err := tb.Insert(dictdb.Record{"id": op.key, "v": op.val})
		if err != nil {
			return linOut{err: classify(err)}
		}
		return linOut{n: 1}
	case "update":
		n, err := tb.Update(dictdb.Record{"v": op.val}, where)
		return linOut{n: n, err: classify(err)}
	case "delete":
		n, err := tb.Delete(where)
		return linOut{n: n, err: classify(err)}
	case "get":
		rec, ok := tb.Get(op.key)
		if !ok {
			return linOut{}
		}
		return linOut{n: int(rec["v"].(int64)) + 1}
	default:
		return linOut{n: tb.Count()}
	}
}

// TestLinearizableSingleTableHistories records concurrent histories of
// inserts, updates, deletes, gets and counts from several goroutines and
// checks that each has a linearization consistent with a sequential table.
func TestLinearizableSingleTableHistories(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed=%d", seed)
	kinds := []string{"insert", "update", "delete", "get", "count"}
	for round := range 20 {
		db := dictdb.New()
		tb, err := db.CreateTable("t")
		require.NoError(t, err)
		var clock atomic.Int64
		var mu sync.Mutex
		var history []porcupine.Operation
		var wg sync.WaitGroup
		for client := range 4 {
			rng := rand.New(rand.NewPCG(seed, uint64(round*16+client)))
			wg.Go(func() {
				for range 60 {
					op := linOp{kind: kinds[rng.IntN(len(kinds))], key: rng.IntN(linKeys), val: rng.IntN(100)}
					call := clock.Add(1)
					out := runLinOp(tb, op)
					ret := clock.Add(1)
					mu.Lock()
					history = append(history, porcupine.Operation{ClientId: client, Input: op, Call: call, Output: out, Return: ret})
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		require.True(t, porcupine.CheckOperations(linModel, history), "round %d (seed %d) is not linearizable", round, seed)
	}
}
