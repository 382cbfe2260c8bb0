import { afterEach, describe, expect, it } from 'vitest';
import { PROVIDER_TIMING, type PaymentTiming } from '../../electron/payments/attempts/timing';
import { startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import type { SyncEnrolmentDto } from '../../electron/api/dto';
import { readSyncState } from '../../db/stores/outbox';
import { PINS } from '../support/core';
import { startFakeCloud, type FakeCloud } from '../support/syncFakeCloud';
import { CASHIER, cartOf, startSyncTill, type SyncTill } from '../support/syncTill';

/**
 * Relayed provider notifications (GET /v1/sync/events): the cloud verified a provider's
 * notification and hands it to the till, which only wakes the attempt or refund so it queries the
 * provider now. The claim is never believed: a relayed "paid" for an unpaid QR changes nothing.
 * Real engines and both protocol sandboxes; the attempts' own polls are set a minute apart, so
 * anything that settles within the test settled because of the wake. Notify URLs point at the cloud.
 */
const SLOW: PaymentTiming = { ...PROVIDER_TIMING, qrFastPollMs: 60_000, qrSlowPollMs: 60_000, refundPollMs: 60_000, unknownRetryMs: 60_000, sweepIntervalMs: 600_000 };

const open: (SyncTill | FakeCloud | DemoSandboxes)[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await ('cleanup' in thing ? thing.cleanup() : thing.close());
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(20);
  }
}

describe('relayed provider notifications', () => {
  it('wake the attempt, which confirms by query; a false claim is not believed; refunds too; the cursor is kept', async () => {
    const cloud = await startFakeCloud();
    const till = await startSyncTill({ realClock: true, manual: true, paymentsManual: false, paymentTiming: SLOW });
    open.push(cloud, till);
    const sandboxes = await startDemoSandboxes(till.core.providers, { wechat: { refundProcessingMs: 100 } });
    // Closed after the till (reverse order), so its drivers stop before their provider goes away.
    open.unshift(sandboxes);
    const owner = await till.login('owner', PINS.owner);
    const { terminalId } = await till.ok<SyncEnrolmentDto>('sync.enrol', { cloudUrl: cloud.baseUrl, code: cloud.addEnrolmentCode('S001') }, owner);
    const core = till.core;
    const cart = cartOf(core);
    const qr = async (tender: 'wechat' | 'alipay') => {
      const order = core.orders.checkout(CASHIER, cart).order;
      const payment = core.payments.startMerchantQr(CASHIER, order.id, tender);
      const row = await until(() => core.payments.store.get(payment.id)!, (r) => r.code_url !== null);
      expect(row.state).toBe('pending');
      return { orderId: order.id, paymentId: payment.id, outTradeNo: row.out_trade_no! };
    };

    // WeChat Pay: the customer pays; the provider's notification went to the cloud (our notify URL).
    const paid = await qr('wechat');
    expect(sandboxes.wechat.scanAndPay(paid.outTradeNo).ok).toBe(true);
    await sleep(300);
    expect(core.payments.store.get(paid.paymentId)!.state).toBe('pending');
    const deliveries = await until(() => sandboxes.wechat.notifications(), (d) => d.length > 0);
    expect(deliveries[0]!.url).toBe(`${cloud.baseUrl}/v1/notify/wechat/${terminalId}`);
    cloud.relay(terminalId, { provider: 'wechat', kind: 'payment', outTradeNo: paid.outTradeNo, outRefundNo: null, claimedState: 'SUCCESS' });

    // A false claim: this QR was never paid.
    const unpaid = await qr('wechat');
    cloud.relay(terminalId, { provider: 'wechat', kind: 'payment', outTradeNo: unpaid.outTradeNo, outRefundNo: null, claimedState: 'SUCCESS' });
    // Alipay face-to-face, and an event for an out_trade_no this till does not know.
    const alipay = await qr('alipay');
    expect(sandboxes.alipay.scanAndPay(alipay.outTradeNo).ok).toBe(true);
    cloud.relay(terminalId, { provider: 'alipay', kind: 'payment', outTradeNo: alipay.outTradeNo, outRefundNo: null, claimedState: 'TRADE_SUCCESS' });
    cloud.relay(terminalId, { provider: 'alipay', kind: 'payment', outTradeNo: 'NOSUCHTRADE0001', outRefundNo: null, claimedState: 'TRADE_SUCCESS' });

    expect(await core.sync.pollEventsOnce()).toBe(4);
    expect(readSyncState(core.db).events_cursor).toBe('4');
    expect((await until(() => core.payments.store.get(paid.paymentId)!, (r) => r.state === 'succeeded')).state).toBe('succeeded');
    expect((await until(() => core.payments.store.get(alipay.paymentId)!, (r) => r.state === 'succeeded')).state).toBe('succeeded');
    expect(core.orders.get(paid.orderId).order.state).toBe('completed');
    await sleep(300);
    expect(core.payments.store.get(unpaid.paymentId)!.state).toBe('pending');
    expect(core.orders.get(unpaid.orderId).order.state).toBe('paying');
    expect(await core.sync.pollEventsOnce()).toBe(0);

    // A refund: processing at the provider, woken by the relayed refund notification.
    const [refund] = core.refunds.requestRefund(CASHIER, { orderId: paid.orderId, amountFen: 1, reason: '退货', approverId: 'demo-manager' });
    await until(() => sandboxes.wechat.refunds(), (r) => r.length > 0);
    await sleep(300);
    expect(core.refunds.get(refund!.id)!.state).not.toBe('succeeded');
    cloud.relay(terminalId, { provider: 'wechat', kind: 'refund', outTradeNo: paid.outTradeNo, outRefundNo: refund!.out_refund_no, claimedState: 'SUCCESS' });
    expect(await core.sync.pollEventsOnce()).toBe(1);
    expect((await until(() => core.refunds.get(refund!.id)!, (r) => r.state === 'succeeded')).state).toBe('succeeded');
    expect(core.orders.get(paid.orderId).order).toMatchObject({ state: 'partially_refunded', refunded_fen: 1 });
  });

  it('without enrolment the providers keep the configured notify URL and nothing is polled', async () => {
    const cloud = await startFakeCloud();
    const till = await startSyncTill({ realClock: true, manual: true });
    open.push(cloud, till);
    expect(till.core.sync.notifyUrl('wechat')).toBeUndefined();
    till.setSettings({ 'sync.cloudUrl': cloud.baseUrl });
    // A URL alone is not an enrolment.
    expect(till.core.sync.notifyUrl('alipay')).toBeUndefined();
    expect(await till.core.sync.pollEventsOnce()).toBe(0);
    expect(till.core.sync.status()).toMatchObject({ state: 'not_enrolled', lastError: { code: 'SYNC_NOT_ENROLLED' } });
    expect(cloud.requests).toEqual([]);
  });
});
