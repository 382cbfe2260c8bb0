/**
 * Seeded fault simulator for payments (architecture.md §5, payment-protocols.md §0/§8).
 *
 * Drives the REAL attempt and refund engines — a real core on a temp SQLite file, the real WeChat Pay
 * and Alipay clients, both protocol sandboxes on loopback (in a child process, so their half of every
 * signed exchange runs on the other CPU core) — through many random schedules generated from one
 * seed, all at once on one core, each on its own order:
 *
 *   - provider (WeChat / Alipay) and method (merchant QR, or customer code with a scripted outcome);
 *   - faults injected into the sandboxes on create/pay, query, close, reverse/cancel, refund and
 *     refund query, of every kind the sandbox knows, applied or not;
 *   - a customer who pays promptly, pays late, pays while the cashier gives up (paid-after-close
 *     race) or never pays; a cashier who cancels at a random moment and then takes cash, tries again,
 *     abandons the sale or does nothing; manager refunds of paid orders;
 *   - notifications (genuine, duplicated, the sandboxes' tampered copies and our own forgeries) through
 *     the clients' verifyNotification into handleNotification;
 *   - restarts of the core at random moments, graceful (close) or abrupt (stop without waiting, store
 *     closed under the in-flight calls), reopening the same file and registering the clients again.
 *
 * When every schedule is done and the sandboxes and engines have gone quiet (every attempt and refund
 * final, no transition scheduled at a sandbox, every notification accepted once), the invariants of
 * invariants.ts are checked between the store and the sandboxes' books. Each schedule is a pure
 * function of (seed, index): the plans of the schedules involved in a violation are reported, with
 * what happened to them, so they can be replayed (`only`). The interleaving between schedules, the
 * faults they catch from each other and the moments of the restarts are real time and not replayable.
 *
 * Deliberate departures from production, all for throughput: the sandboxes sign with RSA-1024 keys
 * (same code paths; `keyBits: 2048` to change), the store is on /dev/shm, time runs 200× (with the
 * till's own poll intervals stretched, see simulationTiming), and the simulated customer never scans
 * a QR after our compressed expiry (the Alipay sandbox's QR lives ≥ 1 minute: timeout_express is in
 * whole minutes, which the compression cannot shrink).
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { createCore, type Core } from '../../../electron/core/createCore';
import { TillError } from '../../../electron/api/errors';
import { compressedTiming, type PaymentTiming } from '../../../electron/payments/attempts/timing';
import type { PaymentProvider, ProviderName } from '../../../electron/payments/provider';
import type { PaymentRow } from '../../../db/stores/orders';
import type { CartData, CartLine } from '../../../electron/checkout/cart';
import { authCodeWithSuffix as wechatCode, RETRY_SCHEDULE_SECONDS as WECHAT_RETRY_SCHEDULE_SECONDS } from '../../../electron/sandbox/wechatpay';
import { authCodeWithSuffix as alipayCode, RETRY_SCHEDULE_SECONDS as ALIPAY_RETRY_SCHEDULE_SECONDS } from '../../../electron/sandbox/alipay';
import { ProviderRegistry } from '../../../electron/payments/registry';
import { Prng, scheduleSeed } from './prng';
import { openDemoShift } from '../core';
import { NotificationRelay, REJECTED_STATUS, type RelayStats } from './notifyRelay';
import {
  registerEndpointClients,
  spawnSandboxHost,
  type AlipayTradeView,
  type DeliveryView,
  type SandboxBehaviours,
  type SandboxControl,
  type SandboxEndpoints,
  type WechatTradeView,
} from './sandboxes';
import { alipayLedger, checkDeliveries, checkInvariants, wechatLedger, type InvariantStats, type LedgerTrade, type Violation } from './invariants';

// ── timing ──────────────────────────────────────────────────────────────────────────────────

/**
 * The providers' windows compressed `factor`× (QR lifetime, query windows, reverse delay, close
 * grace, sweeper…), with the till's own poll intervals stretched relative to them: a poll is only a
 * wake-up (notifications wake the engine too), and at full ratio a never-paid QR alone would cost ~70
 * signed queries. Ordering is kept: every window is still several polls long.
 */
export function simulationTiming(factor = 200): PaymentTiming {
  const base = compressedTiming(factor);
  return {
    ...base,
    qrFastPollMs: Math.max(base.qrFastPollMs, 60),
    qrFastWindowMs: Math.max(base.qrFastWindowMs, 150),
    qrSlowPollMs: Math.max(base.qrSlowPollMs, 400),
    codeQueryIntervalMs: Math.max(base.codeQueryIntervalMs, 50),
    unknownRetryMs: Math.max(base.unknownRetryMs, 60),
    reverseRetryMs: Math.max(base.reverseRetryMs, 40),
    refundPollMs: Math.max(base.refundPollMs, 60),
    refundUnknownRetryMs: Math.max(base.refundUnknownRetryMs, 100),
    // The sweeper wakes every live attempt (an extra poll each); keep it a backstop, not the poll rate.
    sweepIntervalMs: Math.max(base.sweepIntervalMs, 2_000),
  };
}

/** The sandboxes' knobs, compressed to match (payment-protocols.md §2.9, §3.4, §5.8). */
export function simulationBehaviours(): SandboxBehaviours {
  return {
    wechat: {
      userPayingMs: 100,
      // Refuses a reverse sooner than this after the pay (USERPAYING): a little over our own delay.
      reverseMinAgeMs: 100,
      reverseRecallOnce: true,
      refundProcessingMs: 100,
      // A payment is hidden from queries this long, so a notification can beat the query.
      paymentVisibilityLagMs: 40,
      notify: {
        enabled: true,
        delayMs: 10,
        duplicates: 1,
        retryScale: 0.003,
        replyTimeoutMs: 3_000,
        // Rotated at every restart (see WECHAT_TAMPERS); two at a time keeps the signing cost down.
        tamperedBefore: ['forged-signature', 'stale-timestamp'],
      },
    },
    alipay: {
      userPayingMs: 100,
      cancelRetryOnce: true,
      // fastpay.refund.query finds nothing this long after a refund (§5.6): a lost refund answer is resent.
      refundQueryLagMs: 100,
      notify: { enabled: true, delayMs: 10, duplicates: 1, retryScale: 0.0005, replyTimeoutMs: 3_000, refunds: true, tamperedBefore: ['forged-signature'] },
    },
  };
}

