package service

import "math"

// The figures (stats, analytics, vendor metrics) share these definitions,
// so that each is written once:
//
//   - a payment or a delivery that was reversed counts nowhere, as if it had
//     not happened (notReversed);
//   - "deliveries" are those not cancelled, not skipped and not reversed (countedDelivery),
//     the same set as domain.DeliveryCounts.Total;
//   - revenue is the amount of delivered, not reversed deliveries, counted
//     for the vendor that delivered them (deliveries.vendor_id) on the day
//     they were delivered; payments count for the vendor the customer had
//     when they were recorded (payments.vendor_id); outstanding belongs to
//     the customer's current vendor (customers.vendor_id);
//   - the collection rate of a period is its payments over its charges
//     (collectionRate): the charges of a period are its revenue, as a
//     delivery charges its customer when it is delivered;
//   - a customer is an active subscriber in a period when a delivery of one
//     of its subscriptions, scheduled in the period, counts among
//     "deliveries" (activeSubscriberDelivery): it was due and not skipped,
//     cancelled or reversed, whatever its vendor did with it;
//   - quantity is the units of delivered, not reversed deliveries, on the
//     day they were delivered, like revenue; by product, a delivery counts
//     for its product (none for one-off deliveries), by area for its
//     customer's current area, when that area is the delivering vendor's;
//   - dues ageing (ageing.go) ages each customer's balance on a day by its
//     oldest unpaid charge, payments paying charges oldest first (FIFO).

// collectionRate is payments / charges, rounded to 4 decimals; nil when
// nothing was charged (a rate over nothing is not 0 % nor infinite).
func collectionRate(payments, charges int64) *float64 {
	if charges <= 0 {
		return nil
	}
	r := math.Round(float64(payments)/float64(charges)*10000) / 10000
	return &r
}

// activeSubscriberDelivery is the condition for a delivery row of table t
// (with countedDelivery) to make its customer an active subscriber.
func activeSubscriberDelivery(t string) string {
	return t + `.subscription_id IS NOT NULL`
}

// reversedExists is true when the entity row idCol has a reversal.
func reversedExists(entity, idCol string) string {
	return `EXISTS (SELECT 1 FROM reversals rv WHERE rv.entity = '` + entity + `' AND rv.entity_id = ` + idCol + `)`
}

// notReversed is the condition " AND NOT <reversed>" for entity rows.
func notReversed(entity, idCol string) string {
	return ` AND NOT ` + reversedExists(entity, idCol)
}

// countedDelivery is the condition for a delivery (id column idCol, status
// column statusCol) to count among "deliveries".
func countedDelivery(statusCol, idCol string) string {
	return ` AND ` + statusCol + ` NOT IN ('cancelled', 'skipped')` + notReversed("delivery", idCol)
}
