// Package plancover tells which strategies of the query planner ran, from
// what Explain reports, so that randomized tests can show (and insist) that
// they reached every one.
package plancover

import (
	"fmt"
	"strings"
	"sync"
)

// A Counter counts the strategies of the plans it is given. It is safe for
// concurrent use.
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

// Add counts the strategies of one Explain output.
func (c *Counter) Add(plan string) {
	access, order := Classes(plan)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[access]++
	c.n[order]++
}

// Missing returns the strategies never counted, in the order of Strategies.
func (c *Counter) Missing() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, s := range Strategies {
		if c.n[s] == 0 {
			out = append(out, s)
		}
	}
	return out
}

// String lists the counts, in the order of Strategies.
func (c *Counter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	parts := make([]string, len(Strategies))
	for i, s := range Strategies {
		parts[i] = fmt.Sprintf("%s %d", s, c.n[s])
	}
	return strings.Join(parts, ", ")
}

// Classes sorts the output of Explain into the planner's strategies:
// how the candidates are reached and how they are put in order.
func Classes(plan string) (access, order string) {
	for _, line := range strings.Split(plan, "\n") {
		switch {
		case strings.HasPrefix(line, "access: "):
			a, _, _ := strings.Cut(strings.TrimPrefix(line, "access: "), ", estimated rows")
			switch {
			case a == "full scan":
				access = "full scan"
			case strings.HasSuffix(a, "(matches nothing)"):
				access = "matches nothing"
			case strings.HasPrefix(a, "primary key "):
				parts := strings.SplitN(a, " ", 4) // "primary key <field> <rest>"
				switch rest := parts[len(parts)-1]; {
				case strings.HasPrefix(rest, "in (") || strings.HasPrefix(rest, "in ["):
					access = "primary-key merged range"
				case strings.HasPrefix(rest, "= ") || strings.HasPrefix(rest, "IN ("):
					access = "primary-key lookup"
				default:
					access = "primary-key range"
				}
			case strings.Contains(a, " for range "):
				access = "index merged range"
			default:
				_, pred, _ := strings.Cut(a, " for ")
				parts := strings.SplitN(pred, " ", 3)
				if len(parts) == 3 && (parts[1] == "=" || parts[1] == "IN") {
					access = "index lookup"
				} else {
					access = "index range"
				}
			}
		case strings.HasPrefix(line, "order: "):
			o := strings.TrimPrefix(line, "order: ")
			switch {
			case o == "primary-key order":
				order = "key order"
			case strings.HasPrefix(o, "streamed in reverse primary-key order"):
				order = "streamed by descending key"
			case strings.HasPrefix(o, "streamed in primary-key order"):
				order = "streamed by key"
			case strings.HasPrefix(o, "streamed in sorted index") && strings.Contains(o, "(descending)"):
				order = "streamed by descending index"
			case strings.HasPrefix(o, "streamed in sorted index"):
				order = "streamed by index"
			case strings.HasPrefix(o, "top-"):
				order = "top-k"
			case strings.HasPrefix(o, "sort by "):
				order = "full sort"
			}
		}
	}
	return access, order
}

// Strategies lists every strategy Classes names.
var Strategies = []string{
	"full scan", "matches nothing", "primary-key lookup", "primary-key range", "primary-key merged range",
	"index lookup", "index range", "index merged range",
	"key order", "streamed by key", "streamed by descending key", "streamed by index",
	"streamed by descending index", "top-k", "full sort",
}
