import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReconciliationDto, ReconciliationIssueDto } from '../../../../electron/api/dto';
import { api } from '../../api/session';
import { ApprovalDialog } from '../../components/ApprovalDialog';
import { currentLang, useErrorText } from '../../i18n';
import { formatFen } from '../../lib/money';
import { formatWhen } from '../history/orderFacts';

/**
 * The day's reconciliation against the WeChat Pay / Alipay bills: "Reconcile now" (reconcile.run),
 * each provider's status, the issues with their translated kind and suggested action, and
 * "Repair" on a repairable one behind a manager's PIN (reconcile.repair), as refunds do.
 */
export function ReconciliationPanel({
  date,
  reconciliation,
  timeZone,
  onChanged,
  runRef,
}: {
  date: string;
  reconciliation: ReconciliationDto | null;
  timeZone: string;
  onChanged: () => void;
  /** Lets the screen's F10 start a run. */
  runRef: { current: (() => void) | null };
}) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [repairing, setRepairing] = useState<ReconciliationIssueDto | null>(null);
  const lang = i18n.language;

  const run = async () => {
    if (running) return;
    setRunning(true);
    setError(null);
    setNotice(null);
    try {
      await api['reconcile.run']({ date });
      onChanged();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setRunning(false);
    }
  };
  runRef.current = () => void run();

  const repair = async (issue: ReconciliationIssueDto, approval: { username: string; pin: string }): Promise<string | null> => {
    try {
      await api['reconcile.repair']({ issueId: issue.id, approval });
      setRepairing(null);
      setNotice(t('reports.rec.repairedOk', { id: issue.id }));
      onChanged();
      return null;
    } catch (e) {
      return errorText(e);
    }
  };

  const issues = reconciliation?.issues ?? [];
  return (
    <section className="rep-card" data-testid="reports-reconciliation">
      <div className="rep-card-head">
        <h3>{t('reports.rec.title')}</h3>
        <span className="rep-muted">
          {reconciliation ? t('reports.rec.ranAt', { time: formatWhen(reconciliation.ranAt, lang, timeZone, true), user: reconciliation.ranBy }) : t('reports.rec.notYet')}
        </span>
        <span className="rep-spacer" />
        <button type="button" className="btn btn--primary" data-testid="reports-reconcile" disabled={running} onClick={() => void run()}>
          {running ? t('reports.rec.running') : t('reports.actions.reconcile')} <kbd>F10</kbd>
        </button>
      </div>
      {error && (
        <p className="notice notice--error" role="alert" data-testid="reports-reconcile-error">
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {reconciliation && (
        <table className="rep-table" data-testid="reports-providers">
          <thead>
            <tr>
              <th>{t('reports.rec.provider')}</th>
              <th>{t('reports.rec.status')}</th>
              <th className="num">{t('reports.rec.billRows')}</th>
              <th className="num">{t('reports.rec.matched')}</th>
              <th className="num">{t('reports.rec.billPayments')}</th>
              <th className="num">{t('reports.rec.billRefunds')}</th>
            </tr>
          </thead>
          <tbody>
            {reconciliation.providers.map((p) => (
              <tr key={p.provider} data-status={p.status}>
                <td>{t(`reports.rec.providerName.${p.provider}`)}</td>
                <td className={p.status === 'matched' || p.status === 'empty' ? 'rep-good' : p.status === 'unconfigured' ? 'rep-muted' : 'rep-bad'}>
                  {t(`reports.rec.providerStatus.${p.status}`)}
                  {p.error ? <small className="rep-sub">{currentLang() === 'en' ? p.error.message.en : p.error.message.zh}</small> : null}
                </td>
                <td className="num">{p.billRows}</td>
                <td className="num">{p.matchedRows}</td>
                <td className="num">{formatFen(p.billPaymentsFen)}</td>
                <td className="num">{formatFen(p.billRefundsFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {reconciliation && (
        <>
          <h4>
            {t('reports.rec.issues')} ({issues.filter((i) => !i.repairedAt).length})
          </h4>
          {issues.length === 0 ? (
            <p className="rep-good">{t('reports.rec.noIssues')}</p>
          ) : (
            <table className="rep-table" data-testid="reports-issues">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{t('reports.rec.provider')}</th>
                  <th>{t('reports.rec.issue')}</th>
                  <th>{t('reports.rec.reference')}</th>
                  <th className="num">{t('reports.rec.local')}</th>
                  <th className="num">{t('reports.rec.atProvider')}</th>
                  <th>{t('reports.rec.action')}</th>
                </tr>
              </thead>
              <tbody>
                {issues.map((issue) => (
                  <tr key={issue.id} data-testid="reports-issue" data-kind={issue.kind}>
                    <td>{issue.id}</td>
                    <td>{t(`reports.rec.providerName.${issue.provider}`)}</td>
                    <td className={issue.repairedAt ? 'rep-good' : 'rep-bad'}>{t(`reports.rec.kind.${issue.kind}`)}</td>
                    <td className="mono">
                      {issue.orderNo ?? ''}
                      <small className="rep-sub">{[issue.outTradeNo ?? issue.providerTradeNo, issue.outRefundNo].filter(Boolean).join(' / ')}</small>
                    </td>
                    <td className="num">{issue.localFen === null ? '—' : formatFen(issue.localFen)}</td>
                    <td className="num">{issue.providerFen === null ? '—' : formatFen(issue.providerFen)}</td>
                    <td>
                      {issue.repairedAt ? (
                        <span className="rep-good">{t('reports.rec.repaired', { time: formatWhen(issue.repairedAt, lang, timeZone, true) })}</span>
                      ) : (
                        <>
                          {t(`reports.rec.suggested.${issue.suggestedAction}`, { defaultValue: issue.suggestedAction })}
                          {issue.repairable && (
                            <button type="button" className="btn btn--small rep-repair" data-testid="reports-repair" onClick={() => setRepairing(issue)}>
                              {t('reports.actions.repair')}
                            </button>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {repairing && (
        <ApprovalDialog
          reason={t('reports.rec.repairReason', { id: repairing.id, kind: t(`reports.rec.kind.${repairing.kind}`) })}
          onApprove={(approval) => repair(repairing, approval)}
          onClose={() => setRepairing(null)}
        />
      )}
    </section>
  );
}
