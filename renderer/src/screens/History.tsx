import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, useSession } from '../api/session';
import { useTillEvent } from '../api/events';
import type { OrderDto } from '../api/types';
import type { OrderSummaryDto } from '../../../electron/api/dto';
import { useErrorText } from '../i18n';
import { formatFen } from '../lib/money';
import { OrderDetail } from './history/OrderDetail';
import { formatWhen, shiftDate, shortOrderNo } from './history/orderFacts';
import { usePrint } from './history/printing';
import { ReceiptPreview } from './history/ReceiptPreview';
import { RefundDialog } from './history/RefundDialog';
import '../styles/history.css';

const PAGE = 50;

type Modal = { kind: 'refund' } | { kind: 'preview'; refundId?: string } | null;

/**
 * The business day's orders: search as you type (order number, amount in yuan, product), details
 * with tenders and refunds, reprint, receipt preview, refund with a manager's PIN. Keyboard:
 * type to search, ↑/↓ to pick an order, Ctrl+P reprint, F8 view the receipt, F9 refund,
 * Alt+←/→ previous/next day, Esc clears the search.
 */
export function History() {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const session = useSession();
  const timeZone = session?.store.timezone ?? 'Asia/Shanghai';
  const today = session?.businessDate ?? new Date().toISOString().slice(0, 10);
  const [date, setDate] = useState(today);
  const [query, setQuery] = useState('');
  const [rows, setRows] = useState<OrderSummaryDto[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [listError, setListError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detail, setDetail] = useState<OrderDto | null>(null);
  const [detailError, setDetailError] = useState<string | null>(null);
  const [modal, setModal] = useState<Modal>(null);
  const printer = usePrint();
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const listSeq = useRef(0);
  const detailSeq = useRef(0);
  const describe = useRef(errorText);
  describe.current = errorText;

  const q = query.trim();

  /** Loads the first `count` rows (a refresh keeps what was already paged in). */
  const load = useCallback(
    async (offset: number, count: number) => {
      const seq = ++listSeq.current;
      setLoading(true);
      try {
        const limit = Math.min(500, count + 1);
        const found = await api['order.listByDay']({ date, limit, offset, ...(q ? { q } : {}) });
        if (seq !== listSeq.current) return;
        setListError(null);
        setHasMore(found.length > count);
        const page = found.slice(0, count);
        setRows((previous) => (offset === 0 ? page : [...previous, ...page]));
        if (offset === 0) setSelectedId((current) => (current && page.some((r) => r.id === current) ? current : (page[0]?.id ?? null)));
      } catch (e) {
        if (seq === listSeq.current) setListError(describe.current(e));
      } finally {
        if (seq === listSeq.current) setLoading(false);
      }
    },
    [date, q],
  );

  // Search as you type: a short pause, stale answers dropped.
  useEffect(() => {
    const timer = window.setTimeout(() => void load(0, PAGE), q ? 120 : 0);
    return () => window.clearTimeout(timer);
  }, [load, q]);

  const loadDetail = useCallback(async (orderId: string) => {
    const seq = ++detailSeq.current;
    try {
      const order = await api['order.get']({ orderId });
      if (seq !== detailSeq.current) return;
      setDetail(order);
      setDetailError(null);
    } catch (e) {
      if (seq === detailSeq.current) setDetailError(describe.current(e));
    }
  }, []);

  const resetPrint = printer.reset;
  useEffect(() => {
    resetPrint();
    if (!selectedId) {
      setDetail(null);
      return;
    }
    const timer = window.setTimeout(() => void loadDetail(selectedId), 60);
    return () => window.clearTimeout(timer);
  }, [selectedId, loadDetail, resetPrint]);

  // Orders change under us (a sale at the counter, a refund confirmed by the provider).
  const refreshTimer = useRef<number | undefined>(undefined);
  const rowsCount = useRef(0);
  rowsCount.current = rows.length;
  const scheduleRefresh = useCallback(() => {
    window.clearTimeout(refreshTimer.current);
    refreshTimer.current = window.setTimeout(() => void load(0, Math.max(PAGE, rowsCount.current)), 300);
  }, [load]);
  useEffect(() => () => window.clearTimeout(refreshTimer.current), []);
  useTillEvent('order.changed', (change) => {
    if (change.orderId === selectedId) void loadDetail(change.orderId);
    scheduleRefresh();
  });
  useTillEvent('refund.progress', (progress) => {
    if (progress.orderId === selectedId) void loadDetail(progress.orderId);
  });

  const selectedIndex = rows.findIndex((r) => r.id === selectedId);
  const move = (delta: number) => {
    if (rows.length === 0) return;
    const next = rows[Math.max(0, Math.min(rows.length - 1, (selectedIndex < 0 ? -1 : selectedIndex) + delta))];
    if (next) {
      setSelectedId(next.id);
      listRef.current?.querySelector(`[data-id="${next.id}"]`)?.scrollIntoView({ block: 'nearest' });
    }
  };

  const reprint = () => {
    if (detail) void printer.print({ orderId: detail.id, reprint: true });
  };

  // Keyboard: the search field keeps focus; these keys work from anywhere on the screen.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[data-modal="true"]')) return;
      // The day field uses the arrow keys itself.
      if (e.target instanceof HTMLInputElement && e.target.type === 'date' && !e.altKey) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        move(e.key === 'ArrowDown' ? 1 : -1);
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'p') {
        e.preventDefault();
        reprint();
      } else if (e.key === 'F8' && detail) {
        e.preventDefault();
        setModal({ kind: 'preview' });
      } else if (e.key === 'F9' && detail) {
        e.preventDefault();
        if (document.querySelector<HTMLButtonElement>('[data-testid="history-refund"]')?.disabled === false) setModal({ kind: 'refund' });
      } else if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
        e.preventDefault();
        setDate((d) => shiftDate(d, e.key === 'ArrowLeft' ? -1 : 1));
      } else if (e.key === 'Escape' && query) {
        e.preventDefault();
        setQuery('');
      } else if (e.key === '/' && document.activeElement !== searchRef.current) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  useEffect(() => {
    if (!modal) searchRef.current?.focus();
  }, [modal]);

  const lang = i18n.language;
  const isToday = date === today;
  return (
    <main className="history">
      <section className="history-list-pane" aria-label={t('history.title')}>
        <div className="history-toolbar">
          <label className="history-search">
            <span aria-hidden="true">⌕</span>
            <input
              ref={searchRef}
              data-testid="history-search"
              type="search"
              autoFocus
              value={query}
              placeholder={t('history.searchPlaceholder')}
              aria-label={t('history.searchPlaceholder')}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  // A scanned receipt QR ends with Enter: open the one order it found.
                  if (rows[0] && selectedIndex < 0) setSelectedId(rows[0].id);
                }
              }}
            />
            {query && (
              <button type="button" className="history-search-clear" onClick={() => setQuery('')} aria-label={t('history.clearSearch')}>
                ×
              </button>
            )}
          </label>
          <div className="history-day">
            <button type="button" className="icon-btn" onClick={() => setDate((d) => shiftDate(d, -1))} aria-label={t('history.prevDay')} title={`${t('history.prevDay')} (Alt+←)`}>
              ‹
            </button>
            <input
              type="date"
              data-testid="history-date"
              value={date}
              max={today}
              onChange={(e) => e.target.value && setDate(e.target.value)}
              aria-label={t('history.day')}
            />
            <button type="button" className="icon-btn" disabled={date >= today} onClick={() => setDate((d) => shiftDate(d, 1))} aria-label={t('history.nextDay')} title={`${t('history.nextDay')} (Alt+→)`}>
              ›
            </button>
            <button type="button" className={`btn btn--small${isToday ? ' on' : ''}`} disabled={isToday} onClick={() => setDate(today)}>
              {t('history.today')}
            </button>
          </div>
        </div>
        <div className="history-count" role="status">
          {loading && <span className="spinner spinner--small" aria-hidden="true" />}
          {q ? t('history.found', { count: rows.length, more: hasMore ? '+' : '' }) : t('history.count', { count: rows.length, more: hasMore ? '+' : '' })}
          <span className="hint">{t('history.keys')}</span>
        </div>
        {listError && <p className="notice notice--error" role="alert">{listError}</p>}
        <ul className="history-rows" ref={listRef} role="listbox" aria-label={t('history.title')}>
          {rows.map((row) => (
            <li
              key={row.id}
              data-id={row.id}
              data-testid="history-row"
              data-order-no={row.orderNo}
              role="option"
              aria-selected={row.id === selectedId}
              className={`history-row${row.id === selectedId ? ' history-row--on' : ''}`}
              onClick={() => setSelectedId(row.id)}
            >
              <span className="hr-time num">{formatWhen(row.createdAt, lang, timeZone)}</span>
              <span className="hr-no">
                <strong>{shortOrderNo(row.orderNo)}</strong>
                <small className="mono">{row.orderNo}{row.businessDate !== date ? ` · ${row.businessDate}` : ''}</small>
              </span>
              <span className={`badge badge--${row.state}`}>{t(`history.state.${row.state}`)}</span>
              <span className="hr-amount num">
                <strong>{formatFen(row.totalFen)}</strong>
                {row.refundedFen > 0 && <small className="minus">{formatFen(-row.refundedFen)}</small>}
              </span>
            </li>
          ))}
          {!loading && rows.length === 0 && !listError && (
            <li className="history-empty">{q ? t('history.noMatch', { query: q }) : t('history.noOrders', { date })}</li>
          )}
        </ul>
        {hasMore && (
          <button type="button" className="btn history-more" disabled={loading} onClick={() => void load(rows.length, PAGE)}>
            {t('history.loadMore')}
          </button>
        )}
      </section>

      {detail && detail.id === selectedId ? (
        <OrderDetail
          order={detail}
          timeZone={timeZone}
          printState={printer.state}
          actions={{
            onReprint: reprint,
            onView: () => setModal({ kind: 'preview' }),
            onRefund: () => setModal({ kind: 'refund' }),
            onViewRefund: (refundId) => setModal({ kind: 'preview', refundId }),
            onPrintRefund: (refundId) => void printer.print({ orderId: detail.id, refundId }),
            onRetryPrint: () => void printer.retry(),
          }}
        />
      ) : (
        <section className="history-detail history-detail--empty" aria-live="polite">
          {detailError ? <p className="error-text">{detailError}</p> : selectedId ? <span className="spinner" /> : <p className="hint">{t('history.pick')}</p>}
        </section>
      )}

      {modal?.kind === 'refund' && detail && (
        <RefundDialog
          order={detail}
          onClose={() => setModal(null)}
          onChanged={() => {
            void loadDetail(detail.id);
            scheduleRefresh();
          }}
        />
      )}
      {modal?.kind === 'preview' && detail && (
        <ReceiptPreview
          orderId={detail.id}
          {...(modal.refundId ? { refundId: modal.refundId } : {})}
          onClose={() => setModal(null)}
          onPrint={() => {
            setModal(null);
            void printer.print(modal.refundId ? { orderId: detail.id, refundId: modal.refundId } : { orderId: detail.id, reprint: true });
          }}
        />
      )}
    </main>
  );
}
