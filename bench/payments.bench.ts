/**
 * Payment figures through the real core, real clients and the protocol sandboxes on loopback:
 *  1. charge → QR ready: from `payment.startQr` to the `waiting_for_scan` event, split into the
 *     provider round trip (signed create + verified answer) and everything else (our cost),
 *     plus the QR rendering cost (qrcode → SVG, what the renderer draws);
 *  2. payments completed per second: customer-code payments, sequential and 8 at a time.
 *
 *   npx tsx bench/payments.bench.ts [payments=300]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { createCore, type Core } from '../electron/core/createCore';
import { startDemoSandboxes } from '../electron/sandbox/demo';
import { authCodeWithSuffix as wechatCode } from '../electron/sandbox/wechatpay';
import { authCodeWithSuffix as alipayCode } from '../electron/sandbox/alipay';
import type { PaymentProgress } from '../electron/payments/attempts/engine';
import type { PaymentProvider } from '../electron/payments/provider';
import { openDemoShift } from '../test/support/core';

const count = Number(process.argv[2] ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'till-bench-payments-'));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const fmt = (values: number[]) => `p50 ${percentile(values, 50).toFixed(2)} ms, p95 ${percentile(values, 95).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(2)} ms`;

async function newOrder(core: Core, actor: { userId: string; terminalId: string }, barcode: string): Promise<string> {
  core.carts.scan(actor, barcode);
  return core.orders.checkout(actor, core.carts.load(actor.terminalId)).order.id;
}

/** Times every createMerchantQr call: the provider round trip, measured inside the client call. */
function timeProviderCalls(provider: PaymentProvider, into: number[]): void {
  const original = provider.createMerchantQr.bind(provider);
  provider.createMerchantQr = async (input) => {
    const started = performance.now();
    try {
      return await original(input);
    } finally {
      into.push(performance.now() - started);
    }
  };
}

async function main(): Promise<void> {
  const core = await createCore({ dbFile: join(dir, 'till.sqlite'), demo: true });
  openDemoShift(core); // no sale without an open shift (the drawer) on the terminal
  const sandboxes = await startDemoSandboxes(core.providers, { wechat: { notify: { enabled: false } }, alipay: { notify: { enabled: false } } });
  const session = await core.sessions.login({ username: 'cashier', pin: '1234' });
  const actor = { userId: session.userId, terminalId: session.terminalId };
  const barcodes = (
    core.db.prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 LIMIT 20").all() as { barcode: string }[]
  ).map((r) => r.barcode);

  for (const tender of ['wechat', 'alipay'] as const) {
    const roundTrips: number[] = [];
    const chargeToQr: number[] = [];
    const renders: number[] = [];
    timeProviderCalls(core.providers.entry(tender)!.client, roundTrips);
    const samples = Math.min(100, count);
    for (let i = 0; i < samples; i++) {
      const orderId = await newOrder(core, actor, barcodes[i % barcodes.length]!);
      const ready = new Promise<PaymentProgress>((resolve) => {
        const off = core.events.on('payment.progress', (progress) => {
          if (progress.orderId === orderId && progress.stage === 'waiting_for_scan') {
            off();
            resolve(progress);
          }
        });
      });
      const started = performance.now();
      core.payments.startMerchantQr(actor, orderId, tender);
      const progress = await ready;
      chargeToQr.push(performance.now() - started);
      const renderStart = performance.now();
      await QRCode.toString(progress.codeUrl!, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      renders.push(performance.now() - renderStart);
      const payment = core.payments.store.liveForOrder(orderId)!;
      core.payments.cancelAttempt(actor, payment.id);
    }
    const ours = chargeToQr.map((total, i) => total - (roundTrips[i] ?? 0));
    console.log(`${tender} merchant QR (${samples} charges)`);
    console.log(`  charge → QR ready (total):           ${fmt(chargeToQr)}`);
    console.log(`  provider round trip (sign+HTTP+verify): ${fmt(roundTrips)}`);
    console.log(`  charge → QR minus round trip (ours):  ${fmt(ours)}`);
    console.log(`  QR render to SVG (qrcode):            ${fmt(renders)}`);
  }

  for (const concurrency of [1, 8]) {
    const started = performance.now();
    let done = 0;
    const worker = async (w: number) => {
      for (let i = w; i < count; i += concurrency) {
        const orderId = await newOrderFor(core, actor, barcodes[i % barcodes.length]!);
        const code = i % 2 === 0 ? wechatCode('01') : alipayCode('01');
        const payment = core.payments.startCustomerCode(actor, orderId, code);
        const final = await core.payments.settled(payment.id);
        if (final.state !== "succeeded") throw new Error(`payment ${payment.id} ended ${final.state}: ${final.failure_code} ${final.failure_message}`);
        done += 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    const seconds = (performance.now() - started) / 1000;
    console.log(`customer-code payments, ${concurrency} at a time: ${done} in ${seconds.toFixed(1)} s = ${(done / seconds).toFixed(1)} payments/s (order + attempt + pay + verify + settle)`);
  }
  await core.close();
  await sandboxes.close();
}

/** Each concurrent worker needs its own cart: terminals have one cart, so build orders directly. */
async function newOrderFor(core: Core, actor: { userId: string; terminalId: string }, barcode: string): Promise<string> {
  const scan = core.catalog.lookupScan(barcode);
  const cart = {
    lines: [
      {
        lineId: 'L1',
        productId: scan.product.id,
        sku: scan.product.sku,
        barcode,
        name: scan.product.name,
        nameEn: scan.product.nameEn,
        unit: scan.product.unit,
        soldBy: scan.product.soldBy,
        quantity: 1,
        unitPriceFen: scan.product.priceFen,
        listPriceFen: scan.product.priceFen,
        priceOverriddenBy: null,
        fixedByLabel: false,
        taxRateBp: scan.product.taxRateBp,
        discount: null,
      },
    ],
    orderDiscount: null,
    coupon: null,
    approval: null,
    nextLine: 2,
  };
  return core.orders.checkout(actor, cart).order.id;
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
