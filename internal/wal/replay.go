package wal

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// Info describes a log as Replay, Verify, Repair or Open found it.
type Info struct {
	// Segments is the number of segment files.
	Segments int
	// Last is the sequence number of the last good frame; with no frames it
	// is one less than the last segment's first sequence number, and 0 with
	// no segments.
	Last uint64
	// Frames is the number of frames passed to the callback.
	Frames int
	// Cut, if not nil, describes the bad tail that was cut off (Replay,
	// Repair, Open) or would be (Verify).
	Cut *Cut
}

// Cut describes the end of a log that recovery drops: the bytes of File
// from Offset on, and the whole of the segments in Removed (Repair only).
type Cut struct {
	File    string   // segment file cut
	Offset  int64    // offset of the first bad frame in File
	Bytes   int64    // bytes dropped from File
	Reason  string   // what is wrong with the frame at Offset
	Removed []string // later segment files removed (Repair only)
}

func (c *Cut) String() string {
	s := fmt.Sprintf("%s at offset %d (%d bytes): %s", c.File, c.Offset, c.Bytes, c.Reason)
	if len(c.Removed) > 0 {
		s += fmt.Sprintf("; removed %q", c.Removed)
	}
	return s
}

type scanMode int

const (
	modeReplay scanMode = iota // cut a torn tail, fail on corruption
	modeVerify                 // change nothing
	modeRepair                 // cut at the first bad frame anywhere
)

// Replay calls fn with every frame of the log in dir whose sequence number
// is fromSeq or more, in order (fromSeq 0: from the first frame). The
// payload is valid only during the call. A bad frame at the very tail of the
// last segment (a torn write, the normal result of a crash) is cut off: the
// file is truncated to the last good frame, synced, and Info.Cut says what
// was dropped, so that the caller can log it. A bad frame anywhere else,
// frames whose sequence numbers are not consecutive, or a log that starts
// after fromSeq or ends before fromSeq-1, give a *CorruptError (wrapping
// ErrCorrupt) and nothing is changed. An error from fn stops the replay and
// is returned wrapped. fsys nil means OS.
func Replay(fsys FS, dir string, fromSeq uint64, fn func(seq uint64, payload []byte) error) (Info, error) {
	return scanLog(fsys, dir, fromSeq, fn, modeReplay)
}

// Read calls fn with every frame of the log in dir whose sequence number is
// fromSeq or more, as Replay does, but changes nothing: a torn tail is
// not cut off, only described in Info.Cut, and fn sees the frames before
// it. It is for reading a log that another process may own.
func Read(fsys FS, dir string, fromSeq uint64, fn func(seq uint64, payload []byte) error) (Info, error) {
	return scanLog(fsys, dir, fromSeq, fn, modeVerify)
}

// Verify checks the log in dir as Replay does, changing nothing: a torn
// tail is reported in Info.Cut, anything else bad is a *CorruptError.
func Verify(fsys FS, dir string) (Info, error) {
	return scanLog(fsys, dir, 0, nil, modeVerify)
}

// Repair cuts the log in dir at its first bad frame, wherever it is: it
// truncates that segment to the frame's offset (removing the segment if
// the cut is at its start and it is not the first), removes every later
// segment, and syncs. Info.Cut says what was dropped; it is nil if the log
// was good. Nothing is dropped unless Repair is called.
func Repair(fsys FS, dir string) (Info, error) {
	return scanLog(fsys, dir, 0, nil, modeRepair)
}

