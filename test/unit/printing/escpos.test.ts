import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  COLUMNS,
  ESC_POS,
  charWidth,
  columnsRow,
  displayWidth,
  encodeGb18030,
  leftRight,
  qrCodeCommand,
  renderReceiptEscPos,
  sanitizePrinterText,
  truncateToWidth,
  wrapToWidth,
} from '../../../electron/printing/escpos';
import { buildRefundReceipt, buildSaleReceipt } from '../../../electron/printing/receiptModel';
import { context, payment, sampleOrder, sampleRefund } from './orderFixture';

/** Splits printer bytes into text lines, dropping the commands the renderer emits. */
export function printedLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  let current: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const next = bytes[i + 1];
    if (b === 0x1b) {
      i += next === 0x40 ? 2 : next === 0x70 ? 5 : 3; // ESC @ | ESC p m t1 t2 | ESC a/E/d n
    } else if (b === 0x1c) {
      i += next === 0x26 ? 2 : 3; // FS & | FS ! n
    } else if (b === 0x1d) {
      if (next === 0x28) i += 5 + bytes[i + 3]! + bytes[i + 4]! * 256; // GS ( k pL pH …
      else i += 3; // GS ! n | GS V n
    } else if (b === 0x0a) {
      lines.push(iconv.decode(Buffer.from(current), 'gb18030'));
      current = [];
      i += 1;
    } else {
      current.push(b);
      i += 1;
    }
  }
  return lines;
}

function indexOf(haystack: Uint8Array, needle: readonly number[] | Uint8Array, from = 0): number {
  return Buffer.from(haystack).indexOf(Buffer.from(needle as Uint8Array), from);
}

const sale = () => buildSaleReceipt(sampleOrder(), context('zh-CN'));

describe('ESC/POS commands', () => {
  it('uses the exact init, Chinese mode, cut and drawer kick sequences', () => {
    expect(ESC_POS.INIT).toEqual([0x1b, 0x40]);
    expect(ESC_POS.CHINESE_MODE).toEqual([0x1c, 0x26]);
    expect(ESC_POS.CUT_PARTIAL).toEqual([0x1d, 0x56, 0x01]);
    expect(ESC_POS.CUT_FULL).toEqual([0x1d, 0x56, 0x00]);
    expect(ESC_POS.DRAWER_KICK).toEqual([0x1b, 0x70, 0x00, 0x19, 0xfa]);
  });

  it('builds the GS ( k QR sequence for the order number', () => {
    const data = 'S001-20250301-0042';
    const bytes = qrCodeCommand(data, 6);
    const store = [0x1d, 0x28, 0x6b, data.length + 3, 0x00, 0x31, 0x50, 0x30, ...Buffer.from(data)];
    expect(bytes).toEqual([
      0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,
      0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x06,
      0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31,
      ...store,
      0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30,
    ]);
    const long = qrCodeCommand('x'.repeat(300));
    expect(long.slice(25, 30)).toEqual([0x1d, 0x28, 0x6b, 303 & 0xff, 303 >> 8]);
  });

  it('starts with init + Chinese mode, kicks the drawer for cash, prints the QR and ends with feed + cut', () => {
    const bytes = renderReceiptEscPos(sale(), { paperWidth: 80 });
    expect([...bytes.slice(0, 9)]).toEqual([...ESC_POS.INIT, ...ESC_POS.CHINESE_MODE, ...ESC_POS.DRAWER_KICK]);
    expect([...bytes.slice(-6)]).toEqual([...ESC_POS.FEED_4, ...ESC_POS.CUT_PARTIAL]);
    expect(indexOf(bytes, qrCodeCommand('S001-20250301-0042', 6))).toBeGreaterThan(0);
    // Bold, double-height total.
    const total = indexOf(bytes, [...ESC_POS.BOLD_ON, ...ESC_POS.SIZE_DOUBLE_HEIGHT, ...ESC_POS.CJK_SIZE_DOUBLE_HEIGHT]);
    expect(total).toBeGreaterThan(0);
    expect(indexOf(bytes, encodeGb18030('应付'), total)).toBe(total + 9);
  });

  it('kicks only for cash unless told, and can cut full or not at all', () => {
    const qrOnly = buildSaleReceipt(sampleOrder([payment({ id: 'p', tender: 'alipay', amountFen: 2600 })]), context('en'));
    expect(indexOf(renderReceiptEscPos(qrOnly), ESC_POS.DRAWER_KICK)).toBe(-1);
    expect(indexOf(renderReceiptEscPos(qrOnly, { openDrawer: true }), ESC_POS.DRAWER_KICK)).toBe(4);
    expect(indexOf(renderReceiptEscPos(sale(), { openDrawer: false }), ESC_POS.DRAWER_KICK)).toBe(-1);
    expect([...renderReceiptEscPos(qrOnly, { cut: 'full' }).slice(-3)]).toEqual(ESC_POS.CUT_FULL);
    const uncut = renderReceiptEscPos(qrOnly, { cut: false });
    expect(indexOf(uncut, [0x1d, 0x56])).toBe(-1);
  });

  it('encodes Chinese as GB18030 that decodes back to the original text', () => {
    const bytes = renderReceiptEscPos(sale(), { paperWidth: 80 });
    const text = printedLines(bytes).join('\n');
    for (const s of ['鲜果小超市（人民路店）', '地址：上海市黄浦区人民路 100 号', '可口可乐 330ml', '散装苹果', '抹零', '微信支付', '找零', '谢谢惠顾，欢迎再次光临']) {
      expect(text).toContain(s);
    }
    expect(indexOf(bytes, iconv.encode('散装苹果', 'gb18030'))).toBeGreaterThan(0);
    expect(indexOf(bytes, Buffer.from('散装苹果', 'utf8'))).toBe(-1);
    expect(encodeGb18030('收银台')).toEqual(Buffer.from([0xca, 0xd5, 0xd2, 0xf8, 0xcc, 0xa8]));
    // A character outside GBK uses GB18030's four-byte form and still round-trips.
    expect(iconv.decode(encodeGb18030('𠮷野家'), 'gb18030')).toBe('𠮷野家');
  });

  it('strips control characters from text so an item name cannot inject printer commands', () => {
    const order = sampleOrder();
    order.lines[0]!.name = 'Evil\x1bp\x00\x19\xfa\x1dV\x00name';
    const bytes = renderReceiptEscPos(buildSaleReceipt(order, context('en')), { openDrawer: false });
    expect(indexOf(bytes, [0x1b, 0x70])).toBe(-1);
    expect(printedLines(bytes).join('\n')).toContain('EvilpúVname');
    expect(sanitizePrinterText('a\tb\r\nc¥')).toBe('a b  c￥');
  });

  it('prints the refund slip with negative amounts', () => {
    const model = buildRefundReceipt(sampleOrder(), { refunds: sampleRefund(), lines: [{ lineNo: 1, quantity: 1 }] }, context('zh-CN'));
    const bytes = renderReceiptEscPos(model, { paperWidth: 58 });
    const text = printedLines(bytes).join('\n');
    expect(text).toContain('退款单');
    expect(text).toMatch(/原单号 +S001-20250301-0042/);
    expect(text).toMatch(/退款金额 +-￥8\.53/);
    expect(indexOf(bytes, ESC_POS.DRAWER_KICK)).toBe(-1);
  });
});

