package interval

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dictdb-go/dictdb/internal/testseed"
)

// TestStabMatchesBruteForce checks Stab against a scan of every interval,
// through random inserts and deletes with repeated lower bounds.
func TestStabMatchesBruteForce(t *testing.T) {
	seed := testseed.Seed(t)
	rng := rand.New(rand.NewPCG(seed, seed))
	type iv struct{ lo, hi, id int }
	tr := New[int, int](cmp.Compare[int])
	var live []iv
	for id := range 3000 {
		if len(live) > 0 && rng.IntN(3) == 0 {
			i := rng.IntN(len(live))
			if !tr.Delete(live[i].lo, live[i].id) {
				t.Fatalf("Delete(%d, %d) found nothing", live[i].lo, live[i].id)
			}
			live = slices.Delete(live, i, i+1)
		} else {
			lo := rng.IntN(100)
			x := iv{lo, lo + rng.IntN(20) - 2, id}
			tr.Insert(x.lo, x.hi, x.id)
			live = append(live, x)
		}
		if tr.Len() != len(live) {
			t.Fatalf("Len %d, want %d", tr.Len(), len(live))
		}
		p := rng.IntN(130) - 5
		var got, want []int
		tr.Stab(p, func(v int) { got = append(got, v) })
		for _, x := range live {
			if x.lo <= p && p <= x.hi {
				want = append(want, x.id)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("Stab(%d) = %v, want %v", p, got, want)
		}
	}
	if tr.Delete(1000, -1) {
		t.Fatal("Delete of an absent interval reported one")
	}
}
