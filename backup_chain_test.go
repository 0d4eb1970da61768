package dictdb_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb"
	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testseed"
)

// dump returns db's binary dump: two databases with equal dumps hold the
// same tables, schemas, index definitions (in order), next auto keys and
// records, every value of the same kind.
func dump(t *testing.T, db *dictdb.DB) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, db.SaveTo(&b, dictdb.Binary))
	return b.Bytes()
}

// newFiles returns the backup files in dir that are not in seen, and adds
// them to seen.
func newFiles(t *testing.T, dir string, seen map[string]bool) []string {
	t.Helper()
	var out []string
	for _, f := range backupFiles(t, dir, "dictdb_") {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// restorePoint restores from a copy of dir that holds the files written
// up to and including files[upto], from the last full backup on: the newest
// chain of the directory right after that backup.
func restorePoint(t *testing.T, dir string, files []string, upto int) (*dictdb.DB, *dictdb.RestoreInfo, error) {
	t.Helper()
	sub := t.TempDir()
	from := upto
	for from > 0 && !strings.HasPrefix(files[from], "dictdb_backup_") {
		from--
	}
	for _, f := range files[from : upto+1] {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if os.IsNotExist(err) {
			continue // removed by retention
		}
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(sub, f), b, 0o644))
	}
	return dictdb.RestoreBackup(sub, dictdb.RestoreOptions{})
}

// TestBackupRetentionSurvivesClockStepBack restarts the process (restore,
// new manager) with a clock an hour behind: the new full backup's name sorts
// before the old ones, yet retention keeps it and restore returns the newest
// state.
func TestBackupRetentionSurvivesClockStepBack(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	clock := newFakeClock()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, Keep: 1}, clock))
	require.NoError(t, err)
	require.NoError(t, m.BackupNow()) // full
	_, err = users.Insert(dictdb.Record{"name": "second", "age": 2})
	require.NoError(t, err)
	require.NoError(t, m.BackupNow()) // delta
	require.NoError(t, m.Stop())

	// The restart: the database comes back from the backups (its commit
	// sequence starts over) and the new process's clock is an hour behind.
	db2, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	assert.Equal(t, dump(t, db), dump(t, db2))
	users2, err := db2.Table("users")
	require.NoError(t, err)
	_, err = users2.Insert(dictdb.Record{"name": "after restart", "age": 3})
	require.NoError(t, err)
	behind := newFakeClock()
	behind.Advance(-time.Hour)
	m2, err := dictdb.NewBackupManager(db2, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, Keep: 1}, behind))
	require.NoError(t, err)
	require.NoError(t, m2.BackupNow()) // full, then retention
	_, err = users2.Insert(dictdb.Record{"name": "delta after restart", "age": 4})
	require.NoError(t, err)
	require.NoError(t, m2.BackupNow()) // delta on the new full

	restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	assert.Equal(t, dump(t, db2), dump(t, restored), "the newest state, restored from %s + %v", info.Full, info.Deltas)
	assert.Len(t, backupFiles(t, dir, "dictdb_backup_"), 1, "Keep=1 keeps one full backup")

	// The same with the same database (no restart), one more full backup.
	_, err = users2.Insert(dictdb.Record{"name": "third", "age": 5})
	require.NoError(t, err)
	require.NoError(t, m2.BackupFull())
	restored, _, err = dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	assert.Equal(t, dump(t, db2), dump(t, restored))
}

// TestBackupRetentionNeverDeletesTheNewestFull writes full backups with a
// clock that jumps back and forth: whatever the names say, the newest full
// backup and its deltas are kept.
func TestBackupRetentionNeverDeletesTheNewestFull(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	clock := newFakeClock()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, Keep: 1, MaxDeltas: 1}, clock))
	require.NoError(t, err)
	for i := range 8 {
		clock.Advance(time.Duration(1-2*(i%2)) * time.Duration(i+1) * time.Hour)
		_, err := users.Insert(dictdb.Record{"name": fmt.Sprint("n", i), "age": i})
		require.NoError(t, err)
		require.NoError(t, m.BackupNow())
		restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
		require.NoError(t, err, "after backup %d", i)
		require.Equal(t, dump(t, db), dump(t, restored), "after backup %d", i)
	}
}

