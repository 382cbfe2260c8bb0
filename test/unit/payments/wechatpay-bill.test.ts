/**
 * Trade bill parsing (payment-protocols.md §2.8): a hand-written ALL bill with BOM, CRLF, back-ticked
 * cells, a comma inside a cell, a refund row and a reversal row, parsed to exact fen; and the SHA1 check
 * that guards the download. The bill here is written by hand, not by the sandbox, so the two cannot
 * agree on a mistake.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openBillFile, parseWechatTradeBill, yuanToFen, yuanToMilliFen } from '../../../electron/payments/wechatpay/bill';
import { fenToYuan } from '../../../electron/sandbox/wechatpay/bills';

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const row = (cells: string[]) => cells.map((cell) => `\`${cell}`).join(',');

const BILL =
  '\uFEFF' +
  [
    HEADER,
    row(['2024-01-02 09:15:01', 'wxd678efh567hg6787', '1230000109', '0', 'T01', '4200000001202401020000000001', 'POS20240102000001', 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'NATIVE', 'SUCCESS', 'OTHERS', 'CNY', '88.88', '0.00', '0', '0', '0.00', '0.00', '', '', '可乐, 雪碧', 'store=1', '0.53328', '0.60%', '88.88', '0.00', '']),
    row(['2024-01-02 10:00:00', 'wxd678efh567hg6787', '1230000109', '0', 'T01', '4200000001202401020000000002', 'POS20240102000002', 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'MICROPAY', 'SUCCESS', 'CMB_DEBIT', 'CNY', '123456.78', '0.00', '0', '0', '0.00', '0.00', '', '', '整箱', '', '740.74068', '0.60%', '123456.78', '0.00', '']),
    row(['2024-01-02 11:30:45', 'wxd678efh567hg6787', '1230000109', '0', 'T01', '4200000001202401020000000001', 'POS20240102000001', 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'NATIVE', 'REFUND', 'OTHERS', 'CNY', '0.00', '0.00', '50300000012024010200000001', 'R-POS20240102000001-1', '0.10', '0.00', 'ORIGINAL', 'SUCCESS', '可乐, 雪碧', 'store=1', '-0.00060', '0.60%', '0.00', '0.10', '']),
    row(['2024-01-02 12:00:00', 'wxd678efh567hg6787', '1230000109', '0', 'T01', '4200000001202401020000000003', 'POS20240102000003', 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'MICROPAY', 'REVOKED', 'OTHERS', 'CNY', '0.00', '0.00', '50300000012024010200000002', 'REVERSE-POS20240102000003', '0.01', '0.00', 'ORIGINAL', 'SUCCESS', '口香糖', '', '0.00000', '0.60%', '0.00', '0.01', '']),
    '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
    row(['4', '123545.66', '0.11', '0.00', '741.27336', '123545.66', '0.11']),
  ].join('\r\n') +
  '\r\n';

describe('parseWechatTradeBill', () => {
  const bill = parseWechatTradeBill(BILL);

  it('reads the 27-column header despite the BOM', () => {
    expect(bill.header).toHaveLength(27);
    expect(bill.header[0]).toBe('交易时间');
  });

  it('parses a payment to exact fen, keeping a comma inside a cell', () => {
    expect(bill.rows).toHaveLength(4);
    expect(bill.rows[0]).toEqual({
      provider: 'wechat',
      kind: 'payment',
      tradeTime: '2024-01-02 09:15:01',
      providerTradeNo: '4200000001202401020000000001',
      outTradeNo: 'POS20240102000001',
      amountFen: 8888,
      status: 'SUCCESS',
      feeMilliFen: 53_328, // 0.53328 yuan = 53.328 fen
      feeFen: 53,
      settlementFen: 8888,
      tradeType: 'NATIVE',
      deviceInfo: 'T01',
      attach: 'store=1',
    });
  });

  it('parses a large amount without floating-point drift', () => {
    expect(bill.rows[1]).toMatchObject({ kind: 'payment', amountFen: 12_345_678, settlementFen: 12_345_678, feeMilliFen: 74_074_068, feeFen: 74_074, tradeType: 'MICROPAY' });
  });

  it('parses refund rows with positive refund amounts and the refund ids', () => {
    expect(bill.rows[2]).toEqual({
      provider: 'wechat',
      kind: 'refund',
      tradeTime: '2024-01-02 11:30:45',
      providerTradeNo: '4200000001202401020000000001',
      outTradeNo: 'POS20240102000001',
      amountFen: 10,
      status: 'REFUND',
      feeMilliFen: -60,
      feeFen: 0,
      settlementFen: 0,
      tradeType: 'NATIVE',
      deviceInfo: 'T01',
      attach: 'store=1',
      outRefundNo: 'R-POS20240102000001-1',
      providerRefundId: '50300000012024010200000001',
      refundStatus: 'SUCCESS',
      refundType: 'ORIGINAL',
    });
    expect(bill.rows[3]).toMatchObject({ kind: 'refund', status: 'REVOKED', amountFen: 1, outRefundNo: 'REVERSE-POS20240102000003' });
  });

  it('reads the summary block, and it agrees with the rows', () => {
    expect(bill.summary).toEqual({
      tradeCount: 4,
      settlementTotalFen: 12_354_566,
      refundTotalFen: 11,
      couponRefundTotalFen: 0,
      feeTotalMilliFen: 74_127_336,
      orderTotalFen: 12_354_566,
      requestedRefundTotalFen: 11,
    });
    const sum = (kind: 'payment' | 'refund') => bill.rows.filter((r) => r.kind === kind).reduce((total, r) => total + r.amountFen, 0);
    expect(sum('payment')).toBe(bill.summary?.orderTotalFen);
    expect(sum('refund')).toBe(bill.summary?.requestedRefundTotalFen);
    expect(bill.rows.reduce((total, r) => total + r.feeMilliFen, 0)).toBe(bill.summary?.feeTotalMilliFen);
  });

  it('accepts LF-only files and a header-only file', () => {
    expect(parseWechatTradeBill(BILL.replaceAll('\r\n', '\n')).rows).toHaveLength(4);
    expect(parseWechatTradeBill(`\uFEFF${HEADER}\r\n`).rows).toEqual([]);
  });

  it('refuses a row whose cell count does not match the header, and non-amounts', () => {
    const lines = BILL.split('\r\n');
    const truncated = [lines[0], (lines[1] ?? '').split(',`').slice(0, 20).join(',`'), ...lines.slice(2)].join('\r\n');
    expect(() => parseWechatTradeBill(truncated)).toThrow(/cells/);
    expect(() => parseWechatTradeBill(BILL.replace('`88.88,`0.00,`0,', '`88.8.8,`0.00,`0,'))).toThrow(/amount/);
  });
});

describe('yuan strings to fen', () => {
  it('converts exactly', () => {
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen('-0.50')).toBe(-50);
    expect(yuanToFen('0.29')).toBe(29); // 0.29 * 100 = 28.999999999999996 in floating point
    expect(yuanToFen('1.15')).toBe(115); // 1.15 * 100 = 114.99999999999999
    expect(yuanToMilliFen('0.00600')).toBe(600);
  });

  it('refuses more decimals than the field has, exponents and junk', () => {
    for (const bad of ['1.005', '1e3', '', ' ', '¥1.00', '1,000.00', '.5', 'NaN']) expect(() => yuanToFen(bad)).toThrow();
  });

  it('round-trips every fen amount through the sandbox formatter', () => {
    fc.assert(fc.property(fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }), (fen) => yuanToFen(fenToYuan(fen)) === fen));
  });
});

describe('openBillFile (download integrity)', () => {
  const bytes = Buffer.from(BILL, 'utf8');
  const sha1 = createHash('sha1').update(bytes).digest('hex');

  it('gunzips and accepts the file whose SHA1 matches (of the uncompressed bytes)', () => {
    expect(openBillFile(gzipSync(bytes), 'SHA1', sha1)).toBe(BILL);
    expect(openBillFile(bytes, 'SHA1', sha1.toUpperCase())).toBe(BILL);
  });

  it('rejects a file whose hash does not match', () => {
    const altered = Buffer.from(BILL.replace('88.88', '88.89'), 'utf8');
    expect(() => openBillFile(gzipSync(altered), 'SHA1', sha1)).toThrow(expect.objectContaining({ kind: 'verification', code: 'BILL_HASH_MISMATCH' }));
    const wrongHash = `${sha1.slice(0, -1)}${sha1.endsWith('0') ? '1' : '0'}`;
    expect(() => openBillFile(gzipSync(bytes), 'SHA1', wrongHash)).toThrow(
      expect.objectContaining({ code: 'BILL_HASH_MISMATCH' }),
    );
  });

  it('rejects a truncated gzip stream and an unknown hash type', () => {
    const gz = gzipSync(bytes);
    expect(() => openBillFile(gz.subarray(0, gz.length - 8), 'SHA1', sha1)).toThrow(expect.objectContaining({ code: 'BILL_CORRUPT' }));
    expect(() => openBillFile(gz, 'MD5', sha1)).toThrow(expect.objectContaining({ code: 'BILL_HASH_TYPE' }));
  });
});
