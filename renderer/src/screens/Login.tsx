import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, setSession } from '../api/session';
import { PinPad } from '../components/PinPad';
import { useErrorText } from '../i18n';

const LAST_USER = 'till.lastUser';

export function Login() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [username, setUsername] = useState(() => localStorage.getItem(LAST_USER) ?? '');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pinRef = useRef<HTMLInputElement>(null);
  const userRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    (username ? pinRef : userRef).current?.focus();
    // Only on mount: later focus follows the cashier.
  }, []);

  const submit = async () => {
    if (busy) return;
    if (!username.trim()) {
      userRef.current?.focus();
      return;
    }
    if (pin.length < 4) {
      setError(t('login.pinTooShort'));
      pinRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await api['session.login']({ username: username.trim(), pin });
      localStorage.setItem(LAST_USER, username.trim());
      setSession(session);
    } catch (e) {
      setError(errorText(e));
      setPin('');
      pinRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form
        className="login-card"
        data-testid="login-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>{t('login.title')}</h1>
        <p className="login-sub">{t('login.subtitle')}</p>
        <label className="field">
          <span>{t('login.user')}</span>
          <input
            ref={userRef}
            data-testid="login-user"
            value={username}
            autoComplete="username"
            autoCapitalize="off"
            onChange={(e) => setUsername(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                pinRef.current?.focus();
              }
            }}
          />
        </label>
        <label className="field">
          <span>{t('login.pin')}</span>
          <input
            ref={pinRef}
            data-testid="login-pin"
            className="pin-field"
            type="password"
            inputMode="numeric"
            autoComplete="current-password"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
            onKeyDown={(e) => {
              // The form has no submit button (the PIN pad's keys are plain buttons), so the
              // browser's implicit submission never fires: Enter signs in here.
              if (e.key === 'Enter') {
                e.preventDefault();
                void submit();
              }
            }}
          />
        </label>
        <div className="pin-dots" aria-hidden="true">
          {Array.from({ length: Math.max(4, pin.length) }, (_, i) => (
            <span key={i} className={i < pin.length ? 'on' : ''} />
          ))}
        </div>
        {error && (
          <p className="error-text" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <PinPad
          onDigit={(d) => setPin((p) => (p + d).slice(0, 8))}
          onBackspace={() => setPin((p) => p.slice(0, -1))}
          onClear={() => setPin('')}
          onSubmit={() => void submit()}
          submitLabel={busy ? t('common.working') : t('login.submit')}
        />
        <p className="hint">{t('login.hint')}</p>
      </form>
    </main>
  );
}
