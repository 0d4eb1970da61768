package cond_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
)

// rec is a record literal; records are normalized before matching.
type rec = map[string]any

// mustCompile compiles c or fails the test.
func mustCompile(t testing.TB, c cond.Cond) cond.Matcher {
	t.Helper()
	m, err := cond.Compile(c)
	if err != nil {
		t.Fatalf("Compile(%v): %v", c, err)
	}
	return m
}

func normalized(t testing.TB, r rec) codec.Record {
	t.Helper()
	n, err := codec.NormalizeRecord(r)
	if err != nil {
		t.Fatalf("NormalizeRecord(%v): %v", r, err)
	}
	return n
}

var (
	t1 = time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	t2 = t1.Add(time.Hour)
)

type matchCase struct {
	c    cond.Cond
	rec  rec
	want bool
}

// runMatchCases checks each case; the name of a subtest is the condition and
// the record.
func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v/%v", tc.c, tc.rec), func(t *testing.T) {
			m := mustCompile(t, tc.c)
			if got := m(normalized(t, tc.rec)); got != tc.want {
				t.Errorf("%v on %v = %v, want %v", tc.c, tc.rec, got, tc.want)
			}
		})
	}
}

func TestEqNe(t *testing.T) {
	age := cond.Field("age")
	runMatchCases(t, []matchCase{
		{age.Eq(30), rec{"age": 30}, true},
		{age.Eq(30), rec{"age": 30.0}, true},
		{age.Eq(30), rec{"age": int8(30)}, true},
		{age.Eq(30.0), rec{"age": 30}, true},
		{age.Eq(30.5), rec{"age": 30}, false},
		{age.Eq(30), rec{"age": 31}, false},
		{age.Eq(30), rec{"age": "30"}, false},
		{age.Eq(1), rec{"age": true}, false}, // bool is not a number
		{age.Eq(true), rec{"age": 1}, false},
		{age.Eq(true), rec{"age": true}, true},
		{age.Eq(30), rec{}, false},
		{age.Eq(30), rec{"age": nil}, false},
		{age.Eq(nil), rec{}, true},
		{age.Eq(nil), rec{"age": nil}, true},
		{age.Eq(nil), rec{"age": 0}, false},
		{age.Eq(nil), rec{"age": ""}, false},
		{age.Eq(""), rec{"age": ""}, true},
		{age.Eq(""), rec{}, false},
		{age.Eq([]string{"a", "b"}), rec{"age": []any{"a", "b"}}, true},
		{age.Eq([]any{"a", "b"}), rec{"age": []any{"b", "a"}}, false},
		{age.Eq([]any{1, 2.0}), rec{"age": []any{1.0, 2}}, true},
		{age.Eq(map[string]int{"x": 1}), rec{"age": map[string]any{"x": 1.0}}, true},
		{age.Eq(map[string]any{"x": 1}), rec{"age": map[string]any{"x": 1, "y": 2}}, false},
		{age.Eq([]byte("ab")), rec{"age": []byte("ab")}, true},
		{age.Eq([]byte("ab")), rec{"age": "ab"}, false},
		{age.Eq(t1), rec{"age": t1.In(time.FixedZone("X", 3600))}, true},
		{age.Eq(t1), rec{"age": t2}, false},

		{age.Ne(30), rec{"age": 30}, false},
		{age.Ne(30), rec{"age": 30.0}, false},
		{age.Ne(30), rec{"age": 31}, true},
		{age.Ne(30), rec{"age": "30"}, true},
		{age.Ne(30), rec{}, true}, // exact negation of Eq
		{age.Ne(30), rec{"age": nil}, true},
		{age.Ne(nil), rec{}, false},
		{age.Ne(nil), rec{"age": nil}, false},
		{age.Ne(nil), rec{"age": 0}, true},
		{age.Ne([]any{1}), rec{"age": []any{1}}, false},
	})
}

func TestOrdering(t *testing.T) {
	age, name := cond.Field("age"), cond.Field("name")
	runMatchCases(t, []matchCase{
		{age.Gt(18), rec{"age": 20}, true},
		{age.Gt(18), rec{"age": 18}, false},
		{age.Gt(18), rec{"age": 18.5}, true},
		{age.Gte(18), rec{"age": 18}, true},
		{age.Gte(18), rec{"age": 18.0}, true},
		{age.Gte(18), rec{"age": 17}, false},
		{age.Lt(18), rec{"age": 17.5}, true},
		{age.Lt(18), rec{"age": 18}, false},
		{age.Lte(18), rec{"age": 18}, true},
		{age.Lte(18.5), rec{"age": 18}, true},
		{age.Lt(2.5), rec{"age": 2}, true},
		{age.Lt(math.MaxInt64), rec{"age": int64(math.MaxInt64 - 1)}, true},
		{age.Gt(9007199254740992), rec{"age": int64(9007199254740993)}, true}, // exact int/float comparison

		// Null, missing and other kinds are false, never an error.
		{age.Gt(18), rec{"age": "20"}, false},
		{age.Lt(18), rec{"age": "1"}, false},
		{age.Gt(18), rec{"age": nil}, false},
		{age.Lt(18), rec{}, false},
		{age.Lte(18), rec{}, false},
		{age.Gte(18), rec{"age": true}, false},
		{age.Gt(0), rec{"age": []any{1}}, false},
		{age.Gt(nil), rec{"age": 1}, false},
		{age.Gte(nil), rec{"age": nil}, false},
		{age.Lte(nil), rec{}, false},

		{name.Lt("b"), rec{"name": "a"}, true},
		{name.Lt("b"), rec{"name": "B"}, true}, // bytewise
		{name.Lt("b"), rec{"name": "b"}, false},
		{name.Lte("b"), rec{"name": "b"}, true},
		{name.Gt("b"), rec{"name": "ba"}, true},
		{name.Gte("b"), rec{"name": "a"}, false},
		{name.Lt("b"), rec{"name": 1}, false},
		{name.Gt("a"), rec{"name": []byte("b")}, false},
		{name.Gt(false), rec{"name": true}, true},
		{name.Lt(true), rec{"name": 0}, false},
		{name.Lt(t2), rec{"name": t1}, true},
		{name.Gt(t2), rec{"name": t1}, false},
		{name.Lt([]byte("b")), rec{"name": []byte("a")}, true},
		{name.Lt([]any{1, 2}), rec{"name": []any{1, 1, 5}}, true},
		{name.Gt([]any{1, 2}), rec{"name": []any{1, 2, 0}}, true},
		{name.Gt(map[string]any{"a": 1}), rec{"name": map[string]any{"a": 2}}, true},
	})
}

