package engineio

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// wireFixture is one golden polling payload and the packets it carries.
type wireFixture struct {
	Name    string `json:"name"`
	Wire    string `json:"wire"`
	Packets []struct {
		Type   string  `json:"type"`
		Data   string  `json:"data"`
		Base64 *string `json:"base64"`
		Binary bool    `json:"binary"`
	} `json:"packets"`
}

func loadFixtures(t *testing.T, name string) []wireFixture {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var fx []wireFixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fx
}

func (fx wireFixture) packets(t *testing.T) []Packet {
	t.Helper()
	var pkts []Packet
	for _, p := range fx.Packets {
		pk := Packet{Type: PacketType(p.Type[0]), Binary: p.Binary}
		if p.Base64 != nil {
			d, err := base64.StdEncoding.DecodeString(*p.Base64)
			if err != nil {
				t.Fatal(err)
			}
			pk.Data = d
		} else if p.Data != "" {
			pk.Data = []byte(p.Data)
		}
		pkts = append(pkts, pk)
	}
	return pkts
}

func samePackets(a, b []Packet) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type || a[i].Binary != b[i].Binary || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

func TestPayloadGolden(t *testing.T) {
	t.Parallel()
	for _, fx := range loadFixtures(t, "payloads.json") {
		t.Run(fx.Name, func(t *testing.T) {
			want := fx.packets(t)
			if got := string(AppendPayload(nil, want)); got != fx.Wire {
				t.Errorf("AppendPayload = %q, want %q", got, fx.Wire)
			}
			var got []Packet
			if err := DecodePayload([]byte(fx.Wire), func(p Packet) error {
				got = append(got, p)
				return nil
			}); err != nil {
				t.Fatalf("DecodePayload: %v", err)
			}
			if !samePackets(got, want) {
				t.Errorf("DecodePayload = %+v, want %+v", got, want)
			}
			// A single packet is also a valid WebSocket text frame.
			if len(want) == 1 {
				p, err := DecodePacket([]byte(fx.Wire), false)
				if err != nil || !samePackets([]Packet{p}, want) {
					t.Errorf("DecodePacket = %+v, %v, want %+v", p, err, want[0])
				}
			}
		})
	}
}

func TestPayloadInvalid(t *testing.T) {
	t.Parallel()
	for _, fx := range loadFixtures(t, "invalid_payloads.json") {
		t.Run(fx.Name, func(t *testing.T) {
			err := DecodePayload([]byte(fx.Wire), func(Packet) error { return nil })
			if !errors.Is(err, ErrInvalidPacket) {
				t.Errorf("DecodePayload(%q) = %v, want ErrInvalidPacket", fx.Wire, err)
			}
		})
	}
}

func TestDecodePacketBinaryFrame(t *testing.T) {
	t.Parallel()
	raw := []byte{'4', 0, 0x1e, 0xff}
	p, err := DecodePacket(raw, true)
	if err != nil || p.Type != PacketMessage || !p.Binary || !bytes.Equal(p.Data, raw) {
		t.Errorf("DecodePacket(binary) = %+v, %v; want the raw bytes as a binary message", p, err)
	}
}

func TestDecodePayloadStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	n := 0
	err := DecodePayload([]byte("4a\x1e4b\x1e4c"), func(Packet) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("err = %v after %d packets, want stop after 2", err, n)
	}
}

func TestPacketTypeString(t *testing.T) {
	t.Parallel()
	want := []string{"open", "close", "ping", "pong", "message", "upgrade", "noop"}
	for i, w := range want {
		if got := PacketType('0' + i).String(); got != w {
			t.Errorf("PacketType(%c) = %q, want %q", '0'+i, got, w)
		}
	}
	if got := PacketType('x').String(); got != "PacketType(120)" {
		t.Errorf("unknown type = %q", got)
	}
}

func TestErrorBodiesGolden(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/errors.golden")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(b)), "\n")
	for code := CodeUnknownTransport; code <= CodeUnsupportedVersion; code++ {
		rec := httptest.NewRecorder()
		writeError(rec, statusFor(code), code)
		if got := rec.Body.String(); got != want[code] {
			t.Errorf("code %d: body = %s, want %s", code, got, want[code])
		}
		if (code == CodeForbidden) != (rec.Code == 403) {
			t.Errorf("code %d: status %d", code, rec.Code)
		}
	}
}
