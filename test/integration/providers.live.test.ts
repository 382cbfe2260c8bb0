import { afterEach, describe, expect, it } from 'vitest';
import { KeyFileKeeper } from '../../electron/host/keyFileKeeper';
import { startWechatSandbox, authCodeWithSuffix as wechatCode, type WechatSandbox } from '../../electron/sandbox/wechatpay';
import { startAlipaySandbox, authCodeWithSuffix as alipayCode, type AlipaySandbox } from '../../electron/sandbox/alipay';
import { compressedTiming } from '../../electron/payments/attempts/timing';
import type { PaymentDto, ProviderStatusDto } from '../../electron/api/dto';
import { startTestCore, PINS, type TestCore } from '../support/core';
import { tempDir } from '../support/tempDb';

/**
 * 'live' mode: the provider clients are built from plain settings + secrets sealed in the vault,
 * exactly as for the real hosts; only the base URL / gateway points at the protocol sandboxes.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(): Promise<{ t: TestCore; wechat: WechatSandbox; alipay: AlipaySandbox; owner: string }> {
  const dir = tempDir();
  const [wechat, alipay] = await Promise.all([
    startWechatSandbox({ behaviour: { notify: { enabled: false } } }),
    startAlipaySandbox({ behaviour: { notify: { enabled: false } } }),
  ]);
  const t = await startTestCore({
    clock: { now: () => Date.now(), advance: () => {}, set: () => {} },
    extra: { secretKeeper: new KeyFileKeeper(dir.file('secret.key')), paymentTiming: compressedTiming(50) },
  });
  cleanups.push(async () => {
    await t.cleanup();
    await Promise.all([wechat.close(), alipay.close()]);
    dir.cleanup();
  });
  return { t, wechat, alipay, owner: await t.login('owner', PINS.owner) };
}

describe('providers configured from settings and the vault', () => {
  it('builds both clients in live mode and takes real signed payments through them', async () => {
    const { t, wechat, alipay, owner } = await setup();
    const wx = wechat.clientConfig({ notifyUrl: 'https://pos.example.com/notify/wechat' });
    const ali = alipay.clientConfig({ notifyUrl: 'https://pos.example.com/notify/alipay' });
    const { merchantPrivateKeyPem, apiV3Key, ...wxSettings } = wx as typeof wx & { merchantPrivateKeyPem: string; apiV3Key: string };
    const { appPrivateKey, ...aliSettings } = ali;
    await t.ok('secrets.set', { name: 'wechat.merchantPrivateKey', value: merchantPrivateKeyPem }, owner);
    await t.ok('secrets.set', { name: 'wechat.apiV3Key', value: apiV3Key }, owner);
    await t.ok('secrets.set', { name: 'alipay.appPrivateKey', value: appPrivateKey }, owner);
    await t.ok('settings.set', { key: 'payments.wechat', value: wxSettings }, owner);
    await t.ok('settings.set', { key: 'payments.alipay', value: aliSettings }, owner);
    let status = await t.ok<ProviderStatusDto>('payments.status', {}, owner);
    expect(status.wechat.configured).toBe(false); // still in sandbox mode: nothing live yet
    await t.ok('settings.set', { key: 'payments.mode', value: 'live' }, owner);
    status = await t.ok<ProviderStatusDto>('payments.status', {}, owner);
    expect(status.wechat).toMatchObject({ configured: true, sandbox: false, merchantId: wx.mchid });
    expect(status.alipay).toMatchObject({ configured: true, sandbox: false, merchantId: ali.appId });

    const cashier = await t.login('cashier', PINS.cashier);
    for (const code of [wechatCode('01'), alipayCode('01')]) {
      const { barcode } = (t.core.db
        .prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 LIMIT 1")
        .all() as { barcode: string }[])[0]!;
      await t.ok('cart.scan', { code: barcode }, cashier);
      const order = await t.ok<{ id: string }>('order.create', {}, cashier);
      const payment = await t.ok<PaymentDto>('payment.scanCode', { orderId: order.id, code }, cashier);
      expect((await t.core.payments.settled(payment.id)).state).toBe('succeeded');
    }
    expect(wechat.trades()).toHaveLength(1);
    expect(alipay.trades()).toHaveLength(1);
  });

  it('reports a broken configuration without taking the till down, and without echoing key material', async () => {
    const { t, wechat, owner } = await setup();
    const wx = wechat.clientConfig({ notifyUrl: 'https://pos.example.com/notify/wechat' });
    const { merchantPrivateKeyPem: _key, apiV3Key: _v3, ...wxSettings } = wx as typeof wx & { merchantPrivateKeyPem: string; apiV3Key: string };
    await t.ok('secrets.set', { name: 'wechat.merchantPrivateKey', value: 'not a key but a secret-ish string' }, owner);
    await t.ok('settings.set', { key: 'payments.wechat', value: wxSettings }, owner);
    await t.ok('settings.set', { key: 'payments.mode', value: 'live' }, owner);
    const result = t.core.reconfigurePayments();
    expect(result.configured).not.toContain('wechat');
    expect(result.errors.wechat).toBeTruthy();
    expect(result.errors.wechat).not.toContain('secret-ish');
    const status = await t.ok<ProviderStatusDto>('payments.status', {}, owner);
    expect(status.wechat.configured).toBe(false);
  });
});