// TestBackupDeltaAfterDropIndex drops a unique index after the full backup
// and inserts a value it would have rejected: the delta restores.
func TestBackupDeltaAfterDropIndex(t *testing.T) {
	for _, format := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		t.Run(format.String(), func(t *testing.T) {
			db, users := newBackupDB(t)
			dir := t.TempDir()
			m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, Format: format}, newFakeClock()))
			require.NoError(t, err)
			require.NoError(t, m.BackupNow())
			require.NoError(t, users.DropIndex("name"))
			_, err = users.Insert(dictdb.Record{"name": "Test", "age": 1}) // legal now
			require.NoError(t, err)
			require.NoError(t, m.BackupNow())
			_, err = users.Insert(dictdb.Record{"name": "later", "age": 2})
			require.NoError(t, err)
			require.NoError(t, m.BackupNow())
			require.Len(t, backupFiles(t, dir, "dictdb_delta_"), 2)

			restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
			require.NoError(t, err)
			assert.Len(t, info.Deltas, 2)
			assert.Equal(t, dump(t, db), dump(t, restored))
		})
	}
}

// TestBackupDeltaCarriesDefinitionsAndAutoKeys changes only an index or only
// the auto-key counter between backups: each change alone produces a delta,
// and the restore has it.
func TestBackupDeltaCarriesDefinitionsAndAutoKeys(t *testing.T) {
	for _, format := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		t.Run(format.String(), func(t *testing.T) {
			db, users := newBackupDB(t)
			dir := t.TempDir()
			m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, Format: format}, newFakeClock()))
			require.NoError(t, err)
			require.NoError(t, m.BackupNow())
			check := func(what string, deltas int) {
				t.Helper()
				require.NoError(t, m.BackupNow())
				require.Len(t, backupFiles(t, dir, "dictdb_delta_"), deltas, "%s alone gives a delta", what)
				restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
				require.NoError(t, err)
				require.Equal(t, dump(t, db), dump(t, restored), what)
			}

			require.NoError(t, users.CreateIndex("age", dictdb.HashIndex, dictdb.Unique()))
			check("a new unique index", 1)
			restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
			require.NoError(t, err)
			r, err := restored.Table("users")
			require.NoError(t, err)
			_, err = r.Insert(dictdb.Record{"name": "dup age", "age": 100})
			require.ErrorIs(t, err, dictdb.ErrDuplicateKey, "the restored unique index rejects what the live one rejects")

			k, err := users.Insert(dictdb.Record{"name": "temp", "age": 7})
			require.NoError(t, err)
			_, err = users.Delete(cond.Field("id").Eq(k))
			require.NoError(t, err)
			check("auto keys handed out, rows deleted", 2)

			require.NoError(t, users.DropIndex("age"))
			require.NoError(t, users.CreateIndex("age", dictdb.SortedIndex))
			check("an index redefined", 3)

			require.NoError(t, db.DropTable("users"))
			_, err = db.CreateTable("users", dictdb.PrimaryKey("code"), dictdb.WithSchema(dictdb.Col("v", dictdb.Float)))
			require.NoError(t, err)
			check("a table re-created with another schema", 4)

			_, err = db.CreateTable("empty")
			require.NoError(t, err)
			check("an empty table created", 5)
			require.NoError(t, db.DropTable("empty"))
			check("an empty table dropped", 6)
		})
	}
}

// TestBinaryBackupDeltasKeepValueKinds backs up values JSON cannot hold in
// a delta of a binary manager: they come back exactly.
func TestBinaryBackupDeltasKeepValueKinds(t *testing.T) {
	db := dictdb.New()
	tb, err := db.CreateTable("t")
	require.NoError(t, err)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, Format: dictdb.Binary}, newFakeClock()))
	require.NoError(t, err)
	require.NoError(t, m.BackupNow())
	rec := dictdb.Record{
		"when":  time.Date(2024, 2, 29, 13, 14, 15, 123456789, time.UTC),
		"blob":  []byte{0, 1, 0xff, 'x'},
		"bad":   "a\xffb\xc0",
		"float": 2.0,
		"int":   2,
		"deep":  map[string]any{"t": time.Unix(5, 6).UTC(), "l": []any{[]byte("z"), "\xfe"}},
	}
	k, err := tb.Insert(rec)
	require.NoError(t, err)
	require.NoError(t, m.BackupNow())
	require.Len(t, backupFiles(t, dir, "dictdb_delta_"), 1)

	restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	r, err := restored.Table("t")
	require.NoError(t, err)
	got, ok := r.Get(k)
	require.True(t, ok)
	want, _ := tb.Get(k)
	assert.Equal(t, want, got)
	assert.IsType(t, time.Time{}, got["when"])
	assert.IsType(t, []byte{}, got["blob"])
	assert.Equal(t, "a\xffb\xc0", got["bad"])
	assert.IsType(t, float64(0), got["float"])
	assert.Equal(t, dump(t, db), dump(t, restored))
}

