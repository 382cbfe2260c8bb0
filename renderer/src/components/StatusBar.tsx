import { useTranslation } from 'react-i18next';
import { useConnection } from '../api/events';
import { sandboxMode } from '../api/boot';
import { api, setSession, useSession } from '../api/session';
import { setLang, currentLang } from '../i18n';

export function LangSwitch() {
  const { t } = useTranslation();
  const lang = currentLang();
  return (
    <button type="button" className="lang-switch" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')} title={t('status.switchLanguage')}>
      <span className={lang === 'zh-CN' ? 'on' : ''}>中文</span>
      <span className={lang === 'en' ? 'on' : ''}>EN</span>
    </button>
  );
}

export function StatusBar() {
  const { t } = useTranslation();
  const session = useSession();
  const connection = useConnection();
  const logout = async () => {
    try {
      await api['session.logout']({});
    } catch {
      /* the session is dropped locally either way */
    }
    setSession(null);
  };
  return (
    <header className="status-bar">
      <div className="status-brand">Till <span>收银台</span></div>
      {session && (
        <div className="status-item">
          <span className="status-label">{t('status.cashier')}</span>
          <strong>{session.user.displayName}</strong>
          <span className="status-muted">{session.store.name} · {session.terminal.code} · {session.businessDate}</span>
        </div>
      )}
      <div className="status-spacer" />
      <div className={`status-pill mode-${sandboxMode ? 'sandbox' : 'live'}`}>{sandboxMode ? t('status.sandbox') : t('status.live')}</div>
      <div className={`status-pill conn-${connection}`} title={t('status.connectionHint')}>
        <span className="dot" />
        {t(`status.conn.${connection}`)}
      </div>
      <LangSwitch />
      {session && (
        <button type="button" className="btn btn--ghost" onClick={() => void logout()}>
          {t('status.logout')}
        </button>
      )}
    </header>
  );
}
