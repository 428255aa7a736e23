package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// spec is the parts of the embedded OpenAPI document the tests read.
type spec struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas   map[string]*schema       `json:"schemas"`
		Responses map[string]*specResponse `json:"responses"`
	} `json:"components"`
}

type specOperation struct {
	Responses map[string]*specResponse `json:"responses"`
}

type specResponse struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Schema  *schema         `json:"schema"`
		Example json.RawMessage `json:"example"`
	} `json:"content"`
}

// schema is the subset of JSON Schema the document uses.
type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Enum                 []string           `json:"enum"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	AdditionalProperties *bool              `json:"additionalProperties"`
	Items                *schema            `json:"items"`
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	var s spec
	if err := json.Unmarshal(openAPI, &s); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	return &s
}

func (s *spec) resolve(sc *schema) *schema {
	for sc != nil && sc.Ref != "" {
		sc = s.Components.Schemas[strings.TrimPrefix(sc.Ref, "#/components/schemas/")]
	}
	return sc
}

func (s *spec) response(method, path string, status int) (*specResponse, bool) {
	raw, ok := s.Paths[path][strings.ToLower(method)]
	if !ok {
		return nil, false
	}
	var op specOperation
	if err := json.Unmarshal(raw, &op); err != nil {
		return nil, false
	}
	r, ok := op.Responses[strconv.Itoa(status)]
	if !ok {
		return nil, false
	}
	if r.Ref != "" {
		r = s.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	return r, r != nil
}

// validate checks v (decoded JSON) against sc and returns every mismatch.
func (s *spec) validate(at string, sc *schema, v any) []string {
	sc = s.resolve(sc)
	if sc == nil {
		return []string{at + ": schema not found"}
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	switch sc.Type {
	case "":
		return nil
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return errs
		}
		for _, r := range sc.Required {
			if _, ok := m[r]; !ok {
				bad("required field %q missing", r)
			}
		}
		for k, fv := range m {
			ps, ok := sc.Properties[k]
			if !ok {
				if sc.AdditionalProperties != nil && !*sc.AdditionalProperties {
					bad("field %q is not documented", k)
				}
				continue
			}
			errs = append(errs, s.validate(at+"."+k, ps, fv)...)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return errs
		}
		for i, e := range a {
			errs = append(errs, s.validate(fmt.Sprintf("%s[%d]", at, i), sc.Items, e)...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
			return errs
		}
		if len(sc.Enum) > 0 && !slices.Contains(sc.Enum, str) {
			bad("%q is not one of %v", str, sc.Enum)
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			bad("want an integer, got %v", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	default:
		bad("unsupported schema type %q", sc.Type)
	}
	return errs
}

// checkResponse validates a real response against the document.
func (s *spec) checkResponse(method, path string, status int, body []byte) []string {
	r, ok := s.response(method, path, status)
	if !ok {
		return []string{fmt.Sprintf("%s %s: response %d is not documented", method, path, status)}
	}
	c, ok := r.Content["application/json"]
	if !ok || c.Schema == nil {
		return []string{fmt.Sprintf("%s %s %d: no JSON schema", method, path, status)}
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return []string{fmt.Sprintf("%s %s %d: body is not JSON: %v", method, path, status, err)}
	}
	return s.validate(fmt.Sprintf("%s %s %d", method, path, status), c.Schema, v)
}

// TestOpenAPIMatchesRoutes checks that every registered route is documented
// and every documented operation is registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	sp := loadSpec(t)
	if sp.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", sp.OpenAPI)
	}
	s := newServer(Deps{})
	routes := slices.Clone(s.patterns)
	var documented []string
	for path, ops := range sp.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+path)
		}
	}
	sort.Strings(routes)
	sort.Strings(documented)
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %q is not documented in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json documents %q, which is not a route", d)
		}
	}
}

// TestOpenAPIExamples checks that every example in the document matches its
// schema, and that every $ref resolves.
func TestOpenAPIExamples(t *testing.T) {
	t.Parallel()
	sp := loadSpec(t)
	n := 0
	for path, ops := range sp.Paths {
		for m, raw := range ops {
			var op specOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", m, path, err)
			}
			if len(op.Responses) == 0 {
				t.Errorf("%s %s documents no response", m, path)
			}
			for status := range op.Responses {
				code, _ := strconv.Atoi(status)
				r, ok := sp.response(m, path, code)
				if !ok {
					t.Errorf("%s %s %s: response does not resolve", m, path, status)
					continue
				}
				c := r.Content["application/json"]
				if c.Example == nil {
					continue
				}
				n++
				for _, e := range sp.checkResponse(strings.ToUpper(m), path, code, c.Example) {
					t.Error("example: " + e)
				}
			}
		}
	}
	for name, sc := range sp.Components.Schemas {
		var refs func(at string, sc *schema)
		refs = func(at string, sc *schema) {
			if sc == nil {
				return
			}
			if sc.Ref != "" && sp.resolve(sc) == nil {
				t.Errorf("%s: $ref %s does not resolve", at, sc.Ref)
			}
			for k, p := range sc.Properties {
				refs(at+"."+k, p)
			}
			refs(at+"[]", sc.Items)
		}
		refs(name, sc)
	}
	if n < 20 {
		t.Errorf("only %d examples checked; the document should carry one per success response", n)
	}
}

// TestServeOpenAPI checks the document is served.
func TestServeOpenAPI(t *testing.T) {
	t.Parallel()
	h := NewServer(Deps{})
	rec := newRecorder(h, http.MethodGet, "/api/openapi.json", nil, nil)
	if rec.Code != http.StatusOK || !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("GET /api/openapi.json = %d, valid JSON %v", rec.Code, json.Valid(rec.Body.Bytes()))
	}
}

// TestOpenAPIDocumentsIdempotency checks that every write the API serves
// (POST and PATCH outside /api/auth/) documents the Idempotency-Key header
// and its answers: 409 IDEMPOTENCY_KEY_IN_USE, 422 IDEMPOTENCY_KEY_REUSED
// and 500 OUTCOME_UNKNOWN; POST /api/payments documents it as required.
func TestOpenAPIDocumentsIdempotency(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Ref string `json:"$ref"`
			} `json:"parameters"`
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
		Components struct {
			Parameters map[string]struct {
				Name     string `json:"name"`
				In       string `json:"in"`
				Required bool   `json:"required"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"IdempotencyKey", "IdempotencyKeyRequired"} {
		if c := doc.Components.Parameters[p]; c.Name != "Idempotency-Key" || c.In != "header" || c.Required != (p == "IdempotencyKeyRequired") {
			t.Errorf("components.parameters.%s = %+v", p, c)
		}
	}
	writes := 0
	for path, ops := range doc.Paths {
		for m, op := range ops {
			if (m != "post" && m != "patch") || strings.HasPrefix(path, "/api/auth/") {
				continue
			}
			writes++
			want := "#/components/parameters/IdempotencyKey"
			if m == "post" && path == "/api/payments" {
				want = "#/components/parameters/IdempotencyKeyRequired"
			}
			if !slices.ContainsFunc(op.Parameters, func(p struct {
				Ref string `json:"$ref"`
			}) bool {
				return p.Ref == want
			}) {
				t.Errorf("%s %s does not document the Idempotency-Key header (%s)", m, path, want)
			}
			for _, status := range []string{"409", "422", "500"} {
				if op.Responses[status] == nil {
					t.Errorf("%s %s does not document %s", m, path, status)
				}
			}
		}
	}
	if writes < 9 {
		t.Errorf("only %d writes found", writes)
	}
}
