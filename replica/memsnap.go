package replica

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/hashicorp/raft"
)

// memSnapshots is an in-memory raft.SnapshotStore keeping the latest
// snapshot. Unlike raft.InmemSnapshotStore, a snapshot becomes visible only
// once its sink is closed, so a snapshot being written is never read
// (raft's store hands out the buffer a Persist is still writing to).
type memSnapshots struct {
	mu     sync.Mutex
	latest *memSnapshot
	n      int
}

type memSnapshot struct {
	meta raft.SnapshotMeta
	data []byte
}

type memSink struct {
	store *memSnapshots
	meta  raft.SnapshotMeta
	buf   bytes.Buffer
	done  bool
}

func (s *memSnapshots) Create(version raft.SnapshotVersion, index, term uint64, configuration raft.Configuration,
	configurationIndex uint64, _ raft.Transport) (raft.SnapshotSink, error) {
	s.mu.Lock()
	s.n++
	id := fmt.Sprintf("mem-%d-%d-%d", term, index, s.n)
	s.mu.Unlock()
	return &memSink{store: s, meta: raft.SnapshotMeta{Version: version, ID: id, Index: index, Term: term,
		Configuration: configuration, ConfigurationIndex: configurationIndex}}, nil
}

func (s *memSnapshots) List() ([]*raft.SnapshotMeta, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.latest == nil {
		return nil, nil
	}
	m := s.latest.meta
	return []*raft.SnapshotMeta{&m}, nil
}

func (s *memSnapshots) Open(id string) (*raft.SnapshotMeta, io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.latest == nil || s.latest.meta.ID != id {
		return nil, nil, fmt.Errorf("replica: no snapshot %s", id)
	}
	m := s.latest.meta
	return &m, io.NopCloser(bytes.NewReader(s.latest.data)), nil
}

func (k *memSink) Write(p []byte) (int, error) { return k.buf.Write(p) }
func (k *memSink) ID() string                  { return k.meta.ID }
func (k *memSink) Cancel() error               { k.done = true; return nil }

func (k *memSink) Close() error {
	if k.done {
		return nil
	}
	k.done = true
	k.meta.Size = int64(k.buf.Len())
	k.store.mu.Lock()
	defer k.store.mu.Unlock()
	if l := k.store.latest; l == nil || k.meta.Index >= l.meta.Index {
		k.store.latest = &memSnapshot{meta: k.meta, data: k.buf.Bytes()}
	}
	return nil
}
