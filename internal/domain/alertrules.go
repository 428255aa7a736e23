package domain

// AlertRules are the settings of the built-in alert rules, stored as one
// business setting and changed by admins (GET|PATCH /api/alerts/rules).
// MinDurationSeconds is the anti-flapping guard shared by the rules that
// watch a state: a condition must hold that long before it is raised, and
// be gone that long before its alert is resolved.
type AlertRules struct {
	MinDurationSeconds int                  `json:"minDurationSeconds"`
	LargePayment       LargePaymentRule     `json:"large_payment"`
	BalanceOverLimit   BalanceOverLimitRule `json:"balance_over_limit"`
	FailureRate        FailureRateRule      `json:"failure_rate"`
	DependencyDown     DependencyDownRule   `json:"dependency_down"`
	ShiftCutoff        ShiftCutoffRule      `json:"shift_cutoff"`
	SocketErrors       SocketErrorsRule     `json:"socket_errors"`
	SecurityBurst      SecurityBurstRule    `json:"security_burst"`
}

// SocketErrorsRule raises a warning for an instance while, within the last
// WindowSeconds, more than MaxDropped slow consumers were dropped (clients
// whose send queue overflowed) or more than MaxErrors connections ended in
// a socket error (a transport or parse error, the drops included). Each
// instance judges its own sockets: the alert's subject is the instance.
type SocketErrorsRule struct {
	Enabled       bool `json:"enabled"`
	WindowSeconds int  `json:"windowSeconds"`
	MaxDropped    int  `json:"maxDropped"`
	MaxErrors     int  `json:"maxErrors"`
}

// SecurityBurstRule turns bursts of security events within the last
// WindowMinutes into alerts: failed logins for one existing account from
// at least Addresses client addresses (critical for an admin account,
// a warning otherwise), and at least RateLimited logins refused by the
// login limits, over all accounts and addresses (a warning). Refused
// attempts are rate-bound before they are recorded (one per account,
// address and minute), so these count distinct attempts, not requests.
type SecurityBurstRule struct {
	Enabled       bool `json:"enabled"`
	WindowMinutes int  `json:"windowMinutes"`
	Addresses     int  `json:"addresses"`
	RateLimited   int  `json:"rateLimited"`
}

// ShiftCutoffRule raises a warning per vendor while deliveries of today's
// morning or evening shift are still "scheduled" (not out) after that
// shift's cut-off, a business-local time "HH:MM". Deliveries without a
// shift (added by hand) are not counted.
type ShiftCutoffRule struct {
	Enabled       bool   `json:"enabled"`
	MorningCutoff string `json:"morningCutoff"`
	EveningCutoff string `json:"eveningCutoff"`
}

// LargePaymentRule raises a warning for a payment above ThresholdCents (a
// possible typo); it is resolved when the payment is reversed.
type LargePaymentRule struct {
	Enabled        bool  `json:"enabled"`
	ThresholdCents int64 `json:"thresholdCents"`
}

// BalanceOverLimitRule raises a warning while a customer's balance (what
// they owe) is above their credit limit: the customer's creditLimitCents,
// or DefaultCreditLimitCents when the customer has none.
type BalanceOverLimitRule struct {
	Enabled                 bool  `json:"enabled"`
	DefaultCreditLimitCents int64 `json:"defaultCreditLimitCents"`
}

// FailureRateRule raises a warning while a vendor's failed deliveries
// today (business time zone) are above Percent of at least MinAttempts
// finished attempts.
type FailureRateRule struct {
	Enabled     bool `json:"enabled"`
	Percent     int  `json:"percent"`
	MinAttempts int  `json:"minAttempts"`
}

// DependencyDownRule raises a critical alert while the database or Redis
// is not ready.
type DependencyDownRule struct {
	Enabled bool `json:"enabled"`
}

