import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../../api/types';
import { formatBp, formatFen, formatKg } from '../../lib/money';
import { formatWhen, refundableFen } from './orderFacts';
import { PrintStatus, type PrintState } from './printing';

export interface DetailActions {
  onReprint: () => void;
  onView: () => void;
  onRefund: () => void;
  onViewRefund: (refundId: string) => void;
  onPrintRefund: (refundId: string) => void;
  onRetryPrint: () => void;
}

/** One order as stored: lines, discounts, tenders with their provider references, refunds; and what can be done with it. */
export function OrderDetail({ order, timeZone, printState, actions }: { order: OrderDto; timeZone: string; printState: PrintState; actions: DetailActions }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const p = order.price;
  const refundable = refundableFen(order);
  const printable = !['pending_payment', 'paying', 'cancelled'].includes(order.state) || order.payments.some((x) => x.state === 'succeeded');
  return (
    <section className="history-detail" data-testid="history-detail" data-order-no={order.orderNo} aria-label={t('history.detail.title')}>
      <header className="hd-head">
        <div>
          <div className="hd-no">
            <span className="mono">{order.orderNo}</span>
            <span className={`badge badge--${order.state}`}>{t(`history.state.${order.state}`)}</span>
          </div>
          <div className="hd-when">
            {t('history.detail.created')} {formatWhen(order.createdAt, lang, timeZone, true)}
            {order.paidAt && <> · {t('history.detail.paidAt')} {formatWhen(order.paidAt, lang, timeZone)}</>}
          </div>
        </div>
        <div className="hd-total">
          <span>{t('totals.total')}</span>
          <strong className="num">{formatFen(order.totalFen)}</strong>
          {order.refundedFen > 0 && <small className="num minus">{t('history.detail.refunded')} {formatFen(order.refundedFen)}</small>}
        </div>
      </header>

      <div className="hd-actions">
        <button type="button" className="btn" data-testid="history-reprint" disabled={!printable || printState.kind === 'printing'} onClick={actions.onReprint}>
          {t('history.actions.reprint')} <kbd>Ctrl+P</kbd>
        </button>
        <button type="button" className="btn" data-testid="history-view-receipt" onClick={actions.onView}>
          {t('history.actions.view')} <kbd>F8</kbd>
        </button>
        <button type="button" className="btn btn--danger-outline" data-testid="history-refund" disabled={refundable <= 0} onClick={actions.onRefund} title={refundable <= 0 ? t('history.actions.nothingToRefund') : undefined}>
          {t('history.actions.refund')} <kbd>F9</kbd>
        </button>
        {refundable > 0 && (
          <span className="hd-refundable">
            {t('history.refund.refundable')} <strong className="num">{formatFen(refundable)}</strong>
          </span>
        )}
      </div>
      <PrintStatus state={printState} onRetry={actions.onRetryPrint} testId="history-print-status" />

      <div className="hd-scroll">
        <table className="hd-lines">
          <thead>
            <tr>
              <th>{t('sell.item')}</th>
              <th className="num">{t('sell.qty')}</th>
              <th className="num">{t('sell.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.lineNo}>
                <td>
                  <div className="hd-line-name">{line.name}</div>
                  <small className="mono">{line.sku}{line.barcode ? ` · ${line.barcode}` : ''}</small>
                  {line.lineDiscountFen > 0 && <small className="tag">{t('sell.lineDiscount')} {formatFen(-line.lineDiscountFen)}</small>}
                  {line.priceOverridden && <small className="tag">{t('sell.priceOverridden')}</small>}
                </td>
                <td className="num">
                  {line.soldBy === 'weight' ? formatKg(line.quantity) : `${line.quantity} × ${formatFen(line.unitPriceFen)}`}
                </td>
                <td className="num">
                  {line.netFen !== line.originalFen && <s>{formatFen(line.originalFen)}</s>}
                  <strong>{formatFen(line.netFen)}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>

        <dl className="hd-sums">
          <div><dt>{t('totals.subtotal')}</dt><dd className="num">{formatFen(p.subtotalFen)}</dd></div>
          {p.lineDiscountFen > 0 && <div className="minus"><dt>{t('totals.lineDiscount')}</dt><dd className="num">{formatFen(-p.lineDiscountFen)}</dd></div>}
          {p.orderDiscountFen > 0 && <div className="minus"><dt>{t('totals.orderDiscount')}</dt><dd className="num">{formatFen(-p.orderDiscountFen)}</dd></div>}
          {p.couponFen > 0 && <div className="minus"><dt>{t('totals.coupon')}{p.couponCode ? ` (${p.couponCode})` : ''}</dt><dd className="num">{formatFen(-p.couponFen)}</dd></div>}
          {p.roundingFen > 0 && <div className="minus"><dt>{t('totals.rounding')}</dt><dd className="num">{formatFen(-p.roundingFen)}</dd></div>}
          {p.deliveryFeeFen > 0 && <div><dt>{t('history.detail.deliveryFee')}</dt><dd className="num">{formatFen(p.deliveryFeeFen)}</dd></div>}
          <div className="grand"><dt>{t('totals.total')}</dt><dd className="num">{formatFen(p.totalFen)}</dd></div>
          <div className="small"><dt>{t('totals.taxIncludedLabel')}</dt><dd className="num">{formatFen(p.taxFen)}</dd></div>
          {p.discountApprovedBy && <div className="small"><dt>{t('totals.approved')}</dt><dd /></div>}
        </dl>

        <h3 className="hd-h3">{t('history.detail.payments')}</h3>
        {order.payments.length === 0 ? (
          <p className="hint">{t('history.detail.noPayments')}</p>
        ) : (
          <ul className="hd-payments">
            {order.payments.map((x) => (
              <li key={x.id} className={`hd-payment tender-${x.tender}`}>
                <div className="hd-payment-main">
                  <strong>{t(`tenderName.${x.tender}`)}</strong>
                  <span className="hint">{t(`history.method.${x.method}`)}</span>
                  <span className={`badge badge--pay-${x.state}`}>{t(`history.paymentState.${x.state}`)}</span>
                  <span className="num hd-payment-amount">{formatFen(x.amountFen)}</span>
                </div>
                <div className="hd-refs">
                  {x.tender === 'cash' && x.tenderedFen !== null && (
                    <span>{t('receipt.tendered')} {formatFen(x.tenderedFen)} · {t('pay.change')} {formatFen(x.changeFen)}</span>
                  )}
                  {x.outTradeNo && <span>{t('history.detail.outTradeNo')} <span className="mono">{x.outTradeNo}</span></span>}
                  {x.providerTradeNo && <span>{t('history.detail.providerTradeNo')} <span className="mono">{x.providerTradeNo}</span></span>}
                  {x.authCodeTail && <span>{t('history.detail.codeTail')} ···{x.authCodeTail}</span>}
                  {x.failureCode && x.state !== 'succeeded' && <span className="hd-failure">{x.failureCode}{x.failureMessage ? `: ${x.failureMessage}` : ''}</span>}
                </div>
              </li>
            ))}
          </ul>
        )}

        {order.refunds.length > 0 && (
          <>
            <h3 className="hd-h3">{t('history.detail.refunds')}</h3>
            <ul className="hd-payments">
              {order.refunds.map((r) => {
                const tender = order.payments.find((x) => x.id === r.paymentId)?.tender ?? 'cash';
                return (
                  <li key={r.id} className="hd-payment hd-refund" data-testid="history-refund-row" data-state={r.state}>
                    <div className="hd-payment-main">
                      <strong>{t(`tenderName.${tender}`)}</strong>
                      <span className="hint">{r.automatic ? t('history.detail.automaticRefund') : r.reason}</span>
                      <span className={`badge badge--refund-${r.state}`}>{t(`history.refundState.${r.state}`)}</span>
                      <span className="num hd-payment-amount minus">{formatFen(-r.amountFen)}</span>
                    </div>
                    <div className="hd-refs">
                      <span>{t('history.detail.outRefundNo')} <span className="mono">{r.outRefundNo}</span></span>
                      <span>{formatWhen(r.succeededAt ?? r.createdAt, lang, timeZone, true)}</span>
                      {r.failureCode && <span className="hd-failure">{r.failureCode}</span>}
                      <span className="hd-ref-actions">
                        <button type="button" className="btn btn--small" onClick={() => actions.onViewRefund(r.id)}>{t('history.actions.view')}</button>
                        <button type="button" className="btn btn--small" data-testid="history-refund-receipt" onClick={() => actions.onPrintRefund(r.id)}>{t('history.refund.printOne')}</button>
                      </span>
                    </div>
                  </li>
                );
              })}
            </ul>
          </>
        )}

        {(order.note || order.cancelReason || order.customer.name || order.customer.phone) && (
          <dl className="hd-sums hd-notes">
            {order.customer.name && <div><dt>{t('history.detail.customer')}</dt><dd>{order.customer.name}{order.customer.phone ? ` · ${order.customer.phone}` : ''}</dd></div>}
            {order.note && <div><dt>{t('history.detail.note')}</dt><dd>{order.note}</dd></div>}
            {order.cancelReason && <div><dt>{t('history.detail.cancelReason')}</dt><dd>{order.cancelReason}</dd></div>}
          </dl>
        )}
        <p className="hint hd-tax">{order.lines.some((l) => l.taxRateBp > 0) && t('history.detail.taxRates', { rates: [...new Set(order.lines.map((l) => formatBp(l.taxRateBp)))].join(' / ') })}</p>
      </div>
    </section>
  );
}
