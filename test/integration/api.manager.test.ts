import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestClock, type TestCore } from '../support/core';
import { startFakePrinter } from '../support/fakePrinter';
import { decodeGb18030 } from '../support/gb18030';
import { startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import { generateWechatSandboxKeys } from '../../electron/sandbox/wechatpay';
import { generateAlipaySandboxKeys } from '../../electron/sandbox/alipay';
import { createWechatPayClient } from '../../electron/payments/wechatpay';
import { createAlipayClient } from '../../electron/payments/alipay';
import type { PrinterTestDto, ProviderTestDto } from '../../electron/api/dto';

/**
 * The manager screen's diagnostics through the dispatcher: payments.testConnection against both
 * protocol sandboxes (real signatures both ways) and printer.test against the fake ESC/POS printer.
 */
const realClock: TestClock = { now: () => Date.now(), advance: () => {}, set: () => {} };

let t: TestCore | undefined;
let sandboxes: DemoSandboxes | undefined;
const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  await t?.cleanup();
  await sandboxes?.close();
  for (const close of closers.splice(0)) await close();
  t = undefined;
  sandboxes = undefined;
});

async function start(extra: Parameters<typeof startTestCore>[0] = {}): Promise<{ t: TestCore; sb: DemoSandboxes; manager: string }> {
  t = await startTestCore({ clock: realClock, ...extra });
  sandboxes = await startDemoSandboxes(t.core.providers, { wechat: { notify: { enabled: false } }, alipay: { notify: { enabled: false } } });
  return { t, sb: sandboxes, manager: await t.login('manager', PINS.manager) };
}

