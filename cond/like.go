package cond

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// likeKind is the kind of one element of a parsed LIKE pattern.
type likeKind uint8

const (
	likeLit likeKind = iota // the rune r itself
	likeOne                 // _: exactly one rune
	likeAny                 // %: any run of runes, possibly empty
)

type likeTok struct {
	kind likeKind
	r    rune
}

// escapeRune returns the escape character of an escape string: the string's
// only rune, or ok false for "" and for strings of more than one rune, which
// are ignored.
func escapeRune(escape string) (r rune, ok bool) {
	r, n := utf8.DecodeRuneInString(escape)
	if n == 0 || n != len(escape) {
		return 0, false
	}
	return r, true
}

// parseLike splits a pattern into tokens. Runs of % collapse into one token.
// Invalid UTF-8 reads as U+FFFD, as in a range loop.
func parseLike(pattern, escape string) []likeTok {
	esc, hasEsc := escapeRune(escape)
	runes := []rune(pattern)
	toks := make([]likeTok, 0, len(runes))
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case hasEsc && r == esc:
			if i+1 < len(runes) {
				i++
			}
			toks = append(toks, likeTok{likeLit, runes[i]})
		case r == '%':
			if n := len(toks); n == 0 || toks[n-1].kind != likeAny {
				toks = append(toks, likeTok{kind: likeAny})
			}
		case r == '_':
			toks = append(toks, likeTok{kind: likeOne})
		default:
			toks = append(toks, likeTok{likeLit, r})
		}
	}
	return toks
}

// LikePrefix returns the literal prefix of a case-sensitive LIKE pattern: the
// characters before its first unescaped % or _, with escapes resolved. Every
// string the pattern matches starts with prefix, byte for byte. exact reports
// whether the pattern is that literal and nothing else, in which case it
// matches exactly the string prefix.
//
// A planner can narrow a LIKE by a range scan over [prefix, successor of
// prefix) and an exact pattern by an equality lookup. The prefix stops early at
// a U+FFFD or invalid UTF-8 in the pattern, since such a pattern character
// also matches an invalid byte of a value; exact is then false.
func LikePrefix(pattern, escape string) (prefix string, exact bool) {
	toks := parseLike(pattern, escape)
	var b strings.Builder
	for _, t := range toks {
		if t.kind != likeLit || t.r == utf8.RuneError {
			return b.String(), false
		}
		b.WriteRune(t.r)
	}
	return b.String(), true
}

// compileLike returns a matcher for pattern. fold selects ILIKE.
func compileLike(pattern, escape string, fold bool) func(string) bool {
	toks := parseLike(pattern, escape)
	if fold {
		for i := range toks {
			if toks[i].kind == likeLit {
				toks[i].r = foldRune(toks[i].r)
			}
		}
		return func(s string) bool { return matchLike(toks, s, true) }
	}
	if segs, ok := literalSegments(toks); ok {
		return segmentMatcher(segs)
	}
	return func(s string) bool { return matchLike(toks, s, false) }
}

// literalSegments splits a case-sensitive pattern made of literals and % into
// the literals between the %s: "a%b%" gives ["a", "b", ""]. ok is false for a
// pattern with _ or with a U+FFFD literal, which byte comparisons cannot
// match: only for valid UTF-8 without U+FFFD do byte-wise and rune-wise
// matching agree, since such a literal starts and ends on rune boundaries of
// any string it occurs in.
func literalSegments(toks []likeTok) (segs []string, ok bool) {
	var b strings.Builder
	for _, t := range toks {
		switch {
		case t.kind == likeOne || (t.kind == likeLit && t.r == utf8.RuneError):
			return nil, false
		case t.kind == likeAny:
			segs = append(segs, b.String())
			b.Reset()
		default:
			b.WriteRune(t.r)
		}
	}
	return append(segs, b.String()), true
}

