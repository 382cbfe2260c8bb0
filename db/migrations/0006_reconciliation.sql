-- Reconciliation (对账) of a store's business day against the providers' trade bills
-- (electron/reports/reconcile.ts). Every run is kept: a run is what the manager saw at that moment;
-- the day report shows the latest. Amounts are integer fen, as everywhere.

CREATE TABLE reconciliation_runs (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id       TEXT NOT NULL REFERENCES stores(id),
  business_date  TEXT NOT NULL,                              -- YYYY-MM-DD, the bill day
  ran_at         TEXT NOT NULL,
  ran_by         TEXT NOT NULL REFERENCES users(id),
  -- One ProviderReconciliation per provider (status, bill rows, matched rows, bill sums, error).
  providers      TEXT NOT NULL CHECK (json_valid(providers) AND json_type(providers) = 'array')
) STRICT;

CREATE INDEX reconciliation_runs_day ON reconciliation_runs(store_id, business_date, id);

CREATE TABLE reconciliation_issues (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id             INTEGER NOT NULL REFERENCES reconciliation_runs(id),
  provider           TEXT NOT NULL CHECK (provider IN ('wechat', 'alipay')),
  kind               TEXT NOT NULL CHECK (kind IN ('missing_locally', 'not_paid_locally', 'missing_at_provider',
                                                   'amount_mismatch', 'refund_missing_locally',
                                                   'refund_missing_at_provider', 'refund_amount_mismatch')),
  out_trade_no       TEXT,
  provider_trade_no  TEXT,
  out_refund_no      TEXT,
  order_id           TEXT REFERENCES orders(id),
  order_no           TEXT,
  payment_id         TEXT REFERENCES payments(id),
  refund_id          TEXT REFERENCES refunds(id),
  local_fen          INTEGER,
  provider_fen       INTEGER,
  suggested_action   TEXT NOT NULL,
  repairable         INTEGER NOT NULL CHECK (repairable IN (0, 1)),
  repaired_at        TEXT,
  repaired_by        TEXT REFERENCES users(id),
  -- Only a repairable issue is ever repaired, and a repair names who did it.
  CHECK (repaired_at IS NULL OR (repairable = 1 AND repaired_by IS NOT NULL))
) STRICT;

CREATE INDEX reconciliation_issues_run ON reconciliation_issues(run_id);
CREATE INDEX reconciliation_issues_payment ON reconciliation_issues(payment_id) WHERE payment_id IS NOT NULL;

-- Bill refund rows are matched by the provider's refund id first.
CREATE INDEX refunds_provider_refund ON refunds(provider_refund_id) WHERE provider_refund_id IS NOT NULL;
