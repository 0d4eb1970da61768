//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Lock takes an exclusive flock(2) lock on the file LOCK in dir, creating
// it, without waiting: it returns ErrLocked at once if another process, or
// another Lock in this process, holds it. The lock lasts until Unlock or
// the end of the process.
func Lock(dir string) (*DirLock, error) {
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case err == nil:
		return &DirLock{f: f}, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, ErrLocked)
	}
	f.Close()
	return nil, fmt.Errorf("lock %s: %w", dir, &os.PathError{Op: "flock", Path: path, Err: err})
}

// Unlock releases the lock. Calling it again does nothing.
func (l *DirLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	return f.Close() // closing the last descriptor releases the flock
}
