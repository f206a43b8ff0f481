// Package voice turns a voice message recorded in the browser into what
// messaging channels take as a voice note. Chromium's MediaRecorder writes
// Opus in WebM; WhatsApp and Telegram want Opus in Ogg. The Opus packets
// are the same in both, so this is a remux (no decoding): the WebM blocks
// are read with ebml-go and written as Ogg pages with pion's oggwriter,
// which counts granule positions from each packet's own frame sizes.
package voice

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/at-wat/ebml-go"
	"github.com/at-wat/ebml-go/webm"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4/pkg/media/oggwriter"
)

// ErrNotOpusWebM is returned for input that is not WebM with an Opus track.
var ErrNotOpusWebM = errors.New("not a WebM file with Opus audio")

// MaxPackets bounds the packets read (about 40 minutes of 20 ms frames):
// upload size caps the input already, this caps the work.
const MaxPackets = 120_000

var webmMagic = []byte{0x1a, 0x45, 0xdf, 0xa3}

// IsWebM tells whether data starts like an EBML (WebM/Matroska) file.
func IsWebM(data []byte) bool { return bytes.HasPrefix(data, webmMagic) }

type document struct {
	Header  webm.EBMLHeader `ebml:"EBML"`
	Segment webm.Segment    `ebml:"Segment"`
}

// Info describes the audio that was remuxed.
type Info struct {
	Channels   int
	SampleRate int // the recording's input rate (Opus always decodes at 48 kHz)
	Packets    int
}

// WebMToOgg remuxes the first Opus track of a WebM file into an Ogg/Opus
// stream. Malformed input gives an error, never a panic.
func WebMToOgg(data []byte) (out []byte, info Info, err error) {
	if !IsWebM(data) {
		return nil, info, ErrNotOpusWebM
	}
	packets, info, err := readOpus(data)
	if err != nil {
		return nil, info, err
	}
	var buf bytes.Buffer
	w, err := oggwriter.NewWriter(&buf)
	if err != nil {
		return nil, info, fmt.Errorf("voice: ogg writer: %w", err)
	}
	const ssrc = 1
	track, err := w.NewTrack(ssrc, oggwriter.WithSampleRate(uint32(info.SampleRate)), oggwriter.WithChannelCount(uint16(info.Channels)))
	if err != nil {
		return nil, info, fmt.Errorf("voice: ogg track: %w", err)
	}
	for i, p := range packets {
		pkt := &rtp.Packet{Header: rtp.Header{SSRC: ssrc, SequenceNumber: uint16(i)}, Payload: p}
		if err := track.WriteRTP(pkt); err != nil {
			return nil, info, fmt.Errorf("voice: write packet %d: %w", i, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, info, fmt.Errorf("voice: close ogg: %w", err)
	}
	return buf.Bytes(), info, nil
}

// readOpus answers the Opus packets of the first Opus track, in order.
func readOpus(data []byte) (packets [][]byte, info Info, err error) {
	if err := checkSizes(data); err != nil {
		return nil, info, err
	}
	var doc document
	// ebml-go may panic on some malformed input (a short block header, for
	// one); the file comes from outside, so a panic is a bad file.
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%w: malformed (%v)", ErrNotOpusWebM, r)
			}
		}()
		if uerr := ebml.Unmarshal(bytes.NewReader(data), &doc); uerr != nil && !errors.Is(uerr, io.EOF) && !errors.Is(uerr, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%w: %v", ErrNotOpusWebM, uerr)
		}
	}()
	if err != nil {
		return nil, info, err
	}
	if doc.Header.DocType != "webm" && doc.Header.DocType != "matroska" {
		return nil, info, fmt.Errorf("%w: doctype %q", ErrNotOpusWebM, doc.Header.DocType)
	}
	var track *webm.TrackEntry
	for i := range doc.Segment.Tracks.TrackEntry {
		if t := &doc.Segment.Tracks.TrackEntry[i]; t.CodecID == "A_OPUS" {
			track = t
			break
		}
	}
	if track == nil {
		return nil, info, fmt.Errorf("%w: no Opus track", ErrNotOpusWebM)
	}
	info.Channels, info.SampleRate = 1, 48000
	if track.Audio != nil {
		if track.Audio.Channels == 2 {
			info.Channels = 2
		}
		if f := int(track.Audio.SamplingFrequency); f >= 8000 && f <= 192000 {
			info.SampleRate = f
		}
	}
	// OpusHead in CodecPrivate carries the true input rate when present.
	if cp := track.CodecPrivate; len(cp) >= 16 && string(cp[:8]) == "OpusHead" {
		if f := int(binary.LittleEndian.Uint32(cp[12:16])); f >= 8000 && f <= 192000 {
			info.SampleRate = f
		}
		if cp[9] == 2 {
			info.Channels = 2
		}
	}
	add := func(b ebml.Block) error {
		if b.TrackNumber != track.TrackNumber {
			return nil
		}
		for _, f := range b.Data {
			if len(f) == 0 {
				continue
			}
			if len(packets) >= MaxPackets {
				return fmt.Errorf("voice: more than %d packets", MaxPackets)
			}
			packets = append(packets, f)
		}
		return nil
	}
	for _, c := range doc.Segment.Cluster {
		for _, b := range c.SimpleBlock {
			if err := add(b); err != nil {
				return nil, info, err
			}
		}
		for _, g := range c.BlockGroup {
			if err := add(g.Block); err != nil {
				return nil, info, err
			}
		}
	}
	if len(packets) == 0 {
		return nil, info, fmt.Errorf("%w: the Opus track is empty", ErrNotOpusWebM)
	}
	info.Packets = len(packets)
	return packets, info, nil
}
