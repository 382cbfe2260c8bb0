import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestCore } from '../support/core';
import { startFakePrinter } from '../support/fakePrinter';
import { decodeGb18030 } from '../support/gb18030';
import type { OrderDto } from '../../electron/api/dto';
import type { DayReport, ShiftReport } from '../../electron/reports/types';
import { moneyText } from '../../electron/reports/render';

let t: TestCore | undefined;
const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  for (const close of closers.splice(0)) await close();
});

/** A cash sale rung up by `token`. */
async function cashSale(tc: TestCore, token: string): Promise<OrderDto> {
  const { barcode } = tc.core.db
    .prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 LIMIT 1")
    .get() as { barcode: string };
  await tc.ok('cart.scan', { code: barcode }, token);
  const order = await tc.ok<OrderDto>('order.create', {}, token);
  return (await tc.ok<{ order: OrderDto }>('order.payCash', { orderId: order.id, tenderedFen: order.totalFen + 1000 }, token)).order;
}

/** The drawer the test core opened for this till (startTestCore opens one by default). */
function openShiftId(tc: TestCore): string {
  const open = tc.core.shifts.current(tc.core.identity().terminalId);
  if (!open) throw new Error('the test core has no open shift');
  return open.id;
}

describe('report.print / report.html / report.csv', () => {
  it('prints the day report on the network printer: what report.day says, in Chinese and English; audited', async () => {
    t = await startTestCore();
    const printer = await startFakePrinter();
    closers.push(() => printer.close());
    const manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'network', host: '127.0.0.1', port: printer.port, paperWidth: 58 } }, manager);
    const order = await cashSale(t, manager);
    const day = await t.ok<DayReport>('report.day', {}, manager);
    expect(day.totals.salesFen).toBe(order.totalFen);

    const printed = await t.ok<{ printer: string; bytes: number }>('report.print', { kind: 'day', lang: 'zh-CN' }, manager);
    expect(printed.printer).toBe('network');
    const [job] = await printer.waitForJobs(1);
    expect(job!.length).toBe(printed.bytes);
    const zh = decodeGb18030(job!);
    expect(zh).toContain('日结报表（Z）');
    expect(zh).toContain(day.businessDate);
    expect(zh).toMatch(new RegExp(`净收入 +${moneyText(day.totals.netFen, '\uffe5').replace(/[.$]/g, '\\$&')}`));
    expect(zh).toMatch(new RegExp(`现金 +${moneyText(day.totals.netFen, '\uffe5').replace(/[.$]/g, '\\$&')}`));
    expect([...job!.subarray(-3)]).toEqual([0x1d, 0x56, 0x01]);

    await t.ok('report.print', { kind: 'day', lang: 'en' }, manager);
    const jobs = await printer.waitForJobs(2);
    expect(decodeGb18030(jobs[1]!)).toMatch(/Net +￥/);
    expect(t.core.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'report.printed'").get()).toEqual({ n: 2 });
  });

  it('an unreachable printer is a typed error (and audited), not a silent success', async () => {
    t = await startTestCore();
    const manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'network', host: '127.0.0.1', port: 9, paperWidth: 80 } }, manager);
    const response = await t.call('report.print', { kind: 'day' }, manager);
    expect(response).toMatchObject({ ok: false, error: { code: 'PRINTER_UNREACHABLE' } });
    const row = t.core.db.prepare("SELECT details FROM audit_log WHERE action = 'report.printed'").get() as { details: string };
    expect(JSON.parse(row.details)).toMatchObject({ ok: false, code: 'PRINTER_UNREACHABLE' });
    expect(await t.call('report.print', { kind: 'day' }, manager)).toMatchObject({ ok: false });
  });

  it('prints and renders the shift (X) report of the open shift', async () => {
    t = await startTestCore();
    const printer = await startFakePrinter();
    closers.push(() => printer.close());
    const manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'network', host: '127.0.0.1', port: printer.port, paperWidth: 80 } }, manager);
    const shiftId = openShiftId(t);
    const order = await cashSale(t, manager);
    const x = await t.ok<ShiftReport>('shift.report', {}, manager);
    expect(x.sales.salesFen).toBe(order.totalFen);
    await t.ok('report.print', { kind: 'shift', lang: 'zh-CN' }, manager);
    const [job] = await printer.waitForJobs(1);
    const text = decodeGb18030(job!);
    expect(text).toContain('交班报表（X）');
    expect(x.cash.shiftId).toBe(shiftId);
    expect(text).toMatch(new RegExp(`备用金 +${moneyText(x.cash.openingFloatFen, '\uffe5').replace(/[.$]/g, '\\$&')}`));
    expect(text).toMatch(new RegExp(`应有现金 +${moneyText(x.cash.expectedFen, '\uffe5').replace(/[.$]/g, '\\$&')}`));
    const { html } = await t.ok<{ html: string }>('report.html', { kind: 'shift', shiftId: x.cash.shiftId, lang: 'en' }, manager);
    expect(html).toContain('Shift report (X)');
    expect(html).toContain(`data-total="expected">${moneyText(x.cash.expectedFen)}<`);
  });

  it('serves the HTML and the CSV of the same day, managers only', async () => {
    t = await startTestCore();
    const manager = await t.login('manager', PINS.manager);
    await cashSale(t, manager);
    const day = await t.ok<DayReport>('report.day', {}, manager);
    const { html } = await t.ok<{ html: string }>('report.html', { kind: 'day', lang: 'en' }, manager);
    expect(html).toContain('Daily settlement (Z report)');
    expect(html).toContain(`data-total="net">${moneyText(day.totals.netFen)}<`);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(day.hours.length);
    const csv = await t.ok<{ filename: string; csv: string }>('report.csv', { lang: 'zh-CN' }, manager);
    expect(csv.filename).toBe(`day-report-${day.storeId}-${day.businessDate}-zh-CN.csv`);
    expect(csv.csv.startsWith('\ufeff')).toBe(true);
    expect(csv.csv).toContain(`salesFen,销售额,${moneyText(day.totals.salesFen, '').replace(/,/g, '')},${day.totals.salesFen}\r\n`);
    const cashier = await t.login('cashier', PINS.cashier);
    expect(await t.call('report.csv', { lang: 'en' }, cashier)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
