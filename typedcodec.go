package dictdb

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/dictdb-go/dictdb/codec"
	"github.com/dictdb-go/dictdb/internal/stored"
	"github.com/dictdb-go/dictdb/tbl"
)

// This file compiles a Go struct type into its mapping onto records, once
// per type: the flattened fields with their record names, their offsets in
// the struct and a converter per field, each a closure built for the field's
// Go type. Encoding and decoding then walk that list reading and writing
// memory at the offsets, without asking reflect about the type again. The
// converters of composite types (slices, maps, pointers, nested structs)
// use reflect only to allocate and to range over maps.

// A conv converts one Go value, found at a pointer, to and from the value
// model.
type conv struct {
	// enc returns the normalized value of the Go value at p; depth counts
	// the levels of nesting above it, to stop pointer cycles.
	enc func(p unsafe.Pointer, depth int) (any, error)
	// dec stores the normalized value v (nil: the zero value) into the Go
	// value at p. It never retains v's lists, maps or byte slices.
	dec func(p unsafe.Pointer, v any) error
	// zero reports whether the value at p is its type's zero value (for
	// omitempty).
	zero func(p unsafe.Pointer) bool
	// schema is the schema column type the Go type maps to, if any.
	schema   Type
	hasSchem bool
}

// A fieldCodec is one flattened field of a struct.
type fieldCodec struct {
	name      string // the record field name
	goPath    string // the Go field path, "Base.Name", for messages
	off       uintptr
	omitEmpty bool
	pk        bool
	ref       *codec.Field
	conv
}

// A structCodec is the compiled mapping of one struct type.
type structCodec struct {
	typ    reflect.Type
	fields []*fieldCodec // in declaration order, embedded fields in place
	byName map[string]*fieldCodec
	pk     *fieldCodec // the field tagged pk, or nil
}

// codecs caches the compiled mapping of each struct type: a *structCodec,
// or the error that rejected the type.
var codecs sync.Map

type codecResult struct {
	sc  *structCodec
	err error
}

// codecFor returns the compiled mapping of t, a struct type.
func codecFor(t reflect.Type) (*structCodec, error) {
	if r, ok := codecs.Load(t); ok {
		r := r.(codecResult)
		return r.sc, r.err
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("dictdb: %w: %s is not a struct type", ErrUnsupportedType, t)
	}
	c := compiler{structs: map[reflect.Type]*structCodec{}}
	sc, err := c.structCodec(t)
	if err == nil {
		err = c.err
	}
	if fe, ok := err.(*fieldErr); ok {
		err = fmt.Errorf("dictdb: %w: %s: field %s: %s", ErrUnsupportedType, t, fe.path, fe.msg)
	}
	if err != nil {
		sc = nil
	}
	r, _ := codecs.LoadOrStore(t, codecResult{sc, err})
	return r.(codecResult).sc, r.(codecResult).err
}

// compiler compiles one struct type and the types it reaches. structs
// holds the struct types compiled or being compiled, so recursive types
// (type Node struct{ Kids []Node }) compile once.
type compiler struct {
	structs map[reflect.Type]*structCodec
	err     error
}

// A fieldErr rejects a struct type because of one field: path is its Go
// path from the outermost struct.
type fieldErr struct {
	path, msg string
}

func (e *fieldErr) Error() string { return "field " + e.path + ": " + e.msg }

// tagged is a struct field found while flattening, with its embedding depth.
type tagged struct {
	f     *fieldCodec
	depth int
	typ   reflect.Type
}

