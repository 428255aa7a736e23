package domain

import (
	"context"
	"time"
)

// AlertStatus is where an alert is in its life: open → acked → resolved.
// A resolved alert is never reopened; the condition returning raises a new
// one.
type AlertStatus string

const (
	AlertOpen     AlertStatus = "open"
	AlertAcked    AlertStatus = "acked"
	AlertResolved AlertStatus = "resolved"
)

// Valid reports whether s is a known alert status.
func (s AlertStatus) Valid() bool {
	return s == AlertOpen || s == AlertAcked || s == AlertResolved
}

// AlertSeverity is how urgent an alert is.
type AlertSeverity string

const (
	SeverityInfo     AlertSeverity = "info"
	SeverityWarning  AlertSeverity = "warning"
	SeverityCritical AlertSeverity = "critical"
)

// Valid reports whether s is a known severity.
func (s AlertSeverity) Valid() bool {
	return s == SeverityInfo || s == SeverityWarning || s == SeverityCritical
}

// Alert rule ids (issue 18). They are the public interface.
const (
	RuleLargePayment     = "large_payment"
	RuleBalanceOverLimit = "balance_over_limit"
	RuleFailureRate      = "failure_rate"
	RuleDependencyDown   = "dependency_down"
	RuleShiftCutoff      = "shift_cutoff"
	RuleSocketErrors     = "socket_errors"
	RuleSecurityBurst    = "security_burst"
)

// AlertSubject is what an alert is about: an entity ("customer",
// "payment", "vendor", "user", "dependency", "instance", "security") and its
// id (for a dependency, 1 is the database and 2 is Redis; for an instance,
// a number derived from its --instance-id; for "security", 1 is the
// business's logins as a whole).
type AlertSubject struct {
	Entity string `json:"entity"`
	ID     int64  `json:"id"`
}

// Alert is one alert. At most one open or acked alert exists per (rule,
// subject), which the database enforces. AckedBy is the admin who
// acknowledged it (AckedByName their name at the time, AckNote what they
// wrote); every admin sees it through alert:updated.
type Alert struct {
	ID          int64         `json:"id"`
	Rule        string        `json:"rule"`
	Severity    AlertSeverity `json:"severity"`
	Status      AlertStatus   `json:"status"`
	Subject     AlertSubject  `json:"subject"`
	Message     string        `json:"message"`
	RaisedAt    time.Time     `json:"raisedAt"`
	UpdatedAt   time.Time     `json:"updatedAt"`
	AckedBy     *int64        `json:"ackedBy,omitempty"`
	AckedByName string        `json:"ackedByName,omitempty"`
	AckNote     string        `json:"ackNote,omitempty"`
	AckedAt     *time.Time    `json:"ackedAt,omitempty"`
	ResolvedAt  *time.Time    `json:"resolvedAt,omitempty"`
}

// AlertFilter selects alerts: by status when set (every status otherwise),
// newest first, at most Limit (default 100, at most 500).
type AlertFilter struct {
	Status AlertStatus
	Limit  int
}

// AlertAck is the input of AckAlert (the socket command alert:ack).
type AlertAck struct {
	ID   int64  `json:"id"`
	Note string `json:"note,omitempty"`
}

// AlertService lists, acknowledges and configures alerts. Admins only:
// every method refuses vendors with CodeForbidden.
type AlertService interface {
	FindAlerts(ctx context.Context, f AlertFilter) ([]*Alert, error)
	AckAlert(ctx context.Context, in AlertAck) (*Alert, error)
	AlertRules(ctx context.Context) (*AlertRules, error)
	// UpdateAlertRules applies a partial JSON document of AlertRules
	// (absent fields keep their value) and returns the rules now in force.
	UpdateAlertRules(ctx context.Context, patch []byte) (*AlertRules, error)
}
