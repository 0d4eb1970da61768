package tbl

import (
	"fmt"

	"slices"

	"github.com/dictdb-go/dictdb/codec"
)

// A Type is a schema field type. The names are those the Python DictDB
// writes in its files.
type Type uint8

// The schema field types.
const (
	Int   Type = iota + 1 // int64; bool does not pass
	Float                 // float64; an integer passes and is stored as float64
	Str                   // string
	Bool                  // bool
	List                  // []any
	Dict                  // map[string]any
)

var typeNames = map[Type]string{Int: "int", Float: "float", Str: "str", Bool: "bool", List: "list", Dict: "dict"}

// String returns the type's file name: int, float, str, bool, list or dict.
func (t Type) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// ParseType returns the Type named name (int, float, str, bool, list, dict).
func ParseType(name string) (Type, bool) {
	for t, n := range typeNames {
		if n == name {
			return t, true
		}
	}
	return 0, false
}

// A Column of a schema: a field name and its type.
type Column struct {
	Name string
	Type Type
}

// A Schema is an ordered list of required, non-null fields. Records may hold
// no other field. A Schema is immutable once given to a table.
type Schema struct {
	cols  []Column
	index map[string]Type
}

// NewSchema checks cols (non-empty distinct names, known types) and returns
// the schema. If pk is not among them it is appended as an Int column, as
// the Python DictDB does.
func NewSchema(pk string, cols []Column) (*Schema, error) {
	s := &Schema{index: make(map[string]Type, len(cols)+1)}
	for _, c := range cols {
		if c.Name == "" {
			return nil, errorf(ErrInvalidArgument, "", "", nil, "schema: empty field name")
		}
		if _, ok := typeNames[c.Type]; !ok {
			return nil, errorf(ErrInvalidArgument, "", c.Name, nil, "schema: unknown type %v", c.Type)
		}
		if _, dup := s.index[c.Name]; dup {
			return nil, errorf(ErrInvalidArgument, "", c.Name, nil, "schema: field appears twice")
		}
		s.cols = append(s.cols, c)
		s.index[c.Name] = c.Type
	}
	if _, ok := s.index[pk]; !ok {
		s.cols = append(s.cols, Column{Name: pk, Type: Int})
		s.index[pk] = Int
	}
	return s, nil
}

// Columns returns a copy of the schema's columns in order.
func (s *Schema) Columns() []Column { return slices.Clone(s.cols) }

// Names returns the field names in schema order.
func (s *Schema) Names() []string {
	names := make([]string, len(s.cols))
	for i, c := range s.cols {
		names[i] = c.Name
	}
	return names
}

// Type returns the type of field name.
func (s *Schema) Type(name string) (Type, bool) {
	t, ok := s.index[name]
	return t, ok
}

// validate checks a normalized record and converts integers in Float fields
// to float64, in place (rec must be private to the caller). It reports the
// first problem in the Python DictDB's order: schema fields in order (missing,
// then wrong type), then extra fields in sorted order.
func (s *Schema) validate(table string, rec codec.Record) error {
	shape, vals := rec.Shape(), rec.Values()
	for _, c := range s.cols {
		slot := shape.Slot(c.Name)
		if slot < 0 {
			return errorf(ErrSchema, table, c.Name, nil, "schema violation: required field is missing")
		}
		v := vals[slot]
		if !s.accepts(c.Type, v) {
			return errorf(ErrSchema, table, c.Name, nil, "schema violation: want %s, got %s", c.Type, schemaTypeName(v))
		}
		if i, isInt := v.(int64); isInt && c.Type == Float {
			vals[slot] = float64(i)
		}
	}
	if shape.Len() > len(s.cols) {
		for i := range shape.Len() {
			k := shape.Name(i)
			if _, ok := s.index[k]; !ok {
				return errorf(ErrSchema, table, k, nil, "schema violation: not in the schema")
			}
		}
	}
	return nil
}

// validateChanges checks the changes of an Update before any row is
// looked at, so that a change no merged row could hold fails whether or not
// a row matches: every field must be a schema field and every value of the
// schema field's type (nil never is). The primary key is left to the
// primary-key check. It reports the first problem in schema order, then
// extra fields in sorted order, as validate does.
func (s *Schema) validateChanges(table, pk string, ch codec.Record) error {
	shape, vals := ch.Shape(), ch.Values()
	for _, c := range s.cols {
		slot := shape.Slot(c.Name)
		if slot < 0 || c.Name == pk {
			continue
		}
		if v := vals[slot]; !s.accepts(c.Type, v) {
			return errorf(ErrSchema, table, c.Name, nil, "schema violation: update sets %s, the schema wants %s", schemaTypeName(v), c.Type)
		}
	}
	for i := range shape.Len() {
		k := shape.Name(i)
		if _, ok := s.index[k]; !ok {
			return errorf(ErrSchema, table, k, nil, "schema violation: update sets a field not in the schema")
		}
	}
	return nil
}

func (s *Schema) accepts(t Type, v any) bool {
	switch v.(type) {
	case int64:
		return t == Int || t == Float
	case float64:
		return t == Float
	case string:
		return t == Str
	case bool:
		return t == Bool
	case []any:
		return t == List
	case map[string]any:
		return t == Dict
	}
	return false
}

// schemaTypeName names a value's type as the schema types do, and null as
// null.
func schemaTypeName(v any) string {
	if v == nil {
		return "null"
	}
	return codec.TypeName(v)
}
