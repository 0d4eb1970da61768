package btree

import "testing"

// FuzzOps decodes its input into operations, three bytes each (operation,
// key, value), and checks them against the model as TestMatchesModel does.
// An ascending run of Sets (operation 8) of up to 700 keys makes trees
// several levels deep from short inputs.
func FuzzOps(f *testing.F) {
	f.Add([]byte{8, 0, 200, 6, 0, 0, 5, 3, 0, 7, 0, 0, 10, 5, 1})
	f.Add([]byte{8, 10, 255, 8, 0, 255, 8, 200, 255, 9, 0, 0, 1, 50, 0, 3, 40, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		h := newHarness(t)
		for len(data) >= 3 {
			op, k, v := data[0], int(data[1]), int(data[2])
			if op%numOps == 8 {
				v *= 3 // longer runs
			}
			h.do(op, k, v)
			data = data[3:]
		}
		h.verify()
		h.do(10, 0, 1)
	})
}
