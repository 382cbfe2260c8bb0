import type { Database } from 'better-sqlite3';
import {
  deadLetterOrder,
  listDeadLetters,
  markOrderSent,
  nextOrderDueAt,
  nextPendingOrders,
  nextSuspectOrder,
  outboxCounts,
  readSyncState,
  recordOrdersFailure,
  requeueDeadLetters,
  strikeOrder,
  writeSyncState,
  type PendingOrder,
  type SyncStateRow,
} from '../../db/stores/outbox';
import { getTerminal } from '../../db/stores/storesAndTerminals';
import { TillError } from '../api/errors';
import type { DeadLetterDto, SyncEnrolmentDto, SyncErrorDto, SyncStatusDto } from '../api/dto';
import type { TillIdentity } from '../checkout/orders';
import type { Settings } from '../core/settings';
import type { SecretVault } from '../payments/secrets';
import { retryDelay, type BackoffPolicy } from './backoff';
import { CloudCallError, CloudClient, type CloudCredentials } from './cloudClient';
import { SnapshotReader } from './snapshot';
import { MAX_ORDERS_PER_BATCH, WIRE_VERSION, type IngestResponse, type OrderWire, type RelayedEvent } from './wire';

/**
 * Background sync (architecture.md §6): pushes the outbox to the cloud in batches and relays the
 * provider notifications the cloud verified back to the payment engines.
 *
 * - Runs in the core's process on timers; a sale never waits for it. The sale's transaction writes
 *   the outbox row; the worker only reads committed rows and writes its own bookkeeping, in short
 *   synchronous transactions of its own.
 * - One batch in flight. A batch is up to `sync.maxBatchOrders` distinct orders, oldest first, each
 *   sent at its CURRENT version. On accepted/duplicate/stale every pending row of that order up to
 *   the version sent is marked sent (a newer row written meanwhile stays pending); on rejected the
 *   order's rows go to the dead letters with the cloud's reason. Nothing is marked without an
 *   acknowledgement that names the order: an answer lost on the way back means a re-send, which
 *   the cloud answers `duplicate`.
 * - Failures back off exponentially with full jitter (never sooner than Retry-After); the schedule,
 *   the attempts and the last error are stored, so a restart resumes it and days offline are just a
 *   long backlog drained oldest first.
 * - Poison: a snapshot that cannot be built or validated here is dead-lettered at once. A batch the
 *   cloud refuses or fails on (not a transport problem) is halved until the culprit is alone; an
 *   order that then keeps failing alone, while other orders go through, is dead-lettered.
 * - 401/403: the credentials are refused (revoked terminal, or a clock far off): the worker stops
 *   sending and says so until the till is enrolled again (or restarted).
 */

export interface SyncWake {
  /** A relayed payment notification: query the attempt now (the claim is only a hint). */
  payment(outTradeNo: string, claimedPaid: boolean): void;
  /** A relayed refund notification: query the refund now. */
  refund(outRefundNo: string): void;
}

export interface SyncWorkerOptions {
  db: Database;
  settings: Settings;
  vault: SecretVault | undefined;
  identity: () => TillIdentity;
  clock: () => number;
  /** [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
  fetch?: typeof fetch;
  /** Where relayed notifications go (the payment and refund engines). */
  wake?: SyncWake;
  onStatus?: (status: SyncStatusDto) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** How long close() lets an in-flight batch finish before abandoning it (ms). */
  closeGraceMs?: number;
}

/** What one push cycle did. */
export type CycleOutcome =
  | { kind: 'off' | 'not_enrolled' | 'paused' | 'idle' | 'stopped' }
  | { kind: 'waiting'; untilMs: number }
  | { kind: 'sent'; acknowledged: number; rejected: number; unacknowledged: number; deadLocal: number }
  | { kind: 'failed'; error: CloudCallError; retryAtMs: number | null };

const POISON_STRIKES = { permanent: 2, server: 3 } as const;
const CLAIMED_PAID = /SUCCESS|FINISHED|PAID/i;

function errorJson(error: TillError, at: string): string {
  const dto: SyncErrorDto = { code: error.code, message: { zh: error.messages.zh, en: error.messages.en }, at };
  return JSON.stringify(dto);
}

function parseError(json: string | null): SyncErrorDto | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as Partial<SyncErrorDto>;
    if (typeof value.code === 'string' && value.message && typeof value.at === 'string') return value as SyncErrorDto;
    return null;
  } catch {
    return null;
  }
}