// structCodec compiles struct type t. The returned codec's fields are
// filled in before it returns, but a codec met again while its own fields
// compile (a recursive type) is handed out unfinished: its converters only
// use it later, at run time.
func (c *compiler) structCodec(t reflect.Type) (*structCodec, error) {
	if sc, ok := c.structs[t]; ok {
		return sc, nil
	}
	sc := &structCodec{typ: t, byName: map[string]*fieldCodec{}}
	c.structs[t] = sc
	var found []tagged
	if err := c.flatten(t, 0, "", 0, map[reflect.Type]bool{t: true}, &found); err != nil {
		return nil, err
	}
	// The shallowest field of a name wins, as in encoding/json; two at the
	// same depth are ambiguous, which is an error here rather than a
	// silent omission.
	best := map[string]tagged{}
	for _, f := range found {
		b, ok := best[f.f.name]
		switch {
		case !ok || f.depth < b.depth:
			best[f.f.name] = f
		case f.depth == b.depth:
			return nil, &fieldErr{f.f.goPath, fmt.Sprintf("fields %s and %s both map to %q", b.f.goPath, f.f.goPath, f.f.name)}
		}
	}
	for _, f := range found {
		if best[f.f.name].f != f.f {
			continue
		}
		fc := f.f
		cv, err := c.conv(f.typ, fc.goPath)
		if err != nil {
			if fe, ok := err.(*fieldErr); ok {
				return nil, &fieldErr{fc.goPath + "." + fe.path, fe.msg}
			}
			return nil, &fieldErr{fc.goPath, err.Error()}
		}
		fc.conv = cv
		fc.ref = codec.NewField(fc.name)
		if fc.pk {
			if sc.pk != nil {
				return nil, &fieldErr{fc.goPath, fmt.Sprintf("fields %s and %s are both tagged pk", sc.pk.goPath, fc.goPath)}
			}
			switch f.typ.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.String:
			default:
				return nil, &fieldErr{fc.goPath, fmt.Sprintf("a primary key must be an integer or a string, not %s", f.typ)}
			}
			sc.pk = fc
		}
		sc.fields = append(sc.fields, fc)
		sc.byName[fc.name] = fc
	}
	return sc, nil
}

// flatten collects the fields of struct t at offset base, embedded
// structs' fields promoted in place.
func (c *compiler) flatten(t reflect.Type, base uintptr, prefix string, depth int, visiting map[reflect.Type]bool, out *[]tagged) error {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("dictdb")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		goPath := prefix + sf.Name
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
				return &fieldErr{goPath, "an embedded pointer to a struct is not supported; embed the struct by value"}
			}
			if ft.Kind() == reflect.Struct && ft != timeType {
				if visiting[ft] {
					return &fieldErr{goPath, "embeds itself"}
				}
				visiting[ft] = true
				err := c.flatten(ft, base+sf.Offset, goPath+".", depth+1, visiting, out)
				delete(visiting, ft)
				if err != nil {
					return err
				}
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fc := &fieldCodec{name: name, goPath: goPath, off: base + sf.Offset}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				fc.omitEmpty = true
			case "pk":
				fc.pk = true
			default:
				return &fieldErr{goPath, fmt.Sprintf("unknown tag option %q", o)}
			}
		}
		*out = append(*out, tagged{f: fc, depth: depth, typ: sf.Type})
	}
	return nil
}

var (
	timeType = reflect.TypeFor[time.Time]()
	anyType  = reflect.TypeFor[any]()
)

