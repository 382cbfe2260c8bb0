/**
 * WeChat Pay trade bill files (payment-protocols.md §2.8): integrity check and CSV parsing.
 *
 * The file is UTF-8 with a BOM and CRLF line ends; every data cell starts with a back-tick (so
 * spreadsheets keep long ids as text), amounts are yuan strings with 2 decimals and the fee has 5.
 * Columns are looked up by header name, not position, because WeChat has added columns over time.
 * Yuan strings are converted to integer fen by string arithmetic: no float ever touches them.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parseDecimalUnits } from '../../checkout/money';
import { ProviderError, type BillRow } from '../provider';

export interface WechatBillRow extends BillRow {
  provider: 'wechat';
  /** Exact fee in thousandths of a fen (the bill gives 5 decimals of yuan). `feeFen` is it rounded half away from zero. */
  feeMilliFen: number;
  /** 应结订单金额 (settlement amount), payments only; 0 on refund rows. */
  settlementFen: number;
  /** 退款状态 for refund rows (SUCCESS, PROCESSING …). */
  refundStatus?: string;
  /** 退款类型 for refund rows (ORIGINAL, BALANCE …). */
  refundType?: string;
  tradeType: string;
  deviceInfo: string;
  attach: string;
}

export interface WechatBillSummary {
  tradeCount: number;
  settlementTotalFen: number;
  refundTotalFen: number;
  couponRefundTotalFen: number;
  feeTotalMilliFen: number;
  orderTotalFen?: number;
  requestedRefundTotalFen?: number;
}

export interface ParsedWechatBill {
  header: string[];
  rows: WechatBillRow[];
  summary?: WechatBillSummary;
}

function malformed(message: string): ProviderError {
  return new ProviderError('verification', 'BILL_MALFORMED', `trade bill: ${message}`);
}

/** Decimal string with at most `scale` decimals → integer count of 10^-scale units (exact, via money.ts). */
function decimalToUnits(text: string, scale: number, what: string): number {
  const units = parseDecimalUnits(text, scale);
  if (units === null) throw malformed(`${what} is not an amount with at most ${scale} decimals: "${text}"`);
  const value = Number(units);
  if (!Number.isSafeInteger(value)) throw malformed(`${what} is out of range: "${text}"`);
  return value === 0 ? 0 : value;
}

/** "12.34" → 1234. At most 2 decimals. */
export function yuanToFen(text: string): number {
  return decimalToUnits(text, 2, 'amount');
}

/** "0.00600" (5 decimals of yuan) → 600 thousandths of a fen. */
export function yuanToMilliFen(text: string): number {
  return decimalToUnits(text, 5, 'fee');
}

function milliFenToFen(milliFen: number): number {
  const magnitude = Math.floor((Math.abs(milliFen) + 500) / 1000);
  return milliFen < 0 && magnitude !== 0 ? -magnitude : magnitude;
}

/** Splits a back-ticked data line. Cells are joined by ",`", so commas inside a cell survive. */
function splitTickedLine(line: string): string[] {
  if (!line.startsWith('`')) throw malformed(`data line does not start with a back-tick: "${line.slice(0, 40)}"`);
  return line.slice(1).split(',`').map((cell) => cell.trim());
}

const SUMMARY_MARKER = '总交易单数';

