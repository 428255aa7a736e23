package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPI is the API's OpenAPI 3.1 description. openapi_test.go keeps it
// true: every route is documented, every documented operation is a route,
// and real responses match the documented schemas.
//
//go:embed openapi.json
var openAPI []byte

func (s *server) handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(openAPI)
	})
}
