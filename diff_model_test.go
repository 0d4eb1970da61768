package dictdb_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// contents returns every table of a snapshot as key -> record.
func contents(t *testing.T, s *dictdb.Snapshot) map[string]map[any]map[string]any {
	t.Helper()
	out := map[string]map[any]map[string]any{}
	for _, name := range s.TableNames() {
		v, err := s.Table(name)
		require.NoError(t, err)
		rows := map[any]map[string]any{}
		for _, r := range v.Records() {
			rows[r["id"]] = r
		}
		out[name] = rows
	}
	return out
}

// sortedKeyList returns the keys of rows in primary-key order.
func sortedKeyList(rows map[any]map[string]any) []any {
	var ks []any
	for k := range rows {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, codec.Compare)
	return ks
}

// TestDiffAgainstModel takes snapshots between random writes (inserts,
// updates, deletes of single rows, of ranges, of the highest keys and of
// everything, table drops and re-creations) over tables of up to a few
// hundred rows, so that their trees are several levels deep and share most
// of their nodes, and checks the delta between every pair of snapshots:
// applied to the older contents it gives the newer ones; its deletes are
// exactly the keys that disappeared; its upserts include every new or
// changed row; every list is in key order without repeats.
func TestDiffAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(testseed.Seed(t), 6))
	rounds := 12
	if testing.Short() {
		rounds = 5
	}
	for round := range rounds {
		db := dictdb.New()
		names := []string{"a", "b"}
		for _, n := range names {
			_, err := db.CreateTable(n)
			require.NoError(t, err)
		}
		snaps := []*dictdb.Snapshot{db.Snapshot()}
		var log []string
		for step := range 60 {
			name := names[rng.IntN(len(names))]
			tb, err := db.Table(name)
			if err != nil {
				_, err = db.CreateTable(name)
				require.NoError(t, err)
				log = append(log, "create "+name)
				continue
			}
			n := tb.Count()
			f := cond.Field("id")
			var op string
			switch c := rng.IntN(12); {
			case c < 3:
				recs := make([]dictdb.Record, rng.IntN(80)+1)
				for i := range recs {
					recs[i] = dictdb.Record{"v": rng.IntN(10)}
					if rng.IntN(3) == 0 {
						recs[i]["id"] = rng.IntN(400)
					}
				}
				op = fmt.Sprintf("insert %d rows", len(recs))
				_, _ = tb.InsertMany(recs)
			case c < 5:
				lo := rng.IntN(n + 1)
				op = fmt.Sprintf("update v where %d <= id < %d", lo, lo+5)
				_, _ = tb.Update(dictdb.Record{"v": rng.IntN(10)}, cond.And(f.Gte(lo), f.Lt(lo+5)))
			case c < 7:
				k := rng.IntN(n + 10)
				op = fmt.Sprintf("delete id > %d (the highest keys)", k)
				_, _ = tb.Delete(f.Gt(k))
			case c < 8:
				k := rng.IntN(n + 1)
				op = fmt.Sprintf("delete id < %d (the lowest keys)", k)
				_, _ = tb.Delete(f.Lt(k))
			case c < 9:
				v := rng.IntN(10)
				op = fmt.Sprintf("delete v = %d", v)
				_, _ = tb.Delete(cond.Field("v").Eq(v))
			case c < 10:
				op = "delete everything"
				_, _ = tb.Delete(nil)
			case c < 11:
				op = "drop " + name
				require.NoError(t, db.DropTable(name))
			default:
				op = "upsert one"
				_, _, _ = tb.Upsert(dictdb.Record{"id": rng.IntN(400), "v": rng.IntN(10)}, dictdb.OnConflictUpdate)
			}
			log = append(log, fmt.Sprintf("%d: %s", step, op))
			if rng.IntN(3) == 0 {
				snaps = append(snaps, db.Snapshot())
			}
		}
		snaps = append(snaps, db.Snapshot())
		for i := range snaps {
			for j := range snaps {
				checkDelta(t, snaps[i], snaps[j], fmt.Sprintf("round %d, snapshots %d to %d; writes:\n%v", round, i, j, log))
			}
		}
	}
}

// checkDelta checks Diff(from, to) against the snapshots' contents.
func checkDelta(t *testing.T, from, to *dictdb.Snapshot, context string) {
	t.Helper()
	d := dictdb.Diff(from, to)
	was, now := contents(t, from), contents(t, to)
	got := map[string]map[any]map[string]any{}
	for name, rows := range was {
		got[name] = map[any]map[string]any{}
		for k, r := range rows {
			got[name][k] = r
		}
	}
	for _, td := range d.Tables {
		if td.Dropped {
			require.Contains(t, was, td.Name, context)
			delete(got, td.Name)
			continue
		}
		rows := got[td.Name]
		if td.Created || rows == nil {
			rows = map[any]map[string]any{}
			got[td.Name] = rows
		}
		var ups []any
		for _, r := range td.Upserts {
			rec := r.Map()
			rows[rec["id"]] = rec
			ups = append(ups, rec["id"])
		}
		require.True(t, slices.IsSortedFunc(ups, codec.Compare) && len(slices.CompactFunc(slices.Clone(ups), codec.Equal)) == len(ups),
			"%s: upserts of %s not in key order or repeated: %v\n%s", td.Name, td.Name, ups, context)
		require.True(t, slices.IsSortedFunc(td.Deletes, codec.Compare) && len(slices.CompactFunc(slices.Clone(td.Deletes), codec.Equal)) == len(td.Deletes),
			"deletes of %s not in key order or repeated: %v\n%s", td.Name, td.Deletes, context)
		if !td.Created {
			// The deletes are exactly the keys that went away.
			var gone []any
			for _, k := range sortedKeyList(was[td.Name]) {
				if _, ok := now[td.Name][k]; !ok {
					gone = append(gone, k)
				}
			}
			require.Equal(t, gone, td.Deletes, "deletes of %s\n%s", td.Name, context)
		}
		for _, k := range td.Deletes {
			delete(rows, k)
		}
	}
	require.Equal(t, now, got, "the delta applied to the older snapshot\n%s", context)
	// Nothing changed is left out: a table reported unchanged is equal.
	for name, rows := range now {
		if !slices.ContainsFunc(d.Tables, func(td dictdb.TableDelta) bool { return td.Name == name }) {
			require.Equal(t, was[name], rows, "table %s changed but is not in the delta\n%s", name, context)
		}
	}
}
