// Package btree is a persistent (copy-on-write) B+tree: an immutable sorted
// map with transient batch editing, bottom-up bulk builds and a diff that
// skips shared subtrees.
//
// Guarantees:
//
//   - A Map is immutable. Set and Delete return a new Map and leave the
//     receiver unchanged, so any number of goroutines may read a Map at the
//     same time without locking.
//   - An Editor is for one goroutine at a time. Maps frozen from it with
//     Editor.Map are never affected by later edits through the same Editor,
//     nor by any other Editor; neither is the Map the Editor started from.
//   - An Iterator reads the tree it was created from. One created from an
//     Editor is valid only until the Editor's next Set or Delete.
//
// Complexity, for n entries: Len is O(1); Get, Set, Delete and Seek are
// O(log n) comparisons, and Set and Delete copy the O(log n) nodes on the
// path (an Editor copies each shared node only the first time it touches
// it, and later edits of that node are in place). Map.Edit and Editor.Map
// are O(1). Builder builds a map from sorted input in O(n) with full
// leaves. Diff costs time in proportion to the parts of the two trees that
// are not shared.
//
// Leaves keep keys and values in separate arrays; interior nodes keep
// separator keys and children. Every node but the root holds at least half
// of its capacity, except nodes on the right-most path, which appends may
// leave short so that ascending loads fill their leaves completely.
//
// A map's last entries may sit outside the tree, in a leaf of their own
// (the tail): a Set of a key above every other then copies that one leaf
// of at most 16 entries instead of the tree's whole right-most path, and a
// full tail joins the tree with one path copy. Ascending keys (automatic
// keys, loads) are the common case of a table's primary keys: a
// single-row insert allocates about 530 bytes less for it at 1e5 rows.
package btree
