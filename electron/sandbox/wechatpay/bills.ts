/**
 * Trade bill files as WeChat Pay serves them (payment-protocols.md §2.8): UTF-8 with BOM, CRLF, the
 * 27-column ALL header, back-ticked cells, yuan amounts (fee with 5 decimals), refund rows, the
 * summary block; gzip on request; SHA1 of the uncompressed file; short-lived download tokens.
 * Money is formatted from integer fen by string arithmetic.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { randomAlphanumeric } from '../common/keys';
import { BillFaults } from '../common/billFaults';
import { beijingDate, beijingDateTime, beijingMidnight } from '../common/time';
import type { SandboxRefund, SandboxTrade } from './trades';

export const ALL_BILL_HEADER = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态',
  '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态',
  '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注',
] as const;

const SUMMARY_HEADER = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'];

/** 0.6 %, the common rate; in thousandths of a fen per fen that is exactly 6. */
const FEE_MILLIFEN_PER_FEN = 6;
const FEE_RATE_TEXT = '0.60%';

function formatScaled(units: number, scale: number): string {
  const sign = units < 0 ? '-' : '';
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export const fenToYuan = (fen: number): string => formatScaled(fen, 2);
const milliFenToYuan5 = (milliFen: number): string => formatScaled(milliFen, 5);

export type BillType = 'ALL' | 'SUCCESS' | 'REFUND';

interface BillLine {
  cells: Record<(typeof ALL_BILL_HEADER)[number], string>;
  settlementFen: number;
  refundFen: number;
  feeMilliFen: number;
  orderFen: number;
  requestedRefundFen: number;
}

function paymentLine(trade: SandboxTrade, paidAt: number): BillLine {
  const feeMilliFen = trade.totalFen * FEE_MILLIFEN_PER_FEN;
  return {
    cells: {
      交易时间: beijingDateTime(paidAt), 公众账号ID: trade.appid, 商户号: trade.mchid, 特约商户号: '0', 设备号: '',
      微信订单号: trade.transactionId, 商户订单号: trade.outTradeNo, 用户标识: trade.openid ?? '', 交易类型: trade.tradeType, 交易状态: 'SUCCESS',
      付款银行: 'OTHERS', 货币种类: 'CNY', 应结订单金额: fenToYuan(trade.totalFen), 代金券金额: '0.00', 微信退款单号: '0', 商户退款单号: '0',
      退款金额: '0.00', 充值券退款金额: '0.00', 退款类型: '', 退款状态: '', 商品名称: trade.description, 商户数据包: trade.attach ?? '',
      手续费: milliFenToYuan5(feeMilliFen), 费率: FEE_RATE_TEXT, 订单金额: fenToYuan(trade.totalFen), 申请退款金额: '0.00', 费率备注: '',
    },
    settlementFen: trade.totalFen,
    refundFen: 0,
    feeMilliFen,
    orderFen: trade.totalFen,
    requestedRefundFen: 0,
  };
}

function refundLine(trade: SandboxTrade, refund: SandboxRefund, at: number): BillLine {
  // The fee on the refunded part is given back, so it shows negative.
  const feeMilliFen = -refund.refundFen * FEE_MILLIFEN_PER_FEN;
  return {
    cells: {
      交易时间: beijingDateTime(at), 公众账号ID: trade.appid, 商户号: trade.mchid, 特约商户号: '0', 设备号: '',
      微信订单号: trade.transactionId, 商户订单号: trade.outTradeNo, 用户标识: trade.openid ?? '', 交易类型: trade.tradeType,
      交易状态: refund.origin === 'reverse' ? 'REVOKED' : 'REFUND',
      付款银行: 'OTHERS', 货币种类: 'CNY', 应结订单金额: '0.00', 代金券金额: '0.00', 微信退款单号: refund.refundId, 商户退款单号: refund.outRefundNo,
      退款金额: fenToYuan(refund.refundFen), 充值券退款金额: '0.00', 退款类型: 'ORIGINAL', 退款状态: 'SUCCESS', 商品名称: trade.description,
      商户数据包: trade.attach ?? '', 手续费: milliFenToYuan5(feeMilliFen), 费率: FEE_RATE_TEXT, 订单金额: '0.00',
      申请退款金额: fenToYuan(refund.refundFen), 费率备注: '',
    },
    settlementFen: 0,
    refundFen: refund.refundFen,
    feeMilliFen,
    orderFen: 0,
    requestedRefundFen: refund.refundFen,
  };
}

/** A paid trade of another system on the same merchant account (a bill fault), at noon of its day. */
function foreignTrade(outTradeNo: string, amountFen: number, date: string, merchant: { appid: string; mchid: string }): SandboxTrade {
  const digits = BigInt(`0x${createHash('sha1').update(outTradeNo).digest('hex')}`).toString().slice(0, 18);
  const paidAt = beijingMidnight(date) + 12 * 3_600_000;
  return {
    outTradeNo, tradeType: 'NATIVE', appid: merchant.appid, mchid: merchant.mchid, description: '其他系统的交易', totalFen: amountFen,
    expiresAt: paidAt, state: 'SUCCESS', createdAt: paidAt, paidAt, transactionId: `4200${digits}`, fingerprint: '', reverseCalls: 0,
  };
}

/** The bill's lines for one Beijing date, oldest first; empty when nothing happened that day. Bill faults apply here. */
function linesFor(
  date: string,
  trades: SandboxTrade[],
  refunds: SandboxRefund[],
  billType: BillType,
  faults: BillFaults,
  merchant: { appid: string; mchid: string },
): BillLine[] {
  const entries: Array<{ at: number; line: BillLine }> = [];
  if (billType !== 'REFUND') {
    for (const trade of trades) {
      if (trade.paidAt === undefined || beijingDate(trade.paidAt) !== date) continue;
      const fault = faults.payment(trade.outTradeNo, trade.totalFen);
      if (!fault.drop) entries.push({ at: trade.paidAt, line: paymentLine({ ...trade, totalFen: fault.amountFen }, trade.paidAt) });
    }
    for (const foreign of faults.foreignPayments(date)) {
      const trade = foreignTrade(foreign.outTradeNo, foreign.amountFen, date, merchant);
      entries.push({ at: trade.paidAt!, line: paymentLine(trade, trade.paidAt!) });
    }
  }
  if (billType !== 'SUCCESS') {
    const byNo = new Map(trades.map((trade) => [trade.outTradeNo, trade]));
    for (const refund of refunds) {
      const trade = byNo.get(refund.outTradeNo);
      if (trade && refund.status === 'SUCCESS' && refund.successAt !== undefined && beijingDate(refund.successAt) === date) {
        const fault = faults.refund(refund.outTradeNo, refund.outRefundNo, refund.refundFen);
        if (!fault.drop) entries.push({ at: refund.successAt, line: refundLine(trade, { ...refund, refundFen: fault.amountFen }, refund.successAt) });
      }
    }
  }
  return entries.sort((a, b) => a.at - b.at).map((entry) => entry.line);
}

const tick = (cells: readonly string[]): string => cells.map((cell) => `\`${cell}`).join(',');

export function renderBill(lines: BillLine[]): string {
  const sum = (pick: (line: BillLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  const rows = [
    ALL_BILL_HEADER.join(','),
    ...lines.map((line) => tick(ALL_BILL_HEADER.map((name) => line.cells[name]))),
    SUMMARY_HEADER.join(','),
    tick([
      String(lines.length),
      fenToYuan(sum((l) => l.settlementFen)),
      fenToYuan(sum((l) => l.refundFen)),
      '0.00',
      milliFenToYuan5(sum((l) => l.feeMilliFen)),
      fenToYuan(sum((l) => l.orderFen)),
      fenToYuan(sum((l) => l.requestedRefundFen)),
    ]),
  ];
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

export type BillRequestResult =
  | { ok: true; hashType: 'SHA1'; hashValue: string; token: string }
  | { ok: false; status: number; code: string; message: string };

interface StoredFile {
  bytes: Buffer;
  expiresAt: number;
}

export class BillDesk {
  private readonly files = new Map<string, StoredFile>();
  /** Lines dropped, altered or added when bills are generated (reconciliation tests). */
  readonly faults = new BillFaults();

  constructor(private readonly now: () => number) {}

  request(
    query: { billDate: string; billType: string; tarType: string | null },
    books: { trades: SandboxTrade[]; refunds: SandboxRefund[]; merchant: { appid: string; mchid: string } },
    options: { availability: 'immediate' | 'next-day-10am'; ttlMs: number },
  ): BillRequestResult {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(query.billDate) || Number.isNaN(beijingMidnight(query.billDate))) {
      return { ok: false, status: 400, code: 'PARAM_ERROR', message: 'bill_date 格式错误，应为 YYYY-MM-DD' };
    }
    if (query.billType !== 'ALL' && query.billType !== 'SUCCESS' && query.billType !== 'REFUND') {
      return { ok: false, status: 400, code: 'PARAM_ERROR', message: 'bill_type 取值错误' };
    }
    if (query.tarType !== null && query.tarType !== 'GZIP') return { ok: false, status: 400, code: 'PARAM_ERROR', message: 'tar_type 取值错误' };
    const now = this.now();
    const dayStart = beijingMidnight(query.billDate);
    if (dayStart > now) return { ok: false, status: 400, code: 'INVALID_REQUEST', message: '账单日期不能晚于今天' };
    if (options.availability === 'next-day-10am' && now < dayStart + 34 * 60 * 60 * 1000) {
      return { ok: false, status: 400, code: 'STATEMENT_CREATING', message: '账单生成中，请于次日 10 点后再下载' };
    }
    const lines = linesFor(query.billDate, books.trades, books.refunds, query.billType, this.faults, books.merchant);
    if (lines.length === 0) return { ok: false, status: 400, code: 'NO_STATEMENT_EXIST', message: '该日期无交易，账单不存在' };
    const file = Buffer.from(renderBill(lines), 'utf8');
    const token = randomAlphanumeric(43);
    this.files.set(token, { bytes: query.tarType === 'GZIP' ? gzipSync(file) : file, expiresAt: now + options.ttlMs });
    return { ok: true, hashType: 'SHA1', hashValue: createHash('sha1').update(file).digest('hex'), token };
  }

  download(token: string | null): { ok: true; bytes: Buffer } | { ok: false; status: number; code: string; message: string } {
    const file = token === null ? undefined : this.files.get(token);
    if (!file) return { ok: false, status: 400, code: 'INVALID_REQUEST', message: '下载令牌无效' };
    if (this.now() > file.expiresAt) return { ok: false, status: 400, code: 'INVALID_REQUEST', message: '下载链接已过期，请重新申请账单' };
    return { ok: true, bytes: file.bytes };
  }
}
