import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestCore } from '../support/core';
import { startFakePrinter } from '../support/fakePrinter';
import { decodeGb18030 } from '../support/gb18030';
import type { OrderDto } from '../../electron/api/dto';

let t: TestCore | undefined;
const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  await t?.cleanup();
  for (const close of closers.splice(0)) await close();
});

async function paidOrder(tc: TestCore, token: string): Promise<OrderDto> {
  const { barcode } = tc.core.db
    .prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 LIMIT 1")
    .get() as { barcode: string };
  await tc.ok('cart.scan', { code: barcode }, token);
  const order = await tc.ok<OrderDto>('order.create', {}, token);
  return (await tc.ok<{ order: OrderDto }>('order.payCash', { orderId: order.id, tenderedFen: order.totalFen + 1000 }, token)).order;
}

describe('receipts through the API', () => {
  it('renders the stored order as HTML in both languages', async () => {
    t = await startTestCore();
    const token = await t.login('cashier', PINS.cashier);
    const order = await paidOrder(t, token);
    const zh = await t.ok<{ html: string }>('receipt.html', { orderId: order.id, language: 'zh-CN' }, token);
    expect(zh.html).toContain(order.orderNo);
    expect(zh.html).toContain(order.lines[0]!.name);
    expect(zh.html).toMatch(/找零/);
    const en = await t.ok<{ html: string }>('receipt.html', { orderId: order.id, language: 'en', paperWidth: 58 }, token);
    expect(en.html).toMatch(/Change/);
  });

  it('prints ESC/POS to the configured network printer, kicks the drawer for cash, audits reprints', async () => {
    t = await startTestCore();
    const printer = await startFakePrinter();
    closers.push(() => printer.close());
    const manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'network', host: '127.0.0.1', port: printer.port, paperWidth: 58 } }, manager);
    const token = await t.login('cashier', PINS.cashier);
    const order = await paidOrder(t, token);
    const printed = await t.ok<{ printer: string; bytes: number }>('receipt.print', { orderId: order.id, language: 'zh-CN' }, token);
    expect(printed.printer).toBe('network');
    await printer.waitForJobs(1);
    const bytes = Buffer.from(printer.received());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40])); // ESC @ first
    expect(bytes.includes(Buffer.from([0x1b, 0x70]))).toBe(true); // drawer kick for a cash sale
    expect(decodeGb18030(bytes)).toContain(order.orderNo);
    await t.ok('receipt.print', { orderId: order.id, language: 'zh-CN', reprint: true }, token);
    expect(t.core.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'receipt.reprinted'").get()).toEqual({ n: 1 });
  });

  it('surfaces an unreachable printer as a typed error instead of pretending it printed', async () => {
    t = await startTestCore();
    const manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'network', host: '127.0.0.1', port: 9, paperWidth: 80 } }, manager);
    const token = await t.login('cashier', PINS.cashier);
    const order = await paidOrder(t, token);
    const response = await t.call('receipt.print', { orderId: order.id, language: 'en' }, token);
    expect(response).toMatchObject({ ok: false, error: { code: 'PRINTER_UNREACHABLE' } });
  });
});
