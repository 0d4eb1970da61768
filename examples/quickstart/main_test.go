package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// TestReadmeQuickStartIsThisProgram fails when the README's Quick start code
// block and main.go drift apart: the README shows exactly this program.
func TestReadmeQuickStartIsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "\n## Quick start\n")
	if !ok {
		t.Fatal("README.md has no \"## Quick start\" section")
	}
	_, block, ok := strings.Cut(after, "```go\n")
	if !ok {
		t.Fatal("the Quick start section has no ```go block")
	}
	block, _, ok = strings.Cut(block, "```\n")
	if !ok {
		t.Fatal("the Quick start code block is not closed")
	}
	if block != string(src) {
		t.Errorf("README.md's Quick start differs from examples/quickstart/main.go; copy main.go into the README's code block")
	}
}

// TestQuickStartRuns runs the program and checks what it prints.
func TestQuickStartRuns(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		var b bytes.Buffer
		io.Copy(&b, r)
		done <- b.Bytes()
	}()
	func() {
		defer func() { os.Stdout = stdout }()
		main()
	}()
	w.Close()
	got := string(<-done)
	want := `IT, 25 and over: [map[person:Alice years:30] map[person:Bob years:25]]
typed: {ID:1 Name:Alice Age:30 Dept:IT}
typed IT: Alice Bob
oldest: Carol
plan: table users (3 rows)
access: sorted index on age for age BETWEEN 30 AND 45, estimated rows 2
filter: age BETWEEN 30 AND 45
order: primary-key order

updated: 1
snapshot: <nil> live: active
schema violation: true
rolled back: true balance: 100
by dept: [map[avg_age:27.5 dept:IT n:2] map[avg_age:41 dept:Sales n:1]]
reloaded users: 3
restored users: 2 deltas applied: 1
reopened notes: 1
`
	if got != want {
		t.Errorf("quickstart printed:\n%s\nwant:\n%s", got, want)
	}
}
