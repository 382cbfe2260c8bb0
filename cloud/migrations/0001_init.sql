-- Till cloud: stores, terminals, synced orders, gaps, provider events.
-- Money is bigint fen. Times are timestamptz (UTC on the wire). Business dates are `date`.

CREATE TABLE cloud_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE stores (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  timezone text NOT NULL,
  -- Non-secret provider settings (ids, public keys, certificates) as given by the owner.
  wechat_config jsonb,
  -- The WeChat Pay APIv3 key, sealed with the cloud's secret key (AES-256-GCM), never in clear.
  wechat_api_v3_key_sealed text,
  alipay_config jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE enrolment_codes (
  -- SHA-256 of the code: the code itself is shown once and never stored.
  code_hash text PRIMARY KEY,
  store_id text NOT NULL REFERENCES stores (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  terminal_id text
);

CREATE TABLE terminals (
  id text PRIMARY KEY,
  store_id text NOT NULL REFERENCES stores (id),
  code text NOT NULL,
  name text NOT NULL,
  -- The HMAC key must be usable to verify signatures, so it cannot be hashed: it is sealed.
  secret_sealed text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text,
  last_seen_at timestamptz,
  last_ingest_at timestamptz,
  backlog_pending integer,
  backlog_dead integer,
  backlog_oldest_at timestamptz,
  backlog_reported_at timestamptz,
  orders_stored bigint NOT NULL DEFAULT 0
);
-- One live credential per terminal code in a store; re-enrolling a code revokes the old one.
CREATE UNIQUE INDEX terminals_live_code ON terminals (store_id, code) WHERE revoked_at IS NULL;

CREATE TABLE terminal_nonces (
  terminal_id text NOT NULL,
  nonce text NOT NULL,
  -- After this the request's timestamp is outside the window anyway, so the nonce can go.
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (terminal_id, nonce)
);
CREATE INDEX terminal_nonces_expiry ON terminal_nonces (expires_at);

-- Orders belong to (store, terminal code): a re-enrolled till keeps its orders and numbering.
CREATE TABLE orders (
  id text PRIMARY KEY,
  store_id text NOT NULL REFERENCES stores (id),
  terminal_code text NOT NULL,
  -- The credential that wrote the stored version.
  terminal_id text NOT NULL,
  order_no text NOT NULL,
  business_date date NOT NULL,
  seq integer NOT NULL,
  cashier_id text NOT NULL,
  state text NOT NULL,
  version integer NOT NULL,
  subtotal_fen bigint NOT NULL,
  line_discount_fen bigint NOT NULL,
  order_discount_fen bigint NOT NULL,
  coupon_fen bigint NOT NULL,
  rounding_fen bigint NOT NULL,
  delivery_fee_fen bigint NOT NULL,
  total_fen bigint NOT NULL,
  tax_fen bigint NOT NULL,
  paid_fen bigint NOT NULL,
  change_fen bigint NOT NULL,
  refunded_fen bigint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  paid_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  first_received_at timestamptz NOT NULL,
  stored_at timestamptz NOT NULL
);
CREATE INDEX orders_terminal_day_seq ON orders (store_id, terminal_code, business_date, seq);
CREATE INDEX orders_day_store ON orders (business_date, store_id);

CREATE TABLE order_lines (
  order_id text NOT NULL REFERENCES orders (id),
  line_no integer NOT NULL,
  product_id bigint,
  sku text NOT NULL,
  barcode text,
  name text NOT NULL,
  unit text NOT NULL,
  sold_by text NOT NULL,
  quantity bigint NOT NULL,
  unit_price_fen bigint NOT NULL,
  price_overridden boolean NOT NULL,
  original_fen bigint NOT NULL,
  line_discount_fen bigint NOT NULL,
  order_discount_fen bigint NOT NULL,
  coupon_fen bigint NOT NULL,
  rounding_fen bigint NOT NULL,
  net_fen bigint NOT NULL,
  tax_rate_bp integer NOT NULL,
  tax_fen bigint NOT NULL,
  refunded_quantity bigint NOT NULL,
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_payments (
  order_id text NOT NULL REFERENCES orders (id),
  id text NOT NULL,
  tender text NOT NULL,
  method text NOT NULL,
  out_trade_no text,
  amount_fen bigint NOT NULL,
  tendered_fen bigint,
  change_fen bigint NOT NULL,
  state text NOT NULL,
  provider_trade_no text,
  created_at timestamptz NOT NULL,
  succeeded_at timestamptz,
  PRIMARY KEY (order_id, id)
);
CREATE INDEX order_payments_out_trade_no ON order_payments (out_trade_no) WHERE out_trade_no IS NOT NULL;

CREATE TABLE order_refunds (
  order_id text NOT NULL REFERENCES orders (id),
  id text NOT NULL,
  payment_id text NOT NULL,
  out_refund_no text NOT NULL,
  amount_fen bigint NOT NULL,
  reason text,
  state text NOT NULL,
  automatic boolean NOT NULL,
  provider_refund_id text,
  created_at timestamptz NOT NULL,
  succeeded_at timestamptz,
  PRIMARY KEY (order_id, id)
);
CREATE INDEX order_refunds_out_refund_no ON order_refunds (out_refund_no);

-- Missing order numbers per terminal and business day; filled_at is set when the order arrives.
CREATE TABLE sync_gaps (
  store_id text NOT NULL,
  terminal_code text NOT NULL,
  business_date date NOT NULL,
  seq integer NOT NULL,
  detected_at timestamptz NOT NULL,
  filled_at timestamptz,
  PRIMARY KEY (store_id, terminal_code, business_date, seq)
);
CREATE INDEX sync_gaps_open ON sync_gaps (store_id, terminal_code) WHERE filled_at IS NULL;

-- Verified provider notifications, stored once, relayed to the terminal that owns them.
CREATE TABLE provider_events (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  provider text NOT NULL,
  -- provider trade number (or out_trade_no) + refund number + state: one row per fact.
  dedupe_key text NOT NULL,
  provider_event_id text NOT NULL,
  store_id text NOT NULL REFERENCES stores (id),
  terminal_code text NOT NULL,
  terminal_id text NOT NULL,
  kind text NOT NULL,
  out_trade_no text NOT NULL,
  out_refund_no text,
  claimed_state text NOT NULL,
  amount_fen bigint,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  deliveries integer NOT NULL DEFAULT 1,
  last_delivery_at timestamptz NOT NULL,
  UNIQUE (provider, dedupe_key)
);
CREATE INDEX provider_events_feed ON provider_events (store_id, terminal_code, seq);
