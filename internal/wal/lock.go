package wal

import "os"

// lockName is the lock file Lock creates in a directory.
const lockName = "LOCK"

// DirLock is an exclusive lock on a directory, taken by Lock.
type DirLock struct {
	f *os.File
}
