package wal

import (
	"encoding/binary"
	"hash/crc32"
)

// A frame is a fixed 16-byte header and a payload:
//
//	[0:4]   payload length, uint32 little endian
//	[4:8]   CRC-32C (Castagnoli) over bytes [0:4], [8:16] and the payload
//	[8:16]  commit sequence, uint64 little endian
//	[16:]   payload
const headerSize = 16

// HeaderSize is the length of a frame's header: a frame built for
// WriteFrame starts with this many bytes of room for it.
const HeaderSize = headerSize

// MaxPayload is the longest payload a frame may carry.
const MaxPayload = 1 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// frameCRC returns the checksum of a frame with header h and payload p.
func frameCRC(h []byte, p []byte) uint32 {
	c := crc32.Update(0, castagnoli, h[0:4])
	c = crc32.Update(c, castagnoli, h[8:16])
	return crc32.Update(c, castagnoli, p)
}

// appendFrame appends the encoding of one frame to dst.
func appendFrame(dst []byte, seq uint64, payload []byte) []byte {
	var h [headerSize]byte
	putHeader(h[:], seq, payload)
	dst = append(dst, h[:]...)
	return append(dst, payload...)
}

// putHeader writes into h, headerSize bytes, the header of the frame of
// sequence seq carrying payload.
func putHeader(h []byte, seq uint64, payload []byte) {
	binary.LittleEndian.PutUint32(h[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint64(h[8:16], seq)
	binary.LittleEndian.PutUint32(h[4:8], frameCRC(h, payload))
}

// header is a decoded frame header.
type header struct {
	length uint32
	crc    uint32
	seq    uint64
}

func parseHeader(h []byte) header {
	return header{
		length: binary.LittleEndian.Uint32(h[0:4]),
		crc:    binary.LittleEndian.Uint32(h[4:8]),
		seq:    binary.LittleEndian.Uint64(h[8:16]),
	}
}
