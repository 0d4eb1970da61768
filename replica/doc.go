// Package replica replicates a dictdb database with hashicorp/raft: raft
// replicates commands, and every node applies them to its own in-memory
// dictdb.DB, its state machine (FSM). It is a separate module, so that the
// dictdb library does not depend on raft.
//
// # Guarantees
//
//   - Every node applies the same committed commands in the same order and
//     reaches the same database, byte for byte in dictdb's binary format:
//     commands carry logical changes with every value kind exact (int64 and
//     float64, string and []byte, times to the nanosecond), and hold nothing
//     that depends on the node or the clock. Auto keys are computed on apply
//     from the replicated state (the largest integer key ever held plus one),
//     so every node assigns the same ones.
//   - A write returns once it is committed and applied on the node that
//     proposed it, with that node's result and the error the local API
//     gives: a write rejected on apply (a unique-index violation, a schema
//     error, a failed Check) is rejected alike on every node and changes
//     nothing anywhere. errors.Is matches dictdb's sentinels on it.
//   - A batch (Node.Batch) is applied on every node as one transaction:
//     all of its operations or none; its Checks are conditions read inside
//     the transaction.
//   - A follower refuses writes with a *NotLeaderError naming the leader
//     (nothing is proposed). A write whose outcome the node cannot know
//     (leadership lost while it was in flight) fails with ErrUnknownOutcome.
//   - Raft snapshots are O(1) database snapshots (DB.Snapshot); Persist
//     streams them in the binary format while Apply keeps committing, and
//     Restore replaces the database atomically and exactly
//     (DB.RestoreExact), auto keys included.
//   - Reads are local by default: a follower's state lags the leader by the
//     entries it has not applied yet (normally a round trip; without bound
//     while it is cut off from the leader), and never goes backwards.
//     Node.LinearizableSnapshot, served by the leader, commits a barrier
//     first and reflects every write acknowledged before the call.
//
// # Setup
//
// OpenTCP starts a node over raft's TCP transport with its raft log in
// raft-boltdb (raft-boltdb/v2) and snapshots in files; NewInmemCluster
// starts a cluster in one process over raft's in-memory transport, for
// tests. NewNode takes any raft stores and transport.
//
// The module builds with hashicorp/raft v1.7.3: raft v1.8.0 needs
// go-metrics v0.7.0, which dropped the go-metrics/compat package that
// raft-boltdb/v2 v2.3.1 imports, so the two latest releases do not build
// together.
package replica
