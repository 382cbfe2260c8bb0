import { escapeHtml, htmlDocument } from '../../printing/html';
import type { DayReport, HourTotals, Reconciliation, ShiftCash, ShiftReport, TenderTotals } from '../types';
import { actionText, reportLabels, type ReportLabels, type ReportLanguage } from './labels';
import { hourRange, localDateTime, moneyText, quantityText, signedMoneyText } from './format';

/**
 * The Z (日结) and X (交班) reports as one self-contained HTML document each: inline CSS, the
 * hourly chart as inline SVG, no script and no external resource, so the same string shows on
 * screen, goes to the system printer on A4 and becomes a PDF. Every value that came from a user
 * (store, cashier and product names, reasons) is escaped.
 */

export interface ReportHtmlOptions {
  /** Time zone for the times shown; a DayReport carries its own, a ShiftReport does not. */
  timeZone?: string;
}

const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const CSS = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #fff; color: #111; }
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; font-size: 12px; line-height: 1.4; }
.report { max-width: 186mm; margin: 0 auto; padding: 4mm 0; }
h1 { font-size: 20px; margin: 0 0 2mm; }
h3 { font-size: 12px; margin: 3mm 0 1mm; break-after: avoid; }
h2 { font-size: 14px; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 2px solid #111; break-after: avoid; }
.meta { display: flex; flex-wrap: wrap; gap: 1mm 8mm; color: #333; }
.meta b { color: #111; }
.big { display: flex; flex-wrap: wrap; gap: 4mm; margin: 4mm 0 2mm; }
.big div { border: 1px solid #999; border-radius: 2mm; padding: 2mm 4mm; min-width: 40mm; }
.big span { display: block; color: #444; }
.big strong { font-size: 20px; font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; break-inside: auto; }
tr { break-inside: avoid; }
th, td { padding: 1mm 2mm; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { background: #f2f2f2; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.kv td:first-child { width: 60%; }
tr.strong td { font-weight: 700; border-top: 2px solid #111; }
.pos { color: #0a6b2b; }
.neg { color: #b00020; font-weight: 700; }
.warn { color: #8a5a00; }
.empty { color: #666; font-style: italic; }
svg.hours { width: 100%; height: auto; max-height: 60mm; }
td { overflow-wrap: anywhere; }
svg.hours rect.bar { fill: #2d6cdf; }
svg.hours text { font-size: 9px; fill: #333; }
@media screen { body { background: #eee; } .report { background: #fff; padding: 8mm 10mm; margin: 4mm auto; box-shadow: 0 0 4px #aaa; } }
`;

function cell(text: string | number, numeric = false, className = ''): string {
  const classes = [numeric ? 'num' : '', className].filter(Boolean).join(' ');
  return `<td${classes ? ` class="${classes}"` : ''}>${escapeHtml(String(text))}</td>`;
}

function table(headers: { text: string; numeric?: boolean }[], rows: string[], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th${h.numeric ? ' class="num"' : ''}>${escapeHtml(h.text)}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function kv(rows: [label: string, value: string, rowClass?: string, valueClass?: string][]): string {
  return `<table class="kv"><tbody>${rows
    .map(([label, value, rowClass, valueClass]) => `<tr${rowClass ? ` class="${rowClass}"` : ''}>${cell(label)}${cell(value, true, valueClass)}</tr>`)
    .join('')}</tbody></table>`;
}

function differenceClass(fen: number | null): string {
  if (fen === null) return 'warn';
  return fen === 0 ? 'pos' : 'neg';
}

function document(lang: ReportLanguage, title: string, body: string): string {
  return htmlDocument({ lang, title, css: CSS, open: '<div class="report">', body });
}

function tendersTable(tenders: TenderTotals[], L: ReportLabels): string {
  const rows = tenders.map(
    (t) =>
      `<tr>${cell(L.tenders[t.tender])}${cell(moneyText(t.takenFen), true)}${cell(t.paymentCount, true)}${cell(moneyText(t.refundedFen), true)}${cell(t.refundCount, true)}${cell(moneyText(t.netFen), true)}</tr>`,
  );
  return table(
    [{ text: L.tender }, { text: L.taken, numeric: true }, { text: L.payments, numeric: true }, { text: L.refunded, numeric: true }, { text: L.refundCount, numeric: true }, { text: L.net, numeric: true }],
    rows,
    L.none,
  );
}

/**
 * The hours with sales as an SVG bar chart: one `rect.bar` per hour, heights relative to the
 * busiest hour (integer arithmetic; the amount itself is in the bar's title and the table below).
 */
export function hourChartSvg(hours: HourTotals[], L: ReportLabels): string {
  if (hours.length === 0) return `<p class="empty">${escapeHtml(L.none)}</p>`;
  // A fixed 24-hour axis, so the same hour sits in the same place on every day's report.
  const sorted = [...hours].sort((a, b) => a.hour - b.hour);
  const max = Math.max(1, ...sorted.map((h) => h.salesFen));
  const slot = 24;
  const barWidth = 16;
  const chartHeight = 100;
  const top = 14;
  const left = 4;
  const width = left * 2 + 24 * slot;
  const axis = Array.from({ length: 24 }, (_, hour) => hour)
    .filter((hour) => hour % 3 === 0 || sorted.some((h) => h.hour === hour))
    .map((hour) => `<text x="${left + hour * slot + slot / 2}" y="${top + chartHeight + 12}" text-anchor="middle">${String(hour).padStart(2, '0')}</text>`)
    .join('');
  const bars = sorted
    .map((h) => {
      const height = Math.max(1, Math.floor((Math.max(0, h.salesFen) * chartHeight) / max));
      const x = left + h.hour * slot + (slot - barWidth) / 2;
      const y = top + chartHeight - height;
      const label = `${hourRange(h.hour)} ${moneyText(h.salesFen)} (${h.orderCount})`;
      return (
        `<rect class="bar" data-hour="${h.hour}" data-fen="${h.salesFen}" x="${x}" y="${y}" width="${barWidth}" height="${height}"><title>${escapeHtml(label)}</title></rect>` +
        `<text x="${x + barWidth / 2}" y="${y - 3}" text-anchor="middle">${h.orderCount}</text>`
      );
    })
    .join('');
  return `<svg class="hours" role="img" aria-label="${escapeHtml(L.byHour)}" viewBox="0 0 ${width} ${top + chartHeight + 16}" xmlns="http://www.w3.org/2000/svg"><line x1="0" y1="${top + chartHeight}" x2="${width}" y2="${top + chartHeight}" stroke="#999"/>${bars}${axis}</svg>`;
}

/**
 * One block per drawer, the lines of the cash formula under each other: ten columns side by side
 * did not fit an A4 page in English (the difference, the line that matters, was cut off).
 */
function shiftBlock(s: ShiftCash, L: ReportLabels, timeZone: string): string {
  const who = s.openedByName ?? s.openedBy;
  const when = `${localDateTime(s.openedAt, timeZone)} – ${s.closedAt ? localDateTime(s.closedAt, timeZone) : L.open}`;
  const heading = `<h3>${escapeHtml(`${L.shift} ${s.terminalId} · ${who} · ${when}`)}</h3>`;
  return (
    `<section class="shift-cash" data-shift-id="${escapeHtml(s.shiftId)}">${heading}` +
    kv([
      [L.float, moneyText(s.openingFloatFen)],
      [L.cashTaken, moneyText(s.cashTakenFen)],
      [L.change, moneyText(-s.changeGivenFen)],
      [L.cashRefunds, moneyText(-s.cashRefundsFen)],
      [L.cashIn, moneyText(s.cashInFen)],
      [L.cashOut, moneyText(-s.cashOutFen)],
      [L.expected, moneyText(s.expectedFen), 'strong'],
      [L.counted, s.countedFen === null ? L.notCounted : moneyText(s.countedFen)],
      [L.difference, s.differenceFen === null ? '—' : signedMoneyText(s.differenceFen), 'strong', differenceClass(s.differenceFen)],
    ]) +
    `</section>`
  );
}

function shiftsTable(shifts: ShiftCash[], L: ReportLabels, timeZone: string): string {
  if (shifts.length === 0) return `<p class="empty">${escapeHtml(L.none)}</p>`;
  return shifts.map((s) => shiftBlock(s, L, timeZone)).join('');
}

function reconciliationSection(rec: Reconciliation | null, L: ReportLabels, timeZone: string, language: ReportLanguage): string {
  const parts = [`<h2>${escapeHtml(L.reconciliation)}</h2>`];
  if (!rec) {
    parts.push(`<p class="warn" data-reconciled="no">${escapeHtml(L.notReconciled)}</p>`);
    return parts.join('');
  }
  parts.push(`<div class="meta" data-reconciled="yes"><span>${escapeHtml(L.ranAt)}: <b>${escapeHtml(localDateTime(rec.ranAt, timeZone))}</b></span><span>${escapeHtml(L.ranBy)}: <b>${escapeHtml(rec.ranBy)}</b></span></div>`);
  parts.push(
    table(
      [{ text: L.provider }, { text: L.status }, { text: L.billRows, numeric: true }, { text: L.matchedRows, numeric: true }, { text: L.billPayments, numeric: true }, { text: L.billRefunds, numeric: true }],
      rec.providers.map((p) => {
        const status = L.providerStatus[p.status] + (p.error ? ` — ${language === 'en' ? p.error.message.en : p.error.message.zh}` : '');
        const statusClass = p.status === 'matched' || p.status === 'empty' ? 'pos' : p.status === 'unconfigured' ? '' : 'neg';
        return `<tr>${cell(L.providers[p.provider])}${cell(status, false, statusClass)}${cell(p.billRows, true)}${cell(p.matchedRows, true)}${cell(moneyText(p.billPaymentsFen), true)}${cell(moneyText(p.billRefundsFen), true)}</tr>`;
      }),
      L.none,
    ),
  );
  parts.push(`<h2>${escapeHtml(L.issues)}</h2>`);
  parts.push(
    table(
      [{ text: L.provider }, { text: L.issue }, { text: `${L.orderNo} / ${L.outTradeNo}` }, { text: L.local, numeric: true }, { text: L.providerAmount, numeric: true }, { text: L.suggestedAction }],
      rec.issues.map((issue) => {
        const ref = [issue.orderNo, issue.outTradeNo ?? issue.providerTradeNo, issue.outRefundNo].filter(Boolean).join(' / ');
        const action = issue.repairedAt ? `${L.repaired} ${localDateTime(issue.repairedAt, timeZone)}` : actionText(L, issue.suggestedAction);
        return `<tr data-issue-kind="${escapeHtml(issue.kind)}">${cell(L.providers[issue.provider])}${cell(L.issueKinds[issue.kind] ?? issue.kind, false, issue.repairedAt ? 'pos' : 'neg')}${cell(ref)}${cell(issue.localFen === null ? '—' : moneyText(issue.localFen), true)}${cell(issue.providerFen === null ? '—' : moneyText(issue.providerFen), true)}${cell(action)}</tr>`;
      }),
      L.noIssues,
    ),
  );
  return parts.join('');
}

export function renderDayReportHtml(report: DayReport, language: ReportLanguage): string {
  const L = reportLabels(language);
  const tz = report.timeZone || DEFAULT_TIME_ZONE;
  const t = report.totals;
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(L.dayTitle)}</h1>`);
  parts.push(
    `<div class="meta"><span>${escapeHtml(L.store)}: <b>${escapeHtml(report.storeName)}</b> (${escapeHtml(report.storeId)})</span><span>${escapeHtml(L.businessDate)}: <b>${escapeHtml(report.businessDate)}</b></span><span>${escapeHtml(L.generatedAt)}: <b>${escapeHtml(localDateTime(report.generatedAt, tz))}</b></span><span>${escapeHtml(L.timeZone)}: ${escapeHtml(tz)}</span></div>`,
  );
  parts.push(
    `<div class="big"><div><span>${escapeHtml(L.net)}</span><strong data-total="net">${escapeHtml(moneyText(t.netFen))}</strong></div>` +
      report.tenders.map((x) => `<div><span>${escapeHtml(L.tenders[x.tender])}</span><strong data-tender="${x.tender}">${escapeHtml(moneyText(x.netFen))}</strong></div>`).join('') +
      `</div>`,
  );
  parts.push(`<h2>${escapeHtml(L.totals)}</h2>`);
  parts.push(
    kv([
      [L.gross, moneyText(t.grossFen)],
      [L.lineDiscounts, moneyText(-t.lineDiscountsFen)],
      [L.orderDiscounts, moneyText(-t.orderDiscountsFen)],
      [L.coupons, moneyText(-t.couponsFen)],
      [L.rounding, moneyText(-t.roundingFen)],
      [L.deliveryFees, moneyText(t.deliveryFeesFen)],
      [L.sales, moneyText(t.salesFen), 'strong'],
      [L.refunds, moneyText(-t.refundsFen)],
      [`  ${L.automaticRefunds}`, moneyText(-t.automaticRefundsFen)],
      [L.net, moneyText(t.netFen), 'strong'],
      [L.tax, moneyText(t.taxFen)],
      [L.orderCount, String(t.orderCount)],
      [L.refundCount, String(t.refundCount)],
      [L.averageTicket, moneyText(t.averageTicketFen)],
      [L.itemsSold, String(t.itemsSold)],
    ]),
  );
  parts.push(`<h2>${escapeHtml(L.byTender)}</h2>`, tendersTable(report.tenders, L));
  parts.push(`<h2>${escapeHtml(L.byCashier)}</h2>`);
  parts.push(
    table(
      [{ text: L.cashier }, { text: L.orderCount, numeric: true }, { text: L.sales, numeric: true }, { text: L.refunds, numeric: true }],
      report.cashiers.map(
        (c) => `<tr>${cell(c.cashierId === null ? L.automatic : (c.cashierName ?? c.cashierId))}${cell(c.orderCount, true)}${cell(moneyText(c.salesFen), true)}${cell(moneyText(c.refundsFen), true)}</tr>`,
      ),
      L.none,
    ),
  );
  parts.push(`<h2>${escapeHtml(L.byHour)}</h2>`, hourChartSvg(report.hours, L));
  if (report.hours.length > 0) {
    parts.push(
      table(
        [{ text: L.hour }, { text: L.orderCount, numeric: true }, { text: L.sales, numeric: true }],
        [...report.hours].sort((a, b) => a.hour - b.hour).map((h) => `<tr>${cell(hourRange(h.hour))}${cell(h.orderCount, true)}${cell(moneyText(h.salesFen), true)}</tr>`),
        L.none,
      ),
    );
  }
  parts.push(`<h2>${escapeHtml(L.topProducts)}</h2>`);
  parts.push(
    table(
      [{ text: '#' }, { text: L.product }, { text: L.sku }, { text: L.quantity, numeric: true }, { text: L.net, numeric: true }],
      report.topProducts.map((p, i) => `<tr>${cell(i + 1)}${cell(p.name)}${cell(p.sku)}${cell(quantityText(p), true)}${cell(moneyText(p.netFen), true)}</tr>`),
      L.none,
    ),
  );
  parts.push(`<h2>${escapeHtml(L.cashPerShift)}</h2>`, shiftsTable(report.shifts, L, tz));
  parts.push(`<h2>${escapeHtml(L.unfinishedPayments)}</h2>`);
  parts.push(
    table(
      [{ text: L.orderNo }, { text: L.tender }, { text: L.outTradeNo }, { text: L.state }, { text: L.createdAt }, { text: L.amount, numeric: true }],
      report.unfinishedPayments.map(
        (p) => `<tr>${cell(p.orderNo)}${cell(L.tenders[p.tender])}${cell(p.outTradeNo ?? '')}${cell(p.state)}${cell(localDateTime(p.createdAt, tz))}${cell(moneyText(p.amountFen), true)}</tr>`,
      ),
      L.none,
    ),
  );
  parts.push(`<h2>${escapeHtml(L.unsyncedOrders)}</h2>`);
  parts.push(
    table(
      [{ text: L.orderNo }, { text: L.state }, { text: L.pendingSince }, { text: L.dead }],
      report.unsyncedOrders.map((o) => `<tr>${cell(o.orderNo)}${cell(o.state)}${cell(localDateTime(o.pendingSince, tz))}${cell(o.dead ? L.yes : L.no, false, o.dead ? 'neg' : '')}</tr>`),
      L.none,
    ),
  );
  parts.push(reconciliationSection(report.reconciliation, L, tz, language));
  return document(language, `${L.dayTitle} ${report.storeName} ${report.businessDate}`, parts.join('\n'));
}

export function renderShiftReportHtml(report: ShiftReport, language: ReportLanguage, options: ReportHtmlOptions = {}): string {
  const L = reportLabels(language);
  const tz = options.timeZone ?? DEFAULT_TIME_ZONE;
  const s = report.cash;
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(L.shiftTitle)}</h1>`);
  parts.push(
    `<div class="meta"><span>${escapeHtml(L.store)}: <b>${escapeHtml(report.storeName)}</b> (${escapeHtml(report.storeId)})</span><span>${escapeHtml(L.terminal)}: <b>${escapeHtml(s.terminalId)}</b></span><span>${escapeHtml(L.shift)}: ${escapeHtml(s.shiftId)}</span><span>${escapeHtml(L.state)}: <b>${escapeHtml(s.state === 'open' ? L.open : L.closed)}</b></span><span>${escapeHtml(L.openedBy)}: <b>${escapeHtml(s.openedByName ?? s.openedBy)}</b> ${escapeHtml(localDateTime(s.openedAt, tz))}</span>${
      s.closedAt ? `<span>${escapeHtml(L.closedAt)}: <b>${escapeHtml(localDateTime(s.closedAt, tz))}</b> ${escapeHtml(s.closedByName ?? s.closedBy ?? '')}</span>` : ''
    }<span>${escapeHtml(L.generatedAt)}: <b>${escapeHtml(localDateTime(report.generatedAt, tz))}</b></span></div>`,
  );
  parts.push(
    `<div class="big"><div><span>${escapeHtml(L.net)}</span><strong data-total="net">${escapeHtml(moneyText(report.sales.netFen))}</strong></div><div><span>${escapeHtml(L.expected)}</span><strong data-total="expected">${escapeHtml(moneyText(s.expectedFen))}</strong></div><div><span>${escapeHtml(L.difference)}</span><strong class="${differenceClass(s.differenceFen)}" data-total="difference">${escapeHtml(s.differenceFen === null ? L.notCounted : signedMoneyText(s.differenceFen))}</strong></div></div>`,
  );
  parts.push(`<h2>${escapeHtml(L.totals)}</h2>`);
  parts.push(
    kv([
      [L.sales, moneyText(report.sales.salesFen)],
      [L.orderCount, String(report.sales.orderCount)],
      [L.refunds, moneyText(-report.sales.refundsFen)],
      [L.net, moneyText(report.sales.netFen), 'strong'],
    ]),
  );
  parts.push(`<h2>${escapeHtml(L.byTender)}</h2>`, tendersTable(report.tenders, L));
  parts.push(`<h2>${escapeHtml(L.cashPerShift)}</h2>`, shiftBlock(s, L, tz));
  parts.push(`<h2>${escapeHtml(L.movements)}</h2>`);
  parts.push(
    table(
      [{ text: L.time }, { text: L.kind }, { text: L.reason }, { text: L.user }, { text: L.amount, numeric: true }],
      report.movements.map(
        (m) => `<tr>${cell(localDateTime(m.at, tz))}${cell(m.kind === 'in' ? L.in : L.out)}${cell(m.reason)}${cell(m.userName ?? m.userId)}${cell(moneyText(m.kind === 'in' ? m.amountFen : -m.amountFen), true)}</tr>`,
      ),
      L.none,
    ),
  );
  return document(language, `${L.shiftTitle} ${report.storeName} ${s.terminalId}`, parts.join('\n'));
}
