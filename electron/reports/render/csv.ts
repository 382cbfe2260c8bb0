import { fenToYuanString } from '../../checkout/money';
import type { DayReport } from '../types';
import { actionText, reportLabels, type ReportLabels, type ReportLanguage } from './labels';
import { hourRange, localDateTime } from './format';

/**
 * The Z report as CSV for Excel and for machines: UTF-8 with a BOM (Excel otherwise reads the
 * Chinese as ANSI), CRLF records and RFC 4180 quoting. One section per table: a title row, a
 * header row in the chosen language, the rows, a blank line. Every amount appears twice: as a
 * yuan string made from integer fen ('12.30') and as the raw fen integer, so a script can re-add
 * the fen columns without parsing decimals. Amounts keep the sign they have in the report
 * (discounts and refunds are positive amounts, as in DayReport).
 */

export const CSV_BOM = '\ufeff';

type Cell = string | number | null;

/** RFC 4180: quote a field containing a comma, a quote, CR or LF; double the quotes inside. */
export function csvField(value: Cell): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function record(cells: Cell[]): string {
  return cells.map(csvField).join(',');
}

class Sections {
  private readonly records: string[] = [];

  section(title: string, headers: string[], rows: Cell[][]): void {
    if (this.records.length > 0) this.records.push('');
    this.records.push(record([`[${title}]`]), record(headers), ...rows.map(record));
  }

  text(): string {
    return CSV_BOM + this.records.map((r) => `${r}\r\n`).join('');
  }
}

/** Two cells for one amount: yuan string, fen integer. */
function amount(fen: number): [string, number] {
  return [fenToYuanString(fen), fen];
}

function fenHeader(L: ReportLabels, label: string): [string, string] {
  return [label, `${label}${L.fenSuffix}`];
}