// DefaultAlertRules are the rules before an admin changes them.
func DefaultAlertRules() AlertRules {
	return AlertRules{
		MinDurationSeconds: 60,
		LargePayment:       LargePaymentRule{Enabled: true, ThresholdCents: 50_000_00},
		BalanceOverLimit:   BalanceOverLimitRule{Enabled: true, DefaultCreditLimitCents: 5_000_00},
		FailureRate:        FailureRateRule{Enabled: true, Percent: 20, MinAttempts: 10},
		DependencyDown:     DependencyDownRule{Enabled: true},
		ShiftCutoff:        ShiftCutoffRule{Enabled: true, MorningCutoff: "07:00", EveningCutoff: "19:00"},
		SocketErrors:       SocketErrorsRule{Enabled: true, WindowSeconds: 300, MaxDropped: 5, MaxErrors: 100},
		SecurityBurst:      SecurityBurstRule{Enabled: true, WindowMinutes: 15, Addresses: 3, RateLimited: 10},
	}
}

// Validate returns a CodeInvalid error naming the first bad field.
func (r *AlertRules) Validate() error {
	switch {
	case r.MinDurationSeconds < 0 || r.MinDurationSeconds > 3600:
		return Invalid("minDurationSeconds", "minDurationSeconds must be between 0 and 3600")
	case r.LargePayment.ThresholdCents <= 0 || r.LargePayment.ThresholdCents > MaxAmountCents:
		return Invalid("large_payment.thresholdCents", "thresholdCents must be between 1 and %d", int64(MaxAmountCents))
	case r.BalanceOverLimit.DefaultCreditLimitCents < 0 || r.BalanceOverLimit.DefaultCreditLimitCents > MaxAmountCents:
		return Invalid("balance_over_limit.defaultCreditLimitCents", "defaultCreditLimitCents must be between 0 and %d", int64(MaxAmountCents))
	case r.FailureRate.Percent < 1 || r.FailureRate.Percent > 100:
		return Invalid("failure_rate.percent", "percent must be between 1 and 100")
	case r.FailureRate.MinAttempts < 1 || r.FailureRate.MinAttempts > 100000:
		return Invalid("failure_rate.minAttempts", "minAttempts must be between 1 and 100000")
	case !ValidClock(r.ShiftCutoff.MorningCutoff):
		return Invalid("shift_cutoff.morningCutoff", "morningCutoff must be a time HH:MM, e.g. 07:00")
	case !ValidClock(r.ShiftCutoff.EveningCutoff):
		return Invalid("shift_cutoff.eveningCutoff", "eveningCutoff must be a time HH:MM, e.g. 19:00")
	case r.SocketErrors.WindowSeconds < 10 || r.SocketErrors.WindowSeconds > 3600:
		return Invalid("socket_errors.windowSeconds", "windowSeconds must be between 10 and 3600")
	case r.SocketErrors.MaxDropped < 0 || r.SocketErrors.MaxDropped > 1000000:
		return Invalid("socket_errors.maxDropped", "maxDropped must be between 0 and 1000000")
	case r.SocketErrors.MaxErrors < 0 || r.SocketErrors.MaxErrors > 1000000:
		return Invalid("socket_errors.maxErrors", "maxErrors must be between 0 and 1000000")
	case r.SecurityBurst.WindowMinutes < 1 || r.SecurityBurst.WindowMinutes > 1440:
		return Invalid("security_burst.windowMinutes", "windowMinutes must be between 1 and 1440")
	case r.SecurityBurst.Addresses < 2 || r.SecurityBurst.Addresses > 1000:
		return Invalid("security_burst.addresses", "addresses must be between 2 and 1000")
	case r.SecurityBurst.RateLimited < 1 || r.SecurityBurst.RateLimited > 100000:
		return Invalid("security_burst.rateLimited", "rateLimited must be between 1 and 100000")
	}
	return nil
}

// ValidClock reports whether s is a time of day "HH:MM" (00:00 to 23:59).
func ValidClock(s string) bool {
	return len(s) == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
		s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' && s[:2] <= "23"
}