export function parseWechatTradeBill(text: string): ParsedWechatBill {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '');
  const headerLine = lines[0];
  if (headerLine === undefined) return { header: [], rows: [] };
  const header = headerLine.split(',').map((name) => name.trim());
  const column = new Map(header.map((name, index) => [name, index]));
  for (const required of ['交易时间', '微信订单号', '商户订单号', '交易状态', '微信退款单号', '商户退款单号']) {
    if (!column.has(required)) throw malformed(`header lacks ${required}`);
  }

  const rows: WechatBillRow[] = [];
  let index = 1;
  for (; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.startsWith(SUMMARY_MARKER)) break;
    const cells = splitTickedLine(line);
    if (cells.length !== header.length) throw malformed(`line ${index + 1} has ${cells.length} cells, header has ${header.length}`);
    const cell = (name: string): string => {
      const at = column.get(name);
      return at === undefined ? '' : (cells[at] ?? '');
    };
    const amount = (...names: string[]): number => {
      const name = names.find((n) => column.has(n));
      return name === undefined || cell(name) === '' ? 0 : yuanToFen(cell(name));
    };
    const tradeState = cell('交易状态');
    const providerRefundId = cell('微信退款单号');
    const isRefund = (providerRefundId !== '' && providerRefundId !== '0') || tradeState === 'REFUND' || tradeState === 'REVOKED';
    const feeMilliFen = cell('手续费') === '' ? 0 : yuanToMilliFen(cell('手续费'));
    const row: WechatBillRow = {
      provider: 'wechat',
      kind: isRefund ? 'refund' : 'payment',
      tradeTime: cell('交易时间'),
      providerTradeNo: cell('微信订单号'),
      outTradeNo: cell('商户订单号'),
      // Payments: the order amount (订单金额; older bills only have 总金额/应结订单金额). Refunds: what was
      // asked for (申请退款金额), which is what our refund record holds; 退款金额 excludes vouchers.
      amountFen: isRefund ? Math.abs(amount('申请退款金额', '退款金额')) : amount('订单金额', '应结订单金额', '总金额'),
      status: tradeState,
      feeFen: milliFenToFen(feeMilliFen),
      feeMilliFen,
      settlementFen: isRefund ? 0 : amount('应结订单金额', '总金额'),
      tradeType: cell('交易类型'),
      deviceInfo: cell('设备号'),
      attach: cell('商户数据包'),
    };
    if (isRefund) {
      row.outRefundNo = cell('商户退款单号');
      row.providerRefundId = providerRefundId;
      row.refundStatus = cell('退款状态');
      row.refundType = cell('退款类型');
    }
    rows.push(row);
  }

  const summaryHeader = lines[index];
  const summaryLine = lines[index + 1];
  if (summaryHeader === undefined) return { header, rows };
  if (summaryLine === undefined) throw malformed('summary header without a summary line');
  const summaryNames = summaryHeader.split(',').map((name) => name.trim());
  const summaryCells = splitTickedLine(summaryLine);
  const summaryCell = (name: string): string | undefined => {
    const at = summaryNames.indexOf(name);
    return at < 0 ? undefined : summaryCells[at];
  };
  const need = (name: string): string => {
    const value = summaryCell(name);
    if (value === undefined) throw malformed(`summary lacks ${name}`);
    return value;
  };
  const countText = need(SUMMARY_MARKER);
  if (!/^\d+$/.test(countText)) throw malformed(`summary count is not a number: "${countText}"`);
  const summary: WechatBillSummary = {
    tradeCount: Number(countText),
    settlementTotalFen: yuanToFen(need('应结订单总金额')),
    refundTotalFen: yuanToFen(need('退款总金额')),
    couponRefundTotalFen: yuanToFen(need('充值券退款总金额')),
    feeTotalMilliFen: yuanToMilliFen(need('手续费总金额')),
  };
  const orderTotal = summaryCell('订单总金额');
  if (orderTotal !== undefined) summary.orderTotalFen = yuanToFen(orderTotal);
  const requestedRefundTotal = summaryCell('申请退款总金额');
  if (requestedRefundTotal !== undefined) summary.requestedRefundTotalFen = yuanToFen(requestedRefundTotal);
  return { header, rows, summary };
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Gunzips (when the bytes are gzip) and checks the SHA1 that the bill-request answer promised.
 * WeChat hashes the file it serves after decompression (§2.8 step 2); a mismatch means a truncated or
 * altered download and is ProviderError('verification').
 */
export function openBillFile(raw: Buffer, hashType: string, hashValue: string): string {
  if (hashType.toUpperCase() !== 'SHA1') throw new ProviderError('verification', 'BILL_HASH_TYPE', `unsupported bill hash type ${hashType}`);
  let bytes = raw;
  if (raw[0] === GZIP_MAGIC[0] && raw[1] === GZIP_MAGIC[1]) {
    try {
      bytes = gunzipSync(raw);
    } catch {
      throw new ProviderError('verification', 'BILL_CORRUPT', 'trade bill: gzip stream is corrupt');
    }
  }
  const actual = createHash('sha1').update(bytes).digest('hex');
  if (actual.toLowerCase() !== hashValue.trim().toLowerCase()) {
    throw new ProviderError('verification', 'BILL_HASH_MISMATCH', `trade bill: SHA1 ${actual} does not match ${hashValue}`);
  }
  return bytes.toString('utf8');
}
