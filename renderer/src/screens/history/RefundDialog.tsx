import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiCallError } from '../../api/session';
import { useTillEvent } from '../../api/events';
import type { OrderDto, RefundProgress } from '../../api/types';
import type { RefundDto } from '../../../../electron/api/dto';
import { ApprovalDialog, type Approval } from '../../components/ApprovalDialog';
import { Dialog } from '../../components/Dialog';
import { useErrorText } from '../../i18n';
import { formatFen, parseYuanToFen } from '../../lib/money';
import { fenToYuanText, OPEN_REFUND_STATES, refundableFen, refundPlan } from './orderFacts';
import { PrintStatus, usePrint } from './printing';

const QUICK_REASONS = ['return', 'quality', 'overcharged', 'cancelled'] as const;
/** Errors that mean "the approval was refused": shown in the approval dialog so the manager can retry. */
const APPROVAL_ERRORS = new Set(['APPROVAL_INVALID', 'WRONG_PIN', 'USER_LOCKED', 'USER_INACTIVE']);

function isApprovalError(e: unknown): boolean {
  if (!(e instanceof ApiCallError)) return false;
  if (APPROVAL_ERRORS.has(e.code)) return true;
  // A malformed user name or PIN is the approval's problem too (amount and reason are checked here first).
  const issues = e.details?.issues;
  return e.code === 'VALIDATION_FAILED' && Array.isArray(issues) && issues.some((issue: { path?: string[] }) => issue.path?.[0] === 'approval');
}

type Phase = { kind: 'form' } | { kind: 'approve'; amountFen: number; reason: string } | { kind: 'result'; refunds: RefundDto[] };

/**
 * Refund of an order from the history screen: amount (the whole refundable amount by default, or
 * part of it typed in yuan → integer fen), reason, a manager's user + PIN, then the outcome as the
 * refund engine reports it (cash at once; WeChat Pay / Alipay created → processing → succeeded or
 * failed), with the refund receipt to print.
 */