// ── plans ───────────────────────────────────────────────────────────────────────────────────

export type CustomerPlan =
  | { kind: 'never' }
  /** Scans `afterMs` after the QR is on screen and confirms `lagMs` later. */
  | { kind: 'pays'; afterMs: number; lagMs: number }
  /** Already past the password screen when the cashier gives up `cancelAfterMs` after the scan: pays anyway. */
  | { kind: 'race'; afterMs: number; lagMs: number; cancelAfterMs: number };

export interface AttemptPlan {
  provider: ProviderName;
  method: 'merchant_qr' | 'customer_code';
  /** Customer code: the sandbox outcome suffix (codepayScripts.ts / authCodes.ts). */
  suffix?: string;
  customer?: CustomerPlan;
}

export interface FaultPlan {
  atMs: number;
  provider: ProviderName;
  op: string;
  kind: string;
  applied: boolean;
  delayMs?: number;
  times: number;
}

export interface SchedulePlan {
  index: number;
  seed: number;
  product: number;
  quantity: number;
  first: AttemptPlan;
  /** The cashier cancels the first attempt this long after starting it (null: not on a timer). */
  cancelAtMs: number | null;
  afterCancel: 'nothing' | 'cash' | 'retry' | 'cancel-order';
  afterCancelDelayMs: number;
  retry?: AttemptPlan;
  /** The attempt ended without money (declined, expired): the customer pays cash instead. */
  cashIfFailed: boolean;
  faults: FaultPlan[];
  managerRefund: null | { full: boolean };
  /**
   * Split tender: the first attempt takes only this share of the bill (basis points); once it has
   * succeeded the rest is paid in cash, by a second attempt, or the sale is abandoned with a manager's
   * approval (the provider part is then refunded).
   */
  split: null | { partBp: number; rest: 'cash' | 'attempt' | 'cancel-order' };
}

const WECHAT_TAMPERS = ['forged-signature', 'stale-timestamp', 'unknown-serial', 'signtest-probe'] as const;
const ALIPAY_TAMPERS = ['forged-signature', 'altered-amount'] as const;
const WECHAT_SUFFIXES = ['01', '02', '03', '04', '05', '06', '07', '08', '09'];
const ALIPAY_SUFFIXES = ['01', '02', '03', '04', '05', '06', '07', '08'];
const FAULT_KINDS: Record<ProviderName, string[]> = {
  wechat: ['accepted-202', 'system-error-500', 'rate-limit-429', 'hang-up', 'delay'],
  alipay: ['service-unavailable', 'system-error', 'hang-up', 'delay', 'http-error', 'bad-signature'],
};
const FAULT_OPS: Record<ProviderName, (readonly [string, number])[]> = {
  wechat: [
    ['native', 1.2],
    ['codepay', 2],
    ['query', 4],
    ['close', 1.5],
    ['reverse', 1.2],
    ['refund', 0.5],
    ['refund-query', 0.4],
  ],
  alipay: [
    ['precreate', 1.2],
    ['pay', 2],
    ['query', 4],
    ['close', 1.5],
    ['cancel', 1.2],
    ['refund', 0.5],
    ['refund-query', 0.4],
  ],
};

function planAttempt(prng: Prng, provider: ProviderName, lifetimeMs: number, allowRace: boolean): AttemptPlan {
  if (prng.chance(0.5)) {
    return { provider, method: 'customer_code', suffix: prng.pick(provider === 'wechat' ? WECHAT_SUFFIXES : ALIPAY_SUFFIXES) };
  }
  const kind = prng.weighted<CustomerPlan['kind']>([
    ['never', 0.2],
    ['pays', 0.6],
    ['race', allowRace ? 0.2 : 0],
  ]);
  const customer: CustomerPlan =
    kind === 'never'
      ? { kind }
      : kind === 'pays'
        ? { kind, afterMs: prng.chance(0.5) ? prng.int(0, 200) : prng.int(0, Math.round(lifetimeMs * 0.8)), lagMs: prng.chance(0.5) ? 0 : prng.int(1, 300) }
        : { kind, afterMs: prng.int(0, Math.round(lifetimeMs * 0.5)), lagMs: prng.int(20, 1_000), cancelAfterMs: prng.int(0, 200) };
  return { provider, method: 'merchant_qr', customer };
}

export function planSchedule(runSeed: number, index: number, timing: PaymentTiming, timeoutMs: number): SchedulePlan {
  const seed = scheduleSeed(runSeed, index);
  const prng = new Prng(seed);
  const provider = prng.pick<ProviderName>(['wechat', 'alipay']);
  const first = planAttempt(prng, provider, timing.qrLifetimeMs, true);
  const race = first.customer?.kind === 'race';
  const cancelAtMs = race || !prng.chance(0.35) ? null : prng.int(0, first.method === 'merchant_qr' ? Math.round(timing.qrLifetimeMs * 1.1) : 400);
  const afterCancel = prng.weighted<SchedulePlan['afterCancel']>([
    ['nothing', 0.2],
    ['cash', 0.35],
    ['retry', 0.3],
    ['cancel-order', 0.15],
  ]);
  const faults: FaultPlan[] = [];
  const faultCount = prng.weighted([
    [0, 0.35],
    [1, 0.35],
    [2, 0.2],
    [3, 0.1],
  ] as const);
  for (let i = 0; i < faultCount; i++) {
    const target = prng.chance(0.85) ? provider : provider === 'wechat' ? 'alipay' : 'wechat';
    const kind = prng.pick(FAULT_KINDS[target]);
    faults.push({
      atMs: prng.chance(0.4) ? 0 : prng.int(0, timing.qrLifetimeMs),
      provider: target,
      op: prng.weighted(FAULT_OPS[target]),
      kind,
      applied: prng.chance(0.5),
      ...(kind === 'delay' ? { delayMs: prng.chance(0.5) ? prng.int(50, 300) : timeoutMs + prng.int(100, 500) } : {}),
      times: prng.weighted([
        [1, 0.8],
        [2, 0.15],
        [3, 0.05],
      ] as const),
    });
  }
  const retryProvider = prng.pick<ProviderName>(['wechat', 'alipay']);
  return {
    index,
    seed,
    product: prng.int(0, 7),
    quantity: prng.int(1, 9),
    first,
    cancelAtMs,
    afterCancel,
    afterCancelDelayMs: prng.chance(0.5) ? 0 : prng.int(1, 200),
    ...(afterCancel === 'retry' || race ? { retry: planAttempt(prng, retryProvider, timing.qrLifetimeMs, false) } : {}),
    cashIfFailed: prng.chance(0.5),
    faults,
    managerRefund: prng.chance(0.12) ? { full: prng.chance(0.5) } : null,
    split: prng.chance(0.15)
      ? {
          partBp: prng.int(1_000, 9_000),
          rest: prng.weighted<'cash' | 'attempt' | 'cancel-order'>([
            ['cash', 0.4],
            ['attempt', 0.35],
            ['cancel-order', 0.25],
          ]),
        }
      : null,
  };
}