/** A loopback port with nothing listening on it (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function auditRows(tc: TestCore, action: string): { target: string; details: Record<string, unknown> }[] {
  return (tc.core.db.prepare('SELECT target, details FROM audit_log WHERE action = ? ORDER BY id').all(action) as { target: string; details: string }[]).map((row) => ({
    target: row.target,
    details: JSON.parse(row.details) as Record<string, unknown>,
  }));
}

describe('payments.testConnection', () => {
  it('answers ok with the latency when each sandbox says the probe order does not exist', async () => {
    const { t, manager } = await start();
    const wechat = await t.ok<ProviderTestDto>('payments.testConnection', { provider: 'wechat' }, manager);
    expect(wechat).toMatchObject({ provider: 'wechat', providerCode: 'ORDER_NOT_EXIST', sandbox: true });
    expect(wechat.probeOutTradeNo).toMatch(/^TILLPROBE\d{16}$/);
    expect(wechat.latencyMs).toBeGreaterThanOrEqual(0);
    expect(wechat.host).toMatch(/^127\.0\.0\.1:\d+$/);
    // The WeChat sandbox, like WeChat's own SDKs' expectations, leaves error answers unsigned by default.
    expect(wechat.signature).toBe('unsigned');
    const alipay = await t.ok<ProviderTestDto>('payments.testConnection', { provider: 'alipay' }, manager);
    expect(alipay).toMatchObject({ provider: 'alipay', providerCode: 'TRADE_NOT_EXIST', signature: 'verified', sandbox: true });
    // No trade was created at either provider by the probe.
    expect(sandboxes!.wechat.trades()).toHaveLength(0);
    expect(sandboxes!.alipay.trades()).toHaveLength(0);
    const audit = auditRows(t, 'payments.connection_tested');
    expect(audit.map((row) => [row.target, row.details.ok])).toEqual([
      ['wechat', true],
      ['alipay', true],
    ]);
  });

  it('verifies a signed WeChat "no such order" answer with the configured public key', async () => {
    const { t, sb, manager } = await start();
    sb.wechat.configure({ signErrorResponses: true });
    const result = await t.ok<ProviderTestDto>('payments.testConnection', { provider: 'wechat' }, manager);
    expect(result).toMatchObject({ providerCode: 'ORDER_NOT_EXIST', signature: 'verified' });
  });

  it('refuses with PROVIDER_AUTH_FAILED when the merchant or app key is wrong', async () => {
    const { t, sb, manager } = await start();
    const [otherWechat, otherAlipay] = await Promise.all([generateWechatSandboxKeys(), generateAlipaySandboxKeys()]);
    t.core.providers.set('wechat', {
      client: createWechatPayClient({ ...sb.wechat.clientConfig(), merchantPrivateKeyPem: otherWechat.merchant.privateKeyPem }, { env: {} }),
      sandbox: true,
    });
    t.core.providers.set('alipay', {
      client: createAlipayClient({ ...sb.alipay.clientConfig(), appPrivateKey: otherAlipay.app.privateKeyPem }, { env: {} }),
      sandbox: true,
    });
    const wechat = await t.call('payments.testConnection', { provider: 'wechat' }, manager);
    expect(wechat).toMatchObject({ ok: false, error: { code: 'PROVIDER_AUTH_FAILED', details: { code: 'SIGN_ERROR' } } });
    if (!wechat.ok) {
      expect(wechat.error.message.zh).toContain('微信支付');
      expect(wechat.error.message.en).toContain('WeChat Pay');
    }
    const alipay = await t.call('payments.testConnection', { provider: 'alipay' }, manager);
    expect(alipay).toMatchObject({ ok: false, error: { code: 'PROVIDER_AUTH_FAILED', details: { code: 'isv.invalid-signature' } } });
    expect(auditRows(t, 'payments.connection_tested').map((row) => row.details)).toEqual([
      { ok: false, code: 'PROVIDER_AUTH_FAILED' },
      { ok: false, code: 'PROVIDER_AUTH_FAILED' },
    ]);
  });

  it('refuses with PROVIDER_SIGNATURE_INVALID when the provider public key or certificate is wrong', async () => {
    const { t, sb, manager } = await start();
    sb.wechat.configure({ signErrorResponses: true });
    const [otherWechat, otherAlipay] = await Promise.all([generateWechatSandboxKeys(), generateAlipaySandboxKeys()]);
    const wechatConfig = sb.wechat.clientConfig({ verification: 'publicKey' });
    t.core.providers.set('wechat', {
      client: createWechatPayClient(
        { ...wechatConfig, wechatpayPublicKey: { id: sb.wechat.keys.publicKey.id, pem: otherWechat.publicKey.publicKeyPem } },
        { env: {} },
      ),
      sandbox: true,
    });
    t.core.providers.set('alipay', {
      client: createAlipayClient({ ...sb.alipay.clientConfig(), alipayPublicKey: otherAlipay.alipay.publicKeyPem }, { env: {} }),
      sandbox: true,
    });
    expect(await t.call('payments.testConnection', { provider: 'wechat' }, manager)).toMatchObject({
      ok: false,
      error: { code: 'PROVIDER_SIGNATURE_INVALID', details: { code: 'BAD_SIGNATURE' } },
    });
    expect(await t.call('payments.testConnection', { provider: 'alipay' }, manager)).toMatchObject({
      ok: false,
      error: { code: 'PROVIDER_SIGNATURE_INVALID', details: { code: 'INVALID_SIGNATURE' } },
    });
  });

  it('says PROVIDER_UNREACHABLE when nothing listens at the provider address', async () => {
    const { t, sb, manager } = await start();
    const port = await closedPort();
    t.core.providers.set('wechat', { client: createWechatPayClient({ ...sb.wechat.clientConfig(), baseUrl: `http://127.0.0.1:${port}` }, { env: {} }), sandbox: false });
    t.core.providers.set('alipay', {
      client: createAlipayClient({ ...sb.alipay.clientConfig(), gateway: `http://127.0.0.1:${port}/gateway.do` }, { env: {} }),
      sandbox: false,
    });
    for (const provider of ['wechat', 'alipay'] as const) {
      const response = await t.call('payments.testConnection', { provider }, manager);
      expect(response).toMatchObject({ ok: false, error: { code: 'PROVIDER_UNREACHABLE', details: { host: `127.0.0.1:${port}` } } });
      if (!response.ok) {
        expect(response.error.message.en).toContain('ECONNREFUSED');
        expect(response.error.message.zh).toContain('连接被拒绝');
      }
    }
  });

  it('says PROVIDER_TIMEOUT when the provider accepts the connection but never answers', async () => {
    const { t, sb, manager } = await start();
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const sockets = new Set<net.Socket>();
    silent.on('connection', (socket) => sockets.add(socket));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as net.AddressInfo;
    t.core.providers.set('wechat', {
      client: createWechatPayClient({ ...sb.wechat.clientConfig({ requestTimeoutMs: 300 }), baseUrl: `http://127.0.0.1:${port}` }, { env: {} }),
      sandbox: false,
    });
    expect(await t.call('payments.testConnection', { provider: 'wechat' }, manager)).toMatchObject({ ok: false, error: { code: 'PROVIDER_TIMEOUT' } });
  });

  it('explains a provider that is not configured, or configured with unusable settings', async () => {
    t = await startTestCore({ clock: realClock });
    const manager = await t.login('manager', PINS.manager);
    expect(await t.call('payments.testConnection', { provider: 'wechat' }, manager)).toMatchObject({ ok: false, error: { code: 'PROVIDER_NOT_CONFIGURED' } });
    await t.ok('settings.set', { key: 'payments.alipay', value: { appId: '2021000000000001', alipayPublicKey: '/nonexistent/alipay_public.pem' } }, manager);
    await t.ok('settings.set', { key: 'payments.mode', value: 'live' }, manager);
    const response = await t.call('payments.testConnection', { provider: 'alipay' }, manager);
    expect(response).toMatchObject({ ok: false, error: { code: 'PROVIDER_CONFIG_INVALID' } });
    if (!response.ok) expect(response.error.message.zh).toContain('支付宝配置无效');
  });

  it('is for managers: a cashier is refused and an unknown provider is a validation error', async () => {
    const { t, manager } = await start();
    const cashier = await t.login('cashier', PINS.cashier);
    expect(await t.call('payments.testConnection', { provider: 'wechat' }, cashier)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await t.call('payments.testConnection', { provider: 'paypal' }, manager)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(auditRows(t, 'payments.connection_tested')).toHaveLength(0);
  });
});

describe('printer.test', () => {
  it('prints a bilingual GB18030 test page on the configured network printer, kicking the drawer on request', async () => {
    t = await startTestCore();
    const printer = await startFakePrinter();
    closers.push(() => printer.close());
    const manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'network', host: '127.0.0.1', port: printer.port, paperWidth: 58 } }, manager);
    const result = await t.ok<PrinterTestDto>('printer.test', {}, manager);
    expect(result).toMatchObject({ printer: 'network', address: `127.0.0.1:${printer.port}`, drawerKicked: false });
    const [job] = await printer.waitForJobs(1);
    expect(result.bytes).toBe(job!.length);
    expect(job!.subarray(0, 4)).toEqual(Buffer.from([0x1b, 0x40, 0x1c, 0x26])); // ESC @, FS & (Chinese mode)
    expect(job!.includes(Buffer.from([0x1b, 0x70]))).toBe(false); // no drawer kick unless asked
    expect(job!.subarray(-3)).toEqual(Buffer.from([0x1d, 0x56, 0x01])); // partial cut last
    const text = decodeGb18030(job!);
    expect(text).toContain('打印测试 Test page');
    expect(text).toContain('中文：收银台打印正常');
    expect(text).toContain('58 mm / 32');
    expect(text).toContain('12345678901234567890123456789012');
    expect(text).not.toContain('123456789012345678901234567890123');

    const kicked = await t.ok<PrinterTestDto>('printer.test', { openDrawer: true }, manager);
    expect(kicked.drawerKicked).toBe(true);
    const jobs = await printer.waitForJobs(2);
    expect(jobs[1]!.includes(Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa]))).toBe(true);
    expect(auditRows(t, 'printer.tested').map((row) => [row.target, row.details.ok, row.details.drawerKicked])).toEqual([
      [`127.0.0.1:${printer.port}`, true, false],
      [`127.0.0.1:${printer.port}`, true, true],
    ]);
  });

  it('tests the unsaved values from the form without saving them', async () => {
    t = await startTestCore();
    const printer = await startFakePrinter();
    closers.push(() => printer.close());
    const manager = await t.login('manager', PINS.manager);
    const result = await t.ok<PrinterTestDto>('printer.test', { printer: { kind: 'network', host: '127.0.0.1', port: printer.port, paperWidth: 80 } }, manager);
    expect(result.printer).toBe('network');
    const [job] = await printer.waitForJobs(1);
    expect(decodeGb18030(job!)).toContain('80 mm / 48');
    expect(t.core.settings.get('printing.receiptPrinter')).toEqual({ kind: 'none', paperWidth: 80 });
  });

  it('gives PRINTER_UNREACHABLE for a printer that is off, and typed errors for no printer or no system printing', async () => {
    t = await startTestCore();
    const manager = await t.login('manager', PINS.manager);
    expect(await t.call('printer.test', {}, manager)).toMatchObject({ ok: false, error: { code: 'PRINTER_NOT_CONFIGURED' } });
    const port = await closedPort();
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'network', host: '127.0.0.1', port, paperWidth: 80 } }, manager);
    const response = await t.call('printer.test', {}, manager);
    expect(response).toMatchObject({ ok: false, error: { code: 'PRINTER_UNREACHABLE', details: { address: `127.0.0.1:${port}` } } });
    if (!response.ok) expect(response.error.message.zh).toContain('无法连接打印机');
    // The browser host has no system printer (only the Electron shell prints silently).
    expect(await t.call('printer.test', { printer: { kind: 'system', paperWidth: 80 } }, manager)).toMatchObject({
      ok: false,
      error: { code: 'PRINTER_SYSTEM_UNAVAILABLE' },
    });
    expect(await t.call('printer.test', { printer: { kind: 'network', host: 'bad host!', paperWidth: 80 } }, manager)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(auditRows(t, 'printer.tested').map((row) => row.details.code)).toEqual(['PRINTER_NOT_CONFIGURED', 'PRINTER_UNREACHABLE', 'PRINTER_SYSTEM_UNAVAILABLE']);
  });

  it('goes through the shell’s system print, as receipts do', async () => {
    const printed: { html: string; device: string | undefined }[] = [];
    t = await startTestCore({ extra: { systemPrint: async (html, device) => void printed.push({ html, device }) } });
    const manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'system', paperWidth: 58, deviceName: 'Counter XP-58' } }, manager);
    const result = await t.ok<PrinterTestDto>('printer.test', {}, manager);
    expect(result).toMatchObject({ printer: 'system', address: null, bytes: null });
    expect(printed).toHaveLength(1);
    expect(printed[0]!.device).toBe('Counter XP-58');
    expect(printed[0]!.html).toContain('打印测试 Test page');
    expect(printed[0]!.html).toContain('system: Counter XP-58');
  });

  it('is for managers only', async () => {
    t = await startTestCore();
    const cashier = await t.login('cashier', PINS.cashier);
    expect(await t.call('printer.test', {}, cashier)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
