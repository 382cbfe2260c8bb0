import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog';
import { PinPad } from './PinPad';

export interface Approval {
  username: string;
  pin: string;
}

/** Asks a manager for user + PIN; `onApprove` retries the action and may throw (shown here). */
export function ApprovalDialog({ reason, onApprove, onClose }: { reason: string; onApprove: (approval: Approval) => Promise<string | null>; onClose: () => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('manager');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (busy || !username || pin.length < 4) return;
    setBusy(true);
    const failure = await onApprove({ username: username.trim(), pin });
    setBusy(false);
    if (failure) {
      setError(failure);
      setPin('');
    }
  };
  return (
    <Dialog title={t('approval.title')} onClose={onClose}>
      <p className="dialog-note">{reason}</p>
      <label className="field">
        <span>{t('login.user')}</span>
        <input data-testid="approval-user" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
      </label>
      <label className="field">
        <span>{t('login.pin')}</span>
        <input
          className="pin-field"
          data-testid="approval-pin"
          type="password"
          inputMode="numeric"
          autoFocus
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
          onKeyDown={(e) => e.key === 'Enter' && void submit()}
        />
      </label>
      {error && <p className="error-text" role="alert" data-testid="approval-error">{error}</p>}
      <PinPad
        onDigit={(d) => setPin((p) => (p + d).slice(0, 8))}
        onBackspace={() => setPin((p) => p.slice(0, -1))}
        onClear={() => setPin('')}
        onSubmit={() => void submit()}
        submitLabel={busy ? t('common.working') : t('approval.approve')}
        compact
      />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')} <kbd>Esc</kbd></button>
      </div>
    </Dialog>
  );
}
