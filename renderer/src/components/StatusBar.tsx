import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection, useTillEvent } from '../api/events';
import { sandboxMode } from '../api/boot';
import { api, setSession, useSession } from '../api/session';
import type { StatusDto } from '../../../electron/api/dto';
import { setLang, currentLang, useErrorText } from '../i18n';
import '../styles/status.css';

/** How often the status bar asks the core (status.get reads stored facts only; no network call). */
const POLL_MS = 10_000;

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

/** status.get, polled and refreshed (debounced) on the events that change what it reports. */
function useTillStatus(enabled: boolean): StatusDto | null {
  const [status, setStatus] = useState<StatusDto | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const refresh = useCallback(() => {
    api['status.get']({}).then(setStatus, () => undefined);
  }, []);
  const soon = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(refresh, 400);
  }, [refresh]);
  useEffect(() => {
    if (!enabled) {
      setStatus(null);
      return;
    }
    refresh();
    const poll = window.setInterval(refresh, POLL_MS);
    return () => {
      window.clearInterval(poll);
      window.clearTimeout(timer.current);
    };
  }, [enabled, refresh]);
  useTillEvent('order.changed', () => enabled && soon());
  useTillEvent('refund.progress', () => enabled && soon());
  useTillEvent('printer.status', () => enabled && soon());
  useTillEvent('sync.status', () => enabled && soon());
  useTillEvent('shift.changed', () => enabled && soon());
  useTillEvent('payment.progress', (p) => enabled && ['paid', 'failed', 'closed', 'reversed', 'needs_attention', 'checking'].includes(p.stage) && soon());
  return status;
}

function NavLink({ href, testId, label, current }: { href: string; testId: string; label: string; current: boolean }) {
  const { t } = useTranslation();
  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    if (!blocked) return;
    const timer = window.setTimeout(() => setBlocked(false), 4000);
    return () => window.clearTimeout(timer);
  }, [blocked]);
  return (
    <a
      href={href}
      data-testid={testId}
      className={`status-nav-link${current ? ' on' : ''}`}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        // Leaving the counter in the middle of a payment would leave its screen behind: finish it first.
        if (!current && document.querySelector('.pay')) {
          e.preventDefault();
          setBlocked(true);
        }
      }}
    >
      {label}
      {blocked && <span className="status-nav-blocked" role="alert">{t('status.nav.finishPayment')}</span>}
    </a>
  );
}

function timeOf(iso: string | null, lang: string, timeZone: string): string {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
  } catch {
    return iso.slice(11, 16);
  }
}