// TestJSONBackupDeltaKeepsPythonLayout reads a JSON manager's delta as the
// Python DictDB's apply_delta does: "type", then per table "upserts" (whole
// records) and "deletes" (keys).
func TestJSONBackupDeltaKeepsPythonLayout(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true}, newFakeClock()))
	require.NoError(t, err)
	require.NoError(t, m.BackupNow())
	_, err = users.Insert(dictdb.Record{"name": "B", "age": 2})
	require.NoError(t, err)
	_, err = users.Delete(cond.Field("id").Eq(1))
	require.NoError(t, err)
	require.NoError(t, users.CreateIndex("age", dictdb.SortedIndex))
	require.NoError(t, m.BackupNow())
	deltas := backupFiles(t, dir, "dictdb_delta_")
	require.Len(t, deltas, 1)
	raw, err := os.ReadFile(filepath.Join(dir, deltas[0]))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(raw), "{\n  \"type\": \"delta\",\n  \"timestamp\": "), "the Python layout's first lines")
	var doc struct {
		Type   string
		Tables map[string]struct {
			Upserts []map[string]any
			Deletes []any
		}
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Equal(t, "delta", doc.Type)
	assert.Equal(t, []map[string]any{{"id": 2.0, "name": "B", "age": 2.0}}, doc.Tables["users"].Upserts)
	assert.Equal(t, []any{1.0}, doc.Tables["users"].Deletes)
}

// TestBackupCallbackPanicIsContained panics in OnBackup: the panic is
// reported as a failure and the manager's goroutine keeps backing up.
func TestBackupCallbackPanicIsContained(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	clock := newFakeClock()
	done := make(chan dictdb.BackupResult, 10)
	failed := make(chan error, 10)
	calls := 0
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{
		Interval: time.Minute, Incremental: true,
		OnBackup: func(r dictdb.BackupResult) {
			calls++
			if calls <= 2 {
				panic("callback bug")
			}
			done <- r
		},
		OnFailure: func(err error, n int) { failed <- err },
	}, clock))
	require.NoError(t, err)
	err = m.BackupNow() // on the caller's goroutine
	require.Error(t, err)
	assert.Contains(t, err.Error(), "callback bug")
	assert.Equal(t, 1, m.ConsecutiveFailures())
	require.Error(t, <-failed)

	require.NoError(t, m.Start())
	defer m.Stop()
	_, err = users.Insert(dictdb.Record{"name": "w", "age": 1})
	require.NoError(t, err)
	clock.awaitTimers(1)
	clock.Advance(time.Minute) // the manager's goroutine: panics again, survives
	select {
	case err := <-failed:
		assert.Contains(t, err.Error(), "callback bug")
	case <-time.After(time.Minute):
		t.Fatal("no failure reported: the manager's goroutine hangs or died")
	}
	_, err = users.Insert(dictdb.Record{"name": "x", "age": 1})
	require.NoError(t, err)
	clock.awaitTimers(1)
	clock.Advance(time.Minute)
	select {
	case r := <-done:
		assert.Equal(t, db.Seq(), r.Seq)
	case <-time.After(time.Minute):
		t.Fatal("no backup after the panics: the manager stopped working")
	}
	assert.Equal(t, 0, m.ConsecutiveFailures())
	restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.NoError(t, err)
	assert.Equal(t, dump(t, db), dump(t, restored))
}

