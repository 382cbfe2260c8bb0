import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppInfo } from '../api/appInfo';
import { api } from '../api/session';
import { useConnection, useTillEvent } from '../api/events';
import type { CartView } from '../api/types';
import { QrCode } from '../components/QrCode';
import { LangSwitch } from '../components/StatusBar';
import { subscribeDisplay } from '../lib/displayChannel';
import { formatFen, formatKg } from '../lib/money';

type Mode =
  | { kind: 'cart' }
  | { kind: 'qr'; paymentId: string; outTradeNo: string | null; codeUrl: string; amountFen: number; tender: 'wechat' | 'alipay'; expiresAt?: string | undefined }
  | { kind: 'thanks'; totalFen: number | null; changeFen: number | null };

/** The customer-facing display: the cart as it is rung up, the QR to pay, then thanks and change. */
export function Display() {
  const { t } = useTranslation();
  const zh = (key: string, options?: Record<string, unknown>) => t(key, { ...options, lng: 'zh-CN' });
  const en = (key: string, options?: Record<string, unknown>) => t(key, { ...options, lng: 'en' });
  const connection = useConnection();
  const [cart, setCart] = useState<CartView | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'cart' });
  const [simState, setSimState] = useState<'idle' | 'sending' | 'sent' | 'failed'>('idle');

  useTillEvent('cart.changed', (payload) => {
    setCart(payload.cart);
    if (payload.cart.lines.length > 0) setMode((m) => (m.kind === 'thanks' ? { kind: 'cart' } : m));
  });
  useTillEvent('payment.progress', (p) => {
    if (p.method !== 'merchant_qr') {
      if (p.stage === 'paid') setMode({ kind: 'thanks', totalFen: null, changeFen: null });
      return;
    }
    if (p.stage === 'waiting_for_scan' && p.codeUrl) {
      setMode((m) =>
        // Once a QR is showing, other attempts (e.g. an old one the engine still polls) do not replace it.
        m.kind === 'qr' && m.paymentId !== p.paymentId
          ? m
          : m.kind === 'qr'
          ? { ...m, expiresAt: p.expiresAt }
          : { kind: 'qr', paymentId: p.paymentId, outTradeNo: null, codeUrl: p.codeUrl!, amountFen: p.amountFen, tender: p.tender, expiresAt: p.expiresAt },
      );
    } else if (p.stage === 'paid') {
      setMode((m) => (m.kind === 'thanks' ? m : { kind: 'thanks', totalFen: null, changeFen: null }));
    } else if (p.stage === 'closed' || p.stage === 'failed' || p.stage === 'reversed') {
      setMode((m) => (m.kind === 'qr' && m.paymentId === p.paymentId ? { kind: 'cart' } : m));
    }
  });
  useEffect(
    () =>
      subscribeDisplay((message) => {
        if (message.kind === 'qr') setMode({ kind: 'qr', paymentId: message.paymentId, outTradeNo: message.outTradeNo, codeUrl: message.codeUrl, amountFen: message.amountFen, tender: message.tender });
        else if (message.kind === 'paid') setMode({ kind: 'thanks', totalFen: message.totalFen, changeFen: message.changeFen });
        else {
          setMode({ kind: 'cart' });
          setCart(null);
        }
        setSimState('idle');
      }),
    [],
  );

  const appInfo = useAppInfo();
  const canSimulate = mode.kind === 'qr' && Boolean(appInfo?.demoPay) && Boolean(mode.outTradeNo);
  const simulatePay = async () => {
    if (mode.kind !== 'qr' || !mode.outTradeNo) return;
    setSimState('sending');
    try {
      // Through the core's API (preload bridge or host): the page's CSP allows no other origin,
      // and the sandbox runs beside the core.
      const result = await api['sandbox.pay']({ tender: mode.tender, outTradeNo: mode.outTradeNo });
      setSimState(result.ok ? 'sent' : 'failed');
    } catch {
      setSimState('failed');
    }
  };

  return (
    <div className="display" data-testid="display" data-mode={mode.kind}>
      <header className="display-head">
        <div className="display-brand">Till 收银台</div>
        <div className={`status-pill conn-${connection}`}><span className="dot" />{t(`status.conn.${connection}`)}</div>
        <LangSwitch />
      </header>
      {mode.kind === 'thanks' ? (
        <main className="display-thanks" data-testid="display-thanks">
          <div className="receipt-check big" aria-hidden="true">✓</div>
          <h1>{zh('display.thanks')}</h1>
          <h2>{en('display.thanks')}</h2>
          {mode.totalFen !== null && <p className="display-paid" data-testid="display-paid">{zh('display.paid')} / {en('display.paid')} <strong className="num">{formatFen(mode.totalFen)}</strong></p>}
          {mode.changeFen !== null && mode.changeFen > 0 && (
            <p className="display-change" data-testid="display-change">{zh('display.change')} / {en('display.change')} <strong className="num">{formatFen(mode.changeFen)}</strong></p>
          )}
        </main>
      ) : mode.kind === 'qr' ? (
        <main className="display-qr">
          <div className={`qr-frame qr-frame--${mode.tender}`}>
            <div className="qr-provider">{zh(`tender.${mode.tender}`)} · {en(`tender.${mode.tender}`)}</div>
            <QrCode value={mode.codeUrl} size={360} label={t('pay.qrLabel')} testId="display-qr" />
          </div>
          <div className="display-qr-side">
            <p className="display-label">{zh('display.toPay')}<br /><span>{en('display.toPay')}</span></p>
            <div className="display-amount num" data-testid="display-amount">{formatFen(mode.amountFen)}</div>
            <p className="display-label">{zh(`display.scanWith.${mode.tender}`)}<br /><span>{en(`display.scanWith.${mode.tender}`)}</span></p>
            {canSimulate && (
              <button type="button" className="btn btn--big btn--sandbox" data-testid="display-simulate" disabled={simState === 'sending' || simState === 'sent'} onClick={() => void simulatePay()}>
                {t('display.simulate')}
                {simState === 'sent' && ` ✓`}
              </button>
            )}
            {simState === 'failed' && <p className="error-text">{t('display.simulateFailed')}</p>}
          </div>
        </main>
      ) : (
        <main className="display-cart">
          {!cart || cart.lines.length === 0 ? (
            <div className="display-welcome">
              <h1>{zh('display.welcome')}</h1>
              <h2>{en('display.welcome')}</h2>
            </div>
          ) : (
            <>
              <ol className="display-lines">
                {cart.lines.map((line) => (
                  <li key={line.lineId} data-testid="display-line">
                    <span className="display-line-name">
                      {line.name}
                      {line.nameEn && <small>{line.nameEn}</small>}
                    </span>
                    <span className="display-line-qty">{line.soldBy === 'weight' ? formatKg(line.quantity) : `× ${line.quantity}`}</span>
                    <span className="num">{formatFen(line.priced.originalFen - line.priced.lineDiscountFen)}</span>
                  </li>
                ))}
              </ol>
              <div className="display-totals">
                {cart.totals.subtotalFen !== cart.totals.totalFen && (
                  <div className="display-saved">
                    {zh('display.saved')} / {en('display.saved')}{' '}
                    <span className="num">{formatFen(cart.totals.subtotalFen - cart.totals.totalFen)}</span>
                  </div>
                )}
                <div className="display-total">
                  <span>{zh('totals.total')} <small>{en('totals.total')}</small></span>
                  <span className="num" data-testid="display-total">{formatFen(cart.totals.totalFen)}</span>
                </div>
              </div>
            </>
          )}
        </main>
      )}
    </div>
  );
}
