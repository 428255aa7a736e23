package web

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/realtime"
)

// TestTypeScriptTypesMatchTheServer keeps the dashboard's payload types
// (src/lib/types/*.ts, re-exported by src/lib/types.ts and shared by every
// hook) true to the Go types the server encodes: each interface has exactly
// the JSON fields of its Go type.
func TestTypeScriptTypesMatchTheServer(t *testing.T) {
	t.Parallel()
	ts := map[string][]string{}
	for _, path := range typeScriptTypeFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for name, fields := range parseInterfaces(string(src)) {
			if _, dup := ts[name]; dup {
				t.Errorf("%s: interface %s is declared in two files", path, name)
			}
			ts[name] = fields
		}
	}
	pairs := map[string]reflect.Type{
		"Actor":            reflect.TypeFor[domain.Actor](),
		"User":             reflect.TypeFor[domain.User](),
		"UserCreate":       reflect.TypeFor[domain.UserCreate](),
		"UserUpdate":       reflect.TypeFor[domain.UserUpdate](),
		"Customer":         reflect.TypeFor[domain.Customer](),
		"CustomerCreate":   reflect.TypeFor[domain.CustomerCreate](),
		"LedgerEntry":      reflect.TypeFor[domain.LedgerEntry](),
		"LedgerRef":        reflect.TypeFor[domain.LedgerRef](),
		"Reversal":         reflect.TypeFor[domain.Reversal](),
		"ReversalCreate":   reflect.TypeFor[domain.ReversalCreate](),
		"ReversalResult":   reflect.TypeFor[domain.ReversalResult](),
		"Delivery":         reflect.TypeFor[domain.Delivery](),
		"DeliveryChange":   reflect.TypeFor[domain.DeliveryChange](),
		"Payment":          reflect.TypeFor[domain.Payment](),
		"PaymentCreate":    reflect.TypeFor[domain.PaymentCreate](),
		"CustomerBalance":  reflect.TypeFor[domain.CustomerBalance](),
		"PaymentResult":    reflect.TypeFor[domain.PaymentResult](),
		"DeliveryCounts":   reflect.TypeFor[domain.DeliveryCounts](),
		"Stats":            reflect.TypeFor[domain.Stats](),
		"Settings":         reflect.TypeFor[domain.Settings](),
		"SettingsUpdate":   reflect.TypeFor[domain.SettingsUpdate](),
		"AnalyticsPoint":   reflect.TypeFor[domain.AnalyticsPoint](),
		"VendorRank":       reflect.TypeFor[domain.VendorRank](),
		"Analytics":        reflect.TypeFor[domain.Analytics](),
		"VendorMetrics":    reflect.TypeFor[domain.VendorMetrics](),
		"ActivityEntry":    reflect.TypeFor[domain.ActivityEntry](),
		"StatsUpdated":     reflect.TypeFor[realtime.StatsPayload](),
		"DeliveryUpdated":  reflect.TypeFor[realtime.DeliveryPayload](),
		"PaymentAdded":     reflect.TypeFor[realtime.PaymentPayload](),
		"CustomerUpdated":  reflect.TypeFor[realtime.CustomerPayload](),
		"PaymentReversed":  reflect.TypeFor[realtime.PaymentReversedPayload](),
		"DeliveryReversed": reflect.TypeFor[realtime.DeliveryReversedPayload](),
		"CustomerRemoved":  reflect.TypeFor[realtime.CustomerRemovedPayload](),
		"ActivityUpdated":  reflect.TypeFor[realtime.ActivityPayload](),
		"UserUpdated":      reflect.TypeFor[realtime.UserPayload](),
		"PresenceAdmin":    reflect.TypeFor[realtime.PresenceAdmin](),
		"PresenceUpdated":  reflect.TypeFor[realtime.PresencePayload](),
		"ServerError":      reflect.TypeFor[realtime.ErrorPayload](),
		"SecurityEvent":    reflect.TypeFor[realtime.SecurityPayload](),

		"DeliveryUpdate":      reflect.TypeFor[domain.DeliveryUpdate](),
		"Product":             reflect.TypeFor[domain.Product](),
		"ProductCreate":       reflect.TypeFor[domain.ProductCreate](),
		"CustomerRate":        reflect.TypeFor[domain.CustomerRate](),
		"Area":                reflect.TypeFor[domain.Area](),
		"Pause":               reflect.TypeFor[domain.Pause](),
		"Subscription":        reflect.TypeFor[domain.Subscription](),
		"SubscriptionCreate":  reflect.TypeFor[domain.SubscriptionCreate](),
		"SubscriptionUpdate":  reflect.TypeFor[domain.SubscriptionUpdate](),
		"GenerateResult":      reflect.TypeFor[domain.GenerateResult](),
		"RoundStop":           reflect.TypeFor[domain.RoundStop](),
		"ProductQuantity":     reflect.TypeFor[domain.ProductQuantity](),
		"RoundCounters":       reflect.TypeFor[domain.RoundCounters](),
		"Round":               reflect.TypeFor[domain.Round](),
		"BulkStatus":          reflect.TypeFor[domain.BulkStatus](),
		"BulkStatusItem":      reflect.TypeFor[domain.BulkStatusItem](),
		"BulkStatusResult":    reflect.TypeFor[domain.BulkStatusResult](),
		"ProductUpdated":      reflect.TypeFor[realtime.ProductPayload](),
		"RateUpdated":         reflect.TypeFor[realtime.RatePayload](),
		"AreaUpdated":         reflect.TypeFor[realtime.AreaPayload](),
		"SubscriptionUpdated": reflect.TypeFor[realtime.SubscriptionPayload](),
		"DeliveriesGenerated": reflect.TypeFor[realtime.GeneratedPayload](),
		"Statement":           reflect.TypeFor[domain.Statement](),
		"StatementLine":       reflect.TypeFor[domain.StatementLine](),
		"AgeingBucket":        reflect.TypeFor[domain.AgeingBucket](),
		"AgeingCustomer":      reflect.TypeFor[domain.AgeingCustomer](),
		"DuesAgeing":          reflect.TypeFor[domain.DuesAgeing](),
		"BreakdownRow":        reflect.TypeFor[domain.BreakdownRow](),
		"Breakdown":           reflect.TypeFor[domain.Breakdown](),
		"VendorFigures":       reflect.TypeFor[domain.VendorFigures](),
		"VendorComparison":    reflect.TypeFor[domain.VendorComparison](),
		"ImportRowError":      reflect.TypeFor[domain.ImportRowError](),
		"ImportRow":           reflect.TypeFor[domain.ImportRow](),
		"CustomerImport":      reflect.TypeFor[domain.CustomerImport](),
		"CustomerImported":    reflect.TypeFor[domain.CustomerImported](),
		"ReportParams":        reflect.TypeFor[domain.ReportParams](),
		"ReportCreate":        reflect.TypeFor[domain.ReportCreate](),
		"Report":              reflect.TypeFor[domain.Report](),
		"ReportDeleted":       reflect.TypeFor[domain.ReportDeleted](),
		"ReportProgress":      reflect.TypeFor[realtime.ReportProgressPayload](),
		"ReportReady":         reflect.TypeFor[realtime.ReportReadyPayload](),
		"ReportFailed":        reflect.TypeFor[realtime.ReportFailedPayload](),

		"NotificationPrefs":       reflect.TypeFor[domain.NotificationPrefs](),
		"NotificationPrefsUpdate": reflect.TypeFor[domain.NotificationPrefsUpdate](),
		"PushSubscriptionInput":   reflect.TypeFor[domain.PushSubscriptionInput](),
		"PushSubscriptionKeys":    reflect.TypeFor[domain.PushSubscriptionKeys](),
		"PushSubscription":        reflect.TypeFor[domain.PushSubscription](),
		"PushNotification":        reflect.TypeFor[domain.PushNotification](),
	}
	for name, goType := range pairs {
		fields, ok := ts[name]
		if !ok {
			t.Errorf("src/lib/types/*.ts has no interface %s (the server's %s)", name, goType)
			continue
		}
		want := jsonFields(goType)
		if !slices.Equal(fields, want) {
			t.Errorf("interface %s has fields %v, the server's %s encodes %v", name, fields, goType, want)
		}
	}
}