// conv compiles the converter of Go type t; path names the field in errors.
func (c *compiler) conv(t reflect.Type, path string) (conv, error) {
	if t == timeType {
		return conv{
			enc: func(p unsafe.Pointer, _ int) (any, error) {
				return (*(*time.Time)(p)).Round(0).UTC(), nil
			},
			dec: func(p unsafe.Pointer, v any) error {
				switch x := v.(type) {
				case nil:
					*(*time.Time)(p) = time.Time{}
				case time.Time:
					*(*time.Time)(p) = x
				default:
					return mismatch(v, t)
				}
				return nil
			},
			zero: func(p unsafe.Pointer) bool { return (*(*time.Time)(p)).IsZero() },
		}, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return conv{
			enc: func(p unsafe.Pointer, _ int) (any, error) { return *(*bool)(p), nil },
			dec: func(p unsafe.Pointer, v any) error {
				switch x := v.(type) {
				case nil:
					*(*bool)(p) = false
				case bool:
					*(*bool)(p) = x
				default:
					return mismatch(v, t)
				}
				return nil
			},
			zero:   func(p unsafe.Pointer) bool { return !*(*bool)(p) },
			schema: Bool, hasSchem: true,
		}, nil
	case reflect.Int:
		return intConv[int](t), nil
	case reflect.Int8:
		return intConv[int8](t), nil
	case reflect.Int16:
		return intConv[int16](t), nil
	case reflect.Int32:
		return intConv[int32](t), nil
	case reflect.Int64:
		return intConv[int64](t), nil
	case reflect.Uint:
		return uintConv[uint](t), nil
	case reflect.Uint8:
		return uintConv[uint8](t), nil
	case reflect.Uint16:
		return uintConv[uint16](t), nil
	case reflect.Uint32:
		return uintConv[uint32](t), nil
	case reflect.Uint64:
		return uintConv[uint64](t), nil
	case reflect.Float32:
		return floatConv[float32](t), nil
	case reflect.Float64:
		return floatConv[float64](t), nil
	case reflect.String:
		return conv{
			enc: func(p unsafe.Pointer, _ int) (any, error) { return *(*string)(p), nil },
			dec: func(p unsafe.Pointer, v any) error {
				switch x := v.(type) {
				case nil:
					*(*string)(p) = ""
				case string:
					*(*string)(p) = x
				default:
					return mismatch(v, t)
				}
				return nil
			},
			zero:   func(p unsafe.Pointer) bool { return *(*string)(p) == "" },
			schema: Str, hasSchem: true,
		}, nil
	case reflect.Interface:
		if t != anyType && t.NumMethod() != 0 {
			return conv{}, fmt.Errorf("interface type %s (only any is supported)", t)
		}
		return conv{
			enc: func(p unsafe.Pointer, _ int) (any, error) {
				return codec.Normalize(path, *(*any)(p))
			},
			dec: func(p unsafe.Pointer, v any) error {
				*(*any)(p) = codec.Clone(v) // an interface without methods is laid out as any
				return nil
			},
			zero: func(p unsafe.Pointer) bool { return *(*any)(p) == nil },
		}, nil
	case reflect.Pointer:
		return c.pointerConv(t, path)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return bytesConv(t), nil
		}
		return c.sliceConv(t, path)
	case reflect.Array:
		return c.arrayConv(t, path)
	case reflect.Map:
		return c.mapConv(t, path)
	case reflect.Struct:
		return c.nestedConv(t)
	}
	return conv{}, fmt.Errorf("type %s cannot be stored", t)
}

// mismatch is the error of a stored value that does not fit Go type t.
func mismatch(v any, t reflect.Type) error {
	return fmt.Errorf("%w: stored %s does not fit Go type %s", ErrTypeMismatch, codec.KindOf(v), t)
}

type signed interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

type unsigned interface {
	~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// intOf returns the integer a stored number holds: an int64, or a float64
// without a fraction (a float column stores integers as floats).
func intOf(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && x >= -(1<<63) && x < 1<<63 {
			return int64(x), true
		}
	}
	return 0, false
}

func intConv[I signed](t reflect.Type) conv {
	return conv{
		enc: func(p unsafe.Pointer, _ int) (any, error) { return int64(*(*I)(p)), nil },
		dec: func(p unsafe.Pointer, v any) error {
			if v == nil {
				*(*I)(p) = 0
				return nil
			}
			n, ok := intOf(v)
			if !ok {
				return mismatch(v, t)
			}
			if int64(I(n)) != n {
				return fmt.Errorf("%w: stored %d overflows Go type %s", ErrTypeMismatch, n, t)
			}
			*(*I)(p) = I(n)
			return nil
		},
		zero:   func(p unsafe.Pointer) bool { return *(*I)(p) == 0 },
		schema: Int, hasSchem: true,
	}
}

func uintConv[U unsigned](t reflect.Type) conv {
	return conv{
		enc: func(p unsafe.Pointer, _ int) (any, error) {
			u := uint64(*(*U)(p))
			if u > math.MaxInt64 {
				return nil, fmt.Errorf("%w: %d overflows int64", ErrUnsupportedValue, u)
			}
			return int64(u), nil
		},
		dec: func(p unsafe.Pointer, v any) error {
			if v == nil {
				*(*U)(p) = 0
				return nil
			}
			n, ok := intOf(v)
			if !ok {
				return mismatch(v, t)
			}
			if n < 0 || int64(U(n)) != n {
				return fmt.Errorf("%w: stored %d overflows Go type %s", ErrTypeMismatch, n, t)
			}
			*(*U)(p) = U(n)
			return nil
		},
		zero:   func(p unsafe.Pointer) bool { return *(*U)(p) == 0 },
		schema: Int, hasSchem: true,
	}
}

