import { useEffect, useRef, useState, type JSX, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, setSession, useSession } from '../api/session';
import { AuditTab } from './manager/AuditTab';
import { CatalogTab } from './manager/CatalogTab';
import { PrinterTab } from './manager/PrinterTab';
import { SyncTab } from './manager/SyncTab';
import { ProvidersTab } from './manager/ProvidersTab';
import { UsersTab } from './manager/UsersTab';
import '../styles/manager.css';

/** Line icons as inline SVG: emoji fonts are missing on many tills (they render as empty boxes). */
const ICONS = {
  users: 'M9 11.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6M16.5 11a2.5 2.5 0 1 0 0-5M17 14.2c2.6.4 4.5 2.5 4.5 5.8',
  catalog: 'M3 7.5 12 3l9 4.5v9L12 21l-9-4.5v-9ZM3 7.5 12 12l9-4.5M12 12v9',
  providers: 'M4 5h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2ZM2 10h20M6 15h4',
  printer: 'M6 9V3h12v6M6 17H5a2 2 0 0 1-2-2v-4a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v4a2 2 0 0 1-2 2h-1M6 14h12v7H6v-7Z',
  sync: 'M4 12a8 8 0 0 1 14-5.3M20 12a8 8 0 0 1-14 5.3M18 3v4h-4M6 21v-4h4',
  audit: 'M6 3h12a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2ZM8 8h8M8 12h8M8 16h5',
  lock: 'M7 11h10a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2v-6a2 2 0 0 1 2-2ZM8 11V7a4 4 0 0 1 8 0v4',
} as const;

function Icon({ name, size = 22 }: { name: keyof typeof ICONS; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={ICONS[name]} />
    </svg>
  );
}

const TABS = [
  { id: 'users', key: 'F1' },
  { id: 'catalog', key: 'F2' },
  { id: 'providers', key: 'F3' },
  { id: 'printer', key: 'F4' },
  { id: 'audit', key: 'F5' },
  { id: 'sync', key: 'F6' },
] as const;
type TabId = (typeof TABS)[number]['id'];
/** Opens /reports from the manager screen. */
const REPORTS_KEY = 'F7';
/** Opens /shift (the cash drawer) from the manager screen: the next key after Reports. */
const SHIFT_KEY = 'F8';
const PANELS: Record<TabId, () => JSX.Element> = { users: UsersTab, catalog: CatalogTab, providers: ProvidersTab, printer: PrinterTab, audit: AuditTab, sync: SyncTab };

