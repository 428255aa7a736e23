package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
)

// SecretSettingKey is the settings key under which a generated JWT secret is
// stored.
const SecretSettingKey = "jwt_secret"

// SettingStore keeps small named values in the database. *store.DB
// implements it.
type SettingStore interface {
	SetSettingIfAbsent(ctx context.Context, key, value string) (string, error)
}

// Secret returns the token signing secret: configured when non-empty,
// otherwise 32 random bytes generated once and kept in the database, so a
// restart keeps everyone logged in and every instance sharing the database
// verifies every other instance's tokens. When several instances start at
// once, the first to store its secret wins and the others read it back.
func Secret(ctx context.Context, configured string, st SettingStore) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	if st == nil {
		return nil, errors.New("no JWT secret configured and no database to keep one")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("failed to generate JWT secret: %w", err)
	}
	stored, err := st.SetSettingIfAbsent(ctx, SecretSettingKey, hex.EncodeToString(b[:]))
	if err != nil {
		return nil, fmt.Errorf("failed to store JWT secret: %w", err)
	}
	secret, err := hex.DecodeString(stored)
	if err != nil || len(secret) < 32 {
		return nil, fmt.Errorf("the stored JWT secret (setting %q) is unusable; delete it to generate a new one", SecretSettingKey)
	}
	return secret, nil
}

// SigningKeys returns the token keys: those configured (ParseKeys) when
// configured is non-empty, otherwise the one secret Secret generates and
// keeps in the database.
func SigningKeys(ctx context.Context, configured string, st SettingStore) ([]Key, error) {
	if configured != "" {
		return ParseKeys(configured)
	}
	secret, err := Secret(ctx, "", st)
	if err != nil {
		return nil, err
	}
	return []Key{{ID: KeyID(secret), Secret: secret}}, nil
}
