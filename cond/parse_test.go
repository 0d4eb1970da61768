package cond_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/cond"
)

func TestParse(t *testing.T) {
	age, name := cond.Field("age"), cond.Field("name")
	tm := time.Date(2024, 2, 29, 12, 30, 0, 500, time.UTC)
	for _, tc := range []struct {
		in   string
		want cond.Cond
	}{
		{"age >= 30", age.Gte(30)},
		{"age>=30", age.Gte(30)},
		{"age > 30", age.Gt(30)},
		{"age < -30", age.Lt(-30)},
		{"age <= +30", age.Lte(30)},
		{"age = 30", age.Eq(30)},
		{"age == 30", age.Eq(30)},
		{"age != 30", age.Ne(30)},
		{"age <> 30", age.Ne(30)},
		{"age = 30.0", age.Eq(30.0)},
		{"age = 3.", age.Eq(3.0)},
		{"age = .5", age.Eq(0.5)},
		{"age = -.5e1", age.Eq(-5.0)},
		{"age = 1e3", age.Eq(1000.0)},
		{"age = 1E-3", age.Eq(0.001)},
		{"age = -0.0", age.Eq(math.Copysign(0, -1))},
		{"age = 9223372036854775807", age.Eq(int64(math.MaxInt64))},
		{"age = -9223372036854775808", age.Eq(int64(math.MinInt64))},
		{"age = 007", age.Eq(7)},
		{"name = 'Bob'", name.Eq("Bob")},
		{"name = 'O''Brien'", name.Eq("O'Brien")},
		{"name = ''", name.Eq("")},
		{"name = ''''", name.Eq("'")},
		{"name = 'line\nbreak'", name.Eq("line\nbreak")},
		{"name = 'ünïcode ✓'", name.Eq("ünïcode ✓")},
		{"name = '\xff'", name.Eq("\xff")},
		{"a = true", cond.Field("a").Eq(true)},
		{"a = FALSE", cond.Field("a").Eq(false)},
		{"a = Null", cond.Field("a").Eq(nil)},
		{"a != null", cond.Field("a").Ne(nil)},
		{"a = [1, 'x', [], {}]", cond.Field("a").Eq([]any{1, "x", []any{}, map[string]any{}})},
		{"a = {'k': 1, 'j': [true, null]}", cond.Field("a").Eq(map[string]any{"k": 1, "j": []any{true, nil}})},
		{"a = x'00ff10'", cond.Field("a").Eq([]byte{0, 0xff, 0x10})},
		{"a = X'ABcd'", cond.Field("a").Eq([]byte{0xab, 0xcd})},
		{"a = x''", cond.Field("a").Eq([]byte{})},
		{"a = timestamp '2024-02-29T12:30:00.0000005Z'", cond.Field("a").Eq(tm)},
		{"a = TIMESTAMP '2024-02-29T13:30:00.0000005+01:00'", cond.Field("a").Eq(tm)},
		{"a < timestamp '10000-01-01T00:00:00Z'", cond.Field("a").Lt(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))},
		{"a < timestamp '-0001-03-01T00:00:00Z'", cond.Field("a").Lt(time.Date(-1, 3, 1, 0, 0, 0, 0, time.UTC))},
		// Field names.
		{`"first name" = 'x'`, cond.Field("first name").Eq("x")},
		{`"say ""hi""" = 1`, cond.Field(`say "hi"`).Eq(1)},
		{`"AND" = 1`, cond.Field("AND").Eq(1)},
		{`"a.b" = 1`, cond.Field("a.b").Eq(1)},
		{`_x9 = 1`, cond.Field("_x9").Eq(1)},
		{`größe = 1`, cond.Field("größe").Eq(1)},
		{`Age = 1`, cond.Field("Age").Eq(1)},
		{`timestamp = 1`, cond.Field("timestamp").Eq(1)},
		{`x = x'01'`, cond.Field("x").Eq([]byte{1})},
		{`startswith = 'a'`, cond.Field("startswith").Eq("a")},
		// IN, BETWEEN, LIKE, IS NULL.
		{"dept IN ('IT', 'HR')", cond.Field("dept").In("IT", "HR")},
		{"dept in ()", cond.Field("dept").In()},
		{"dept IN (null)", cond.Field("dept").In(nil)},
		{"dept NOT IN (1,2)", cond.Not(cond.Field("dept").In(1, 2))},
		{"age BETWEEN 20 AND 30", age.Between(20, 30)},
		{"age between 2.5 and 'x'", age.Between(2.5, "x")},
		{"age NOT BETWEEN 1 AND 2", cond.Not(age.Between(1, 2))},
		{"name LIKE 'A%'", name.Like("A%")},
		{"name like 'a!%' escape '!'", name.LikeEscape("a!%", "!")},
		{"name LIKE 'a' ESCAPE ''", name.Like("a")},
		{"name ILIKE '%li%'", name.ILike("%li%")},
		{"name ILIKE '%' ESCAPE '\\'", name.ILikeEscape("%", `\`)},
		{"name NOT LIKE 'A%'", cond.Not(name.Like("A%"))},
		{"name NOT ILIKE 'A%'", cond.Not(name.ILike("A%"))},
		{"name IS NULL", name.IsNull()},
		{"name is not null", name.IsNotNull()},
		// Functions.
		{"startswith(name, 'A')", name.StartsWith("A")},
		{"StartsWith ( name , 'A' )", name.StartsWith("A")},
		{"endswith(name, 'e')", name.EndsWith("e")},
		{"contains(tags, 'go')", cond.Field("tags").Contains("go")},
		{"contains(tags, 1)", cond.Field("tags").Contains(1)},
		{"contains(tags, [1])", cond.Field("tags").Contains([]any{1})},
		{"contains(tags, null)", cond.Field("tags").Contains(nil)},
		{"iequals(name, 'bob')", name.IEquals("bob")},
		{"icontains(\"e mail\", 'GMAIL')", cond.Field("e mail").IContains("GMAIL")},
		{"istartswith(name, 'a')", name.IStartsWith("a")},
		{"iendswith(name, 'a')", name.IEndsWith("a")},
		{"contains(contains, 'x')", cond.Field("contains").Contains("x")},
		// Logic and precedence.
		{"a = 1 AND b = 2", cond.And(cond.Field("a").Eq(1), cond.Field("b").Eq(2))},
		{"a = 1 and b = 2 and c = 3", cond.And(cond.Field("a").Eq(1), cond.Field("b").Eq(2), cond.Field("c").Eq(3))},
		{"a = 1 OR b = 2 AND c = 3", cond.Or(cond.Field("a").Eq(1), cond.And(cond.Field("b").Eq(2), cond.Field("c").Eq(3)))},
		{"a = 1 AND b = 2 OR c = 3", cond.Or(cond.And(cond.Field("a").Eq(1), cond.Field("b").Eq(2)), cond.Field("c").Eq(3))},
		{"(a = 1 OR b = 2) AND c = 3", cond.And(cond.Or(cond.Field("a").Eq(1), cond.Field("b").Eq(2)), cond.Field("c").Eq(3))},
		{"(a = 1 AND b = 2) AND c = 3", cond.And(cond.And(cond.Field("a").Eq(1), cond.Field("b").Eq(2)), cond.Field("c").Eq(3))},
		{"((a = 1))", cond.Field("a").Eq(1)},
		{"NOT a = 1", cond.Not(cond.Field("a").Eq(1))},
		{"NOT a = 1 AND b = 2", cond.And(cond.Not(cond.Field("a").Eq(1)), cond.Field("b").Eq(2))},
		{"NOT (a = 1 AND b = 2)", cond.Not(cond.And(cond.Field("a").Eq(1), cond.Field("b").Eq(2)))},
		{"not not a = 1", cond.Not(cond.Not(cond.Field("a").Eq(1)))},
		{"TRUE", cond.And()},
		{"false", cond.Or()},
		{"NOT (TRUE)", cond.Not(cond.And())},
		{"TRUE OR a = 1", cond.Or(cond.And(), cond.Field("a").Eq(1))},
		{" \t\n a = 1 \r\n", cond.Field("a").Eq(1)},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := cond.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got.String() != tc.want.String() {
				t.Errorf("Parse(%q) = %s, want %s", tc.in, got, tc.want)
			}
			if _, err := cond.Compile(got); err != nil {
				t.Errorf("Compile(Parse(%q)): %v", tc.in, err)
			}
			assertReparses(t, got)
		})
	}
}

// assertReparses checks that c prints as text that parses back to a
// condition printing the same.
func assertReparses(t *testing.T, c cond.Cond) {
	t.Helper()
	s := c.String()
	back, err := cond.Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) (from String): %v", s, err)
	}
	if back.String() != s {
		t.Fatalf("Parse(%q).String() = %q", s, back.String())
	}
}

func TestParseMeaning(t *testing.T) {
	rows := []map[string]any{
		{"id": 1, "name": "Alice", "age": 30, "dept": "IT", "tags": []any{"go", "db"}},
		{"id": 2, "name": "Bob", "age": 25, "dept": "HR"},
		{"id": 3, "name": "charlie", "age": 35.5, "dept": "IT", "email": "c@x.org"},
		{"id": 4, "name": "O'Hara", "age": nil, "dept": "Sales"},
	}
	for _, tc := range []struct {
		in   string
		want []int64
	}{
		{"dept = 'IT' AND age >= 30", []int64{1, 3}},
		{"dept = 'IT' OR dept = 'HR' AND age < 30", []int64{1, 2, 3}},
		{"(dept = 'IT' OR dept = 'HR') AND age < 30", []int64{2}},
		{"NOT dept = 'IT'", []int64{2, 4}},
		{"age IS NULL", []int64{4}},
		{"email IS NOT NULL", []int64{3}},
		{"email != 'c@x.org'", []int64{1, 2, 4}},
		{"age BETWEEN 25 AND 30", []int64{1, 2}},
		{"age NOT BETWEEN 25 AND 30", []int64{3, 4}},
		{"name ILIKE 'c%'", []int64{3}},
		{"name LIKE '%''%'", []int64{4}},
		{"contains(tags, 'db')", []int64{1}},
		{"istartswith(name, 'AL')", []int64{1}},
		{"id IN (2, 4.0, 'x')", []int64{2, 4}},
		{"TRUE", []int64{1, 2, 3, 4}},
		{"FALSE", nil},
	} {
		c, err := cond.Parse(tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		m, err := cond.Compile(c)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.in, err)
		}
		var got []int64
		for _, r := range rows {
			n, err := codec.NormalizeRecord(r)
			if err != nil {
				t.Fatal(err)
			}
			if m(n) {
				got = append(got, n.Map()["id"].(int64))
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got ids %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in       string
		pos      int
		expected string // a substring of ParseError.Expected
	}{
		{"", 0, "a condition"},
		{"   ", 3, "a condition"},
		{"age", 3, "an operator"},
		{"age >=", 6, "a value"},
		{"age >= 30 AND", 13, "a condition"},
		{"age >= 30 age", 10, "AND, OR or the end"},
		{"(age >= 30", 10, "')'"},
		{"age >= 30)", 9, "AND, OR or the end"},
		{"age = 99999999999999999999", 6, "an integer from"},
		{"age = -9223372036854775809", 6, "an integer from"},
		{"age = 1e999", 6, "a finite float"},
		{"age = 12abc", 6, "a number"},
		{"age = 1.2.3", 6, "a number"},
		{"age = 1e", 6, "a number"},
		{"name = 'abc", 7, "a closing '"},
		{`"name = 1`, 0, `a closing "`},
		{`"" = 1`, 0, "a non-empty field name"},
		{"name = x'abc'", 7, "hex digits"},
		{"name = x'zz'", 7, "hex digits"},
		{"name = x'ab", 8, "a closing '"},
		{"name = 'a' 'b'", 11, "AND, OR"},
		{"AND = 1", 0, "a condition"},
		{"null = 1", 0, "a condition"},
		{"a = b", 4, "a value"},
		{"a = @", 4, "a value"},
		{"a ! 1", 2, "an operator"},
		{"a.b = 1", 1, "an operator"},
		{"a IS 1", 5, "NULL or NOT NULL"},
		{"a IS NOT 1", 9, "NULL"},
		{"a NOT = 1", 6, "IN, BETWEEN, LIKE or ILIKE"},
		{"a IN 1", 5, "'('"},
		{"a IN (1 2)", 8, "',' or ')'"},
		{"a IN (1,)", 8, "a value"},
		{"a BETWEEN 1 OR 2", 12, "AND"},
		{"a LIKE 1", 7, "a 'pattern'"},
		{"a LIKE 'x' ESCAPE 1", 18, "an 'escape' string"},
		{"startswith(a, 1)", 14, "a 'string'"},
		{"startswith(a 'x')", 13, "','"},
		{"startswith(a, 'x'", 17, "')'"},
		{"startswith('a', 'x')", 11, "a field name"},
		{"foo(a, 'x')", 0, "a function name"},
		{"a = [1, 2", 9, "',' or ']'"},
		{"a = {1: 2}", 5, "a 'key'"},
		{"a = {'k' 2}", 9, "':'"},
		{"a = {'k': 1, 'k': 2}", 13, "distinct map keys"},
		{"a = timestamp 5", 14, "a 'time'"},
		{"a = timestamp '2024-13-01T00:00:00Z'", 14, "RFC 3339"},
		{"a = timestamp '2023-02-29T00:00:00Z'", 14, "RFC 3339"},
		{"a = timestamp '10001-02-29T00:00:00Z'", 14, "RFC 3339"},
		{"a = " + strings.Repeat("[", 33) + strings.Repeat("]", 33), 4 + 32, "nested at most 32"},
		{"a = 1 AND \x80", 10, "a condition"},
		{"NOT", 3, "a condition"},
		{"()", 1, "a condition"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			c, err := cond.Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tc.in, c)
			}
			if !errors.Is(err, cond.ErrInvalidQuery) {
				t.Errorf("error %v does not wrap ErrInvalidQuery", err)
			}
			var pe *cond.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Pos != tc.pos || !strings.Contains(pe.Expected, tc.expected) {
				t.Errorf("Parse(%q): error at %d expecting %q (found %s); want at %d expecting %q",
					tc.in, pe.Pos, pe.Expected, pe.Found, tc.pos, tc.expected)
			}
			if want := fmt.Sprintf("invalid query: at byte %d: expected ", tc.pos); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error text %q", err)
			}
		})
	}
}

func TestParseDepth(t *testing.T) {
	leaf := cond.Field("a").Eq(1)
	deep := leaf
	for range 10000 {
		deep = cond.Not(deep)
	}
	assertReparses(t, deep)
	if _, err := cond.Compile(deep); err != nil {
		t.Fatal(err)
	}
	if _, err := cond.Parse("NOT " + deep.String()); err == nil {
		t.Error("a condition 10001 levels deep parses")
	}
	// Deep nesting of junctions too.
	deepAnd := leaf
	for range 10000 {
		deepAnd = cond.And(leaf, deepAnd)
	}
	assertReparses(t, deepAnd)
	// Parentheses alone add no level, but are bounded.
	if _, err := cond.Parse(strings.Repeat("(", 20000) + "a = 1" + strings.Repeat(")", 20000)); err != nil {
		t.Errorf("20000 parentheses: %v", err)
	}
	if _, err := cond.Parse(strings.Repeat("(", 1<<20) + "a = 1" + strings.Repeat(")", 1<<20)); !errors.Is(err, cond.ErrInvalidQuery) {
		t.Errorf("2^20 parentheses: %v", err)
	}
}

func TestMustParse(t *testing.T) {
	if got := cond.MustParse("a = 1").String(); got != "a = 1" {
		t.Errorf("MustParse = %s", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustParse of bad input did not panic")
		}
	}()
	cond.MustParse("a =")
}

// condGen generates random conditions and records from a seeded source.
type condGen struct {
	r      *rand.Rand
	fields []string
}

func newCondGen(seed uint64) *condGen {
	return &condGen{
		r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		fields: []string{"a", "age", "name", "x", "timestamp", "startswith", "AND", "null",
			"with space", `quo"te`, "ünï", "1st", "a.b", "it's", "\xff"},
	}
}

func (g *condGen) field() cond.FieldRef { return cond.Field(g.fields[g.r.IntN(len(g.fields))]) }

func (g *condGen) str() string {
	alphabet := []string{"a", "B", "%", "_", "'", "''", `"`, "!", `\`, " ", "\n", "é", "\xff", "AND", "x"}
	var b strings.Builder
	for range g.r.IntN(6) {
		b.WriteString(alphabet[g.r.IntN(len(alphabet))])
	}
	return b.String()
}

func (g *condGen) value(depth int) any {
	n := 9
	if depth < 3 {
		n = 11
	}
	switch g.r.IntN(n) {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2:
		return []int64{0, 1, -1, 30, math.MaxInt64, math.MinInt64}[g.r.IntN(6)]
	case 3:
		return g.r.Int64N(200) - 100
	case 4:
		for {
			f := math.Float64frombits(g.r.Uint64())
			if g.r.IntN(2) == 0 {
				f = []float64{0, math.Copysign(0, -1), 0.5, 1e16, 1e-5, 30, -2.5, math.MaxFloat64, math.SmallestNonzeroFloat64}[g.r.IntN(9)]
			}
			if !math.IsNaN(f) && !math.IsInf(f, 0) {
				return f
			}
		}
	case 5, 6:
		return g.str()
	case 7:
		b := make([]byte, g.r.IntN(4))
		for i := range b {
			b[i] = byte(g.r.IntN(256))
		}
		return b
	case 8:
		return time.Unix(g.r.Int64N(1<<36)-1<<35, g.r.Int64N(1e9)).UTC()
	case 9:
		l := make([]any, g.r.IntN(3))
		for i := range l {
			l[i] = g.value(depth + 1)
		}
		return l
	default:
		m := map[string]any{}
		for range g.r.IntN(3) {
			m[g.str()] = g.value(depth + 1)
		}
		return m
	}
}

func (g *condGen) pred() cond.Cond {
	f := g.field()
	switch g.r.IntN(19) {
	case 0:
		return f.Eq(g.value(0))
	case 1:
		return f.Ne(g.value(0))
	case 2:
		return f.Lt(g.value(0))
	case 3:
		return f.Lte(g.value(0))
	case 4:
		return f.Gt(g.value(0))
	case 5:
		return f.Gte(g.value(0))
	case 6:
		vals := make([]any, g.r.IntN(4))
		for i := range vals {
			vals[i] = g.value(0)
		}
		return f.In(vals...)
	case 7:
		return f.Between(g.value(0), g.value(0))
	case 8:
		return f.LikeEscape(g.str(), []string{"", "!", `\`, "'", "ab"}[g.r.IntN(5)])
	case 9:
		return f.ILikeEscape(g.str(), []string{"", "!", `\`}[g.r.IntN(3)])
	case 10:
		return f.StartsWith(g.str())
	case 11:
		return f.EndsWith(g.str())
	case 12:
		return f.Contains(g.value(0))
	case 13:
		return f.IEquals(g.str())
	case 14:
		return f.IContains(g.str())
	case 15:
		return f.IStartsWith(g.str())
	case 16:
		return f.IEndsWith(g.str())
	case 17:
		return f.IsNull()
	default:
		return f.IsNotNull()
	}
}

func (g *condGen) cond(depth int) cond.Cond {
	if depth >= 4 || g.r.IntN(3) == 0 {
		return g.pred()
	}
	terms := func() []cond.Cond {
		ts := make([]cond.Cond, g.r.IntN(4))
		for i := range ts {
			ts[i] = g.cond(depth + 1)
		}
		return ts
	}
	switch g.r.IntN(3) {
	case 0:
		return cond.And(terms()...)
	case 1:
		return cond.Or(terms()...)
	}
	return cond.Not(g.cond(depth + 1))
}

func (g *condGen) record() map[string]any {
	r := map[string]any{}
	for _, f := range g.fields {
		if g.r.IntN(3) > 0 {
			r[f] = g.value(0)
		}
	}
	return r
}

func TestParseRoundTrip(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	g := newCondGen(seed)
	var recs []codec.Record
	for range 50 {
		r, err := codec.NormalizeRecord(g.record())
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		c := g.cond(0)
		s := c.String()
		back, err := cond.Parse(s)
		if err != nil {
			t.Fatalf("seed %d, case %d: Parse(%q): %v", seed, i, s, err)
		}
		if got := back.String(); got != s {
			t.Fatalf("seed %d, case %d: Parse(%q).String() = %q", seed, i, s, got)
		}
		m1, err1 := cond.Compile(c)
		m2, err2 := cond.Compile(back)
		if err1 != nil || err2 != nil {
			t.Fatalf("seed %d, case %d: Compile(%q): %v; after parsing: %v", seed, i, s, err1, err2)
		}
		for _, r := range recs {
			if m1(r) != m2(r) {
				t.Fatalf("seed %d, case %d: %q and its parse disagree on %v", seed, i, s, r)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"age >= 30",
		"(dept = 'IT' AND age >= 25) OR NOT name LIKE 'a!%' ESCAPE '!'",
		"a IN (1, 2.5, 'x', null, true, [1, {'k': x'00'}])",
		"a BETWEEN timestamp '2006-01-02T15:04:05.999999999Z' AND timestamp '10000-01-01T00:00:00Z'",
		`"first ""name""" ILIKE '%é%' AND startswith(x, '''')`,
		"contains(tags, 'go') OR icontains(email, 'GMAIL') OR iendswith(e, '.ORG')",
		"a IS NOT NULL AND b IS NULL AND c NOT IN () AND d NOT BETWEEN 1 AND 2",
		"TRUE OR FALSE OR NOT (TRUE)",
		"a = -9223372036854775808 AND b = 1e+16 AND c = -0.0 AND d = .5",
		"a <> 1 AND b == 2 AND c != 3 AND d <= 4 AND e > 5 AND f < 6",
		"a = 99999999999999999999",
		"a = 'unterminated",
		"NOT NOT NOT (((a = 1)))",
	} {
		f.Add(s)
	}
	recs := []map[string]any{
		{},
		{"a": int64(1), "age": int64(30), "name": "alice", "tags": []any{"go"}},
		{"a": "x", "age": 30.5, "name": nil, "dept": "IT", "x": []byte{0}},
		{"a": []any{int64(1), "x"}, "b": map[string]any{"k": true}, "c": time.Unix(0, 0).UTC()},
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := cond.Parse(text)
		if err != nil {
			var pe *cond.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, cond.ErrInvalidQuery) {
				t.Fatalf("Parse(%q): error %v is not a *ParseError wrapping ErrInvalidQuery", text, err)
			}
			if pe.Pos < 0 || pe.Pos > len(text) || pe.Expected == "" || pe.Found == "" {
				t.Fatalf("Parse(%q): bad error %#v", text, pe)
			}
			return
		}
		s := c.String()
		back, err := cond.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", text, s, err)
		}
		if got := back.String(); got != s {
			t.Fatalf("Parse(%q) prints %q, which parses to %q", text, s, got)
		}
		m1, err := cond.Compile(c)
		if err != nil {
			t.Fatalf("Compile(Parse(%q)): %v", text, err)
		}
		m2, err := cond.Compile(back)
		if err != nil {
			t.Fatalf("Compile(Parse(%q)): %v", s, err)
		}
		for _, r := range recs {
			if m1.MatchMap(r) != m2.MatchMap(r) {
				t.Fatalf("%q and %q disagree on %v", text, s, r)
			}
		}
	})
}
