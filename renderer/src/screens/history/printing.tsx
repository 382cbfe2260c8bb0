import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/session';
import { currentLang, useErrorText } from '../../i18n';

export interface PrintRequest {
  orderId: string;
  reprint?: boolean;
  refundId?: string;
}

export type PrintState =
  | { kind: 'idle' }
  | { kind: 'printing' }
  | { kind: 'done'; printer: 'network' | 'system' | 'none'; bytes?: number; count: number }
  | { kind: 'failed'; error: unknown };

/**
 * receipt.print in the UI's language, one or several receipts in a row (a refund over two tenders
 * has two refund receipts), stopping at the first failure so a retry repeats exactly what failed.
 */
export function usePrint() {
  const [state, setState] = useState<PrintState>({ kind: 'idle' });
  const last = useRef<PrintRequest[]>([]);
  const busy = useRef(false);
  const print = useCallback(async (requests: PrintRequest | PrintRequest[]): Promise<boolean> => {
    const list = Array.isArray(requests) ? requests : [requests];
    if (busy.current || list.length === 0) return false;
    busy.current = true;
    last.current = list;
    setState({ kind: 'printing' });
    try {
      let outcome: { printer: 'network' | 'system' | 'none'; bytes?: number } = { printer: 'none' };
      for (const [index, request] of list.entries()) {
        try {
          outcome = await api['receipt.print']({ ...request, language: currentLang() });
        } catch (error) {
          last.current = list.slice(index);
          setState({ kind: 'failed', error });
          return false;
        }
      }
      setState({ kind: 'done', ...outcome, count: list.length });
      return true;
    } finally {
      busy.current = false;
    }
  }, []);
  const retry = useCallback(() => print(last.current), [print]);
  const reset = useCallback(() => {
    if (!busy.current) setState({ kind: 'idle' });
  }, []);
  return { state, print, retry, reset };
}

/** One line under the print buttons: printing…, where it went, nothing configured, or the typed error with a retry. */
export function PrintStatus({ state, onRetry, testId }: { state: PrintState; onRetry: () => void; testId: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  if (state.kind === 'idle') return null;
  if (state.kind === 'printing') {
    return (
      <p className="print-status print-status--busy" data-testid={testId} role="status">
        <span className="spinner" aria-hidden="true" /> {t('receipt.printer.printing')}
      </p>
    );
  }
  if (state.kind === 'failed') {
    return (
      <div className="print-status print-status--bad" data-testid={testId} role="alert">
        <span>{errorText(state.error)}</span>
        <button type="button" className="btn btn--small" onClick={onRetry}>
          {t('receipt.printer.retry')}
        </button>
      </div>
    );
  }
  const where =
    state.printer === 'network'
      ? t('receipt.printer.sentNetwork', { count: state.count })
      : state.printer === 'system'
        ? t('receipt.printer.sentSystem', { count: state.count })
        : t('receipt.printer.none');
  return (
    <p className={`print-status ${state.printer === 'none' ? 'print-status--warn' : 'print-status--ok'}`} data-testid={testId} data-printer={state.printer} role="status">
      {state.printer === 'none' ? '⚠ ' : '✓ '}
      {where}
    </p>
  );
}
