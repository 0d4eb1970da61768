package cond_test

import (
	"math"
	"testing"
	"time"

	"github.com/dictdb-go/dictdb/cond"
)

func TestString(t *testing.T) {
	a, b := cond.Field("a").Eq(1), cond.Field("b").Eq(2)
	tm := time.Date(2006, 1, 2, 15, 4, 5, 999999999, time.FixedZone("X", -7*3600))
	for _, tc := range []struct {
		c    cond.Cond
		want string
	}{
		{cond.Field("age").Gte(30), "age >= 30"},
		{cond.Field("age").Gt(30), "age > 30"},
		{cond.Field("age").Lt(-30), "age < -30"},
		{cond.Field("age").Lte(30), "age <= 30"},
		{cond.Field("name").Eq("Bob"), "name = 'Bob'"},
		{cond.Field("name").Eq("O'Brien"), "name = 'O''Brien'"},
		{cond.Field("name").Eq("line\nbreak"), "name = 'line\nbreak'"},
		{cond.Field("a").Ne(1), "a != 1"},
		{cond.Field("a").Eq(nil), "a = null"},
		{cond.Field("a").Ne(nil), "a != null"},
		{cond.Field("a").Eq(true), "a = true"},
		{cond.Field("a").Eq(false), "a = false"},
		{cond.And(a, b), "(a = 1 AND b = 2)"},
		{cond.Or(a, b), "(a = 1 OR b = 2)"},
		{cond.And(a, cond.Or(b, a)), "(a = 1 AND (b = 2 OR a = 1))"},
		{cond.Not(a), "NOT (a = 1)"},
		{cond.Not(cond.And(a, b)), "NOT (a = 1 AND b = 2)"},
		{cond.Not(cond.Not(a)), "NOT (NOT (a = 1))"},
		{cond.Not(cond.And()), "NOT (TRUE)"},
		{cond.And(), "TRUE"},
		{cond.Or(), "FALSE"},
		{&cond.AndCond{Terms: []cond.Cond{a}}, "(a = 1)"},
		{cond.Field("dept").In("IT", "HR"), "dept IN ('IT', 'HR')"},
		{cond.Field("dept").In(), "dept IN ()"},
		{cond.Field("dept").In(1, nil), "dept IN (1, null)"},
		{cond.Field("age").Between(25, 45), "age BETWEEN 25 AND 45"},
		{cond.Field("age").Between(2.5, "x"), "age BETWEEN 2.5 AND 'x'"},
		{cond.Field("name").Like("A%"), "name LIKE 'A%'"},
		{cond.Field("name").LikeEscape("a!%", "!"), "name LIKE 'a!%' ESCAPE '!'"},
		{cond.Field("name").LikeEscape("a'%", "'"), "name LIKE 'a''%' ESCAPE ''''"},
		{cond.Field("name").LikeEscape("a%", ""), "name LIKE 'a%'"},
		{cond.Field("name").ILike("%li%"), "name ILIKE '%li%'"},
		{cond.Field("name").ILikeEscape(`%\%`, `\`), `name ILIKE '%\%' ESCAPE '\'`},
		{cond.Field("x").IsNull(), "x IS NULL"},
		{cond.Field("x").IsNotNull(), "x IS NOT NULL"},
		{cond.Field("name").StartsWith("A"), "startswith(name, 'A')"},
		{cond.Field("name").EndsWith("e"), "endswith(name, 'e')"},
		{cond.Field("tags").Contains("x"), "contains(tags, 'x')"},
		{cond.Field("tags").Contains(1), "contains(tags, 1)"},
		{cond.Field("name").IEquals("bob"), "iequals(name, 'bob')"},
		{cond.Field("name").IContains("o"), "icontains(name, 'o')"},
		{cond.Field("name").IStartsWith("B"), "istartswith(name, 'B')"},
		{cond.Field("name").IEndsWith("B"), "iendswith(name, 'B')"},

		// Field names.
		{cond.Field("_x9").IsNull(), "_x9 IS NULL"},
		{cond.Field("9x").IsNull(), `"9x" IS NULL`},
		{cond.Field("first name").IsNull(), `"first name" IS NULL`},
		{cond.Field("a.b").IsNull(), `"a.b" IS NULL`},
		{cond.Field(`say "hi"`).IsNull(), `"say ""hi""" IS NULL`},
		{cond.Field("é").IsNull(), `"é" IS NULL`},
		{cond.Field("").IsNull(), `"" IS NULL`},
		{cond.Field("and").IsNull(), `"and" IS NULL`},
		{cond.Field("Null").IsNull(), `"Null" IS NULL`},
		{cond.Field("escape").IsNull(), `"escape" IS NULL`},
		{cond.Field("true").Eq(1), `"true" = 1`},
		{cond.Field("nulls").IsNull(), "nulls IS NULL"},
		{cond.Field("in").StartsWith("x"), `startswith("in", 'x')`},

		// Literals.
		{cond.Field("f").Eq(2.0), "f = 2.0"},
		{cond.Field("f").Eq(-2.5), "f = -2.5"},
		{cond.Field("f").Eq(0.1), "f = 0.1"},
		{cond.Field("f").Eq(float32(0.1)), "f = 0.10000000149011612"},
		{cond.Field("f").Eq(0.0), "f = 0.0"},
		{cond.Field("f").Eq(math.Copysign(0, -1)), "f = -0.0"},
		{cond.Field("f").Eq(1e15), "f = 1000000000000000.0"},
		{cond.Field("f").Eq(1e16), "f = 1e+16"},
		{cond.Field("f").Eq(1.5e300), "f = 1.5e+300"},
		{cond.Field("f").Eq(0.0001), "f = 0.0001"},
		{cond.Field("f").Eq(0.00001), "f = 1e-05"},
		{cond.Field("f").Eq(-1.25e-7), "f = -1.25e-07"},
		{cond.Field("f").Eq(math.MaxFloat64), "f = 1.7976931348623157e+308"},
		{cond.Field("f").Eq(5e-324), "f = 5e-324"},
		{cond.Field("i").Eq(int64(math.MinInt64)), "i = -9223372036854775808"},
		{cond.Field("i").Eq(uint32(7)), "i = 7"},
		{cond.Field("l").Eq([]any{1, "a", nil, []any{}, 2.0}), "l = [1, 'a', null, [], 2.0]"},
		{cond.Field("l").Eq([]string{"x", "y"}), "l = ['x', 'y']"},
		{cond.Field("m").Eq(map[string]any{"k": 1, "a": []any{true}, "it's": "v"}), "m = {'a': [true], 'it''s': 'v', 'k': 1}"},
		{cond.Field("m").Eq(map[string]any{}), "m = {}"},
		{cond.Field("b").Eq([]byte{0x0a, 0x0b, 0xff}), "b = x'0a0bff'"},
		{cond.Field("b").Eq([]byte{}), "b = x''"},
		{cond.Field("t").Eq(tm), "t = timestamp '2006-01-02T22:04:05.999999999Z'"},
		{cond.Field("t").Lt(time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)), "t < timestamp '2024-05-06T00:00:00Z'"},

		// Invalid conditions print without panicking.
		{cond.Field("a").Eq(struct{}{}), "a = <unsupported struct {}>"},
		{cond.And(a, nil), "(a = 1 AND <nil>)"},
		{cond.Not(nil), "NOT (<nil>)"},
		{(*cond.Pred)(nil), "<nil>"},
		{(*cond.AndCond)(nil), "<nil>"},
		{cond.Not((*cond.OrCond)(nil)), "NOT (<nil>)"},
		{&cond.Pred{Field: "a", Op: cond.BetweenOp, Args: []any{int64(1)}}, "a BETWEEN 1"},
		{&cond.Pred{Field: "a", Op: 99, Args: []any{int64(1), "x"}}, "a Op(99) 1, 'x'"},
		{&cond.Pred{}, `"" Op(0)`},
		{&cond.Pred{Field: "a", Op: cond.StartsWithOp}, "a startswith"},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("String() = %s, want %s", got, tc.want)
		}
	}
}