// randomOp applies one random change to db and returns its description.
func randomOp(t *testing.T, rng *rand.Rand, db *dictdb.DB, step int, exact bool) string {
	t.Helper()
	names := db.TableNames()
	if len(names) == 0 || rng.IntN(12) == 0 {
		name := fmt.Sprint("t", step, "_", rng.IntN(1e6))
		var opts []dictdb.TableOption
		if rng.IntN(2) == 0 {
			opts = append(opts, dictdb.PrimaryKey("code"))
		}
		if rng.IntN(3) == 0 {
			opts = append(opts, dictdb.WithSchema(dictdb.Col("a", dictdb.Int), dictdb.Col("b", dictdb.Str)))
		}
		if rng.IntN(4) == 0 && len(names) > 0 {
			name = names[rng.IntN(len(names))] // drop and re-create under the same name
			require.NoError(t, db.DropTable(name))
		}
		_, err := db.CreateTable(name, opts...)
		require.NoError(t, err)
		return "create " + name
	}
	name := names[rng.IntN(len(names))]
	tb, err := db.Table(name)
	require.NoError(t, err)
	pk := tb.PrimaryKey()
	schema := len(tb.SchemaFields()) > 0
	record := func() dictdb.Record {
		r := dictdb.Record{"a": rng.IntN(20), "b": fmt.Sprint("s", rng.IntN(20))}
		if !schema {
			switch rng.IntN(6) {
			case 0:
				r["c"] = float64(rng.IntN(8)) / 2
			case 1:
				r["c"] = []any{rng.IntN(3), "x", map[string]any{"k": true}}
			case 2:
				delete(r, "b")
			case 3:
				if exact {
					r["c"] = []byte{byte(rng.IntN(256)), 0}
				} else {
					r["c"] = nil
				}
			case 4:
				if exact {
					r["c"] = time.Unix(int64(rng.IntN(1e9)), int64(rng.IntN(1e9))).UTC()
				} else {
					r["c"] = "é€"
				}
			}
		}
		if pk == "code" {
			r["code"] = fmt.Sprint("k", rng.IntN(30))
		}
		return r
	}
	switch op := rng.IntN(11); op {
	case 0, 1, 2:
		_, err := tb.Insert(record())
		if err != nil {
			return "insert rejected"
		}
		return "insert into " + name
	case 3:
		if _, err := tb.Update(dictdb.Record{"a": rng.IntN(20)}, cond.Field("a").Lt(rng.IntN(20))); err != nil {
			return "update rejected"
		}
		return "update " + name
	case 4:
		if _, err := tb.Delete(cond.Field("a").Gt(rng.IntN(25))); err != nil {
			require.ErrorIs(t, err, dictdb.ErrNotFound)
		}
		return "delete from " + name
	case 5:
		if pk != "id" {
			return "nothing"
		}
		for range 1 + rng.IntN(3) { // auto keys consumed, then the rows deleted
			k, err := tb.Insert(record())
			if err == nil {
				_, err = tb.Delete(cond.Field("id").Eq(k))
				require.NoError(t, err)
			}
		}
		return "auto keys consumed in " + name
	case 6, 7:
		field := []string{"a", "b"}[rng.IntN(2)]
		kind := []dictdb.IndexKind{dictdb.HashIndex, dictdb.SortedIndex}[rng.IntN(2)]
		var opts []dictdb.IndexOption
		if rng.IntN(2) == 0 {
			opts = append(opts, dictdb.Unique())
		}
		if tb.HasIndex(field) && rng.IntN(2) == 0 {
			require.NoError(t, tb.DropIndex(field))
			return "drop index " + name + "." + field
		}
		if err := tb.CreateIndex(field, kind, opts...); err != nil {
			return "create index rejected"
		}
		return "create index " + name + "." + field
	case 8:
		if len(names) > 1 {
			require.NoError(t, db.DropTable(name))
			return "drop " + name
		}
		return "nothing"
	case 9:
		_, _, err := tb.Upsert(record(), dictdb.OnConflictUpdate)
		if err != nil {
			return "upsert rejected"
		}
		return "upsert " + name
	default:
		return "nothing"
	}
}

