package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Key is one token signing key: its id (the kid header of the tokens it
// signs) and its HMAC secret.
type Key struct {
	ID     string
	Secret []byte
}

// MinSecretLen is the shortest secret accepted (bytes).
const MinSecretLen = 32

// KeyID derives the id of a key configured without one: the first 8 bytes
// of a hash of the secret, so that every instance given the same secret
// names it the same. (It helps nobody guess the secret: any token is
// already an oracle for that, and the secret is at least 32 bytes.)
func KeyID(secret []byte) string {
	h := sha256.Sum256(append([]byte("livedesk-kid:"), secret...))
	return hex.EncodeToString(h[:8])
}

var kidPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// ParseKeys reads the key list of LIVEDESK_JWT_SECRET (or the file
// LIVEDESK_JWT_SECRET_FILE): keys separated by commas or new lines, each
// "kid:secret" or a bare secret (whose id is KeyID(secret)). The first key
// signs new tokens; every key verifies. Blank lines and lines starting
// with # are skipped. Rotating the key: put the new key first and keep the
// old one after it until the tokens it signed have expired (the refresh
// token lifetime, 7 days), then remove it.
func ParseKeys(spec string) ([]Key, error) {
	var keys []Key
	seen := map[string]bool{}
	for _, line := range strings.FieldsFunc(spec, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k := Key{Secret: []byte(line)}
		if id, secret, ok := strings.Cut(line, ":"); ok && kidPattern.MatchString(id) && len(secret) >= MinSecretLen {
			k = Key{ID: id, Secret: []byte(secret)}
		}
		if len(k.Secret) < MinSecretLen {
			return nil, fmt.Errorf("JWT key %d: a secret must be at least %d characters", len(keys)+1, MinSecretLen)
		}
		if k.ID == "" {
			k.ID = KeyID(k.Secret)
		}
		if seen[k.ID] {
			return nil, fmt.Errorf("JWT key id %q is listed twice", k.ID)
		}
		seen[k.ID] = true
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no JWT key given")
	}
	return keys, nil
}

// keyring holds the signing key and every verification key by id.
type keyring struct {
	signing Key
	byID    map[string][]byte
}

func newKeyring(keys []Key) (*keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("no token signing key")
	}
	kr := &keyring{signing: keys[0], byID: map[string][]byte{}}
	for _, k := range keys {
		if k.ID == "" || len(k.Secret) == 0 {
			return nil, errors.New("a token key needs an id and a secret")
		}
		if _, dup := kr.byID[k.ID]; dup {
			return nil, fmt.Errorf("token key id %q is listed twice", k.ID)
		}
		kr.byID[k.ID] = k.Secret
	}
	return kr, nil
}

// lookup is the jwt key function: HS256 only, and the key the kid header
// names. A token without a kid, or naming a key we do not hold (retired,
// or never ours), is refused.
func (kr *keyring) lookup(tok *jwt.Token) (any, error) {
	if _, ok := tok.Method.(*jwt.SigningMethodHMAC); !ok || tok.Method.Alg() != jwt.SigningMethodHS256.Alg() {
		return nil, fmt.Errorf("unexpected signing method %v", tok.Header["alg"])
	}
	kid, _ := tok.Header["kid"].(string)
	secret, ok := kr.byID[kid]
	if !ok {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	return secret, nil
}
