// Package fuzz is the differential and metamorphic fuzzing harness of
// dictdb. It holds no library code; everything runs from its tests.
//
// # What is checked
//
// Decode turns any byte string into a valid program of at most MaxOps
// operations over three tables: create and drop table, insert, insert
// many, upsert under each conflict policy, update, delete, get, count,
// counts and selects with random conditions (every cond operator, LIKE
// escapes, And/Or/Not, invalid conditions), orderings, limits, offsets,
// projections and distinct, create and drop of hash, sorted and unique
// indexes, snapshots read later, restore, transactions that commit or roll
// back, aggregations (Count, CountOf, Sum, Avg, Min, Max, GroupBy), save
// and load round trips in JSON and binary (persist.go), and the table
// listing and columns. Values come from a small,
// collision-rich domain (small ints, whole and x.5 floats, a few strings
// with case and LIKE metacharacters, nil, bools, short lists and maps) and
// keys from a small range, so duplicates, misses and error paths are common.
//
// Run executes a program against a DB: the real database behind the Real
// adapter, or Model, a reference implementation of the documented semantics
// written with plain maps, slices, linear scans, a naive sort, a direct
// interpreter of the cond tree and LIKE through regular expressions. The
// model shares only codec.Compare and codec.Equal with the library. Each
// operation records its result and its error class (the sentinel it wraps),
// one line per operation; histories must match line for line.
//
//   - FuzzOps compares the database with the model.
//   - FuzzMetamorphic runs one program (without its index operations) under
//     several configurations that must not change any result: hash, sorted
//     and mixed indexes on every field, a snapshot after every N operations
//     (each held snapshot must keep reading what it read when taken), and a
//     save/load round trip every N operations.
//   - Every program ends with the probes (Probes): a table of 24 random
//     rows and a query per strategy of the query planner, so that the
//     strategies that pay off only on tables larger than the programs
//     build (top-k selection, Distinct with paging, primary-key ranges
//     over many keys) run in every program.
//   - TestRandomPrograms runs 200 random programs (40 with -short) through
//     both checks on every go test, and fails if some planner strategy
//     never ran (counted from Explain). The seed is logged; DICTDB_SEED
//     reproduces a run and DICTDB_PROGRAMS changes the count.
//   - bugs_test.go holds minimal reproductions of the bugs found.
//
// The committed corpora in testdata/fuzz run as regression tests with a
// plain go test ./fuzz.
//
// # Fuzzing for hours
//
//	go test -run '^$' -fuzz '^FuzzOps$' -fuzztime 4h ./fuzz
//	go test -run '^$' -fuzz '^FuzzMetamorphic$' -fuzztime 4h ./fuzz
//
// Add -tags invariants to have the library check its internal invariants
// after every write. New interesting inputs accumulate in the Go build
// cache (go env GOCACHE, under fuzz/); copy the ones worth keeping into
// testdata/fuzz/<target>/. -fuzzminimizetime 5s shortens the pauses spent
// minimizing new inputs (programs of up to 600 bytes minimize slowly).
//
// # Reproducing a failure
//
// A failing input is written to testdata/fuzz/<target>/<hash>. Rerun it
// alone with
//
//	go test -run 'FuzzOps/<hash>' ./fuzz
//
// The failure message shows the first differing history line with the
// lines before it, and the whole program, one operation per line;
//
//	DICTDB_ENTRY=testdata/fuzz/FuzzOps/<hash> go test -run TestPrintEntry -v ./fuzz
//
// prints any entry's program and model history. Give the
// entry a descriptive name, decide from the documentation whether the model or the
// library is wrong, and add a minimal reproduction to bugs_test.go.
package fuzz