// ── the core, restartable ────────────────────────────────────────────────────────────────────

const ACTOR = { userId: 'demo-cashier', terminalId: 'demo-terminal' } as const;
const MANAGER = 'demo-manager';
const FINAL = new Set(['succeeded', 'failed', 'closed', 'reversed']);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface EngineLog {
  count: number;
  byKind: Record<string, number>;
}

/** One core on one file; restarted in place. Callers borrow it synchronously through `with`. */
export class CoreHost {
  core: Core | undefined;
  private waiters: (() => void)[] = [];
  readonly restarts = { graceful: 0, abrupt: 0 };
  readonly log: EngineLog = { count: 0, byKind: {} };
  /** The last engine log lines, raw, for the report of a failing schedule. */
  readonly recentLog: string[] = [];
  /** When the core restarted, for the report of a failing schedule. */
  readonly restartLog: string[] = [];

  constructor(
    private readonly config: {
      file: string;
      timing: PaymentTiming;
      endpoints: SandboxEndpoints;
      timeoutMs: number;
      notifyUrls: Partial<Record<ProviderName, string>>;
      onCall: (provider: ProviderName, method: string, ms: number) => void;
    },
  ) {}

  async open(): Promise<Core> {
    const core = await createCore({
      dbFile: this.config.file,
      demo: true,
      paymentTiming: this.config.timing,
      logger: (entry) => {
        this.log.count += 1;
        const kind = entry.message.replace(/\b[0-9A-Z]{26}\b/g, '<id>').replace(/T[0-9A-Z]{26}/g, 'T<id>').slice(0, 120);
        this.log.byKind[kind] = (this.log.byKind[kind] ?? 0) + 1;
        this.recentLog.push(`${new Date().toISOString()} ${entry.message}`);
        if (this.recentLog.length > 20_000) this.recentLog.splice(0, 10_000);
      },
    });
    // The drawer: no sale without an open shift on the terminal (still open after a restart).
    openDemoShift(core);
    // As in the app: the engines start (and resume) before the provider clients are configured.
    registerEndpointClients(core.providers, this.config.endpoints, { timeoutMs: this.config.timeoutMs, notifyUrls: this.config.notifyUrls, onCall: this.config.onCall });
    // Progress events wake the schedules waiting on an attempt (they also poll, slowly, as a backstop).
    core.events.on('payment.progress', (progress) => this.notify(progress.paymentId));
    this.core = core;
    for (const wake of this.waiters.splice(0)) wake();
    return core;
  }

  private readonly watchers = new Map<string, Set<() => void>>();

  private notify(paymentId: string): void {
    const set = this.watchers.get(paymentId);
    if (!set) return;
    this.watchers.delete(paymentId);
    for (const wake of set) wake();
  }

  /** Resolves at the next progress event of `paymentId`, or after `ms`. */
  changed(paymentId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.watchers.get(paymentId) ?? new Set();
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      this.watchers.set(paymentId, set);
    });
  }

  /** Runs `fn` synchronously on the live core, waiting for it while it restarts. */
  async with<T>(fn: (core: Core) => T): Promise<T> {
    for (;;) {
      if (this.core) return fn(this.core);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * graceful: close() — the drivers finish their current call, the store closes.
   * abrupt: the engines are told to stop but not waited for and the store is closed under them, so
   * calls in flight land on a closed store and their outcome is lost, as in a crash.
   */
  async restart(mode: 'graceful' | 'abrupt', downMs: number): Promise<void> {
    const old = this.core;
    if (!old) return;
    this.core = undefined;
    if (mode === 'graceful') {
      await old.close();
    } else {
      void old.payments.stop();
      void old.refunds.stop();
      old.db.close();
    }
    this.restarts[mode] += 1;
    const downAt = new Date().toISOString();
    await sleep(downMs);
    await this.open();
    this.restartLog.push(`${mode} restart: down ${downAt}, up ${new Date().toISOString()}`);
  }

  async close(): Promise<void> {
    const old = this.core;
    this.core = undefined;
    await old?.close();
  }
}

// ── one schedule ─────────────────────────────────────────────────────────────────────────────

interface ScheduleRecord {
  plan: SchedulePlan;
  startedAt: number;
  durationMs?: number;
  orderId?: string;
  paymentIds: string[];
  notes: string[];
  error?: string;
}

interface SimContext {
  host: CoreHost;
  control: Record<ProviderName, SandboxControl>;
  timing: PaymentTiming;
  lines: CartLine[];
  faultsInjected: Record<string, number>;
  counters: Record<string, number>;
  unexpected: string[];
  outTradeNos: string[];
}

function note(record: ScheduleRecord, text: string): void {
  record.notes.push(`+${Date.now() - record.startedAt}ms ${text}`);
}

function bump(counters: Record<string, number>, key: string, by = 1): void {
  counters[key] = (counters[key] ?? 0) + by;
}

function cartFor(ctx: SimContext, plan: SchedulePlan): CartData {
  const template = ctx.lines[plan.product % ctx.lines.length]!;
  return { lines: [{ ...template, lineId: 'L1', quantity: plan.quantity, discount: null }], orderDiscount: null, coupon: null, approval: null, nextLine: 2 };
}

/** Expected refusals of cashier actions (the order moved on meanwhile) are noted; anything else is unexpected. */
async function cashierAction(ctx: SimContext, record: ScheduleRecord, name: string, fn: (core: Core) => unknown): Promise<boolean> {
  try {
    await ctx.host.with(fn);
    note(record, name);
    bump(ctx.counters, `action:${name}`);
    return true;
  } catch (error) {
    if (error instanceof TillError) {
      note(record, `${name}:${error.code}`);
      bump(ctx.counters, `action:${name} refused ${error.code}`);
      return false;
    }
    throw error;
  }
}

async function readPayment(ctx: SimContext, paymentId: string): Promise<PaymentRow> {
  return ctx.host.with((core) => core.payments.store.get(paymentId)!);
}

async function waitFor(ctx: SimContext, paymentId: string, done: (row: PaymentRow) => boolean, timeoutMs: number): Promise<PaymentRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await readPayment(ctx, paymentId);
    if (done(row) || Date.now() > deadline) return row;
    await ctx.host.changed(paymentId, 150);
  }
}