// typeScriptTypeFiles lists the entry point src/lib/types.ts and the files
// of src/lib/types/ it re-exports, each of which it must name.
func typeScriptTypeFiles(t *testing.T) []string {
	t.Helper()
	entry, err := os.ReadFile("src/lib/types.ts")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("src/lib/types/*.ts")
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in src/lib/types/ (%v)", err)
	}
	for _, f := range files {
		module := "./types/" + strings.TrimSuffix(filepath.Base(f), ".ts")
		if !strings.Contains(string(entry), "from '"+module+"'") {
			t.Errorf("src/lib/types.ts does not re-export %s", module)
		}
	}
	return append([]string{"src/lib/types.ts"}, files...)
}

var (
	interfaceRE = regexp.MustCompile(`(?s)export interface (\w+)(?:<[^>]*>)?(?: extends \w+)? \{\n(.*?)\n\}`)
	fieldRE     = regexp.MustCompile(`^\s+(\w+)\??:`)
)

// parseInterfaces returns the sorted field names of each exported interface.
func parseInterfaces(src string) map[string][]string {
	out := map[string][]string{}
	for _, m := range interfaceRE.FindAllStringSubmatch(src, -1) {
		var fields []string
		for _, line := range strings.Split(m[2], "\n") {
			if f := fieldRE.FindStringSubmatch(line); f != nil {
				fields = append(fields, f[1])
			}
		}
		slices.Sort(fields)
		out[m[1]] = fields
	}
	return out
}

// jsonFields returns the sorted JSON names of a struct's encoded fields.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
