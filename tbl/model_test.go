package tbl

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/idx"
)

// tableModel is a table written the plain way: a map from key to record,
// the auto-key counter, and the index definitions, whose unique ones it
// enforces by comparing with every other row.
type tableModel struct {
	rows    map[any]map[string]any // key value -> record, the key included
	nextID  int64
	indexes map[string]idx.Def
}

func newTableModel() *tableModel {
	return &tableModel{rows: map[any]map[string]any{}, nextID: 1, indexes: map[string]idx.Def{}}
}

func (m *tableModel) clone() *tableModel {
	return &tableModel{rows: maps.Clone(m.rows), nextID: m.nextID, indexes: maps.Clone(m.indexes)}
}

// keys returns the keys in primary-key order: integers, then strings.
func (m *tableModel) keys() []any {
	ks := slices.Collect(maps.Keys(m.rows))
	slices.SortFunc(ks, codec.Compare)
	return ks
}

func (m *tableModel) list() []map[string]any {
	var out []map[string]any
	for _, k := range m.keys() {
		out = append(out, m.rows[k])
	}
	return out
}

// clash returns the unique field whose value rec shares with a row under
// another key.
func (m *tableModel) clash(key any, rec map[string]any) (string, bool) {
	for f, d := range m.indexes {
		v := rec[f]
		if !d.Unique || v == nil {
			continue
		}
		for k, r := range m.rows {
			if k != key && codec.Equal(r[f], v) {
				return f, true
			}
		}
	}
	return "", false
}

// put stores rec under key after the unique check.
func (m *tableModel) put(key any, rec map[string]any) error {
	if f, bad := m.clash(key, rec); bad {
		return fmt.Errorf("unique %s: %w", f, ErrDuplicateKey)
	}
	m.rows[key] = rec
	if i, ok := key.(int64); ok && i >= m.nextID {
		m.nextID = i + 1
	}
	return nil
}

// insert is Insert: the key given, or the next auto key.
func (m *tableModel) insert(rec map[string]any) (any, error) {
	rec = maps.Clone(rec)
	key, ok := rec["id"]
	if !ok || key == nil {
		key = m.nextID
	}
	switch key.(type) {
	case int64, string:
	default:
		return nil, ErrInvalidKey
	}
	if _, exists := m.rows[key]; exists {
		return nil, ErrDuplicateKey
	}
	rec["id"] = key
	return key, m.put(key, rec)
}

// merge returns old with the fields of changes set.
func merge(old, changes map[string]any) map[string]any {
	out := maps.Clone(old)
	maps.Copy(out, changes)
	return out
}

func (m *tableModel) matching(where cond.Cond) []any {
	match, err := cond.Compile(where)
	if err != nil {
		panic(err)
	}
	var out []any
	for _, k := range m.keys() {
		if match(codec.RecordOf(m.rows[k])) {
			out = append(out, k)
		}
	}
	return out
}

// update is Update: each matching row in key order, all or nothing.
func (m *tableModel) update(changes map[string]any, where cond.Cond) (int, error) {
	ks := m.matching(where) // matching nothing is (0, nil)
	for _, k := range ks {
		if v, ok := changes["id"]; ok && !codec.Equal(v, k) {
			return 0, ErrPrimaryKeyChange
		}
		rec := merge(m.rows[k], changes)
		rec["id"] = k
		if err := m.put(k, rec); err != nil {
			return 0, err
		}
	}
	return len(ks), nil
}

func (m *tableModel) upsert(rec map[string]any, on Conflict) (any, Action, error) {
	key, ok := rec["id"]
	old, exists := m.rows[key]
	if !ok || key == nil || !exists {
		k, err := m.insert(rec)
		return k, Inserted, err
	}
	switch on {
	case OnConflictIgnore:
		return key, Ignored, nil
	case OnConflictError:
		return key, 0, ErrDuplicateKey
	}
	return key, Updated, m.put(key, merge(old, rec))
}

func (m *tableModel) delete(where cond.Cond) (int, error) {
	ks := m.matching(where) // matching nothing is (0, nil)
	for _, k := range ks {
		delete(m.rows, k)
	}
	return len(ks), nil
}

