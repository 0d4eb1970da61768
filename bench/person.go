// Package bench compares dictdb with hashicorp/go-memdb, tidwall/buntdb, a
// map behind a sync.RWMutex and raw benbjohnson/immutable maps on identical
// workloads. It is its own module, so the peers never become dependencies of
// the library. Workloads (a)-(i) are defined in workloads.go; RESULTS.md
// holds the latest run of cmd/compare.
package bench

import (
	"strconv"
	"strings"
)

// Person is the record shape of every workload: {ID, Name "user<ID>", Age}.
type Person struct {
	ID   int64
	Name string
	Age  int64
}

// The fixed read workloads: (d) Age == EqAge, (e) RangeLo <= Age < RangeHi,
// (f) Age >= ScanAge && Name ends with ScanSuffix.
const (
	EqAge      = 30
	RangeLo    = 30
	RangeHi    = 35
	ScanAge    = 60
	ScanSuffix = "7"
)

// splitmix is SplitMix64's finalizer over x.
func splitmix(x uint64) uint64 {
	z := x + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// AgeOf is the age of record id: 18 + splitmix(id) % 50, so each age value
// selects about 2% of the rows.
func AgeOf(id int64) int64 { return 18 + int64(splitmix(uint64(id))%50) }

// NewPerson returns record id.
func NewPerson(id int64) Person {
	return Person{ID: id, Name: "user" + strconv.FormatInt(id, 10), Age: AgeOf(id)}
}

// People returns records with ids from, from+1, ..., from+n-1.
func People(from int64, n int) []Person {
	ps := make([]Person, n)
	for i := range ps {
		ps[i] = NewPerson(from + int64(i))
	}
	return ps
}

// Updated returns copies of ps with every age moved to the next age value
// (wrapping within 18..67): the writer's records in workload (g).
func Updated(ps []Person) []Person {
	out := make([]Person, len(ps))
	for i, p := range ps {
		p.Age = 18 + (p.Age-18+1)%50
		out[i] = p
	}
	return out
}

// MatchEq, MatchRange and MatchScan are the read predicates, for naive
// loops and for the engines that filter in Go.
func MatchEq(age int64) bool    { return age == EqAge }
func MatchRange(age int64) bool { return age >= RangeLo && age < RangeHi }
func MatchScan(age int64, name string) bool {
	return age >= ScanAge && strings.HasSuffix(name, ScanSuffix)
}

// RandomIDs returns n pseudo-random ids in [1, rows], the same for every
// engine.
func RandomIDs(n, rows int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = 1 + int64(splitmix(uint64(i)^0xdeadbeef)%uint64(rows))
	}
	return ids
}
