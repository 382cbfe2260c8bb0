import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DayReportDto } from '../../../electron/api/dto';
import { api, useSession } from '../api/session';
import { currentLang, useErrorText } from '../i18n';
import { formatWhen, shiftDate } from './history/orderFacts';
import { DayReportView } from './reports/DayReportView';
import { downloadText, printReportDocument, printReportSummary } from './reports/output';
import { ReconciliationPanel } from './reports/ReconciliationPanel';
import '../styles/reports.css';

type Output =
  | { kind: 'idle' }
  | { kind: 'busy'; text: string }
  | { kind: 'ok'; text: string }
  | { kind: 'failed'; text: string };

/**
 * The manager's Reports screen (/reports): the business day's Z report (日结) from report.day,
 * rendered as React with the figures a manager reads at the counter in large type; the day's
 * reconciliation; and the outputs: the ESC/POS summary (report.print), the A4 document through
 * the print dialog (Print / Save PDF, report.html) and the CSV (report.csv). Keyboard:
 * Alt+←/→ day, Ctrl+P print, F8 print/PDF, F9 CSV, F10 reconcile.
 */
export function Reports() {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const session = useSession();
  const today = session?.businessDate ?? new Date().toISOString().slice(0, 10);
  const [date, setDate] = useState(today);
  const [report, setReport] = useState<DayReportDto | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [output, setOutput] = useState<Output>({ kind: 'idle' });
  const describe = useRef(errorText);
  describe.current = errorText;
  const runReconcile = useRef<(() => void) | null>(null);
  const isManager = session?.user.role === 'manager' || session?.user.role === 'owner';

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const next = await api['report.day']({ date });
      setReport(next);
    } catch (e) {
      setReport(null);
      setError(describe.current(e));
    } finally {
      setLoading(false);
    }
  }, [date]);

  useEffect(() => {
    if (isManager) void load();
  }, [load, isManager]);
  useEffect(() => setOutput({ kind: 'idle' }), [date]);

  const busy = output.kind === 'busy';
  const printSummary = async () => {
    if (busy) return;
    setOutput({ kind: 'busy', text: t('reports.output.printing') });
    try {
      setOutput({ kind: 'ok', text: t(await printReportSummary({ kind: 'day', date })) });
    } catch (e) {
      setOutput({ kind: 'failed', text: errorText(e) });
    }
  };
  const printDocument = async () => {
    if (busy) return;
    setOutput({ kind: 'busy', text: t('reports.output.preparing') });
    try {
      await printReportDocument({ kind: 'day', date }, () => setOutput({ kind: 'ok', text: t('reports.output.printDialog') }));
    } catch (e) {
      setOutput({ kind: 'failed', text: errorText(e) });
    }
  };
  const exportCsv = async () => {
    if (busy) return;
    setOutput({ kind: 'busy', text: t('reports.output.preparing') });
    try {
      const { filename, csv } = await api['report.csv']({ date, lang: currentLang() });
      downloadText(filename, csv);
      setOutput({ kind: 'ok', text: t('reports.output.exported', { filename }) });
    } catch (e) {
      setOutput({ kind: 'failed', text: errorText(e) });
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[data-modal="true"]')) return;
      if (e.target instanceof HTMLInputElement && e.target.type === 'date' && !e.altKey) return;
      if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
        e.preventDefault();
        setDate((d) => {
          const next = shiftDate(d, e.key === 'ArrowLeft' ? -1 : 1);
          return next > today ? d : next;
        });
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'p') {
        e.preventDefault();
        void printSummary();
      } else if (e.key === 'F8') {
        e.preventDefault();
        void printDocument();
      } else if (e.key === 'F9') {
        e.preventDefault();
        void exportCsv();
      } else if (e.key === 'F10') {
        e.preventDefault();
        runReconcile.current?.();
      } else if (e.key === 'F5') {
        e.preventDefault();
        void load();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!isManager) {
    return (
      <main className="not-yet" data-testid="reports-denied">
        <p>{t('reports.managersOnly')}</p>
      </main>
    );
  }

  const isToday = date === today;
  return (
    <main className="rep" data-testid="reports">
      <div className="rep-toolbar">
        <h2>{t('reports.dayTitle')}</h2>
        <div className="rep-day">
          <button type="button" className="icon-btn" onClick={() => setDate((d) => shiftDate(d, -1))} aria-label={t('reports.prevDay')} title={`${t('reports.prevDay')} (Alt+←)`}>
            ‹
          </button>
          <input type="date" data-testid="reports-date" value={date} max={today} onChange={(e) => e.target.value && setDate(e.target.value)} aria-label={t('reports.day')} />
          <button type="button" className="icon-btn" disabled={date >= today} onClick={() => setDate((d) => shiftDate(d, 1))} aria-label={t('reports.nextDay')} title={`${t('reports.nextDay')} (Alt+→)`}>
            ›
          </button>
          <button type="button" className={`btn btn--small${isToday ? ' on' : ''}`} disabled={isToday} onClick={() => setDate(today)}>
            {t('reports.today')}
          </button>
          <button type="button" className="btn btn--small" onClick={() => void load()} disabled={loading}>
            {t('reports.refresh')} <kbd>F5</kbd>
          </button>
        </div>
        <span className="rep-spacer" />
        <div className="rep-actions">
          <button type="button" className="btn" data-testid="reports-print" disabled={busy || !report} onClick={() => void printSummary()}>
            {t('reports.actions.print')} <kbd>Ctrl+P</kbd>
          </button>
          <button type="button" className="btn" data-testid="reports-print-pdf" disabled={busy || !report} onClick={() => void printDocument()}>
            {t('reports.actions.printPdf')} <kbd>F8</kbd>
          </button>
          <button type="button" className="btn" data-testid="reports-csv" disabled={busy || !report} onClick={() => void exportCsv()}>
            {t('reports.actions.exportCsv')} <kbd>F9</kbd>
          </button>
        </div>
      </div>
      <div className="rep-meta">
        {report && <span>{t('reports.generatedAt', { time: formatWhen(report.generatedAt, i18n.language, report.timeZone, true), zone: report.timeZone })}</span>}
        <span className="hint">{t('reports.keys')}</span>
        {output.kind !== 'idle' && (
          <span className={`rep-output rep-output--${output.kind}`} data-testid="reports-output" role={output.kind === 'failed' ? 'alert' : 'status'}>
            {output.kind === 'busy' && <span className="spinner spinner--small" aria-hidden="true" />}
            {output.kind === 'ok' ? '✓ ' : output.kind === 'failed' ? '⚠ ' : ''}
            {output.text}
          </span>
        )}
      </div>
      <div className="rep-scroll-area">
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
        {loading && !report && (
          <p className="rep-muted">
            <span className="spinner spinner--small" aria-hidden="true" /> {t('reports.loading')}
          </p>
        )}
        {report && report.businessDate === date && (
          <>
            <DayReportView report={report} />
            <ReconciliationPanel date={date} reconciliation={report.reconciliation} timeZone={report.timeZone} onChanged={() => void load()} runRef={runReconcile} />
          </>
        )}
      </div>
    </main>
  );
}
