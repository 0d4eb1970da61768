package dictdb

import (
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/cond"
	"github.com/dictdb-go/dictdb/internal/testhook"
)

// parkWriters makes every write to table park mid-commit (after validation,
// before publication) until release is closed; parked receives one value per
// parked write.
func parkWriters(db *DB, table string) (parked chan struct{}, release chan struct{}) {
	parked, release = make(chan struct{}, 16), make(chan struct{})
	testhook.SetBeforePublish(db.store, func(names []string) {
		if slices.Contains(names, table) {
			parked <- struct{}{}
			<-release
		}
	})
	return parked, release
}

func TestReadersNeverWaitForAParkedWriter(t *testing.T) {
	db := New()
	users, err := db.CreateTable("users")
	require.NoError(t, err)
	_, err = users.Insert(Record{"name": "Alice"})
	require.NoError(t, err)

	parked, release := parkWriters(db, "users")
	done := make(chan error)
	go func() {
		_, err := users.Insert(Record{"name": "Bob"})
		done <- err
	}()
	<-parked // the writer holds the users lock, mid-commit

	// Every read completes while the writer is parked; a read that waited
	// for the writer would deadlock this test.
	assert.Equal(t, 1, users.Count())
	rec, ok := users.Get(1)
	assert.True(t, ok)
	assert.Equal(t, "Alice", rec["name"])
	rows, err := users.Select(Query{Where: cond.Field("name").StartsWith("B")})
	require.NoError(t, err)
	assert.Empty(t, rows, "the parked write is not visible")
	snap := db.Snapshot()
	view, err := snap.Table("users")
	require.NoError(t, err)
	assert.Equal(t, 1, view.Count())

	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, 2, users.Count())
}

func TestWritersOfDifferentTablesDoNotWait(t *testing.T) {
	db := New()
	users, _ := db.CreateTable("users")
	events, _ := db.CreateTable("events")

	parked, release := parkWriters(db, "users")
	done := make(chan error)
	go func() {
		_, err := users.Insert(Record{"name": "Bob"})
		done <- err
	}()
	<-parked
	// The users writer holds its lock; an events writer must not wait.
	_, err := events.Insert(Record{"action": "login"})
	require.NoError(t, err)
	assert.Equal(t, 1, events.Count())

	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, 1, users.Count())
	assert.Equal(t, 1, events.Count(), "the events commit survived the users commit's root re-assembly")
}

func TestFailedWritesPublishNothing(t *testing.T) {
	db := New()
	tb, err := db.CreateTable("t", WithSchema(Col("name", Str), Col("age", Int)))
	require.NoError(t, err)
	_, err = tb.InsertMany([]Record{{"name": "A", "age": 1}, {"name": "B", "age": 2}})
	require.NoError(t, err)

	failures := map[string]func() error{
		"InsertMany with a schema violation in the middle": func() error {
			_, err := tb.InsertMany([]Record{{"name": "C", "age": 3}, {"name": "D", "age": "x"}, {"name": "E", "age": 5}})
			return err
		},
		"Update failing on the second of two rows": func() error {
			// Setting id 1 is fine for row 1 and a key change for row 2.
			_, err := tb.Update(Record{"id": 1, "age": 7}, nil)
			return err
		},
		"Upsert failing validation": func() error {
			_, _, err := tb.Upsert(Record{"id": 2, "age": "old"}, OnConflictUpdate)
			return err
		},
		"Insert duplicate": func() error {
			_, err := tb.Insert(Record{"id": 1, "name": "Z", "age": 9})
			return err
		},
		"Update of a field outside the schema, matching nothing": func() error {
			_, err := tb.Update(Record{"agee": 3}, cond.Field("age").Gt(100))
			return err
		},
		"Delete with a condition on a field outside the schema": func() error {
			_, err := tb.Delete(cond.Field("agee").Gt(100))
			return err
		},
	}
	for name, fail := range failures {
		t.Run(name, func(t *testing.T) {
			before := db.store.Load()
			version, _ := before.Table("t")
			require.Error(t, fail())
			after := db.store.Load()
			assert.Same(t, before, after, "the root is pointer-identical")
			v2, _ := after.Table("t")
			assert.Same(t, version, v2, "the table version is pointer-identical")
		})
	}
	// Writes that match nothing succeed with a count of 0 and publish
	// nothing either.
	noops := map[string]func() (int, error){
		"Update matching nothing": func() (int, error) {
			return tb.Update(Record{"age": 3}, cond.Field("age").Gt(100))
		},
		"Delete matching nothing": func() (int, error) {
			return tb.Delete(cond.Field("age").Gt(100))
		},
	}
	for name, noop := range noops {
		t.Run(name, func(t *testing.T) {
			before := db.store.Load()
			n, err := noop()
			require.NoError(t, err)
			assert.Equal(t, 0, n)
			assert.Same(t, before, db.store.Load(), "the root is pointer-identical")
		})
	}
}

func TestConcurrentSameKeyInsertsExactlyOneWins(t *testing.T) {
	db := New()
	tb, _ := db.CreateTable("t")
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	start := make(chan struct{})
	for range 20 {
		wg.Go(func() {
			<-start
			_, err := tb.Insert(Record{"id": 7, "v": 1})
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	ok, dup := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case isErr(err, ErrDuplicateKey):
			dup++
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	assert.Equal(t, 1, ok)
	assert.Equal(t, 19, dup)
}

func TestConcurrentAutoKeysAreUnique(t *testing.T) {
	db := New()
	tb, _ := db.CreateTable("t")
	var wg sync.WaitGroup
	keys := make(chan any, 1000)
	for range 10 {
		wg.Go(func() {
			for range 100 {
				k, err := tb.Insert(Record{"v": 1})
				if err != nil {
					t.Error(err)
					return
				}
				keys <- k
			}
		})
	}
	wg.Wait()
	close(keys)
	seen := map[any]bool{}
	for k := range keys {
		assert.False(t, seen[k], "key %v handed out twice", k)
		seen[k] = true
	}
	assert.Len(t, seen, 1000)
	assert.Equal(t, 1000, tb.Count())
}

func TestConcurrentDeletesOfOneRowExactlyOneWins(t *testing.T) {
	db := New()
	tb, _ := db.CreateTable("t")
	_, err := tb.Insert(Record{"id": 1})
	require.NoError(t, err)
	var wg sync.WaitGroup
	results := make(chan int, 20)
	start := make(chan struct{})
	for range 20 {
		wg.Go(func() {
			<-start
			n, err := tb.Delete(cond.Field("id").Eq(1))
			if err != nil {
				t.Error(err)
			}
			results <- n
		})
	}
	close(start)
	wg.Wait()
	close(results)
	total, winners := 0, 0
	for n := range results {
		total += n
		if n == 1 {
			winners++
		}
	}
	assert.Equal(t, 1, winners)
	assert.Equal(t, 1, total)
}
