// Package testseed gives randomized tests a logged, replayable seed: a
// random one, or the one in the DICTDB_SEED environment variable, so that a
// failure seen once can be run again with the same values.
package testseed

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// Seed returns the seed for t's randomness and logs how to replay it. A
// malformed DICTDB_SEED fails t.
func Seed(t testing.TB) uint64 {
	t.Helper()
	seed := rand.Uint64()
	if s := os.Getenv("DICTDB_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("DICTDB_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("seed=%d (replay with DICTDB_SEED=%d)", seed, seed)
	return seed
}
