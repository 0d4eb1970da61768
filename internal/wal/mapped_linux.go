//go:build linux

package wal

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"syscall"
)

// mapChunk is how much file space a mappedFile reserves and maps at a
// time. A crash leaves at most this much zeroed space after the last
// frame, which readers take for the end of the segment (see scanSegment).
const mapChunk = 1 << 20

// A mappedFile is a segment file of OS open for appending whose Write
// copies into a shared memory mapping of file space reserved ahead with
// fallocate, instead of calling write(2): on Linux a write(2) that grows a
// file costs a few microseconds, as much as an in-memory commit, and a
// copy into the page cache through the mapping costs a tenth of that.
//
// The guarantees stay those of write(2). The mapping is shared, so a
// frame copied into it is in the page cache, and survives a crash of the
// process, once Write returns; fsync writes the mapping's dirty pages and
// the file's new extents, so Sync makes it durable exactly as after
// write(2). Space is reserved (not sparse), so a full disk fails the
// fallocate in Write, never a page fault later; a fault on the mapping
// (an I/O error, or the file truncated behind the log's back) fails the
// Write instead of crashing the process. Close cuts the reserved space
// off; after a crash the zeroed space after the last frame remains, and
// scanSegment reads it as the end of the segment.
type mappedFile struct {
	*os.File
	size int64  // bytes written: the segment's logical length
	base int64  // file offset of mem[0], a multiple of the page size
	mem  []byte // the mapping, nil after Close
}

// appendTo returns a File appending to f, which holds size bytes of
// frames: a mappedFile when f is a file of OS whose file system can
// reserve space, else f positioned at size for plain writes. f must be
// open for reading and writing, without O_APPEND.
func appendTo(fsys FS, f File, size int64) (File, error) {
	of, ok := f.(osFile)
	if !ok || fsys != OS {
		return f, nil
	}
	m := &mappedFile{File: of.File, size: size}
	if err := m.reserve(size + 1); err != nil {
		// No fallocate here (or no space yet): plain writes, which
		// report a full disk themselves.
		if _, serr := of.Seek(size, io.SeekStart); serr != nil {
			return nil, serr
		}
		return f, nil
	}
	return m, nil
}

// reserve makes sure the file has space reserved and mapped up to offset
// upto, remapping from the page that holds m.size.
func (m *mappedFile) reserve(upto int64) error {
	if m.mem != nil && upto <= m.base+int64(len(m.mem)) {
		return nil
	}
	page := int64(os.Getpagesize())
	base := m.size &^ (page - 1)
	length := (upto - base + mapChunk - 1) / mapChunk * mapChunk
	if err := syscall.Fallocate(int(m.Fd()), 0, base, length); err != nil {
		return fmt.Errorf("reserve log space: %w", err)
	}
	if err := m.unmap(); err != nil {
		return err
	}
	mem, err := syscall.Mmap(int(m.Fd()), base, int(length), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("map log segment: %w", err)
	}
	m.base, m.mem = base, mem
	return nil
}

func (m *mappedFile) unmap() error {
	if m.mem == nil {
		return nil
	}
	err := syscall.Munmap(m.mem)
	m.mem = nil
	if err != nil {
		return fmt.Errorf("unmap log segment: %w", err)
	}
	return nil
}

// Write copies p after the frames written so far. It writes all of p or
// returns an error.
func (m *mappedFile) Write(p []byte) (n int, err error) {
	if err := m.reserve(m.size + int64(len(p))); err != nil {
		return 0, err
	}
	if err := m.copyIn(p); err != nil {
		return 0, err
	}
	m.size += int64(len(p))
	return len(p), nil
}

// copyIn copies p into the mapping at m.size, turning a fault on the
// mapping into an error.
func (m *mappedFile) copyIn(p []byte) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write log segment %s: fault on its mapping: %v", m.Name(), r)
		}
	}()
	copy(m.mem[m.size-m.base:], p)
	return nil
}

// Size returns the bytes written, not the space reserved.
func (m *mappedFile) Size() (int64, error) { return m.size, nil }

// Truncate is not used on a file being appended to.
func (m *mappedFile) Truncate(int64) error {
	return errors.New("truncate a log segment being appended to")
}

// Close unmaps the file, cuts the reserved space off and closes it. The
// cut is not synced: a crash may leave the zeroed space, which readers
// skip.
func (m *mappedFile) Close() error {
	err := m.unmap()
	if terr := m.File.Truncate(m.size); err == nil {
		err = terr
	}
	if cerr := m.File.Close(); err == nil {
		err = cerr
	}
	return err
}
