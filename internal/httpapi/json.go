package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
)

// respond writes v as JSON with the given status.
func (s *server) respond(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.Logger.ErrorContext(r.Context(), "failed to encode response", "err", err, "request_id", requestID(r.Context()))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"error":{"code":"INTERNAL","message":"internal error"}}`+"\n")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	markReplay(w, r)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// decode reads the request body as exactly one JSON value into v. It is
// strict: unknown fields, wrong types, trailing data and bodies over the
// limit are refused with an error naming the field where there is one.
func (s *server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	return s.decodeBody(w, r, v, false)
}

// decodeOptional is decode for endpoints whose body may be absent: an empty
// body leaves v untouched.
func (s *server) decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	return s.decodeBody(w, r, v, true)
}

func (s *server) decodeBody(w http.ResponseWriter, r *http.Request, v any, optional bool) error {
	if r.Body == nil {
		r.Body = http.NoBody
	}
	body := http.MaxBytesReader(w, r.Body, s.bodyLimit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if optional && errors.Is(err, io.EOF) {
			return nil
		}
		return decodeError(err, s.bodyLimit)
	}
	// Exactly one value: `{...}{...}` or `{...} junk` is a malformed body.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return decodeError(err, s.bodyLimit)
		}
		return domain.Invalid("", "the body must be a single JSON value")
	}
	return nil
}

// decodeError turns a decoding failure into a domain error.
func decodeError(err error, limit int64) error {
	var (
		tooBig *http.MaxBytesError
		syn    *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return &domain.Error{Code: domain.CodeTooLarge, Message: fmt.Sprintf("the request body is larger than %d bytes", limit)}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &domain.Error{Code: codeRequestTimeout, Message: "the request body took too long to arrive"}
	case errors.Is(err, io.EOF):
		return domain.Invalid("", "the request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Invalid("", "the request body is truncated JSON")
	case errors.As(err, &syn):
		return domain.Invalid("", "the request body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return domain.Invalid("", "the request body must be a JSON %s", jsonKind(typ.Type.Kind().String()))
		}
		if e, ok := domain.TooLargeNumber(typ.Field, typ.Value); ok && jsonKind(typ.Type.Kind().String()) == "integer" {
			return e
		}
		return domain.Invalid(typ.Field, "%s must be %s, not %s", typ.Field, article(jsonKind(typ.Type.Kind().String())), typ.Value)
	}
	// encoding/json reports unknown fields only as text.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return domain.Invalid(name, "unknown field %q", name)
	}
	return domain.Invalid("", "the request body cannot be read: %v", err)
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"):
		return "integer"
	case strings.HasPrefix(k, "float"):
		return "number"
	case k == "bool":
		return "boolean"
	case k == "struct", k == "map":
		return "object"
	case k == "slice", k == "array":
		return "array"
	}
	return k
}

func article(s string) string {
	if strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// requireJSON refuses a request whose body is not declared as JSON (415
// UNSUPPORTED_MEDIA_TYPE). A browser sends text/plain, form or multipart
// bodies cross-origin without asking (no CORS preflight); application/json
// it sends only after a preflight the API answers for allowed origins only.
func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return &domain.Error{Code: codeUnsupportedMediaType, Message: "send the body as JSON with Content-Type: application/json"}
	}
	return nil
}
