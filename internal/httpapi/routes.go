package httpapi

import "github.com/livedesk/livedesk/internal/domain"

// routes registers every route of the API. Reading this function tells you
// the whole surface: method, path, who may call it and which handler serves
// it.
func (s *server) routes() {
	// Probes and the API description need no token.
	s.handle("GET /healthz", s.handleHealthz())
	s.handle("GET /readyz", s.handleReadyz())
	s.handle("GET /api/openapi.json", s.handleOpenAPI())

	s.handle("POST /api/auth/login", s.handleLogin())
	s.handle("POST /api/auth/refresh", s.handleRefresh())
	s.handle("POST /api/auth/logout", s.handleLogout())
	s.handle("GET /api/me", s.authed(s.handleMe()))
	s.handle("GET /api/me/notifications", s.authed(s.handleNotificationPrefs()))
	s.handle("PATCH /api/me/notifications", s.authed(s.handleUpdateNotificationPrefs()))
	s.handle("GET /api/push/key", s.authed(s.handlePushKey()))
	s.handle("POST /api/push/subscriptions", s.authed(s.handleAddPushSubscription()))
	s.handle("DELETE /api/push/subscriptions", s.authed(s.handleRemovePushSubscription()))

	s.handle("GET /api/customers", s.authed(s.handleListCustomers()))
	s.handle("POST /api/customers", s.authed(s.handleCreateCustomer()))
	s.handle("GET /api/customers/{id}", s.authed(s.handleGetCustomer()))
	s.handle("PATCH /api/customers/{id}", s.authed(s.handleUpdateCustomer()))
	s.handle("GET /api/customers/{id}/ledger", s.authed(s.handleCustomerLedger()))
	s.handle("GET /api/customers/{id}/statement", s.authed(s.handleStatement()))
	s.handle("GET /api/customers/{id}/rates", s.authed(s.handleCustomerRates()))
	s.handle("PUT /api/customers/{id}/rates/{productId}", s.authed(s.handleSetCustomerRate()))
	s.handle("DELETE /api/customers/{id}/rates/{productId}", s.authed(s.handleRemoveCustomerRate()))

	s.handle("POST /api/imports/customers", s.authed(s.handleImportCustomers()))

	s.handle("GET /api/deliveries", s.authed(s.handleListDeliveries()))
	s.handle("POST /api/deliveries", s.authed(s.handleCreateDelivery()))
	s.handle("GET /api/deliveries/{id}", s.authed(s.handleGetDelivery()))
	s.handle("PATCH /api/deliveries/{id}", s.authed(s.handleUpdateDelivery()))
	s.handle("POST /api/deliveries/{id}/reversal", s.authed(s.adminOnly(s.handleReverseDelivery())))
	s.handle("POST /api/deliveries/generate", s.authed(s.handleGenerateDeliveries()))
	s.handle("POST /api/deliveries/status", s.authed(s.handleBulkStatus()))
	s.handle("GET /api/round", s.authed(s.handleRound()))

	s.handle("GET /api/products", s.authed(s.handleListProducts()))
	s.handle("POST /api/products", s.authed(s.handleCreateProduct()))
	s.handle("PATCH /api/products/{id}", s.authed(s.handleUpdateProduct()))

	s.handle("GET /api/areas", s.authed(s.handleListAreas()))
	s.handle("POST /api/areas", s.authed(s.handleCreateArea()))
	s.handle("PATCH /api/areas/{id}", s.authed(s.handleUpdateArea()))

	s.handle("GET /api/subscriptions", s.authed(s.handleListSubscriptions()))
	s.handle("POST /api/subscriptions", s.authed(s.handleCreateSubscription()))
	s.handle("GET /api/subscriptions/{id}", s.authed(s.handleGetSubscription()))
	s.handle("PATCH /api/subscriptions/{id}", s.authed(s.handleUpdateSubscription()))
	s.handle("POST /api/subscriptions/{id}/pauses", s.authed(s.handleAddPause()))
	s.handle("DELETE /api/subscriptions/{id}/pauses/{pauseId}", s.authed(s.handleCancelPause()))

	s.handle("GET /api/payments", s.authed(s.handleListPayments()))
	s.handle("POST /api/payments", s.authed(s.handleAddPayment()))
	s.handle("POST /api/payments/{id}/reversal", s.authed(s.adminOnly(s.handleReversePayment())))

	s.handle("GET /api/users", s.authed(s.handleListUsers()))
	s.handle("POST /api/users", s.authed(s.handleCreateUser()))
	s.handle("PATCH /api/users/{id}", s.authed(s.handleUpdateUser()))
	s.handle("GET /api/vendors/metrics", s.authed(s.handleVendorMetrics()))

	s.handle("GET /api/stats", s.authed(s.handleStats()))
	s.handle("GET /api/analytics", s.authed(s.handleAnalytics()))
	s.handle("GET /api/analytics/ageing", s.authed(s.handleDuesAgeing()))
	s.handle("GET /api/analytics/products", s.authed(s.handleBreakdown(domain.BreakdownProduct)))
	s.handle("GET /api/analytics/areas", s.authed(s.handleBreakdown(domain.BreakdownArea)))
	s.handle("GET /api/analytics/vendors", s.authed(s.adminOnly(s.handleVendorComparison())))
	s.handle("GET /api/activity", s.authed(s.handleActivity()))
	s.handle("GET /api/events", s.authed(s.handleEvents()))
	s.handle("GET /api/alerts", s.authed(s.adminOnly(s.handleListAlerts())))
	s.handle("GET /api/alerts/rules", s.authed(s.adminOnly(s.handleAlertRules())))
	s.handle("PATCH /api/alerts/rules", s.authed(s.adminOnly(s.handleUpdateAlertRules())))
	s.handle("GET /api/settings", s.authed(s.handleSettings()))
	s.handle("PATCH /api/settings", s.authed(s.adminOnly(s.handleUpdateSettings())))
	s.handle("GET /api/security/events", s.authed(s.adminOnly(s.handleSecurityEvents())))
	s.handle("GET /api/ops", s.authed(s.adminOnly(s.handleOps())))

	s.handle("POST /api/reports", s.authed(s.handleCreateReport()))
	s.handle("GET /api/reports", s.authed(s.handleListReports()))
	s.handle("GET /api/reports/{id}", s.authed(s.handleGetReport()))
	s.handle("GET /api/reports/{id}/file", s.authed(s.handleReportFile()))
	s.handle("DELETE /api/reports/{id}", s.authed(s.handleDeleteReport()))

	// Anything else under /api/ is a JSON 404 or 405, never the dashboard's HTML.
	s.mux.Handle("/api/", s.handleNoRoute())
}
