package dictdb

// Temporary files of crash-safe writes.
//
// A save writes ".<base>.dictdb-tmp-<16 hex digits>" next to its target
// "<base>" and renames it over the target when complete. A process killed
// mid-save leaves that file behind; the next save to the same target, and
// the next backup in a backup directory, remove such leftovers. A file is
// taken for a leftover only if its name matches that pattern exactly (the
// prefix of its own target, or of any target in a backup directory), it is
// a regular file, and no save is still writing it:
//
//   - a save registers its temporary file in this process until its rename,
//     and removal skips every registered name;
//   - on Linux, macOS and the BSDs a save also holds an exclusive flock(2)
//     lock on its temporary file until after the rename, and removal first
//     takes that lock without waiting, and skips the file if it cannot: the
//     kernel drops the lock of a killed process, so only dead saves' files
//     go. A save that finds its fresh file locked or already unlinked (a
//     remover got there between creation and locking) starts over with a
//     new name. This protects saves by other processes too.
//   - elsewhere (Windows, ...) only this process's saves are known; a
//     concurrent save to the same target by another process could see its
//     temporary file removed, and would then fail with an error, leaving
//     the target as the last complete save made it.
//
// Files named like earlier releases' temporary files (".<base>.tmp<digits>")
// are not removed: nothing tells them apart from a user's files.

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
)

const (
	tempMarker = ".dictdb-tmp-"
	tempRandom = 16 // hex digits after the marker
)

// liveTemps holds the names (not paths) of the temporary files this
// process's writes have not yet renamed or removed. Names carry 64 random
// bits, so the name alone identifies a file.
var liveTemps sync.Map

// tempName returns a fresh temporary file name for target base.
func tempName(base string) string {
	return fmt.Sprintf(".%s%s%016x", base, tempMarker, rand.Uint64())
}

// isTempName reports whether name is a temporary file name of target base,
// or, for an empty base, of any target.
func isTempName(name, base string) bool {
	n := len(name) - tempRandom - len(tempMarker)
	if n < 2 || name[0] != '.' || name[n:n+len(tempMarker)] != tempMarker {
		return false
	}
	for _, c := range []byte(name[n+len(tempMarker):]) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return base == "" || name[1:n] == base
}

// createTemp creates and locks a new temporary file for target base in dir
// and registers it as live; the caller releases it with releaseTemp.
func createTemp(dir, base string) (*os.File, error) {
	for range 100 {
		name := tempName(base)
		path := filepath.Join(dir, name)
		liveTemps.Store(name, struct{}{})
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			liveTemps.Delete(name)
			continue
		}
		if err != nil {
			liveTemps.Delete(name)
			return nil, err
		}
		if ok, err := lockTemp(f); err != nil || !ok || !stillNamed(f, path) {
			// Another process is removing it as a leftover: that
			// is not an error, only a lost name.
			f.Close()
			liveTemps.Delete(name)
			if err != nil {
				return nil, err
			}
			continue
		}
		return f, nil
	}
	return nil, fmt.Errorf("save: no free temporary file name in %s", dir)
}

// releaseTemp forgets a temporary file once it is renamed or removed.
func releaseTemp(f *os.File) { liveTemps.Delete(filepath.Base(f.Name())) }

// stillNamed reports whether path still names the open file f.
func stillNamed(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path)
	return err == nil && os.SameFile(a, b)
}

// removeStaleTemps removes the temporary files that interrupted writes left
// in dir: those of target base, or of any target for an empty base. Files a
// write is still busy with, in this process or (where files can be locked)
// another, are kept. It reports how many it removed and the first error
// met; a file that cannot be removed is skipped, not fatal.
func removeStaleTemps(dir, base string) (int, error) {
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	removed := 0
	var first error
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !isTempName(name, base) {
			continue
		}
		if _, live := liveTemps.Load(name); live {
			continue
		}
		ok, err := removeIfDead(filepath.Join(dir, name))
		if err != nil && first == nil && !errors.Is(err, fs.ErrNotExist) {
			first = err
		}
		if ok {
			removed++
		}
	}
	return removed, first
}

// removeIfDead removes the temporary file at path unless a write holds its
// lock.
func removeIfDead(path string) (bool, error) {
	f, err := openTemp(path)
	if err != nil {
		return false, err
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || !stillNamed(f, path) { // replaced since listed
		f.Close()
		return false, err
	}
	locked, err := lockTemp(f)
	if err != nil || !locked || !stillNamed(f, path) { // live, or just removed by another
		f.Close()
		return false, err
	}
	// Holding the lock, the file is dead: its writer is gone, and a new
	// one would find it locked, or unlinked, and move on.
	if !renameOpen {
		f.Close() // an open file cannot be removed there
	}
	err = os.Remove(path)
	if renameOpen {
		f.Close()
	}
	return err == nil, err
}