let codeSerial = 0;

async function startAttempt(ctx: SimContext, record: ScheduleRecord, attempt: AttemptPlan, partBp?: number): Promise<PaymentRow | undefined> {
  const orderId = record.orderId!;
  try {
    const row = await ctx.host.with((core) => {
      const order = core.orders.get(orderId).order;
      // A share of what is due (split tender), or all of it.
      const amountFen = partBp === undefined ? undefined : Math.min(order.total_fen - order.paid_fen - 1, Math.max(1, Math.floor((order.total_fen * partBp) / 10_000)));
      const amount = amountFen !== undefined && amountFen > 0 ? amountFen : undefined;
      if (attempt.method === 'merchant_qr') return core.payments.startMerchantQr(ACTOR, orderId, attempt.provider, amount);
      codeSerial += 1;
      const code = attempt.provider === 'wechat' ? wechatCode(attempt.suffix!, codeSerial) : alipayCode(attempt.suffix!, codeSerial);
      return core.payments.startCustomerCode(ACTOR, orderId, code, amount);
    });
    record.paymentIds.push(row.id);
    ctx.outTradeNos.push(row.out_trade_no!);
    bump(ctx.counters, `attempt:${attempt.provider}/${attempt.method === 'merchant_qr' ? 'qr' : `code-${attempt.suffix}`}`);
    return row;
  } catch (error) {
    if (error instanceof TillError) {
      note(record, `start:${error.code}`);
      bump(ctx.counters, `action:start refused ${error.code}`);
      return undefined;
    }
    throw error;
  }
}

async function cancelAttempt(ctx: SimContext, record: ScheduleRecord, paymentId: string): Promise<boolean> {
  const row = await ctx.host.with((core) => core.payments.cancelAttempt(ACTOR, paymentId));
  const cancelled = row.state === 'closing';
  note(record, cancelled ? 'cancelled' : `cancel-too-late:${row.state}`);
  bump(ctx.counters, cancelled ? 'cashier:cancelled' : 'cashier:cancel-too-late');
  return cancelled;
}

/** The customer in front of a merchant QR. Returns when they are done (paid, gave up, never meant to). */
async function customer(ctx: SimContext, record: ScheduleRecord, row: PaymentRow, plan: CustomerPlan, onRace: () => Promise<void>): Promise<void> {
  if (plan.kind === 'never') return;
  const shown = await waitFor(ctx, row.id, (r) => r.code_url !== null || FINAL.has(r.state) || r.state === 'closing', ctx.timing.qrLifetimeMs);
  if (!shown.code_url) {
    bump(ctx.counters, `customer:qr-never-shown (${shown.state})`);
    return;
  }
  await sleep(plan.afterMs);
  // A real QR stops being payable at its expiry; the sandbox's Alipay QR lives ≥ 1 min (timeout_express
  // is whole minutes), so the simulated customer respects our compressed expiry instead.
  if (Date.now() > Date.parse(shown.expires_at!) - 100) {
    bump(ctx.counters, 'customer:too-late');
    return;
  }
  const result = await ctx.control[row.tender as ProviderName].pay(row.out_trade_no!, { delayMs: plan.lagMs, completesDespiteClose: plan.kind === 'race' });
  bump(ctx.counters, result.ok ? `customer:${plan.kind}` : `customer:refused ${result.code}`);
  note(record, result.ok ? `customer-${plan.kind}` : `customer-refused:${result.code}`);
  if (plan.kind === 'race') {
    await sleep(plan.cancelAfterMs);
    await onRace();
  }
}

async function runSchedule(ctx: SimContext, plan: SchedulePlan): Promise<ScheduleRecord> {
  const record: ScheduleRecord = { plan, startedAt: Date.now(), paymentIds: [], notes: [] };
  const faults = plan.faults.map(async (fault) => {
    if (fault.atMs > 0) await sleep(fault.atMs);
    await ctx.control[fault.provider].injectFault(fault);
    bump(ctx.faultsInjected, `${fault.provider}:${fault.op}:${fault.kind}:${fault.applied ? 'applied' : 'not-applied'}`, fault.times);
  });
  // Faults planned at 0 hit the very first calls (create/pay) of this or a concurrent schedule.
  await Promise.all(faults.filter((_, i) => plan.faults[i]!.atMs === 0));

  record.orderId = await ctx.host.with((core) => core.orders.checkout(ACTOR, cartFor(ctx, plan)).order.id);
  const first = await startAttempt(ctx, record, plan.first, plan.split?.partBp);
  if (!first) throw new Error(`schedule ${plan.index}: the first attempt could not start (${record.notes.join(', ')})`);

  let cancelled = false;
  let cancelling: Promise<void> | undefined;
  const cancelFirst = () => {
    cancelling ??= (async () => {
      cancelled = await cancelAttempt(ctx, record, first.id);
      if (!cancelled) return;
      if (plan.afterCancelDelayMs > 0) await sleep(plan.afterCancelDelayMs);
      if (plan.afterCancel === 'cash') await payCash(ctx, record);
      else if (plan.afterCancel === 'cancel-order') await cancelOrder(ctx, record);
      else if (plan.afterCancel === 'retry' || plan.first.customer?.kind === 'race') await secondAttempt(ctx, record, plan);
    })();
    return cancelling;
  };
  const tasks: Promise<unknown>[] = [...faults];
  if (plan.first.customer) tasks.push(customer(ctx, record, first, plan.first.customer, cancelFirst));
  if (plan.cancelAtMs !== null) tasks.push(sleep(plan.cancelAtMs).then(cancelFirst));
  await Promise.all(tasks);
  if (cancelling) await cancelling;

  const final = await waitFor(ctx, first.id, (r) => FINAL.has(r.state), 20_000);
  if (!cancelled && final.state !== 'succeeded' && plan.cashIfFailed) await payCash(ctx, record);
  if (!cancelled && final.state === 'succeeded' && plan.split) {
    // The first part is paid: the rest of the bill.
    note(record, `split: rest by ${plan.split.rest}`);
    bump(ctx.counters, `split: first part paid, rest by ${plan.split.rest}`);
    if (plan.split.rest === 'cash') await payCash(ctx, record);
    else if (plan.split.rest === 'attempt') await secondAttempt(ctx, record, { ...plan, retry: plan.retry ?? { provider: plan.first.provider, method: 'customer_code', suffix: '01' } });
    else await cancelOrder(ctx, record);
  }
  for (const id of record.paymentIds) await waitFor(ctx, id, (r) => FINAL.has(r.state), 20_000);

  if (plan.managerRefund) {
    const order = await ctx.host.with((core) => core.orders.get(record.orderId!).order);
    if (order.state === 'completed') {
      const amountFen = plan.managerRefund.full || order.total_fen < 2 ? order.total_fen : 1 + (plan.seed % (order.total_fen - 1));
      await cashierAction(ctx, record, 'manager-refund', (core) =>
        core.refunds.requestRefund(ACTOR, { orderId: record.orderId!, amountFen, reason: '退货', approverId: MANAGER }),
      );
    }
  }
  return record;
}

