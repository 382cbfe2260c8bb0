/**
 * The trade bill archive as Alipay serves it (payment-protocols.md §5.7): a zip whose entries are
 * GBK-named, GBK-encoded CSVs `<pid>_<yyyyMMdd>_业务明细.csv` and `…_业务明细(汇总).csv`, with `#`
 * comment lines, list markers, tab-padded cells, refund rows negative and 合计 lines.
 */
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { createHash } from 'node:crypto';
import type { BillFaults } from '../common/billFaults';
import { beijingDate, beijingDateTime, beijingMidnight } from '../common/time';
import { yuan } from './money';
import { type SandboxTrade } from './trades';

export interface BillLine {
  kind: 'payment' | 'refund';
  tradeNo: string;
  outTradeNo: string;
  subject: string;
  createdAt: number;
  finishedAt: number;
  buyerLogonId: string;
  storeId: string;
  /** Positive: the payment's order amount or the refund's amount. */
  amountFen: number;
  outRequestNo: string;
  feeFen: number;
}

/** Service fee of 0.6%, rounded half up, charged on payments (shown negative). */
export function serviceFeeFen(amountFen: number): number {
  return Math.floor((amountFen * 6 + 500) / 1000);
}

/** Payments whose payment and refunds whose refund fell on `date` (Beijing). Bill faults (tests) apply here. */
export function billLines(trades: SandboxTrade[], date: string, faults?: BillFaults): BillLine[] {
  const lines: BillLine[] = [];
  for (const foreign of faults?.foreignPayments(date) ?? []) {
    // A paid trade of another system on the same account, at noon of the day.
    const at = beijingMidnight(date) + 12 * 3_600_000;
    const digits = BigInt(`0x${createHash('sha1').update(foreign.outTradeNo).digest('hex')}`).toString().slice(0, 16);
    lines.push({
      kind: 'payment', tradeNo: `${date.replaceAll('-', '')}2200${digits}`, outTradeNo: foreign.outTradeNo, subject: '其他系统的交易',
      createdAt: at, finishedAt: at, buyerLogonId: 'oth***@example.com', storeId: '', amountFen: foreign.amountFen, outRequestNo: '',
      feeFen: -serviceFeeFen(foreign.amountFen),
    });
  }
  for (const trade of trades) {
    const common = {
      tradeNo: trade.tradeNo ?? '',
      outTradeNo: trade.outTradeNo,
      subject: trade.subject,
      createdAt: trade.scannedAt ?? trade.createdAt,
      buyerLogonId: trade.buyerLogonId,
      storeId: trade.storeId ?? '',
    };
    if (trade.paidAt !== undefined && beijingDate(trade.paidAt) === date) {
      const fault = faults?.payment(trade.outTradeNo, trade.totalFen) ?? { drop: false, amountFen: trade.totalFen };
      if (!fault.drop) {
        lines.push({ ...common, kind: 'payment', finishedAt: trade.paidAt, amountFen: fault.amountFen, outRequestNo: '', feeFen: -serviceFeeFen(fault.amountFen) });
      }
    }
    for (const refund of trade.refunds) {
      if (beijingDate(refund.at) !== date) continue;
      const fault = faults?.refund(trade.outTradeNo, refund.outRequestNo, refund.amountFen) ?? { drop: false, amountFen: refund.amountFen };
      if (fault.drop) continue;
      lines.push({ ...common, kind: 'refund', finishedAt: refund.at, amountFen: fault.amountFen, outRequestNo: refund.outRequestNo, feeFen: 0 });
    }
  }
  return lines.sort((a, b) => a.finishedAt - b.finishedAt);
}

const DETAIL_HEADER = [
  '支付宝交易号', '商户订单号', '业务类型', '商品名称', '创建时间', '完成时间', '门店编号', '门店名称', '操作员', '终端号', '对方账户',
  '订单金额（元）', '商家实收（元）', '支付宝红包（元）', '集分宝（元）', '支付宝优惠（元）', '商家优惠（元）', '券核销金额（元）', '券名称',
  '商家红包消费金额（元）', '卡消费金额（元）', '退款批次号/请求号', '服务费（元）', '分润（元）', '备注',
];

function chineseDateTime(epochMs: number): string {
  const text = beijingDateTime(epochMs); // 2024-01-02 03:04:05
  return `${text.slice(0, 4)}年${text.slice(5, 7)}月${text.slice(8, 10)}日 ${text.slice(11)}`;
}

/** Alipay pads cells with a tab so spreadsheets keep long numbers as text; commas need quoting. */
function row(cells: string[]): string {
  return cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"\t` : `${cell}\t`)).join(',');
}

function periodLines(title: string, sellerId: string, date: string): string[] {
  const start = beijingMidnight(date);
  return [`#${title}`, `#账号：[${sellerId}0156]`, `#起始日期：[${chineseDateTime(start)}]   终止日期：[${chineseDateTime(start + 86_400_000)}]`];
}

