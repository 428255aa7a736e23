-- phone_digits is the customer's phone without separators, so that a search
-- for "9845012345" finds "+91 98450 12345". The service keeps it in step
-- with phone.
ALTER TABLE customers ADD COLUMN phone_digits TEXT NOT NULL DEFAULT '';
UPDATE customers SET phone_digits =
	replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '');
CREATE INDEX customers_phone_digits ON customers (phone_digits);
