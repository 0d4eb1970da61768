package codec

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// A CorruptError says where decoding failed. It wraps ErrCorrupt and, when
// the failure came from a lower layer (an I/O error, a schema violation), that
// error too, so errors.Is finds both.
type CorruptError struct {
	Format string // "json", "binary" or "csv"
	Offset int64  // byte offset of the failure in the input, or -1
	Line   int    // 1-based line of the failure (text formats), or 0
	Msg    string // what was wrong
	Err    error  // the underlying error, if any
}

func (e *CorruptError) Error() string {
	var where string
	switch {
	case e.Line > 0 && e.Offset >= 0:
		where = fmt.Sprintf(" at line %d (offset %d)", e.Line, e.Offset)
	case e.Line > 0:
		where = fmt.Sprintf(" at line %d", e.Line)
	case e.Offset >= 0:
		where = fmt.Sprintf(" at offset %d", e.Offset)
	}
	msg := fmt.Sprintf("corrupt %s file%s", e.Format, where)
	inner := ""
	if e.Err != nil {
		inner = e.Err.Error()
	}
	// Msg is context such as `table "users"`; an underlying error that
	// says it already (a record error naming its table) is not repeated.
	if e.Msg != "" && !strings.Contains(inner, e.Msg) {
		msg += ": " + e.Msg
	}
	if inner != "" {
		msg += ": " + inner
	}
	return msg
}

// Unwrap returns ErrCorrupt and the underlying error, if any.
func (e *CorruptError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrCorrupt, e.Err}
	}
	return []error{ErrCorrupt}
}

// A SchemaField is one field of a dumped schema. Type is the Python DictDB's
// type name: int, float, str, bool, list or dict.
type SchemaField struct {
	Name string
	Type string
}

// An IndexDump is a dumped index definition. Kind is "hash" or "sorted".
type IndexDump struct {
	Field  string
	Kind   string
	Unique bool
}

// A TableDump is the format-neutral description of one table in a file; its
// records travel separately, one map at a time, so that neither writing nor
// reading ever holds a whole table.
type TableDump struct {
	Name       string
	PrimaryKey string
	// Schema lists the schema's fields in order; nil means no schema.
	Schema []SchemaField
	// NextID is the next auto key; 0 means unknown (a file from the Python
	// DictDB), and the loader recomputes it from the keys.
	NextID int64
	// Indexes lists the index definitions in creation order.
	Indexes []IndexDump
	// HasExtras reports, on reading, whether the file carried dictdb's extra
	// keys (next_id, indexes) for this table.
	HasExtras bool
}

// A DumpWriter writes a database dump as a stream: for each table,
// BeginTable, then WriteRecord for each record, then EndTable; finally
// Close, which completes the file (it does not close the underlying
// writer). Records must be normalized (see Normalize) and are not retained.
// A DumpWriter is not safe for concurrent use; after an error it stays
// failed.
type DumpWriter interface {
	BeginTable(t *TableDump) error
	WriteRecord(rec Record) error
	EndTable() error
	Close() error
}

// A Visitor receives a dump as a decoder reads it. BeginTable gets the
// table's metadata known before its first record, Record each record (a
// fresh, normalized map the visitor may keep), and EndTable the complete
// metadata (extra keys written after the records included). An error
// returned by a Visitor stops decoding and is returned wrapped in a
// *CorruptError that locates it.
type Visitor interface {
	BeginTable(t *TableDump) error
	Record(rec map[string]any) error
	EndTable(t *TableDump) error
}

// A RecordVisitor is a Visitor that takes records as codec Records: a
// decoder handed one calls VisitRecord, never Record, so that each record
// is decoded straight into its compact form, without a map on the way.
// Each Record is normalized, freshly made for the visitor, which owns it
// and may keep it (nested lists and maps included). As with Record, the
// visitor judges what the format allows but a table does not (a record
// without fields, a field named "" in JSON).
type RecordVisitor interface {
	Visitor
	VisitRecord(rec Record) error
}

// RecordKeys returns the order in which dictdb writes a record's fields:
// the primary key first (if present), then the others in sorted order. The
// Python DictDB writes fields in insertion order, which a Go map does not
// keep; this order is deterministic.
func RecordKeys(rec map[string]any, pk string) []string {
	keys := make([]string, 0, len(rec))
	_, hasPK := rec[pk]
	for k := range rec {
		if k != pk || !hasPK {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if hasPK {
		keys = slices.Insert(keys, 0, pk)
	}
	return keys
}

// validateDump checks the metadata a writer is given; errors wrap
// ErrInvalidArgument.
func validateDump(t *TableDump) error {
	if t == nil {
		return fmt.Errorf("codec: %w: nil table dump", ErrInvalidArgument)
	}
	if t.Name == "" {
		return fmt.Errorf("codec: %w: table name must not be empty", ErrInvalidArgument)
	}
	if t.PrimaryKey == "" {
		return fmt.Errorf("codec: %w: table %q: primary key name must not be empty", ErrInvalidArgument, t.Name)
	}
	if t.NextID < 0 {
		return fmt.Errorf("codec: %w: table %q: negative next id %d", ErrInvalidArgument, t.Name, t.NextID)
	}
	for _, f := range t.Schema {
		if f.Name == "" || !validSchemaType(f.Type) {
			return fmt.Errorf("codec: %w: table %q: bad schema field %q of type %q", ErrInvalidArgument, t.Name, f.Name, f.Type)
		}
	}
	for _, x := range t.Indexes {
		if x.Field == "" || (x.Kind != "hash" && x.Kind != "sorted") {
			return fmt.Errorf("codec: %w: table %q: bad index %q of kind %q", ErrInvalidArgument, t.Name, x.Field, x.Kind)
		}
	}
	return nil
}

func validSchemaType(s string) bool {
	switch s {
	case "int", "float", "str", "bool", "list", "dict":
		return true
	}
	return false
}
