// Package wal is a write-ahead log: an append-only sequence of checksummed
// frames in segment files, with group commit, fail-stop error handling and
// crash recovery.
//
// # Guarantees
//
// Durability. A frame is durable once an fsync of its segment file has
// returned success after the frame was written. Under SyncAlways, Append
// returns nil only for a durable frame, and every frame before it is
// durable too. Under SyncEvery(d), Append returns once the frame is
// written to the operating system; a background fsync every d bounds what
// a crash of the machine loses to the frames appended in the last d plus
// the duration of one fsync. Under SyncNever the operating system decides;
// Sync and Close still fsync. Under every policy a frame whose Append
// returned survives a crash of the process alone.
//
// Queued frames. Queue numbers a frame and keeps it in memory: it is not
// written yet, and a crash of the process loses it. WaitWritten and
// WaitDurable write it, with every frame queued before it, in one write
// of the file that the goroutines waiting meanwhile share; WaitDurable
// then fsyncs, sharing the fsync too. While an fsync is under way the
// queue grows, and the leader of the next fsync writes it whole. Write,
// Rotate, Sync and Close write what is queued first, so frames reach the
// file in sequence order.
//
// Fail-stop. After any failed write or fsync the Writer refuses every
// later Write, Append, Queue, WaitWritten or WaitDurable for a frame not
// yet written or durable, Sync and Rotate with an error wrapping
// ErrStopped and the first failure. A failed fsync is never retried: on
// Linux the data it failed to write may be dropped while a second fsync
// reports success. Frames acknowledged before the failure stay durable;
// recovery (Replay) then starts a new Writer.
//
// Torn tail. A frame is entirely valid or not: its CRC-32C covers its
// length, sequence number and payload. Sequence numbers are consecutive
// across frames and segments. When the log is replayed, a bad frame at
// the very end of the last segment, one not followed by any frame that
// checks out, is the normal result of a crash during a write: it is cut
// off (the file is truncated to the last good frame) and reported in
// Info.Cut so that the caller can log it. Under SyncAlways such a frame
// was never acknowledged. Any other bad frame, including a gap or a repeat
// in the sequence numbers, is a *CorruptError naming the file and offset
// (it wraps ErrCorrupt), and nothing is changed; Repair cuts the log there
// only when called. Two limits follow from the rule: damage to the last
// frame itself cannot be told from a torn write and is cut like one; and a
// crash in which the disk wrote a later unsynced page but not an earlier
// one leaves a good frame after a bad one, which is reported as
// corruption (Repair cuts it; under SyncAlways neither frame was
// acknowledged).
//
// # Layout
//
// A log directory holds segment files named by the sequence number of
// their first frame (20 decimal digits and ".wal"). A frame is a 16-byte
// header (payload length uint32, CRC-32C uint32, sequence number uint64,
// all little endian) followed by the payload, which the caller encodes.
// Rotate starts a new segment; RemoveBefore deletes segments wholly before
// a checkpoint, after a directory sync. Lock takes the directory for one
// process.
//
// On Linux, the segment being appended to on the real file system is
// written through a shared memory mapping of space reserved ahead with
// fallocate, 1 MiB at a time (see mappedFile): a write is a copy into the
// page cache instead of a system call, with the same guarantees (a frame
// written survives a crash of the process; fsync makes it durable; a full
// disk fails the reservation, and so the write, never a later page
// fault). Zeros after the last frame are that reserved space: a segment
// ends at the first all-zero header followed only by zeros (no frame has
// one: sequence numbers start at 1). Closing a segment cuts the space
// off; after a crash it stays, and readers skip it.
//
// All file access goes through FS, so that FaultFS can inject failed
// writes and fsyncs, short writes and ENOSPC, and simulate crashes.
package wal
