package service

// Idempotent writes.
//
// Every write method runs through writeOnce. When the request carries an
// idempotency key (domain.Idempotency in the context, put there by the
// transport; or the input's own idempotencyKey field), the method's result
// is recorded in idempotency_keys IN THE SAME TRANSACTION as the write: the
// record exists exactly when the write committed, whatever crashes or lost
// connections happen in between, on SQLite and PostgreSQL alike. A
// middleware that stored the HTTP response after the handler returned could
// not promise that (a crash between the two leaves a write without its
// record, and the retry does the work twice); and storing the service's
// result, not the HTTP bytes, lets REST and the socket share keys, rules and
// replays.
//
// The record is keyed by (user, key), so two users may use the same key. A
// replay with the same request returns the stored result (the transport
// answers with the same status and body; REST adds Idempotent-Replayed:
// true); the same key with another request (operation and fingerprint of
// the input) is CodeIdempotencyKeyReused. A request whose key is still in
// use by another request in flight is CodeIdempotencyKeyInUse: in this
// process an in-memory set says so at once, and on PostgreSQL a
// transaction-scoped advisory lock on (schema, user, key), taken before the
// store's write lock, covers the other instances; the lock ends with the
// transaction, so a crash never leaves a key stuck. The record's primary
// key is the last guard: two transactions can never both store one. A
// write that fails stores nothing (its transaction rolls back), so its
// retry runs again, which is safe: nothing was written.
//
// Records are kept IdempotencyRetention (at least the 24 hours promised to
// clients), then pruned. A payment also keeps its key on the payment row
// for good, so a retry that comes later still finds the payment.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// IdempotencyRetention is how long the result of a request with an
// idempotency key is kept for replays; older records are pruned.
const IdempotencyRetention = 48 * time.Hour

// idempotencyPruneEvery is how often a process prunes expired records.
const idempotencyPruneEvery = 10 * time.Minute

// withInputKey merges a key given in the input itself (a body's or socket
// command's idempotencyKey) with the context's, and returns the context
// that carries the result.
func withInputKey(ctx context.Context, key string) (context.Context, error) {
	if key == "" {
		return ctx, nil
	}
	if err := domain.CheckIdempotencyKey("idempotencyKey", key); err != nil {
		return nil, err
	}
	id := domain.IdempotencyFrom(ctx)
	switch {
	case id == nil:
		ctx, _ = domain.WithIdempotency(ctx, key)
	case id.Key == "":
		id.Key = key
	case id.Key != key:
		return nil, domain.Invalid("idempotencyKey", "the Idempotency-Key header and the body's idempotencyKey differ")
	}
	return ctx, nil
}

