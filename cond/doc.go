// Package cond is dictdb's condition language: an immutable syntax tree of
// field predicates combined with AND, OR and NOT, builders for it, a textual
// form, and a compiler that turns a condition into a fast Matcher.
//
// # Guarantees
//
//   - A Cond is immutable once built. The builders (Field, And, Or, Not)
//     copy what they are given and normalize every constant through
//     codec.Normalize, so later changes to the caller's slices and maps never
//     reach a condition. The fields of Pred, AndCond, OrCond and NotCond are
//     exported so that a planner can inspect them; they must be treated as
//     read-only.
//   - Building a condition never fails and never panics. Problems (an empty
//     field name, an unsupported constant, a nil operand of And, Or or Not)
//     are reported by Compile as errors that wrap ErrInvalidQuery; an
//     unsupported constant also wraps codec.ErrUnsupportedValue.
//   - Compile does all per-condition work once: LIKE patterns are parsed,
//     case-insensitive constants lowered and large In sets hashed. A compiled
//     Matcher does not allocate when it evaluates a record (the one exception:
//     ordering or hashing a map value, whose keys codec sorts).
//   - Evaluation never fails: an operator applied to a value of the wrong kind
//     (a number compared with a string, LIKE on an integer) is simply false.
//
// # Concurrency
//
// Cond values and Matchers are safe for concurrent use by any number of
// goroutines. A Matcher's only mutable state is each predicate's cached slot
// of its field in the last record shape seen (a codec.Field, one atomic
// word), which never changes an answer.
//
// # Semantics
//
// A record is a normalized codec.Record (Matcher.MatchMap takes a normalized
// map); a field that is missing
// from the record reads as nil, so a missing field and a null field are never
// told apart.
//
//	Eq(v)            codec.Equal(value, v): 1 equals 1.0, bool is not a number,
//	                 lists and maps compare deeply; Eq(nil) matches null/missing
//	Ne(v)            exactly !Eq(v): a missing field is != 30
//	Lt Lte Gt Gte    codec.Compare, false when the value is null/missing or of
//	                 another kind than v (int64 and float64 are one kind)
//	Between(lo, hi)  lo <= value <= hi under the same kind rule; lo > hi
//	                 matches nothing
//	In(vs...)        value equals one of vs; null/missing matches iff nil is
//	                 among vs; In() matches nothing
//	Like ILike       SQL LIKE on strings, see below
//	StartsWith EndsWith   case-sensitive prefix / suffix of a string value
//	Contains(v)      substring of a string value, element of a list value
//	                 (codec.Equal), or key of a map value
//	IEquals IContains IStartsWith IEndsWith
//	                 as ==, Contains, StartsWith, EndsWith after strings.ToLower
//	                 on both sides (lower-casing, not case folding)
//	IsNull IsNotNull value is null or missing / present and not null
//
// Every string operator is false for a value that is not a string.
//
// # LIKE patterns
//
// A pattern matches the whole string. % matches any run of characters,
// including the empty run, and _ exactly one character; both match newlines.
// Every other character stands for itself. With an escape string of exactly
// one character, that character followed by any character makes the latter
// literal (so with escape '!', "!%" is a literal percent sign and "!!" a
// literal '!'); an escape character at the very end of the pattern is itself a
// literal. An escape string of more than one character is ignored, as it is
// in the Python DictDB. ILike compares characters case-insensitively with the
// simple Unicode folding of Go's regexp (?i), so 's' also matches 'ſ'.
//
// Characters are runes: a byte that is not part of valid UTF-8 reads as
// U+FFFD, as in a range loop and in package regexp, so _ matches one such
// byte and a literal U+FFFD in a pattern matches it.
//
// # Textual form
//
// String renders a condition as a SQL WHERE-like text:
//
//	(dept = 'IT' AND age >= 25)
//	NOT (name LIKE 'a!%' ESCAPE '!')
//	(tags IS NULL OR contains(tags, 'go'))
//
// Strings are single-quoted with ' doubled; field names are bare when they
// are identifiers that are not keywords and double-quoted otherwise. Literals
// are integers, floats (always with a '.' or an exponent), true, false, null,
// lists [1, 'a'], maps {'k': 1}, bytes x'0a0b' and times
// timestamp '2006-01-02T15:04:05.999999999Z'. And() prints as TRUE and Or() as
// FALSE.
//
// # Caveats
//
// Records handed to a Matcher must be normalized (codec.NormalizeRecord); a
// Matcher may panic on a value of a type outside the codec value model.
package cond
