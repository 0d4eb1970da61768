//go:build !invariants

// Package invariants reports whether expensive internal consistency checks
// are compiled in. Build with -tags invariants to enable them; CI does.
// The checks never change behaviour: they panic when an invariant is broken.
package invariants

// Enabled is true when the invariants build tag is set.
const Enabled = false
