import { strToU8, unzipSync, zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeZipEntryName, parseAlipayBillZip, parseAlipayDetailCsv, splitCsvLine } from '../../../electron/payments/alipay/bill';
import { ProviderError } from '../../../electron/payments/provider';
import { zipWithGbkNames } from '../../../electron/sandbox/alipay/bill';

const HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';

/** Cells as Alipay writes them: each value followed by a tab. */
const row = (cells: string[]) => cells.map((cell) => `${cell}\t`).join(',');
const detailRow = (o: { tradeNo: string; out: string; type: string; subject?: string; amount: string; received: string; refundNo?: string; fee?: string; done?: string }) =>
  row([
    o.tradeNo, o.out, o.type, o.subject ?? '测试商品', '2024-03-05 10:00:00', o.done ?? '2024-03-05 10:00:07', '', '', '', '', 'abc***@alipay.com',
    o.amount, o.received, '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00', o.refundNo ?? '', o.fee ?? '0.00', '0.00', '',
  ]);

function detailFile(rows: string[], totals = '#交易合计：3笔，商家实收共100000088.89元，商家优惠共0.00元\r\n#退款合计：1笔，商家实收共-10.00元，商家优惠共0.00元'): string {
  return [
    '#支付宝交易记录明细查询',
    '#账号：[20881234567890120156]',
    '#起始日期：[2024年03月05日 00:00:00]   终止日期：[2024年03月06日 00:00:00]',
    '#-----------------------------------------业务明细列表----------------------------------------',
    HEADER,
    ...rows,
    '#-----------------------------------------业务明细列表结束------------------------------------',
    totals,
    '#导出时间：[2024年03月06日 10:31:02]',
    '',
  ].join('\r\n');
}

const ROWS = [
  detailRow({ tradeNo: '2024030522001400000000000001', out: 'POS-1', type: '交易', amount: '88.88', received: '88.88', fee: '-0.53' }),
  detailRow({ tradeNo: '2024030522001400000000000002', out: 'POS-2', type: '交易', subject: '"咖啡, 大杯"', amount: '0.01', received: '0.01' }),
  detailRow({ tradeNo: '2024030522001400000000000003', out: 'POS-3', type: '交易', amount: '100000000.00', received: '100000000.00', fee: '-600000.00' }),
  detailRow({ tradeNo: '2024030522001400000000000001', out: 'POS-1', type: '退款', amount: '-10.00', received: '-10.00', refundNo: 'R-POS-1-1', done: '2024-03-05 11:00:00' }),
];

const EXPECTED_ROWS = [
  { provider: 'alipay', kind: 'payment', tradeTime: '2024-03-05T10:00:07+08:00', providerTradeNo: '2024030522001400000000000001', outTradeNo: 'POS-1', amountFen: 8888, status: '交易', feeFen: -53 },
  { provider: 'alipay', kind: 'payment', tradeTime: '2024-03-05T10:00:07+08:00', providerTradeNo: '2024030522001400000000000002', outTradeNo: 'POS-2', amountFen: 1, status: '交易', feeFen: 0 },
  { provider: 'alipay', kind: 'payment', tradeTime: '2024-03-05T10:00:07+08:00', providerTradeNo: '2024030522001400000000000003', outTradeNo: 'POS-3', amountFen: 10_000_000_000, status: '交易', feeFen: -60_000_000 },
  { provider: 'alipay', kind: 'refund', tradeTime: '2024-03-05T11:00:00+08:00', providerTradeNo: '2024030522001400000000000001', outTradeNo: 'POS-1', amountFen: 1000, status: '退款', outRefundNo: 'R-POS-1-1', feeFen: 0 },
];

function gbk(text: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, 'gbk'));
}

