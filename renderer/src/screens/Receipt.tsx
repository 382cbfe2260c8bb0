import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../api/types';
import { useSession } from '../api/session';
import { formatFen, formatKg } from '../lib/money';
import { formatWhen } from './history/orderFacts';
import { PrintStatus, usePrint } from './history/printing';
import { ReceiptPreview } from './history/ReceiptPreview';
import '../styles/history.css';

/**
 * After payment: change due, the receipt on screen, print / reprint through receipt.print in the UI
 * language with the printer's answer (or its typed error and a retry), and the next sale.
 * Keys: Enter / F12 next sale, P (or Ctrl+P) print, R reprint, V view the printed layout.
 */
export function Receipt({ order, changeFen, onNewSale }: { order: OrderDto; changeFen: number; onNewSale: () => void }) {
  const { t, i18n } = useTranslation();
  const printer = usePrint();
  const [printed, setPrinted] = useState(false);
  const [preview, setPreview] = useState(false);
  const print = (reprint: boolean) => {
    void printer.print({ orderId: order.id, ...(reprint ? { reprint: true } : {}) }).then((ok) => ok && setPrinted(true));
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[data-modal="true"]')) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      // Enter on another focused button (print, retry) presses that button, not "next sale".
      const onOtherButton = target?.tagName === 'BUTTON' && target.dataset.testid !== 'receipt-new-sale';
      const key = e.key.toLowerCase();
      if ((e.key === 'Enter' && !onOtherButton) || e.key === 'F12') {
        e.preventDefault();
        onNewSale();
      } else if (key === 'p' && !e.altKey) {
        e.preventDefault();
        print(printed);
      } else if (key === 'r' && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        print(true);
      } else if (key === 'v' && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        setPreview(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const p = order.price;
  const paid = order.payments.filter((x) => x.state === 'succeeded');
  const session = useSession();
  // Business times are shown in the store's time zone, whatever the machine's clock zone is.
  const when = formatWhen(order.paidAt ?? order.createdAt, i18n.language, session?.store.timezone ?? 'Asia/Shanghai', true);
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
            <div>{t('receipt.orderNo')} <span data-testid="receipt-order-no">{order.orderNo}</span></div>
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
          <button type="button" className="btn btn--big btn--primary" data-testid="receipt-new-sale" autoFocus onClick={onNewSale}>
            {t('receipt.newSale')} <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn btn--big" data-testid="receipt-print" disabled={printer.state.kind === 'printing'} onClick={() => print(printed)}>
            {t('receipt.print')} <kbd>P</kbd>
          </button>
          <button type="button" className="btn" data-testid="receipt-reprint" disabled={printer.state.kind === 'printing'} onClick={() => print(true)}>
            {t('receipt.reprint')} <kbd>R</kbd>
          </button>
          <button type="button" className="btn" data-testid="receipt-view" onClick={() => setPreview(true)}>
            {t('receipt.view')} <kbd>V</kbd>
          </button>
          <PrintStatus state={printer.state} onRetry={() => void printer.retry()} testId="receipt-print-status" />
          {printer.state.kind === 'idle' && <small className="hint">{t('receipt.printHint')}</small>}
        </div>
      </div>
      {preview && <ReceiptPreview orderId={order.id} onClose={() => setPreview(false)} onPrint={() => {
        setPreview(false);
        print(true);
      }} />}
    </div>
  );
}
