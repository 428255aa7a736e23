package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// device is a browser's push subscription: its P-256 key pair and auth
// secret, made as a browser makes them.
type device struct {
	key  *ecdh.PrivateKey
	auth []byte
}

func newDevice(t *testing.T) *device {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	return &device{key: k, auth: auth}
}

func (d *device) keys() map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	return map[string]string{"p256dh": b64(d.key.PublicKey().Bytes()), "auth": b64(d.auth)}
}

// decrypt opens an aes128gcm body (RFC 8188) as RFC 8291 defines it for
// Web Push: the key id is the server's ephemeral public key.
func (d *device) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idlen || idlen != 65 {
		return nil, fmt.Errorf("key id of %d bytes, want 65", idlen)
	}
	asPub, err := ecdh.P256().NewPublicKey(body[21 : 21+idlen])
	if err != nil {
		return nil, fmt.Errorf("server key: %w", err)
	}
	records := body[21+idlen:]
	if len(records) > int(rs) {
		return nil, fmt.Errorf("%d bytes of records, more than one record of %d", len(records), rs)
	}
	shared, err := d.key.ECDH(asPub)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(d.key.PublicKey().Bytes()) + string(asPub.Bytes())
	ikm, err := hkdf.Key(sha256.New, shared, d.auth, info, 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, records, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	// The last record ends with 0x02 and zero padding.
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

// received is a message the push service accepted.
type received struct {
	device string
	at     time.Time
	body   map[string]any
}

// pushService is a local Web Push service: it checks each message's VAPID
// JWT (RFC 8292) against the server's public key, its audience and expiry,
// decrypts it with the device's keys, and answers 201; devices marked gone
// answer 410.
type pushService struct {
	t        *testing.T
	srv      *httptest.Server
	vapidKey string // base64url, from GET /api/push/key
	mu       sync.Mutex
	devices  map[string]*device
	gone     map[string]bool
	got      chan received
	rejected []string
}

func newPushService(t *testing.T, vapidKey string) *pushService {
	p := &pushService{t: t, vapidKey: vapidKey, devices: map[string]*device{}, gone: map[string]bool{}, got: make(chan received, 100)}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// add registers a device and returns its subscription.
func (p *pushService) add(name string, gone bool) map[string]any {
	d := newDevice(p.t)
	p.mu.Lock()
	p.devices[name], p.gone[name] = d, gone
	p.mu.Unlock()
	return map[string]any{"endpoint": p.srv.URL + "/push/" + name, "keys": d.keys(), "expirationTime": nil}
}

func (p *pushService) reject(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rejected = append(p.rejected, fmt.Sprintf(format, args...))
}

func (p *pushService) serve(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/push/")
	p.mu.Lock()
	d, gone := p.devices[name], p.gone[name]
	p.mu.Unlock()
	if r.Method != "POST" || d == nil {
		http.NotFound(w, r)
		return
	}
	if err := p.checkVAPID(r.Header.Get("Authorization")); err != nil {
		p.reject("%s: %v", name, err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
		p.reject("%s: headers %v", name, r.Header)
		http.Error(w, "bad headers", http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	plain, err := d.decrypt(body)
	if err != nil {
		p.reject("%s: %v", name, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var m map[string]any
	if err := json.Unmarshal(plain, &m); err != nil {
		p.reject("%s: payload %q: %v", name, plain, err)
		http.Error(w, "not JSON", http.StatusBadRequest)
		return
	}
	p.got <- received{device: name, at: time.Now(), body: m}
	if gone {
		w.WriteHeader(http.StatusGone)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// checkVAPID verifies "vapid t=JWT, k=KEY": k is the server's key, the
// JWT is ES256-signed by it, its aud is this push service's origin and
// it expires within 24 hours.
func (p *pushService) checkVAPID(h string) error {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return fmt.Errorf("authorization %q is not vapid", h)
	}
	var tok, k string
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			tok = v
		} else if v, ok := strings.CutPrefix(part, "k="); ok {
			k = v
		}
	}
	if k != p.vapidKey {
		return fmt.Errorf("k=%q is not the key of GET /api/push/key (%q)", k, p.vapidKey)
	}
	raw, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return err
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithAudience(p.srv.URL), jwt.WithExpirationRequired())
	if err != nil {
		return fmt.Errorf("JWT: %w", err)
	}
	exp, _ := claims.GetExpirationTime()
	if exp.After(time.Now().Add(24 * time.Hour)) {
		return fmt.Errorf("JWT expires at %s, more than 24 hours ahead", exp)
	}
	if sub, _ := claims["sub"].(string); !strings.HasPrefix(sub, "mailto:") && !strings.HasPrefix(sub, "https:") {
		return fmt.Errorf("JWT sub %q", sub)
	}
	return nil
}
