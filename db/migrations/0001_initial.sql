-- Till local order store, first schema.
-- Money columns are INTEGER fen (分). Times are ISO-8601 UTC strings unless named *_date
-- (a business day in the store's time zone, YYYY-MM-DD). Once shipped, a table or column here
-- is never dropped or retyped: test/unit/db/shipped-schema.test.ts holds the line.

CREATE TABLE stores (
  id          TEXT PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 16),
  name        TEXT NOT NULL,
  timezone    TEXT NOT NULL DEFAULT 'Asia/Shanghai',
  address     TEXT,
  phone       TEXT,
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE terminals (
  id          TEXT PRIMARY KEY,
  store_id    TEXT NOT NULL REFERENCES stores(id),
  code        TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 16),
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE (store_id, code)
) STRICT;

CREATE TABLE users (
  id               TEXT PRIMARY KEY,
  store_id         TEXT REFERENCES stores(id),
  username         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name     TEXT NOT NULL,
  role             TEXT NOT NULL CHECK (role IN ('cashier', 'manager', 'owner')),
  pin_hash         TEXT NOT NULL,
  failed_attempts  INTEGER NOT NULL DEFAULT 0,
  locked_until     TEXT,
  active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
) STRICT;

CREATE TABLE products (
  id               INTEGER PRIMARY KEY,
  sku              TEXT NOT NULL UNIQUE,
  name             TEXT NOT NULL,
  name_en          TEXT,
  pinyin           TEXT NOT NULL DEFAULT '',
  pinyin_initials  TEXT NOT NULL DEFAULT '',
  category         TEXT,
  unit             TEXT NOT NULL,
  sold_by          TEXT NOT NULL CHECK (sold_by IN ('unit', 'weight')),
  -- fen per unit, or fen per kilogram when sold_by = 'weight'
  price_fen        INTEGER NOT NULL CHECK (price_fen >= 0 AND price_fen <= 100000000),
  -- VAT included in the price, in basis points (1300 = 13 %)
  tax_rate_bp      INTEGER NOT NULL DEFAULT 1300 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  -- item code embedded in weighed/priced EAN-13 labels printed by the scale
  plu              TEXT UNIQUE,
  active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  updated_at       TEXT NOT NULL
) STRICT;

CREATE INDEX products_initials ON products(pinyin_initials);
CREATE INDEX products_name ON products(name);

