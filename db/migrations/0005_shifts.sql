-- Shifts and the cash drawer (electron/reports/): a shift opens with its own counted float, takes
-- cash in/out with a reason, and closes with a count. Expected cash is derived from the rows
-- (float + cash taken − change given − cash refunds + cash in − cash out), never carried over.

CREATE TABLE shifts (
  id                     TEXT PRIMARY KEY,                       -- ULID
  store_id               TEXT NOT NULL REFERENCES stores(id),
  terminal_id            TEXT NOT NULL REFERENCES terminals(id),
  business_date          TEXT NOT NULL,                          -- the business day it opened in
  state                  TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  opened_by              TEXT NOT NULL REFERENCES users(id),
  opened_at              TEXT NOT NULL,
  opening_float_fen      INTEGER NOT NULL CHECK (opening_float_fen >= 0),
  opening_count          TEXT CHECK (opening_count IS NULL OR json_valid(opening_count)),   -- {denominationFen: pieces}
  closed_by              TEXT REFERENCES users(id),
  closed_at              TEXT,
  counted_fen            INTEGER CHECK (counted_fen IS NULL OR counted_fen >= 0),
  closing_count          TEXT CHECK (closing_count IS NULL OR json_valid(closing_count)),
  expected_fen           INTEGER,                                 -- frozen at close, from the rows
  difference_fen         INTEGER,                                 -- counted − expected (negative: short)
  close_note             TEXT,
  version                INTEGER NOT NULL DEFAULT 1,
  -- A closed shift carries its whole count; an open one none of it.
  CHECK ((state = 'open') = (closed_at IS NULL)),
  CHECK (state = 'open' OR (closed_by IS NOT NULL AND counted_fen IS NOT NULL AND expected_fen IS NOT NULL
                            AND difference_fen = counted_fen - expected_fen))
) STRICT;

-- One open shift (one drawer) per terminal: the database is the last guard against a double open.
CREATE UNIQUE INDEX shifts_one_open ON shifts(terminal_id) WHERE state = 'open';
CREATE INDEX shifts_store_day ON shifts(store_id, business_date);

-- Cash put into or taken out of the drawer outside a sale (change top-up, bank drop, petty cash).
CREATE TABLE cash_movements (
  id           TEXT PRIMARY KEY,                                  -- ULID
  shift_id     TEXT NOT NULL REFERENCES shifts(id),
  kind         TEXT NOT NULL CHECK (kind IN ('in', 'out')),
  amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
  reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  user_id      TEXT NOT NULL REFERENCES users(id),
  at           TEXT NOT NULL
) STRICT;

CREATE INDEX cash_movements_shift ON cash_movements(shift_id);

-- Which drawer (shift) an order was rung up in, took a payment, or paid a refund out of. Rows
-- written before this release have none and belong to no shift.
ALTER TABLE orders ADD COLUMN shift_id TEXT REFERENCES shifts(id);
ALTER TABLE payments ADD COLUMN shift_id TEXT REFERENCES shifts(id);
ALTER TABLE refunds ADD COLUMN shift_id TEXT REFERENCES shifts(id);

-- The business day a refund counts in (the day it was made at the counter, in the store's zone),
-- stamped on the till so the till's 日结 and the cloud's head-office view agree without time-zone
-- arithmetic. Older refunds take their order's day, the best fact there is.
ALTER TABLE refunds ADD COLUMN business_date TEXT;
UPDATE refunds SET business_date = (SELECT business_date FROM orders WHERE orders.id = refunds.order_id);

CREATE INDEX payments_shift ON payments(shift_id) WHERE shift_id IS NOT NULL;
CREATE INDEX refunds_shift ON refunds(shift_id) WHERE shift_id IS NOT NULL;
CREATE INDEX refunds_day ON refunds(business_date);
