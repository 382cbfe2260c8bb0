import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiOutput } from '../../../../electron/api/contract';
import { useTillEvent } from '../../api/events';
import { api, useSession } from '../../api/session';
import { Badge, Field, OutcomeNotice, formatDateTime, useAction } from './shared';

type SyncStatus = ApiOutput<'sync.status'>;
type DeadLetter = ApiOutput<'sync.deadLetters'>[number];

const STATE_TONE: Record<SyncStatus['state'], 'ok' | 'warn' | 'bad' | 'muted' | 'info'> = {
  off: 'muted',
  not_enrolled: 'warn',
  paused: 'bad',
  backing_off: 'warn',
  sending: 'info',
  idle: 'ok',
  pending: 'info',
};

/**
 * Background sync as the manager sees it: where it sends, the backlog, the last success and the
 * last error; the dead letters (orders the cloud refused) with a retry; enrolment for the owner.
 */
export function SyncTab() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { busy, outcome, setOutcome, run } = useAction();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [dead, setDead] = useState<DeadLetter[] | null>(null);
  const [cloudUrl, setCloudUrl] = useState('');
  const [code, setCode] = useState('');
  const timeZone = session?.store.timezone ?? 'Asia/Shanghai';
  const bilingual = (message: { zh: string; en: string }) => (i18n.language === 'en' ? message.en : message.zh);

  const load = useCallback(async () => {
    const [s, d] = (await run(() => Promise.all([api['sync.status']({}), api['sync.deadLetters']({ limit: 200 })]))) ?? [];
    if (s) {
      setStatus(s);
      setCloudUrl((current) => current || (s.cloudUrl ?? ''));
    }
    if (d) setDead(d);
  }, [run]);

  useEffect(() => {
    void load();
  }, [load]);
  useTillEvent('sync.status', () => {
    void api['sync.status']({}).then(setStatus, () => {});
  });

  const retry = async (letter: DeadLetter) => {
    const result = await run(
      () => api['sync.retryDeadLetter']({ orderId: letter.orderId }),
      (r) => t('manager.sync.requeued', { count: r.rows, order: letter.orderNo ?? letter.orderId }),
    );
    if (result) await load();
  };

  const enrol = async () => {
    const result = await run(
      () => api['sync.enrol']({ cloudUrl: cloudUrl.trim(), code: code.trim() }),
      (r) => t('manager.sync.enrolled', { store: r.storeCode, terminal: r.terminalCode }),
    );
    if (result) {
      setCode('');
      await load();
    }
  };

  return (
    <section className="mgr-panel" aria-labelledby="mgr-sync-title">
      <div className="mgr-panel-head">
        <div>
          <h2 id="mgr-sync-title">{t('manager.sync.title')}</h2>
          <p className="mgr-lead">{t('manager.sync.lead')}</p>
        </div>
        <button type="button" className="btn" disabled={busy} onClick={() => void load()} data-testid="sync-refresh">
          {t('manager.common.refresh')}
        </button>
      </div>
      <OutcomeNotice outcome={outcome} onClose={() => setOutcome(null)} testId="sync-message" />
      {status && (
        <div className="mgr-card" data-testid="sync-status" data-state={status.state}>
          <table className="mgr-table">
            <tbody>
              <tr>
                <th>{t('manager.sync.state')}</th>
                <td>
                  <Badge tone={STATE_TONE[status.state]}>{t(`manager.sync.states.${status.state}`)}</Badge>
                </td>
              </tr>
              <tr>
                <th>{t('manager.sync.cloud')}</th>
                <td className="mgr-mono mgr-break">{status.cloudUrl ?? '—'}{status.terminalId ? ` · ${status.terminalId}` : ''}</td>
              </tr>
              <tr>
                <th>{t('manager.sync.pending')}</th>
                <td data-testid="sync-pending">
                  {status.pending}
                  {status.oldestPendingAt && <small className="mgr-sub">{t('manager.sync.oldest', { time: formatDateTime(status.oldestPendingAt, timeZone) })}</small>}
                </td>
              </tr>
              <tr>
                <th>{t('manager.sync.lastSuccess')}</th>
                <td>{status.lastSuccessAt ? formatDateTime(status.lastSuccessAt, timeZone) : t('manager.sync.never')}</td>
              </tr>
              <tr>
                <th>{t('manager.sync.lastError')}</th>
                <td data-testid="sync-last-error">
                  {status.lastError ? (
                    <>
                      {bilingual(status.lastError.message)} <small className="mgr-sub mgr-mono">{status.lastError.code} · {formatDateTime(status.lastError.at, timeZone)}</small>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      )}

      <h3>{t('manager.sync.deadTitle')}</h3>
      <p className="mgr-lead">{t('manager.sync.deadLead')}</p>
      {dead && dead.length === 0 && <p className="mgr-empty">{t('manager.sync.deadEmpty')}</p>}
      {dead && dead.length > 0 && (
        <div className="mgr-table-wrap">
          <table className="mgr-table" data-testid="sync-dead-letters">
            <thead>
              <tr>
                <th>{t('manager.sync.order')}</th>
                <th>{t('manager.sync.deadAt')}</th>
                <th>{t('manager.sync.reason')}</th>
                <th>{t('manager.common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {dead.map((letter) => (
                <tr key={letter.orderId}>
                  <td className="mgr-mono">{letter.orderNo ?? letter.orderId} <small className="mgr-sub">v{letter.version}</small></td>
                  <td className="mgr-nowrap">{formatDateTime(letter.deadAt, timeZone)}</td>
                  <td>{letter.error ? bilingual(letter.error.message) : '—'}</td>
                  <td>
                    <button type="button" className="btn" disabled={busy} onClick={() => void retry(letter)} data-testid="sync-retry">
                      {t('manager.sync.retry')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {session?.user.role === 'owner' && <h3>{t('manager.sync.enrolTitle')}</h3>}
      {session?.user.role === 'owner' && (
        <form
          className="mgr-card mgr-filter"
          onSubmit={(e) => {
            e.preventDefault();
            void enrol();
          }}
        >
          <Field label={t('manager.sync.cloudUrl')} grow>
            <input className="mgr-input" value={cloudUrl} onChange={(e) => setCloudUrl(e.target.value)} placeholder="https://cloud.example.com" data-testid="sync-cloud-url" />
          </Field>
          <Field label={t('manager.sync.code')}>
            <input className="mgr-input mgr-mono" value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} autoComplete="off" data-testid="sync-code" />
          </Field>
          <button type="submit" className="btn btn--primary" disabled={busy || !cloudUrl.trim() || !code.trim()} data-testid="sync-enrol">
            {busy ? t('common.working') : t('manager.sync.enrol')}
          </button>
        </form>
      )}
    </section>
  );
}