func TestBetween(t *testing.T) {
	age := cond.Field("age")
	var cases []matchCase
	for _, a := range []int{25, 30, 35, 40, 45} { // catalogue: 25..45 matches all five
		cases = append(cases, matchCase{age.Between(25, 45), rec{"age": a}, true})
	}
	cases = append(cases, []matchCase{
		{age.Between(30, 30), rec{"age": 30}, true},
		{age.Between(30, 30), rec{"age": 31}, false},
		{age.Between(25, 45), rec{"age": 24}, false},
		{age.Between(25, 45), rec{"age": 45.5}, false},
		{age.Between(25, 45), rec{"age": 44.5}, true},
		{age.Between(1.5, 2), rec{"age": 2}, true},
		{age.Between(25, 45), rec{"age": nil}, false},
		{age.Between(25, 45), rec{}, false},
		{age.Between(25, 45), rec{"age": "30"}, false},
		{age.Between(45, 25), rec{"age": 30}, false}, // lo > hi
		{age.Between(1, "z"), rec{"age": 5}, false},  // lo and hi of different kinds
		{age.Between(1, "z"), rec{"age": "a"}, false},
		{age.Between(nil, nil), rec{}, false},
		{age.Between(nil, 5), rec{"age": 1}, false},
		{age.Between("a", "c"), rec{"age": "b"}, true},
		{age.Between("a", "c"), rec{"age": "c"}, true},
		{age.Between("a", "c"), rec{"age": "ca"}, false},
		{age.Between(t1, t2), rec{"age": t1.Add(time.Minute)}, true},
	}...)
	runMatchCases(t, cases)
}

func TestIn(t *testing.T) {
	dept, v := cond.Field("dept"), cond.Field("v")
	var big []any // more than a few values: hashed
	for i := range 40 {
		big = append(big, i*10)
	}
	big = append(big, "x", 2.5, true, nil, []any{"l", 1}, map[string]any{"k": 1}, []byte{1}, t1)
	runMatchCases(t, []matchCase{
		{dept.In("IT", "HR"), rec{"dept": "IT"}, true},
		{dept.In("IT", "HR"), rec{"dept": "HR"}, true},
		{dept.In("IT", "HR"), rec{"dept": "Sales"}, false},
		{dept.In("IT", "HR"), rec{}, false},
		{dept.In("IT"), rec{"dept": "IT"}, true},
		{dept.In(), rec{"dept": "IT"}, false},
		{dept.In(), rec{}, false},
		{dept.In("IT", nil), rec{}, true},
		{dept.In("IT", nil), rec{"dept": nil}, true},
		{dept.In(nil), rec{}, true},
		{dept.In("abc"), rec{"dept": "a"}, false}, // a string is one value
		{dept.In("abc"), rec{"dept": "abc"}, true},
		{v.In(1, 2, 3), rec{"v": 2.0}, true},
		{v.In(1.0, 2), rec{"v": 1}, true},
		{v.In(1, 2), rec{"v": true}, false},
		{v.In(true, 2), rec{"v": true}, true},
		{v.In([]any{1, 2}, 3), rec{"v": []any{1, 2.0}}, true},
		{v.In([]any{1, 2}, 3), rec{"v": 1}, false},

		{v.In(big...), rec{"v": 120}, true},
		{v.In(big...), rec{"v": 120.0}, true},
		{v.In(big...), rec{"v": 125}, false},
		{v.In(big...), rec{"v": 2.5}, true},
		{v.In(big...), rec{"v": "x"}, true},
		{v.In(big...), rec{"v": "y"}, false},
		{v.In(big...), rec{"v": true}, true},
		{v.In(big...), rec{"v": false}, false},
		{v.In(big...), rec{"v": 1}, false}, // true is not 1
		{v.In(big...), rec{}, true},
		{v.In(big...), rec{"v": []any{"l", 1.0}}, true},
		{v.In(big...), rec{"v": []any{"l"}}, false},
		{v.In(big...), rec{"v": map[string]any{"k": 1}}, true},
		{v.In(big...), rec{"v": []byte{1}}, true},
		{v.In(big...), rec{"v": t1}, true},
		{v.In(big...), rec{"v": t2}, false},
		{v.In(big[:40]...), rec{}, false},
	})
}

