package tbl

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dictdb-go/dictdb/cond"
)

// valuesTable returns a table with one row per value, in field v.
func valuesTable(t testing.TB, vs ...any) *Table {
	t.Helper()
	recs := make([]aggRec, len(vs))
	for i, v := range vs {
		recs[i] = aggRec{"v": v}
	}
	return aggTable(t, "id", recs...)
}

// sumAvg returns the Sum and the Avg of field v.
func sumAvg(t testing.TB, tb *Table) (sum, avg any) {
	t.Helper()
	got := aggRun(t, tb, AggQuery{Aggs: aggs(sumOf("s", "v"), avgOf("a", "v"))})
	return got[0]["s"], got[0]["a"]
}

// exactFloat rounds the exact rational r to the nearest float64.
func exactFloat(r *big.Rat) float64 {
	f, _ := r.Float64()
	return f
}

// Float sums are compensated, as Python's sum() since 3.12: they give the
// results a user expects from decimal data where naive left-to-right
// addition is off in the last bit.
func TestAggregateCompensatedSum(t *testing.T) {
	tenths := make([]any, 10)
	for i := range tenths {
		tenths[i] = 0.1
	}
	sum, avg := sumAvg(t, valuesTable(t, tenths...))
	assert.Equal(t, 1.0, sum, "ten 0.1 (naively 0.9999999999999999)")
	assert.Equal(t, 0.1, avg)

	sum, _ = sumAvg(t, valuesTable(t, 20.78, 4.88, 37.05))
	assert.Equal(t, 62.71, sum, "naively 62.709999999999994")

	sum, _ = sumAvg(t, valuesTable(t, 1e100, 1.0, -1e100))
	assert.Equal(t, 1.0, sum, "a small value between two that cancel survives")

	// Integers mixed in: summed exactly, then joined to the float sum.
	sum, avg = sumAvg(t, valuesTable(t, append([]any{1, 2}, tenths...)...))
	assert.Equal(t, 4.0, sum)
	assert.Equal(t, 4.0/12, avg)
	sum, _ = sumAvg(t, valuesTable(t, 1<<53+1, 0.5))
	assert.Equal(t, float64(1<<53+2), sum, "2^53 + 1.5 rounds to 2^53 + 2, not to 2^53")

	// Grouped sums are compensated too.
	recs := make([]aggRec, 0, 20)
	for i := range 20 {
		recs = append(recs, aggRec{"g": i % 2, "v": 0.1})
	}
	got := aggRun(t, aggTable(t, "id", recs...), AggQuery{Aggs: aggs(sumOf("s", "v")), GroupBy: fields("g")})
	assert.Equal(t, []aggRec{{"g": int64(0), "s": 1.0}, {"g": int64(1), "s": 1.0}}, got)

	// The mean of integers is their exact sum divided exactly and rounded
	// once, as Python's int / int.
	avgOnly := AggQuery{Aggs: aggs(avgOf("a", "v"))}
	got = aggRun(t, valuesTable(t, int64(math.MaxInt64), int64(math.MaxInt64), 1), avgOnly)
	want := new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(3))
	want.Sub(want, new(big.Rat).SetFrac64(1, 3)) // (2^64 - 1) / 3
	assert.Equal(t, one(aggRec{"a": exactFloat(want)}), got)
	got = aggRun(t, valuesTable(t, int64(math.MinInt64), int64(math.MinInt64), int64(math.MinInt64)), avgOnly)
	assert.Equal(t, one(aggRec{"a": float64(math.MinInt64)}), got, "an integer sum beyond int64 is no error for Avg")
}

// A float sum beyond the float64 range is an error, as an int64 overflow
// is, never an infinity the value model could not hold.
func TestAggregateFloatOverflow(t *testing.T) {
	tb := valuesTable(t, math.MaxFloat64, math.MaxFloat64)
	for _, a := range []Agg{sumOf("s", "v"), avgOf("a", "v")} {
		_, err := tb.Aggregate(AggQuery{Aggs: aggs(a)})
		require.ErrorIs(t, err, cond.ErrInvalidQuery, a.Kind.String())
		assert.Contains(t, err.Error(), "overflows the float64 range")
	}
	sum, _ := sumAvg(t, valuesTable(t, math.MaxFloat64, -math.MaxFloat64, 1.5))
	assert.Equal(t, 1.5, sum)
}

// TestAggregateSumMatchesExactArithmetic checks Sum and Avg of random
// columns, built to cancel badly, against exact rational arithmetic: the
// error stays within the bound of compensated summation, 2u|S| +
// 4nu²Σ|x| (u = 2^-53), where naive summation's error grows with u·Σ|x|.
func TestAggregateSumMatchesExactArithmetic(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 0))
	const u = 1.0 / (1 << 53)
	for it := range 300 {
		n := 1 + rng.IntN(200)
		vals := make([]any, 0, n)
		exact := new(big.Rat)
		absSum := 0.0
		allInts := true
		for len(vals) < n {
			var v any
			switch rng.IntN(6) {
			case 0: // a large value and, later, almost its negation
				x := math.Ldexp(rng.Float64(), 40+rng.IntN(30))
				v = x
				if len(vals)+1 < n {
					vals = append(vals, x)
					exact.Add(exact, new(big.Rat).SetFloat64(x))
					absSum += x
					v = -x * (1 + float64(rng.IntN(5))*u)
				}
			case 1: // an integer, possibly beyond 2^53
				i := rng.Int64N(1<<59) - 1<<58
				if rng.IntN(3) == 0 {
					i = rng.Int64N(1000) - 500
				}
				v = i
			default: // a small float of any sign and magnitude
				v = math.Ldexp(rng.Float64()-0.5, rng.IntN(40)-20)
			}
			switch x := v.(type) {
			case float64:
				exact.Add(exact, new(big.Rat).SetFloat64(x))
				absSum += math.Abs(x)
				allInts = false
			case int64:
				exact.Add(exact, new(big.Rat).SetInt64(x))
				absSum += math.Abs(float64(x))
			}
			vals = append(vals, v)
		}
		sum, avg := sumAvg(t, valuesTable(t, vals...))
		s := exactFloat(exact)
		bound := 2*u*math.Abs(s) + 4*float64(n+2)*u*u*absSum
		if allInts {
			if exact.Num().IsInt64() {
				assert.Equal(t, exact.Num().Int64(), sum, "iteration %d: an integer sum is exact", it)
			}
		} else {
			got := new(big.Rat).SetFloat64(sum.(float64))
			diff, _ := new(big.Rat).Sub(got, exact).Float64()
			require.LessOrEqual(t, math.Abs(diff), bound, "iteration %d: Sum %v of %d values, exact %v", it, sum, n, s)
		}
		mean := new(big.Rat).Quo(exact, new(big.Rat).SetInt64(int64(n)))
		m := exactFloat(mean)
		got := new(big.Rat).SetFloat64(avg.(float64))
		diff, _ := new(big.Rat).Sub(got, mean).Float64()
		require.LessOrEqual(t, math.Abs(diff), 2*u*math.Abs(m)+bound/float64(n),
			"iteration %d: Avg %v of %d values, exact %v", it, avg, n, m)
		if allInts {
			assert.Equal(t, m, avg, "iteration %d: the mean of integers is rounded once", it)
		}
	}
}
