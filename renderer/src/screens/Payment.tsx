import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiCallError } from '../api/session';
import { useTillEvent } from '../api/events';
import type { OrderDto, PaymentDto, PaymentProgress, PaymentStage } from '../api/types';
import { ApprovalDialog } from '../components/ApprovalDialog';
import { QrCode } from '../components/QrCode';
import { useErrorText } from '../i18n';
import { formatFen, parseYuanToFen } from '../lib/money';
import { publishDisplay } from '../lib/displayChannel';
import type { TenderMode } from './Sell';

type View = 'pick' | 'qr' | 'code' | 'cash' | 'split';

const FINAL_STAGES: ReadonlySet<PaymentStage> = new Set(['paid', 'failed', 'closed', 'reversed', 'needs_attention']);

function stageFromState(state: string): PaymentStage | null {
  switch (state) {
    case 'succeeded':
      return 'paid';
    case 'failed':
      return 'failed';
    case 'closed':
      return 'closed';
    case 'reversed':
      return 'reversed';
    case 'closing':
      return 'closing';
    default:
      return null;
  }
}

export function Payment({ order: initialOrder, mode, onPaid, onVoided }: {
  order: OrderDto;
  mode: TenderMode;
  onPaid: (order: OrderDto, changeFen: number) => void;
  onVoided: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [order, setOrder] = useState(initialOrder);
  const [view, setView] = useState<View>(mode === 'wechat' || mode === 'alipay' ? 'qr' : mode);
  const [provider, setProvider] = useState<'wechat' | 'alipay'>(mode === 'alipay' ? 'alipay' : 'wechat');
  const [payment, setPayment] = useState<PaymentDto | null>(null);
  const [stage, setStage] = useState<PaymentStage | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [cashChange, setCashChange] = useState(0);
  const [voiding, setVoiding] = useState(false);
  const finished = useRef(false);
  const progressBuffer = useRef<PaymentProgress[]>([]);

  const due = order.dueFen;

  const refreshAndFinish = useCallback(
    async (extraChange = 0) => {
      const fresh = await api['order.get']({ orderId: order.id });
      setOrder(fresh);
      if (fresh.dueFen <= 0 && !finished.current) {
        finished.current = true;
        const change = cashChange + extraChange;
        publishDisplay({ kind: 'paid', orderNo: fresh.orderNo, totalFen: fresh.totalFen, changeFen: change });
        onPaid(fresh, change);
      } else {
        setPayment(null);
        setStage(null);
        setView('pick');
      }
    },
    [order.id, cashChange, onPaid],
  );

  const applyProgress = useCallback(
    (p: PaymentProgress) => {
      setStage(p.stage);
      if (p.codeUrl) {
        const codeUrl = p.codeUrl;
        setPayment((current) => {
          if (!current || current.id !== p.paymentId || current.codeUrl === codeUrl) return current;
          publishDisplay({ kind: 'qr', paymentId: current.id, outTradeNo: current.outTradeNo, codeUrl, amountFen: p.amountFen, tender: p.tender });
          return { ...current, codeUrl, expiresAt: p.expiresAt ?? current.expiresAt };
        });
      }
      if (p.failure) setFailure(p.failure.message);
      if (p.stage === 'paid') void refreshAndFinish();
    },
    [refreshAndFinish],
  );

  useTillEvent('payment.progress', (p) => {
    if (p.orderId !== order.id) return;
    if (!payment) {
      progressBuffer.current.push(p);
      return;
    }
    if (p.paymentId === payment.id) applyProgress(p);
  });

  // Events that arrived before startQr/scanCode answered.
  useEffect(() => {
    if (!payment) return;
    const buffered = progressBuffer.current.filter((p) => p.paymentId === payment.id);
    progressBuffer.current = [];
    for (const p of buffered) applyProgress(p);
  }, [payment, applyProgress]);

  // Fallback when the event stream is down: ask for the payment every 2.5 s.
  useEffect(() => {
    if (!payment || (stage && FINAL_STAGES.has(stage))) return;
    const timer = window.setInterval(() => {
      api['payment.get']({ paymentId: payment.id }).then((fresh) => {
        const s = stageFromState(fresh.state);
        if (!s) return;
        if (fresh.failureMessage) setFailure(fresh.failureMessage);
        if (fresh.codeUrl) setPayment((current) => (current && current.id === fresh.id && !current.codeUrl ? { ...current, codeUrl: fresh.codeUrl, expiresAt: fresh.expiresAt } : current));
        setStage((current) => (current === s ? current : s));
        if (s === 'paid') void refreshAndFinish();
      }, () => undefined);
    }, 2500);
    return () => window.clearInterval(timer);
  }, [payment, stage, refreshAndFinish]);

  const startQr = useCallback(
    async (tender: 'wechat' | 'alipay') => {
      setProvider(tender);
      setView('qr');
      setPayment(null);
      setStage('creating');
      setFailure(null);
      setError(null);
      try {
        const started = await api['payment.startQr']({ orderId: order.id, tender, amountFen: order.dueFen });
        setPayment(started);
        setStage((s) => (s === 'creating' && started.codeUrl ? 'waiting_for_scan' : s));
        if (started.codeUrl) publishDisplay({ kind: 'qr', paymentId: started.id, outTradeNo: started.outTradeNo, codeUrl: started.codeUrl, amountFen: started.amountFen, tender });
      } catch (e) {
        setStage(null);
        setError(errorText(e));
      }
    },
    [order.id, order.dueFen, errorText],
  );

  useEffect(() => {
    if (mode === 'wechat' || mode === 'alipay') void startQr(mode);
    // Start once, for the tender chosen on the cashier screen.
  }, []);

  const cancelPayment = async () => {
    if (!payment) {
      setView('pick');
      return;
    }
    setBusy(true);
    try {
      const closed = await api['payment.cancel']({ paymentId: payment.id });
      const s = stageFromState(closed.state);
      if (s === 'paid') await refreshAndFinish();
      else if (s) setStage(s);
      else setStage('closing');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const scanCustomerCode = async (code: string) => {
    setBusy(true);
    setError(null);
    setFailure(null);
    setPayment(null);
    setStage('creating');
    try {
      const started = await api['payment.scanCode']({ orderId: order.id, code, amountFen: order.dueFen });
      setProvider(started.tender === 'alipay' ? 'alipay' : 'wechat');
      setPayment(started);
      const s = stageFromState(started.state);
      if (s === 'paid') await refreshAndFinish();
      else setStage((current) => s ?? (current === 'creating' ? 'checking' : current));
    } catch (e) {
      setStage(null);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const payCash = async (tenderedFen: number, amountFen?: number) => {
    setBusy(true);
    setError(null);
    try {
      const result = await api['order.payCash']({ orderId: order.id, tenderedFen, ...(amountFen ? { amountFen } : {}) });
      setOrder(result.order);
      if (result.order.dueFen <= 0) {
        finished.current = true;
        const change = cashChange + result.changeFen;
        publishDisplay({ kind: 'paid', orderNo: result.order.orderNo, totalFen: result.order.totalFen, changeFen: change });
        onPaid(result.order, change);
      } else {
        setCashChange((c) => c + result.changeFen);
        setView('pick');
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const live = payment !== null && stage !== null && !FINAL_STAGES.has(stage);
  const paidSoFar = order.totalFen - order.dueFen;

  return (
    <div className="pay" data-testid="pay" data-view={view}>
      <header className="pay-head">
        <div>
          <div className="pay-order" data-testid="pay-order" data-order-no={order.orderNo}>{t('pay.order', { no: order.orderNo })}</div>
          <div className="pay-due-label">{paidSoFar > 0 ? t('pay.remaining') : t('pay.due')}</div>
          <div className="pay-due num" data-testid="pay-due">{formatFen(due)}</div>
          {paidSoFar > 0 && <div className="pay-paid">{t('pay.paidSoFar', { amount: formatFen(paidSoFar), total: formatFen(order.totalFen) })}</div>}
        </div>
        <div className="pay-head-actions">
          {!live && view !== 'pick' && (
            <button type="button" className="btn" data-testid="pay-other-tender" onClick={() => { setView('pick'); setError(null); setStage(null); setPayment(null); }}>
              {t('pay.otherTender')} <kbd>Esc</kbd>
            </button>
          )}
          {!live && paidSoFar === 0 && (
            <button type="button" className="btn btn--danger-outline" data-testid="pay-void" onClick={() => setVoiding(true)}>
              {t('pay.void')}
            </button>
          )}
        </div>
      </header>

      {error && <div className="notice notice--error" role="alert" data-testid="pay-error">{error}</div>}

      {view === 'pick' && <TenderPicker split={paidSoFar > 0} onPick={(m) => {
        setError(null);
        if (m === 'wechat' || m === 'alipay') void startQr(m);
        else setView(m);
      }} />}

      {view === 'qr' && (
        <div className="pay-body pay-qr">
          <div className={`qr-frame qr-frame--${provider}`}>
            <div className="qr-provider">{t(`tender.${provider}`)}</div>
            {payment?.codeUrl && stage !== 'closed' && stage !== 'failed' ? (
              <QrCode value={payment.codeUrl} size={300} label={t('pay.qrLabel')} testId="pay-qr" />
            ) : (
              <div className="qr-placeholder">{stage === 'creating' ? t('pay.creatingQr') : '—'}</div>
            )}
            {payment && <div className="qr-amount num" data-testid="qr-amount">{formatFen(payment.amountFen)}</div>}
          </div>
          {/* Status and actions beside the QR, so the cancel button stays on a 768-pixel-high screen. */}
          <div className="pay-qr-side" style={{ display: 'flex', flexDirection: 'column', alignItems: 'stretch', gap: 14 }}>
            <PaymentStatus stage={stage} failure={failure} expiresAt={payment?.expiresAt ?? null} />
            <div className="pay-actions">
              {live && (
                <button type="button" className="btn btn--big btn--danger-outline" data-testid="pay-cancel" disabled={busy} onClick={() => void cancelPayment()}>
                  {t('pay.cancelPayment')} <kbd>Esc</kbd>
                </button>
              )}
              {!live && stage && stage !== 'paid' && (
                <button type="button" className="btn btn--big btn--primary" data-testid="pay-retry" onClick={() => void startQr(provider)}>
                  {t('pay.retry')} <kbd>Enter</kbd>
                </button>
              )}
            </div>
          </div>
          <EscEnter onEsc={live ? () => void cancelPayment() : () => setView('pick')} onEnter={!live && stage && stage !== 'paid' ? () => void startQr(provider) : undefined} />
        </div>
      )}

      {view === 'code' && (
        <div className="pay-body">
          <CustomerCode disabled={busy || live} onCode={(code) => void scanCustomerCode(code)} />
          <PaymentStatus stage={stage} failure={failure} expiresAt={null} />
          {live && (
            <div className="pay-actions">
              <button type="button" className="btn btn--big btn--danger-outline" data-testid="pay-cancel" disabled={busy} onClick={() => void cancelPayment()}>
                {t('pay.cancelPayment')}
              </button>
            </div>
          )}
          <EscEnter onEsc={live ? () => void cancelPayment() : () => setView('pick')} />
        </div>
      )}

      {view === 'cash' && <CashTender dueFen={due} busy={busy} onPay={(tendered) => void payCash(tendered)} onBack={() => setView('pick')} />}

      {view === 'split' && (
        <CashTender
          dueFen={due}
          busy={busy}
          split
          onPay={(tendered, part) => void payCash(tendered, part)}
          onBack={() => setView('pick')}
        />
      )}

      {voiding && (
        <ApprovalOrVoid
          orderId={order.id}
          onDone={() => {
            setVoiding(false);
            publishDisplay({ kind: 'idle' });
            onVoided();
          }}
          onClose={() => setVoiding(false)}
        />
      )}
    </div>
  );
}

function EscEnter({ onEsc, onEnter }: { onEsc: () => void; onEnter?: (() => void) | undefined }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[data-modal="true"]')) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        onEsc();
      } else if (e.key === 'Enter' && onEnter && !(e.target instanceof HTMLInputElement)) {
        e.preventDefault();
        onEnter();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onEsc, onEnter]);
  return null;
}

function TenderPicker({ onPick, split }: { onPick: (mode: TenderMode) => void; split: boolean }) {
  const { t } = useTranslation();
  const options: { mode: TenderMode; key: string }[] = [
    { mode: 'wechat', key: 'F1' },
    { mode: 'alipay', key: 'F2' },
    { mode: 'code', key: 'F3' },
    { mode: 'cash', key: 'F4' },
    ...(split ? [] : [{ mode: 'split' as const, key: 'F6' }]),
  ];
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const found = options.find((o) => o.key === e.key);
      if (found) {
        e.preventDefault();
        onPick(found.mode);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  return (
    <div className="pay-body">
      <p className="pay-prompt">{t('pay.chooseTender')}</p>
      <div className="tenders tenders--wide">
        {options.map(({ mode, key }) => (
          <button key={mode} type="button" className={`tender tender--${mode}`} data-testid={`pick-${mode}`} onClick={() => onPick(mode)}>
            <span className="tender-label">{t(`tender.${mode}`)}</span>
            <kbd>{key}</kbd>
          </button>
        ))}
      </div>
    </div>
  );
}

function PaymentStatus({ stage, failure, expiresAt }: { stage: PaymentStage | null; failure: string | null; expiresAt: string | null }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  if (!stage) return null;
  const remaining = expiresAt ? Math.max(0, Math.floor((Date.parse(expiresAt) - now) / 1000)) : null;
  const tone = stage === 'paid' ? 'ok' : stage === 'failed' || stage === 'needs_attention' ? 'bad' : stage === 'closed' || stage === 'reversed' ? 'muted' : 'busy';
  return (
    <div className={`pay-status pay-status--${tone}`} data-testid="pay-status" data-stage={stage} role="status" aria-live="polite">
      <div className="pay-status-line">
        {tone === 'busy' && <span className="spinner" />}
        <strong>{t(`stage.${stage}`)}</strong>
      </div>
      {failure && (tone === 'bad' || tone === 'muted') && <div className="pay-status-reason">{t('pay.reason', { reason: failure })}</div>}
      {remaining !== null && (stage === 'waiting_for_scan' || stage === 'customer_paying') && (
        <div className="pay-countdown num">{t('pay.expiresIn', { time: `${Math.floor(remaining / 60)}:${String(remaining % 60).padStart(2, '0')}` })}</div>
      )}
    </div>
  );
}

function CustomerCode({ onCode, disabled }: { onCode: (code: string) => void; disabled: boolean }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!disabled) ref.current?.focus();
  }, [disabled]);
  useEffect(() => {
    const refocus = () => window.setTimeout(() => !disabled && !document.querySelector('[data-modal="true"]') && ref.current?.focus(), 0);
    window.addEventListener('pointerup', refocus);
    return () => window.removeEventListener('pointerup', refocus);
  }, [disabled]);
  return (
    <div className="code-box">
      <div className="code-illustration" aria-hidden="true">▮▯▮▮▯▮▯▯▮▮</div>
      <p className="pay-prompt">{t('pay.scanCustomerCode')}</p>
      <input
        ref={ref}
        className="code-input num"
        data-testid="code-input"
        inputMode="numeric"
        value={code}
        disabled={disabled}
        placeholder={t('pay.codePlaceholder')}
        onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 32))}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && code.length >= 10) {
            e.preventDefault();
            onCode(code);
            setCode('');
          }
        }}
      />
      <small className="hint">{t('pay.codeHint')}</small>
    </div>
  );
}