export function RefundDialog({ order, onClose, onChanged }: { order: OrderDto; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const refundable = refundableFen(order);
  const [amountText, setAmountText] = useState(fenToYuanText(refundable));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const printer = usePrint();

  const parsedFen = parseYuanToFen(amountText);
  const plan = useMemo(() => (parsedFen && parsedFen <= refundable ? refundPlan(order, parsedFen) : []), [order, parsedFen, refundable]);

  const confirm = () => {
    const fen = parseYuanToFen(amountText);
    if (fen === null) return setError(t('history.refund.invalidAmount'));
    if (fen <= 0) return setError(t('history.refund.zeroAmount'));
    if (fen > refundable) return setError(t('history.refund.tooMuch', { refundable: formatFen(refundable) }));
    const why = reason.trim();
    if (!why) return setError(t('history.refund.needReason'));
    setError(null);
    setPhase({ kind: 'approve', amountFen: fen, reason: why });
  };

  const approve = async (approval: Approval, amountFen: number, why: string): Promise<string | null> => {
    try {
      const refunds = await api['refund.create']({ orderId: order.id, amountFen, reason: why, approval });
      setPhase({ kind: 'result', refunds });
      onChanged();
      return null;
    } catch (e) {
      if (isApprovalError(e)) return errorText(e);
      // Refused for the refund itself (too much, order state): back to the form with the reason.
      setError(errorText(e));
      setPhase({ kind: 'form' });
      return null;
    }
  };

  // Provider refunds move on their own: follow the engine's progress, and poll as a fallback.
  const refundIds = phase.kind === 'result' ? phase.refunds.map((r) => r.id) : [];
  const open = phase.kind === 'result' && phase.refunds.some((r) => OPEN_REFUND_STATES.has(r.state));
  const applyStates = useCallback((updates: { id: string; state: string; failureCode: string | null }[]) => {
    setPhase((current) => {
      if (current.kind !== 'result') return current;
      let changed = false;
      const refunds = current.refunds.map((refund) => {
        const update = updates.find((u) => u.id === refund.id);
        if (!update || (update.state === refund.state && update.failureCode === refund.failureCode)) return refund;
        changed = true;
        return { ...refund, state: update.state, failureCode: update.failureCode };
      });
      return changed ? { kind: 'result', refunds } : current;
    });
  }, []);
  useTillEvent('refund.progress', (progress: RefundProgress) => {
    if (progress.orderId !== order.id || !refundIds.includes(progress.refundId)) return;
    applyStates([{ id: progress.refundId, state: progress.state, failureCode: progress.failure?.code ?? null }]);
    onChanged();
  });
  useEffect(() => {
    if (!open) return;
    const timer = window.setInterval(() => {
      api['order.get']({ orderId: order.id }).then(
        (fresh) => applyStates(fresh.refunds.map((r) => ({ id: r.id, state: r.state, failureCode: r.failureCode }))),
        () => undefined,
      );
    }, 2000);
    return () => window.clearInterval(timer);
  }, [open, order.id, applyStates]);

  if (phase.kind === 'approve') {
    return (
      <ApprovalDialog
        reason={t('history.refund.approvalReason', { amount: formatFen(phase.amountFen), orderNo: order.orderNo })}
        onApprove={(approval) => approve(approval, phase.amountFen, phase.reason)}
        onClose={() => setPhase({ kind: 'form' })}
      />
    );
  }

  if (phase.kind === 'result') {
    const total = phase.refunds.reduce((sum, r) => sum + r.amountFen, 0);
    const failed = phase.refunds.filter((r) => r.state === 'failed' || r.state === 'abnormal');
    const done = phase.refunds.filter((r) => r.state === 'succeeded');
    const cashFen = phase.refunds.filter((r) => order.payments.find((p) => p.id === r.paymentId)?.tender === 'cash').reduce((sum, r) => sum + r.amountFen, 0);
    const outcome = failed.length > 0 ? 'failed' : done.length === phase.refunds.length ? 'succeeded' : 'processing';
    return (
      <Dialog title={t('history.refund.title', { orderNo: order.orderNo })} onClose={onClose}>
        <div className={`refund-result refund-result--${outcome}`} data-testid="refund-result" data-state={outcome} role="status">
          <div className="refund-result-head">
            {outcome === 'processing' ? <span className="spinner" aria-hidden="true" /> : <span className="refund-result-icon" aria-hidden="true">{outcome === 'succeeded' ? '✓' : '✗'}</span>}
            <strong>{t(`history.refund.outcome.${outcome}`, { amount: formatFen(total) })}</strong>
          </div>
          <ul className="refund-result-rows">
            {phase.refunds.map((refund) => {
              const tender = order.payments.find((p) => p.id === refund.paymentId)?.tender ?? 'cash';
              return (
                <li key={refund.id}>
                  <span>{t(`tenderName.${tender}`)}</span>
                  <span className="num">{formatFen(refund.amountFen)}</span>
                  <span className={`badge badge--refund-${refund.state}`}>{t(`history.refundState.${refund.state}`)}</span>
                  <small className="mono">{refund.outRefundNo}{refund.failureCode ? ` · ${refund.failureCode}` : ''}</small>
                </li>
              );
            })}
          </ul>
          {cashFen > 0 && <p className="refund-cash">{t('history.refund.giveCash', { amount: formatFen(cashFen) })}</p>}
          {outcome === 'processing' && <p className="hint">{t('history.refund.processingHint')}</p>}
        </div>
        <PrintStatus state={printer.state} onRetry={() => void printer.retry()} testId="refund-print-status" />
        <div className="dialog-actions">
          <button
            type="button"
            className="btn"
            data-testid="refund-print"
            disabled={printer.state.kind === 'printing'}
            onClick={() => void printer.print(phase.refunds.map((r) => ({ orderId: order.id, refundId: r.id })))}
          >
            {t('history.refund.print')}
          </button>
          <button type="button" className="btn btn--primary" autoFocus onClick={onClose}>
            {t('common.close')} <kbd>Esc</kbd>
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={t('history.refund.title', { orderNo: order.orderNo })} onClose={onClose}>
      <dl className="refund-facts">
        <div><dt>{t('history.detail.paid')}</dt><dd className="num">{formatFen(order.paidFen)}</dd></div>
        {order.paidFen - refundable > 0 && <div><dt>{t('history.refund.alreadyRefunded')}</dt><dd className="num">{formatFen(order.paidFen - refundable)}</dd></div>}
        <div className="strong"><dt>{t('history.refund.refundable')}</dt><dd className="num">{formatFen(refundable)}</dd></div>
      </dl>
      <label className="field">
        <span>{t('history.refund.amount')}</span>
        <div className="refund-amount-row">
          <input
            data-testid="refund-amount"
            inputMode="decimal"
            autoFocus
            value={amountText}
            onFocus={(e) => e.target.select()}
            onChange={(e) => {
              setAmountText(e.target.value);
              setError(null);
            }}
            onKeyDown={(e) => e.key === 'Enter' && confirm()}
          />
          <button type="button" className="btn" onClick={() => setAmountText(fenToYuanText(refundable))}>
            {t('history.refund.full')}
          </button>
        </div>
      </label>
      {plan.length > 0 && (
        <p className="refund-plan">
          {t('history.refund.backTo')}{' '}
          {plan.map((share) => `${t(`tenderName.${share.payment.tender}`)} ${formatFen(share.amountFen)}`).join(' + ')}
        </p>
      )}
      <label className="field">
        <span>{t('history.refund.reason')}</span>
        <input data-testid="refund-reason" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && confirm()} placeholder={t('history.refund.reasonPlaceholder')} />
      </label>
      <div className="chips">
        {QUICK_REASONS.map((key) => (
          <button key={key} type="button" className={`chip${reason === t(`history.refund.reasons.${key}`) ? ' on' : ''}`} onClick={() => setReason(t(`history.refund.reasons.${key}`))}>
            {t(`history.refund.reasons.${key}`)}
          </button>
        ))}
      </div>
      {error && <p className="error-text" role="alert" data-testid="refund-error">{error}</p>}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')} <kbd>Esc</kbd></button>
        <button type="button" className="btn btn--danger" data-testid="refund-confirm" onClick={confirm}>
          {t('history.refund.confirm')} <kbd>Enter</kbd>
        </button>
      </div>
    </Dialog>
  );
}
