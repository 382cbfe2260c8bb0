import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiOutput } from '../../../../electron/api/contract';
import { api, useSession } from '../../api/session';
import { OutcomeNotice, formatDateTime, useAction } from './shared';

type Entry = ApiOutput<'audit.list'>[number];
type User = ApiOutput<'users.list'>[number];

/** Actions the core writes today (electron/**: appendAudit); the filter also offers any other action it has seen. */
export const KNOWN_ACTIONS = [
  'user.login',
  'user.logout',
  'user.locked',
  'user.created',
  'user.pin_changed',
  'user.enabled',
  'user.disabled',
  'settings.changed',
  'secret.changed',
  'catalog.import',
  'discount.over_cap',
  'cart.price_override',
  'cart.line_removed',
  'cart.voided',
  'order.cancelled',
  'payment.cancelled',
  'payment.late_success_refund',
  'payment.verification_mismatch',
  'refund.requested',
  'receipt.reprinted',
  'payments.connection_tested',
  'printer.tested',
] as const;

const LIMITS = [100, 200, 500, 1000] as const;

function actionKey(action: string): string {
  return `manager.audit.actions.${action.replace(/\./g, '_')}`;
}

function detailsText(details: Record<string, unknown> | null): string {
  if (!details) return '';
  return Object.entries(details)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
}

/** The audit log, latest first, filtered by action. Read-only: the table refuses updates and deletes. */
export function AuditTab() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { busy, outcome, setOutcome, run } = useAction();
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [users, setUsers] = useState<Map<string, User>>(new Map());
  const [action, setAction] = useState('');
  const [limit, setLimit] = useState<(typeof LIMITS)[number]>(200);
  const [seen, setSeen] = useState<Set<string>>(new Set());

  const load = useCallback(
    async (filter: string, max: number) => {
      const [list, people] =
        (await run(() => Promise.all([api['audit.list']({ limit: max, ...(filter.trim() ? { action: filter.trim() } : {}) }), api['users.list']({})]))) ?? [];
      if (list) {
        setEntries(list);
        setSeen((current) => new Set([...current, ...list.map((e) => e.action)]));
      }
      if (people) setUsers(new Map(people.map((u) => [u.id, u])));
    },
    [run],
  );

  useEffect(() => {
    void load('', 200);
  }, [load]);

  const actions = useMemo(() => [...new Set<string>([...KNOWN_ACTIONS, ...seen])].sort(), [seen]);
  const timeZone = session?.store.timezone ?? 'Asia/Shanghai';
  const label = (a: string) => (i18n.exists(actionKey(a)) ? t(actionKey(a)) : a);

  return (
    <section className="mgr-panel" aria-labelledby="mgr-audit-title">
      <div className="mgr-panel-head">
        <div>
          <h2 id="mgr-audit-title">{t('manager.audit.title')}</h2>
          <p className="mgr-lead">{t('manager.audit.lead')}</p>
        </div>
      </div>
      <form
        className="mgr-card mgr-filter"
        onSubmit={(e) => {
          e.preventDefault();
          void load(action, limit);
        }}
      >
        <label className="mgr-field">
          <span className="mgr-field-label">{t('manager.audit.action')}</span>
          <select className="mgr-input" value={action} data-testid="audit-filter" onChange={(e) => {
            setAction(e.target.value);
            void load(e.target.value, limit);
          }}>
            <option value="">{t('manager.audit.allActions')}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {label(a)} ({a})
              </option>
            ))}
          </select>
        </label>
        <label className="mgr-field">
          <span className="mgr-field-label">{t('manager.audit.limit')}</span>
          <select
            className="mgr-input"
            value={limit}
            data-testid="audit-limit"
            onChange={(e) => {
              const next = Number.parseInt(e.target.value, 10) as (typeof LIMITS)[number];
              setLimit(next);
              void load(action, next);
            }}
          >
            {LIMITS.map((n) => (
              <option key={n} value={n}>
                {t('manager.audit.latest', { count: n })}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="audit-refresh">
          {busy ? t('common.working') : t('manager.common.refresh')}
        </button>
      </form>
      <OutcomeNotice outcome={outcome} onClose={() => setOutcome(null)} testId="audit-message" />
      {entries && entries.length === 0 && <p className="mgr-empty">{t('manager.audit.empty')}</p>}
      {entries && entries.length > 0 && (
        <div className="mgr-table-wrap mgr-table-wrap--scroll mgr-audit-wrap">
          <table className="mgr-table mgr-audit" data-testid="audit-table">
            <thead>
              <tr>
                <th>{t('manager.audit.time')}</th>
                <th>{t('manager.audit.user')}</th>
                <th>{t('manager.audit.action')}</th>
                <th>{t('manager.audit.target')}</th>
                <th>{t('manager.audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const user = entry.userId ? users.get(entry.userId) : undefined;
                const approver = entry.approverId ? users.get(entry.approverId) : undefined;
                const details = detailsText(entry.details);
                return (
                  <tr key={entry.id}>
                    <td className="mgr-mono mgr-nowrap">{formatDateTime(entry.at, timeZone)}</td>
                    <td>
                      {user ? user.displayName : entry.userId ? <span className="mgr-mono">{entry.userId.slice(-6)}</span> : <span className="mgr-muted">{t('manager.audit.system')}</span>}
                      {approver && <small className="mgr-sub">{t('manager.audit.approvedBy', { name: approver.displayName })}</small>}
                    </td>
                    <td>
                      <span className="mgr-strong">{label(entry.action)}</span>
                      <small className="mgr-sub mgr-mono">{entry.action}</small>
                    </td>
                    <td className="mgr-mono mgr-break">{entry.target ?? ''}</td>
                    <td className="mgr-details mgr-mono" title={details}>
                      {details}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