function quickAmounts(due: number): number[] {
  const set = new Set<number>([due]);
  for (const note of [1000, 2000, 5000, 10000]) {
    const up = Math.ceil(due / note) * note;
    if (up > due) set.add(up);
  }
  set.add(5000);
  set.add(10000);
  return [...set].filter((v) => v >= due).sort((a, b) => a - b).slice(0, 5);
}

function CashTender({ dueFen, busy, split, onPay, onBack }: {
  dueFen: number;
  busy: boolean;
  split?: boolean;
  onPay: (tenderedFen: number, amountFen?: number) => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const [partText, setPartText] = useState(() => (split ? String(Math.floor(dueFen / 200)) : ''));
  const [text, setText] = useState('');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const part = split ? parseYuanToFen(partText) : dueFen;
  const partValid = part !== null && part > 0 && (!split || part < dueFen);
  const cashDue = partValid ? part : 0;
  const tendered = text ? parseYuanToFen(text) : null;
  const change = tendered !== null && partValid && tendered >= cashDue ? tendered - cashDue : null;
  const submit = (value: number | null) => {
    if (busy || value === null || !partValid || value < cashDue) return;
    onPay(value, split ? cashDue : undefined);
  };
  return (
    <div className="pay-body cash">
      {/* Split: the cash part and the cash handed over side by side (fits a 768-pixel-high screen). */}
      <div style={split ? { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: 14, alignItems: 'start' } : { display: 'contents' }}>
        {split && (
          <label className="field field--big">
            <span>{t('pay.cashPart')}</span>
            <input data-testid="cash-part" inputMode="decimal" value={partText} onChange={(e) => setPartText(e.target.value)} />
            <small className="hint">{partValid ? t('pay.splitRest', { amount: formatFen(dueFen - cashDue) }) : t('pay.splitInvalid')}</small>
          </label>
        )}
        <label className="field field--big">
          <span>{t('pay.tendered')}</span>
          <input
            ref={ref}
            data-testid="cash-tendered"
            className="num"
            inputMode="decimal"
            value={text}
            placeholder={formatFen(cashDue)}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                submit(text ? tendered : cashDue);
              } else if (e.key === 'Escape') {
                e.preventDefault();
                onBack();
              }
            }}
          />
        </label>
      </div>
      <div className="quick">
        {quickAmounts(cashDue).map((v) => (
          <button key={v} type="button" className="btn btn--quick" disabled={busy || !partValid} onClick={() => submit(v)}>
            {v === cashDue ? t('pay.exact') : ''} {formatFen(v)}
          </button>
        ))}
      </div>
      <div className="change">
        <span>{t('pay.change')}</span>
        <span className="num" data-testid="cash-change">{change === null ? '—' : formatFen(change)}</span>
      </div>
      {tendered !== null && tendered < cashDue && <p className="error-text">{t('pay.notEnough')}</p>}
      <div className="pay-actions">
        <button type="button" className="btn btn--big" onClick={onBack}>{t('pay.otherTender')} <kbd>Esc</kbd></button>
        <button type="button" className="btn btn--big btn--primary" data-testid="cash-submit" disabled={busy || !partValid || (tendered !== null && tendered < cashDue)} onClick={() => submit(text ? tendered : cashDue)}>
          {split ? t('pay.takeCashThenQr') : t('pay.takeCash')} <kbd>Enter</kbd>
        </button>
      </div>
    </div>
  );
}

function ApprovalOrVoid({ orderId, onDone, onClose }: { orderId: string; onDone: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [needsApproval, setNeedsApproval] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    api['order.cancel']({ orderId, reason: 'voided at the counter' }).then(onDone, (e: unknown) => {
      if (e instanceof ApiCallError && e.code === 'APPROVAL_REQUIRED') setNeedsApproval(true);
      else setError(errorText(e));
    });
  }, [orderId, onDone, errorText]);
  if (needsApproval)
    return (
      <ApprovalDialog
        reason={t('approval.voidReason')}
        onClose={onClose}
        onApprove={async (approval) => {
          try {
            await api['order.cancel']({ orderId, reason: 'voided at the counter', approval });
            onDone();
            return null;
          } catch (e) {
            return errorText(e);
          }
        }}
      />
    );
  if (error)
    return (
      <div className="dialog-backdrop" data-modal="true">
        <div className="dialog" role="alertdialog">
          <p className="error-text">{error}</p>
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>{t('common.close')}</button>
          </div>
        </div>
      </div>
    );
  return null;
}
