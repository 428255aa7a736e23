package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/socketio"
)

// commandTimeout bounds a command's service call, so a stuck database
// cannot pile up a socket's handlers.
const commandTimeout = 10 * time.Second

// command is a client → server command: it decodes its argument and calls
// a service as the socket's user; its result or error becomes the ack.
type command func(ctx context.Context, args socketio.Args) (any, error)

// registerCommands installs the command handlers of a connected socket.
// Every command is rate limited and acknowledged {ok, data} or {ok, error}.
func (h *Hub) registerCommands(s *socketio.Socket, d *socketData, exp *expiry) {
	limit := newBucket(h.opts.CommandRate, 2*h.opts.CommandRate)
	handle := func(name string, cmd command) {
		s.On(name, func(ctx context.Context, args socketio.Args, ack socketio.AckFunc) {
			h.counters.commands.Add(1)
			if !limit.allow(h.opts.Now()) {
				h.counters.rateLimited.Add(1)
				err := &domain.Error{Code: domain.CodeRateLimited, Message: "too many commands; slow down"}
				if ack == nil {
					_ = s.Emit(EventError, ErrorPayload{Code: err.Code, Message: err.Message})
					return
				}
				_ = ack(failure(err))
				return
			}
			ctx, cancel := context.WithTimeout(domain.WithActor(ctx, d.actor()), commandTimeout)
			defer cancel()
			data, err := cmd(ctx, args)
			if ack == nil {
				return
			}
			if err != nil {
				if domain.ErrorCode(err) == domain.CodeInternal {
					h.log.Error("realtime: command failed", "command", name, "user", d.UserID, "err", err)
				}
				_ = ack(failure(err))
				return
			}
			_ = ack(Ack{OK: true, Data: data})
		})
	}
	handle(CmdPing, func(context.Context, socketio.Args) (any, error) {
		return PingReply{ServerTime: h.opts.Now().UTC().Format(time.RFC3339Nano)}, nil
	})
	handle(CmdStats, func(ctx context.Context, _ socketio.Args) (any, error) {
		return h.deps.Stats.Stats(ctx)
	})
	handle(CmdPayment, func(ctx context.Context, args socketio.Args) (any, error) {
		var in domain.PaymentCreate
		if err := decodeArg(args, &in); err != nil {
			return nil, err
		}
		if err := domain.RequirePaymentKey(ctx, in); err != nil {
			return nil, err
		}
		return h.deps.Payments.AddPayment(ctx, in)
	})
	handle(CmdDelivery, func(ctx context.Context, args socketio.Args) (any, error) {
		var in DeliveryCommand
		if err := decodeArg(args, &in); err != nil {
			return nil, err
		}
		if in.ID <= 0 {
			return nil, domain.Invalid("id", "id must be a positive delivery id")
		}
		if in.Status == "" {
			return nil, domain.Invalid("status", "status is required")
		}
		return h.deps.Deliveries.UpdateDelivery(ctx, in.ID, domain.DeliveryUpdate{
			Status: &in.Status, Note: in.Note, IdempotencyKey: in.IdempotencyKey, Reason: in.Reason, ReasonText: in.ReasonText,
			ExpectedStatus: in.ExpectedStatus,
		})
	})
	handle(CmdAlertAck, func(ctx context.Context, args socketio.Args) (any, error) {
		if h.deps.Alerts == nil {
			return nil, &domain.Error{Code: domain.CodeUnavailable, Message: "alerts are not available on this server"}
		}
		var in domain.AlertAck
		if err := decodeArg(args, &in); err != nil {
			return nil, err
		}
		return h.deps.Alerts.AckAlert(ctx, in)
	})
	handle(CmdBulkStatus, func(ctx context.Context, args socketio.Args) (any, error) {
		var in domain.BulkStatus
		if err := decodeArg(args, &in); err != nil {
			return nil, err
		}
		if h.deps.Rounds == nil {
			return nil, domain.Errorf(domain.CodeUnavailable, "bulk status changes are not served here")
		}
		return h.deps.Rounds.UpdateDeliveryStatuses(ctx, in)
	})
	handle(CmdAuthRefresh, func(ctx context.Context, args socketio.Args) (any, error) {
		var in RefreshCommand
		if err := decodeArg(args, &in); err != nil {
			return nil, err
		}
		claims, err := h.verify(in.Token)
		if err != nil {
			return nil, err
		}
		if claims.UserID != d.UserID || claims.Role != d.Role {
			return nil, &domain.Error{Code: CodeTokenInvalid, Message: "the token belongs to another user"}
		}
		if err := h.deps.AuthSessions.CheckSession(ctx, claims.SessionID, claims.UserID); err != nil {
			return nil, err
		}
		if claims.SessionID != d.SessionID {
			// The user logged in again (another tab, after a logout): the
			// socket now belongs to the new session.
			s.Leave(roomSession(d.SessionID))
			s.Join(roomSession(claims.SessionID))
			d.SessionID = claims.SessionID
		}
		d.ExpiresAt = claims.ExpiresAt
		_ = s.SetData(d)
		exp.reset(h, s, claims.ExpiresAt)
		return RefreshReply{ExpiresAt: claims.ExpiresAt.UTC().Format(time.RFC3339)}, nil
	})
}

// decodeArg decodes the first argument strictly: unknown fields and wrong
// types are refused with the field named.
func decodeArg(args socketio.Args, v any) error {
	if args.Len() == 0 {
		return domain.Invalid("", "an object argument is required")
	}
	raw := args.Raw(0)
	if len(raw) > maxCommandBytes {
		return &domain.Error{Code: domain.CodeTooLarge, Message: "argument too large"}
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		// JSON would decode null into an empty command.
		return domain.Invalid("", "an object argument is required")
	}
	dec := json.NewDecoder(bytesReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			if e, ok := domain.TooLargeNumber(te.Field, te.Value); ok && strings.HasPrefix(te.Type.Kind().String(), "int") {
				return e
			}
			return domain.Invalid(te.Field, "%s has the wrong type: want %s", te.Field, te.Type)
		}
		if field, ok := unknownField(err); ok {
			return domain.Invalid(field, "unknown field %q", field)
		}
		return domain.Invalid("", "the argument must be a JSON object: %v", err)
	}
	return nil
}

const maxCommandBytes = 16 << 10

func failure(err error) Ack {
	var e *domain.Error
	if !errors.As(err, &e) {
		e = &domain.Error{Code: domain.CodeInternal, Message: "internal error"}
	}
	return Ack{OK: false, Error: e}
}