CREATE TABLE product_barcodes (
  barcode     TEXT PRIMARY KEY,
  product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX product_barcodes_product ON product_barcodes(product_id);

-- Substring search (name, full pinyin, initials, SKU) for queries of three characters or more;
-- shorter queries use the prefix indexes above. External content keeps one copy of the text.
CREATE VIRTUAL TABLE products_fts USING fts5(
  name, pinyin, pinyin_initials, sku,
  content = 'products', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER products_fts_ai AFTER INSERT ON products BEGIN
  INSERT INTO products_fts(rowid, name, pinyin, pinyin_initials, sku)
  VALUES (new.id, new.name, new.pinyin, new.pinyin_initials, new.sku);
END;
CREATE TRIGGER products_fts_ad AFTER DELETE ON products BEGIN
  INSERT INTO products_fts(products_fts, rowid, name, pinyin, pinyin_initials, sku)
  VALUES ('delete', old.id, old.name, old.pinyin, old.pinyin_initials, old.sku);
END;
CREATE TRIGGER products_fts_au AFTER UPDATE OF name, pinyin, pinyin_initials, sku ON products BEGIN
  INSERT INTO products_fts(products_fts, rowid, name, pinyin, pinyin_initials, sku)
  VALUES ('delete', old.id, old.name, old.pinyin, old.pinyin_initials, old.sku);
  INSERT INTO products_fts(rowid, name, pinyin, pinyin_initials, sku)
  VALUES (new.id, new.name, new.pinyin, new.pinyin_initials, new.sku);
END;

-- The cart being rung up on a terminal survives a restart or power cut.
CREATE TABLE carts (
  terminal_id  TEXT PRIMARY KEY REFERENCES terminals(id),
  cashier_id   TEXT REFERENCES users(id),
  data         TEXT NOT NULL CHECK (json_valid(data)),
  updated_at   TEXT NOT NULL
) STRICT;

-- Gapless per-terminal, per-business-day order numbers.
CREATE TABLE order_sequences (
  terminal_id    TEXT NOT NULL REFERENCES terminals(id),
  business_date  TEXT NOT NULL,
  last_seq       INTEGER NOT NULL,
  PRIMARY KEY (terminal_id, business_date)
) STRICT, WITHOUT ROWID;

CREATE TABLE orders (
  id                   TEXT PRIMARY KEY,                 -- ULID made on the till: the sync idempotency key
  order_no             TEXT NOT NULL UNIQUE,             -- <store>-<terminal>-<yyyymmdd>-<seq>
  store_id             TEXT NOT NULL REFERENCES stores(id),
  terminal_id          TEXT NOT NULL REFERENCES terminals(id),
  business_date        TEXT NOT NULL,
  seq                  INTEGER NOT NULL CHECK (seq > 0),
  cashier_id           TEXT NOT NULL REFERENCES users(id),
  state                TEXT NOT NULL CHECK (state IN ('pending_payment', 'paying', 'paid', 'in_progress',
                                                      'completed', 'cancelled', 'refunded', 'partially_refunded')),
  version              INTEGER NOT NULL DEFAULT 1,      -- bumps on every change; the cloud keeps the highest
  -- customer
  customer_name        TEXT,
  customer_phone       TEXT,
  member_id            TEXT,
  -- price info
  subtotal_fen         INTEGER NOT NULL CHECK (subtotal_fen >= 0),   -- sum of lines at list price
  line_discount_fen    INTEGER NOT NULL CHECK (line_discount_fen >= 0),
  order_discount_fen   INTEGER NOT NULL CHECK (order_discount_fen >= 0),
  coupon_fen           INTEGER NOT NULL CHECK (coupon_fen >= 0),
  coupon_code          TEXT,
  rounding_fen         INTEGER NOT NULL CHECK (rounding_fen >= 0),   -- removed by 抹零
  rounding_rule        TEXT NOT NULL CHECK (rounding_rule IN ('none', 'drop_fen', 'drop_jiao')),
  delivery_fee_fen     INTEGER NOT NULL DEFAULT 0 CHECK (delivery_fee_fen >= 0),
  total_fen            INTEGER NOT NULL CHECK (total_fen >= 0),      -- what the customer pays
  tax_fen              INTEGER NOT NULL CHECK (tax_fen >= 0),        -- VAT included in total_fen
  discount_approved_by TEXT REFERENCES users(id),
  -- payment info (tender lines are in payments)
  paid_fen             INTEGER NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
  change_fen           INTEGER NOT NULL DEFAULT 0 CHECK (change_fen >= 0),
  refunded_fen         INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0),
  -- delivery info
  delivery_type        TEXT NOT NULL DEFAULT 'none' CHECK (delivery_type IN ('none', 'pickup', 'delivery')),
  delivery_contact     TEXT,
  delivery_phone       TEXT,
  delivery_address     TEXT,
  delivery_note        TEXT,
  note                 TEXT,
  cancel_reason        TEXT,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  paid_at              TEXT,
  completed_at         TEXT,
  cancelled_at         TEXT,
  UNIQUE (terminal_id, business_date, seq),
  CHECK (refunded_fen <= total_fen)
) STRICT;

CREATE INDEX orders_store_day ON orders(store_id, business_date);
CREATE INDEX orders_terminal_day ON orders(terminal_id, business_date);
CREATE INDEX orders_open ON orders(state) WHERE state IN ('pending_payment', 'paying');

CREATE TABLE order_lines (
  order_id               TEXT NOT NULL REFERENCES orders(id),
  line_no                INTEGER NOT NULL CHECK (line_no > 0),
  product_id             INTEGER REFERENCES products(id),
  sku                    TEXT NOT NULL,
  barcode                TEXT,
  name                   TEXT NOT NULL,
  unit                   TEXT NOT NULL,
  sold_by                TEXT NOT NULL CHECK (sold_by IN ('unit', 'weight')),
  quantity               INTEGER NOT NULL CHECK (quantity > 0),       -- pieces, or grams when sold by weight
  unit_price_fen         INTEGER NOT NULL CHECK (unit_price_fen >= 0),  -- per piece, or per kg
  price_overridden       INTEGER NOT NULL DEFAULT 0 CHECK (price_overridden IN (0, 1)),
  original_fen           INTEGER NOT NULL CHECK (original_fen >= 0),
  line_discount_fen      INTEGER NOT NULL CHECK (line_discount_fen >= 0),
  order_discount_fen     INTEGER NOT NULL CHECK (order_discount_fen >= 0), -- share of the order discount
  coupon_fen             INTEGER NOT NULL CHECK (coupon_fen >= 0),         -- share of the coupon
  rounding_fen           INTEGER NOT NULL CHECK (rounding_fen >= 0),       -- share of 抹零
  net_fen                INTEGER NOT NULL CHECK (net_fen >= 0),
  tax_rate_bp            INTEGER NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  tax_fen                INTEGER NOT NULL CHECK (tax_fen >= 0),
  refunded_quantity      INTEGER NOT NULL DEFAULT 0 CHECK (refunded_quantity >= 0),
  PRIMARY KEY (order_id, line_no),
  CHECK (net_fen = original_fen - line_discount_fen - order_discount_fen - coupon_fen - rounding_fen),
  CHECK (refunded_quantity <= quantity)
) STRICT;

-- One row per tender line / payment attempt. Provider attempts get their own out_trade_no.
CREATE TABLE payments (
  id                  TEXT PRIMARY KEY,
  order_id            TEXT NOT NULL REFERENCES orders(id),
  tender              TEXT NOT NULL CHECK (tender IN ('cash', 'wechat', 'alipay')),
  method              TEXT NOT NULL CHECK (method IN ('cash', 'merchant_qr', 'customer_code')),
  out_trade_no        TEXT UNIQUE,
  amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
  tendered_fen        INTEGER CHECK (tendered_fen IS NULL OR tendered_fen >= amount_fen),  -- cash handed over
  change_fen          INTEGER NOT NULL DEFAULT 0 CHECK (change_fen >= 0),
  state               TEXT NOT NULL CHECK (state IN ('created', 'pending', 'unknown', 'closing',
                                                     'succeeded', 'failed', 'closed', 'reversed')),
  provider_trade_no   TEXT,
  provider_state      TEXT,
  code_url            TEXT,
  auth_code_tail      TEXT,
  failure_code        TEXT,
  failure_message     TEXT,
  expires_at          TEXT,
  next_check_at       TEXT,
  check_count         INTEGER NOT NULL DEFAULT 0,
  created_by          TEXT REFERENCES users(id),
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  succeeded_at        TEXT,
  finished_at         TEXT,
  CHECK (tender = 'cash' OR out_trade_no IS NOT NULL),
  CHECK ((tender = 'cash') = (method = 'cash'))
) STRICT;

CREATE INDEX payments_order ON payments(order_id);
CREATE INDEX payments_provider_trade ON payments(provider_trade_no) WHERE provider_trade_no IS NOT NULL;
CREATE INDEX payments_unfinished ON payments(state) WHERE state IN ('created', 'pending', 'unknown', 'closing');
-- At most one live provider attempt per order: the database, not the code, is the last guard.
-- An attempt being closed ('closing') no longer counts: the cashier may take another tender while
-- the close is confirmed, and a success that still lands is refunded automatically.
CREATE UNIQUE INDEX payments_one_live_attempt ON payments(order_id)
  WHERE state IN ('created', 'pending', 'unknown');

CREATE TABLE refunds (
  id                  TEXT PRIMARY KEY,
  order_id            TEXT NOT NULL REFERENCES orders(id),
  payment_id          TEXT NOT NULL REFERENCES payments(id),
  out_refund_no       TEXT NOT NULL UNIQUE,          -- deterministic: R<order_no>-<n>
  amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
  reason              TEXT,
  state               TEXT NOT NULL CHECK (state IN ('created', 'pending', 'unknown', 'succeeded', 'failed', 'abnormal')),
  automatic           INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),  -- paid-after-close refunds
  provider_refund_id  TEXT,
  provider_state      TEXT,
  failure_code        TEXT,
  failure_message     TEXT,
  requested_by        TEXT REFERENCES users(id),
  approved_by         TEXT REFERENCES users(id),
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  succeeded_at        TEXT
) STRICT;

