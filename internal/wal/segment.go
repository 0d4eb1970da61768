package wal

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// segExt ends every segment file's name; the name before it is the
// segment's first sequence number in 20 decimal digits, so that names sort
// in log order.
const segExt = ".wal"

// segmentName returns the file name of the segment starting at seq.
func segmentName(seq uint64) string { return fmt.Sprintf("%020d%s", seq, segExt) }

// parseSegmentName returns the first sequence number a segment file name
// stands for; ok is false for any other name.
func parseSegmentName(name string) (seq uint64, ok bool) {
	digits, found := strings.CutSuffix(name, segExt)
	if !found || len(digits) != 20 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	seq, err := strconv.ParseUint(digits, 10, 64)
	return seq, err == nil
}

// segment is one segment file of a log directory.
type segment struct {
	first uint64 // sequence number in its name
	path  string
}

// listSegments returns dir's segments in log order.
func listSegments(fsys FS, dir string) ([]segment, error) {
	names, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list log segments: %w", err)
	}
	var segs []segment
	for _, n := range names {
		if seq, ok := parseSegmentName(n); ok {
			segs = append(segs, segment{first: seq, path: filepath.Join(dir, n)})
		}
	}
	return segs, nil // names sort in log order
}
