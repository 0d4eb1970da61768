// Package testhook gives dictdb's own tests the hooks that the public
// packages do not export: code outside this module cannot import an
// internal package, so no user can install one.
package testhook

// SetBeforePublish installs hook on store, which must be an *mvcc.Store[T]
// (passed as any: the store is generic). The hook runs inside every
// successful write, after its function returned and before its
// compare-and-swap, while the table locks are held, so a test can park a
// writer mid-commit; nil removes it. Set it before any concurrent use.
// Package mvcc sets this variable when it initializes.
var SetBeforePublish func(store any, hook func(names []string))
