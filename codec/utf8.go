package codec

import (
	"errors"
	"io"
	"unicode/utf8"
)

// errInvalidUTF8 is the error of a JSON input that is not UTF-8 text.
// encoding/json would read each bad byte as U+FFFD, changing the data
// without a word; JSON text is UTF-8 (RFC 8259), and Python's json refuses
// other bytes too.
var errInvalidUTF8 = errors.New("invalid UTF-8: a JSON file must be UTF-8 text")

// utf8Reader passes on the valid UTF-8 prefix of its input. At the first
// byte that does not start a valid UTF-8 sequence it returns the bytes
// before it, then errInvalidUTF8; the bytes passed on are then the offset
// of the bad byte.
type utf8Reader struct {
	r          io.Reader
	buf        []byte
	start, end int   // buf[start:end] is checked and not yet passed on
	tail       int   // buf[end:tail] starts a sequence the next read completes
	err        error // after buf[start:end]
	passed     int64 // bytes passed on: at an error, the offset of the bad byte
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	for u.start == u.end {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.buf[u.start:u.end])
	u.start += n
	u.passed += int64(n)
	return n, nil
}

// fill reads more input and checks it.
func (u *utf8Reader) fill() {
	if u.buf == nil {
		u.buf = make([]byte, 32<<10)
	}
	k := copy(u.buf, u.buf[u.end:u.tail])
	m, err := u.r.Read(u.buf[k:])
	n := k + m
	b := u.buf[:n]
	u.start, u.end, u.tail = 0, n, n
	if !utf8.Valid(b) {
		i := 0
		for i < n {
			if b[i] < utf8.RuneSelf {
				i++
				continue
			}
			if !utf8.FullRune(b[i:]) {
				break
			}
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		u.end = i
		if utf8.FullRune(b[i:]) || err != nil {
			err = errInvalidUTF8
		}
	}
	u.err = err
}
