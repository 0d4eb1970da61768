package wal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// Op names a kind of FaultFS call, for counting and for faults.
type Op int

// The operations a Fault can target. OpAny matches every call.
const (
	OpAny Op = iota
	OpCreate
	OpOpen
	OpWrite
	OpSync
	OpTruncate
	OpClose
	OpRemove
	OpRename
	OpReadDir
	OpSyncDir
	numOps
)

// Fault makes the Nth call (counting from 1 at Inject) of kind Op fail
// with Err. A Short write fault first writes half of the bytes. A fault
// fires once; later calls succeed, which is how a failed fsync behaves on
// Linux: the next fsync reports success although the data it failed to
// write is gone (see FaultFS.Crash).
type Fault struct {
	Op    Op
	Nth   int
	Err   error
	Short bool
}

// FaultFS is an in-memory FS for tests: it counts calls, injects faults and
// simulates a crash. Every file keeps what a crash would leave: its content
// as of its last successful Sync; every directory keeps its entries as of
// its last SyncDir. A failed Sync loses the bytes it should have written
// for good, as Linux does.
type FaultFS struct {
	// SyncDelay is how long each Sync takes, to model a disk.
	SyncDelay time.Duration

	mu      sync.Mutex
	files   map[string]*memNode
	durable map[string]*memNode // entries as of the last SyncDir of their directory
	counts  [numOps]int
	faults  []*armedFault
	gen     int // bumped by Crash; older handles are dead
}

type armedFault struct {
	Fault
	left int
}

type memNode struct {
	data    []byte
	durable []byte
	poison  [][2]int // byte ranges a failed sync lost
}

// NewFaultFS returns an empty FaultFS.
func NewFaultFS() *FaultFS {
	return &FaultFS{files: map[string]*memNode{}, durable: map[string]*memNode{}}
}

// Inject arms f.
func (m *FaultFS) Inject(f Fault) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults = append(m.faults, &armedFault{Fault: f, left: f.Nth})
}

// Count returns how many calls of kind op were made (OpAny: all calls).
func (m *FaultFS) Count(op Op) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.counts[op]
}

// WriteFile stores data as name's durable content, as if written, synced
// and its directory synced.
func (m *FaultFS) WriteFile(name string, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := &memNode{data: bytes.Clone(data), durable: bytes.Clone(data)}
	m.files[name] = n
	m.durable[name] = n
}

// ReadFile returns name's current content.
func (m *FaultFS) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return bytes.Clone(n.data), nil
}

// Crash simulates a power loss: every directory falls back to its entries
// as of its last SyncDir and every file to its content as of its last
// Sync. With a non-nil rng, a file whose unsynced change is an append
// keeps a random prefix of the appended bytes, as a disk that wrote some
// pages may. Open files become unusable.
func (m *FaultFS) Crash(rng *rand.Rand) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	files := map[string]*memNode{}
	for name, n := range m.durable {
		keep := bytes.Clone(n.durable)
		if rng != nil && len(n.data) > len(n.durable) && bytes.Equal(n.data[:len(n.durable)], n.durable) {
			extra := rng.IntN(len(n.data) - len(n.durable) + 1)
			keep = append(keep, n.data[len(n.durable):len(n.durable)+extra]...)
		}
		files[name] = &memNode{data: keep, durable: bytes.Clone(keep), poison: n.poison}
	}
	m.files = files
	m.durable = map[string]*memNode{}
	for name, n := range files {
		m.durable[name] = n
	}
}

// call counts a call of kind op and returns the fault it triggers, if any.
// m.mu is held.
func (m *FaultFS) call(op Op) *Fault {
	m.counts[op]++
	m.counts[OpAny]++
	for i, f := range m.faults {
		if f.Op != op && f.Op != OpAny {
			continue
		}
		f.left--
		if f.left <= 0 {
			m.faults = append(m.faults[:i], m.faults[i+1:]...)
			return &f.Fault
		}
	}
	return nil
}

func faultErr(op, name string, f *Fault) error {
	err := f.Err
	if err == nil {
		err = errors.New("injected fault")
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// Create implements FS.
func (m *FaultFS) Create(name string) (File, error) {
	return m.openFile(OpCreate, name, os.O_RDWR|os.O_CREATE|os.O_EXCL)
}

// Open implements FS.
func (m *FaultFS) Open(name string) (File, error) {
	return m.openFile(OpOpen, name, os.O_RDONLY)
}

// OpenFile implements FS.
func (m *FaultFS) OpenFile(name string, flag int, _ os.FileMode) (File, error) {
	op := OpOpen
	if flag&os.O_CREATE != 0 {
		op = OpCreate
	}
	return m.openFile(op, name, flag)
}

func (m *FaultFS) openFile(op Op, name string, flag int) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f := m.call(op); f != nil {
		return nil, faultErr("open", name, f)
	}
	n, ok := m.files[name]
	switch {
	case ok && flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrExist}
	case !ok && flag&os.O_CREATE == 0:
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	case !ok:
		n = &memNode{}
		m.files[name] = n
	}
	if flag&os.O_TRUNC != 0 {
		n.data = n.data[:0]
	}
	return &memFile{fs: m, node: n, name: name, flag: flag, gen: m.gen}, nil
}

