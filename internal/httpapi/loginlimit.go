package httpapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
)

// loginGuard keeps password guessing slow without letting an attacker lock
// a user out. Failed attempts are counted three ways:
//
//   - per client address, over every account: one address spraying many
//     accounts is refused (429) — only that address;
//   - per (account, client address) pair: one address hammering one
//     account is refused (429) — again only that address, so the account's
//     owner, elsewhere, still logs in;
//   - per account, from anywhere: past this budget every attempt on the
//     account, right or wrong, is slowed down by a fixed delay before the
//     password is checked — never refused, so that attackers spread over
//     many addresses cannot stop the right password, and the delay is the
//     same whatever the answer, so it tells nothing.
//
// Each attempt reserves its tokens before the password is checked (so that
// a burst of concurrent guesses cannot all pass a check made before any of
// them failed) and gets them back when it succeeds: only failures count.
// The address is the client's as clientip resolved it (behind a trusted
// proxy, the one the proxy reports).
type loginGuard struct {
	perAddr *auth.Limiter
	perPair *auth.Limiter
	perAcct *auth.Limiter
	slow    time.Duration
	log     *slog.Logger
}

// Default login limits; Options may replace each.
const (
	defaultLoginSlowdown = 2 * time.Second
)

func newLoginGuard(o Options, now func() time.Time, log *slog.Logger) *loginGuard {
	g := &loginGuard{perAddr: o.LoginPerIP, perPair: o.LoginPerPair, perAcct: o.LoginPerAccount, slow: o.LoginSlowdown, log: log}
	if g.perAddr == nil {
		g.perAddr = auth.NewLimiter(20, 3*time.Second, now)
	}
	if g.perPair == nil {
		g.perPair = auth.NewLimiter(5, 30*time.Second, now)
	}
	if g.perAcct == nil {
		g.perAcct = auth.NewLimiter(10, 30*time.Second, now)
	}
	if g.slow <= 0 {
		g.slow = defaultLoginSlowdown
	}
	return g
}

// attempt is one login attempt admitted by the guard; call done once with
// whether the credentials were wrong.
type attempt struct {
	g                   *loginGuard
	addr, pair, account string
	tookAcct            bool
}

// admit reserves an attempt on account from addr. It refuses with
// RATE_LIMITED (and the wait) when the address or the pair is over its
// limit, and sleeps the slowdown when the account is; the account's owner
// is never refused because of other addresses.
func (g *loginGuard) admit(ctx context.Context, account, addr string) (*attempt, time.Duration, error) {
	if ok, wait := g.perAddr.Allow(addr); !ok {
		g.log.WarnContext(ctx, "security: login refused, too many failures from this address", "remote", addr, "retry_in", wait)
		return nil, wait, errTooManyLogins
	}
	pair := account + "\x00" + addr
	if ok, wait := g.perPair.Allow(pair); !ok {
		g.perAddr.Refund(addr)
		g.log.WarnContext(ctx, "security: login refused, too many failures on one account from this address", "remote", addr, "retry_in", wait)
		return nil, wait, errTooManyLogins
	}
	a := &attempt{g: g, addr: addr, pair: pair, account: account}
	if ok, _ := g.perAcct.Allow(account); ok {
		a.tookAcct = true
	} else {
		g.log.InfoContext(ctx, "security: login slowed down, the account has many recent failures", "remote", addr, "delay", g.slow)
		t := time.NewTimer(g.slow)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			a.done(false)
			return nil, 0, &domain.Error{Code: domain.CodeUnavailable, Message: "the login was abandoned"}
		}
	}
	return a, 0, nil
}

// done settles the attempt: a failure keeps its tokens spent, anything
// else (a success, a suspended account's refusal is a failure too) gives
// them back.
func (a *attempt) done(failed bool) {
	if failed {
		return
	}
	a.g.perAddr.Refund(a.addr)
	a.g.perPair.Refund(a.pair)
	if a.tookAcct {
		a.g.perAcct.Refund(a.account)
	}
}

var errTooManyLogins = &domain.Error{Code: domain.CodeRateLimited, Message: "too many failed logins from this address; retry later"}