// TestBackupChainModel runs random changes (rows, tables, indexes, auto
// keys) interleaved with backups, records the live database's dump after
// each backup, then restores the directory as it stood after every backup
// and compares: every point of the chain restores exactly.
func TestBackupChainModel(t *testing.T) {
	for _, format := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		t.Run(format.String(), func(t *testing.T) {
			seed := testseed.Seed(t)
			rng := rand.New(rand.NewPCG(seed, 14))
			db := dictdb.New()
			dir := t.TempDir()
			m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{
				Incremental: true, MaxDeltas: 1 + rng.IntN(6), Format: format,
			}, newFakeClock()))
			require.NoError(t, err)
			seen := map[string]bool{}
			var files []string
			want := map[string][]byte{}
			var log []string
			for step := range 120 {
				for range 1 + rng.IntN(3) {
					log = append(log, randomOp(t, rng, db, step, format == dictdb.Binary))
				}
				require.NoError(t, m.BackupNow())
				written := newFiles(t, dir, seen)
				require.LessOrEqual(t, len(written), 1)
				if len(written) == 1 {
					files = append(files, written[0])
					want[written[0]] = dump(t, db)
					log = append(log, "backup "+written[0])
				} else {
					require.NotEmpty(t, files)
					require.Equal(t, want[files[len(files)-1]], dump(t, db), "no file written, so nothing changed; ops: %v", log[max(0, len(log)-5):])
				}
			}
			for i, f := range files {
				restored, info, err := restorePoint(t, dir, files, i)
				require.NoError(t, err, "point %d (%s)", i, f)
				require.Equal(t, want[f], dump(t, restored), "point %d (%s): %s + %v", i, f, info.Full, info.Deltas)
			}
		})
	}
}

// TestBackupCorruptionNeverRestoresWrongData flips one byte at a time, at
// spread positions of every full and delta file: each restore either fails
// or returns exactly the state of the point it reports.
func TestBackupCorruptionNeverRestoresWrongData(t *testing.T) {
	for _, format := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		t.Run(format.String(), func(t *testing.T) {
			seed := testseed.Seed(t)
			rng := rand.New(rand.NewPCG(seed, 300))
			db, users := newBackupDB(t)
			dir := t.TempDir()
			m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, MaxDeltas: 3, Format: format}, newFakeClock()))
			require.NoError(t, err)
			seen := map[string]bool{}
			var files []string
			want := map[string][]byte{}
			for i := range 6 {
				for j := range 3 {
					_, err := users.Insert(dictdb.Record{"name": fmt.Sprint("n", i, j), "age": 10*i + j})
					require.NoError(t, err)
				}
				_, err = users.Update(dictdb.Record{"age": 99}, cond.Field("age").Eq(10*i))
				require.NoError(t, err)
				if i > 0 {
					_, err = users.Delete(cond.Field("age").Eq(10*(i-1) + 1))
					require.NoError(t, err)
				}
				require.NoError(t, m.BackupNow())
				written := newFiles(t, dir, seen)
				require.Len(t, written, 1)
				files = append(files, written[0])
				want[written[0]] = dump(t, db)
			}
			require.Len(t, backupFiles(t, dir, "dictdb_backup_"), 2)

			contents := map[string][]byte{}
			for _, f := range files {
				b, err := os.ReadFile(filepath.Join(dir, f))
				require.NoError(t, err)
				contents[f] = b
			}
			flips, errorsSeen, exact, older := 0, 0, 0, 0
			for _, f := range files {
				orig := contents[f]
				positions := 60
				for p := range positions {
					at := p * len(orig) / positions
					if p > 0 {
						at += rng.IntN(max(1, len(orig)/positions))
					}
					at = min(at, len(orig)-1)
					damaged := slices.Clone(orig)
					damaged[at] ^= byte(1 + rng.IntN(255))
					require.NoError(t, os.WriteFile(filepath.Join(dir, f), damaged, 0o644))
					for _, newest := range []bool{false, true} {
						flips++
						restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{NewestConsistent: newest})
						if err != nil {
							errorsSeen++
							continue
						}
						point := info.Full
						if len(info.Deltas) > 0 {
							point = info.Deltas[len(info.Deltas)-1]
						}
						require.Contains(t, want, point)
						require.Equal(t, want[point], dump(t, restored),
							"silent wrong restore: byte %d of %s flipped; restored %s + %v", at, f, info.Full, info.Deltas)
						if point == files[len(files)-1] {
							exact++
						} else {
							older++
							require.True(t, newest, "a strict restore returns the newest point or fails (byte %d of %s)", at, f)
						}
					}
				}
				require.NoError(t, os.WriteFile(filepath.Join(dir, f), orig, 0o644))
			}
			t.Logf("%d restores of damaged directories: %d errors, %d newest point, %d older verified point", flips, errorsSeen, exact, older)
			require.GreaterOrEqual(t, flips/2, 300)
		})
	}
}

