-- 0018: a customer's credit limit (issue 18, alert rule balance_over_limit):
-- the most the customer may owe. NULL means the business default (the
-- alert rules' balance_over_limit.defaultCreditLimitCents).
ALTER TABLE customers ADD COLUMN credit_limit_cents BIGINT;
