/**
 * The till process of the kill -9 loop (test/integration/payments.killloop.test.ts).
 *
 *   node --import tsx test/support/payments/killChild.ts <config.json>   (then `GO` on stdin)
 *
 * Opens the core on the shared SQLite file (resuming whatever the previous, killed, process left
 * unfinished), points real clients at the sandboxes the parent runs, and then:
 *   - mode `run`: takes payments for ever — orders, merchant QRs the customer pays through the
 *     sandbox's HTTP control route (POST /__sandbox/pay), customer codes with scripted outcomes,
 *     faults injected through POST /__sandbox/faults, cashier cancels, cash, manager refunds — and
 *     writes one line per payment it has seen committed as succeeded:
 *       ACK <paymentId> <tender> <outTradeNo|-> <amountFen> <orderId>
 *     (stdout is a pipe: the write is synchronous, so an ACK printed is an ACK the parent has);
 *   - mode `resume`: starts no new work, waits until every attempt and refund is final, prints DONE.
 * The parent kills `run` processes with SIGKILL at random moments.
 */
import { readFileSync } from 'node:fs';
import { waitForGo } from '../childGate';
import { createCore, type Core } from '../../../electron/core/createCore';
import { TillError } from '../../../electron/api/errors';
import type { PaymentTiming } from '../../../electron/payments/attempts/timing';
import type { ProviderName } from '../../../electron/payments/provider';
import type { CartData } from '../../../electron/checkout/cart';
import { authCodeWithSuffix as wechatCode } from '../../../electron/sandbox/wechatpay';
import { authCodeWithSuffix as alipayCode } from '../../../electron/sandbox/alipay';
import { Prng } from './prng';
import { openDemoShift } from '../core';
import { registerEndpointClients, SandboxControl, type SandboxEndpoints } from './sandboxes';

export interface KillChildConfig {
  dbFile: string;
  endpoints: SandboxEndpoints;
  timing: PaymentTiming;
  mode: 'run' | 'resume';
  seed: number;
  workers: number;
  timeoutMs: number;
}

const ACTOR = { userId: 'demo-cashier', terminalId: 'demo-terminal' };
const FINAL = new Set(['succeeded', 'failed', 'closed', 'reversed']);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const WECHAT_OUTCOMES = ['01', '02', '03', '04', '05', '07', '08', '09'];
const ALIPAY_OUTCOMES = ['01', '02', '03', '04', '05', '07', '08'];
const FAULTS: Record<ProviderName, { ops: string[]; kinds: string[] }> = {
  wechat: { ops: ['native', 'codepay', 'query', 'close', 'reverse', 'refund', 'refund-query'], kinds: ['accepted-202', 'system-error-500', 'rate-limit-429', 'hang-up', 'delay'] },
  alipay: { ops: ['precreate', 'pay', 'query', 'close', 'cancel', 'refund', 'refund-query'], kinds: ['service-unavailable', 'system-error', 'hang-up', 'delay', 'http-error'] },
};

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function waitFor(core: Core, paymentId: string, done: (state: string, codeUrl: string | null) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = core.payments.store.get(paymentId)!;
    if (done(row.state, row.code_url) || Date.now() > deadline) return row.state;
    await sleep(20);
  }
}

function acknowledge(core: Core, paymentId: string): void {
  // Read back from the store: only a succeeded row that is committed is acknowledged.
  const row = core.payments.store.get(paymentId);
  if (row?.state === 'succeeded') write(`ACK ${row.id} ${row.tender} ${row.out_trade_no ?? '-'} ${row.amount_fen} ${row.order_id}`);
}

async function worker(core: Core, control: Record<ProviderName, SandboxControl>, prng: Prng, config: KillChildConfig, cart: CartData): Promise<void> {
  for (;;) {
    try {
      await onePayment(core, control, prng, config, cart);
    } catch (error) {
      // Reported, not swallowed: the parent fails on any of these.
      write(`ERROR ${error instanceof TillError ? error.code : ''} ${error instanceof Error ? error.message : String(error)}`.slice(0, 300));
      await sleep(50);
    }
  }
}

