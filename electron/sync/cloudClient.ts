import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { TillError } from '../api/errors';
import {
  cloudError,
  enrolResponse,
  eventsResponse,
  ingestResponse,
  SIGNATURE_HEADERS,
  signRequest,
  type BilingualReason,
  type EnrolRequest,
  type EnrolResponse,
  type EventsResponse,
  type IngestRequest,
  type IngestResponse,
} from './wire';

/**
 * The till's side of the cloud API: signed requests (wire.ts signRequest over method, path with
 * query, timestamp, a fresh nonce and the body's hash), a timeout on every call, answers validated
 * with the wire schemas, and every failure classified so the worker knows what to do with it:
 *
 *   network / timeout   the cloud was not heard: back off and retry (the request may have landed;
 *                       re-sending is safe, the cloud keeps the highest version)
 *   throttled           429 / 503: back off, never sooner than Retry-After
 *   auth                401 / 403: the credentials are refused (revoked, or the clock is off): stop
 *   server              other 5xx, or a 2xx that does not validate: transient, but a row that keeps
 *                       failing alone is poison
 *   permanent           other 4xx: this request will not succeed as it is
 *
 * The terminal secret is passed in per call and never logged or put in an error.
 */
export type CloudFailureKind = 'network' | 'timeout' | 'throttled' | 'auth' | 'server' | 'permanent';

export class CloudCallError extends Error {
  constructor(
    readonly kind: CloudFailureKind,
    /** The bilingual, typed description (what the status bar shows). */
    readonly till: TillError,
    readonly status: number | null = null,
    /** From Retry-After (429/503), in milliseconds. */
    readonly retryAfterMs: number | null = null,
    /** The cloud's own typed reason when it gave one. */
    readonly reason: BilingualReason | null = null,
  ) {
    super(till.message);
    this.name = 'CloudCallError';
  }
}

export interface CloudCredentials {
  terminalId: string;
  secret: string;
}

export interface CloudClientOptions {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Wall clock for the signature timestamp (the cloud checks it against its own). */
  clock?: () => number;
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export class CloudClient {
  private readonly fetchImpl: typeof fetch;
  private readonly clock: () => number;
  readonly baseUrl: string;

  constructor(private readonly options: CloudClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
    this.clock = options.clock ?? Date.now;
  }

  get host(): string {
    try {
      return new URL(this.baseUrl).host;
    } catch {
      return this.baseUrl;
    }
  }

  /** POST /v1/sync/orders: one batch; per-order results. */
  pushOrders(credentials: CloudCredentials, batch: IngestRequest, signal?: AbortSignal): Promise<IngestResponse> {
    return this.call('POST', '/v1/sync/orders', JSON.stringify(batch), ingestResponse, credentials, signal);
  }

  /** GET /v1/sync/events?after=: provider notifications the cloud verified and relays to this till. */
  events(credentials: CloudCredentials, after: string | null, signal?: AbortSignal): Promise<EventsResponse> {
    const query = after === null ? '' : `?after=${encodeURIComponent(after)}`;
    return this.call('GET', `/v1/sync/events${query}`, '', eventsResponse, credentials, signal);
  }

  /** POST /v1/enrol: unsigned, the one-time code is the credential. */
  enrol(request: EnrolRequest, signal?: AbortSignal): Promise<EnrolResponse> {
    return this.call('POST', '/v1/enrol', JSON.stringify(request), enrolResponse, null, signal);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: string,
    schema: z.ZodType<T>,
    credentials: CloudCredentials | null,
    outer?: AbortSignal,
  ): Promise<T> {
    const url = new URL(this.baseUrl + path);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method === 'POST') headers['content-type'] = 'application/json';
    if (credentials) {
      const timestamp = String(this.clock());
      const nonce = randomBytes(16).toString('hex');
      // The path as the server sees it: pathname plus query.
      const signedPath = url.pathname + url.search;
      headers[SIGNATURE_HEADERS.terminal] = credentials.terminalId;
      headers[SIGNATURE_HEADERS.timestamp] = timestamp;
      headers[SIGNATURE_HEADERS.nonce] = nonce;
      headers[SIGNATURE_HEADERS.signature] = signRequest(credentials.secret, { method, path: signedPath, timestamp, nonce, body });
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = outer ? AbortSignal.any([timeout, outer]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, { method, headers, ...(method === 'POST' ? { body } : {}), signal });
      text = await response.text();
    } catch (error) {
      if (timeout.aborted) throw new CloudCallError('timeout', new TillError('SYNC_TIMEOUT', { host: this.host, timeoutMs: this.options.timeoutMs }));
      const reason = outer?.aborted ? 'aborted (the till is closing)' : describeCause(error);
      throw new CloudCallError('network', new TillError('SYNC_UNREACHABLE', { host: this.host, reason }));
    }
    if (response.ok) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new CloudCallError('server', new TillError('SYNC_BAD_RESPONSE', { reason: `HTTP ${response.status}, not JSON` }), response.status);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const reason = first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'invalid';
        throw new CloudCallError('server', new TillError('SYNC_BAD_RESPONSE', { reason }), response.status);
      }
      return parsed.data;
    }
    throw this.classify(response, text);
  }

  private classify(response: Response, text: string): CloudCallError {
    const status = response.status;
    let reason: BilingualReason | null = null;
    try {
      const parsed = cloudError.safeParse(JSON.parse(text));
      if (parsed.success) reason = parsed.data.error;
    } catch {
      /* not JSON: described by the status alone */
    }
    const code = reason?.code ?? `HTTP_${status}`;
    const details = { status, code, reason: reason?.en ?? response.statusText ?? '', reasonZh: reason?.zh ?? response.statusText ?? '' };
    if (status === 401 || status === 403) return new CloudCallError('auth', new TillError('SYNC_AUTH_REFUSED', details), status, null, reason);
    if (status === 429 || status === 503) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.clock());
      const till = new TillError('SYNC_THROTTLED', { status, retryAfterS: retryAfterMs === null ? '?' : Math.ceil(retryAfterMs / 1000) });
      return new CloudCallError('throttled', till, status, retryAfterMs, reason);
    }
    // 408 Request Timeout is the server giving up on a slow request: transport, not content.
    if (status === 408) return new CloudCallError('timeout', new TillError('SYNC_TIMEOUT', { host: this.host, timeoutMs: this.options.timeoutMs }), status);
    if (status >= 500) return new CloudCallError('server', new TillError('SYNC_CLOUD_ERROR', details), status, null, reason);
    return new CloudCallError('permanent', new TillError('SYNC_CLOUD_REFUSED', details), status, null, reason);
  }
}
