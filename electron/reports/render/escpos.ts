import { COLUMNS, ESC_POS, EscPosOut, leftRight, sanitizePrinterText, wrapToWidth, type EscPosPaperWidth } from '../../printing/escpos';
import type { DayReport, Reconciliation, ShiftCash, ShiftReport, TenderTotals } from '../types';
import { reportLabels, type ReportLabels, type ReportLanguage } from './labels';
import { localDateTime, moneyText, signedMoneyText } from './format';

/**
 * The Z and X reports as a short ESC/POS summary for the receipt printer (58 mm = 32 columns,
 * 80 mm = 48): key totals, by tender, the drawer's expected/counted/difference and the
 * reconciliation status, then a partial cut. GB18030 in Chinese mode, the same commands and
 * column measuring as the receipts (printing/escpos.ts); no drawer kick (a report is not a sale).
 */

export interface ReportEscPosOptions {
  paperWidth?: EscPosPaperWidth;
  /** For the times printed; a DayReport carries its own zone. */
  timeZone?: string;
}

class Paper extends EscPosOut {
  constructor(readonly width: number) {
    super();
  }

  wrapped(text: string): this {
    for (const line of wrapToWidth(sanitizePrinterText(text), this.width)) this.line(line);
    return this;
  }

  pair(label: string, value: string): this {
    for (const line of leftRight(sanitizePrinterText(label), sanitizePrinterText(value), this.width)) this.line(line);
    return this;
  }

  rule(): this {
    return this.line('-'.repeat(this.width));
  }

  heading(text: string): this {
    return this.cmd(ESC_POS.BOLD_ON).wrapped(text).cmd(ESC_POS.BOLD_OFF);
  }

  /** A bold, double-height pair (the figure a manager looks for first). */
  bigPair(label: string, value: string): this {
    this.cmd(ESC_POS.BOLD_ON).cmd(ESC_POS.SIZE_DOUBLE_HEIGHT).cmd(ESC_POS.CJK_SIZE_DOUBLE_HEIGHT);
    this.pair(label, value);
    return this.cmd(ESC_POS.SIZE_NORMAL).cmd(ESC_POS.CJK_SIZE_NORMAL).cmd(ESC_POS.BOLD_OFF);
  }
}

/** Full-width yuan sign: the half-width one is a four-byte GB18030 sequence many printers lack. */
const money = (fen: number) => moneyText(fen, '\uffe5');
const signed = (fen: number) => signedMoneyText(fen, '\uffe5');

function start(width: number, title: string, lines: string[]): Paper {
  const paper = new Paper(width);
  paper.cmd(ESC_POS.INIT).cmd(ESC_POS.CHINESE_MODE);
  paper.cmd(ESC_POS.ALIGN_CENTER).cmd(ESC_POS.BOLD_ON).cmd(ESC_POS.SIZE_DOUBLE_HEIGHT).cmd(ESC_POS.CJK_SIZE_DOUBLE_HEIGHT);
  paper.wrapped(title);
  paper.cmd(ESC_POS.SIZE_NORMAL).cmd(ESC_POS.CJK_SIZE_NORMAL).cmd(ESC_POS.BOLD_OFF);
  for (const line of lines) paper.wrapped(line);
  return paper.cmd(ESC_POS.ALIGN_LEFT).rule();
}

function finish(paper: Paper): Uint8Array {
  return paper.cmd(ESC_POS.FEED_4).cmd(ESC_POS.CUT_PARTIAL).bytes();
}

function tenders(paper: Paper, list: TenderTotals[], L: ReportLabels): void {
  paper.heading(L.byTender);
  if (list.length === 0) paper.line(L.none);
  for (const t of list) {
    paper.pair(L.tenders[t.tender], money(t.netFen));
    paper.pair(`  ${L.taken} ×${t.paymentCount}`, money(t.takenFen));
    if (t.refundCount > 0 || t.refundedFen !== 0) paper.pair(`  ${L.refunded} ×${t.refundCount}`, money(-t.refundedFen));
  }
}

function drawer(paper: Paper, s: ShiftCash, L: ReportLabels, detailed: boolean): void {
  if (detailed) {
    paper.pair(L.float, money(s.openingFloatFen));
    paper.pair(L.cashTaken, money(s.cashTakenFen));
    paper.pair(L.change, money(-s.changeGivenFen));
    paper.pair(L.cashRefunds, money(-s.cashRefundsFen));
    paper.pair(L.cashIn, money(s.cashInFen));
    paper.pair(L.cashOut, money(-s.cashOutFen));
  }
  paper.pair(L.expected, money(s.expectedFen));
  paper.pair(L.counted, s.countedFen === null ? L.notCounted : money(s.countedFen));
  if (s.differenceFen !== null) paper.cmd(ESC_POS.BOLD_ON).pair(L.difference, signed(s.differenceFen)).cmd(ESC_POS.BOLD_OFF);
}

