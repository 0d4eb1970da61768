package codec_test

import (
	"math"
	"testing"

	"github.com/dictdb-go/dictdb/codec"
)

var pointOne, pointTwo = 0.1, 0.2

func TestAppendPyFloat(t *testing.T) {
	// Expected strings are Python 3's repr() of the same float.
	cases := []struct {
		f    float64
		want string
	}{
		{1.5, "1.5"}, {2.0, "2.0"}, {1e-07, "1e-07"}, {1e20, "1e+20"},
		{pointOne + pointTwo, "0.30000000000000004"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
		{0.0001, "0.0001"}, {0.00001, "1e-05"}, {123456789012345678.0, "1.2345678901234568e+17"},
		{math.Copysign(0, -1), "-0.0"}, {0, "0.0"}, {math.MaxFloat64, "1.7976931348623157e+308"},
		{5e-324, "5e-324"}, {100.0, "100.0"}, {12345.678, "12345.678"},
		{9999999999999998.0, "9999999999999998.0"}, {-1.5e-10, "-1.5e-10"}, {1e22, "1e+22"},
		{0.001, "0.001"}, {-2.5, "-2.5"}, {1e100, "1e+100"},
	}
	for _, c := range cases {
		if got := string(codec.AppendPyFloat(nil, c.f)); got != c.want {
			t.Errorf("AppendPyFloat(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}