export function detailCsv(lines: BillLine[], sellerId: string, date: string, exportedAt: number): string {
  const payments = lines.filter((line) => line.kind === 'payment');
  const refunds = lines.filter((line) => line.kind === 'refund');
  const sum = (items: BillLine[]) => items.reduce((total, line) => total + line.amountFen, 0);
  const out = [
    ...periodLines('支付宝交易记录明细查询', sellerId, date),
    '#-----------------------------------------业务明细列表----------------------------------------',
    DETAIL_HEADER.join(','),
    ...lines.map((line) => {
      const signed = line.kind === 'refund' ? -line.amountFen : line.amountFen;
      return row([
        line.tradeNo, line.outTradeNo, line.kind === 'payment' ? '交易' : '退款', line.subject,
        beijingDateTime(line.createdAt), beijingDateTime(line.finishedAt), line.storeId, '', '', '', line.buyerLogonId,
        yuan(signed), yuan(signed), '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00',
        line.outRequestNo, yuan(line.feeFen), '0.00', '',
      ]);
    }),
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${payments.length}笔，商家实收共${yuan(sum(payments))}元，商家优惠共0.00元`,
    `#退款合计：${refunds.length}笔，商家实收共${yuan(-sum(refunds))}元，商家优惠共0.00元`,
    `#导出时间：[${chineseDateTime(exportedAt)}]`,
  ];
  return `${out.join('\r\n')}\r\n`;
}

export function summaryCsv(lines: BillLine[], sellerId: string, date: string, exportedAt: number): string {
  const payments = lines.filter((line) => line.kind === 'payment');
  const refunds = lines.filter((line) => line.kind === 'refund');
  const received = lines.reduce((total, line) => total + (line.kind === 'refund' ? -line.amountFen : line.amountFen), 0);
  const fees = lines.reduce((total, line) => total + line.feeFen, 0);
  const totals = [String(payments.length), String(refunds.length), yuan(received), yuan(received), '0.00', '0.00', '0.00', yuan(fees), '0.00', yuan(received + fees)];
  const out = [
    ...periodLines('支付宝业务汇总查询', sellerId, date),
    '#-----------------------------------------业务汇总列表----------------------------------------',
    '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）',
    row(['', '', ...totals]),
    row(['合计', '', ...totals]),
    '#-----------------------------------------业务汇总列表结束------------------------------------',
    `#导出时间：[${chineseDateTime(exportedAt)}]`,
  ];
  return `${out.join('\r\n')}\r\n`;
}

/**
 * A zip whose entry names are GBK bytes without the UTF-8 flag, as Alipay's archives are. fflate
 * always writes names as UTF-8, so the entries are written under ASCII placeholders of the same
 * byte length and the name bytes are then swapped in the local and central headers (names are not
 * covered by the CRC).
 */
export function zipWithGbkNames(files: Array<{ name: string; bytes: Uint8Array }>): Uint8Array {
  const gbkNames = files.map((file) => iconv.encode(file.name, 'gbk'));
  const placeholders = gbkNames.map((name, i) => `${i}`.padEnd(name.length, '_'));
  const zip = zipSync(Object.fromEntries(files.map((file, i) => [placeholders[i]!, file.bytes])));
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const swap = (nameAt: number, length: number) => {
    const current = Buffer.from(zip.subarray(nameAt, nameAt + length)).toString('latin1');
    const index = placeholders.indexOf(current);
    if (index < 0) throw new Error(`zip entry name not found at ${nameAt}`);
    zip.set(gbkNames[index]!, nameAt);
  };
  for (let at = 0; at + 4 <= zip.length; ) {
    const signature = view.getUint32(at, true);
    if (signature === 0x04034b50) {
      const nameLength = view.getUint16(at + 26, true);
      const extraLength = view.getUint16(at + 28, true);
      const compressedSize = view.getUint32(at + 18, true);
      swap(at + 30, nameLength);
      at += 30 + nameLength + extraLength + compressedSize;
    } else if (signature === 0x02014b50) {
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      swap(at + 46, nameLength);
      at += 46 + nameLength + extraLength + commentLength;
    } else {
      break; // end of central directory
    }
  }
  return zip;
}

export function tradeBillZip(trades: SandboxTrade[], sellerId: string, date: string, exportedAt: number, faults?: BillFaults): Uint8Array {
  const lines = billLines(trades, date, faults);
  const stem = `${sellerId}0156_${date.replaceAll('-', '')}`;
  return zipWithGbkNames([
    { name: `${stem}_业务明细.csv`, bytes: iconv.encode(detailCsv(lines, sellerId, date, exportedAt), 'gbk') },
    { name: `${stem}_业务明细(汇总).csv`, bytes: iconv.encode(summaryCsv(lines, sellerId, date, exportedAt), 'gbk') },
  ]);
}
