import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TillError } from '../../electron/api/errors';
import { ESC_POS, renderReceiptEscPos } from '../../electron/printing/escpos';
import { parsePrinterStatus, queryPrinterStatus, sendToNetworkPrinter } from '../../electron/printing/networkPrinter';
import { buildSaleReceipt } from '../../electron/printing/receiptModel';
import { startFakePrinter, type FakePrinter } from '../support/fakePrinter';
import { context, payment, sampleOrder } from '../unit/printing/orderFixture';

let printer: FakePrinter;

beforeEach(async () => {
  printer = await startFakePrinter();
});

afterEach(async () => {
  await printer.close();
});

function target(extra: Partial<Parameters<typeof sendToNetworkPrinter>[0]> = {}) {
  return { host: printer.host, port: printer.port, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<TillError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TillError);
  return error as TillError;
}

describe('printing to a network ESC/POS printer', () => {
  it('delivers the whole receipt: init first, GB18030 Chinese, drawer kick for cash, cut last', async () => {
    const bytes = renderReceiptEscPos(buildSaleReceipt(sampleOrder(), context('zh-CN')), { paperWidth: 58 });
    const result = await sendToNetworkPrinter(target(), bytes);
    expect(result.bytesWritten).toBe(bytes.length);
    const [job] = await printer.waitForJobs(1);
    expect(job).toBeDefined();
    expect(Buffer.compare(job!, Buffer.from(bytes))).toBe(0);
    expect([...job!.subarray(0, 4)]).toEqual([...ESC_POS.INIT, ...ESC_POS.CHINESE_MODE]);
    expect(job!.indexOf(Buffer.from(ESC_POS.DRAWER_KICK))).toBe(4);
    expect(job!.indexOf(iconv.encode('鲜果小超市', 'gb18030'))).toBeGreaterThan(0);
    expect(job!.indexOf(iconv.encode('谢谢惠顾', 'gb18030'))).toBeGreaterThan(0);
    expect(iconv.decode(job!, 'gb18030')).toContain('可口可乐 330ml');
    expect([...job!.subarray(-3)]).toEqual(ESC_POS.CUT_PARTIAL);
  });

  it('does not kick the drawer for a QR-only sale', async () => {
    const order = sampleOrder([payment({ id: 'p', tender: 'wechat', amountFen: 2600 })]);
    await sendToNetworkPrinter(target(), renderReceiptEscPos(buildSaleReceipt(order, context('en'))));
    const [job] = await printer.waitForJobs(1);
    expect(job!.indexOf(Buffer.from([0x1b, 0x70]))).toBe(-1);
    expect([...job!.subarray(-3)]).toEqual(ESC_POS.CUT_PARTIAL);
  });

  it('rejects with PRINTER_UNREACHABLE (zh and en) when the connection is refused', async () => {
    await printer.setMode('refuse');
    const error = await rejection(sendToNetworkPrinter(target(), Uint8Array.of(0x1b, 0x40)));
    expect(error.code).toBe('PRINTER_UNREACHABLE');
    expect(error.messages.en).toContain(`127.0.0.1:${printer.port}`);
    expect(error.messages.en).toContain('ECONNREFUSED');
    expect(error.messages.zh).toContain('连接被拒绝');
    expect(error.toApiError().code).toBe('PRINTER_UNREACHABLE');
  });

  it('rejects with PRINTER_TIMEOUT when a jammed printer stops taking bytes', async () => {
    await printer.setMode('hang');
    // Far more than the loopback socket buffers hold, so the write backs up.
    const big = new Uint8Array(64 * 1024 * 1024).fill(0x41);
    const started = Date.now();
    const error = await rejection(sendToNetworkPrinter(target({ writeTimeoutMs: 300 }), big));
    expect(error.code).toBe('PRINTER_TIMEOUT');
    expect(error.details).toMatchObject({ phase: 'write', timeoutMs: 300 });
    expect(error.messages.zh).toContain('发送超时 300 毫秒');
    expect(error.messages.en).toContain('write timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers a status query (DLE EOT) and reports paper out', async () => {
    expect(await queryPrinterStatus(target())).toMatchObject({ online: true, coverOpen: false, paperOut: false, paperNearEnd: false, error: false });
    printer.status[2] = 0x12 | 0x04 | 0x20; // cover open, paper end stop
    printer.status[4] = 0x12 | 0x0c | 0x60; // near end, paper out
    printer.status[1] = 0x12 | 0x08; // offline
    expect(await queryPrinterStatus(target())).toMatchObject({ online: false, coverOpen: true, paperOut: true, paperNearEnd: true });
    // The second connection carried the three requests, one at a time.
    expect([...(printer.jobs[1] ?? [])]).toEqual([0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04]);
  });

  it('times out a status query to a printer that does not answer', async () => {
    await printer.setMode('hang');
    const error = await rejection(queryPrinterStatus(target(), { timeoutMs: 200 }));
    expect(error.code).toBe('PRINTER_TIMEOUT');
    expect(error.details).toMatchObject({ phase: 'status' });
  });

  it('parses status bytes', () => {
    expect(parsePrinterStatus(0x16, 0x12, 0x12)).toMatchObject({ online: true, coverOpen: false, paperOut: false, error: false });
    expect(parsePrinterStatus(0x1e, 0x52, 0x12)).toMatchObject({ online: false, error: true });
  });
});
