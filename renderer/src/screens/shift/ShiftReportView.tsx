import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CashMovementDto, ShiftReportDto } from '../../../../electron/api/dto';
import { formatFen } from '../../lib/money';

/** Local date and time on the Shift screen; '—' when there is none. */
export function timeOf(iso: string | null, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}

/** One cash movement's cells (time, in/out, signed amount, reason, by whom); the caller owns the row. */
export function MovementCells({ movement: m, lang }: { movement: CashMovementDto; lang: string }) {
  const { t } = useTranslation();
  return (
    <>
      <td>{timeOf(m.at, lang)}</td>
      <td>{t(`shift.movements.${m.kind}`)}</td>
      <td className="num">{m.kind === 'in' ? '+' : '−'}{formatFen(m.amountFen)}</td>
      <td>{m.reason}</td>
      <td className="shift-muted">{m.userName ?? m.userId}</td>
    </>
  );
}

/**
 * The shift (X) report on screen, from shift.report. `actions` is where the header's buttons go
 * (printing the X report is report.print with kind 'shift').
 */
export function ShiftReportView({ report, actions }: { report: ShiftReportDto; actions?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const cash = report.cash;
  return (
    <section className="shift-panel shift-xreport" data-testid="shift-xreport">
      <header className="shift-xreport-head">
        <h3>{t('shift.x.title')}</h3>
        <span className="shift-muted">
          {report.storeName} · {t('shift.x.generatedAt')} {timeOf(report.generatedAt, lang)}
        </span>
        <span className="shift-spacer" />
        {actions}
      </header>
      <dl className="shift-facts">
        <dt>{t('shift.openedBy')}</dt>
        <dd>
          {cash.openedByName ?? cash.openedBy} · {timeOf(cash.openedAt, lang)}
        </dd>
        <dt>{t('shift.state')}</dt>
        <dd>{t(`shift.states.${cash.state}`)}{cash.closedAt ? ` · ${cash.closedByName ?? cash.closedBy ?? ''} · ${timeOf(cash.closedAt, lang)}` : ''}</dd>
      </dl>
      <div className="shift-x-grid">
        <table className="shift-table">
          <caption>{t('shift.x.sales')}</caption>
          <tbody>
            <tr><th>{t('shift.x.orderCount')}</th><td className="num" data-testid="x-order-count">{report.sales.orderCount}</td></tr>
            <tr><th>{t('shift.x.salesFen')}</th><td className="num" data-testid="x-sales">{formatFen(report.sales.salesFen)}</td></tr>
            <tr><th>{t('shift.x.refundsFen')}</th><td className="num">{formatFen(report.sales.refundsFen)}</td></tr>
            <tr><th>{t('shift.x.netFen')}</th><td className="num"><strong>{formatFen(report.sales.netFen)}</strong></td></tr>
          </tbody>
        </table>
        <table className="shift-table">
          <caption>{t('shift.x.tenders')}</caption>
          <thead>
            <tr><th>{t('shift.x.tender')}</th><th className="num">{t('shift.x.taken')}</th><th className="num">{t('shift.x.refunded')}</th><th className="num">{t('shift.x.net')}</th></tr>
          </thead>
          <tbody>
            {report.tenders.map((tender) => (
              <tr key={tender.tender} data-testid={`x-tender-${tender.tender}`}>
                <th>{t(`tenderName.${tender.tender}`)} <small className="shift-muted">×{tender.paymentCount}</small></th>
                <td className="num">{formatFen(tender.takenFen)}</td>
                <td className="num">{formatFen(tender.refundedFen)}</td>
                <td className="num">{formatFen(tender.netFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="shift-table">
          <caption>{t('shift.x.cash')}</caption>
          <tbody>
            <tr><th>{t('shift.cash.float')}</th><td className="num">{formatFen(cash.openingFloatFen)}</td></tr>
            <tr><th>{t('shift.cash.taken')}</th><td className="num">+{formatFen(cash.cashTakenFen)}</td></tr>
            <tr><th>{t('shift.cash.change')}</th><td className="num">−{formatFen(cash.changeGivenFen)}</td></tr>
            <tr><th>{t('shift.cash.refunds')}</th><td className="num">−{formatFen(cash.cashRefundsFen)}</td></tr>
            <tr><th>{t('shift.cash.in')}</th><td className="num">+{formatFen(cash.cashInFen)}</td></tr>
            <tr><th>{t('shift.cash.out')}</th><td className="num">−{formatFen(cash.cashOutFen)}</td></tr>
            <tr className="shift-row-strong"><th>{t('shift.cash.expected')}</th><td className="num" data-testid="x-expected">{formatFen(cash.expectedFen)}</td></tr>
            {cash.countedFen !== null && (
              <tr><th>{t('shift.cash.counted')}</th><td className="num">{formatFen(cash.countedFen)}</td></tr>
            )}
            {cash.differenceFen !== null && (
              <tr>
                <th>{t('shift.cash.difference')}</th>
                <td className={`num shift-diff ${diffClass(cash.differenceFen)}`}>{formatFen(cash.differenceFen, { sign: true })} {diffLabel(t, cash.differenceFen)}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {report.movements.length > 0 && (
        <table className="shift-table">
          <caption>{t('shift.movements.title')}</caption>
          <tbody>
            {report.movements.map((m) => (
              <tr key={m.id}>
                <MovementCells movement={m} lang={lang} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function diffClass(differenceFen: number): string {
  return differenceFen < 0 ? 'shift-diff--short' : differenceFen > 0 ? 'shift-diff--over' : 'shift-diff--even';
}

export function diffLabel(t: (key: string) => string, differenceFen: number): string {
  return differenceFen < 0 ? t('shift.diff.short') : differenceFen > 0 ? t('shift.diff.over') : t('shift.diff.even');
}