/** The sale is abandoned (a manager approves when tenders were taken): as the API does, the refund rows are sent at once. */
async function cancelOrder(ctx: SimContext, record: ScheduleRecord): Promise<void> {
  await cashierAction(ctx, record, 'cancel-order', (core) => {
    core.orders.cancel(ACTOR, record.orderId!, 'customer left', MANAGER);
    core.refunds.sweep();
  });
}

async function payCash(ctx: SimContext, record: ScheduleRecord): Promise<void> {
  await cashierAction(ctx, record, 'cash', (core) => {
    const order = core.orders.get(record.orderId!).order;
    return core.orders.payCash(ACTOR, record.orderId!, order.total_fen - order.paid_fen);
  });
}

async function secondAttempt(ctx: SimContext, record: ScheduleRecord, plan: SchedulePlan): Promise<void> {
  if (!plan.retry) return;
  const row = await startAttempt(ctx, record, plan.retry);
  if (row && plan.retry.customer) await customer(ctx, record, row, plan.retry.customer, async () => {});
}

// ── the run ──────────────────────────────────────────────────────────────────────────────────

export interface SimulationOptions {
  seed: number;
  schedules: number;
  /** Schedules in flight at once. */
  concurrency: number;
  /** Gap between restarts of the core, ms (uniform in [min, max]); null: never restart. */
  restartGapMs: [number, number] | null;
  /** Replay: run only these schedule indexes (plans are regenerated from the seed). */
  only?: number[];
  timing?: PaymentTiming;
  /** RSA modulus of the sandboxes' keys (default 1024: same code paths, a quarter of the signing cost). */
  keyBits?: number;
  /** HTTP timeout of the provider clients. */
  timeoutMs?: number;
  /** How long the engines get to make everything final once the schedules are done. */
  settleTimeoutMs?: number;
  /** Where the SQLite file goes (default /dev/shm when present: fsync is not what this measures). */
  baseDir?: string;
  keepFiles?: boolean;
  progress?: (line: string) => void;
  /** Called with the store and the sandbox ledger before they are checked (tests use it to plant faults). */
  beforeCheck?: (file: string, ledger: LedgerTrade[]) => void;
}

export interface FailingSchedule {
  plan: SchedulePlan;
  startedAt: string;
  notes: string[];
  order: unknown;
  payments: PaymentRow[];
  refunds: unknown[];
  trades: LedgerTrade[];
  engineLog: string[];
  relay: string[];
  deliveries: unknown[];
}

export interface SimulationReport {
  seed: number;
  schedules: number;
  concurrency: number;
  durationMs: number;
  runMs: number;
  settleMs: number;
  schedulesPerSecond: number;
  outcomes: Record<string, number>;
  counters: Record<string, number>;
  /** Calls through the provider clients (each one signed request + verified answer, or a verification). */
  providerCalls: Record<string, number>;
  /** Round trip of the provider calls (sign, HTTP, verify), including the injected delays and timeouts. */
  callLatencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Wall time of one schedule, start to its attempts final (and the refund asked). */
  scheduleMs: { p50: number; p90: number; p99: number; max: number };
  slowest: string[];
  callLatencyByMethod: Record<string, { p50: number; p90: number; p99: number; max: number }>;
  /** How late this process's timers ran (the core, the clients and the relay share it). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  restarts: { graceful: number; abrupt: number };
  faults: { injectedUses: number; leftoverUses: number; byKind: Record<string, number> };
  notifications: RelayStats & { sandboxTampered: number; sandboxGenuine: number };
  invariants: InvariantStats;
  violations: Violation[];
  unexpected: string[];
  failingPlans: SchedulePlan[];
  /** What happened to the first failing schedules: notes, rows, the sandbox's view, engine log lines. */
  failingDetails: FailingSchedule[];
  restartLog: string[];
  engineLog: EngineLog;
  maxTimeToFinalMs: Record<string, number>;
  file: string;
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const timing = options.timing ?? simulationTiming();
  const timeoutMs = options.timeoutMs ?? 1_000;
  const base = options.baseDir ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  const dir = mkdtempSync(join(base, 'till-sim-'));
  const file = join(dir, 'till.sqlite');
  const progress = options.progress ?? (() => {});
  const started = Date.now();

