package replica

import (
	"errors"
	"fmt"
)

var (
	// ErrNotLeader is returned by writes and linearizable reads on a node
	// that is not the leader, wrapped in a *NotLeaderError that names the
	// leader's address when the node knows it.
	ErrNotLeader = errors.New("not the leader")
	// ErrBadCommand is returned when a replicated command cannot be
	// decoded (a damaged log entry, or one from an incompatible version).
	// Every node rejects it alike and nothing is changed.
	ErrBadCommand = errors.New("bad replicated command")
	// ErrCheckFailed is returned when a Check operation of a batch does not
	// hold; the whole batch then changes nothing, on every node.
	ErrCheckFailed = errors.New("batch check failed")
	// ErrUnknownOutcome is returned when a write was handed to raft but
	// the node lost its leadership (or shut down) before learning the
	// outcome: the write may or may not be committed. It wraps raft's
	// error. Read with a linearizable read to find out, or make writes
	// idempotent (Upsert, or a Check in a batch).
	ErrUnknownOutcome = errors.New("outcome of the write unknown")
	// ErrClosed is returned by a Node after Close.
	ErrClosed = errors.New("node closed")
)

// A NotLeaderError is returned by a write or a linearizable read on a node
// that is not the leader. LeaderAddr and LeaderID name the leader as this
// node knows it, and are empty when it knows none (during an election).
// It wraps ErrNotLeader.
type NotLeaderError struct {
	LeaderAddr string
	LeaderID   string
}

func (e *NotLeaderError) Error() string {
	if e.LeaderAddr == "" {
		return "replica: not the leader, and no leader known"
	}
	return fmt.Sprintf("replica: not the leader; the leader is %s at %s", e.LeaderID, e.LeaderAddr)
}

// Unwrap returns ErrNotLeader.
func (e *NotLeaderError) Unwrap() error { return ErrNotLeader }