func floatConv[F ~float32 | ~float64](t reflect.Type) conv {
	return conv{
		enc: func(p unsafe.Pointer, _ int) (any, error) {
			f := float64(*(*F)(p))
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("%w: %v is not a finite number", ErrUnsupportedValue, f)
			}
			return f, nil
		},
		dec: func(p unsafe.Pointer, v any) error {
			var f float64
			switch x := v.(type) {
			case nil:
			case float64:
				f = x
			case int64:
				f = float64(x)
			default:
				return mismatch(v, t)
			}
			if math.IsInf(float64(F(f)), 0) {
				return fmt.Errorf("%w: stored %v overflows Go type %s", ErrTypeMismatch, f, t)
			}
			*(*F)(p) = F(f)
			return nil
		},
		zero:   func(p unsafe.Pointer) bool { return *(*F)(p) == 0 },
		schema: Float, hasSchem: true,
	}
}

// bytesConv maps a byte slice (of any named type) onto bytes: nil is null.
func bytesConv(t reflect.Type) conv {
	return conv{
		enc: func(p unsafe.Pointer, _ int) (any, error) {
			b := *(*[]byte)(p)
			if b == nil {
				return nil, nil
			}
			return append(make([]byte, 0, len(b)), b...), nil
		},
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case nil:
				*(*[]byte)(p) = nil
			case []byte:
				*(*[]byte)(p) = append(make([]byte, 0, len(x)), x...)
			default:
				return mismatch(v, t)
			}
			return nil
		},
		zero: func(p unsafe.Pointer) bool { return len(*(*[]byte)(p)) == 0 },
	}
}

// tooDeepErr stops the encoding of values nested deeper than MaxDepth,
// which also ends pointer cycles.
func tooDeepErr() error {
	return fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedValue, MaxDepth)
}

func (c *compiler) pointerConv(t reflect.Type, path string) (conv, error) {
	elem := t.Elem()
	ec, err := c.conv(elem, path)
	if err != nil {
		return conv{}, err
	}
	return conv{
		enc: func(p unsafe.Pointer, depth int) (any, error) {
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				return nil, nil
			}
			if depth > MaxDepth {
				return nil, tooDeepErr()
			}
			return ec.enc(q, depth+1)
		},
		dec: func(p unsafe.Pointer, v any) error {
			if v == nil {
				*(*unsafe.Pointer)(p) = nil
				return nil
			}
			q := reflect.New(elem).UnsafePointer()
			if err := ec.dec(q, v); err != nil {
				return err
			}
			*(*unsafe.Pointer)(p) = q
			return nil
		},
		zero: func(p unsafe.Pointer) bool { return *(*unsafe.Pointer)(p) == nil },
	}, nil
}

// sliceHeader is the memory layout of a slice.
type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

func (c *compiler) sliceConv(t reflect.Type, path string) (conv, error) {
	elem := t.Elem()
	ec, err := c.conv(elem, path+"[]")
	if err != nil {
		return conv{}, err
	}
	size := elem.Size()
	return conv{
		enc: func(p unsafe.Pointer, depth int) (any, error) {
			h := (*sliceHeader)(p)
			if h.data == nil {
				return nil, nil
			}
			if depth >= MaxDepth {
				return nil, tooDeepErr()
			}
			out := make([]any, h.len)
			for i := range out {
				v, err := ec.enc(unsafe.Add(h.data, uintptr(i)*size), depth+1)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
			return out, nil
		},
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case nil:
				reflect.NewAt(t, p).Elem().SetZero()
			case []any:
				s := reflect.MakeSlice(t, len(x), len(x))
				data := s.UnsafePointer()
				for i, e := range x {
					if err := ec.dec(unsafe.Add(data, uintptr(i)*size), e); err != nil {
						return err
					}
				}
				reflect.NewAt(t, p).Elem().Set(s)
			default:
				return mismatch(v, t)
			}
			return nil
		},
		zero:   func(p unsafe.Pointer) bool { return (*sliceHeader)(p).len == 0 },
		schema: List, hasSchem: true,
	}, nil
}

