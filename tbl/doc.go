// Package tbl holds one immutable version of a table (its rows in
// primary-key order, its secondary indexes, its schema and its next auto
// key) and the pure functions over it.
//
// # Guarantees
//
// A *Table never changes once built. Insert, InsertMany, Upsert, Update,
// Delete, CreateIndex, DropIndex and ApplyDelta return a new version that
// shares most of its structure with the receiver, or the receiver itself and
// an error: a failed write builds nothing that anyone can see, so rolling
// back is free. Every write validates before it returns: schemas, key
// kinds, duplicate keys and unique indexes, all checked against the version
// being built, so a batch is all or nothing.
//
// Queries (Select, Count, Aggregate, Explain) go through a planner that
// narrows a conjunction to the cheapest index or key range and applies the
// rest of the condition to every candidate: an index can change a query's
// speed, never its result. Without an ordering, rows come in primary-key
// order.
//
// # Concurrency
//
// Any number of goroutines may read a *Table at once without locks. Writes
// are pure, so building versions needs no lock either; publishing them is
// the job of package mvcc.
//
// # Lifetimes
//
// Rows returned (Row values) are handles shared with every version holding
// them and stay valid forever. Nothing this package hands out is stored
// memory: a Row's accessors return scalars as stored and lists, maps and
// byte slices as deep copies, and so do Aggregate results, index reads and
// the values errors carry, so no caller can change a version. With the
// invariants build tag every new version is checked in full (rows, keys,
// schema, every index entry) before it is returned.
package tbl