// TestRestoreNewestConsistentFallsBackToAnOlderFull damages the newest full
// backup: with NewestConsistent the restore falls back to the older full
// backup and its deltas, and says which files it skipped and why.
func TestRestoreNewestConsistentFallsBackToAnOlderFull(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, MaxDeltas: 2, Keep: 2}, newFakeClock()))
	require.NoError(t, err)
	seen := map[string]bool{}
	var files []string
	want := map[string][]byte{}
	for i := range 5 { // full, delta, delta, full, delta
		_, err := users.Insert(dictdb.Record{"name": fmt.Sprint("n", i), "age": i})
		require.NoError(t, err)
		require.NoError(t, m.BackupNow())
		f := newFiles(t, dir, seen)
		require.Len(t, f, 1)
		files = append(files, f[0])
		want[f[0]] = dump(t, db)
	}
	newestFull := files[3]
	require.True(t, strings.HasPrefix(newestFull, "dictdb_backup_"))
	path := filepath.Join(dir, newestFull)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[len(b)/2] ^= 0x20
	require.NoError(t, os.WriteFile(path, b, 0o644))

	_, _, err = dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.ErrorIs(t, err, dictdb.ErrBackupChain, "a strict restore fails")

	restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{NewestConsistent: true})
	require.NoError(t, err)
	assert.Equal(t, files[0], info.Full)
	assert.Equal(t, files[1:3], info.Deltas)
	assert.Equal(t, want[files[2]], dump(t, restored), "the newest point that verifies")
	require.Error(t, info.Problem)
	skipped := map[string]error{}
	for _, s := range info.Skipped {
		skipped[s.Name] = s.Err
	}
	require.Contains(t, skipped, newestFull)
	require.ErrorIs(t, skipped[newestFull], dictdb.ErrCorrupt)
	require.Contains(t, skipped, files[4], "the delta on the damaged full")
	assert.Contains(t, skipped[files[4]].Error(), newestFull)
}

// TestRestoreUpTo restores each point of a chain by name.
func TestRestoreUpTo(t *testing.T) {
	for _, format := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		t.Run(format.String(), func(t *testing.T) {
			db, users := newBackupDB(t)
			dir := t.TempDir()
			m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, MaxDeltas: 2, Format: format}, newFakeClock()))
			require.NoError(t, err)
			seen := map[string]bool{}
			var files []string
			want := map[string][]byte{}
			for i := range 5 {
				_, err := users.Insert(dictdb.Record{"name": fmt.Sprint("n", i), "age": i})
				require.NoError(t, err)
				require.NoError(t, m.BackupNow())
				f := newFiles(t, dir, seen)
				require.Len(t, f, 1)
				files = append(files, f[0])
				want[f[0]] = dump(t, db)
			}
			for _, f := range files {
				restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{UpTo: f})
				require.NoError(t, err, f)
				assert.Equal(t, want[f], dump(t, restored), f)
				assert.Empty(t, info.Skipped)
			}
			_, _, err = dictdb.RestoreBackup(dir, dictdb.RestoreOptions{UpTo: "dictdb_delta_1_000000.json"})
			require.ErrorIs(t, err, dictdb.ErrBackupChain)
		})
	}
}

// TestBackupFilesStayReadable checks that a JSON manager's files are JSON
// documents that Load (and so the Python DictDB) reads, footer and all.
func TestBackupFilesStayReadable(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true}, newFakeClock()))
	require.NoError(t, err)
	require.NoError(t, m.BackupNow())
	_, err = users.Insert(dictdb.Record{"name": "B", "age": 2})
	require.NoError(t, err)
	require.NoError(t, m.BackupNow())
	for _, f := range backupFiles(t, dir, "dictdb_") {
		raw, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(raw, &doc), f)
		footer, ok := doc["dictdb_backup"].(map[string]any)
		require.True(t, ok, "%s has its footer as the last key", f)
		assert.Len(t, footer["sha256"], 64)
	}
	full := backupFiles(t, dir, "dictdb_backup_")
	require.Len(t, full, 1)
	loaded, err := dictdb.Load(filepath.Join(dir, full[0]), dictdb.Auto)
	require.NoError(t, err)
	lt, err := loaded.Table("users")
	require.NoError(t, err)
	assert.Equal(t, 1, lt.Count())
}

