import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorText } from '../../i18n';

/** An inline message: errors stay until dismissed or replaced; successes too (a manager reads them). */
export function Notice({
  kind,
  children,
  onClose,
  testId,
  revealKey,
}: {
  kind: 'error' | 'ok' | 'info';
  children: ReactNode;
  onClose?: () => void;
  testId?: string;
  /** When this value changes, the notice scrolls itself into view (results often appear below the fold). */
  revealKey?: unknown;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (revealKey !== undefined) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [revealKey]);
  return (
    <div ref={ref} className={`notice notice--${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      <span className="notice-text">{children}</span>
      {onClose && (
        <button type="button" className="notice-close" onClick={onClose} aria-label={t('common.close')}>
          ×
        </button>
      )}
    </div>
  );
}

export type Outcome = { kind: 'ok' | 'error' | 'info'; text: string } | null;

/**
 * Runs one API action at a time for a panel: `busy` while it runs, `outcome` for the message
 * (the API's bilingual error text in the current language, or the success text).
 */
export function useAction() {
  // useErrorText gives a new function every render; keep `run` stable so effects can depend on it.
  const currentErrorText = useErrorText();
  const errorText = useRef(currentErrorText);
  errorText.current = currentErrorText;
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  const run = useCallback(
    async <T,>(action: () => Promise<T>, success?: (result: T) => string | null): Promise<T | undefined> => {
      setBusy(true);
      setOutcome(null);
      try {
        const result = await action();
        const text = success?.(result) ?? null;
        if (live.current) setOutcome(text ? { kind: 'ok', text } : null);
        return result;
      } catch (error) {
        if (live.current) setOutcome({ kind: 'error', text: errorText.current(error) });
        return undefined;
      } finally {
        if (live.current) setBusy(false);
      }
    },
    [],
  );
  return { busy, outcome, setOutcome, run };
}

export function OutcomeNotice({ outcome, onClose, testId }: { outcome: Outcome; onClose: () => void; testId?: string }) {
  if (!outcome) return null;
  return (
    <Notice kind={outcome.kind} onClose={onClose} revealKey={outcome} {...(testId ? { testId } : {})}>
      {outcome.text}
    </Notice>
  );
}

/** A labelled form control with an optional hint underneath. */
export function Field({ label, hint, children, wide, grow }: { label: string; hint?: ReactNode; children: ReactNode; wide?: boolean; grow?: boolean }) {
  return (
    <label className={`mgr-field${wide ? ' mgr-field--wide' : ''}${grow ? ' mgr-field--grow' : ''}`}>
      <span className="mgr-field-label">{label}</span>
      {children}
      {hint && <small className="mgr-field-hint">{hint}</small>}
    </label>
  );
}

/** A row of mutually exclusive big buttons (touch-friendly radio group). */
export function Segmented<T extends string | number>({
  value,
  options,
  onChange,
  label,
  testIdPrefix,
}: {
  value: T;
  options: { value: T; label: string; disabled?: boolean }[];
  onChange: (value: T) => void;
  label: string;
  testIdPrefix?: string;
}) {
  return (
    <div className="segmented mgr-segmented" role="radiogroup" aria-label={label}>
      {options.map((option) => (
        <button
          key={String(option.value)}
          type="button"
          role="radio"
          aria-checked={option.value === value}
          className={option.value === value ? 'on' : ''}
          disabled={option.disabled}
          data-testid={testIdPrefix ? `${testIdPrefix}-${option.value}` : undefined}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'muted' | 'info'; children: ReactNode }) {
  return <span className={`mgr-badge mgr-badge--${tone}`}>{children}</span>;
}

/** Store-time date and time as "2026-11-23 09:00:05". */
export function formatDateTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', { ...options, timeZone }).formatToParts(date);
  } catch {
    parts = new Intl.DateTimeFormat('en-CA', options).formatToParts(date);
  }
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** "1.2 MB" / "830 KB" for file sizes (display only; never money). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes * 10) / (1024 * 1024)) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
