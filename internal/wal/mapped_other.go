//go:build !linux

package wal

import "io"

// appendTo returns a File appending to f, which holds size bytes of
// frames: f positioned at size. (On Linux, files of OS are appended to
// through a memory mapping; see mappedFile.)
func appendTo(fsys FS, f File, size int64) (File, error) {
	if of, ok := f.(osFile); ok && fsys == OS {
		if _, err := of.Seek(size, io.SeekStart); err != nil {
			return nil, err
		}
	}
	return f, nil
}