// segmentMatcher matches the segments of literalSegments: the first anchored
// at the start, the last at the end, the rest found leftmost in between.
func segmentMatcher(segs []string) func(string) bool {
	switch {
	case len(segs) == 1:
		lit := segs[0]
		return func(s string) bool { return s == lit }
	case len(segs) == 2 && segs[0] == "" && segs[1] == "":
		return func(string) bool { return true }
	case len(segs) == 2 && segs[1] == "":
		prefix := segs[0]
		return func(s string) bool { return strings.HasPrefix(s, prefix) }
	case len(segs) == 2 && segs[0] == "":
		suffix := segs[1]
		return func(s string) bool { return strings.HasSuffix(s, suffix) }
	case len(segs) == 2:
		prefix, suffix := segs[0], segs[1]
		return func(s string) bool {
			return len(s) >= len(prefix)+len(suffix) && strings.HasPrefix(s, prefix) && strings.HasSuffix(s, suffix)
		}
	case len(segs) == 3 && segs[0] == "" && segs[2] == "":
		infix := segs[1]
		return func(s string) bool { return strings.Contains(s, infix) }
	}
	first, mids, last := segs[0], segs[1:len(segs)-1], segs[len(segs)-1]
	return func(s string) bool {
		if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
			return false
		}
		s = s[len(first) : len(s)-len(last)]
		for _, m := range mids {
			i := strings.Index(s, m)
			if i < 0 {
				return false
			}
			s = s[i+len(m):]
		}
		return true
	}
}

// matchLike matches s against toks rune by rune. It keeps one backtracking
// point, the latest %: when the rest fails, that % absorbs one more rune. This
// is complete for patterns of % and _, and runs in O(len(toks)*len(s)) time
// without recursion. With fold, literal runes of toks must be foldRune'd.
func matchLike(toks []likeTok, s string, fold bool) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		if p < len(toks) {
			switch t := toks[p]; t.kind {
			case likeAny:
				starP, starI = p, i
				p++
				continue
			case likeOne:
				p++
				i += w
				continue
			default:
				if fold {
					r = foldRune(r)
				}
				if r == t.r {
					p++
					i += w
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		if c := s[starI]; c < utf8.RuneSelf {
			starI++
		} else {
			_, n := utf8.DecodeRuneInString(s[starI:])
			starI += n
		}
		p, i = starP+1, starI
	}
	for p < len(toks) && toks[p].kind == likeAny {
		p++
	}
	return p == len(toks)
}

// foldRune maps r to the smallest rune of its simple case-folding orbit
// (unicode.SimpleFold), so two runes are equal under regexp's (?i) exactly
// when their foldRunes are equal.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		return r // the upper-case ASCII letter is the smallest of its orbit
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return m
}

// The helpers below compare strings after strings.ToLower without
// allocating: lc must already be lower-cased (and so valid UTF-8), and s is
// lower-cased rune by rune with unicode.ToLower, which is what strings.ToLower
// does, an invalid byte of s reading as U+FFFD just as strings.ToLower
// replaces it.

// lowerPrefix reports whether strings.ToLower(s) starts with lc, and how many
// bytes of s that prefix spans.
func lowerPrefix(s, lc string) (n int, ok bool) {
	i, j := 0, 0
	for j < len(lc) {
		if i >= len(s) {
			return 0, false
		}
		if c, d := s[i], lc[j]; c < utf8.RuneSelf && d < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != d {
				return 0, false
			}
			i++
			j++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		q, wq := utf8.DecodeRuneInString(lc[j:])
		if unicode.ToLower(r) != q {
			return 0, false
		}
		i += w
		j += wq
	}
	return i, true
}

// lowerEqual reports whether strings.ToLower(s) == lc.
func lowerEqual(s, lc string) bool {
	n, ok := lowerPrefix(s, lc)
	return ok && n == len(s)
}

// lowerContains reports whether strings.ToLower(s) contains lc.
func lowerContains(s, lc string) bool {
	for i := 0; i <= len(s); {
		if _, ok := lowerPrefix(s[i:], lc); ok {
			return true
		}
		if i == len(s) {
			break
		}
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
		}
	}
	return false
}

// lowerSuffix reports whether strings.ToLower(s) ends with lc. It walks both
// strings backwards; UTF-8 decodes to the same runes in either direction.
func lowerSuffix(s, lc string) bool {
	i, j := len(s), len(lc)
	for j > 0 {
		if i == 0 {
			return false
		}
		if c, d := s[i-1], lc[j-1]; c < utf8.RuneSelf && d < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != d {
				return false
			}
			i--
			j--
			continue
		}
		r, w := utf8.DecodeLastRuneInString(s[:i])
		q, wq := utf8.DecodeLastRuneInString(lc[:j])
		if unicode.ToLower(r) != q {
			return false
		}
		i -= w
		j -= wq
	}
	return true
}
