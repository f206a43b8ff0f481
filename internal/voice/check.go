package voice

import "fmt"

// masters are the container elements of the WebM files recorders write;
// the check walks into them. Segment and Cluster may have unknown size
// (live recordings do), nothing else may.
var masters = map[uint32]bool{
	0x1A45DFA3: true, // EBML
	0x18538067: true, // Segment
	0x114D9B74: true, // SeekHead
	0x4DBB:     true, // Seek
	0x1549A966: true, // Info
	0x1654AE6B: true, // Tracks
	0xAE:       true, // TrackEntry
	0xE1:       true, // Audio
	0xE0:       true, // Video
	0x1F43B675: true, // Cluster
	0xA0:       true, // BlockGroup
	0x1C53BB6B: true, // Cues
	0xBB:       true, // CuePoint
	0xB7:       true, // CueTrackPositions
	0x1254C367: true, // Tags
	0x7373:     true, // Tag
	0x63C0:     true, // Targets
	0x67C8:     true, // SimpleTag
}

var unknownSizeOK = map[uint32]bool{0x18538067: true, 0x1F43B675: true}

// maxDepth bounds nesting; real files nest 5 deep.
const maxDepth = 8

// checkSizes walks the element tree before ebml-go reads it and refuses a
// file whose declared sizes do not fit: ebml-go trusts them, and a
// crafted size would make it allocate or read far beyond the upload.
func checkSizes(b []byte) error {
	_, err := walk(b, 0)
	return err
}

// walk checks the elements of b and answers how many bytes they took
// (less than len(b) only when an unknown-size element ended at a sibling
// that does not belong inside it, which the caller resumes from).
func walk(b []byte, depth int) (int, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("%w: nested too deep", ErrNotOpusWebM)
	}
	pos := 0
	for pos < len(b) {
		id, idLen, ok := readVint(b[pos:], true)
		if !ok || idLen > 4 {
			return 0, fmt.Errorf("%w: bad element id at %d", ErrNotOpusWebM, pos)
		}
		size, sizeLen, ok := readVint(b[pos+idLen:], false)
		if !ok {
			if pos+idLen >= len(b) {
				return len(b), nil // a recording cut short: ebml-go stops there too
			}
			return 0, fmt.Errorf("%w: bad element size at %d", ErrNotOpusWebM, pos)
		}
		start := pos + idLen + sizeLen
		unknown := size == (uint64(1)<<(7*sizeLen))-1
		switch {
		case unknown && !unknownSizeOK[uint32(id)]:
			return 0, fmt.Errorf("%w: element %x of unknown size", ErrNotOpusWebM, id)
		case unknown:
			n, err := walk(b[start:], depth+1)
			if err != nil {
				return 0, err
			}
			pos = start + n
		default:
			end := start + int(min(size, uint64(len(b)-start)))
			if size > uint64(len(b)-start) {
				// Only the last element of a cut-short file may run past the end.
				end = len(b)
			}
			if masters[uint32(id)] {
				if _, err := walk(b[start:end], depth+1); err != nil {
					return 0, err
				}
			}
			pos = end
		}
	}
	return pos, nil
}

// readVint reads an EBML variable-length integer; as an id the marker bit
// is kept. ok is false when b is too short or the length is invalid.
func readVint(b []byte, keepMarker bool) (v uint64, n int, ok bool) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0, false
	}
	n = 1
	for mask := byte(0x80); b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > 8 || len(b) < n {
		return 0, 0, false
	}
	v = uint64(b[0])
	if !keepMarker {
		v &= uint64(0xff >> n)
	}
	for _, x := range b[1:n] {
		v = v<<8 | uint64(x)
	}
	return v, n, true
}