export function StatusBar() {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const session = useSession();
  const connection = useConnection();
  const status = useTillStatus(session !== null);
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  const logout = async () => {
    try {
      await api['session.logout']({});
    } catch {
      /* the session is dropped locally either way */
    }
    setSession(null);
  };
  const lang = i18n.language;
  const timeZone = session?.store.timezone ?? 'Asia/Shanghai';
  const isManager = session?.user.role === 'manager' || session?.user.role === 'owner';
  const last = status?.printer.lastResult ?? null;
  const printerState = !status ? 'unknown' : last && !last.ok ? 'bad' : status.printer.kind === 'none' ? 'off' : 'ok';
  const printerTitle = last
    ? `${t('status.printer.last')} ${timeOf(last.at, lang, timeZone)} · ${last.orderNo} · ${last.ok ? t(`status.printer.result.${last.printer}`) : errorText(last.error?.message ?? null)}`
    : t('status.printer.noneYet');
  return (
    <>
      <header className="status-bar">
        <div className="status-brand">Till <span>收银台</span></div>
        {session && (
          <nav className="status-nav" aria-label={t('status.nav.label')}>
            <NavLink href="/" testId="nav-counter" label={t('status.nav.counter')} current={path === '/'} />
            <NavLink href="/history" testId="nav-history" label={t('status.nav.history')} current={path === '/history'} />
            {isManager && <NavLink href="/reports" testId="nav-reports" label={t('status.nav.reports')} current={path === '/reports'} />}
            {isManager && <NavLink href="/manager" testId="nav-manager" label={t('status.nav.manager')} current={path === '/manager'} />}
          </nav>
        )}
        {session && (
          <div className="status-item">
            <span className="status-label">{t('status.cashier')}</span>
            <strong>{session.user.displayName}</strong>
          </div>
        )}
        {session && (
          <a
            className={`status-item status-shift${status?.shift ? ' is-open' : ' is-closed'}`}
            data-testid="status-shift"
            data-state={status ? (status.shift ? 'open' : 'none') : 'unknown'}
            href="/shift"
            title={t('shift.statusHint')}
            onClick={(e) => {
              // As the navigation links: never leave the counter in the middle of a payment.
              if (path !== '/shift' && document.querySelector('.pay')) e.preventDefault();
            }}
          >
            <span className="status-label">{t('status.shift')}</span>
            <span>
              {status?.shift
                ? t('shift.statusOpen', { time: timeOf(status.shift.openedAt, lang, timeZone), name: status.shift.openedByName ?? '' })
                : t('status.noShift')}
            </span>
          </a>
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
      {session && (
        <footer className="status-strip" aria-label={t('status.stripLabel')}>
          <span className="strip-item strip-where">
            {session.store.name} · {session.terminal.code} · {t('status.businessDate')} {session.businessDate}
          </span>
          <span className="strip-item" data-testid="status-providers" title={t('status.providers.hint')}>
            {(['wechat', 'alipay'] as const).map((name) => {
              const health = status?.providers[name];
              const state = health?.state ?? 'unknown';
              const title = health
                ? `${t(`tenderName.${name}`)}: ${t(`status.providers.state.${state}`)}${health.unresolved > 0 ? ` · ${t('status.providers.unresolved', { count: health.unresolved })}` : ''}${health.lastErrorCode ? ` · ${health.lastErrorCode}` : ''}${health.lastSuccessAt ? ` · ${t('status.providers.lastSuccess')} ${timeOf(health.lastSuccessAt, lang, timeZone)}` : ''}`
                : '';
              return (
                <span key={name} className={`strip-health health-${state}`} data-provider={name} data-state={state} title={title}>
                  <span className="dot" aria-hidden="true" />
                  {t(`status.providers.short.${name}`)} <small>{t(`status.providers.state.${state}`)}</small>
                </span>
              );
            })}
          </span>
          <span
            className={`strip-item strip-sync${status && status.sync.pending > 0 ? ' has-backlog' : ''}`}
            data-testid="status-sync-backlog"
            data-pending={status?.sync.pending ?? ''}
            title={status?.sync.oldestPendingAt ? t('status.sync.oldest', { time: timeOf(status.sync.oldestPendingAt, lang, timeZone) }) : t('status.sync.hint')}
          >
            {t('status.sync.pending')} <strong className="num">{status ? status.sync.pending : '—'}</strong>
            <small>
              · {t('status.sync.last')} {status?.sync.lastSuccessAt ? timeOf(status.sync.lastSuccessAt, lang, timeZone) : t('status.sync.never')}
            </small>
            {status?.sync.lastError && (
              <small className="strip-error" data-testid="status-sync-error" title={status.sync.lastError.code}>
                {' '}· {lang === 'en' ? status.sync.lastError.message.en : status.sync.lastError.message.zh}
              </small>
            )}
          </span>
          <span className={`strip-item strip-printer printer-${printerState}`} data-testid="status-printer" data-state={printerState} title={printerTitle}>
            <span className="dot" aria-hidden="true" />
            {t('status.printer.label')} {status ? t(`status.printer.kind.${status.printer.kind}`) : '—'}
            {status?.printer.target && <small className="mono"> {status.printer.target}</small>}
            {last && !(last.ok && last.printer === 'none') && (
              <small className="strip-last">
                {' · '}
                {last.ok ? t('status.printer.lastOk', { time: timeOf(last.at, lang, timeZone) }) : t('status.printer.lastFailed', { time: timeOf(last.at, lang, timeZone) })}
              </small>
            )}
          </span>
        </footer>
      )}
    </>
  );
}
