import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, useSession } from '../../api/session';
import { useTillEvent } from '../../api/events';
import { ApprovalDialog, type Approval } from '../../components/ApprovalDialog';
import { Dialog } from '../../components/Dialog';
import { useErrorText } from '../../i18n';
import { formatFen, parseYuanToFen } from '../../lib/money';
import '../../styles/shift.css';

type Step = { kind: 'idle' } | { kind: 'float'; text: string; error: string | null } | { kind: 'approval'; floatFen: number };

/**
 * On the counter when this till has no open shift: a banner (sales are refused until a manager
 * opens one) with "Open shift (manager)": the float's total, then the manager's PIN (the existing
 * approval dialog) unless a manager is signed in. Refreshes on shift.changed.
 */
export function NoShiftBanner() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const session = useSession();
  const isManager = session?.user.role === 'manager' || session?.user.role === 'owner';
  const [open, setOpen] = useState<boolean | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'idle' });

  const refresh = useCallback(() => {
    api['shift.current']({}).then(
      (shift) => setOpen(shift !== null),
      () => undefined,
    );
  }, []);
  useEffect(refresh, [refresh]);
  useTillEvent('shift.changed', refresh);
  // A sale refused for want of a shift means the shift was closed elsewhere: look again.
  useTillEvent('order.changed', refresh);

  if (open !== false) return null;

  const openShift = async (floatFen: number, approval?: Approval): Promise<string | null> => {
    try {
      await api['shift.open']({ floatFen, ...(approval ? { approval } : {}) });
      setStep({ kind: 'idle' });
      setOpen(true);
      return null;
    } catch (e) {
      return errorText(e);
    }
  };

  const submitFloat = async (text: string) => {
    const fen = parseYuanToFen(text);
    if (fen === null) {
      setStep({ kind: 'float', text, error: t('shift.count.totalYuan') });
      return;
    }
    if (!isManager) {
      setStep({ kind: 'approval', floatFen: fen });
      return;
    }
    const failure = await openShift(fen);
    if (failure) setStep({ kind: 'float', text, error: failure });
  };

  return (
    <>
      <div className="shift-banner" role="alert" data-testid="no-shift-banner">
        <span>{t('shift.banner.text')}</span>
        <button type="button" className="btn btn--primary" data-testid="no-shift-open" onClick={() => setStep({ kind: 'float', text: '', error: null })}>
          {t('shift.banner.action')}
        </button>
      </div>
      {step.kind === 'float' && (
        <Dialog title={t('shift.banner.floatTitle')} onClose={() => setStep({ kind: 'idle' })}>
          <p className="dialog-note">{t('shift.banner.floatHint')}</p>
          <label className="field">
            <span>{t('shift.count.totalYuan')}</span>
            <input
              autoFocus
              inputMode="decimal"
              data-testid="no-shift-float"
              value={step.text}
              placeholder="0.00"
              onChange={(e) => setStep({ kind: 'float', text: e.target.value, error: null })}
              onKeyDown={(e) => e.key === 'Enter' && void submitFloat(step.text)}
            />
          </label>
          {step.error && <p className="error-text" role="alert">{step.error}</p>}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={() => setStep({ kind: 'idle' })}>{t('common.cancel')} <kbd>Esc</kbd></button>
            <button type="button" className="btn btn--primary" data-testid="no-shift-float-next" onClick={() => void submitFloat(step.text)}>
              {isManager ? t('shift.open') : t('shift.banner.next')}
            </button>
          </div>
        </Dialog>
      )}
      {step.kind === 'approval' && (
        <ApprovalDialog
          reason={t('shift.banner.approvalReason', { amount: formatFen(step.floatFen) })}
          onApprove={(approval) => openShift(step.floatFen, approval)}
          onClose={() => setStep({ kind: 'idle' })}
        />
      )}
    </>
  );
}