func TestLike(t *testing.T) {
	type likeCase struct {
		c     cond.Cond
		match []any
		miss  []any
	}
	name := cond.Field("name")
	cases := []likeCase{
		// Catalogue 11.3 T cases.
		{name.Like("A%"), []any{"Alice", "Alicia", "A"}, []any{"Bob", "alice", "bAlice", nil, 1}},
		{name.Like("%@gmail.com"), []any{"a@gmail.com", "@gmail.com"}, []any{"a@gmail.co", "a@gmailxcom", "a@GMAIL.com"}},
		{name.Like("%ob%"), []any{"Bob", "Bobby", "ob"}, []any{"Alice", "OB", "o b"}},
		{name.Like("A_B"), []any{"A1B", "A2B", "AxB", "A\nB"}, []any{"A12B", "AB", "a1b"}},
		{name.Like("A__"), []any{"Abc", "A12", "Aé€"}, []any{"Ab", "Abcd"}},
		{name.Like("test_.%"), []any{"test1.txt", "test2.txt", "testx."}, []any{"test10.txt", "test.txt"}},
		{name.Like("%.txt"), []any{"a.txt", ".txt"}, []any{"atxt", "a.txt.bak"}},
		{name.LikeEscape(`%\%`, `\`), []any{"10%", "20%", "%"}, []any{"100", "10 percent", `10\`}},
		{name.LikeEscape(`file\_1`, `\`), []any{"file_1"}, []any{"file_2", "fileX1", `file\_1`}},
		{name.ILikeEscape(`%\%`, `\`), []any{"10%"}, []any{"100", "10 percent"}},
		{name.Like(`C:\%`), []any{`C:\Users\test`, `C:\Program Files`, `C:\`}, []any{"/home/user", "C:"}},
		{name.Like(""), []any{""}, []any{" ", "a", nil}},
		{name.Like("%"), []any{"", "anything", "multi\nline"}, []any{nil, 123, []any{"a"}, true}},
		{name.Like("123"), []any{"123"}, []any{123, 123.0}},
		{name.Like("a%"), nil, []any{"Alice", "ALICE"}}, // case-sensitive
		// % and _ match newlines.
		{name.Like("a%b"), []any{"a\nb", "a\n\nb", "ab"}, []any{"a\nbc"}},
		{name.Like("a_b"), []any{"a\nb", "a\rb"}, []any{"a\n\nb"}},
		// Regular-expression metacharacters are literal.
		{name.Like("a.c"), []any{"a.c"}, []any{"abc"}},
		{name.Like(`a\d`), []any{`a\d`}, []any{"a1"}},
		{name.Like("(a|b)+[c]*^$?"), []any{"(a|b)+[c]*^$?"}, []any{"a", "ab"}},
		// Escapes.
		{name.LikeEscape(`100\`, `\`), []any{`100\`}, []any{"100"}}, // trailing escape is literal
		{name.LikeEscape("a!b%", "!"), []any{"abc", "abd", "ab"}, []any{"a!bc"}},
		{name.LikeEscape("a!!b", "!"), []any{"a!b"}, []any{"a!!b", "ab"}},
		{name.LikeEscape("a!_b", "!"), []any{"a_b"}, []any{"axb"}},
		{name.LikeEscape("%!%%", "!"), []any{"%", "50% off"}, []any{"50 off"}},
		{name.LikeEscape("10!%", "!!"), []any{"10!", "10!xyz"}, []any{"10%"}}, // multi-character escape ignored
		{name.LikeEscape("ab%", ""), []any{"abc"}, []any{"a"}},
		{name.LikeEscape("a%%", "%"), []any{"a%"}, []any{"a", "ab"}}, // escape '%': "%%" is a literal %
		{name.LikeEscape("a%", "%"), []any{"a%"}, []any{"a", "ab"}},  // a trailing escape is literal, even %
		{name.LikeEscape("aéb%", "é"), []any{"ab", "abc"}, []any{"aéb"}},
		// Characters are runes.
		{name.Like("_"), []any{"é", "€", "😀", "\xff"}, []any{"", "ab", "e\u0301"}},
		{name.Like("é%"), []any{"é", "éa"}, []any{"e"}},
		{name.Like("%\uFFFD"), []any{"a\uFFFD", "a\xff"}, []any{"a"}}, // invalid UTF-8 reads as U+FFFD
		{name.Like("a%b%c%d"), []any{"abcd", "axbxcxd", "abbbccd"}, []any{"abdc", "abc", "abcdx"}},
		{name.Like("%a%a%"), []any{"aa", "xaxax", "aaa"}, []any{"a", "xax"}},
		{name.Like("ab%ba"), []any{"abba", "abxba", "abba ba"}, []any{"aba", "ab", "ba", "abab"}},
		{name.Like("%_a"), []any{"ba", "bba"}, []any{"a", "ab"}},
		{name.Like("a%_"), []any{"ab", "abc"}, []any{"a"}},
		{name.Like("%%%"), []any{"", "x"}, []any{nil}},
		// ILike.
		{name.ILike("%LI%"), []any{"Alice", "charlie", "LI"}, []any{"BOB", "Diana"}},
		{name.ILike("a_b"), []any{"A1B", "a2b"}, []any{"A12B"}},
		{name.ILike("a%"), []any{"Alice", "alice", "ALICE"}, []any{"bob"}},
		{name.ILike("s"), []any{"s", "S", "ſ"}, []any{"t"}},      // simple folding, as regexp (?i)
		{name.ILike("k"), []any{"k", "K", "\u212a"}, []any{"x"}}, // Kelvin sign
		{name.ILike("STRASSE"), nil, []any{"straße"}},            // no full case folding
		{name.ILike("straße"), []any{"STRAẞE"}, []any{"STRASSE"}},
		{name.ILike("ÉTÉ%"), []any{"été", "Été!"}, []any{"ete"}},
		{name.ILike(""), []any{""}, []any{"a"}},
		{name.ILike("%"), []any{"", "x"}, []any{nil, 1}},
		{name.ILike("12_"), []any{"123"}, []any{123}},
	}
	for _, tc := range cases {
		t.Run(tc.c.String(), func(t *testing.T) {
			m := mustCompile(t, tc.c)
			for _, v := range tc.match {
				if !m(normalized(t, rec{"name": v})) {
					t.Errorf("%v does not match %q", tc.c, v)
				}
			}
			for _, v := range tc.miss {
				if m(normalized(t, rec{"name": v})) {
					t.Errorf("%v matches %q", tc.c, v)
				}
			}
			if m.MatchMap(rec{}) {
				t.Errorf("%v matches a missing field", tc.c)
			}
		})
	}
}

func TestStringFunctions(t *testing.T) {
	s := cond.Field("s")
	runMatchCases(t, []matchCase{
		{s.StartsWith("Al"), rec{"s": "Alice"}, true},
		{s.StartsWith("al"), rec{"s": "Alice"}, false},
		{s.StartsWith(""), rec{"s": ""}, true},
		{s.StartsWith("4"), rec{"s": 40}, false},
		{s.StartsWith("A"), rec{"s": nil}, false},
		{s.StartsWith("A"), rec{}, false},
		{s.EndsWith("ce"), rec{"s": "Alice"}, true},
		{s.EndsWith("CE"), rec{"s": "Alice"}, false},
		{s.EndsWith("0"), rec{"s": 40}, false},
		{s.EndsWith(""), rec{}, false},

		{s.Contains("li"), rec{"s": "Alice"}, true},
		{s.Contains("LI"), rec{"s": "Alice"}, false},
		{s.Contains(""), rec{"s": "x"}, true},
		{s.Contains(1), rec{"s": "1"}, false},
		{s.Contains("a"), rec{"s": []any{"a", "b"}}, true},
		{s.Contains("c"), rec{"s": []any{"a", "b"}}, false},
		{s.Contains(1), rec{"s": []any{1.0, 2}}, true},
		{s.Contains(true), rec{"s": []any{1}}, false},
		{s.Contains(nil), rec{"s": []any{nil}}, true},
		{s.Contains([]any{1}), rec{"s": []any{[]any{1}}}, true},
		{s.Contains("k"), rec{"s": map[string]any{"k": 1}}, true},
		{s.Contains("v"), rec{"s": map[string]any{"k": "v"}}, false}, // keys, not values
		{s.Contains(1), rec{"s": map[string]any{"1": 1}}, false},
		{s.Contains(1), rec{"s": 1}, false},
		{s.Contains("a"), rec{"s": nil}, false},
		{s.Contains("a"), rec{}, false},
		{s.Contains(nil), rec{}, false},
		{s.Contains("a"), rec{"s": []byte("a")}, false},

		{s.IEquals("ChArLiE"), rec{"s": "charlie"}, true},
		{s.IEquals("charlie"), rec{"s": "CHARLIE"}, true},
		{s.IEquals("charli"), rec{"s": "CHARLIE"}, false},
		{s.IEquals("123"), rec{"s": 123}, false},
		{s.IEquals(""), rec{}, false},
		{s.IEquals("straße"), rec{"s": "STRASSE"}, false}, // lower-casing, not folding
		{s.IEquals("s"), rec{"s": "ſ"}, false},
		{s.IEquals("k"), rec{"s": "\u212a"}, true}, // unicode.ToLower(Kelvin) == 'k'
		{s.IEquals("ÉTÉ"), rec{"s": "été"}, true},
		{s.IContains("gmail"), rec{"s": "Alice@Gmail.com"}, true},
		{s.IContains("GMAIL"), rec{"s": "x@yahoo.com"}, false},
		{s.IContains(""), rec{"s": ""}, true},
		{s.IContains("a"), rec{"s": []any{"a"}}, false},
		{s.IStartsWith("CH"), rec{"s": "charlie"}, true},
		{s.IStartsWith("ch"), rec{"s": "Xcharlie"}, false},
		{s.IEndsWith("@GmAiL.cOm"), rec{"s": "CHARLIE@Gmail.COM"}, true},
		{s.IEndsWith("@gmail.com"), rec{"s": "bob@yahoo.com"}, false},
		{s.IEndsWith("x"), rec{"s": 1}, false},
	})
}

func TestNullChecks(t *testing.T) {
	x := cond.Field("x")
	for _, tc := range []struct {
		r      rec
		isNull bool
	}{
		{rec{}, true},
		{rec{"x": nil}, true},
		{rec{"x": ""}, false},
		{rec{"x": 0}, false},
		{rec{"x": false}, false},
		{rec{"x": []any{}}, false},
		{rec{"y": 1}, true},
	} {
		if got := mustCompile(t, x.IsNull()).MatchMap(tc.r); got != tc.isNull {
			t.Errorf("IsNull on %v = %v", tc.r, got)
		}
		if got := mustCompile(t, x.IsNotNull()).MatchMap(tc.r); got == tc.isNull {
			t.Errorf("IsNotNull on %v = %v", tc.r, got)
		}
	}
	if !mustCompile(t, x.IsNull())(codec.Record{}) {
		t.Error("IsNull on a nil record = false")
	}
}

// The data set of the upstream test_case_insensitive tests (catalogue 11.3).
func TestCaseInsensitiveDataSet(t *testing.T) {
	rows := []rec{
		{"name": "Alice", "email": "Alice@Gmail.com"},
		{"name": "BOB", "email": "bob@yahoo.com"},
		{"name": "charlie", "email": "CHARLIE@Gmail.COM"},
		{"name": "Diana", "email": "diana@company.org"},
	}
	name, email := cond.Field("name"), cond.Field("email")
	for _, tc := range []struct {
		c    cond.Cond
		want []string
	}{
		{name.IEquals("ChArLiE"), []string{"charlie"}},
		{email.IContains("gmail"), []string{"Alice", "charlie"}},
		{name.IStartsWith("CH"), []string{"charlie"}},
		{email.IEndsWith("@GmAiL.cOm"), []string{"Alice", "charlie"}},
		{name.ILike("%LI%"), []string{"Alice", "charlie"}},
		{name.StartsWith("a"), nil},
		{name.IStartsWith("a"), []string{"Alice"}},
		{name.Like("a%"), nil},
	} {
		if got := selectNames(t, rows, tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("%v: got %v, want %v", tc.c, got, tc.want)
		}
	}
	abc := []rec{{"name": "A1B"}, {"name": "a2b"}, {"name": "A12B"}}
	if got := selectNames(t, abc, name.ILike("a_b")); !slices.Equal(got, []string{"A1B", "a2b"}) {
		t.Errorf("ILike(a_b): got %v", got)
	}
}

// The data set of the upstream test_logical_functions tests (catalogue 11.2).
func TestLogicalDataSet(t *testing.T) {
	rows := []rec{
		{"id": 1, "name": "Alice", "age": 30, "dept": "IT", "active": true},
		{"id": 2, "name": "Bob", "age": 25, "dept": "HR", "active": true},
		{"id": 3, "name": "Charlie", "age": 35, "dept": "IT", "active": false},
		{"id": 4, "name": "Diana", "age": 28, "dept": "Sales", "active": true},
		{"id": 5, "name": "Eve", "age": 40, "dept": "IT", "active": true},
	}
	dept, active, age, name := cond.Field("dept"), cond.Field("active"), cond.Field("age"), cond.Field("name")
	for _, tc := range []struct {
		c    cond.Cond
		want []string
	}{
		{cond.And(dept.Eq("IT"), active.Eq(true)), []string{"Alice", "Eve"}},
		{cond.And(dept.Eq("IT"), active.Eq(true), age.Gte(35)), []string{"Eve"}},
		{cond.And(dept.Eq("IT"), active.Eq(true), age.Gte(30), age.Lte(40), name.StartsWith("A")), []string{"Alice"}},
		{cond.And(dept.Eq("IT"), dept.Eq("HR")), nil},
		{cond.Or(dept.Eq("IT"), dept.Eq("HR")), []string{"Alice", "Bob", "Charlie", "Eve"}},
		{cond.Or(name.Eq("Alice"), name.Eq("Bob"), name.Eq("Diana")), []string{"Alice", "Bob", "Diana"}},
		{cond.Or(name.Eq("Alice"), name.Eq("Nobody")), []string{"Alice"}},
		{cond.Or(name.Eq("X"), name.Eq("Y")), nil},
		{cond.Not(dept.Eq("IT")), []string{"Bob", "Diana"}},
		{cond.Not(active.Eq(true)), []string{"Charlie"}},
		{cond.Not(age.Gte(30)), []string{"Bob", "Diana"}},
		{cond.And(cond.Or(dept.Eq("IT"), dept.Eq("HR")), active.Eq(true)), []string{"Alice", "Bob", "Eve"}},
		{cond.Or(cond.And(dept.Eq("IT"), age.Gte(35)), dept.Eq("Sales")), []string{"Charlie", "Diana", "Eve"}},
		{cond.And(dept.Eq("IT"), cond.Not(active.Eq(false))), []string{"Alice", "Eve"}},
		{cond.And(cond.Or(dept.Eq("IT"), dept.Eq("Sales")), age.Gte(28), cond.Not(active.Eq(false))), []string{"Alice", "Diana", "Eve"}},
		{cond.Or(
			cond.And(dept.Eq("IT"), cond.Or(age.Lt(32), age.Gt(38))),
			cond.And(dept.Eq("Sales"), active.Eq(true)),
		), []string{"Alice", "Diana", "Eve"}},
		{cond.And(dept.Eq("IT"), age.Lt(35)), []string{"Alice"}},              // the update case: 1 row
		{cond.Or(name.Eq("Alice"), name.Eq("Bob")), []string{"Alice", "Bob"}}, // the delete case: 2 rows
		// The index-planner bug cases of catalogue 9.3, which must equal a full scan.
		{cond.Or(dept.Eq("IT"), age.Gt(42)), []string{"Alice", "Charlie", "Eve"}},
		{cond.Or(dept.In("HR"), age.Eq(30)), []string{"Alice", "Bob"}},
		// Zero and one operands.
		{cond.And(), []string{"Alice", "Bob", "Charlie", "Diana", "Eve"}},
		{cond.Or(), nil},
		{cond.And(name.Eq("Bob")), []string{"Bob"}},
		{cond.Or(name.Eq("Bob")), []string{"Bob"}},
		{cond.Not(cond.And()), nil},
		{cond.Not(cond.Or()), []string{"Alice", "Bob", "Charlie", "Diana", "Eve"}},
		{nil, []string{"Alice", "Bob", "Charlie", "Diana", "Eve"}},
	} {
		if got := selectNames(t, rows, tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("%v: got %v, want %v", tc.c, got, tc.want)
		}
	}
}

func selectNames(t *testing.T, rows []rec, c cond.Cond) []string {
	t.Helper()
	m := mustCompile(t, c)
	var names []string
	for _, r := range rows {
		if m(normalized(t, r)) {
			names = append(names, r["name"].(string))
		}
	}
	return names
}

func TestAndOrShapes(t *testing.T) {
	a := cond.Field("a").Eq(1)
	if got := cond.And(a); got != a {
		t.Errorf("And(a) = %v, want a itself", got)
	}
	if got := cond.Or(a); got != a {
		t.Errorf("Or(a) = %v, want a itself", got)
	}
	if _, ok := cond.And().(*cond.AndCond); !ok {
		t.Errorf("And() is %T", cond.And())
	}
	if _, ok := cond.Or().(*cond.OrCond); !ok {
		t.Errorf("Or() is %T", cond.Or())
	}
}

func TestConjuncts(t *testing.T) {
	a, b, c, d := cond.Field("a").Eq(1), cond.Field("b").Eq(2), cond.Field("c").Eq(3), cond.Field("d").Eq(4)
	or := cond.Or(c, d)
	not := cond.Not(a)
	for _, tc := range []struct {
		in   cond.Cond
		want []cond.Cond
	}{
		{nil, nil},
		{cond.And(), nil},
		{a, []cond.Cond{a}},
		{or, []cond.Cond{or}},
		{not, []cond.Cond{not}},
		{cond.And(a, b), []cond.Cond{a, b}},
		{cond.And(a, cond.And(b, cond.And(c, cond.And())), d), []cond.Cond{a, b, c, d}},
		{cond.And(or, a), []cond.Cond{or, a}},
	} {
		got := cond.Conjuncts(tc.in)
		if len(got) != len(tc.want) {
			t.Errorf("Conjuncts(%v) = %v, want %v", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Conjuncts(%v)[%d] = %v, want %v", tc.in, i, got[i], tc.want[i])
			}
		}
	}
	// The result is a fresh slice.
	and := cond.And(a, b).(*cond.AndCond)
	cond.Conjuncts(and)[0] = c
	if and.Terms[0] != a {
		t.Error("Conjuncts shares its slice with the AndCond")
	}
}

func TestLikePrefix(t *testing.T) {
	for _, tc := range []struct {
		pattern, escape string
		prefix          string
		exact           bool
	}{
		{"", "", "", true},
		{"abc", "", "abc", true},
		{"A%", "", "A", false},
		{"A%b", "", "A", false},
		{"a_%", "", "a", false},
		{"%a", "", "", false},
		{"_", "", "", false},
		{"a!%b%", "!", "a%b", false},
		{"a!%b", "!", "a%b", true},
		{"a!b%", "!", "ab", false}, // catalogue 9.3: agrees with matching
		{`100\`, `\`, `100\`, true},
		{`C:\%`, "", `C:\`, false},
		{"a!%", "!!", "a!", false}, // multi-character escape ignored
		{"é%", "", "é", false},
		{"a\uFFFDb", "", "a", false},
		{"a\xffb", "", "a", false},
	} {
		prefix, exact := cond.LikePrefix(tc.pattern, tc.escape)
		if prefix != tc.prefix || exact != tc.exact {
			t.Errorf("LikePrefix(%q, %q) = %q, %v; want %q, %v", tc.pattern, tc.escape, prefix, exact, tc.prefix, tc.exact)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	a := cond.Field("a").Eq(1)
	deep := cond.Cond(a)
	for range 10001 {
		deep = cond.Not(deep)
	}
	cyclic := &cond.AndCond{}
	cyclic.Terms = []cond.Cond{a, cyclic}
	type embedded struct{ *cond.Pred }

	for _, tc := range []struct {
		name string
		c    cond.Cond
	}{
		{"empty field", cond.Field("").Eq(1)},
		{"zero FieldRef", cond.FieldRef{}.IsNull()},
		{"nil in And", cond.And(a, nil)},
		{"only nil in And", cond.And(nil)},
		{"nil in Or", cond.Or(nil, a)},
		{"only nil in Or", cond.Or(nil)},
		{"nil Not", cond.Not(nil)},
		{"nested", cond.Or(a, cond.And(a, cond.Not(cond.Field("").IsNull())))},
		{"typed nil Pred", (*cond.Pred)(nil)},
		{"typed nil And", (*cond.AndCond)(nil)},
		{"typed nil Or", (*cond.OrCond)(nil)},
		{"typed nil Not", (*cond.NotCond)(nil)},
		{"zero Pred", &cond.Pred{}},
		{"zero Op", &cond.Pred{Field: "a", Args: []any{int64(1)}}},
		{"unknown Op", &cond.Pred{Field: "a", Op: 200, Args: []any{int64(1)}}},
		{"missing operand", &cond.Pred{Field: "a", Op: cond.EqOp}},
		{"extra operand", &cond.Pred{Field: "a", Op: cond.IsNullOp, Args: []any{int64(1)}}},
		{"Between with one operand", &cond.Pred{Field: "a", Op: cond.BetweenOp, Args: []any{int64(1)}}},
		{"Like with a number", &cond.Pred{Field: "a", Op: cond.LikeOp, Args: []any{int64(1)}}},
		{"IEquals with nil", &cond.Pred{Field: "a", Op: cond.IEqualsOp, Args: []any{nil}}},
		{"escape on Eq", &cond.Pred{Field: "a", Op: cond.EqOp, Args: []any{"x"}, Escape: "!"}},
		{"unsupported literal operand", &cond.Pred{Field: "a", Op: cond.EqOp, Args: []any{struct{}{}}}},
		{"too deep", deep},
		{"cyclic", cyclic},
		{"foreign type", embedded{a.(*cond.Pred)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := cond.Compile(tc.c)
			if err == nil || m != nil {
				t.Fatalf("Compile(%v) = %v, %v; want an error", tc.c, m != nil, err)
			}
			if !errors.Is(err, cond.ErrInvalidQuery) {
				t.Errorf("error %v does not wrap ErrInvalidQuery", err)
			}
			var qe *cond.QueryError
			if !errors.As(err, &qe) || qe.Msg == "" {
				t.Errorf("error %v is not a *QueryError with a message", err)
			}
			// A problem with a named field's predicate names it first.
			want := "invalid query: "
			if qe.Field != "" {
				want = `field "a": invalid query: operator `
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error text %q, field %q", err, qe.Field)
			}
			_ = tc.c.String() // never panics, even on invalid trees
		})
	}
}

func TestUnsupportedValues(t *testing.T) {
	f := cond.Field("f")
	for _, c := range []cond.Cond{
		f.Eq(struct{}{}),
		f.Ne(make(chan int)),
		f.Lt(math.NaN()),
		f.Gte(math.Inf(1)),
		f.In(1, 2, func() {}),
		f.Between(1, uint64(math.MaxUint64)),
		f.Contains(map[int]int{1: 1}),
		f.Eq([]any{1, &struct{}{}}),
		cond.And(f.Eq(1), cond.Not(f.Eq(new(int)))),
	} {
		t.Run(c.String(), func(t *testing.T) {
			_, err := cond.Compile(c)
			if !errors.Is(err, cond.ErrInvalidQuery) || !errors.Is(err, codec.ErrUnsupportedValue) {
				t.Fatalf("Compile(%v) = %v; want ErrInvalidQuery and codec.ErrUnsupportedValue", c, err)
			}
			var qe *cond.QueryError
			var ve *codec.ValueError
			if !errors.As(err, &qe) || !errors.As(err, &ve) || !strings.HasPrefix(ve.Path, "f") {
				t.Errorf("error %v: want a *QueryError and a *codec.ValueError for f", err)
			}
			if !strings.Contains(err.Error(), `"f"`) {
				t.Errorf("error %q does not name the field", err)
			}
		})
	}
}

func TestQueryError(t *testing.T) {
	err := error(&cond.QueryError{Msg: "bad"})
	if err.Error() != "invalid query: bad" || errors.Unwrap(err) != cond.ErrInvalidQuery {
		t.Errorf("QueryError: %q, unwraps to %v", err, errors.Unwrap(err))
	}
	if cond.ErrInvalidQuery.Error() != "invalid query" {
		t.Errorf("ErrInvalidQuery = %q", cond.ErrInvalidQuery)
	}
}

func TestPredLiteral(t *testing.T) {
	// A Pred built by hand may hold Go values that are not normalized yet.
	p := &cond.Pred{Field: "a", Op: cond.InOp, Args: []any{5, uint8(6), []string{"x"}}}
	m := mustCompile(t, p)
	for _, v := range []any{int64(5), 6.0, []any{"x"}} {
		if !m.MatchMap(rec{"a": v}) {
			t.Errorf("%v does not match %v", p, v)
		}
	}
	type name string
	like := mustCompile(t, &cond.Pred{Field: "a", Op: cond.LikeOp, Args: []any{name("x%")}})
	if !like.MatchMap(rec{"a": "xy"}) {
		t.Error("a named string type does not work as a LIKE pattern")
	}
	// The Matcher does not depend on the Pred after Compile.
	p.Args[0] = 7
	if !m.MatchMap(rec{"a": int64(5)}) {
		t.Error("the Matcher changed with its Pred")
	}
}

func TestBuildersCopy(t *testing.T) {
	vals := []any{1, 2}
	list := []any{"a"}
	in := cond.Field("a").In(vals...)
	eq := cond.Field("a").Eq(list)
	vals[0], list[0] = 99, "z"
	if !mustCompile(t, in).MatchMap(rec{"a": int64(1)}) {
		t.Error("In follows a change to the caller's slice")
	}
	if !mustCompile(t, eq).MatchMap(rec{"a": []any{"a"}}) {
		t.Error("Eq follows a change to the caller's list")
	}
	a, b := cond.Field("a").Eq(1), cond.Field("b").Eq(2)
	terms := []cond.Cond{a, b}
	and, or := cond.And(terms...), cond.Or(terms...)
	terms[0] = nil
	if and.String() != "(a = 1 AND b = 2)" || or.String() != "(a = 1 OR b = 2)" {
		t.Errorf("And/Or follow a change to the caller's slice: %v, %v", and, or)
	}
	if p := in.(*cond.Pred); p.Field != "a" || p.Op != cond.InOp || len(p.Args) != 2 || p.Args[0] != int64(1) {
		t.Errorf("In: %#v", p)
	}
	if p := cond.Field("n").LikeEscape("a!%", "!").(*cond.Pred); p.Op != cond.LikeOp || p.Escape != "!" || p.Args[0] != "a!%" {
		t.Errorf("LikeEscape: %#v", p)
	}
	if cond.Field("n").Name() != "n" {
		t.Error("FieldRef.Name")
	}
}

func TestOpString(t *testing.T) {
	want := map[cond.Op]string{
		cond.EqOp: "=", cond.NeOp: "!=", cond.LtOp: "<", cond.LteOp: "<=", cond.GtOp: ">", cond.GteOp: ">=",
		cond.InOp: "IN", cond.BetweenOp: "BETWEEN", cond.LikeOp: "LIKE", cond.ILikeOp: "ILIKE",
		cond.StartsWithOp: "startswith", cond.EndsWithOp: "endswith", cond.ContainsOp: "contains",
		cond.IEqualsOp: "iequals", cond.IContainsOp: "icontains", cond.IStartsWithOp: "istartswith",
		cond.IEndsWithOp: "iendswith", cond.IsNullOp: "IS NULL", cond.IsNotNullOp: "IS NOT NULL",
		0: "Op(0)", 42: "Op(42)",
	}
	for op, s := range want {
		if op.String() != s {
			t.Errorf("Op(%d).String() = %q, want %q", uint8(op), op.String(), s)
		}
	}
}

// TestConcurrentMatch shares one Matcher and one Cond between goroutines; run
// it under -race.
func TestConcurrentMatch(t *testing.T) {
	var vals []any
	for i := range 20 {
		vals = append(vals, i)
	}
	c := cond.And(cond.Field("a").In(vals...), cond.Field("s").ILike("%X_"), cond.Not(cond.Field("b").IsNull()))
	m := mustCompile(t, c)
	r := normalized(t, rec{"a": 7, "s": "abxy", "b": 1})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if !m(r) || c.String() == "" {
					t.Error("concurrent match failed")
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestMatchersDoNotAllocate checks that evaluating a compiled Matcher does not
// allocate, for every operator.
func TestMatchersDoNotAllocate(t *testing.T) {
	var big []any
	for i := range 50 {
		big = append(big, fmt.Sprint("v", i))
	}
	r := normalized(t, rec{
		"name": "Alice Émilie", "n": 42, "f": 2.5, "tags": []any{"a", "b", 3},
		"m": map[string]any{"k": 1}, "s": "v17", "t": t1, "b": []byte("xy"),
	})
	for _, c := range []cond.Cond{
		cond.Field("name").Eq("Alice Émilie"),
		cond.Field("n").Eq(42),
		cond.Field("f").Eq(2.5),
		cond.Field("tags").Eq([]any{"a", "b", 3}),
		cond.Field("n").Ne(41),
		cond.Field("n").Gt(40),
		cond.Field("f").Lte(3),
		cond.Field("name").Gte("A"),
		cond.Field("t").Lt(t2),
		cond.Field("n").Between(40, 50),
		cond.Field("s").In("v1", "v17"),
		cond.Field("s").In(big...),
		cond.Field("n").In(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 42),
		cond.Not(cond.Field("tags").In(big...)),
		cond.Field("name").Like("Ali%"),
		cond.Field("name").Like("%ice%"),
		cond.Field("name").Like("A_i%e É%"),
		cond.Field("name").ILike("a_I%ÉMILIE"),
		cond.Field("name").StartsWith("Al"),
		cond.Field("name").EndsWith("ie"),
		cond.Field("name").Contains("ice"),
		cond.Field("tags").Contains(3),
		cond.Field("m").Contains("k"),
		cond.Field("name").IEquals("alice émilie"),
		cond.Field("name").IContains("ÉMI"),
		cond.Field("name").IStartsWith("ALI"),
		cond.Field("name").IEndsWith("MILIE"),
		cond.Field("x").IsNull(),
		cond.Field("n").IsNotNull(),
		cond.And(cond.Field("n").Gt(1), cond.Field("f").Lt(3), cond.Not(cond.Field("x").IsNotNull())),
		cond.Or(cond.Field("n").Lt(1), cond.Field("f").Gt(3), cond.Field("s").Eq("v17")),
	} {
		m := mustCompile(t, c)
		if !m(r) {
			t.Errorf("%v does not match the test record", c)
		}
		if n := testing.AllocsPerRun(100, func() { m(r) }); n != 0 {
			t.Errorf("%v: %v allocations per record", c, n)
		}
	}
}