func (c *compiler) arrayConv(t reflect.Type, path string) (conv, error) {
	elem := t.Elem()
	ec, err := c.conv(elem, path+"[]")
	if err != nil {
		return conv{}, err
	}
	size, n := elem.Size(), t.Len()
	return conv{
		enc: func(p unsafe.Pointer, depth int) (any, error) {
			if depth >= MaxDepth {
				return nil, tooDeepErr()
			}
			out := make([]any, n)
			for i := range out {
				v, err := ec.enc(unsafe.Add(p, uintptr(i)*size), depth+1)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
			return out, nil
		},
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case nil:
				reflect.NewAt(t, p).Elem().SetZero()
			case []any:
				if len(x) != n {
					return fmt.Errorf("%w: stored list of %d does not fit Go type %s", ErrTypeMismatch, len(x), t)
				}
				for i, e := range x {
					if err := ec.dec(unsafe.Add(p, uintptr(i)*size), e); err != nil {
						return err
					}
				}
			default:
				return mismatch(v, t)
			}
			return nil
		},
		zero: func(p unsafe.Pointer) bool {
			return reflect.NewAt(t, p).Elem().IsZero()
		},
		schema: List, hasSchem: true,
	}, nil
}

func (c *compiler) mapConv(t reflect.Type, path string) (conv, error) {
	if t.Key().Kind() != reflect.String {
		return conv{}, fmt.Errorf("map key type %s (map keys must be strings)", t.Key())
	}
	elem := t.Elem()
	ec, err := c.conv(elem, path+"[]")
	if err != nil {
		return conv{}, err
	}
	return conv{
		enc: func(p unsafe.Pointer, depth int) (any, error) {
			m := reflect.NewAt(t, p).Elem()
			if m.IsNil() {
				return nil, nil
			}
			if depth >= MaxDepth {
				return nil, tooDeepErr()
			}
			out := make(map[string]any, m.Len())
			tmp := reflect.New(elem)
			it := m.MapRange()
			for it.Next() {
				tmp.Elem().Set(it.Value())
				v, err := ec.enc(tmp.UnsafePointer(), depth+1)
				if err != nil {
					return nil, err
				}
				out[it.Key().String()] = v
			}
			return out, nil
		},
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case nil:
				reflect.NewAt(t, p).Elem().SetZero()
			case map[string]any:
				m := reflect.MakeMapWithSize(t, len(x))
				key := reflect.New(t.Key()).Elem()
				for k, e := range x {
					ev := reflect.New(elem)
					if err := ec.dec(ev.UnsafePointer(), e); err != nil {
						return err
					}
					key.SetString(k)
					m.SetMapIndex(key, ev.Elem())
				}
				reflect.NewAt(t, p).Elem().Set(m)
			default:
				return mismatch(v, t)
			}
			return nil
		},
		zero:   func(p unsafe.Pointer) bool { return reflect.NewAt(t, p).Elem().Len() == 0 },
		schema: Dict, hasSchem: true,
	}, nil
}

// nestedConv maps a struct field onto a map of its fields.
func (c *compiler) nestedConv(t reflect.Type) (conv, error) {
	sc, err := c.structCodec(t)
	if err != nil {
		return conv{}, err
	}
	return conv{
		enc: func(p unsafe.Pointer, depth int) (any, error) {
			if depth >= MaxDepth {
				return nil, tooDeepErr()
			}
			out := make(map[string]any, len(sc.fields))
			if err := sc.encode(p, depth+1, func(name string, v any) { out[name] = v }); err != nil {
				return nil, err
			}
			return out, nil
		},
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case nil:
				reflect.NewAt(t, p).Elem().SetZero()
			case map[string]any:
				reflect.NewAt(t, p).Elem().SetZero()
				for _, f := range sc.fields {
					if e, ok := x[f.name]; ok {
						if err := f.dec(unsafe.Add(p, f.off), e); err != nil {
							return fmt.Errorf("%s: %w", f.name, err)
						}
					}
				}
			default:
				return mismatch(v, t)
			}
			return nil
		},
		zero:   func(p unsafe.Pointer) bool { return reflect.NewAt(t, p).Elem().IsZero() },
		schema: Dict, hasSchem: true,
	}, nil
}

// encode calls put with the name and normalized value of every field of
// the struct at p, omitempty fields that hold their zero value left out.
func (sc *structCodec) encode(p unsafe.Pointer, depth int, put func(name string, v any)) error {
	for _, f := range sc.fields {
		fp := unsafe.Add(p, f.off)
		if f.omitEmpty && f.zero(fp) {
			continue
		}
		v, err := f.enc(fp, depth)
		if err != nil {
			return fmt.Errorf("field %s: %w", f.goPath, err)
		}
		put(f.name, v)
	}
	return nil
}

