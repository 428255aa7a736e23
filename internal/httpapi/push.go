package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

// pushReady answers 503 when the server was built without Web Push.
func (s *server) pushReady(w http.ResponseWriter, r *http.Request) bool {
	if s.Push == nil {
		s.error(w, r, &domain.Error{Code: domain.CodeUnavailable, Message: "web push is not configured"})
		return false
	}
	return true
}

// handlePushKey returns the VAPID public key for pushManager.subscribe.
func (s *server) handlePushKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.pushReady(w, r) {
			return
		}
		key, err := s.Push.PushPublicKey(r.Context())
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, map[string]string{"publicKey": key})
	})
}

// handleAddPushSubscription stores the browser's PushSubscription.toJSON().
func (s *server) handleAddPushSubscription() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.pushReady(w, r) {
			return
		}
		var in domain.PushSubscriptionInput
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		sub, err := s.Push.AddPushSubscription(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusCreated, sub)
	})
}

// handleRemovePushSubscription removes the caller's subscription named by
// ?endpoint= or a body {endpoint}; removing one that is not there is not
// an error (the browser may unsubscribe twice).
func (s *server) handleRemovePushSubscription() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.pushReady(w, r) {
			return
		}
		var in struct {
			Endpoint string `json:"endpoint"`
		}
		in.Endpoint = r.URL.Query().Get("endpoint")
		if in.Endpoint == "" {
			if err := s.decodeOptional(w, r, &in); err != nil {
				s.error(w, r, err)
				return
			}
		}
		if err := s.Push.RemovePushSubscription(r.Context(), in.Endpoint); err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, map[string]any{"removed": true})
	})
}

func (s *server) handleNotificationPrefs() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.pushReady(w, r) {
			return
		}
		p, err := s.Push.NotificationPrefs(r.Context())
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, p)
	})
}

func (s *server) handleUpdateNotificationPrefs() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.pushReady(w, r) {
			return
		}
		var in domain.NotificationPrefsUpdate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		p, err := s.Push.UpdateNotificationPrefs(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, p)
	})
}