function billError(action: () => unknown): ProviderError {
  try {
    action();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('parseAlipayDetailCsv', () => {
  it('reads rows by header name, trims tab-padded cells, converts yuan to fen exactly, refunds positive', () => {
    expect(parseAlipayDetailCsv(detailFile(ROWS))).toEqual(EXPECTED_ROWS);
  });

  it('does not depend on column order', () => {
    const reorder = (line: string) => {
      const cells = splitCsvLine(line).map((cell) => (cell.includes(',') ? `"${cell}"` : cell));
      return [...cells.slice(11), ...cells.slice(0, 11)].join(',');
    };
    const lines = detailFile(ROWS).split('\r\n');
    const headerAt = lines.indexOf(HEADER);
    for (let i = headerAt; i <= headerAt + ROWS.length; i += 1) lines[i] = reorder(lines[i]!);
    expect(parseAlipayDetailCsv(lines.join('\r\n'))).toEqual(EXPECTED_ROWS);
  });

  it('notices rows that do not add up to the 合计 lines', () => {
    const missingRow = detailFile(ROWS.slice(1));
    expect(billError(() => parseAlipayDetailCsv(missingRow)).code).toBe('BILL_TOTALS_MISMATCH');
    const alteredAmount = detailFile([ROWS[0]!.replace('88.88\t,88.88', '88.88\t,88.87'), ...ROWS.slice(1)]);
    expect(billError(() => parseAlipayDetailCsv(alteredAmount)).code).toBe('BILL_TOTALS_MISMATCH');
  });

  it('accepts a file without 合计 lines (nothing to cross-check)', () => {
    expect(parseAlipayDetailCsv(detailFile(ROWS, ''))).toHaveLength(4);
  });

  it('rejects amounts that are not exact yuan, unknown row types, positive refunds and missing structure', () => {
    expect(billError(() => parseAlipayDetailCsv(detailFile([ROWS[0]!.replace('88.88\t,88.88', '88.885\t,88.88')], ''))).code).toBe('BILL_BAD_AMOUNT');
    expect(billError(() => parseAlipayDetailCsv(detailFile([ROWS[0]!.replace('交易', '分账')], ''))).code).toBe('BILL_UNKNOWN_ROW');
    expect(billError(() => parseAlipayDetailCsv(detailFile([ROWS[3]!.replace('-10.00\t,-10.00', '-10.00\t,10.00')], ''))).code).toBe('BILL_BAD_AMOUNT');
    expect(billError(() => parseAlipayDetailCsv('#支付宝交易记录明细查询\r\n' + HEADER)).code).toBe('BILL_FORMAT');
    expect(billError(() => parseAlipayDetailCsv(detailFile([]).replace(HEADER, HEADER.replace('商户订单号', '订单号')))).code).toBe('BILL_FORMAT');
  });

  it('an empty day has no rows', () => {
    expect(parseAlipayDetailCsv(detailFile([], '#交易合计：0笔，商家实收共0.00元，商家优惠共0.00元\r\n#退款合计：0笔，商家实收共0.00元，商家优惠共0.00元'))).toEqual([]);
  });
});

describe('splitCsvLine', () => {
  it('handles quotes, escaped quotes and padding', () => {
    expect(splitCsvLine('a\t, "b, c"\t,"say ""hi""",\t')).toEqual(['a', 'b, c', 'say "hi"', '']);
  });
});

describe('parseAlipayBillZip', () => {
  const summary = '#支付宝业务汇总查询\r\n#-----------------------------------------业务汇总列表----------------------------------------\r\n门店编号,交易订单总笔数\r\n合计\t,3\t\r\n';

  it('finds the detail file in an archive with GBK entry names and no UTF-8 flag (as Alipay ships it)', () => {
    const zip = zipWithGbkNames([
      { name: '20881234567890120156_20240305_业务明细(汇总).csv', bytes: gbk(summary) },
      { name: '20881234567890120156_20240305_业务明细.csv', bytes: gbk(detailFile(ROWS)) },
    ]);
    // fflate reads such names as Latin-1: the Chinese part is not recognisable without re-decoding.
    const rawNames = Object.keys(unzipSync(zip));
    expect(rawNames.some((name) => name.includes('业务明细'))).toBe(false);
    expect(rawNames.map(decodeZipEntryName).sort()).toEqual(['20881234567890120156_20240305_业务明细(汇总).csv', '20881234567890120156_20240305_业务明细.csv']);
    expect(parseAlipayBillZip(zip)).toEqual(EXPECTED_ROWS);
  });

  it('also reads archives with UTF-8 flagged names', () => {
    const zip = zipSync({ '2088_20240305_业务明细.csv': gbk(detailFile(ROWS)), '2088_20240305_业务明细(汇总).csv': gbk(summary) });
    expect(parseAlipayBillZip(zip)).toEqual(EXPECTED_ROWS);
  });

  it('falls back to the content marker when names say nothing', () => {
    const zip = zipSync({ 'a.csv': gbk(summary), 'b.csv': gbk(detailFile(ROWS)) });
    expect(parseAlipayBillZip(zip)).toEqual(EXPECTED_ROWS);
  });

  it('refuses what is not a bill archive', () => {
    expect(billError(() => parseAlipayBillZip(strToU8('<html>expired</html>'))).code).toBe('BILL_NOT_ZIP');
    expect(billError(() => parseAlipayBillZip(zipSync({ 'readme.txt': strToU8('hi') }))).code).toBe('BILL_FORMAT');
  });

  it('keeps decodeZipEntryName away from names that were already decoded', () => {
    expect(decodeZipEntryName('plain.csv')).toBe('plain.csv');
    expect(decodeZipEntryName('业务明细.csv')).toBe('业务明细.csv');
    expect(decodeZipEntryName(Buffer.from(iconv.encode('业务明细.csv', 'gbk')).toString('latin1'))).toBe('业务明细.csv');
  });
});
