//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package dictdb

import "os"

// renameOpen: Windows cannot rename or remove an open file, so a temporary
// file is closed first.
const renameOpen = false

// lockTemp locks nothing here: only the in-process registry of live
// temporary files protects them (see tempfile.go).
func lockTemp(*os.File) (bool, error) { return true, nil }

// openTemp opens path for reading.
func openTemp(path string) (*os.File, error) { return os.Open(path) }
