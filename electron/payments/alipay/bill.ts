/**
 * Alipay trade bill (payment-protocols.md §5.7): `bill_download_url` points at a zip of GBK CSVs,
 * `<pid>_<date>_业务明细.csv` (one row per payment / refund) and `…_业务明细(汇总).csv`.
 *
 * The detail file: `#` comment lines, a `#----业务明细列表----` marker, the header row, data rows
 * (cells padded with tabs/spaces), `#----业务明细列表结束----`, then `#交易合计：…` / `#退款合计：…`
 * lines. Rows are read by header name, never by position; amounts are converted to fen exactly,
 * and the 合计 lines are checked against the rows so a truncated or altered file is noticed.
 */
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { ProviderError, type BillRow } from '../provider';
import { alipayTimeToIso } from './beijingTime';
import { yuanToFen, YuanFormatError } from './yuan';

/** A bill larger than this is not a day's trade bill of a till. */
const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;

function billError(code: string, message: string): ProviderError {
  return new ProviderError('verification', code, `Alipay bill: ${message}`);
}

/** Full-width and half-width brackets both occur in header names; compare them alike. */
function normaliseName(name: string): string {
  return name.trim().replaceAll('（', '(').replaceAll('）', ')');
}

const COLUMN = {
  tradeNo: normaliseName('支付宝交易号'),
  outTradeNo: normaliseName('商户订单号'),
  businessType: normaliseName('业务类型'),
  createdAt: normaliseName('创建时间'),
  finishedAt: normaliseName('完成时间'),
  orderAmount: normaliseName('订单金额（元）'),
  received: normaliseName('商家实收（元）'),
  refundRequestNo: normaliseName('退款批次号/请求号'),
  fee: normaliseName('服务费（元）'),
} as const;

const REQUIRED_COLUMNS = [COLUMN.tradeNo, COLUMN.outTradeNo, COLUMN.businessType, COLUMN.orderAmount, COLUMN.received];

/** Splits one CSV line; double-quoted cells may contain commas and "" escapes. Cells are trimmed. */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell.trim());
  return cells;
}

function fen(value: string, column: string, line: number, isSum = false): number {
  try {
    return yuanToFen(value, { allowNegative: true, isSum });
  } catch (error) {
    if (error instanceof YuanFormatError) throw billError('BILL_BAD_AMOUNT', `line ${line}: ${column} is ${JSON.stringify(value)}`);
    throw error;
  }
}

interface Total {
  count: number;
  receivedFen: number;
}

/** "#交易合计：2笔，商家实收共98.89元，商家优惠共0.00元" → {count: 2, receivedFen: 9889}. */
function parseTotalLine(line: string, label: string, lineNo: number): Total | undefined {
  const pattern = new RegExp(`^#${label}[：:]\\s*(\\d+)\\s*笔[，,]\\s*商家实收共\\s*(-?[0-9.]+)\\s*元`);
  const match = pattern.exec(line.trim());
  if (!match) return undefined;
  return { count: Number.parseInt(match[1]!, 10), receivedFen: fen(match[2]!, label, lineNo, true) };
}