func (m *tableModel) createIndex(d idx.Def) error {
	if have, ok := m.indexes[d.Field]; ok {
		if have == d {
			return nil
		}
		return ErrInvalidIndex
	}
	if d.Unique {
		var seen []any
		for _, k := range m.keys() {
			v := m.rows[k][d.Field]
			if v != nil && slices.ContainsFunc(seen, func(w any) bool { return codec.Equal(v, w) }) {
				return ErrDuplicateKey
			}
			seen = append(seen, v)
		}
	}
	m.indexes[d.Field] = d
	return nil
}

// modelRecordValue returns a value for a field: few distinct values, so
// that unique indexes clash often, with integers and equal floats.
func modelRecordValue(rng *rand.Rand) any {
	switch rng.IntN(8) {
	case 0:
		return nil
	case 1:
		return float64(rng.IntN(6))
	case 2:
		return []string{"a", "b", "ab"}[rng.IntN(3)]
	case 3:
		return float64(rng.IntN(6)) + 0.5
	}
	return int64(rng.IntN(12))
}

func modelRecord(rng *rand.Rand) map[string]any {
	rec := map[string]any{}
	switch rng.IntN(6) {
	case 0, 1, 2:
		rec["id"] = int64(rng.IntN(30))
	case 3:
		rec["id"] = []string{"a", "b", "c", "d"}[rng.IntN(4)]
	case 4:
		rec["id"] = nil
	}
	for _, f := range []string{"u", "v", "w"} {
		if rng.IntN(4) > 0 {
			rec[f] = modelRecordValue(rng)
		}
	}
	if len(rec) == 0 {
		rec["v"] = int64(1)
	}
	return rec
}

func modelChanges(rng *rand.Rand) map[string]any {
	ch := map[string]any{}
	for _, f := range []string{"u", "v", "w"} {
		if rng.IntN(3) == 0 {
			ch[f] = modelRecordValue(rng)
		}
	}
	if rng.IntN(12) == 0 {
		ch["id"] = int64(rng.IntN(30))
	}
	if len(ch) == 0 {
		ch["v"] = modelRecordValue(rng)
	}
	return ch
}

func modelWhere(rng *rand.Rand) cond.Cond {
	f := cond.Field([]string{"u", "v", "w", "id"}[rng.IntN(4)])
	switch rng.IntN(7) {
	case 0:
		return nil
	case 1:
		return f.Eq(modelRecordValue(rng))
	case 2:
		return f.Gt(modelRecordValue(rng))
	case 3:
		return f.Lte(modelRecordValue(rng))
	case 4:
		return f.In(modelRecordValue(rng), modelRecordValue(rng))
	case 5:
		return cond.And(f.Gte(int64(rng.IntN(8))), f.Lt(int64(rng.IntN(12))))
	}
	return f.IsNull()
}

// errClass names the sentinel an error wraps.
func errClass(err error) string {
	if err == nil {
		return "ok"
	}
	for _, s := range []error{ErrDuplicateKey, ErrNotFound, ErrPrimaryKeyChange, ErrInvalidKey, ErrInvalidIndex, ErrInvalidRecord, ErrSchema} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "other: " + err.Error()
}

