package cond_test

import (
	"errors"
	"fmt"

	"github.com/dictdb-go/dictdb/cond"
)

func ExampleField() {
	fmt.Println(cond.Field("age").Gte(30))
	fmt.Println(cond.Field("dept").In("IT", "HR"))
	fmt.Println(cond.Field("name").LikeEscape("100!%%", "!"))
	fmt.Println(cond.Field("first name").IStartsWith("al"))
	// Output:
	// age >= 30
	// dept IN ('IT', 'HR')
	// name LIKE '100!%%' ESCAPE '!'
	// istartswith("first name", 'al')
}

func ExampleAnd() {
	it := cond.Field("dept").Eq("IT")
	senior := cond.Field("age").Gte(35)
	fmt.Println(cond.And(it, cond.Or(senior, cond.Not(cond.Field("active").Eq(true)))))
	fmt.Println(cond.And(it)) // one term: the term itself
	fmt.Println(cond.And())   // no terms: every record
	fmt.Println(cond.Or())    // no terms: no record
	// Output:
	// (dept = 'IT' AND (age >= 35 OR NOT (active = true)))
	// dept = 'IT'
	// TRUE
	// FALSE
}

func ExampleCompile() {
	m, err := cond.Compile(cond.And(
		cond.Field("dept").Eq("IT"),
		cond.Field("name").ILike("a%"),
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	records := []map[string]any{
		{"name": "Alice", "dept": "IT"},
		{"name": "Bob", "dept": "IT"},
		{"name": "alicia", "dept": "HR"},
	}
	for _, r := range records {
		fmt.Println(r["name"], m.MatchMap(r))
	}

	_, err = cond.Compile(cond.And(cond.Field("").Eq(1)))
	fmt.Println(err, errors.Is(err, cond.ErrInvalidQuery))
	// Output:
	// Alice true
	// Bob false
	// alicia false
	// invalid query: empty field name (=) true
}

func ExampleLikePrefix() {
	fmt.Println(cond.LikePrefix("Ali%", ""))
	fmt.Println(cond.LikePrefix("50!% off", "!"))
	// Output:
	// Ali false
	// 50% off true
}
