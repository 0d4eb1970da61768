package cond_test

import (
	"fmt"

	"github.com/dictdb-go/dictdb/cond"
)

// Parse reads the textual condition language that String prints.
func ExampleParse() {
	c, err := cond.Parse(`dept IN ('IT', 'HR') AND (age >= 30 OR name LIKE 'A%') AND email IS NOT NULL`)
	if err != nil {
		fmt.Println(err)
		return
	}
	match, _ := cond.Compile(c)
	fmt.Println(match.MatchMap(map[string]any{"dept": "IT", "age": int64(25), "name": "Alice", "email": "a@x"}))
	fmt.Println(c)

	_, err = cond.Parse("age >= ")
	fmt.Println(err)
	// Output:
	// true
	// (dept IN ('IT', 'HR') AND (age >= 30 OR name LIKE 'A%') AND email IS NOT NULL)
	// invalid query: at byte 7: expected a value (a number, 'string', true, false, null, [list], {map}, x'hex' or timestamp '...'), found end of input
}
