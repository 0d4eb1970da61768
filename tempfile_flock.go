//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package dictdb

import (
	"errors"
	"os"
	"syscall"
)

// renameOpen: a temporary file is renamed (or removed) while still open, so
// that its lock covers the rename.
const renameOpen = true

// openTemp opens path for reading, neither following a symbolic link nor
// waiting on a FIFO put there in the meantime.
func openTemp(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}

// lockTemp takes an exclusive flock(2) lock on f without waiting. It
// reports false if another open file holds one; the lock goes with f's
// last close, or with its process.
func lockTemp(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.EINTR):
			continue
		}
		return false, &os.PathError{Op: "flock", Path: f.Name(), Err: err}
	}
}
