-- The status bar judges each provider's health from its latest attempts (no network call on a
-- poll): an index on (tender, created_at) keeps that a few-row read with a year of payments.
-- Order history searches one business day through orders_store_day and needs no new index.
CREATE INDEX payments_tender_recent ON payments(tender, created_at);