export function normaliseCloudUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

const yieldToSales = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SyncWorker {
  private readonly db: Database;
  private readonly random: () => number;
  private readonly snapshots: SnapshotReader;
  private batchLimit: number | null = null;
  private started = false;
  private stopped = false;
  private pushTimer: NodeJS.Timeout | undefined;
  /** When the push timer fires (monotonic enough for a debounce: Date.now). */
  private pushDueAt: number | undefined;
  private eventsTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<CycleOutcome> | undefined;
  private eventsInFlight: Promise<number> | undefined;
  private eventsFailures = 0;
  private readonly abort = new AbortController();
  private credentialsCache: { terminalId: string; secret: string } | undefined;
  private sending = false;

  constructor(private readonly options: SyncWorkerOptions) {
    this.db = options.db;
    this.random = options.random ?? Math.random;
    this.snapshots = new SnapshotReader(options.db, () => {
      const identity = options.identity();
      return { storeCode: identity.storeCode, terminalCode: identity.terminalCode };
    });
  }

  // ── life cycle ─────────────────────────────────────────────────────────────────────────

  /** Starts the timers (the core does this; tests may drive runOnce/pollEventsOnce by hand instead). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    // A refusal of our credentials is re-checked once per start: the cloud may have been fixed.
    const state = readSyncState(this.db);
    if (state.paused) writeSyncState(this.db, { paused: null });
    this.schedulePush(0);
    this.scheduleEvents(0);
  }

  /** A sale (or a manager) says there is something new: look soon, still honouring any backoff. */
  kick(): void {
    if (!this.started || this.stopped || this.inFlight) return;
    // Never push a sooner look further away: a busy till's sales must not starve the worker.
    if (this.pushDueAt !== undefined && this.pushDueAt <= Date.now() + 50) return;
    this.schedulePush(50);
  }

  /**
   * Stops the timers. An in-flight batch gets `closeGraceMs` to finish (its acknowledgement is
   * recorded); after that it is abandoned: the request is aborted and nothing is marked sent, so
   * the next start re-sends it and the cloud answers `duplicate` if it had landed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pushTimer);
    clearTimeout(this.eventsTimer);
    const pending = [this.inFlight, this.eventsInFlight].filter((p): p is Promise<never> => p !== undefined);
    if (pending.length === 0) return;
    const grace = new Promise<'grace'>((resolve) => {
      const timer = setTimeout(() => resolve('grace'), this.options.closeGraceMs ?? 3_000);
      timer.unref?.();
    });
    const done = Promise.allSettled(pending);
    if ((await Promise.race([done, grace])) === 'grace') this.abort.abort();
    await done;
  }

  private schedulePush(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.pushTimer);
    this.pushDueAt = Date.now() + Math.max(0, ms);
    this.pushTimer = setTimeout(() => void this.pushTick(), Math.max(0, ms));
    this.pushTimer.unref?.();
  }

  private scheduleEvents(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.eventsTimer);
    this.eventsTimer = setTimeout(() => void this.eventsTick(), Math.max(0, ms));
    this.eventsTimer.unref?.();
  }

  private async pushTick(): Promise<void> {
    this.pushDueAt = undefined;
    if (this.stopped || this.inFlight) return;
    const idle = this.options.settings.get('sync.intervalMs');
    let next = idle;
    try {
      const outcome = await this.runOnce();
      if (outcome.kind === 'sent') next = 0;
      else if (outcome.kind === 'waiting') next = Math.min(idle, outcome.untilMs - this.options.clock());
      else if (outcome.kind === 'failed' && outcome.retryAtMs !== null) next = Math.min(idle, outcome.retryAtMs - this.options.clock());
    } catch (error) {
      this.log('error', `sync cycle failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.schedulePush(next);
  }

  private async eventsTick(): Promise<void> {
    if (this.stopped || this.eventsInFlight) return;
    const interval = this.options.settings.get('sync.eventsIntervalMs');
    let next = interval;
    try {
      const got = await this.pollEventsOnce();
      this.eventsFailures = 0;
      if (got > 0) next = 0;
    } catch (error) {
      this.eventsFailures += 1;
      next = Math.max(interval, retryDelay(this.eventsFailures, this.policy(), this.random, error instanceof CloudCallError ? error.retryAfterMs : null));
      if (!(error instanceof CloudCallError)) this.log('error', `relayed events failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.scheduleEvents(next);
  }

  // ── enrolment and credentials ──────────────────────────────────────────────────────────

  private policy(): BackoffPolicy {
    return { baseMs: this.options.settings.get('sync.backoffBaseMs'), capMs: this.options.settings.get('sync.backoffCapMs') };
  }

  private client(baseUrl: string): CloudClient {
    return new CloudClient({
      baseUrl,
      timeoutMs: this.options.settings.get('sync.requestTimeoutMs'),
      clock: this.options.clock,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
  }

  /** The cloud URL in settings, and the credentials issued by that cloud (undefined when not enrolled there). */
  private target(state: SyncStateRow = readSyncState(this.db)): { url: string; credentials: CloudCredentials | undefined } | undefined {
    const configured = this.options.settings.get('sync.cloudUrl');
    if (!configured) return undefined;
    const url = normaliseCloudUrl(configured);
    if (!state.cloud_terminal_id || !state.cloud_url || normaliseCloudUrl(state.cloud_url) !== url || !this.options.vault) return { url, credentials: undefined };
    if (this.credentialsCache?.terminalId !== state.cloud_terminal_id) {
      const secret = this.options.vault.reveal('sync.terminalSecret');
      this.credentialsCache = secret ? { terminalId: state.cloud_terminal_id, secret } : undefined;
    }
    return { url, credentials: this.credentialsCache };
  }

  /**
   * Enrols this till with a one-time code (POST /v1/enrol): the cloud's terminal id is kept in
   * sync_state, the secret sealed in the vault, the URL in settings. The caller audits.
   */
  async enrol(cloudUrl: string, code: string): Promise<SyncEnrolmentDto> {
    const vault = this.options.vault;
    if (!vault) throw new TillError('SYNC_NO_VAULT');
    const url = normaliseCloudUrl(cloudUrl);
    const identity = this.options.identity();
    const terminal = getTerminal(this.db, identity.terminalId);
    let answer;
    try {
      answer = await this.client(url).enrol({ code, terminalCode: identity.terminalCode, name: (terminal?.name ?? identity.terminalCode).slice(0, 64) });
    } catch (error) {
      if (!(error instanceof CloudCallError)) throw error;
      if (error.kind === 'network' || error.kind === 'timeout') throw error.till;
      throw new TillError('SYNC_ENROL_REFUSED', {
        status: error.status ?? '-',
        code: error.reason?.code ?? error.till.code,
        reason: error.reason?.en ?? error.till.messages.en,
        reasonZh: error.reason?.zh ?? error.till.messages.zh,
      });
    }
    if (answer.storeCode !== identity.storeCode || answer.terminalCode !== identity.terminalCode) {
      throw new TillError('SYNC_ENROL_STORE_MISMATCH', {
        cloudStore: `${answer.storeCode}/${answer.terminalCode}`,
        localStore: `${identity.storeCode}/${identity.terminalCode}`,
      });
    }
    const now = new Date(this.options.clock()).toISOString();
    this.db.transaction(() => {
      vault.store('sync.terminalSecret', answer.secret);
      writeSyncState(this.db, {
        cloud_url: url,
        cloud_terminal_id: answer.terminalId,
        cloud_store_code: answer.storeCode,
        enrolled_at: now,
        events_cursor: null,
        consecutive_failures: 0,
        next_attempt_at: null,
        last_error: null,
        paused: null,
      });
      this.options.settings.set('sync.cloudUrl', url, now);
    })();
    this.credentialsCache = undefined;
    this.log('info', `enrolled with ${url} as terminal ${answer.terminalId}`);
    this.announce();
    this.kick();
    if (this.started) this.scheduleEvents(0);
    return { cloudUrl: url, terminalId: answer.terminalId, storeCode: answer.storeCode, terminalCode: answer.terminalCode };
  }

  /** Where providers should send notifications for this till: the cloud relays them (when enrolled). */
  notifyUrl(provider: 'wechat' | 'alipay'): string | undefined {
    const state = readSyncState(this.db);
    const target = this.target(state);
    if (!target?.credentials) return undefined;
    return `${target.url}/v1/notify/${provider}/${encodeURIComponent(target.credentials.terminalId)}`;
  }

  // ── one push cycle ─────────────────────────────────────────────────────────────────────

  /** One batch (or nothing), serialised with the timer loop: at most one batch is ever in flight. */
  runOnce(): Promise<CycleOutcome> {
    if (this.inFlight) return this.inFlight;
    const run = this.cycle().finally(() => {
      this.inFlight = undefined;
      this.sending = false;
      if (!this.stopped) this.announce();
    });
    this.inFlight = run;
    return run;
  }

  private nowIso(ms = this.options.clock()): string {
    return new Date(ms).toISOString();
  }

  private async cycle(): Promise<CycleOutcome> {
    if (this.stopped) return { kind: 'stopped' };
    const state = readSyncState(this.db);
    const target = this.target(state);
    if (!target) return { kind: 'off' };
    if (!target.credentials) return { kind: 'not_enrolled' };
    if (state.paused) return { kind: 'paused' };
    const now = this.options.clock();
    if (state.next_attempt_at && Date.parse(state.next_attempt_at) > now) return { kind: 'waiting', untilMs: Date.parse(state.next_attempt_at) };

    const maxBatch = Math.min(this.options.settings.get('sync.maxBatchOrders'), MAX_ORDERS_PER_BATCH);
    const limit = Math.min(this.batchLimit ?? maxBatch, maxBatch);
    const nowIso = this.nowIso(now);
    const suspect = nextSuspectOrder(this.db, nowIso);
    const picked: PendingOrder[] = suspect ? [suspect] : nextPendingOrders(this.db, limit, nowIso);
    if (picked.length === 0) {
      // Only orders waiting for their own turn (after failing alone): come back then.
      const due = nextOrderDueAt(this.db);
      return due === null ? { kind: 'idle' } : { kind: 'waiting', untilMs: Math.max(Date.parse(due), now + 1) };
    }

    // Build the snapshots, letting a sale in between every few orders.
    const orders: OrderWire[] = [];
    let deadLocal = 0;
    for (let i = 0; i < picked.length; i++) {
      if (i > 0 && i % 25 === 0) await yieldToSales();
      if (this.stopped) return { kind: 'stopped' };
      const entry = picked[i]!;
      const built = this.snapshots.read(entry.aggregateId);
      if (built.ok) {
        orders.push(built.order);
        continue;
      }
      const orderNo = (this.db.prepare('SELECT order_no FROM orders WHERE id = ?').get(entry.aggregateId) as { order_no: string } | undefined)?.order_no ?? entry.aggregateId;
      const error = new TillError('SYNC_SNAPSHOT_INVALID', { orderNo, reason: built.reason });
      deadLetterOrder(this.db, entry.aggregateId, null, errorJson(error, nowIso), nowIso);
      this.log('warn', `order ${orderNo} dead-lettered: ${built.reason}`);
      deadLocal += 1;
    }
    if (orders.length === 0) return { kind: 'sent', acknowledged: 0, rejected: 0, unacknowledged: 0, deadLocal };

    const counts = outboxCounts(this.db);
    writeSyncState(this.db, { last_attempt_at: nowIso });
    this.sending = true;
    this.announce();
    let response: IngestResponse;
    try {
      response = await this.client(target.url).pushOrders(
        target.credentials,
        { wireVersion: WIRE_VERSION, backlog: { pending: counts.pending, dead: counts.dead, oldestPendingAt: counts.oldestPendingAt }, orders },
        this.abort.signal,
      );
    } catch (error) {
      if (!(error instanceof CloudCallError)) throw error;
      return this.failed(error, orders, picked.length === 1 ? picked[0] : undefined);
    }
    return { ...this.acknowledge(orders, response), deadLocal };
  }

  /** Applies the cloud's per-order answers in one transaction; only what it names is marked. */
  private acknowledge(orders: OrderWire[], response: IngestResponse): Omit<Extract<CycleOutcome, { kind: 'sent' }>, 'deadLocal'> {
    const now = this.options.clock();
    const nowIso = this.nowIso(now);
    const byIndex = new Map(response.results.map((result) => [result.index, result]));
    let acknowledged = 0;
    let rejected = 0;
    const missing: OrderWire[] = [];
    this.db.transaction(() => {
      orders.forEach((order, index) => {
        const result = byIndex.get(index);
        if (!result || result.orderId !== order.id) {
          missing.push(order);
          return;
        }
        if (result.status === 'rejected') {
          const reason = result.reason ?? { code: 'REJECTED', zh: '未说明原因', en: 'no reason given' };
          const error = new TillError('SYNC_ORDER_REJECTED', { orderNo: order.orderNo, code: reason.code, reason: reason.en, reasonZh: reason.zh });
          deadLetterOrder(this.db, order.id, order.version, errorJson(error, nowIso), nowIso);
          this.log('warn', `order ${order.orderNo} v${order.version} rejected by the cloud (${reason.code}): ${reason.en}`);
          rejected += 1;
          return;
        }
        // accepted / duplicate / stale: the cloud holds this version or a newer one.
        markOrderSent(this.db, order.id, order.version, nowIso);
        acknowledged += 1;
      });
      writeSyncState(this.db, { consecutive_failures: 0, next_attempt_at: null, last_success_at: nowIso, last_error: null, paused: null });
    })();
    // An order the answer did not name was not acknowledged: it stays pending; one that keeps
    // being left out is handled like any order that keeps failing on its own.
    for (const order of missing) {
      const error = new TillError('SYNC_BAD_RESPONSE', { reason: `no result for order ${order.orderNo}` });
      this.strike(order.id, order.orderNo, error, 'server', now);
    }
    const maxBatch = Math.min(this.options.settings.get('sync.maxBatchOrders'), MAX_ORDERS_PER_BATCH);
    this.batchLimit = Math.min(maxBatch, (this.batchLimit ?? maxBatch) * 2);
    return { kind: 'sent', acknowledged, rejected, unacknowledged: missing.length };
  }

  private failed(error: CloudCallError, orders: OrderWire[], alone: PendingOrder | undefined): CycleOutcome {
    const now = this.options.clock();
    const nowIso = this.nowIso(now);
    const state = readSyncState(this.db);
    const json = errorJson(error.till, nowIso);
    if (error.kind === 'auth') {
      // Revoked (or the clock is far off): stop and say so; nothing is retried until re-enrolment or a restart.
      writeSyncState(this.db, { paused: 'auth', last_error: json });
      this.log('error', `cloud refused our credentials: ${error.till.messages.en}`);
      return { kind: 'failed', error, retryAtMs: null };
    }
    const failures = state.consecutive_failures + 1;
    const delay = retryDelay(failures, this.policy(), this.random, error.retryAfterMs);
    const retryAtMs = now + delay;
    const retryAt = this.nowIso(retryAtMs);
    this.db.transaction(() => {
      recordOrdersFailure(
        this.db,
        orders.map((order) => order.id),
        json,
        retryAt,
      );
      writeSyncState(this.db, { consecutive_failures: failures, next_attempt_at: retryAt, last_error: json });
    })();
    if (error.kind === 'server' || error.kind === 'permanent') {
      // The cloud answered, and not with a transport problem: maybe one order is to blame.
      if (orders.length > 1) this.batchLimit = Math.max(1, Math.floor(orders.length / 2));
      else if (orders.length === 1 && alone) this.strike(orders[0]!.id, orders[0]!.orderNo, error.till, error.kind, now, state.last_success_at);
    }
    this.log('warn', `sync batch of ${orders.length} failed (${error.kind}${error.status ? ` ${error.status}` : ''}); retry in ${delay} ms: ${error.till.messages.en}`);
    return { kind: 'failed', error, retryAtMs };
  }

  /**
   * The order failed on its own. After a few strikes — and only if the cloud has acknowledged
   * other batches since the first one, so a cloud that fails everything never empties the queue
   * into the dead letters — it is poison.
   */
  private strike(orderId: string, orderNo: string, cause: TillError, kind: 'server' | 'permanent', now: number, lastSuccessBefore?: string | null): void {
    const nowIso = this.nowIso(now);
    const existing = this.db.prepare("SELECT max(strikes) AS strikes FROM outbox WHERE aggregate_id = ? AND sent_at IS NULL AND dead_at IS NULL").get(orderId) as { strikes: number | null };
    const own = retryDelay((existing.strikes ?? 0) + 1, this.policy(), this.random);
    const { strikes, firstStrikeAt } = strikeOrder(this.db, orderId, nowIso, this.nowIso(now + own));
    const lastSuccess = lastSuccessBefore === undefined ? readSyncState(this.db).last_success_at : lastSuccessBefore;
    const othersWentThrough = lastSuccess !== null && Date.parse(lastSuccess) > Date.parse(firstStrikeAt);
    if (strikes >= POISON_STRIKES[kind] && othersWentThrough) {
      const error = new TillError('SYNC_POISON', { orderNo, strikes, reason: cause.messages.en, reasonZh: cause.messages.zh });
      deadLetterOrder(this.db, orderId, null, errorJson(error, nowIso), nowIso);
      this.log('warn', `order ${orderNo} dead-lettered after ${strikes} failures on its own: ${cause.messages.en}`);
    }
  }

  // ── relayed provider notifications ─────────────────────────────────────────────────────

  /** One GET /v1/sync/events: each relayed event wakes its attempt or refund; returns how many came. */
  pollEventsOnce(): Promise<number> {
    if (this.eventsInFlight) return this.eventsInFlight;
    const run = this.pollEvents().finally(() => (this.eventsInFlight = undefined));
    this.eventsInFlight = run;
    return run;
  }

  private async pollEvents(): Promise<number> {
    if (this.stopped) return 0;
    const state = readSyncState(this.db);
    const target = this.target(state);
    if (!target?.credentials || state.paused) return 0;
    const answer = await this.client(target.url).events(target.credentials, state.events_cursor, this.abort.signal);
    if (this.stopped) return 0;
    for (const event of answer.events) this.relay(event);
    if (answer.cursor !== state.events_cursor) writeSyncState(this.db, { events_cursor: answer.cursor });
    return answer.events.length;
  }

  private relay(event: RelayedEvent): void {
    // Never believed: the engines query the provider, and only the query's answer counts.
    try {
      if (event.kind === 'refund' && event.outRefundNo) this.options.wake?.refund(event.outRefundNo);
      else if (event.kind === 'payment') this.options.wake?.payment(event.outTradeNo, CLAIMED_PAID.test(event.claimedState));
    } catch (error) {
      this.log('warn', `relayed ${event.provider} ${event.kind} ${event.outTradeNo}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  // ── what the screens see ───────────────────────────────────────────────────────────────

  status(): SyncStatusDto {
    const state = readSyncState(this.db);
    const counts = outboxCounts(this.db);
    const target = this.target(state);
    const now = this.options.clock();
    const lastError = parseError(state.last_error);
    const backingOff = state.next_attempt_at !== null && Date.parse(state.next_attempt_at) > now;
    const syncState: SyncStatusDto['state'] = !target
      ? 'off'
      : !target.credentials
        ? 'not_enrolled'
        : state.paused
          ? 'paused'
          : this.sending
            ? 'sending'
            : backingOff
              ? 'backing_off'
              : counts.pending > 0
                ? 'pending'
                : 'idle';
    const notEnrolled = syncState === 'not_enrolled' ? new TillError('SYNC_NOT_ENROLLED') : undefined;
    return {
      state: syncState,
      cloudUrl: target?.url ?? null,
      terminalId: target?.credentials?.terminalId ?? null,
      pending: counts.pending,
      dead: counts.dead,
      oldestPendingAt: counts.oldestPendingAt,
      lastSuccessAt: state.last_success_at,
      lastAttemptAt: state.last_attempt_at,
      nextAttemptAt: backingOff ? state.next_attempt_at : null,
      consecutiveFailures: state.consecutive_failures,
      lastError: notEnrolled ? { code: notEnrolled.code, message: notEnrolled.messages, at: this.nowIso(now) } : lastError,
    };
  }

  deadLetters(limit = 200): DeadLetterDto[] {
    return listDeadLetters(this.db, limit).map((row) => ({
      orderId: row.aggregate_id,
      orderNo: row.order_no,
      version: row.version,
      rows: row.rows,
      attempts: row.attempts,
      deadAt: row.dead_at,
      error: parseError(row.last_error),
    }));
  }

  /** Requeues an order's dead rows (the caller audits); it goes out with the next batch at its current version. */
  retryDeadLetter(orderId: string): number {
    const rows = requeueDeadLetters(this.db, orderId);
    if (rows === 0) throw new TillError('SYNC_DEAD_LETTER_NOT_FOUND', { orderId });
    this.announce();
    this.kick();
    return rows;
  }

  private announce(): void {
    try {
      this.options.onStatus?.(this.status());
    } catch (error) {
      this.log('warn', `sync status listener: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
