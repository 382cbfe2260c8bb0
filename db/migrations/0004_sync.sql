-- Background sync (electron/sync/): the worker's own state, so a restart (or days offline) resumes
-- exactly where it stopped. The terminal secret the cloud issued lives in the encrypted vault
-- (secrets: 'sync.terminalSecret'), never here.

-- One row: enrolment, the backoff schedule, the relayed-events cursor and the last outcomes.
CREATE TABLE sync_state (
  id                    INTEGER PRIMARY KEY CHECK (id = 1),
  cloud_url             TEXT,                -- the cloud this till was enrolled with
  cloud_terminal_id     TEXT,                -- the cloud's id for this till (x-till-terminal)
  cloud_store_code      TEXT,
  enrolled_at           TEXT,
  events_cursor         TEXT,                -- GET /v1/sync/events?after=<cursor>
  consecutive_failures  INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  next_attempt_at       TEXT,                -- no batch leaves before this (backoff / Retry-After)
  last_attempt_at       TEXT,
  last_success_at       TEXT,                -- the cloud last acknowledged a batch
  last_error            TEXT CHECK (last_error IS NULL OR json_valid(last_error)),  -- {code, message: {zh, en}, at}
  paused                TEXT CHECK (paused IS NULL OR paused IN ('auth'))          -- the cloud refused our credentials
) STRICT;

-- A row that failed alone (a batch of one) with an answer from the cloud that was not a transport
-- problem: after a few strikes, and once the cloud has taken other orders meanwhile, it is poison
-- and goes to the dead letters (dead_at + last_error) without stopping the rest.
ALTER TABLE outbox ADD COLUMN strikes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN first_strike_at TEXT;

-- Acknowledgements mark every pending row of an order up to the version sent.
CREATE INDEX outbox_pending_aggregate ON outbox(aggregate_id, aggregate_version) WHERE sent_at IS NULL AND dead_at IS NULL;
-- The manager's dead-letter list.
CREATE INDEX outbox_dead ON outbox(aggregate_id) WHERE dead_at IS NOT NULL AND sent_at IS NULL;
