package mvcc

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/dictdb-go/dictdb/internal/goid"
)

// Reentrance: a write that would wait for its own goroutine.
//
// Most writes run only the store's own code while they hold table locks. A
// write through Store.Transact runs a caller's function instead, and that
// function may call back into the store, on the same goroutine, to write a
// table the transaction holds. A sync.Mutex would then wait forever for
// itself. To report that case instead, the lock of every table a running
// transaction holds points to the transaction's owner record, and a writer
// that finds a lock taken asks whether that owner is running on its own
// goroutine.
//
// Go has no goroutine identity, so the answer comes from the stack. A
// transaction claims one of ownerSlots slots and calls its function through
// callInSlot, from a call site of its own per slot (its own source line):
// while the function runs, the goroutine's stack holds a callInSlot frame at
// that line, and no other goroutine's stack does (a slot is held by one
// running transaction at a time, from before its locks name the owner until
// after they stop naming it). A contended writer reads the owner of the lock,
// then its own stack with runtime.Callers, and looks for a callInSlot frame
// at the owner's line: found means the lock's holder is a transaction this
// very call is nested in, and waiting would never end. Lines, not return
// addresses, identify the call sites, so that a compiler that splits a call
// (as profile-guided devirtualization does) cannot hide it.
//
// The uncontended path pays next to nothing for this: a write reads the
// lock's owner (one atomic load) and, if there is none, takes the mutex as
// before; only Store.Transact claims a slot and names itself in its locks
// (a few atomic operations per transaction). The stack is only read when a
// lock held by a running transaction is contended, where the writer would
// otherwise sleep anyway.
//
// If every slot is taken (more than ownerSlots transactions running their
// functions at once), a transaction records its goroutine number instead,
// parsed from runtime.Stack's header (a few microseconds), and a contended
// writer compares it with its own.
//
// A goroutine that fn starts is a different goroutine: its write to a table
// the transaction holds waits for the transaction to end, like any other
// goroutine's. If fn waits for that goroutine, neither ends: that deadlock
// is the caller's, and is documented, not detected.

// ownerSlots is the number of transactions that can run their functions at
// once with a slot; callInSlot has one call site for each.
const ownerSlots = 64

// slotsInUse has bit i set while slot i belongs to a running transaction.
var slotsInUse atomic.Uint64

// slotLines holds, for each slot, the source line of callInSlot's call
// site for that slot, and slotFunc callInSlot's name, as the stack reports
// them. slotsUsable is false if the stack did not tell the call sites
// apart; every transaction then records its goroutine number instead.
var (
	slotLines   [ownerSlots]int
	slotFunc    string
	slotsUsable bool
)

// slotOwners holds the owner of each slot, so that claiming one allocates
// nothing.
var slotOwners [ownerSlots]owner

func init() {
	for i := range ownerSlots {
		slotOwners[i].slot = i
		callInSlot(i, func() {
			var pc [1]uintptr
			// Skip runtime.Callers and this function: the frame above is
			// callInSlot's, at slot i's call site.
			if runtime.Callers(2, pc[:]) == 1 {
				f, _ := runtime.CallersFrames(pc[:]).Next()
				slotLines[i], slotFunc = f.Line, f.Function
			}
		})
	}
	sorted := slices.Clone(slotLines[:])
	slices.Sort(sorted)
	slotsUsable = slotFunc != "" && sorted[0] > 0 && len(slices.Compact(sorted)) == ownerSlots
}

