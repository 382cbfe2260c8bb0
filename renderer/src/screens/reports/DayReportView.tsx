import { useTranslation } from 'react-i18next';
import type { DayReportDto } from '../../../../electron/api/dto';
import { formatFen, formatKg } from '../../lib/money';
import { formatWhen } from '../history/orderFacts';

type Report = DayReportDto;
type Hour = Report['hours'][number];
type Shift = Report['shifts'][number];

const pad = (n: number) => String(n).padStart(2, '0');

/** Sales by hour as bars on a fixed 0–23 axis, one bar per hour with sales; heights relative to the busiest hour (integer maths). */
export function HourChart({ hours }: { hours: Hour[] }) {
  const { t } = useTranslation();
  if (hours.length === 0) return <p className="rep-empty">{t('reports.empty')}</p>;
  const sorted = [...hours].sort((a, b) => a.hour - b.hour);
  const max = Math.max(1, ...sorted.map((h) => h.salesFen));
  const slot = 32;
  const bar = 22;
  const chart = 140;
  const top = 22;
  const width = 24 * slot + 8;
  const labelled = Array.from({ length: 24 }, (_, hour) => hour).filter((hour) => hour % 3 === 0 || sorted.some((h) => h.hour === hour));
  return (
    <svg className="rep-chart" data-testid="reports-hour-chart" viewBox={`0 0 ${width} ${top + chart + 22}`} role="img" aria-label={t('reports.hours.chart')}>
      <line x1={0} y1={top + chart} x2={width} y2={top + chart} className="rep-chart-axis" />
      {labelled.map((hour) => (
        <text key={hour} x={4 + hour * slot + slot / 2} y={top + chart + 16} textAnchor="middle" className="rep-chart-label">
          {pad(hour)}
        </text>
      ))}
      {sorted.map((h) => {
        const height = Math.max(1, Math.floor((Math.max(0, h.salesFen) * chart) / max));
        const x = 4 + h.hour * slot + (slot - bar) / 2;
        return (
          <g key={h.hour}>
            <rect className="rep-chart-bar" data-hour={h.hour} x={x} y={top + chart - height} width={bar} height={height}>
              <title>{`${pad(h.hour)}:00 ${formatFen(h.salesFen)} (${h.orderCount})`}</title>
            </rect>
            <text x={x + bar / 2} y={top + chart - height - 5} textAnchor="middle" className="rep-chart-value">
              {h.orderCount}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="rep-card" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function Empty() {
  const { t } = useTranslation();
  return <p className="rep-empty">{t('reports.empty')}</p>;
}

/** A column heading: plain text, or `{ num }` for a right-aligned figure column. */
type Head = string | { num: string };

/** A report table with its heading row; "nothing" instead when `empty`. */
function RepTable({ head, empty = false, children }: { head: Head[]; empty?: boolean; children: React.ReactNode }) {
  if (empty) return <Empty />;
  return (
    <table className="rep-table">
      <thead>
        <tr>
          {head.map((h, index) =>
            typeof h === 'string' ? (
              <th key={index}>{h}</th>
            ) : (
              <th key={index} className="num">
                {h.num}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

function differenceClass(fen: number | null): string {
  return fen === null ? 'rep-warn' : fen === 0 ? 'rep-good' : 'rep-bad';
}

function signed(fen: number): string {
  return formatFen(fen, { sign: fen > 0 });
}

function ShiftRow({ s, lang, timeZone }: { s: Shift; lang: string; timeZone: string }) {
  const { t } = useTranslation();
  return (
    <tr data-testid="reports-shift">
      <td>
        <strong>{s.terminalId}</strong> · {s.openedByName ?? s.openedBy}
        <small className="rep-sub">
          {formatWhen(s.openedAt, lang, timeZone)} – {s.closedAt ? formatWhen(s.closedAt, lang, timeZone) : t('reports.shifts.open')}
        </small>
      </td>
      <td className="num">{formatFen(s.openingFloatFen)}</td>
      <td className="num">{formatFen(s.cashTakenFen)}</td>
      <td className="num">{formatFen(-s.changeGivenFen)}</td>
      <td className="num">{formatFen(-s.cashRefundsFen)}</td>
      <td className="num">
        {formatFen(s.cashInFen)} / {formatFen(-s.cashOutFen)}
      </td>
      <td className="num strong">{formatFen(s.expectedFen)}</td>
      <td className="num">{s.countedFen === null ? t('reports.shifts.notCounted') : formatFen(s.countedFen)}</td>
      <td className={`num strong ${differenceClass(s.differenceFen)}`} data-testid="reports-shift-difference">
        {s.differenceFen === null ? '—' : signed(s.differenceFen)}
      </td>
    </tr>
  );
}

/** The Z report as React: what report.day returned, laid out for a counter (the big figures first). */
export function DayReportView({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const tz = report.timeZone;
  const x = report.totals;
  const totals: [string, number, string?][] = [
    ['gross', x.grossFen],
    ['lineDiscounts', -x.lineDiscountsFen],
    ['orderDiscounts', -x.orderDiscountsFen],
    ['coupons', -x.couponsFen],
    ['rounding', -x.roundingFen],
    ['deliveryFees', x.deliveryFeesFen],
    ['sales', x.salesFen, 'strong'],
    ['refunds', -x.refundsFen],
    ['automaticRefunds', -x.automaticRefundsFen, 'sub'],
    ['net', x.netFen, 'strong'],
    ['tax', x.taxFen],
    ['averageTicket', x.averageTicketFen],
  ];
  return (
    <div className="rep-body">
      <div className="rep-big" data-testid="reports-big">
        <div className="rep-big-net">
          <span>{t('reports.big.net')}</span>
          <strong data-testid="reports-net">{formatFen(x.netFen)}</strong>
          <small>
            {t('reports.big.sales')} {formatFen(x.salesFen)} · {t('reports.big.refunds')} {formatFen(-x.refundsFen)} · {t('reports.big.orders')} {x.orderCount}
          </small>
        </div>
        {report.tenders.map((tender) => (
          <div key={tender.tender} className={`rep-big-tender rep-tender-${tender.tender}`} data-testid={`reports-tender-${tender.tender}`}>
            <span>{t(`reports.tenders.${tender.tender}`)}</span>
            <strong>{formatFen(tender.netFen)}</strong>
            <small>
              {t('reports.tenders.count', { count: tender.paymentCount })}
              {tender.refundedFen !== 0 ? ` · ${t('reports.tenders.refunded')} ${formatFen(-tender.refundedFen)}` : ''}
            </small>
          </div>
        ))}
      </div>

      <div className="rep-grid">
        <Section title={t('reports.totals.title')} testId="reports-totals">
          <table className="rep-table rep-kv">
            <tbody>
              {totals.map(([key, fen, kind]) => (
                <tr key={key} className={kind ? `rep-row-${kind}` : undefined}>
                  <td>{t(`reports.totals.${key}`)}</td>
                  <td className="num">{formatFen(fen)}</td>
                </tr>
              ))}
              <tr>
                <td>{t('reports.totals.orderCount')}</td>
                <td className="num">{x.orderCount}</td>
              </tr>
              <tr>
                <td>{t('reports.totals.refundCount')}</td>
                <td className="num">{x.refundCount}</td>
              </tr>
              <tr>
                <td>{t('reports.totals.itemsSold')}</td>
                <td className="num">{x.itemsSold}</td>
              </tr>
            </tbody>
          </table>
        </Section>

        <div className="rep-stack">
          <Section title={t('reports.hours.title')} testId="reports-hours">
            <HourChart hours={report.hours} />
            {report.hours.length > 0 && (
              <RepTable head={[t('reports.hours.hour'), { num: t('reports.hours.orders') }, { num: t('reports.hours.sales') }]}>
                {[...report.hours]
                  .sort((a, b) => a.hour - b.hour)
                  .map((h) => (
                    <tr key={h.hour}>
                      <td>
                        {pad(h.hour)}:00–{pad(h.hour + 1)}:00
                      </td>
                      <td className="num">{h.orderCount}</td>
                      <td className="num">{formatFen(h.salesFen)}</td>
                    </tr>
                  ))}
              </RepTable>
            )}
          </Section>

          <Section title={t('reports.tenders.title')} testId="reports-tenders">
            <RepTable head={[t('reports.tenders.tender'), { num: t('reports.tenders.taken') }, { num: t('reports.tenders.refunded') }, { num: t('reports.tenders.net') }]}>
              {report.tenders.map((tender) => (
                <tr key={tender.tender}>
                  <td>
                    {t(`reports.tenders.${tender.tender}`)} <small className="rep-sub">{t('reports.tenders.count', { count: tender.paymentCount })}</small>
                  </td>
                  <td className="num">{formatFen(tender.takenFen)}</td>
                  <td className="num">{formatFen(-tender.refundedFen)}</td>
                  <td className="num strong">{formatFen(tender.netFen)}</td>
                </tr>
              ))}
            </RepTable>
          </Section>

          <Section title={t('reports.cashiers.title')} testId="reports-cashiers">
            <RepTable head={[t('reports.cashiers.cashier'), { num: t('reports.cashiers.orders') }, { num: t('reports.cashiers.sales') }, { num: t('reports.cashiers.refunds') }]} empty={report.cashiers.length === 0}>
              {report.cashiers.map((c) => (
                <tr key={c.cashierId ?? 'automatic'}>
                  <td>{c.cashierId === null ? t('reports.cashiers.automatic') : (c.cashierName ?? c.cashierId)}</td>
                  <td className="num">{c.orderCount}</td>
                  <td className="num">{formatFen(c.salesFen)}</td>
                  <td className="num">{formatFen(-c.refundsFen)}</td>
                </tr>
              ))}
            </RepTable>
          </Section>
        </div>
      </div>

      <Section title={t('reports.shifts.title')} testId="reports-shifts">
        {report.shifts.length === 0 ? (
          <Empty />
        ) : (
          <div className="rep-scroll">
            <RepTable head={[t('reports.shifts.shift'), { num: t('reports.shifts.float') }, { num: t('reports.shifts.cashTaken') }, { num: t('reports.shifts.change') }, { num: t('reports.shifts.cashRefunds') }, { num: t('reports.shifts.inOut') }, { num: t('reports.shifts.expected') }, { num: t('reports.shifts.counted') }, { num: t('reports.shifts.difference') }]}>
              {report.shifts.map((s) => (
                <ShiftRow key={s.shiftId} s={s} lang={lang} timeZone={tz} />
              ))}
            </RepTable>
          </div>
        )}
      </Section>

      <Section title={t('reports.products.title')} testId="reports-products">
        <RepTable head={['#', t('reports.products.product'), { num: t('reports.products.quantity') }, { num: t('reports.products.net') }]} empty={report.topProducts.length === 0}>
          {report.topProducts.map((p, index) => (
            <tr key={p.sku}>
              <td>{index + 1}</td>
              <td>
                {p.name} <small className="rep-sub mono">{p.sku}</small>
              </td>
              <td className="num">{p.soldBy === 'weight' ? formatKg(p.quantity) : p.quantity}</td>
              <td className="num">{formatFen(p.netFen)}</td>
            </tr>
          ))}
        </RepTable>
      </Section>

      <div className="rep-grid rep-grid--even">
        <Section title={`${t('reports.unfinished.title')} (${report.unfinishedPayments.length})`} testId="reports-unfinished">
          <RepTable head={[t('reports.unfinished.orderNo'), t('reports.unfinished.tender'), t('reports.unfinished.state'), t('reports.unfinished.since'), { num: t('reports.unfinished.amount') }]} empty={report.unfinishedPayments.length === 0}>
            {report.unfinishedPayments.map((p) => (
              <tr key={p.paymentId} className="rep-warn-row">
                <td className="mono">{p.orderNo}</td>
                <td>{t(`reports.tenders.${p.tender}`)}</td>
                <td>{p.state}</td>
                <td>{formatWhen(p.createdAt, lang, tz)}</td>
                <td className="num">{formatFen(p.amountFen)}</td>
              </tr>
            ))}
          </RepTable>
        </Section>
        <Section title={`${t('reports.unsynced.title')} (${report.unsyncedOrders.length})`} testId="reports-unsynced">
          <RepTable head={[t('reports.unsynced.orderNo'), t('reports.unsynced.state'), t('reports.unsynced.since')]} empty={report.unsyncedOrders.length === 0}>
            {report.unsyncedOrders.map((o) => (
              <tr key={o.orderId} className={o.dead ? 'rep-bad' : undefined}>
                <td className="mono">{o.orderNo}</td>
                <td>
                  {o.state}
                  {o.dead ? ` · ${t('reports.unsynced.dead')}` : ''}
                </td>
                <td>{formatWhen(o.pendingSince, lang, tz)}</td>
              </tr>
            ))}
          </RepTable>
        </Section>
      </div>
    </div>
  );
}
