//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package wal

import "fmt"

// Lock returns ErrUnsupported: this platform has no flock(2).
func Lock(dir string) (*DirLock, error) {
	return nil, fmt.Errorf("lock %s: %w", dir, ErrUnsupported)
}

// Unlock does nothing.
func (l *DirLock) Unlock() error { return nil }