func scanLog(fsys FS, dir string, fromSeq uint64, fn func(uint64, []byte) error, mode scanMode) (Info, error) {
	if fsys == nil {
		fsys = OS
	}
	segs, err := listSegments(fsys, dir)
	if err != nil {
		return Info{}, err
	}
	info := Info{Segments: len(segs)}
	var buf []byte
	var expect uint64
	for i, seg := range segs {
		last := i == len(segs)-1
		if i == 0 {
			expect = seg.first
			if fromSeq > 0 && fromSeq < seg.first {
				return info, &CorruptError{File: seg.path, Reason: fmt.Sprintf("log starts at seq %d, after the wanted seq %d", seg.first, fromSeq)}
			}
			if seg.first == 0 {
				return info, &CorruptError{File: seg.path, Reason: "segment named for seq 0"}
			}
		} else if seg.first != expect {
			bad := &CorruptError{File: seg.path, Reason: fmt.Sprintf("segment starts at seq %d, want %d", seg.first, expect)}
			if mode != modeRepair {
				return info, bad
			}
			return info, repairAt(fsys, dir, segs, i, 0, bad.Reason, &info)
		}
		s, err := scanSegment(fsys, seg, expect, fromSeq, fn, &buf)
		info.Frames += s.frames
		if err != nil {
			return info, err
		}
		expect = s.next
		if s.bad == nil {
			continue
		}
		if !last || !s.tornEligible {
			if mode != modeRepair {
				return info, s.bad
			}
			return info, repairAt(fsys, dir, segs, i, s.bad.Offset, s.bad.Reason, &info)
		}
		// A torn tail.
		info.Cut = &Cut{File: seg.path, Offset: s.bad.Offset, Bytes: s.size - s.bad.Offset, Reason: s.bad.Reason}
		if mode != modeVerify {
			if err := truncateFile(fsys, seg.path, s.bad.Offset); err != nil {
				return info, err
			}
		}
	}
	if len(segs) > 0 {
		info.Last = expect - 1
		if fromSeq > 0 && fromSeq > expect {
			return info, &CorruptError{File: segs[len(segs)-1].path, Reason: fmt.Sprintf("log ends at seq %d, before the wanted seq %d", expect-1, fromSeq)}
		}
	}
	return info, nil
}

// repairAt cuts the log at offset off of segment i and removes the later
// segments.
func repairAt(fsys FS, dir string, segs []segment, i int, off int64, reason string, info *Info) error {
	seg := segs[i]
	f, err := fsys.Open(seg.path)
	if err != nil {
		return err
	}
	size, err := f.Size()
	f.Close()
	if err != nil {
		return err
	}
	info.Cut = &Cut{File: seg.path, Offset: off, Bytes: size - off, Reason: reason}
	for j := len(segs) - 1; j > i; j-- {
		if err := fsys.Remove(segs[j].path); err != nil {
			return err
		}
		info.Cut.Removed = append(info.Cut.Removed, segs[j].path)
	}
	if off == 0 && i > 0 {
		if err := fsys.Remove(seg.path); err != nil {
			return err
		}
		info.Cut.Removed = append(info.Cut.Removed, seg.path)
	} else if err := truncateFile(fsys, seg.path, off); err != nil {
		return err
	}
	return fsys.SyncDir(dir)
}

// truncateFile cuts path to size bytes and syncs it.
func truncateFile(fsys FS, path string, size int64) error {
	f, err := fsys.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("cut log tail: %w", err)
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cut log tail: %w", err)
	}
	return nil
}

// segScan is what scanSegment found.
type segScan struct {
	next         uint64 // sequence number expected after the last good frame
	end          int64  // offset just past the last good frame
	size         int64  // file size
	frames       int    // frames passed to fn
	bad          *CorruptError
	tornEligible bool // bad may be a torn tail: no good frame follows it
}

