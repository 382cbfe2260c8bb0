-- Merchant credentials (private keys, APIv3 key) encrypted at rest. The ciphertext is produced by
-- the platform's keeper (Electron safeStorage, or a 0600 key file in the browser host); the key
-- never lives in this database.
CREATE TABLE secrets (
  name        TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  ciphertext  BLOB NOT NULL,
  keeper      TEXT NOT NULL,      -- which keeper sealed it: 'safe-storage' | 'key-file'
  updated_at  TEXT NOT NULL
) STRICT;
