/**
 * Terminal enrolment and request authentication.
 *
 * Enrolment: the owner asks for a one-time code (stored as its SHA-256, expires); the till sends it
 * with its terminal code and receives a terminal id and a secret, once. The secret is an HMAC key,
 * so the cloud must be able to use it, not just compare it: it is sealed (AES-256-GCM) rather than
 * hashed. Re-enrolling a terminal code revokes its previous credential.
 *
 * Authentication of every terminal request (wire.ts): headers terminal/timestamp/nonce/signature;
 * the timestamp within SIGNATURE_WINDOW_MS of the cloud's clock; HMAC over method, path with query,
 * timestamp, nonce and the SHA-256 of the raw body bytes; the nonce recorded in PostgreSQL (unique
 * per terminal), so a replay inside the window is refused by any instance; a revoked terminal 403.
 */
import type { EnrolRequest, EnrolResponse } from '../electron/sync/wire';
import { SIGNATURE_HEADERS, SIGNATURE_WINDOW_MS, verifyRequestSignature } from '../electron/sync/wire';
import type { CloudDatabase, Queryable } from './db';
import { CloudHttpError } from './errors';
import { newEnrolmentCode, newId, newTerminalSecret, sha256Hex } from './ids';
import type { IngestTerminal } from './ingest';
import type { SecretBox } from './secrets';
import { storeByCode } from './stores';

export const ENROLMENT_CODE_TTL_MS = 24 * 60 * 60_000;

export async function createEnrolmentCode(db: Queryable, storeCode: string, nowMs: number, ttlMs = ENROLMENT_CODE_TTL_MS): Promise<{ code: string; expiresAt: string }> {
  const store = await storeByCode(db, storeCode);
  const code = newEnrolmentCode();
  const expiresAt = new Date(nowMs + ttlMs).toISOString();
  await db.query('INSERT INTO enrolment_codes (code_hash, store_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    sha256Hex(code),
    store.id,
    new Date(nowMs).toISOString(),
    expiresAt,
  ]);
  return { code, expiresAt };
}

export async function enrol(db: CloudDatabase, box: SecretBox, request: EnrolRequest, nowMs: number): Promise<EnrolResponse> {
  const now = new Date(nowMs).toISOString();
  return db.transaction(async (tx) => {
    const used = await tx.query<{ store_id: string; store_code: string }>(
      `UPDATE enrolment_codes c SET used_at = $2 FROM stores s
       WHERE c.code_hash = $1 AND c.used_at IS NULL AND c.expires_at > $2 AND s.id = c.store_id
       RETURNING c.store_id, s.code AS store_code`,
      [sha256Hex(request.code), now],
    );
    const store = used[0];
    if (!store) throw new CloudHttpError('ENROLMENT_CODE_INVALID');
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`enrol:${store.store_id}/${request.terminalCode}`]);
    await tx.query("UPDATE terminals SET revoked_at = $3, revoked_reason = 're-enrolled' WHERE store_id = $1 AND code = $2 AND revoked_at IS NULL", [
      store.store_id,
      request.terminalCode,
      now,
    ]);
    const terminalId = newId('trm');
    const secret = newTerminalSecret();
    await tx.query('INSERT INTO terminals (id, store_id, code, name, secret_sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      terminalId,
      store.store_id,
      request.terminalCode,
      request.name,
      box.seal(secret),
      now,
    ]);
    await tx.query('UPDATE enrolment_codes SET terminal_id = $2 WHERE code_hash = $1', [sha256Hex(request.code), terminalId]);
    return { terminalId, storeId: store.store_id, storeCode: store.store_code, terminalCode: request.terminalCode, secret };
  });
}

export async function revokeTerminal(db: Queryable, terminalId: string, nowMs: number): Promise<{ terminalId: string; revokedAt: string }> {
  const rows = await db.query<{ revoked_at: unknown }>(
    "UPDATE terminals SET revoked_at = coalesce(revoked_at, $2), revoked_reason = coalesce(revoked_reason, 'revoked by admin') WHERE id = $1 RETURNING revoked_at",
    [terminalId, new Date(nowMs).toISOString()],
  );
  if (!rows[0]) throw new CloudHttpError('TERMINAL_NOT_FOUND');
  return { terminalId, revokedAt: new Date(rows[0].revoked_at as string | Date).toISOString() };
}

export interface SignedRequestParts {
  method: string;
  /** The raw request target: path plus query exactly as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

function header(headers: SignedRequestParts['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? undefined : value;
}

export async function authenticateTerminal(db: Queryable, box: SecretBox, request: SignedRequestParts, nowMs: number): Promise<IngestTerminal> {
  const terminalId = header(request.headers, SIGNATURE_HEADERS.terminal);
  const timestamp = header(request.headers, SIGNATURE_HEADERS.timestamp);
  const nonce = header(request.headers, SIGNATURE_HEADERS.nonce);
  const signature = header(request.headers, SIGNATURE_HEADERS.signature);
  if (!terminalId || !timestamp || !nonce || !signature) throw new CloudHttpError('SIGNATURE_MISSING');
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(nowMs - Number(timestamp)) > SIGNATURE_WINDOW_MS) {
    throw new CloudHttpError('TIMESTAMP_OUT_OF_WINDOW', { zh: `云端时间 ${new Date(nowMs).toISOString()}`, en: `cloud time ${new Date(nowMs).toISOString()}` });
  }
  if (!NONCE.test(nonce) || terminalId.length > 64) throw new CloudHttpError('SIGNATURE_INVALID');
  const rows = await db.query<{ id: string; store_id: string; store_code: string; code: string; secret_sealed: string; revoked_at: unknown }>(
    'SELECT t.id, t.store_id, s.code AS store_code, t.code, t.secret_sealed, t.revoked_at FROM terminals t JOIN stores s ON s.id = t.store_id WHERE t.id = $1',
    [terminalId],
  );
  const terminal = rows[0];
  if (!terminal) throw new CloudHttpError('TERMINAL_UNKNOWN');
  const secret = box.open(terminal.secret_sealed);
  if (!verifyRequestSignature(secret, { method: request.method, path: request.url, timestamp, nonce, body: request.rawBody }, signature)) {
    throw new CloudHttpError('SIGNATURE_INVALID');
  }
  // Revocation is told only to a caller that proved it holds the secret.
  if (terminal.revoked_at !== null && terminal.revoked_at !== undefined) throw new CloudHttpError('TERMINAL_REVOKED');
  const fresh = await db.query(
    `WITH n AS (INSERT INTO terminal_nonces (terminal_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1)
     UPDATE terminals SET last_seen_at = $4 WHERE id = $1 AND EXISTS (SELECT 1 FROM n) RETURNING id`,
    [terminal.id, nonce, new Date(Number(timestamp) + SIGNATURE_WINDOW_MS + 1000).toISOString(), new Date(nowMs).toISOString()],
  );
  if (fresh.length === 0) throw new CloudHttpError('NONCE_REPLAYED');
  return { id: terminal.id, storeId: terminal.store_id, storeCode: terminal.store_code, code: terminal.code };
}

/** Nonces past their window can go (any instance may run this). */
export async function purgeExpiredNonces(db: Queryable, nowMs: number): Promise<void> {
  await db.query('DELETE FROM terminal_nonces WHERE expires_at < $1', [new Date(nowMs).toISOString()]);
}
