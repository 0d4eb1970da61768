package codec

import (
	"io"
)

// DecodeJSONOracle is DecodeJSON as it was before DecodeJSON read records
// itself: encoding/json decodes each record into a map, whose numbers are
// then converted, and the map is wrapped as a Record. The tests hold
// DecodeJSON to it.
func DecodeJSONOracle(r io.Reader, v Visitor) error {
	return decodeJSON(r, v, (*jsonReader).mapRecords)
}

func (jr *jsonReader) mapRecords(what, pk string, put func(Record, int64) error) error {
	for n := 0; jr.dec.More(); n++ {
		var raw any
		before := jr.off()
		if err := jr.dec.Decode(&raw); err != nil {
			if ce := jr.nonFinite(err, before, what, pk, n); ce != nil {
				return ce
			}
			return jr.fromDecodeErr(err, what+": record", before)
		}
		end := jr.off()
		m, ok := raw.(map[string]any)
		if !ok {
			return jr.corrupt(end, nil, "%s: a record must be an object, found %s", what, jsonKindName(raw))
		}
		if err := fromJSON(m, 0); err != nil {
			record := recordName(m, pk, n)
			if pe, ok := err.(*pathError); ok {
				return jr.corrupt(end, pe.err, "%s: %s: field %q", what, record, pe.path)
			}
			return jr.corrupt(end, err, "%s: %s", what, record)
		}
		if err := put(jr.norm.Wrap(m, ""), end); err != nil {
			return err
		}
	}
	return jr.expectDelim(']', what+": records")
}
