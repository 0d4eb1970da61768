package wal

import (
	"errors"
	"fmt"
)

// ErrCorrupt is returned when the log holds a bad frame that is not a torn
// tail: a frame before the end of the last segment, or in an earlier
// segment, fails its checksum or length check, or sequence numbers are not
// consecutive. The error is a *CorruptError that names the file and offset.
var ErrCorrupt = errors.New("corrupt write-ahead log")

// ErrStopped is returned when the log refuses a write because an earlier
// write or fsync failed (fail-stop); the error also wraps that first
// failure.
var ErrStopped = errors.New("write-ahead log stopped")

// ErrClosed is returned when a Writer is used after Close.
var ErrClosed = errors.New("write-ahead log closed")

// ErrTooLarge is returned when a payload is longer than MaxPayload.
var ErrTooLarge = errors.New("frame payload too large")

// ErrLocked is returned when Lock finds the directory locked by another
// process or by another Lock in this process.
var ErrLocked = errors.New("directory locked")

// ErrUnsupported is returned by Lock on platforms without flock(2).
var ErrUnsupported = errors.New("directory locks unsupported on this platform")

// CorruptError describes a bad frame: the segment file, the byte offset of
// the frame in it, and what is wrong. It wraps ErrCorrupt.
type CorruptError struct {
	File   string // path of the segment file
	Offset int64  // offset of the bad frame in File
	Reason string // what is wrong with the frame
}

// Error reports the file, offset and reason.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s at offset %d: %s: %v", e.File, e.Offset, e.Reason, ErrCorrupt)
}

// Unwrap returns ErrCorrupt.
func (e *CorruptError) Unwrap() error { return ErrCorrupt }
