package cond_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/dictdb-go/dictdb/cond"
)

// likeOracle builds, independently of the package, a regexp equivalent to a
// LIKE pattern: % is (?s).*, _ is (?s)., everything else a quoted literal,
// escapes resolved as the package doc describes. The pattern is read rune by
// rune, so invalid UTF-8 reads as U+FFFD; match the regexp against
// runeString(s).
func likeOracle(pattern, escape string, fold bool) (*regexp.Regexp, error) {
	var b strings.Builder
	if fold {
		b.WriteString(`(?is)\A`)
	} else {
		b.WriteString(`(?s)\A`)
	}
	p, e := []rune(pattern), []rune(escape)
	for i := 0; i < len(p); i++ {
		c := p[i]
		if len(e) == 1 && c == e[0] {
			if i+1 < len(p) {
				i++
			}
			b.WriteString(regexp.QuoteMeta(string(p[i])))
			continue
		}
		switch c {
		case '%':
			b.WriteString(`.*`)
		case '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`\z`)
	return regexp.Compile(b.String())
}

// runeString replaces each byte of s that is not valid UTF-8 with U+FFFD, the
// rune a range loop reads for it, so that regexp sees the same runes as the
// package.
func runeString(s string) string { return string([]rune(s)) }

func likeSeeds() [][3]string {
	return [][3]string{
		{"A%", "", "Alice"},
		{"%ob%", "", "Bobby"},
		{"A_B", "", "A12B"},
		{"test_.%", "", "test1.txt"},
		{`%\%`, `\`, "10%"},
		{`file\_1`, `\`, "file_1"},
		{`100\`, `\`, `100\`},
		{`C:\%`, "", `C:\Users`},
		{"a%b%c", "", "aXbYbc"},
		{"%a%a%a%", "", "aaaaaaaaaaaaaaaaaaaab"},
		{"%LI%", "", "charlie"},
		{"s_K", "", "ſx\u212a"},
		{"a!%", "!!", "a!x"},
		{"a%%", "%", "a%"},
		{"_\uFFFD", "", "x\xff"},
		{"\xff%", "", "\xfe"},
		{"%", "", "line\nbreak"},
		{"", "", ""},
	}
}

// FuzzLike compares LIKE and ILIKE matching against a regexp oracle, and
// checks LikePrefix against matching.
func FuzzLike(f *testing.F) {
	for _, s := range likeSeeds() {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, pattern, escape, value string) {
		r := map[string]any{"v": value}
		for _, fold := range []bool{false, true} {
			var c cond.Cond
			if fold {
				c = cond.Field("v").ILikeEscape(pattern, escape)
			} else {
				c = cond.Field("v").LikeEscape(pattern, escape)
			}
			m, err := cond.Compile(c)
			if err != nil {
				t.Fatalf("Compile(%v): %v", c, err)
			}
			re, err := likeOracle(pattern, escape, fold)
			if err != nil {
				t.Skipf("oracle: %v", err)
			}
			got, want := m.MatchMap(r), re.MatchString(runeString(value))
			if got != want {
				t.Fatalf("%v on %q = %v, oracle %s says %v", c, value, got, re, want)
			}
			if fold {
				continue
			}
			prefix, exact := cond.LikePrefix(pattern, escape)
			if got && !strings.HasPrefix(value, prefix) {
				t.Fatalf("%v matches %q, which lacks LikePrefix %q", c, value, prefix)
			}
			if exact && got != (value == prefix) {
				t.Fatalf("%v on %q = %v, but LikePrefix says exactly %q", c, value, got, prefix)
			}
		}
	})
}

// FuzzLower compares IEquals, IContains, IStartsWith and IEndsWith with
// strings.ToLower on both sides.
func FuzzLower(f *testing.F) {
	for _, s := range [][2]string{
		{"Alice@Gmail.com", "gmail"},
		{"STRAẞE", "straße"},
		{"\u212a", "k"},
		{"İstanbul", "i"},
		{"ȺB", "ⱥb"},
		{"a\xffb", "\uFFFDB"},
		{"\xe2\x82", "\x82"},
		{"", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, value, s string) {
		lv, ls := strings.ToLower(value), strings.ToLower(s)
		r := map[string]any{"v": value}
		for _, tc := range []struct {
			c    cond.Cond
			want bool
		}{
			{cond.Field("v").IEquals(s), lv == ls},
			{cond.Field("v").IContains(s), strings.Contains(lv, ls)},
			{cond.Field("v").IStartsWith(s), strings.HasPrefix(lv, ls)},
			{cond.Field("v").IEndsWith(s), strings.HasSuffix(lv, ls)},
		} {
			m, err := cond.Compile(tc.c)
			if err != nil {
				t.Fatalf("Compile(%v): %v", tc.c, err)
			}
			if got := m.MatchMap(r); got != tc.want {
				t.Fatalf("%v on %q = %v, want %v", tc.c, value, got, tc.want)
			}
		}
	})
}

// TestLikeOracleSeeds runs the oracle comparison over generated patterns
// without the fuzzing engine, so that plain go test covers it broadly.
func TestLikeOracle(t *testing.T) {
	alphabet := []string{"a", "b", "A", "%", "_", "!", `\`, "é", "É", "ſ", "S", "s", "\n", "\xff", "\uFFFD", "k", "\u212a"}
	var patterns []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		patterns = append(patterns, prefix)
		if n == 0 {
			return
		}
		for _, a := range alphabet {
			gen(prefix+a, n-1)
		}
	}
	gen("", 3)
	values := []string{"", "a", "ab", "ba", "aab", "a%b", "a_b", "A!b", `a\`, "é", "Éa", "s", "ſ", "S", "a\nb", "\xff", "\uFFFD", "k", "K", "\u212a", "abab", "%", "_", "!%", "bba"}
	for _, p := range patterns {
		for _, esc := range []string{"", "!", `\`, "%", "!!"} {
			for _, fold := range []bool{false, true} {
				re, err := likeOracle(p, esc, fold)
				if err != nil {
					t.Fatal(err)
				}
				var c cond.Cond
				if fold {
					c = cond.Field("v").ILikeEscape(p, esc)
				} else {
					c = cond.Field("v").LikeEscape(p, esc)
				}
				m := mustCompile(t, c)
				for _, v := range values {
					if got, want := m.MatchMap(map[string]any{"v": v}), re.MatchString(runeString(v)); got != want {
						t.Fatalf("%v on %q = %v, oracle %s says %v", c, v, got, re, want)
					}
				}
			}
		}
	}
}