// record returns the record of the struct at p. A primary-key field of an
// integer type holding 0 is left out, so that the table assigns the next
// auto key.
func (sc *structCodec) record(p unsafe.Pointer) (Record, error) {
	rec := make(Record, len(sc.fields))
	for _, f := range sc.fields {
		fp := unsafe.Add(p, f.off)
		if (f.omitEmpty || f.pk && f.schema == Int) && f.zero(fp) {
			continue
		}
		v, err := f.enc(fp, 0)
		if err != nil {
			return nil, fmt.Errorf("dictdb: type %s: field %s: %w", sc.typ, f.goPath, err)
		}
		rec[f.name] = v
	}
	return rec, nil
}

// decodeRow stores the fields of a stored row into the struct at p, which
// holds its zero value. Fields the struct lacks are ignored; fields the
// record lacks stay zero.
func (sc *structCodec) decodeRow(table string, r tbl.Row, p unsafe.Pointer) error {
	rec := stored.Record(r)
	for _, f := range sc.fields {
		v, ok := f.ref.Get(rec)
		if !ok {
			continue
		}
		if err := f.dec(unsafe.Add(p, f.off), v); err != nil {
			e := &tbl.Error{Err: ErrTypeMismatch, Table: table, Field: f.name, Msg: err.Error()}
			if sc.pk != nil {
				e.Key, _ = rec.Get(sc.pk.name)
			}
			return e
		}
	}
	return nil
}

// schemaColumns derives schema columns from the struct: every field is
// required and non-null in a schema, so a field whose Go type has no
// schema type (time.Time, []byte, pointers, any), or one that is
// omitempty, cannot be part of one.
func (sc *structCodec) schemaColumns() ([]Column, string, error) {
	cols := make([]Column, 0, len(sc.fields))
	for _, f := range sc.fields {
		if !f.hasSchem {
			return nil, "", fmt.Errorf("dictdb: %w: %s: field %s: no schema type holds its Go type (schemas know int, float, str, bool, list and dict, all non-null)", ErrUnsupportedType, sc.typ, f.goPath)
		}
		if f.omitEmpty && !f.pk {
			return nil, "", fmt.Errorf("dictdb: %w: %s: field %s: omitempty conflicts with a schema, whose fields are required", ErrUnsupportedType, sc.typ, f.goPath)
		}
		cols = append(cols, Col(f.name, f.schema))
	}
	pk := ""
	if sc.pk != nil {
		pk = sc.pk.name
	}
	return cols, pk, nil
}

// A layout builds the stored records of a struct type for one table
// directly, without a map: the shape of the struct's fields plus the
// table's primary key, and each field's slot in it. It serves the records
// that have every field (no omitempty field left out); record reports the
// others, which go through a map.
type layout struct {
	sc    *structCodec
	shape *codec.Shape
	slots []int // per field of sc, its slot in shape
}

func (sc *structCodec) layout(pk string) *layout {
	names := make([]string, 0, len(sc.fields)+1)
	for _, f := range sc.fields {
		names = append(names, f.name)
	}
	shape := codec.ShapeOf(append(names, pk)...)
	l := &layout{sc: sc, shape: shape, slots: make([]int, len(sc.fields))}
	for i, f := range sc.fields {
		l.slots[i] = shape.Slot(f.name)
	}
	return l
}

// record returns the stored record of the struct at p, the caller's to
// hand over, and true; or false if a field is left out by omitempty. A pk
// field of an integer type holding 0 is stored as nil, for the next auto
// key, and so is the primary key when the struct has no field for it.
func (l *layout) record(p unsafe.Pointer) (codec.Record, bool, error) {
	rec, vals := codec.NewRecord(l.shape)
	for i, f := range l.sc.fields {
		fp := unsafe.Add(p, f.off)
		if f.omitEmpty && f.zero(fp) {
			return codec.Record{}, false, nil
		}
		if f.pk && f.schema == Int && f.zero(fp) {
			continue
		}
		v, err := f.enc(fp, 0)
		if err != nil {
			return codec.Record{}, false, fmt.Errorf("dictdb: type %s: field %s: %w", l.sc.typ, f.goPath, err)
		}
		vals[l.slots[i]] = v
	}
	return rec, true, nil
}