export function renderDayReportCsv(report: DayReport, language: ReportLanguage): string {
  const L = reportLabels(language);
  const tz = report.timeZone;
  const t = report.totals;
  const out = new Sections();

  out.section(L.dayTitle, [L.store, L.businessDate, L.timeZone, L.generatedAt], [[`${report.storeName} (${report.storeId})`, report.businessDate, tz, localDateTime(report.generatedAt, tz)]]);

  const money: [string, number][] = [
    [L.gross, t.grossFen],
    [L.lineDiscounts, t.lineDiscountsFen],
    [L.orderDiscounts, t.orderDiscountsFen],
    [L.coupons, t.couponsFen],
    [L.rounding, t.roundingFen],
    [L.deliveryFees, t.deliveryFeesFen],
    [L.sales, t.salesFen],
    [L.refunds, t.refundsFen],
    [L.automaticRefunds, t.automaticRefundsFen],
    [L.net, t.netFen],
    [L.tax, t.taxFen],
    [L.averageTicket, t.averageTicketFen],
  ];
  const keys = ['grossFen', 'lineDiscountsFen', 'orderDiscountsFen', 'couponsFen', 'roundingFen', 'deliveryFeesFen', 'salesFen', 'refundsFen', 'automaticRefundsFen', 'netFen', 'taxFen', 'averageTicketFen'];
  out.section(
    L.totals,
    ['key', L.totals, ...fenHeader(L, L.amount)],
    money.map(([label, fen], i) => [keys[i] ?? '', label, ...amount(fen)]),
  );
  out.section(`${L.totals} · ${L.orderCount}`, ['key', L.totals, L.quantity], [
    ['orderCount', L.orderCount, t.orderCount],
    ['refundCount', L.refundCount, t.refundCount],
    ['itemsSold', L.itemsSold, t.itemsSold],
  ]);

  out.section(
    L.byTender,
    [L.tender, ...fenHeader(L, L.taken), L.payments, ...fenHeader(L, L.refunded), L.refundCount, ...fenHeader(L, L.net)],
    report.tenders.map((x) => [L.tenders[x.tender], ...amount(x.takenFen), x.paymentCount, ...amount(x.refundedFen), x.refundCount, ...amount(x.netFen)]),
  );
  out.section(
    L.byCashier,
    [L.cashier, L.orderCount, ...fenHeader(L, L.sales), ...fenHeader(L, L.refunds)],
    report.cashiers.map((c) => [c.cashierId === null ? L.automatic : (c.cashierName ?? c.cashierId), c.orderCount, ...amount(c.salesFen), ...amount(c.refundsFen)]),
  );
  out.section(
    L.byHour,
    [L.hour, L.orderCount, ...fenHeader(L, L.sales)],
    [...report.hours].sort((a, b) => a.hour - b.hour).map((h) => [hourRange(h.hour), h.orderCount, ...amount(h.salesFen)]),
  );
  out.section(
    L.topProducts,
    [L.sku, L.product, L.quantity, ...fenHeader(L, L.net)],
    report.topProducts.map((p) => [p.sku, p.name, p.soldBy === 'weight' ? `${p.quantity} g` : p.quantity, ...amount(p.netFen)]),
  );
  out.section(
    L.cashPerShift,
    [
      L.shift,
      L.terminal,
      L.state,
      L.openedBy,
      L.openedAt,
      L.closedAt,
      ...fenHeader(L, L.float),
      ...fenHeader(L, L.cashTaken),
      ...fenHeader(L, L.change),
      ...fenHeader(L, L.cashRefunds),
      ...fenHeader(L, L.cashIn),
      ...fenHeader(L, L.cashOut),
      ...fenHeader(L, L.expected),
      ...fenHeader(L, L.counted),
      ...fenHeader(L, L.difference),
    ],
    report.shifts.map((s) => [
      s.shiftId,
      s.terminalId,
      s.state === 'open' ? L.open : L.closed,
      s.openedByName ?? s.openedBy,
      localDateTime(s.openedAt, tz),
      localDateTime(s.closedAt, tz),
      ...amount(s.openingFloatFen),
      ...amount(s.cashTakenFen),
      ...amount(s.changeGivenFen),
      ...amount(s.cashRefundsFen),
      ...amount(s.cashInFen),
      ...amount(s.cashOutFen),
      ...amount(s.expectedFen),
      ...(s.countedFen === null ? ['', null] : amount(s.countedFen)),
      ...(s.differenceFen === null ? ['', null] : amount(s.differenceFen)),
    ]),
  );
  out.section(
    L.unfinishedPayments,
    [L.orderNo, L.tender, L.outTradeNo, L.state, L.createdAt, ...fenHeader(L, L.amount)],
    report.unfinishedPayments.map((p) => [p.orderNo, L.tenders[p.tender], p.outTradeNo, p.state, localDateTime(p.createdAt, tz), ...amount(p.amountFen)]),
  );
  out.section(
    L.unsyncedOrders,
    [L.orderNo, L.state, L.pendingSince, L.dead],
    report.unsyncedOrders.map((o) => [o.orderNo, o.state, localDateTime(o.pendingSince, tz), o.dead ? L.yes : L.no]),
  );
  const rec = report.reconciliation;
  out.section(
    L.reconciliation,
    [L.provider, L.status, L.billRows, L.matchedRows, ...fenHeader(L, L.billPayments), ...fenHeader(L, L.billRefunds)],
    rec
      ? rec.providers.map((p) => [L.providers[p.provider], L.providerStatus[p.status], p.billRows, p.matchedRows, ...amount(p.billPaymentsFen), ...amount(p.billRefundsFen)])
      : [[L.notReconciled, null, null, null, null, null, null, null]],
  );
  if (rec) {
    out.section(
      L.issues,
      [L.provider, L.issue, L.orderNo, L.outTradeNo, 'provider_trade_no', 'out_refund_no', ...fenHeader(L, L.local), ...fenHeader(L, L.providerAmount), L.suggestedAction, L.repaired],
      rec.issues.map((i) => [
        L.providers[i.provider],
        L.issueKinds[i.kind] ?? i.kind,
        i.orderNo,
        i.outTradeNo,
        i.providerTradeNo,
        i.outRefundNo,
        ...(i.localFen === null ? ['', null] : amount(i.localFen)),
        ...(i.providerFen === null ? ['', null] : amount(i.providerFen)),
        actionText(L, i.suggestedAction),
        localDateTime(i.repairedAt, tz),
      ]),
    );
  }
  return out.text();
}

/** 'day-report-S001-2026-11-23-zh-CN.csv': ASCII, so every browser and OS keeps it as is. */
export function dayReportCsvFilename(report: Pick<DayReport, 'storeId' | 'businessDate'>, language: ReportLanguage): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');
  return `day-report-${safe(report.storeId)}-${safe(report.businessDate)}-${language}.csv`;
}