async function onePayment(core: Core, control: Record<ProviderName, SandboxControl>, prng: Prng, config: KillChildConfig, cart: CartData): Promise<void> {
  {
    const quantity = prng.int(1, 5);
    const order = core.orders.checkout(ACTOR, { ...cart, lines: cart.lines.map((line) => ({ ...line, quantity })) }).order;
    const provider = prng.pick<ProviderName>(['wechat', 'alipay']);
    if (prng.chance(0.3)) {
      const { ops, kinds } = FAULTS[provider];
      const kind = prng.pick(kinds);
      await control[provider].injectFault({
        op: prng.pick(ops),
        kind,
        applied: prng.chance(0.5),
        ...(kind === 'delay' ? { delayMs: prng.chance(0.5) ? 100 : config.timeoutMs + 300 } : {}),
      });
    }
    const kind = prng.weighted([
      ['qr', 0.45],
      ['code', 0.45],
      ['cash', 0.1],
    ] as const);
    if (kind === 'cash') {
      const paid = core.orders.payCash(ACTOR, order.id, order.total_fen);
      const cash = paid.detail.payments.find((p) => p.tender === 'cash');
      if (cash) acknowledge(core, cash.id);
      return;
    }
    const payment =
      kind === 'qr'
        ? core.payments.startMerchantQr(ACTOR, order.id, provider)
        : core.payments.startCustomerCode(ACTOR, order.id, provider === 'wechat' ? wechatCode(prng.pick(WECHAT_OUTCOMES)) : alipayCode(prng.pick(ALIPAY_OUTCOMES)));
    const cancelAfter = prng.chance(0.12) ? prng.int(0, 600) : null;
    if (kind === 'qr') {
      const state = await waitFor(core, payment.id, (s, codeUrl) => codeUrl !== null || FINAL.has(s) || s === 'closing', 5_000);
      const row = core.payments.store.get(payment.id)!;
      // The customer scans the code on screen and pays, through the sandbox's HTTP control route.
      if (row.code_url && (state === 'pending' || state === 'unknown') && prng.chance(0.85)) await control[provider].pay(row.out_trade_no!);
    }
    if (cancelAfter !== null) {
      await sleep(cancelAfter);
      const cancelled = core.payments.cancelAttempt(ACTOR, payment.id);
      if (cancelled.state === 'closing' && prng.chance(0.5)) {
        try {
          const paid = core.orders.payCash(ACTOR, order.id, order.total_fen);
          const cash = paid.detail.payments.find((p) => p.tender === 'cash');
          if (cash) acknowledge(core, cash.id);
        } catch (error) {
          if (!(error instanceof TillError)) throw error;
        }
      }
    }
    await waitFor(core, payment.id, (s) => FINAL.has(s), 15_000);
    acknowledge(core, payment.id);
    const after = core.orders.get(order.id).order;
    if (after.state === 'completed' && prng.chance(0.1)) {
      core.refunds.requestRefund(ACTOR, { orderId: order.id, amountFen: prng.chance(0.5) ? after.total_fen : 1, reason: '退货', approverId: 'demo-manager' });
    }
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as KillChildConfig;
  // Loading the modules takes a while; the parent starts the next process while this one's
  // predecessor still runs and lets it open the store (GO) only once the predecessor is dead.
  write('LOADED');
  await waitForGo();
  const core = await createCore({ dbFile: config.dbFile, demo: true, paymentTiming: config.timing, logger: () => {} });
  // The drawer: no sale without an open shift on the terminal (kept open across the kills).
  openDemoShift(core);
  registerEndpointClients(core.providers, config.endpoints, { timeoutMs: config.timeoutMs });
  write(`READY ${process.pid}`);
  const unfinished = () =>
    (core.db.prepare("SELECT count(*) AS n FROM payments WHERE state IN ('created', 'pending', 'unknown', 'closing')").get() as { n: number }).n +
    (core.db.prepare("SELECT count(*) AS n FROM refunds WHERE state IN ('created', 'pending', 'unknown')").get() as { n: number }).n;

  if (config.mode === 'resume') {
    const deadline = Date.now() + 40_000;
    while (unfinished() > 0 && Date.now() < deadline) await sleep(50);
    write(`DONE ${unfinished()}`);
    await core.close();
    return;
  }

  const barcodes = core.db
    .prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 ORDER BY p.id LIMIT 2")
    .all() as { barcode: string }[];
  for (const { barcode } of barcodes) core.carts.scan(ACTOR, barcode);
  const cart = core.carts.load(ACTOR.terminalId);
  core.carts.clear(ACTOR);
  const control = { wechat: new SandboxControl('wechat', config.endpoints.wechat.baseUrl), alipay: new SandboxControl('alipay', config.endpoints.alipay.baseUrl) };
  const prng = new Prng(config.seed);
  await Promise.all(Array.from({ length: config.workers }, () => worker(core, control, prng.fork(), config, cart)));
}

main().catch((error: unknown) => {
  process.stderr.write(`kill child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
