import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestClock, type TestCore } from '../support/core';
import { demoPayerFor, startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import { compressedTiming } from '../../electron/payments/attempts/timing';
import type { OrderDto, PaymentDto } from '../../electron/api/dto';

/**
 * The customer display's "simulate customer scan and pay": an API method without a session (the
 * display has none), so it works the same over Electron's IPC bridge and the browser host. It
 * must exist only in sandbox mode and must move real money only in the sandbox.
 */
const realClock: TestClock = { now: () => Date.now(), advance: () => {}, set: () => {} };
let t: TestCore | undefined;
let sandboxes: DemoSandboxes | undefined;
afterEach(async () => {
  await t?.cleanup();
  await sandboxes?.close();
  t = sandboxes = undefined;
});

describe('app.info and sandbox.pay', () => {
  it('without a demo payer: app.info says so and sandbox.pay is refused with a typed bilingual error', async () => {
    t = await startTestCore();
    expect(await t.ok('app.info', {})).toEqual({ paymentsMode: 'sandbox', demoPay: false });
    const refused = await t.call('sandbox.pay', { tender: 'wechat', outTradeNo: 'S001T0120261123000100' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('SANDBOX_ONLY');
      expect(refused.error.message.zh).toContain('沙箱');
    }
    const bad = await t.call('sandbox.pay', { tender: 'wechat', outTradeNo: 'x; DROP' });
    expect(bad.ok ? 'ok' : bad.error.code).toBe('VALIDATION_FAILED');
  });

  it('with the sandboxes attached: a sessionless sandbox.pay pays the shown QR and the order completes', async () => {
    t = await startTestCore({ clock: realClock, extra: { paymentTiming: compressedTiming(50) } });
    sandboxes = await startDemoSandboxes(t.core.providers, { wechat: { notify: { enabled: false } }, alipay: { notify: { enabled: false } } });
    t.core.attachDemoPayer(demoPayerFor(sandboxes));
    expect(await t.ok('app.info', {})).toEqual({ paymentsMode: 'sandbox', demoPay: true });
    const token = await t.login('cashier', PINS.cashier);
    const { barcode } = t.core.db.prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.price_fen > 0 LIMIT 1").get() as { barcode: string };
    await t.ok('cart.scan', { code: barcode }, token);
    const order = await t.ok<OrderDto>('order.create', {}, token);
    for (const tender of ['alipay', 'wechat'] as const) {
      const payment = await t.ok<PaymentDto>('payment.startQr', { orderId: order.id, tender }, token);
      const deadline = Date.now() + 10_000;
      let current = payment;
      while ((!current.outTradeNo || current.state !== 'pending') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        current = await t.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token);
      }
      if (tender === 'alipay') {
        // The cashier changes their mind: the first QR is cancelled, never paid.
        await t.ok('payment.cancel', { paymentId: payment.id }, token);
        while (!['closed', 'reversed', 'failed'].includes((await t.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token)).state) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        continue;
      }
      expect(await t.ok('sandbox.pay', { tender, outTradeNo: current.outTradeNo })).toEqual({ ok: true });
      while ((await t.ok<OrderDto>('order.get', { orderId: order.id }, token)).state !== 'completed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await t.ok<OrderDto>('order.get', { orderId: order.id }, token)).state).toBe('completed');
    }
    // An unknown trade is not paid: the sandbox says so.
    expect(await t.ok('sandbox.pay', { tender: 'wechat', outTradeNo: 'NOSUCHTRADE01' })).toEqual({ ok: false });
  });
});
