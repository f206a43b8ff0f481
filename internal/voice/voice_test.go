package voice

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"
)

// sample was recorded by Chromium's MediaRecorder (audio/webm;codecs=opus)
// from its fake microphone (--use-fake-device-for-media-stream), 1.5 s.
func sample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/chromium-fake-mic.webm")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// oggPage is one parsed Ogg page header with its packets' bytes.
type oggPage struct {
	headerType byte
	granule    uint64
	serial     uint32
	seq        uint32
	body       []byte
}

// parseOgg reads Ogg pages independently of the writer (RFC 3533 layout).
func parseOgg(t *testing.T, b []byte) []oggPage {
	t.Helper()
	var pages []oggPage
	for len(b) > 0 {
		if len(b) < 27 || string(b[:4]) != "OggS" {
			t.Fatalf("page %d: no OggS capture pattern", len(pages))
		}
		n := int(b[26])
		if len(b) < 27+n {
			t.Fatalf("page %d: short segment table", len(pages))
		}
		size := 0
		for _, l := range b[27 : 27+n] {
			size += int(l)
		}
		end := 27 + n + size
		if len(b) < end {
			t.Fatalf("page %d: short body", len(pages))
		}
		pages = append(pages, oggPage{headerType: b[5], granule: binary.LittleEndian.Uint64(b[6:14]),
			serial: binary.LittleEndian.Uint32(b[14:18]), seq: binary.LittleEndian.Uint32(b[18:22]), body: b[27+n : end]})
		b = b[end:]
	}
	return pages
}

func TestWebMToOgg_ChromiumRecording(t *testing.T) {
	out, info, err := WebMToOgg(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	// Chromium writes 60 ms Opus frames: 1.5 s is about 25 packets.
	if info.Channels < 1 || info.Packets < 20 {
		t.Fatalf("info = %+v, want ≥ 20 packets (1.5 s of 60 ms frames)", info)
	}
	pages := parseOgg(t, out)
	if len(pages) < 3 {
		t.Fatalf("%d pages, want OpusHead, OpusTags and audio", len(pages))
	}
	if !bytes.HasPrefix(pages[0].body, []byte("OpusHead")) || pages[0].headerType&0x02 == 0 {
		t.Fatalf("first page is not a beginning-of-stream OpusHead: %q", pages[0].body[:8])
	}
	if ch := int(pages[0].body[9]); ch != info.Channels {
		t.Errorf("OpusHead channels = %d, want %d", ch, info.Channels)
	}
	if !bytes.HasPrefix(pages[1].body, []byte("OpusTags")) {
		t.Fatalf("second page is not OpusTags")
	}
	last := pages[len(pages)-1]
	if last.headerType&0x04 == 0 {
		t.Errorf("last page lacks the end-of-stream flag")
	}
	// Granule positions count 48 kHz samples: 1.5 s of audio is about 72,000
	// (Chromium's recorder may start or stop a little off the 1.5 s).
	var g uint64
	for _, p := range pages[2:] {
		if p.granule != ^uint64(0) && p.granule > g {
			g = p.granule
		}
		if p.serial != pages[0].serial {
			t.Fatal("pages of more than one stream")
		}
	}
	if g < 48000 || g > 48000*3 {
		t.Errorf("final granule = %d, want about 72,000 (1.5 s at 48 kHz)", g)
	}
	for i, p := range pages {
		if p.seq != uint32(i) {
			t.Fatalf("page %d has sequence %d", i, p.seq)
		}
	}
}

func TestWebMToOgg_RefusesOtherInput(t *testing.T) {
	good := sample(t)
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"ogg", []byte("OggS\x00\x02rest")},
		{"text", []byte("hello")},
		{"magic only", webmMagic},
		{"truncated header", good[:40]},
		{"header and tracks without audio blocks", good[:146]}, // the first Cluster starts at 146
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := WebMToOgg(tc.in)
			if !errors.Is(err, ErrNotOpusWebM) {
				t.Fatalf("err = %v, want ErrNotOpusWebM", err)
			}
		})
	}
}

func TestWebMToOgg_TruncatedRecordingKeepsWhatIsWhole(t *testing.T) {
	good := sample(t)
	_, full, err := WebMToOgg(good)
	if err != nil {
		t.Fatal(err)
	}
	_, half, err := WebMToOgg(good[:len(good)/2])
	if err != nil {
		t.Fatalf("half a recording: %v", err)
	}
	if half.Packets == 0 || half.Packets >= full.Packets {
		t.Fatalf("half has %d packets, full %d", half.Packets, full.Packets)
	}
}

func FuzzWebMToOgg(f *testing.F) {
	good, err := os.ReadFile("testdata/chromium-fake-mic.webm")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:200])
	f.Add(good[:len(good)/3])
	f.Add(webmMagic)
	f.Fuzz(func(t *testing.T, in []byte) {
		out, info, err := WebMToOgg(in)
		if err != nil {
			return
		}
		if info.Packets == 0 || !bytes.HasPrefix(out, []byte("OggS")) {
			t.Fatalf("success without audio: %+v", info)
		}
	})
}
