import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiOutput } from '../../../../electron/api/contract';
import { api } from '../../api/session';
import { Notice, OutcomeNotice, formatBytes, useAction } from './shared';

type ImportResult = ApiOutput<'catalog.import'>;

/**
 * The API takes the CSV as one string of at most 64 Mi characters (contract.ts) and the browser
 * host's request body is capped at 70 MB (the JSON escaping adds a little), so files above 50 MB
 * are refused here with a clear message instead of failing in transit. 50 MB is about half a
 * million products, well above the 300k the catalog is built for.
 */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
const MAX_SHOWN_PROBLEMS = 200;

interface Picked {
  name: string;
  size: number;
  text: string;
  rows: number;
}

function countDataRows(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
  if (text.length > 0 && !text.endsWith('\n')) lines += 1;
  return Math.max(0, lines - 1); // minus the header (quoted multi-line cells make this an estimate)
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Catalog import: pick a UTF-8 CSV, import it in one transaction, show counts and row problems. */
export function CatalogTab() {
  const { t, i18n } = useTranslation();
  const { busy, outcome, setOutcome, run } = useAction();
  const [picked, setPicked] = useState<Picked | null>(null);
  const [reading, setReading] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const fileRef = useRef<HTMLInputElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const en = i18n.language === 'en';

  useEffect(() => {
    if (!busy) return;
    const started = Date.now();
    setElapsed(0);
    const timer = window.setInterval(() => setElapsed(Math.floor((Date.now() - started) / 1000)), 500);
    return () => window.clearInterval(timer);
  }, [busy]);

  const pick = async (file: File | undefined) => {
    setResult(null);
    setOutcome(null);
    setPicked(null);
    if (!file) return;
    if (file.size === 0) return setOutcome({ kind: 'error', text: t('manager.catalog.empty') });
    if (file.size > MAX_IMPORT_BYTES) {
      if (fileRef.current) fileRef.current.value = '';
      return setOutcome({ kind: 'error', text: t('manager.catalog.tooLarge', { size: formatBytes(file.size), max: formatBytes(MAX_IMPORT_BYTES) }) });
    }
    setReading(true);
    try {
      const text = await file.text();
      setPicked({ name: file.name, size: file.size, text, rows: countDataRows(text) });
    } catch {
      setOutcome({ kind: 'error', text: t('manager.catalog.readFailed') });
    } finally {
      setReading(false);
    }
  };

  const importNow = async () => {
    if (!picked) return;
    const imported = await run(
      () => api['catalog.import']({ csv: picked.text }),
      (r) => t('manager.catalog.done', { inserted: r.inserted.toLocaleString(), updated: r.updated.toLocaleString(), skipped: r.skipped.length.toLocaleString() }),
    );
    if (imported) {
      setResult(imported);
      // The counts and problems are below the picker: bring them into view.
      window.requestAnimationFrame(() => resultRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }));
    }
  };

  const downloadProblems = () => {
    if (!result) return;
    const lines = ['line,reason_zh,reason_en', ...result.skipped.map((s) => [s.line, s.reason.zh, s.reason.en].map(csvCell).join(','))];
    const blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${(picked?.name ?? 'catalog').replace(/\.csv$/i, '')}-problems.csv`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const shown = result?.skipped.slice(0, MAX_SHOWN_PROBLEMS) ?? [];

  return (
    <section className="mgr-panel" aria-labelledby="mgr-catalog-title">
      <div className="mgr-panel-head">
        <div>
          <h2 id="mgr-catalog-title">{t('manager.catalog.title')}</h2>
          <p className="mgr-lead">{t('manager.catalog.lead')}</p>
        </div>
      </div>

      <div className="mgr-card">
        <h3>{t('manager.catalog.formatTitle')}</h3>
        <ul className="mgr-list">
          <li>{t('manager.catalog.formatEncoding')}</li>
          <li>
            {t('manager.catalog.formatRequired')} <code>sku</code> <code>name</code> <code>price</code>
            <span className="mgr-muted"> — {t('manager.catalog.formatRequiredAlias')}</span>
          </li>
          <li>
            {t('manager.catalog.formatOptional')} <code>name_en</code> <code>barcodes</code> <code>unit</code> <code>sold_by</code> <code>tax_rate</code>{' '}
            <code>category</code> <code>plu</code> <code>active</code>
          </li>
          <li>{t('manager.catalog.formatUpdate')}</li>
          <li>{t('manager.catalog.formatLimit', { max: formatBytes(MAX_IMPORT_BYTES) })}</li>
        </ul>
      </div>

      <div className="mgr-card mgr-import">
        <div className="mgr-file">
          <input
            ref={fileRef}
            id="mgr-catalog-file"
            className="mgr-file-input"
            type="file"
            accept=".csv,text/csv"
            data-testid="catalog-file"
            disabled={busy || reading}
            onChange={(e) => void pick(e.target.files?.[0])}
          />
          <label htmlFor="mgr-catalog-file" className={`btn btn--big${busy || reading ? ' btn--disabled' : ''}`}>
            {t('manager.catalog.choose')}
          </label>
          <div className="mgr-file-info" data-testid="catalog-file-info">
            {reading ? (
              <span className="mgr-muted">{t('manager.catalog.reading')}</span>
            ) : picked ? (
              <>
                <strong>{picked.name}</strong>
                <span className="mgr-muted">{t('manager.catalog.fileInfo', { size: formatBytes(picked.size), rows: picked.rows.toLocaleString(en ? 'en' : 'zh-CN') })}</span>
              </>
            ) : (
              <span className="mgr-muted">{t('manager.catalog.noFile')}</span>
            )}
          </div>
          <button type="button" className="btn btn--primary btn--big" disabled={!picked || busy || reading} data-testid="catalog-import" onClick={() => void importNow()}>
            {busy ? t('manager.catalog.importing') : t('manager.catalog.import')}
          </button>
        </div>
        {busy && (
          <Notice kind="info" testId="catalog-progress">
            <span className="spinner" /> {t('manager.catalog.progress', { seconds: elapsed })}
          </Notice>
        )}
        {picked && picked.rows >= 50_000 && !busy && !result && <Notice kind="info">{t('manager.catalog.bigFile')}</Notice>}
      </div>

      <OutcomeNotice outcome={outcome} onClose={() => setOutcome(null)} testId="catalog-message" />

      {result && (
        <div className="mgr-card" data-testid="catalog-result" ref={resultRef}>
          <div className="mgr-stats">
            <div className="mgr-stat">
              <span>{t('manager.catalog.inserted')}</span>
              <strong className="num" data-testid="catalog-inserted">
                {result.inserted.toLocaleString()}
              </strong>
            </div>
            <div className="mgr-stat">
              <span>{t('manager.catalog.updated')}</span>
              <strong className="num" data-testid="catalog-updated">
                {result.updated.toLocaleString()}
              </strong>
            </div>
            <div className={`mgr-stat${result.skipped.length > 0 ? ' mgr-stat--warn' : ''}`}>
              <span>{t('manager.catalog.skipped')}</span>
              <strong className="num" data-testid="catalog-skipped">
                {result.skipped.length.toLocaleString()}
              </strong>
            </div>
          </div>
          {result.skipped.length > 0 && (
            <>
              <div className="mgr-panel-head mgr-panel-head--small">
                <h3>{t('manager.catalog.problems')}</h3>
                <button type="button" className="btn" data-testid="catalog-download-problems" onClick={downloadProblems}>
                  {t('manager.catalog.download')}
                </button>
              </div>
              {result.skipped.length > MAX_SHOWN_PROBLEMS && (
                <p className="mgr-muted">{t('manager.catalog.shownFirst', { shown: MAX_SHOWN_PROBLEMS, total: result.skipped.length.toLocaleString() })}</p>
              )}
              <div className="mgr-table-wrap mgr-table-wrap--scroll">
                <table className="mgr-table" data-testid="catalog-problems">
                  <thead>
                    <tr>
                      <th className="num">{t('manager.catalog.line')}</th>
                      <th>{t('manager.catalog.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((problem) => (
                      <tr key={problem.line}>
                        <td className="num mgr-mono">{problem.line}</td>
                        <td>{en ? problem.reason.en : problem.reason.zh}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      )}
    </section>
  );
}
