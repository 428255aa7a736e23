package httpapi

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
	s.handle("GET /api/me", s.authed(s.handleMe()))

	s.handle("GET /api/customers", s.authed(s.handleListCustomers()))
	s.handle("POST /api/customers", s.authed(s.handleCreateCustomer()))
	s.handle("GET /api/customers/{id}", s.authed(s.handleGetCustomer()))
	s.handle("PATCH /api/customers/{id}", s.authed(s.handleUpdateCustomer()))
	s.handle("GET /api/customers/{id}/ledger", s.authed(s.handleCustomerLedger()))

	s.handle("GET /api/deliveries", s.authed(s.handleListDeliveries()))
	s.handle("POST /api/deliveries", s.authed(s.handleCreateDelivery()))
	s.handle("GET /api/deliveries/{id}", s.authed(s.handleGetDelivery()))
	s.handle("PATCH /api/deliveries/{id}", s.authed(s.handleUpdateDelivery()))

	s.handle("GET /api/payments", s.authed(s.handleListPayments()))
	s.handle("POST /api/payments", s.authed(s.handleAddPayment()))

	s.handle("GET /api/users", s.authed(s.adminOnly(s.handleListUsers())))
	s.handle("POST /api/users", s.authed(s.adminOnly(s.handleCreateUser())))
	s.handle("PATCH /api/users/{id}", s.authed(s.adminOnly(s.handleUpdateUser())))
	s.handle("GET /api/vendors/metrics", s.authed(s.handleVendorMetrics()))

	s.handle("GET /api/stats", s.authed(s.handleStats()))
	s.handle("GET /api/analytics", s.authed(s.handleAnalytics()))
	s.handle("GET /api/activity", s.authed(s.handleActivity()))
	s.handle("GET /api/events", s.authed(s.handleEvents()))
	s.handle("GET /api/ops", s.authed(s.adminOnly(s.handleOps())))

	// Anything else under /api/ is a JSON 404 or 405, never the dashboard's HTML.
	s.mux.Handle("/api/", s.handleNoRoute())
}