function tabFromHash(): TabId {
  const hash = window.location.hash.replace(/^#/, '');
  return TABS.find((tab) => tab.id === hash)?.id ?? 'users';
}

/** What a cashier sees at /manager: the API refuses every manager method anyway. */
function ManagersOnly() {
  const { t } = useTranslation();
  const switchUser = async () => {
    try {
      await api['session.logout']({});
    } catch {
      /* dropped locally either way */
    }
    // The login screen appears on this same page, so a manager lands here after signing in.
    setSession(null);
  };
  return (
    <main className="not-yet mgr-denied" data-testid="manager-denied">
      <div className="mgr-denied-icon">
        <Icon name="lock" size={56} />
      </div>
      <h1>{t('manager.denied.title')}</h1>
      <p>{t('manager.denied.body')}</p>
      <div className="mgr-buttons">
        <a className="btn btn--primary btn--big" href="/" data-testid="manager-back">
          {t('nav.backToCounter')}
        </a>
        <button type="button" className="btn btn--big" onClick={() => void switchUser()} data-testid="manager-switch-user">
          {t('manager.denied.switchUser')}
        </button>
      </div>
    </main>
  );
}

/** Manager screens: users and PINs, catalog import, payment providers, receipt printer, audit log. */
export function Manager() {
  const { t } = useTranslation();
  const session = useSession();
  const [tab, setTab] = useState<TabId>(tabFromHash);
  const [visited, setVisited] = useState<Set<TabId>>(() => new Set([tabFromHash()]));
  useEffect(() => setVisited((current) => (current.has(tab) ? current : new Set([...current, tab]))), [tab]);
  const tabRefs = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});

  const select = (next: TabId, focus = false) => {
    setTab(next);
    if (window.location.hash !== `#${next}`) window.history.replaceState(null, '', `#${next}`);
    if (focus) tabRefs.current[next]?.focus();
  };

  useEffect(() => {
    // F1–F6 switch sections from anywhere on the screen (a dialog owns the keyboard while open).
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (document.querySelector('[data-modal="true"]')) return;
      const found = TABS.find((x) => x.key === e.key);
      if (found) {
        e.preventDefault();
        select(found.id, true);
      } else if (e.key === REPORTS_KEY) {
        // The next function key after the sections: the Reports screen (日结, reconciliation).
        e.preventDefault();
        window.location.assign('/reports');
      } else if (e.key === SHIFT_KEY) {
        e.preventDefault();
        window.location.assign('/shift');
      }
    };
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('keydown', onKey);
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('hashchange', onHash);
    };
  }, []);

  if (!session) return null;
  if (session.user.role === 'cashier') return <ManagersOnly />;

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const index = TABS.findIndex((x) => x.id === tab);
    const move = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0;
    if (move !== 0) {
      e.preventDefault();
      select(TABS[(index + move + TABS.length) % TABS.length]!.id, true);
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      select(TABS[e.key === 'Home' ? 0 : TABS.length - 1]!.id, true);
    }
  };

  return (
    <main className="mgr" data-testid="manager">
      <nav className="mgr-nav" aria-label={t('manager.title')}>
        <div className="mgr-nav-title">
          <strong>{t('manager.title')}</strong>
          <span>{t(`manager.roles.${session.user.role}`)} · {session.user.displayName}</span>
        </div>
        <div role="tablist" aria-orientation="vertical" className="mgr-tabs">
          {TABS.map((x) => (
            <button
              key={x.id}
              ref={(el) => {
                tabRefs.current[x.id] = el;
              }}
              type="button"
              role="tab"
              id={`mgr-tab-${x.id}`}
              aria-selected={tab === x.id}
              aria-controls={`mgr-tabpanel-${x.id}`}
              tabIndex={tab === x.id ? 0 : -1}
              className={`mgr-tab${tab === x.id ? ' mgr-tab--on' : ''}`}
              data-testid={`manager-tab-${x.id}`}
              onClick={() => select(x.id)}
              onKeyDown={onTabKey}
            >
              <span className="mgr-tab-icon">
                <Icon name={x.id} />
              </span>
              <span className="mgr-tab-label">{t(`manager.tabs.${x.id}`)}</span>
              <kbd>{x.key}</kbd>
            </button>
          ))}
        </div>
        <div className="mgr-nav-foot">
          <a className="btn mgr-back mgr-reports-link" href="/reports" data-testid="manager-reports">
            {t('status.nav.reports')} <kbd>{REPORTS_KEY}</kbd>
          </a>
          <a className="btn mgr-back mgr-reports-link" href="/shift" data-testid="manager-shift">
            {t('shift.title')} <kbd>{SHIFT_KEY}</kbd>
          </a>
          <a className="btn mgr-back" href="/" data-testid="manager-back">
            ← {t('nav.backToCounter')}
          </a>
        </div>
      </nav>
      <div className="mgr-main">
        {TABS.filter((x) => visited.has(x.id)).map((x) => {
          const Panel = PANELS[x.id];
          // Visited sections stay mounted (hidden), so a running import or unsaved form survives a tab switch.
          return (
            <div key={x.id} role="tabpanel" id={`mgr-tabpanel-${x.id}`} aria-labelledby={`mgr-tab-${x.id}`} hidden={tab !== x.id}>
              <Panel />
            </div>
          );
        })}
      </div>
    </main>
  );
}