// Remove implements FS.
func (m *FaultFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f := m.call(OpRemove); f != nil {
		return faultErr("remove", name, f)
	}
	if _, ok := m.files[name]; !ok {
		return &fs.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist}
	}
	delete(m.files, name)
	return nil
}

// Rename implements FS.
func (m *FaultFS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f := m.call(OpRename); f != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: f.Err}
	}
	n, ok := m.files[oldname]
	if !ok {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: fs.ErrNotExist}
	}
	delete(m.files, oldname)
	m.files[newname] = n
	return nil
}

// ReadDir implements FS.
func (m *FaultFS) ReadDir(dir string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f := m.call(OpReadDir); f != nil {
		return nil, faultErr("readdir", dir, f)
	}
	var names []string
	for name := range m.files {
		if filepath.Dir(name) == filepath.Clean(dir) {
			names = append(names, filepath.Base(name))
		}
	}
	sort.Strings(names)
	return names, nil
}

// SyncDir implements FS.
func (m *FaultFS) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f := m.call(OpSyncDir); f != nil {
		return faultErr("sync", dir, f)
	}
	dir = filepath.Clean(dir)
	for name := range m.durable {
		if filepath.Dir(name) == dir {
			delete(m.durable, name)
		}
	}
	for name, n := range m.files {
		if filepath.Dir(name) == dir {
			m.durable[name] = n
		}
	}
	return nil
}

type memFile struct {
	fs     *FaultFS
	node   *memNode
	name   string
	flag   int
	gen    int
	off    int64
	closed bool
}

// check reports why f cannot be used. f.fs.mu is held.
func (f *memFile) check(op string) error {
	switch {
	case f.closed:
		return &fs.PathError{Op: op, Path: f.name, Err: fs.ErrClosed}
	case f.gen != f.fs.gen:
		return &fs.PathError{Op: op, Path: f.name, Err: errors.New("file lost in a crash")}
	}
	return nil
}

func (f *memFile) Name() string { return f.name }

func (f *memFile) Read(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("read"); err != nil {
		return 0, err
	}
	if f.off >= int64(len(f.node.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.node.data[f.off:])
	f.off += int64(n)
	return n, nil
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("read"); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: fs.ErrInvalid}
	}
	if off >= int64(len(f.node.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.node.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("write"); err != nil {
		return 0, err
	}
	if f.flag&(os.O_WRONLY|os.O_RDWR) == 0 {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: fs.ErrPermission}
	}
	fault := f.fs.call(OpWrite)
	if fault != nil && !fault.Short {
		return 0, faultErr("write", f.name, fault)
	}
	q := p
	if fault != nil {
		q = p[:len(p)/2]
	}
	if f.flag&os.O_APPEND != 0 {
		f.off = int64(len(f.node.data))
	}
	for int64(len(f.node.data)) < f.off {
		f.node.data = append(f.node.data, 0)
	}
	n := copy(f.node.data[f.off:], q)
	f.node.data = append(f.node.data, q[n:]...)
	f.off += int64(len(q))
	if fault != nil {
		return len(q), faultErr("write", f.name, fault)
	}
	return len(q), nil
}

func (f *memFile) Sync() error {
	f.fs.mu.Lock()
	if err := f.check("sync"); err != nil {
		f.fs.mu.Unlock()
		return err
	}
	fault := f.fs.call(OpSync)
	delay := f.fs.SyncDelay
	f.fs.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	n := f.node
	if fault != nil {
		// The pages are dropped: what was not durable never will be.
		lo := len(n.durable)
		if common := commonPrefix(n.durable, n.data); common < lo {
			lo = common
		}
		if lo < len(n.data) {
			n.poison = append(n.poison, [2]int{lo, len(n.data)})
		}
		return faultErr("sync", f.name, fault)
	}
	d := bytes.Clone(n.data)
	for _, r := range n.poison {
		for i := r[0]; i < r[1] && i < len(d); i++ {
			d[i] = 0
			if i < len(n.durable) {
				d[i] = n.durable[i]
			}
		}
	}
	n.durable = d
	return nil
}

func commonPrefix(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func (f *memFile) Truncate(size int64) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("truncate"); err != nil {
		return err
	}
	if fault := f.fs.call(OpTruncate); fault != nil {
		return faultErr("truncate", f.name, fault)
	}
	if size < 0 {
		return &fs.PathError{Op: "truncate", Path: f.name, Err: fs.ErrInvalid}
	}
	for int64(len(f.node.data)) < size {
		f.node.data = append(f.node.data, 0)
	}
	f.node.data = f.node.data[:size]
	return nil
}

func (f *memFile) Size() (int64, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("stat"); err != nil {
		return 0, err
	}
	return int64(len(f.node.data)), nil
}

func (f *memFile) Close() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.name, Err: fs.ErrClosed}
	}
	f.closed = true
	if fault := f.fs.call(OpClose); fault != nil {
		return faultErr("close", f.name, fault)
	}
	return nil
}

// String describes the file system's counters, for test logs.
func (m *FaultFS) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprintf("FaultFS{files=%d writes=%d syncs=%d}", len(m.files), m.counts[OpWrite], m.counts[OpSync])
}
