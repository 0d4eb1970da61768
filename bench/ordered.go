package bench

// An OrderedRanger runs workload (e-ordered): the rows of (e), RangeLo <=
// Age < RangeHi, collected in ascending age order, which a sorted index on
// age serves in its own order. Engines without a sorted index (map-rwmutex)
// do not run it.
type OrderedRanger interface {
	// RangeOrdered collects the rows of Range in ascending age order and
	// returns how many; Collected returns their IDs in that order.
	RangeOrdered() int
}

// RangeOrdered implements OrderedRanger with OrderBy on the indexed field.
func (s *dictStore) RangeOrdered() int { return s.query(s.rngOrdered) }

// RangeOrdered implements OrderedRanger: Range reads the age index in
// order already (with the age index, as in every read fixture).
func (s *memStore) RangeOrdered() int { return s.Range() }

// RangeOrdered implements OrderedRanger: Range reads the age index in
// order already (ties in key string order).
func (s *buntStore) RangeOrdered() int { return s.Range() }

// RangeOrdered implements OrderedRanger: Range reads the sorted age index
// in order already.
func (s *immStore) RangeOrdered() int { return s.Range() }