// writeOnce is write for a method whose result is *result (result is a
// pointer to the method's result variable, which fn sets), honouring the
// request's idempotency key: see the comment at the top of this file. op
// names the operation and input is what was asked, for the fingerprint
// (leave secrets such as passwords out of it).
func (s *service) writeOnce(ctx context.Context, op string, input, result any, fn func(tx *store.Tx) error) error {
	id := domain.IdempotencyFrom(ctx)
	if id == nil || id.Key == "" {
		return s.write(ctx, fn)
	}
	a, err := roundActor(ctx) // the calling method has authorised the actor
	if err != nil {
		return err
	}
	if err := domain.CheckIdempotencyKey("idempotencyKey", id.Key); err != nil {
		return err
	}
	fp, err := fingerprint(op, input)
	if err != nil {
		return err
	}
	slot := inflightKey{a.UserID, id.Key}
	if !s.inflight.acquire(slot) {
		return errKeyInUse()
	}
	defer s.inflight.release(slot)
	s.maybePrune(ctx)
	now := s.now()
	// lookup runs before the store's write lock: it takes the key's lock
	// (PostgreSQL) and reads its record in one round trip, and a replay is
	// answered from there without waiting for other writes. Taking the lock
	// and reading in one statement is safe: should another request with the
	// key commit between this statement's snapshot and the lock, the record
	// INSERT below would meet its row and roll this one back.
	lookup := func(tx *store.Tx) error {
		q := `SELECT k.fingerprint, k.result, k.created_at FROM (SELECT 1 AS one) o
			LEFT JOIN idempotency_keys k ON k.user_id = ? AND k.idempotency_key = ?`
		args := []any{a.UserID, id.Key}
		got := true
		var storedFP, stored sql.NullString
		var created sql.NullInt64
		dest := []any{&storedFP, &stored, &created}
		if lock := tx.Dialect().TryXactLock; lock != "" {
			q = strings.Replace(q, "SELECT ", "SELECT "+lock+", ", 1)
			args = append([]any{fmt.Sprintf("idempotency:%d:%s", a.UserID, id.Key)}, args...)
			dest = append([]any{&got}, dest...)
		}
		if err := tx.QueryRow(ctx, q, args...).Scan(dest...); err != nil {
			return fmt.Errorf("failed to read idempotency key: %w", err)
		}
		switch {
		case !got:
			return errKeyInUse()
		case !storedFP.Valid:
			return nil
		case created.Int64 < micros(now.Add(-IdempotencyRetention)): // expired, not pruned yet: the key is free again
			if _, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?`, a.UserID, id.Key); err != nil {
				return fmt.Errorf("failed to drop expired idempotency key: %w", err)
			}
			return nil
		case storedFP.String != fp:
			return &domain.Error{Code: domain.CodeIdempotencyKeyReused, Field: "idempotencyKey",
				Message: "this idempotency key was already used for a different request; use a new key for a new request"}
		}
		reflect.ValueOf(result).Elem().SetZero()
		if err := json.Unmarshal([]byte(stored.String), result); err != nil {
			return fmt.Errorf("failed to decode stored result of %s: %w", op, err)
		}
		id.Replayed = true
		return errAnswered
	}
	return s.writeAfter(ctx, lookup, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		b, err := json.Marshal(result)
		if err != nil {
			return fmt.Errorf("failed to encode result of %s: %w", op, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (user_id, idempotency_key, operation, fingerprint, result, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.UserID, id.Key, op, fp, string(b), micros(now)); err != nil {
			return fmt.Errorf("failed to store idempotent result: %w", err)
		}
		return nil
	})
}

// errAnswered is returned by a writeAfter pre step that answered the call
// itself (a replay): the write does not run, the transaction ends.
var errAnswered = errors.New("answered before the write")

func errKeyInUse() error {
	return &domain.Error{Code: domain.CodeIdempotencyKeyInUse, Field: "idempotencyKey",
		Message: "a request with this idempotency key is still being processed; retry it once that one has been answered"}
}

// fingerprint identifies a request: its operation and its input as JSON
// (struct fields in declaration order, so the same input gives the same
// bytes whichever transport decoded it).
func fingerprint(op string, input any) (string, error) {
	b, err := json.Marshal(input)
	if err != nil {
		return "", fmt.Errorf("failed to encode %s input: %w", op, err)
	}
	h := sha256.New()
	h.Write([]byte(op))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// inflightKey is a (user, key) pair being processed.
type inflightKey struct {
	user int64
	key  string
}

// inflight is the set of keys this process is processing.
type inflight struct {
	mu sync.Mutex
	m  map[inflightKey]struct{}
}

func (f *inflight) acquire(k inflightKey) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, busy := f.m[k]; busy {
		return false
	}
	if f.m == nil {
		f.m = map[inflightKey]struct{}{}
	}
	f.m[k] = struct{}{}
	return true
}

func (f *inflight) release(k inflightKey) {
	f.mu.Lock()
	delete(f.m, k)
	f.mu.Unlock()
}

// maybePrune prunes expired records when this process has not done so for
// idempotencyPruneEvery. Failures are left for the next time: an expired
// record that stays a little longer does no harm (it is ignored).
func (s *service) maybePrune(ctx context.Context) {
	if _, inBatch := ctx.Value(txKey{}).(*store.Tx); inBatch {
		return
	}
	now := micros(s.now())
	last := s.pruned.Load()
	if now-last < idempotencyPruneEvery.Microseconds() || !s.pruned.CompareAndSwap(last, now) {
		return
	}
	_, _ = s.pruneIdempotencyKeys(ctx)
}

// pruneIdempotencyKeys deletes the records older than IdempotencyRetention
// and returns how many it deleted.
func (s *service) pruneIdempotencyKeys(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, micros(s.now().Add(-IdempotencyRetention)))
		if err != nil {
			return fmt.Errorf("failed to prune idempotency keys: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}

// PruneIdempotencyKeys deletes the idempotency records older than
// IdempotencyRetention (the services also do it every few minutes on their
// own) and returns how many it deleted.
func (s *Services) PruneIdempotencyKeys(ctx context.Context) (int64, error) {
	return s.svc.pruneIdempotencyKeys(ctx)
}