  const sandbox = await spawnSandboxHost(simulationBehaviours(), options.keyBits ?? 1024);
  let host: CoreHost | undefined;
  const outTradeNos: string[] = [];
  const verifiers = new ProviderRegistry();
  registerEndpointClients(verifiers, sandbox.endpoints, { timeoutMs });
  const relay = new NotificationRelay({
    current: () => host?.core,
    verifiers: verifiers.clients() as Record<ProviderName, PaymentProvider>,
    prng: new Prng(options.seed ^ 0x5eed),
    duplicateRate: 0.3,
    forgeRate: 0.25,
    otherOutTradeNo: (prng) => (outTradeNos.length > 0 ? prng.pick(outTradeNos) : undefined),
  });
  await relay.start();
  try {
    const providerCalls: Record<string, number> = {};
    const callMs: number[] = [];
    const callMsBy: Record<string, number[]> = {};
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    host = new CoreHost({
      file,
      timing,
      endpoints: sandbox.endpoints,
      timeoutMs,
      notifyUrls: { wechat: relay.url('wechat'), alipay: relay.url('alipay') },
      onCall: (provider, method, ms) => {
        bump(providerCalls, `${provider}.${method}`);
        if (method !== 'verifyNotification') {
          callMs.push(ms);
          (callMsBy[`${provider}.${method}`] ??= []).push(ms);
        }
      },
    });
    const core = await host.open();
    // Cart line templates: the first few unit-priced products, rung up once.
    const barcodes = core.db
      .prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 ORDER BY p.id LIMIT 8")
      .all() as { barcode: string }[];
    for (const { barcode } of barcodes) core.carts.scan(ACTOR, barcode);
    const lines = core.carts.load(ACTOR.terminalId).lines;
    core.carts.clear(ACTOR);

    const ctx: SimContext = { host, control: sandbox.control, timing, lines, faultsInjected: {}, counters: {}, unexpected: [], outTradeNos };
    const indexes = options.only ?? Array.from({ length: options.schedules }, (_, i) => i);
    const plans = indexes.map((index) => planSchedule(options.seed, index, timing, timeoutMs));
    const records: ScheduleRecord[] = [];

    // Restarts at random moments while the schedules run.
    let running = true;
    const restartPrng = new Prng(options.seed ^ 0x7e57a7);
    const restarts = (async () => {
      if (!options.restartGapMs) return;
      const [min, max] = options.restartGapMs;
      while (running) {
        await sleep(restartPrng.int(min, max));
        if (!running) break;
        const mode = restartPrng.chance(0.5) ? 'abrupt' : 'graceful';
        await host!.restart(mode, restartPrng.int(0, 250));
        relay.flush();
        // Which tampered copies precede each genuine notification changes now and then.
        const wechatTampers = WECHAT_TAMPERS.filter(() => restartPrng.chance(0.5));
        const alipayTampers = ALIPAY_TAMPERS.filter(() => restartPrng.chance(0.5));
        await Promise.all([
          sandbox.control.wechat.configure({ notify: { tamperedBefore: wechatTampers } }),
          sandbox.control.alipay.configure({ notify: { tamperedBefore: alipayTampers } }),
        ]);
      }
    })();

    let next = 0;
    let done = 0;
    const workers = Array.from({ length: Math.min(options.concurrency, plans.length) }, async () => {
      while (next < plans.length) {
        const plan = plans[next++]!;
        try {
          const record = await runSchedule(ctx, plan);
          record.durationMs = Date.now() - record.startedAt;
          records.push(record);
        } catch (error) {
          const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
          ctx.unexpected.push(`schedule ${plan.index}: ${message.slice(0, 600)}`);
          records.push({ plan, startedAt: Date.now(), paymentIds: [], notes: [], error: message });
        }
        done += 1;
        if (done % 250 === 0) progress(`${done}/${plans.length} schedules, ${host!.restarts.graceful + host!.restarts.abrupt} restarts, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    });
    await Promise.all(workers);
    running = false;
    await restarts;
    const runMs = Date.now() - started;

    // Settle: no new faults, then wait for the engines, the sandboxes and the relay to go quiet.
    const leftover = (await Promise.all([sandbox.control.wechat.faults(), sandbox.control.alipay.faults()])).flat();
    const leftoverUses = leftover.reduce((total, fault) => total + fault.remaining, 0);
    await Promise.all([sandbox.control.wechat.clearFaults(), sandbox.control.alipay.clearFaults()]);
    const settleStarted = Date.now();
    const settleTimeoutMs = options.settleTimeoutMs ?? 30_000;
    let quiet = 0;
    while (Date.now() - settleStarted < settleTimeoutMs) {
      const open = await host.with(
        (c) =>
          (c.db.prepare("SELECT count(*) AS n FROM payments WHERE state IN ('created', 'pending', 'unknown', 'closing')").get() as { n: number }).n +
          (c.db.prepare("SELECT count(*) AS n FROM refunds WHERE state IN ('created', 'pending', 'unknown')").get() as { n: number }).n,
      );
      const trades = [...(await sandbox.control.wechat.trades<WechatTradeView>()), ...(await sandbox.control.alipay.trades<AlipayTradeView>())];
      const sandboxBusy = trades.some((t) => t.pendingUntil !== undefined || t.refunds.some((r) => 'status' in r && r.status === 'PROCESSING'));
      // A notification the relay could not take (core down) is delivered again on the provider's
      // (compressed) schedule: wait until every event has been accepted once.
      const undelivered =
        undeliveredEvents(await sandbox.control.wechat.notifications(), WECHAT_RETRY_SCHEDULE_SECONDS.length) +
        undeliveredEvents(await sandbox.control.alipay.notifications(), ALIPAY_RETRY_SCHEDULE_SECONDS.length);
      quiet = open === 0 && !sandboxBusy && undelivered === 0 && relay.idle() ? quiet + 1 : 0;
      if (quiet >= 3) break;
      await sleep(300);
    }
    const settleMs = Date.now() - settleStarted;
    await host.close();

    const [wechatTrades, alipayTrades, wechatDeliveries, alipayDeliveries] = await Promise.all([
      sandbox.control.wechat.trades<WechatTradeView>(),
      sandbox.control.alipay.trades<AlipayTradeView>(),
      sandbox.control.wechat.notifications(),
      sandbox.control.alipay.notifications(),
    ]);
    const ledger = [...wechatLedger(wechatTrades), ...alipayLedger(alipayTrades)];
    options.beforeCheck?.(file, ledger);
    const db = new BetterSqlite3(file);
    let checked: ReturnType<typeof checkInvariants>;
    let outcomes: Record<string, number>;
    let maxTimeToFinalMs: Record<string, number>;
    try {
      checked = checkInvariants(db, ledger);
      outcomes = outcomeHistogram(db, new Set(records.map((r) => r.orderId).filter((id): id is string => id !== undefined)));
      maxTimeToFinalMs = timeToFinal(db);
    } finally {
      db.close();
    }
    const wechatCheck = checkDeliveries('wechat', wechatDeliveries, REJECTED_STATUS);
    const alipayCheck = checkDeliveries('alipay', alipayDeliveries, REJECTED_STATUS);
    const violations = [...checked.violations, ...wechatCheck.violations, ...alipayCheck.violations];
    if (relay.stats.selfForgedAccepted > 0) violations.push({ kind: 'forged-notification-accepted', detail: `${relay.stats.selfForgedAccepted} forgeries passed verifyNotification` });
    if (relay.stats.inconsistent > 0) violations.push({ kind: 'inconsistent-notification', detail: `${relay.stats.inconsistent} verified payment notifications were not successes` });

    const byOrder = new Map(records.filter((r) => r.orderId).map((r) => [r.orderId!, r.plan]));
    const byNo = new Map<string, SchedulePlan>();
    const db2 = new BetterSqlite3(file, { readonly: true });
    try {
      for (const row of db2.prepare('SELECT order_id, out_trade_no FROM payments WHERE out_trade_no IS NOT NULL').all() as { order_id: string; out_trade_no: string }[]) {
        const plan = byOrder.get(row.order_id);
        if (plan) byNo.set(row.out_trade_no, plan);
      }
    } finally {
      db2.close();
    }
    const failing = new Map<number, SchedulePlan>();
    for (const violation of violations) {
      const plan = (violation.orderId && byOrder.get(violation.orderId)) || (violation.outTradeNo && byNo.get(violation.outTradeNo)) || undefined;
      if (plan) failing.set(plan.index, plan);
    }
    const failingDetails: FailingSchedule[] = [];
    if (failing.size > 0) {
      const db3 = new BetterSqlite3(file, { readonly: true });
      try {
        for (const plan of [...failing.values()].slice(0, 10)) {
          const record = records.find((r) => r.plan.index === plan.index)!;
          const payments = db3.prepare('SELECT * FROM payments WHERE order_id = ? ORDER BY created_at').all(record.orderId) as PaymentRow[];
          const refunds = db3.prepare('SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at').all(record.orderId);
          const order = db3.prepare('SELECT * FROM orders WHERE id = ?').get(record.orderId);
          const numbers = new Set(payments.map((p) => p.out_trade_no));
          failingDetails.push({
            plan,
            startedAt: new Date(record.startedAt).toISOString(),
            notes: record.notes,
            order,
            payments,
            refunds,
            trades: ledger.filter((t) => numbers.has(t.outTradeNo)),
            engineLog: host.recentLog.filter((line) => payments.some((p) => line.includes(p.id) || (p.out_trade_no && line.includes(p.out_trade_no)))),
            relay: relay.trace.filter((line) => payments.some((p) => p.out_trade_no && line.includes(p.out_trade_no))),
            deliveries: [...wechatDeliveries, ...alipayDeliveries].filter((d) => numbers.has(d.outTradeNo)),
          });
        }
      } finally {
        db3.close();
      }
    }
    const durationMs = Date.now() - started;
    return {
      seed: options.seed,
      schedules: plans.length,
      concurrency: options.concurrency,
      durationMs,
      runMs,
      settleMs,
      schedulesPerSecond: plans.length / (runMs / 1000),
      outcomes,
      counters: ctx.counters,
      providerCalls,
      callLatencyMs: percentiles(callMs),
      scheduleMs: percentiles(records.map((r) => r.durationMs ?? 0)),
      slowest: [...records]
        .sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0))
        .slice(0, 3)
        .map((r) => `#${r.plan.index} ${r.durationMs} ms: ${r.notes.join(', ')}`),
      callLatencyByMethod: Object.fromEntries(Object.entries(callMsBy).map(([k, v]) => [k, percentiles(v)])),
      eventLoopDelayMs: { p50: Math.round(loopDelay.percentile(50) / 1e6), p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
      restarts: { ...host.restarts },
      faults: { injectedUses: Object.values(ctx.faultsInjected).reduce((a, b) => a + b, 0), leftoverUses, byKind: ctx.faultsInjected },
      notifications: { ...relay.stats, sandboxTampered: wechatCheck.tampered + alipayCheck.tampered, sandboxGenuine: wechatCheck.genuine + alipayCheck.genuine },
      invariants: checked.stats,
      violations,
      unexpected: ctx.unexpected,
      failingPlans: [...failing.values()].slice(0, 20),
      failingDetails,
      restartLog: host.restartLog,
      engineLog: host.log,
      maxTimeToFinalMs,
      file,
    };
  } finally {
    await host?.close().catch(() => undefined);
    await relay.close();
    await sandbox.close();
    if (!options.keepFiles) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Events (notify ids) not accepted yet that the provider will still deliver again (WeChat retries
 * 15 times, Alipay 7; an event past its schedule is given up, as by the real providers).
 */
function undeliveredEvents(deliveries: readonly DeliveryView[], lastAttempt: number): number {
  const events = new Map<string, { accepted: boolean; attempt: number }>();
  for (const delivery of deliveries) {
    if (delivery.variant !== 'genuine' && delivery.variant !== 'retry') continue;
    const event = events.get(delivery.eventId) ?? { accepted: false, attempt: 0 };
    events.set(delivery.eventId, { accepted: event.accepted || delivery.accepted, attempt: Math.max(event.attempt, delivery.attempt) });
  }
  return [...events.values()].filter((e) => !e.accepted && e.attempt < lastAttempt).length;
}

function percentiles(values: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
}

/** One label per order: its final state and what each tender ended as. */
function outcomeHistogram(db: InstanceType<typeof BetterSqlite3>, orderIds: Set<string>): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT o.id, o.state AS order_state, p.tender, p.method, p.state,
              (SELECT count(*) FROM refunds r WHERE r.payment_id = p.id AND r.automatic = 1) AS auto,
              (SELECT count(*) FROM refunds r WHERE r.payment_id = p.id AND r.automatic = 0) AS manual
       FROM orders o JOIN payments p ON p.order_id = o.id ORDER BY o.id, p.created_at, p.id`,
    )
    .all() as { id: string; order_state: string; tender: string; method: string; state: string; auto: number; manual: number }[];
  const labels = new Map<string, { state: string; parts: string[] }>();
  for (const row of rows) {
    if (!orderIds.has(row.id)) continue;
    const entry = labels.get(row.id) ?? { state: row.order_state, parts: [] };
    const method = row.method === 'merchant_qr' ? 'qr' : row.method === 'customer_code' ? 'code' : '';
    entry.parts.push(`${row.tender}${method ? `-${method}` : ''}:${row.state}${row.auto ? '+auto-refund' : ''}${row.manual ? '+refund' : ''}`);
    labels.set(row.id, entry);
  }
  const histogram: Record<string, number> = {};
  for (const { state, parts } of labels.values()) bump(histogram, `${state.padEnd(18)} ${parts.join(', ')}`);
  return Object.fromEntries(Object.entries(histogram).sort((a, b) => b[1] - a[1]));
}

function timeToFinal(db: InstanceType<typeof BetterSqlite3>): Record<string, number> {
  const rows = db
    .prepare("SELECT tender, method, state, created_at, finished_at FROM payments WHERE tender <> 'cash' AND finished_at IS NOT NULL")
    .all() as { tender: string; method: string; state: string; created_at: string; finished_at: string }[];
  const max: Record<string, number> = {};
  for (const row of rows) {
    const key = `${row.tender}/${row.method}/${row.state}`;
    max[key] = Math.max(max[key] ?? 0, Date.parse(row.finished_at) - Date.parse(row.created_at));
  }
  return max;
}

/** A readable summary of a report (what the test and the bench print). */
export function formatReport(report: SimulationReport): string {
  const lines: string[] = [];
  const table = (title: string, entries: Record<string, number>, limit = 40) => {
    lines.push(title);
    const sorted = Object.entries(entries).sort((a, b) => b[1] - a[1]);
    for (const [key, value] of sorted.slice(0, limit)) lines.push(`  ${String(value).padStart(6)}  ${key}`);
    if (sorted.length > limit) lines.push(`  … ${sorted.length - limit} more`);
  };
  lines.push(
    `payment fault simulator: seed ${report.seed}, ${report.schedules} schedules, concurrency ${report.concurrency}`,
    `  run ${(report.runMs / 1000).toFixed(1)} s (${report.schedulesPerSecond.toFixed(1)} schedules/s), settle ${(report.settleMs / 1000).toFixed(1)} s, total ${(report.durationMs / 1000).toFixed(1)} s`,
    `  restarts: ${report.restarts.graceful} graceful, ${report.restarts.abrupt} abrupt`,
    `  faults: ${report.faults.injectedUses} injected uses, ${report.faults.injectedUses - report.faults.leftoverUses} hit a request, ${report.faults.leftoverUses} unused at the end`,
    `  notifications: received wechat ${report.notifications.received.wechat} / alipay ${report.notifications.received.alipay}; verified ${report.notifications.verified.wechat + report.notifications.verified.alipay}, ` +
      `rejected ${report.notifications.rejected.wechat + report.notifications.rejected.alipay} (sandbox tampered copies sent: ${report.notifications.sandboxTampered}), ` +
      `503 while down ${report.notifications.whileDown}, held while down ${report.notifications.held}, handed ${report.notifications.handed} (${report.notifications.forFinishedAttempts} for closed attempts) + ${report.notifications.duplicatesHanded} late duplicates; ` +
      `own forgeries ${report.notifications.selfForged} (rejected ${report.notifications.selfForgedRejected}, accepted ${report.notifications.selfForgedAccepted})`,
    `  store: ${report.invariants.orders} orders, ${report.invariants.providerPayments} provider attempts (${report.invariants.succeededProviderPayments} succeeded), ` +
      `${report.invariants.cashPayments} cash, ${report.invariants.refunds} refunds (${report.invariants.automaticRefunds} automatic); ` +
      `sandboxes: ${report.invariants.providerTrades} trades, ${report.invariants.paidProviderTrades} paid, ${report.invariants.reversedAfterPayment} paid then reversed/cancelled`,
    `  provider calls: ${Object.values(report.providerCalls).reduce((a, b) => a + b, 0)}, round trip p50 ${report.callLatencyMs.p50} ms, p90 ${report.callLatencyMs.p90} ms, p99 ${report.callLatencyMs.p99} ms, max ${report.callLatencyMs.max} ms`,
    `  schedule wall time: p50 ${report.scheduleMs.p50} ms, p90 ${report.scheduleMs.p90} ms, p99 ${report.scheduleMs.p99} ms, max ${report.scheduleMs.max} ms`,
    `  event loop delay: p50 ${report.eventLoopDelayMs.p50} ms, p99 ${report.eventLoopDelayMs.p99} ms, max ${report.eventLoopDelayMs.max} ms`,
    `  engine log lines: ${report.engineLog.count}`,
  );
  table('outcomes (order state ← tenders):', report.outcomes, 30);
  table('events:', report.counters, 60);
  table(`provider client calls (${Object.values(report.providerCalls).reduce((a, b) => a + b, 0)}):`, report.providerCalls);
  table('faults injected (provider:op:kind:applied, uses):', report.faults.byKind, 80);
  table('max time to final (ms):', report.maxTimeToFinalMs);
  table('engine log (kinds):', report.engineLog.byKind, 15);
  table('notification rejections:', report.notifications.rejectionCodes);
  const kinds: Record<string, number> = {};
  for (const violation of report.violations) kinds[violation.kind] = (kinds[violation.kind] ?? 0) + 1;
  lines.push(`violations: ${report.violations.length}${report.violations.length ? ` ${JSON.stringify(kinds)}` : ''}`);
  for (const violation of report.violations.slice(0, 40)) lines.push(`  [${violation.kind}] ${violation.detail}`);
  if (report.unexpected.length > 0) {
    lines.push(`unexpected errors: ${report.unexpected.length}`);
    for (const message of report.unexpected.slice(0, 10)) lines.push(`  ${message}`);
  }
  if (report.failingPlans.length > 0) {
    lines.push(`replay: seed ${report.seed}, schedules ${report.failingPlans.map((p) => p.index).join(',')}`);
    for (const plan of report.failingPlans.slice(0, 5)) lines.push(`  ${JSON.stringify(plan)}`);
  }
  return lines.join('\n');
}
