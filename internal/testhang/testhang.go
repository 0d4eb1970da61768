// Package testhang turns a deadlock in a test into a failure instead of a
// test binary that never ends.
package testhang

import (
	"runtime"
	"testing"
	"time"
)

// bound is how long a call may take before it counts as hung. It only
// turns a deadlock into a failure; it measures nothing, so it is generous.
const bound = time.Minute

// Returns runs f and fails t if f has not returned within a minute; what
// names the call in the failure, which logs every goroutine's stack so that
// the hang can be diagnosed from a CI log.
func Returns(t testing.TB, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(bound):
		buf := make([]byte, 1<<20)
		t.Logf("goroutines:\n%s", buf[:runtime.Stack(buf, true)])
		t.Fatalf("%s did not return: it waits for ever", what)
	}
}
