-- The floor of bench/writes: the SQL of one keyed REST payment as
-- internal/service runs it on PostgreSQL (AddPayment in writeOnce), with
-- nothing around it: the idempotency key's lock and lookup, the write lock
-- (the event counter row), the customer, the payment, the balance and its
-- ledger entry, the event, the idempotency record, the transaction id.
-- pgbench runs it with -c WRITERS; :uid, :cmin and :cmax (the customers'
-- ids) are set by bench/writes.
\set cust random(:cmin, :cmax)
\set r random(1, 2000000000)
BEGIN;
SELECT pg_try_advisory_xact_lock(hashtextextended(current_schema() || ':' || 'idempotency:' || :uid || ':floor-' || :client_id || '-' || :r, 0)), k.fingerprint, k.result, k.created_at
  FROM (SELECT 1 AS one) o LEFT JOIN idempotency_keys k ON k.user_id = :uid AND k.idempotency_key = 'floor-' || :client_id || '-' || :r;
SELECT COALESCE((SELECT e.at FROM events e WHERE e.seq = c.seq), 0), COALESCE((SELECT s.value FROM settings s WHERE s.key = 'timezone'), '')
  FROM event_counter c WHERE c.id = 1 FOR UPDATE;
SELECT id, vendor_id, name, balance_cents FROM customers WHERE id = :cust;
INSERT INTO payments (customer_id, vendor_id, amount_cents, method, reference, client_key, recorded_by, created_on, created_at)
  SELECT id, vendor_id, 100, 'cash', '', 'floor-' || :client_id || '-' || :r, :uid, '2026-12-01', 1764547200000000
  FROM customers WHERE id = :cust
  ON CONFLICT DO NOTHING RETURNING id \gset pay_
UPDATE customers SET balance_cents = balance_cents - 100 WHERE id = :cust RETURNING balance_cents \gset bal_
INSERT INTO ledger_entries (customer_id, kind, ref_id, amount_cents, balance_cents, created_at)
  VALUES (:cust, 'payment', :pay_id, -100, :bal_balance_cents, 1764547200000000);
UPDATE event_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq \gset ev_
INSERT INTO events (seq, at, actor_id, actor_name, action, entity, entity_id, vendor_id, summary, payload)
  SELECT :ev_seq, 1764547200000000, :uid, 'Bench Admin', 'payment.added', 'payment', id, vendor_id, 'Payment of 1.00 by cash, recorded by Bench Admin',
    '{"payment":{"id":1,"customerId":1,"vendorId":1,"amountCents":100,"method":"cash","reference":"","recordedBy":1,"createdAt":"2026-12-01T00:00:00Z"},"customer":{"id":1,"balanceCents":-100}}'
  FROM payments WHERE id = :pay_id;
INSERT INTO idempotency_keys (user_id, idempotency_key, operation, fingerprint, result, created_at)
  VALUES (:uid, 'floor-' || :client_id || '-' || :r, 'payment.add', 'fp', '{"payment":{"id":1},"customer":{"id":1,"balanceCents":-100},"created":true}', 1764547200000000)
  ON CONFLICT DO NOTHING;
SELECT pg_current_xact_id()::text;
END;