describe('display width and layout', () => {
  it('measures CJK and full-width as two columns, ASCII as one', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('可口可乐')).toBe(8);
    expect(displayWidth('可乐 330ml')).toBe(10);
    expect(displayWidth('（）：￥')).toBe(8);
    expect(charWidth('×')).toBe(2); // GBK prints it with the CJK font
    expect(charWidth('𠮷')).toBe(2);
  });

  it('truncates and wraps on character boundaries, never splitting a 汉字', () => {
    expect(truncateToWidth('可口可乐', 5)).toBe('可口');
    expect(truncateToWidth('可口可乐零度', 9, '…')).toBe('可口可…');
    expect(displayWidth(truncateToWidth('可口可乐零度', 9, '…'))).toBeLessThanOrEqual(9);
    const wrapped = wrapToWidth('农夫山泉饮用天然水550ml整箱装24瓶', 11);
    expect(wrapped.join('')).toBe('农夫山泉饮用天然水550ml整箱装24瓶');
    for (const line of wrapped) expect(displayWidth(line)).toBeLessThanOrEqual(11);
    expect(wrapToWidth('Fresh orange juice bottle', 12)).toEqual(['Fresh orange', 'juice bottle']);
  });

  it('aligns left/right pairs and columns to the exact width', () => {
    expect(leftRight('应付', '￥26.00', 32)).toEqual([`应付${' '.repeat(21)}￥26.00`]);
    expect(displayWidth(leftRight('应付', '￥26.00', 32)[0]!)).toBe(32);
    const rows = columnsRow(['可口可乐 330ml 特大号家庭装', '3', '3.50', '10.50'], [
      { width: 20, align: 'left' },
      { width: 8, align: 'right' },
      { width: 10, align: 'right' },
      { width: 10, align: 'right' },
    ]);
    expect(rows).not.toBeNull();
    expect(displayWidth(rows![0]!)).toBe(48);
    expect(rows![0]!.endsWith('       3      3.50     10.50')).toBe(true);
    expect(rows!.slice(1).join('')).toBe('号家庭装');
    expect(columnsRow(['x', '12345678901'], [{ width: 5, align: 'left' }, { width: 8, align: 'right' }])).toBeNull();
  });

  for (const paperWidth of [58, 80] as const) {
    it(`keeps every line within ${COLUMNS[paperWidth]} columns and right-aligns amounts at ${paperWidth} mm`, () => {
      const order = sampleOrder();
      order.lines[0]!.name = '超长商品名称：进口特级初榨橄榄油礼盒装 Extra Virgin Olive Oil 1L×2';
      for (const language of ['zh-CN', 'en'] as const) {
        const lines = printedLines(renderReceiptEscPos(buildSaleReceipt(order, context(language)), { paperWidth, qrModuleSize: 0 }));
        const width = COLUMNS[paperWidth];
        // The store name is printed double width, so it takes half the columns.
        for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
        const amounts = lines.filter((line) => /￥\d+\.\d\d$/.test(line));
        expect(amounts.length).toBeGreaterThanOrEqual(10);
        for (const line of amounts) expect(displayWidth(line), line).toBe(width);
        const item = lines.find((line) => /^散装苹果|0\.523kg/.test(line) && line.includes('6.69'));
        expect(item, lines.join('\n')).toBeDefined();
        expect(displayWidth(item!)).toBe(width);
        expect(item!.endsWith('6.69')).toBe(true);
        expect(lines.join('')).toContain(language === 'en' ? 'Total' : '应付');
      }
    });
  }
});
