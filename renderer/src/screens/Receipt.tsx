import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../api/types';
import { formatFen, formatKg } from '../lib/money';

export function Receipt({ order, changeFen, onNewSale }: { order: OrderDto; changeFen: number; onNewSale: () => void }) {
  const { t, i18n } = useTranslation();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === 'F12') {
        e.preventDefault();
        onNewSale();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onNewSale]);
  const p = order.price;
  const paid = order.payments.filter((x) => x.state === 'succeeded');
  const when = new Date(order.paidAt ?? order.createdAt).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'zh-CN');
  return (
    <div className="receipt-screen">
      <div className="receipt-banner">
        <div className="receipt-check" aria-hidden="true">✓</div>
        <div>
          <h1>{t('receipt.paid')}</h1>
          {changeFen > 0 ? (
            <p className="receipt-change">
              {t('receipt.giveChange')} <strong className="num">{formatFen(changeFen)}</strong>
            </p>
          ) : (
            <p className="receipt-change">{t('receipt.noChange')}</p>
          )}
        </div>
      </div>
      <div className="receipt-body">
        <article className="receipt-paper" aria-label={t('receipt.title')}>
          <header>
            <strong>{t('receipt.title')}</strong>
            <div>{t('receipt.orderNo')} {order.orderNo}</div>
            <div>{when}</div>
          </header>
          <table>
            <tbody>
              {order.lines.map((line) => (
                <tr key={line.lineNo}>
                  <td>
                    {line.name}
                    <small>
                      {line.soldBy === 'weight' ? formatKg(line.quantity) : `${line.quantity} × ${formatFen(line.unitPriceFen)}`}
                      {line.lineDiscountFen > 0 && ` · ${t('totals.lineDiscount')} ${formatFen(-line.lineDiscountFen)}`}
                    </small>
                  </td>
                  <td className="num">{formatFen(line.originalFen - line.lineDiscountFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl>
            <div><dt>{t('totals.subtotal')}</dt><dd className="num">{formatFen(p.subtotalFen)}</dd></div>
            {p.lineDiscountFen > 0 && <div><dt>{t('totals.lineDiscount')}</dt><dd className="num">{formatFen(-p.lineDiscountFen)}</dd></div>}
            {p.orderDiscountFen > 0 && <div><dt>{t('totals.orderDiscount')}</dt><dd className="num">{formatFen(-p.orderDiscountFen)}</dd></div>}
            {p.couponFen > 0 && <div><dt>{t('totals.coupon')}{p.couponCode ? ` (${p.couponCode})` : ''}</dt><dd className="num">{formatFen(-p.couponFen)}</dd></div>}
            {p.roundingFen > 0 && <div><dt>{t('totals.rounding')}</dt><dd className="num">{formatFen(-p.roundingFen)}</dd></div>}
            <div className="grand"><dt>{t('totals.total')}</dt><dd className="num">{formatFen(p.totalFen)}</dd></div>
            <div className="small"><dt>{t('totals.taxIncludedLabel')}</dt><dd className="num">{formatFen(p.taxFen)}</dd></div>
          </dl>
          <h3>{t('receipt.tenders')}</h3>
          <dl>
            {paid.map((x) => (
              <div key={x.id}>
                <dt>
                  {t(`tenderName.${x.tender}`)}
                  {x.authCodeTail ? ` ···${x.authCodeTail}` : ''}
                  {x.tender === 'cash' && x.tenderedFen !== null ? ` (${t('receipt.tendered')} ${formatFen(x.tenderedFen)})` : ''}
                </dt>
                <dd className="num">{formatFen(x.amountFen)}</dd>
              </div>
            ))}
            {changeFen > 0 && <div className="grand"><dt>{t('pay.change')}</dt><dd className="num">{formatFen(changeFen)}</dd></div>}
          </dl>
          <footer>{t('receipt.thanks')}</footer>
        </article>
        <div className="receipt-actions">
          <button type="button" className="btn btn--big btn--primary" autoFocus onClick={onNewSale}>
            {t('receipt.newSale')} <kbd>Enter</kbd>
          </button>
          <span className="disabled-wrap" title={t('receipt.printUnavailable')}>
            <button type="button" className="btn btn--big" disabled aria-describedby="print-why">
              {t('receipt.print')}
            </button>
          </span>
          <small id="print-why" className="hint">{t('receipt.printUnavailable')}</small>
        </div>
      </div>
    </div>
  );
}
