// Package mvcc publishes immutable versions of named tables through one
// atomic root and serializes writers per table. It knows nothing of records:
// a table version is any immutable value T.
//
// # Guarantees
//
// A Root is immutable: a commit sequence number and the current version of
// every table. Store.Load is one atomic load; it never blocks and is never
// blocked, so readers take no lock at all.
//
// Writers lock the tables they name, in sorted order (so two writers can
// never deadlock), build new versions privately, and publish them with one
// compare-and-swap of the root: the linearization point of every write. If
// the swap fails because a writer of another table committed first, only the
// root is re-assembled: the locked tables cannot have changed. Writers of
// different tables never wait for each other.
//
// A write whose function returns an error or panics publishes nothing.
//
// A store made by NewAt with a Committer (a write-ahead log, a change feed)
// orders every commit through it and shows a commit to readers only once
// the Committer's Wait returned: Load never returns a commit a log could
// still lose. Writers then build on the head, the latest commit, which may
// be ahead of what Load returns; the next writer of a table does not wait
// for the previous commit's Wait, so a log shares one fsync among many
// commits (see Committer).
//
// Transact is the write for a function the store does not control. While it
// runs, a write from its goroutine (Write, Transact or Replace) that needs a
// lock the transaction holds fails at once with ErrReentrantWrite instead of
// waiting for itself; a goroutine's identity is read from its stack only
// when a lock held by a running transaction is contended, so uncontended
// writes pay one atomic load for it.
//
// # Lifetimes
//
// A Root and the versions it holds stay valid for as long as anyone refers
// to them, and become garbage once no one does.
package mvcc
