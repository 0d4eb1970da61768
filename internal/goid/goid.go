// Package goid reads the calling goroutine's number. Go gives goroutines
// no identity on purpose; the few places that must tell whether a call
// comes back on a goroutine that is waiting for something (and would wait
// for ever) use this, and only off their fast paths: it costs a
// runtime.Stack call, a few microseconds.
package goid

import (
	"bytes"
	"runtime"
	"strconv"
)

// Current returns the calling goroutine's number, from the header line
// "goroutine N [" that runtime.Stack writes first.
func Current() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b, _ = bytes.CutPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		b = b[:i]
	}
	id, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		panic("goid: cannot read the goroutine number from " + strconv.Quote(string(buf[:])))
	}
	return id
}
