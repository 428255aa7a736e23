package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

var _ domain.SettingsService = (*service)(nil)

// settingConfirmAbove is the settings-table key of Settings.ConfirmAboveCents.
const settingConfirmAbove = "business.confirm_above_cents"

func (s *service) Settings(ctx context.Context) (*domain.Settings, error) {
	// Staff too: they record payments on their round, and the threshold is no secret.
	if _, err := roundActor(ctx); err != nil {
		return nil, err
	}
	var out *domain.Settings
	err := s.read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = readSettings(ctx, tx)
		return err
	})
	return out, err
}

func (s *service) UpdateSettings(ctx context.Context, in domain.SettingsUpdate) (*domain.Settings, error) {
	a, err := adminActor(ctx, "change the business settings")
	if err != nil {
		return nil, err
	}
	if v := in.ConfirmAboveCents; v != nil && (*v < 0 || *v > domain.MaxConfirmAboveCents) {
		return nil, domain.Invalid("confirmAboveCents", "confirmAboveCents must be between 0 and %d", domain.MaxConfirmAboveCents)
	}
	if v := in.BusinessName; v != nil {
		name := strings.TrimSpace(*v)
		if name == "" || utf8.RuneCountInString(name) > domain.MaxBusinessNameRunes || strings.ContainsFunc(name, unicode.IsControl) {
			return nil, domain.Invalid("businessName", "businessName must be 1 to %d characters on one line", domain.MaxBusinessNameRunes)
		}
		in.BusinessName = &name
	}
	if v := in.Currency; v != nil && !domain.KnownCurrency(*v) {
		return nil, domain.Invalid("currency", "currency must be an ISO 4217 code of a currency with two decimals, such as INR, USD or EUR")
	}
	var out *domain.Settings
	err = s.writeOnce(ctx, "settings.update", in, &out, func(tx *store.Tx) error {
		now := s.stamp(tx)
		before, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		set := func(key, value string) error {
			if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, micros(now)); err != nil {
				return fmt.Errorf("failed to store setting: %w", err)
			}
			return nil
		}
		// A change is in the log (admins only): who changed what, and to what.
		var changed []string
		if v := in.ConfirmAboveCents; v != nil && *v != before.ConfirmAboveCents {
			if err := set(settingConfirmAbove, strconv.FormatInt(*v, 10)); err != nil {
				return err
			}
			currency := before.Currency // the one being set, when it changes too
			if in.Currency != nil {
				currency = *in.Currency
			}
			changed = append(changed, fmt.Sprintf("Payments above %s now ask for a confirmation", domain.FormatMoney(*v, currency)))
		}
		if v := in.BusinessName; v != nil && *v != before.BusinessName {
			if err := set(settingBusinessName, *v); err != nil {
				return err
			}
			changed = append(changed, fmt.Sprintf("The business is now called %q on documents", *v))
		}
		if v := in.Currency; v != nil && *v != before.Currency {
			if err := set(settingBusinessCurrency, *v); err != nil {
				return err
			}
			changed = append(changed, "Money is now written in "+*v+" (documents, alerts, notifications, new activity)")
		}
		if len(changed) == 0 {
			out = before
			return nil
		}
		if out, err = readSettings(ctx, tx); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s (set by %s)", strings.Join(changed, "; "), a.Name)
		return appendEvent(ctx, tx, a, now, domain.ActionSettingsUpdated, domain.EntitySettings, 0, 0, summary, map[string]any{"settings": out})
	})
	return out, err
}

func readSettings(ctx context.Context, tx *store.Tx) (*domain.Settings, error) {
	out := &domain.Settings{ConfirmAboveCents: domain.DefaultConfirmAboveCents}
	b, err := readBusiness(ctx, tx)
	if err != nil {
		return nil, err
	}
	out.BusinessName, out.Currency = b.Name, b.Currency
	rules, err := alertRules(ctx, tx)
	if err != nil {
		return nil, err
	}
	out.DefaultCreditLimitCents = rules.BalanceOverLimit.DefaultCreditLimitCents
	var v string
	err = tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, settingConfirmAbove).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return out, nil
	case err != nil:
		return nil, fmt.Errorf("failed to read settings: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("setting %s holds %q: %w", settingConfirmAbove, v, err)
	}
	out.ConfirmAboveCents = n
	return out, nil
}
