package codec

import "testing"

func TestJSONPathAt(t *testing.T) {
	cases := []struct {
		prefix, pk, path, key string
		ok                    bool
	}{
		{`{"id": 7, "n": `, "id", "n", "7", true},
		{`{"n": `, "id", "n", "", true},
		{`{"id": "a,b]}", "t": [1, "x", {"u": {"v": [[`, "id", "t[2].u.v[0][0]", `"a,b]}"`, true},
		{`{"a\"b\\": `, "id", "a\"b\\", "", true},
		{`{"m": {"id": 3}, "id": -2, "z": `, "id", "z", "-2", true},
		{`{"n": [1, 2], "o": `, "", "o", "", true},
		{`{`, "id", "", "", false},
		{`{"n": 1, `, "id", "", "", false},
		{`{"unterminated`, "id", "", "", false},
		{`}}`, "id", "", "", false},
		{``, "id", "", "", false},
	}
	for _, tc := range cases {
		path, key, ok := jsonPathAt([]byte(tc.prefix), tc.pk)
		if path != tc.path || key != tc.key || ok != tc.ok {
			t.Errorf("jsonPathAt(%q, %q) = %q, %q, %v; want %q, %q, %v", tc.prefix, tc.pk, path, key, ok, tc.path, tc.key, tc.ok)
		}
	}
}

// FuzzJSONPathAt checks that the path scanner never panics on any prefix.
func FuzzJSONPathAt(f *testing.F) {
	f.Add([]byte(`{"id": "x\"", "a": [1, {"b\\": `), "id")
	f.Add([]byte(`{"a": [[[{"b": [`), "a")
	f.Fuzz(func(t *testing.T, prefix []byte, pk string) {
		jsonPathAt(prefix, pk)
	})
}