// scanSegment reads seg's frames, expecting sequence numbers from expect
// on, and passes those from fromSeq on to fn (if not nil). It stops at the
// first bad frame.
func scanSegment(fsys FS, seg segment, expect, fromSeq uint64, fn func(uint64, []byte) error, buf *[]byte) (segScan, error) {
	s := segScan{next: expect}
	f, err := fsys.Open(seg.path)
	if err != nil {
		return s, fmt.Errorf("open log segment: %w", err)
	}
	defer f.Close()
	s.size, err = f.Size()
	if err != nil {
		return s, fmt.Errorf("open log segment: %w", err)
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, 0, s.size), 64<<10)
	var h [headerSize]byte
	for s.end < s.size {
		off := s.end
		bad := func(reason string, eligible bool) (segScan, error) {
			s.bad = &CorruptError{File: seg.path, Offset: off, Reason: reason}
			s.tornEligible = eligible
			if eligible {
				found, err := goodFrameAfter(f, off, s.size, s.next)
				if err != nil {
					return s, err
				}
				s.tornEligible = !found
			}
			return s, nil
		}
		if s.size-off < headerSize {
			if zero, err := zeroFrom(f, off, s.size); err != nil || zero {
				return s, err // zero: space reserved after the last frame
			}
			return bad("incomplete frame header", true)
		}
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return s, fmt.Errorf("read log segment %s: %w", seg.path, err)
		}
		hd := parseHeader(h[:])
		if hd == (header{}) {
			// No frame has an all-zero header (sequence numbers start at
			// 1): this is space reserved after the last frame (see
			// mappedFile), unless more follows.
			if zero, err := zeroFrom(f, off+headerSize, s.size); err != nil || zero {
				return s, err
			}
			return bad("zeroed frame header", true)
		}
		if int64(hd.length) > s.size-off-headerSize {
			return bad(fmt.Sprintf("frame length %d runs past the end of the file", hd.length), true)
		}
		if cap(*buf) < int(hd.length) {
			*buf = make([]byte, hd.length)
		}
		p := (*buf)[:hd.length]
		if _, err := io.ReadFull(r, p); err != nil {
			return s, fmt.Errorf("read log segment %s: %w", seg.path, err)
		}
		if frameCRC(h[:], p) != hd.crc {
			return bad("checksum mismatch", true)
		}
		if hd.seq != s.next {
			return bad(fmt.Sprintf("frame has seq %d, want %d", hd.seq, s.next), false)
		}
		if fn != nil && hd.seq >= fromSeq {
			if err := fn(hd.seq, p); err != nil {
				return s, fmt.Errorf("replay seq %d: %w", hd.seq, err)
			}
			s.frames++
		}
		s.next++
		s.end = off + headerSize + int64(hd.length)
	}
	return s, nil
}

// zeroFrom reports whether the bytes of f from off to size are all zero.
func zeroFrom(f File, off, size int64) (bool, error) {
	buf := make([]byte, min(size-off, 64<<10))
	for off < size {
		n := min(int64(len(buf)), size-off)
		if _, err := f.ReadAt(buf[:n], off); err != nil && !errors.Is(err, io.EOF) {
			return false, fmt.Errorf("read log segment %s: %w", f.Name(), err)
		}
		for _, b := range buf[:n] {
			if b != 0 {
				return false, nil
			}
		}
		off += n
	}
	return true, nil
}

// goodFrameAfter reports whether a frame that checks out starts anywhere in
// f after the bad frame at off. Such a frame means the bad one is damage,
// not a torn tail. Only sequence numbers that could follow next in the
// bytes left are considered, which keeps the search linear.
func goodFrameAfter(f File, off, size int64, next uint64) (bool, error) {
	rest := make([]byte, size-off-1)
	if _, err := f.ReadAt(rest, off+1); err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("read log segment %s: %w", f.Name(), err)
	}
	maxFrames := uint64(len(rest))/headerSize + 1
	for p := 0; p+headerSize <= len(rest); p++ {
		hd := parseHeader(rest[p : p+headerSize])
		if hd.seq < next || hd.seq-next > maxFrames {
			continue
		}
		if int(hd.length) > len(rest)-p-headerSize {
			continue
		}
		c := crc32.Update(0, castagnoli, rest[p:p+4])
		c = crc32.Update(c, castagnoli, rest[p+8:p+headerSize])
		c = crc32.Update(c, castagnoli, rest[p+headerSize:p+headerSize+int(hd.length)])
		if c == hd.crc {
			return true, nil
		}
	}
	return false, nil
}