function reconciliation(paper: Paper, rec: Reconciliation | null, L: ReportLabels, timeZone: string): void {
  paper.heading(L.reconciliation);
  if (!rec) {
    paper.line(L.notReconciled);
    return;
  }
  paper.pair(L.ranAt, localDateTime(rec.ranAt, timeZone));
  for (const p of rec.providers) paper.pair(L.providers[p.provider], L.providerStatus[p.status]);
  const open = rec.issues.filter((i) => i.repairedAt === null).length;
  paper.pair(L.issues, String(open));
}

export function renderDayReportEscPos(report: DayReport, language: ReportLanguage, options: ReportEscPosOptions = {}): Uint8Array {
  const L = reportLabels(language);
  const width = COLUMNS[options.paperWidth ?? 80];
  const tz = report.timeZone || options.timeZone || 'Asia/Shanghai';
  const t = report.totals;
  const paper = start(width, L.dayTitle, [report.storeName, `${L.businessDate} ${report.businessDate}`, `${L.generatedAt} ${localDateTime(report.generatedAt, tz)}`]);

  paper.pair(L.gross, money(t.grossFen));
  paper.pair(L.lineDiscounts, money(-t.lineDiscountsFen));
  paper.pair(L.orderDiscounts, money(-t.orderDiscountsFen));
  paper.pair(L.coupons, money(-t.couponsFen));
  paper.pair(L.rounding, money(-t.roundingFen));
  paper.pair(L.deliveryFees, money(t.deliveryFeesFen));
  paper.cmd(ESC_POS.BOLD_ON).pair(L.sales, money(t.salesFen)).cmd(ESC_POS.BOLD_OFF);
  paper.pair(`${L.refunds} ×${t.refundCount}`, money(-t.refundsFen));
  paper.bigPair(L.net, money(t.netFen));
  paper.pair(L.tax, money(t.taxFen));
  paper.pair(L.orderCount, String(t.orderCount));
  paper.pair(L.averageTicket, money(t.averageTicketFen));
  paper.pair(L.itemsSold, String(t.itemsSold));
  paper.rule();

  tenders(paper, report.tenders, L);
  paper.rule();

  paper.heading(L.cashPerShift);
  if (report.shifts.length === 0) paper.line(L.none);
  for (const s of report.shifts) {
    paper.wrapped(`${s.terminalId} · ${s.openedByName ?? s.openedBy} ${localDateTime(s.openedAt, tz).slice(11)}–${s.closedAt ? localDateTime(s.closedAt, tz).slice(11) : L.open}`);
    drawer(paper, s, L, false);
  }
  paper.rule();

  paper.pair(L.unfinishedPayments, String(report.unfinishedPayments.length));
  paper.pair(L.unsyncedOrders, String(report.unsyncedOrders.length));
  paper.rule();
  reconciliation(paper, report.reconciliation, L, tz);
  return finish(paper);
}

export function renderShiftReportEscPos(report: ShiftReport, language: ReportLanguage, options: ReportEscPosOptions = {}): Uint8Array {
  const L = reportLabels(language);
  const width = COLUMNS[options.paperWidth ?? 80];
  const tz = options.timeZone ?? 'Asia/Shanghai';
  const s = report.cash;
  const paper = start(width, L.shiftTitle, [report.storeName, `${L.terminal} ${s.terminalId} · ${s.state === 'open' ? L.open : L.closed}`]);
  paper.pair(L.openedBy, s.openedByName ?? s.openedBy);
  paper.pair(L.openedAt, localDateTime(s.openedAt, tz));
  if (s.closedAt) paper.pair(L.closedAt, localDateTime(s.closedAt, tz));
  paper.pair(L.generatedAt, localDateTime(report.generatedAt, tz));
  paper.rule();
  paper.pair(L.sales, money(report.sales.salesFen));
  paper.pair(L.orderCount, String(report.sales.orderCount));
  paper.pair(L.refunds, money(-report.sales.refundsFen));
  paper.bigPair(L.net, money(report.sales.netFen));
  paper.rule();
  tenders(paper, report.tenders, L);
  paper.rule();
  paper.heading(L.cashPerShift);
  drawer(paper, s, L, true);
  return finish(paper);
}