CREATE INDEX refunds_order ON refunds(order_id);
CREATE INDEX refunds_open ON refunds(state) WHERE state IN ('created', 'pending', 'unknown', 'abnormal');
CREATE INDEX refunds_payment ON refunds(payment_id);

-- The sum of live refunds of a payment never exceeds what that payment captured (net of change).
CREATE TRIGGER refunds_not_above_paid BEFORE INSERT ON refunds
BEGIN
  SELECT RAISE(ABORT, 'REFUND_EXCEEDS_PAID')
  WHERE NEW.amount_fen + COALESCE((SELECT SUM(amount_fen) FROM refunds
                                   WHERE payment_id = NEW.payment_id AND state <> 'failed'), 0)
        > COALESCE((SELECT amount_fen FROM payments
                    WHERE id = NEW.payment_id AND state = 'succeeded'), 0);
END;
CREATE TRIGGER refunds_amount_frozen BEFORE UPDATE OF amount_fen, payment_id ON refunds
BEGIN
  SELECT RAISE(ABORT, 'REFUND_IMMUTABLE');
END;

-- Written in the same transaction as the change it announces; sync marks rows sent only on ack.
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  kind             TEXT NOT NULL CHECK (kind IN ('order', 'refund', 'shift')),
  aggregate_id     TEXT NOT NULL,
  aggregate_version INTEGER NOT NULL,
  created_at       TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,
  last_error       TEXT,
  sent_at          TEXT,
  dead_at          TEXT
) STRICT;

CREATE INDEX outbox_pending ON outbox(id) WHERE sent_at IS NULL AND dead_at IS NULL;

-- Append-only: who did what sensitive thing.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at           TEXT NOT NULL,
  terminal_id  TEXT,
  user_id      TEXT,
  approver_id  TEXT,
  action       TEXT NOT NULL,
  target       TEXT,
  details      TEXT CHECK (details IS NULL OR json_valid(details))
) STRICT;

CREATE INDEX audit_log_at ON audit_log(at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'AUDIT_LOG_APPEND_ONLY');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'AUDIT_LOG_APPEND_ONLY');
END;

CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL CHECK (json_valid(value)),
  updated_at  TEXT NOT NULL
) STRICT;
