// Package domain holds Livedesk's business types, the service interfaces the
// transports (HTTP API, real-time bridge, CLI) consume, and the one error
// type every layer speaks. It imports nothing internal: storage, transport and
// real-time packages depend on it, never the other way round.
//
// Money is always an integer number of minor units (cents) and times are UTC.
// A customer's BalanceCents is what the customer owes: a delivered delivery
// charges (adds) its amount, a payment credits (subtracts) its amount, a
// reversal undoes one of those, and an opening balance (LedgerOpeningBalance,
// brought over by an import) adds what the customer owed before. The
// balance always equals the sum of the customer's ledger entries.
package domain
