package bench

// Indexes says which secondary indexes a store has besides the primary key.
type Indexes int

const (
	// NoIndex: the primary key only (workload f).
	NoIndex Indexes = iota
	// AgeIndex: one secondary index on age, sorted where the engine has
	// sorted indexes (workloads a-e, g).
	AgeIndex
	// AgeNameIndexes: secondary indexes on age and name (workload h).
	AgeNameIndexes
)

// An Engine makes stores.
type Engine interface {
	// Name is the engine's name in tables and JSON.
	Name() string
	// New returns an empty store with the primary key on ID and ix.
	New(ix Indexes) Store
}

// A Batch holds records in an engine's native input form, built outside
// the timed region.
type Batch interface{ Len() int }

// A Store is one database with one table of Person records.
type Store interface {
	// Prepare converts ps to the engine's input form (not timed).
	Prepare(ps []Person) Batch
	// InsertOne inserts record i of b in its own write transaction.
	InsertOne(b Batch, i int) error
	// InsertAll inserts every record of b in one write transaction.
	InsertAll(b Batch) error
	// Put writes record i of b (its key exists) in its own write
	// transaction: a single-row update.
	Put(b Batch, i int) error

	// Key converts a primary key to the engine's lookup form (not timed).
	Key(id int64) any
	// Get looks k up in its own read transaction and keeps the result
	// for Fetched.
	Get(k any) bool
	// Fetched decodes the last result of Get (tests only).
	Fetched() Person

	// Eq collects the rows with Age == EqAge and returns how many.
	Eq() int
	// Range collects the rows with RangeLo <= Age < RangeHi.
	Range() int
	// Scan collects the rows matching MatchScan by a full scan.
	Scan() int
	// Collected returns the IDs of the rows the last Eq, Range or Scan
	// collected, in any order (tests only).
	Collected() []int64

	// Close releases the store.
	Close()
}

// Engines returns every engine, dictdb first.
func Engines() []Engine {
	return []Engine{DictDB{}, MemDB{}, BuntDB{}, MapRW{}, Immutable{}}
}

// EngineNames returns the engine names in Engines order.
func EngineNames() []string {
	var out []string
	for _, e := range Engines() {
		out = append(out, e.Name())
	}
	return out
}