// TestRestoreUnverifiedDirectory restores a directory written by the Python
// DictDB (no footers): only when asked to.
func TestRestoreUnverifiedDirectory(t *testing.T) {
	dir := t.TempDir()
	db := dictdb.New()
	users, err := db.CreateTable("users")
	require.NoError(t, err)
	_, err = users.Insert(dictdb.Record{"name": "Alice"})
	require.NoError(t, err)
	require.NoError(t, db.Save(filepath.Join(dir, "dictdb_backup_1706123456_789012.json"), dictdb.JSON, dictdb.PythonCompatible()))
	delta := `{
  "type": "delta",
  "timestamp": 1706123457.0,
  "tables": {
    "users": {
      "upserts": [
        {"id": 2, "name": "Bob"}
      ],
      "deletes": []
    }
  }
}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dictdb_delta_1706123457_000000.json"), []byte(delta), 0o644))

	_, _, err = dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.ErrorIs(t, err, dictdb.ErrBackupChain, "unverified files are not restored silently")
	restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{AllowUnverified: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"dictdb_delta_1706123457_000000.json"}, info.Deltas)
	r, err := restored.Table("users")
	require.NoError(t, err)
	assert.Equal(t, 2, r.Count())
}

// TestBackupRetentionKeepsUnidentifiedFiles puts a file with a backup's
// name but no valid footer in the directory: retention never removes what
// it cannot identify, NewestConsistent reports it, a strict restore refuses.
func TestBackupRetentionKeepsUnidentifiedFiles(t *testing.T) {
	db, users := newBackupDB(t)
	dir := t.TempDir()
	stray := "dictdb_backup_1000000000_000000.json"
	require.NoError(t, os.WriteFile(filepath.Join(dir, stray), []byte(`{"tables": {}}`), 0o644))
	other := "dictdb_backup_notes.txt"
	require.NoError(t, os.WriteFile(filepath.Join(dir, other), []byte("mine"), 0o644))
	m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Keep: 1}, newFakeClock()))
	require.NoError(t, err)
	for i := range 3 {
		_, err := users.Insert(dictdb.Record{"name": fmt.Sprint("n", i), "age": i})
		require.NoError(t, err)
		require.NoError(t, m.BackupNow())
	}
	assert.FileExists(t, filepath.Join(dir, stray))
	assert.FileExists(t, filepath.Join(dir, other))
	assert.Len(t, backupFiles(t, dir, "dictdb_backup_1700"), 1)

	_, _, err = dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
	require.ErrorIs(t, err, dictdb.ErrBackupChain)
	assert.Contains(t, err.Error(), stray)
	restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{NewestConsistent: true})
	require.NoError(t, err)
	assert.Equal(t, dump(t, db), dump(t, restored))
	require.Len(t, info.Skipped, 1)
	assert.Equal(t, stray, info.Skipped[0].Name)
	require.ErrorIs(t, info.Skipped[0].Err, dictdb.ErrCorrupt)
}

// TestBackupOfAnEmptyDatabase backs up and restores a database without
// tables, then one whose only table is dropped.
func TestBackupOfAnEmptyDatabase(t *testing.T) {
	for _, format := range []dictdb.Format{dictdb.JSON, dictdb.Binary} {
		t.Run(format.String(), func(t *testing.T) {
			db := dictdb.New()
			dir := t.TempDir()
			m, err := dictdb.NewBackupManager(db, dir, dictdb.WithClock(dictdb.BackupOptions{Incremental: true, Format: format}, newFakeClock()))
			require.NoError(t, err)
			require.NoError(t, m.BackupNow())
			restored, _, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
			require.NoError(t, err)
			assert.Empty(t, restored.TableNames())
			_, err = db.CreateTable("t")
			require.NoError(t, err)
			require.NoError(t, m.BackupNow())
			require.NoError(t, db.DropTable("t"))
			require.NoError(t, m.BackupNow())
			restored, info, err := dictdb.RestoreBackup(dir, dictdb.RestoreOptions{})
			require.NoError(t, err)
			assert.Len(t, info.Deltas, 2)
			assert.Empty(t, restored.TableNames())
		})
	}
}