/** Parses the decoded text of a `…_业务明细.csv` file into bill rows. */
export function parseAlipayDetailCsv(text: string): BillRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith('#') && line.includes('业务明细列表') && !line.includes('结束'));
  if (start < 0) throw billError('BILL_FORMAT', 'no 业务明细列表 marker; not a trade detail file');

  let index = start + 1;
  while (index < lines.length && lines[index]!.trim() === '') index += 1;
  const headerLine = lines[index];
  if (headerLine === undefined || headerLine.startsWith('#')) throw billError('BILL_FORMAT', 'no header row after the marker');
  const header = splitCsvLine(headerLine).map(normaliseName);
  const position = new Map(header.map((name, i) => [name, i]));
  for (const required of REQUIRED_COLUMNS) {
    if (!position.has(required)) throw billError('BILL_FORMAT', `column ${required} missing`);
  }
  const cellOf = (cells: string[], column: string): string => {
    const at = position.get(column);
    return at === undefined ? '' : (cells[at] ?? '');
  };

  const rows: BillRow[] = [];
  const received = { payment: { count: 0, receivedFen: 0 }, refund: { count: 0, receivedFen: 0 } };
  for (index += 1; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (line.startsWith('#')) break; // 业务明细列表结束
    if (line.trim() === '') continue;
    const lineNo = index + 1;
    const cells = splitCsvLine(line);
    const businessType = cellOf(cells, COLUMN.businessType);
    const kind = businessType === '交易' ? 'payment' : businessType === '退款' ? 'refund' : undefined;
    if (!kind) throw billError('BILL_UNKNOWN_ROW', `line ${lineNo}: 业务类型 ${JSON.stringify(businessType)}`);
    const orderFen = fen(cellOf(cells, COLUMN.orderAmount), COLUMN.orderAmount, lineNo);
    const receivedFen = fen(cellOf(cells, COLUMN.received), COLUMN.received, lineNo);
    // Payments are positive; refund rows print the money going back as a negative 商家实收.
    if (kind === 'payment' && orderFen < 0) throw billError('BILL_BAD_AMOUNT', `line ${lineNo}: negative payment`);
    if (kind === 'refund' && receivedFen > 0) throw billError('BILL_BAD_AMOUNT', `line ${lineNo}: positive refund`);

    const time = cellOf(cells, COLUMN.finishedAt) || cellOf(cells, COLUMN.createdAt);
    const row: BillRow = {
      provider: 'alipay',
      kind,
      tradeTime: alipayTimeToIso(time) ?? time,
      providerTradeNo: cellOf(cells, COLUMN.tradeNo),
      outTradeNo: cellOf(cells, COLUMN.outTradeNo),
      amountFen: kind === 'payment' ? orderFen : -receivedFen,
      status: businessType,
    };
    const refundNo = cellOf(cells, COLUMN.refundRequestNo);
    if (kind === 'refund' && refundNo) row.outRefundNo = refundNo;
    const feeText = cellOf(cells, COLUMN.fee);
    if (feeText) row.feeFen = fen(feeText, COLUMN.fee, lineNo);
    rows.push(row);
    received[kind].count += 1;
    received[kind].receivedFen += receivedFen;
  }

  // The 合计 lines after the list must agree with the rows (when Alipay printed them).
  for (let rest = index; rest < lines.length; rest += 1) {
    const line = lines[rest]!;
    for (const [label, kind] of [['交易合计', 'payment'], ['退款合计', 'refund']] as const) {
      const total = parseTotalLine(line, label, rest + 1);
      if (total && (total.count !== received[kind].count || total.receivedFen !== received[kind].receivedFen)) {
        throw billError(
          'BILL_TOTALS_MISMATCH',
          `${label} says ${total.count} rows / ${total.receivedFen} fen, rows add up to ${received[kind].count} / ${received[kind].receivedFen}`,
        );
      }
    }
  }
  return rows;
}

/**
 * Zip entry names are GBK bytes without the UTF-8 flag in Alipay's archives; fflate then hands
 * them over as Latin-1. Names that already contain characters above U+00FF were UTF-8 flagged.
 */
export function decodeZipEntryName(name: string): string {
  const codes = [...name].map((ch) => ch.codePointAt(0) ?? 0);
  if (codes.some((code) => code > 0xff) || !codes.some((code) => code >= 0x80)) return name;
  return iconv.decode(Buffer.from(name, 'latin1'), 'gbk');
}

/** Unzips a bill archive and parses its detail file (chosen by name, else by content). */
export function parseAlipayBillZip(zip: Uint8Array): BillRow[] {
  let entries: Record<string, Uint8Array>;
  let total = 0;
  try {
    entries = unzipSync(zip, {
      filter: (file) => {
        total += file.originalSize;
        if (total > MAX_UNZIPPED_BYTES) throw billError('BILL_TOO_LARGE', 'archive expands beyond the limit');
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw billError('BILL_NOT_ZIP', 'download is not a readable zip archive');
  }
  const csvs = Object.entries(entries)
    .map(([name, bytes]) => ({ name: decodeZipEntryName(name), text: iconv.decode(Buffer.from(bytes), 'gbk') }))
    .filter((entry) => entry.name.toLowerCase().endsWith('.csv'));
  const detail =
    csvs.find((entry) => entry.name.endsWith('业务明细.csv')) ??
    csvs.find((entry) => !entry.name.includes('汇总') && entry.text.includes('业务明细列表'));
  if (!detail) throw billError('BILL_FORMAT', `no 业务明细 file among ${csvs.map((entry) => entry.name).join(', ') || 'no csv files'}`);
  return parseAlipayDetailCsv(detail.text);
}

export interface BillDownloadOptions {
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

/**
 * Fetches the archive behind `bill_download_url`. Done by hand with fetch: alipay-sdk has no call
 * for it (exec/curl always talk to the configured gateway/endpoint and sign the request, while this
 * URL lives on another host and is pre-authorised by its own short-lived token). The URL came in a
 * signed response, so its content needs no signature of its own.
 */
export async function downloadBillArchive(url: string, options: BillDownloadOptions): Promise<Uint8Array> {
  const doFetch = options.fetchImpl ?? fetch;
  let response: Response;
  let bytes: Uint8Array;
  try {
    response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ProviderError('unknown', timedOut ? 'TIMEOUT' : 'NETWORK', `Alipay bill download ${timedOut ? 'timed out' : 'failed'}`);
  }
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (response.status !== 200 || !isZip) {
    // Typically an expired URL (it lives ~30 s): ask for a new one.
    throw new ProviderError('rejected', 'BILL_DOWNLOAD_REFUSED', `Alipay bill download answered HTTP ${response.status}${isZip ? '' : ', not a zip'}`, {
      status: response.status,
    });
  }
  return bytes;
}
