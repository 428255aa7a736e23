package web

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/realtime"
)

// TestTypeScriptTypesMatchTheServer keeps the dashboard's payload types
// (src/lib/types.ts, shared by every hook) true to the Go types the server
// encodes: each interface has exactly the JSON fields of its Go type.
func TestTypeScriptTypesMatchTheServer(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("src/lib/types.ts")
	if err != nil {
		t.Fatal(err)
	}
	ts := parseInterfaces(string(src))
	pairs := map[string]reflect.Type{
		"Actor":           reflect.TypeFor[domain.Actor](),
		"User":            reflect.TypeFor[domain.User](),
		"UserCreate":      reflect.TypeFor[domain.UserCreate](),
		"UserUpdate":      reflect.TypeFor[domain.UserUpdate](),
		"Customer":        reflect.TypeFor[domain.Customer](),
		"CustomerCreate":  reflect.TypeFor[domain.CustomerCreate](),
		"LedgerEntry":     reflect.TypeFor[domain.LedgerEntry](),
		"Delivery":        reflect.TypeFor[domain.Delivery](),
		"DeliveryChange":  reflect.TypeFor[domain.DeliveryChange](),
		"Payment":         reflect.TypeFor[domain.Payment](),
		"PaymentCreate":   reflect.TypeFor[domain.PaymentCreate](),
		"CustomerBalance": reflect.TypeFor[domain.CustomerBalance](),
		"PaymentResult":   reflect.TypeFor[domain.PaymentResult](),
		"DeliveryCounts":  reflect.TypeFor[domain.DeliveryCounts](),
		"Stats":           reflect.TypeFor[domain.Stats](),
		"AnalyticsPoint":  reflect.TypeFor[domain.AnalyticsPoint](),
		"VendorRank":      reflect.TypeFor[domain.VendorRank](),
		"Analytics":       reflect.TypeFor[domain.Analytics](),
		"VendorMetrics":   reflect.TypeFor[domain.VendorMetrics](),
		"ActivityEntry":   reflect.TypeFor[domain.ActivityEntry](),
		"StatsUpdated":    reflect.TypeFor[realtime.StatsPayload](),
		"DeliveryUpdated": reflect.TypeFor[realtime.DeliveryPayload](),
		"PaymentAdded":    reflect.TypeFor[realtime.PaymentPayload](),
		"CustomerUpdated": reflect.TypeFor[realtime.CustomerPayload](),
		"ActivityUpdated": reflect.TypeFor[realtime.ActivityPayload](),
		"UserUpdated":     reflect.TypeFor[realtime.UserPayload](),
		"PresenceAdmin":   reflect.TypeFor[realtime.PresenceAdmin](),
		"PresenceUpdated": reflect.TypeFor[realtime.PresencePayload](),
		"ServerError":     reflect.TypeFor[realtime.ErrorPayload](),
	}
	for name, goType := range pairs {
		fields, ok := ts[name]
		if !ok {
			t.Errorf("src/lib/types.ts has no interface %s (the server's %s)", name, goType)
			continue
		}
		want := jsonFields(goType)
		if !slices.Equal(fields, want) {
			t.Errorf("interface %s has fields %v, the server's %s encodes %v", name, fields, goType, want)
		}
	}
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