// TestTableAgainstModel applies random writes (inserts, batches, upserts
// under each policy, updates, deletes, index creation and removal, unique
// indexes included) to a table and to tableModel, and compares after each
// step the outcome, every row, Verify, and queries against the oracle.
func TestTableAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 5))
	rounds := 40
	if testing.Short() {
		rounds = 15
	}
	for round := range rounds {
		tb := mustTable(t)
		m := newTableModel()
		var history []string
		for step := range 120 {
			var op, got, want string
			var merr error // the model's error
			next := tb
			mm := m.clone()
			switch c := rng.IntN(20); {
			case c < 5:
				rec := modelRecord(rng)
				op = fmt.Sprintf("insert %v", rec)
				var k codec.Key
				var err error
				next, k, err = tb.Insert(rec)
				got = errClass(err)
				if err == nil {
					got = fmt.Sprint(k.Value())
				}
				wk, werr := mm.insert(rec)
				merr = werr
				want = errClass(werr)
				if werr == nil {
					want = fmt.Sprint(wk)
				}
			case c < 7:
				recs := []map[string]any{modelRecord(rng), modelRecord(rng), modelRecord(rng)}
				op = fmt.Sprintf("insertMany %v", recs)
				var err error
				next, _, err = tb.InsertMany(recs)
				got = errClass(err)
				for _, r := range recs {
					if _, merr = mm.insert(r); merr != nil {
						break
					}
				}
				want = errClass(merr)
			case c < 10:
				rec, on := modelRecord(rng), Conflict(rng.IntN(3))
				op = fmt.Sprintf("upsert %v on %d", rec, on)
				next2, k, a, err := tb.Upsert(rec, on)
				next = next2
				got = errClass(err)
				if err == nil {
					got += fmt.Sprint(" ", a, " ", k.Value())
				}
				wk, wa, werr := mm.upsert(rec, on)
				merr = werr
				want = errClass(werr)
				if werr == nil {
					want += fmt.Sprint(" ", wa, " ", wk)
				}
			case c < 14:
				ch, where := modelChanges(rng), modelWhere(rng)
				op = fmt.Sprintf("update %v where %v", ch, where)
				var n int
				var err error
				next, n, err = tb.Update(ch, where)
				got = fmt.Sprint(n, " ", errClass(err))
				wn, werr := mm.update(ch, where)
				merr = werr
				want = fmt.Sprint(wn, " ", errClass(werr))
			case c < 16:
				where := modelWhere(rng)
				op = fmt.Sprintf("delete where %v", where)
				var n int
				var err error
				next, n, err = tb.Delete(where)
				got = fmt.Sprint(n, " ", errClass(err))
				wn, werr := mm.delete(where)
				merr = werr
				want = fmt.Sprint(wn, " ", errClass(werr))
			case c < 19:
				d := idx.Def{Field: []string{"u", "v", "w"}[rng.IntN(3)], Kind: idx.Kind(rng.IntN(2) + 1), Unique: rng.IntN(2) == 0}
				op = fmt.Sprintf("createIndex %+v", d)
				var err error
				next, err = tb.CreateIndex(d)
				got = errClass(err)
				merr = mm.createIndex(d)
				want = errClass(merr)
			default:
				f := []string{"u", "v", "w"}[rng.IntN(3)]
				op = "dropIndex " + f
				var err error
				next, err = tb.DropIndex(f)
				got = errClass(err)
				merr = ErrInvalidIndex
				if _, ok := mm.indexes[f]; ok {
					delete(mm.indexes, f)
					merr = nil
				}
				want = errClass(merr)
			}
			history = append(history, fmt.Sprintf("%d: %s => %s", step, op, want))
			if got != want {
				t.Fatalf("round %d step %d: %s: got %s, model %s\nhistory:\n%s", round, step, op, got, want, lines(history))
			}
			if merr == nil {
				tb, m = next, mm
			} else {
				require.Same(t, tb, next, "a failed write returns the table unchanged: %s", op)
			}
			require.Equal(t, m.list(), nonNil(tableRows(tb)), "round %d step %d: %s\nhistory:\n%s", round, step, op, lines(history))
			require.NoError(t, Verify(tb), "round %d step %d: %s", round, step, op)
			require.Equal(t, m.nextID, tb.NextID(), "next auto key after %s", op)
			require.ElementsMatch(t, slices.Collect(maps.Values(m.indexes)), tb.Indexes())
			for range 2 {
				q := Query{Where: modelWhere(rng)}
				if rng.IntN(2) == 0 {
					q.OrderBy = [][]string{{"u"}, {"-v"}, {"w", "-id"}}[rng.IntN(3)]
					q.Limit = rng.IntN(4)
				}
				checkOracle(t, tb, m.list(), q)
			}
		}
	}
}

func lines(h []string) string {
	if len(h) > 30 {
		h = h[len(h)-30:]
	}
	out := ""
	for _, l := range h {
		out += l + "\n"
	}
	return out
}