// callInSlot calls fn from the call site of slot, so that a callInSlot frame
// at slotLines[slot] is on the stack while fn runs. Each case must keep its
// call on a line of its own.
//
//go:noinline
func callInSlot(slot int, fn func()) {
	switch slot {
	case 0:
		fn()
	case 1:
		fn()
	case 2:
		fn()
	case 3:
		fn()
	case 4:
		fn()
	case 5:
		fn()
	case 6:
		fn()
	case 7:
		fn()
	case 8:
		fn()
	case 9:
		fn()
	case 10:
		fn()
	case 11:
		fn()
	case 12:
		fn()
	case 13:
		fn()
	case 14:
		fn()
	case 15:
		fn()
	case 16:
		fn()
	case 17:
		fn()
	case 18:
		fn()
	case 19:
		fn()
	case 20:
		fn()
	case 21:
		fn()
	case 22:
		fn()
	case 23:
		fn()
	case 24:
		fn()
	case 25:
		fn()
	case 26:
		fn()
	case 27:
		fn()
	case 28:
		fn()
	case 29:
		fn()
	case 30:
		fn()
	case 31:
		fn()
	case 32:
		fn()
	case 33:
		fn()
	case 34:
		fn()
	case 35:
		fn()
	case 36:
		fn()
	case 37:
		fn()
	case 38:
		fn()
	case 39:
		fn()
	case 40:
		fn()
	case 41:
		fn()
	case 42:
		fn()
	case 43:
		fn()
	case 44:
		fn()
	case 45:
		fn()
	case 46:
		fn()
	case 47:
		fn()
	case 48:
		fn()
	case 49:
		fn()
	case 50:
		fn()
	case 51:
		fn()
	case 52:
		fn()
	case 53:
		fn()
	case 54:
		fn()
	case 55:
		fn()
	case 56:
		fn()
	case 57:
		fn()
	case 58:
		fn()
	case 59:
		fn()
	case 60:
		fn()
	case 61:
		fn()
	case 62:
		fn()
	case 63:
		fn()
	default:
		fn()
	}
}

// An owner identifies the goroutine running a transaction's function: by
// slot, or by goroutine number when slot is -1.
type owner struct {
	slot int
	goid uint64
}

// newOwner claims a free slot, or records the goroutine number when none is
// free. The caller must call release.
func newOwner() *owner {
	if slotsUsable {
		for {
			used := slotsInUse.Load()
			if used == 1<<ownerSlots-1 {
				break
			}
			i := bits.TrailingZeros64(^used)
			if slotsInUse.CompareAndSwap(used, used|1<<i) {
				return &slotOwners[i]
			}
		}
	}
	return &owner{slot: -1, goid: goid.Current()}
}

// release frees o's slot. o must no longer be named by any lock.
func (o *owner) release() {
	if o.slot >= 0 {
		slotsInUse.And(^(uint64(1) << o.slot))
	}
}

// run calls fn so that isCurrent reports true on this goroutine until fn
// returns.
func (o *owner) run(fn func()) {
	if o.slot < 0 {
		fn()
		return
	}
	callInSlot(o.slot, fn)
}

// isCurrent reports whether the calling goroutine is inside o's run. It is
// slow (it reads the stack) and meant for contended locks only.
func (o *owner) isCurrent() bool {
	if o.slot < 0 {
		return o.goid == goid.Current()
	}
	pcs := make([]uintptr, 64)
	n := runtime.Callers(1, pcs)
	for n == len(pcs) { // perhaps not the whole stack: read it again, all of it
		pcs = make([]uintptr, 2*len(pcs))
		n = runtime.Callers(1, pcs)
	}
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.Line == slotLines[o.slot] && f.Function == slotFunc {
			return true
		}
		if !more {
			return false
		}
	}
}

// A tableLock is one table's writer lock and, while a transaction holding it
// runs its function, that transaction's owner.
type tableLock struct {
	mu    sync.Mutex
	owner atomic.Pointer[owner]
}

// lock takes l, or returns false without waiting if l is held by a
// transaction the calling goroutine is running: waiting would never end.
// Store.lock inlines its fast path.
func (l *tableLock) lock() bool {
	if l.owner.Load() == nil {
		l.mu.Lock()
		return true
	}
	return l.lockOwned()
}

// lockOwned is lock's path when a transaction holds l, or just held it.
// Without an owner, no running transaction holds l (a transaction names its
// owner before its function runs, and this goroutine would see its own
// store), so lock waits as a plain mutex would.
//
//go:noinline
func (l *tableLock) lockOwned() bool {
	if l.mu.TryLock() {
		return true
	}
	if o := l.owner.Load(); o != nil && o.isCurrent() {
		return false
	}
	l.mu.Lock()
	return true
}
