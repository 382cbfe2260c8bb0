import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import { api, ApiCallError, useSession } from '../api/session';
import { useTillEvent } from '../api/events';
import type { CartLineView, CartView, OrderDto, ProductDto } from '../api/types';
import { ApprovalDialog, type Approval } from '../components/ApprovalDialog';
import { Dialog } from '../components/Dialog';
import { useErrorText } from '../i18n';
import { formatBp, formatFen, formatKg } from '../lib/money';
import { useScanDetector } from '../lib/useScanField';
import { CouponDialog, DiscountDialog, type DiscountValue } from './DiscountDialog';
import { NoShiftBanner } from './shift/NoShiftBanner';

export type TenderMode = 'wechat' | 'alipay' | 'code' | 'cash' | 'split';

export const TENDERS: { mode: TenderMode; key: string }[] = [
  { mode: 'wechat', key: 'F1' },
  { mode: 'alipay', key: 'F2' },
  { mode: 'code', key: 'F3' },
  { mode: 'cash', key: 'F4' },
  { mode: 'split', key: 'F6' },
];

type Modal =
  | { kind: 'lineDiscount'; line: CartLineView }
  | { kind: 'orderDiscount' }
  | { kind: 'coupon' }
  | { kind: 'clear' }
  | { kind: 'approval'; retry: (approval: Approval) => Promise<CartView> };

export function productName(p: { name: string; nameEn: string | null }, lang: string): string {
  return lang === 'en' && p.nameEn ? p.nameEn : p.name;
}

export function Sell({ onPay }: { onPay: (order: OrderDto, mode: TenderMode) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const errorText = useErrorText();
  const session = useSession();
  const [cart, setCart] = useState<CartView | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ProductDto[]>([]);
  const [highlight, setHighlight] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [modal, setModal] = useState<Modal | null>(null);
  const [editingQty, setEditingQty] = useState<{ lineId: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const queuedTender = useRef<TenderMode | null>(null);
  const scanRef = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  const searchSeq = useRef(0);
  // The query the shown results answer: Enter never picks results of another (older) query.
  const resultsFor = useRef('');
  const detector = useScanDetector();

  const focusScan = useCallback(() => {
    window.setTimeout(() => {
      const active = document.activeElement;
      if (document.querySelector('[data-modal="true"]')) return;
      if (active instanceof HTMLInputElement && active !== scanRef.current) return;
      scanRef.current?.focus();
    }, 0);
  }, []);

  const showError = useCallback((e: unknown) => setNotice({ kind: 'error', text: errorText(e) }), [errorText]);

  const applyCart = useCallback((next: CartView, options: { selectLast?: boolean } = {}) => {
    setCart(next);
    // A scanned or picked product lands at the end of the cart: select it, so the cashier sees it.
    setSelected((current) =>
      !options.selectLast && current && next.lines.some((l) => l.lineId === current) ? current : (next.lines.at(-1)?.lineId ?? null),
    );
  }, []);

  // The selected line is always in view: on a long cart the scanned line would otherwise land
  // below the fold and the cashier could not see what the scan did.
  const cartListRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (!selected) return;
    const row = cartListRef.current?.querySelector<HTMLElement>(`[data-line-id="${CSS.escape(selected)}"]`);
    row?.scrollIntoView({ block: 'nearest' });
  }, [selected, cart]);

  useEffect(() => {
    api['cart.get']({}).then(applyCart, showError);
    focusScan();
  }, [applyCart, showError, focusScan]);

  // Another window (or the core) changed this terminal's cart.
  useTillEvent('cart.changed', (payload) => {
    if (!session || payload.terminalId !== session.terminal.id) return;
    setCart(payload.cart);
  });

  // Keep the scan field focused: after any click that does not land in another field or a dialog.
  useEffect(() => {
    const onPointerUp = () => focusScan();
    window.addEventListener('pointerup', onPointerUp);
    window.addEventListener('focus', onPointerUp);
    return () => {
      window.removeEventListener('pointerup', onPointerUp);
      window.removeEventListener('focus', onPointerUp);
    };
  }, [focusScan]);
  useEffect(() => {
    if (!modal && !editingQty) focusScan();
  }, [modal, editingQty, focusScan]);

  // Search as you type (name, pinyin initials, SKU); stale answers are dropped.
  useEffect(() => {
    const q = query.trim();
    if (!q) {
      // Also drop an answer still in flight for the text just cleared (e.g. by a scan).
      searchSeq.current += 1;
      resultsFor.current = '';
      setResults([]);
      return;
    }
    const seq = ++searchSeq.current;
    const timer = window.setTimeout(() => {
      api['catalog.search']({ query: q, limit: 100 }).then(
        (found) => {
          if (seq !== searchSeq.current) return;
          resultsFor.current = q;
          setResults(found);
          setHighlight(0);
        },
        () => seq === searchSeq.current && setResults([]),
      );
    }, 90);
    return () => window.clearTimeout(timer);
  }, [query]);

  const run = useCallback(
    async (action: (approval?: Approval) => Promise<CartView>, okText?: string, options: { selectLast?: boolean } = {}) => {
      setBusy(true);
      try {
        applyCart(await action(), options);
        setNotice(okText ? { kind: 'ok', text: okText } : null);
      } catch (e) {
        // A tender key pressed while this was in flight was meant for the cart it expected: drop it.
        queuedTender.current = null;
        if (e instanceof ApiCallError && e.code === 'APPROVAL_REQUIRED') setModal({ kind: 'approval', retry: (approval) => action(approval) });
        else showError(e);
      } finally {
        setBusy(false);
        focusScan();
      }
    },
    [applyCart, showError, focusScan],
  );

  const scan = (code: string) => {
    void run(() => api['cart.scan']({ code }), undefined, { selectLast: true });
  };
  const addProduct = (product: ProductDto) => {
    setQuery('');
    setResults([]);
    void run(() => api['cart.addProduct']({ productId: product.id, quantity: 1 }), undefined, { selectLast: true });
  };
  const setQuantity = (line: CartLineView, quantity: number) => {
    if (quantity < 1) return;
    void run(() => api['cart.setQuantity']({ lineId: line.lineId, quantity }));
  };
  const removeLine = (line: CartLineView) => void run(() => api['cart.removeLine']({ lineId: line.lineId }));

  const selectedLine = cart?.lines.find((l) => l.lineId === selected) ?? null;
  const empty = !cart || cart.lines.length === 0;

  const tender = async (mode: TenderMode) => {
    if (modal) return;
    // A cashier presses F1 the moment the scanner beeps: the scan may still be on its way, so the
    // key waits for it (and is dropped if the scan fails) instead of being swallowed.
    if (busy) {
      queuedTender.current = mode;
      return;
    }
    if (empty) {
      setNotice({ kind: 'error', text: t('sell.cartEmpty') });
      return;
    }
    setBusy(true);
    try {
      const order = await api['order.create']({});
      onPay(order, mode);
    } catch (e) {
      queuedTender.current = null;
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (busy || modal || queuedTender.current === null) return;
    const mode = queuedTender.current;
    queuedTender.current = null;
    void tender(mode);
  });

  // Function keys work wherever focus is (the scan field almost always has it).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (modal || editingQty) return;
      const found = TENDERS.find((x) => x.key === e.key);
      if (found) {
        e.preventDefault();
        void tender(found.mode);
      } else if (e.key === 'F7') {
        e.preventDefault();
        if (!empty) setModal({ kind: 'orderDiscount' });
      } else if (e.key === 'F8') {
        e.preventDefault();
        if (!empty) setModal({ kind: 'coupon' });
      } else if (e.key === 'F9') {
        e.preventDefault();
        if (selectedLine) setModal({ kind: 'lineDiscount', line: selectedLine });
      } else if (e.key === 'F10') {
        e.preventDefault();
        if (!empty) setModal({ kind: 'clear' });
      } else if (e.key === 'F5') {
        e.preventDefault(); // never reload mid-sale
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const onScanKey = (e: React.KeyboardEvent<HTMLInputElement>) => {
    const burst = detector.onKeyDown(e);
    if (e.key === 'Enter') {
      e.preventDefault();
      if (burst) {
        // A digits-only field is one code even if a stall split the burst's timing.
        const whole = e.currentTarget.value.trim();
        const code = /^\d+$/.test(whole) ? whole : burst.scanned;
        setQuery(code === whole ? '' : burst.rest);
        scan(code);
        return;
      }
      // Results of an older query (the search lags the typing) must not be added for this one:
      // a scanner burst the timing missed would otherwise ring up the previous search's product.
      const picked = resultsFor.current === query.trim() ? results[highlight] : undefined;
      if (picked) addProduct(picked);
      else if (/^\d{4,}$/.test(query.trim())) {
        // A barcode keyed by hand.
        scan(query.trim());
        setQuery('');
      }
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      if (results.length > 0) {
        setHighlight((h) => Math.max(0, Math.min(results.length - 1, h + step)));
      } else if (cart && cart.lines.length > 0) {
        const index = cart.lines.findIndex((l) => l.lineId === selected);
        const next = cart.lines[Math.max(0, Math.min(cart.lines.length - 1, (index < 0 ? cart.lines.length : index) + step))];
        if (next) setSelected(next.lineId);
      }
      return;
    }
    if (e.key === 'Escape') {
      setQuery('');
      setResults([]);
      return;
    }
    if (!query && selectedLine && selectedLine.soldBy === 'unit' && !selectedLine.fixedByLabel) {
      if (e.key === '+') {
        e.preventDefault();
        setQuantity(selectedLine, selectedLine.quantity + 1);
        return;
      }
      if (e.key === '-') {
        e.preventDefault();
        if (selectedLine.quantity > 1) setQuantity(selectedLine, selectedLine.quantity - 1);
        return;
      }
    }
    if (!query && selectedLine && e.key === 'Delete') {
      e.preventDefault();
      removeLine(selectedLine);
      return;
    }
    if (e.key === '*' && /^\d{1,4}$/.test(query) && selectedLine && selectedLine.soldBy === 'unit' && !selectedLine.fixedByLabel) {
      e.preventDefault();
      setQuantity(selectedLine, Number.parseInt(query, 10));
      setQuery('');
    }
  };

  const virtualizer = useVirtualizer({
    count: results.length,
    getScrollElement: () => resultsRef.current,
    estimateSize: () => 60,
    overscan: 6,
  });
  useEffect(() => {
    if (results.length > 0) virtualizer.scrollToIndex(highlight, { align: 'auto' });
  }, [highlight, results.length, virtualizer]);

  const totals = cart?.totals;

  return (
    <div className="sell" onMouseDown={(e) => e.target instanceof HTMLElement && e.target.closest('button') && e.preventDefault()}>
      <section className="sell-left">
        <div className="scan-bar">
          <span className="scan-icon" aria-hidden="true">⌕</span>
          <input
            ref={scanRef}
            data-testid="scan-input"
            className="scan-input"
            value={query}
            placeholder={t('sell.scanPlaceholder')}
            aria-label={t('sell.scanPlaceholder')}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setQuery(e.target.value);
              setNotice(null);
            }}
            onKeyDown={onScanKey}
          />
          {busy && <span className="spinner" aria-label={t('common.working')} />}
        </div>
        <NoShiftBanner />
        {notice && (
          <div className={`notice notice--${notice.kind}`} data-testid="sell-notice" data-kind={notice.kind} role={notice.kind === 'error' ? 'alert' : 'status'}>
            {notice.text}
            <button type="button" className="notice-close" onClick={() => setNotice(null)} aria-label={t('common.close')}>×</button>
          </div>
        )}
        {query.trim() && (
          <div className="results" data-testid="search-results" ref={resultsRef} role="listbox" aria-label={t('sell.results')}>
            {results.length === 0 ? (
              <div className="results-empty">{t('sell.noResults', { query: query.trim() })}</div>
            ) : (
              <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
                {virtualizer.getVirtualItems().map((item) => {
                  const p = results[item.index]!;
                  return (
                    <div
                      key={p.id}
                      role="option"
                      data-testid="search-result"
                      data-sku={p.sku}
                      aria-selected={item.index === highlight}
                      className={`result${item.index === highlight ? ' result--on' : ''}`}
                      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
                      onMouseEnter={() => setHighlight(item.index)}
                      onClick={() => addProduct(p)}
                    >
                      <div className="result-name">
                        {productName(p, lang)}
                        <small>{p.sku}{p.barcodes?.[0] ? ` · ${p.barcodes[0]}` : ''}</small>
                      </div>
                      <div className="result-price">
                        {formatFen(p.priceFen)}
                        <small>/{p.soldBy === 'weight' ? 'kg' : p.unit}</small>
                      </div>
                    </div>
                  );
                })}
              </div>
            )}
          </div>
        )}
        <div className="cart">
          <div className="cart-head">
            <span>{t('sell.item')}</span>
            <span>{t('sell.qty')}</span>
            <span className="num">{t('sell.amount')}</span>
            <span />
          </div>
          {empty ? (
            <div className="cart-empty">
              <div className="cart-empty-icon" aria-hidden="true">▥</div>
              <p>{t('sell.emptyTitle')}</p>
              <small>{t('sell.emptyHint')}</small>
            </div>
          ) : (
            <ol className="cart-lines" data-testid="cart-lines" ref={cartListRef}>
              {cart.lines.map((line, index) => (
                <li
                  key={line.lineId}
                  data-testid="cart-line"
                  data-sku={line.sku}
                  data-line-id={line.lineId}
                  className={`cart-line${line.lineId === selected ? ' cart-line--on' : ''}`}
                  onClick={() => setSelected(line.lineId)}
                >
                  <div className="line-main">
                    <span className="line-no">{index + 1}</span>
                    <div>
                      <div className="line-name">{productName(line, lang)}</div>
                      <div className="line-sub">
                        {formatFen(line.unitPriceFen)}/{line.soldBy === 'weight' ? 'kg' : line.unit}
                        {line.discount && (
                          <span className="tag">
                            {t('sell.lineDiscount')}{' '}
                            {line.discount.kind === 'percent' ? formatBp(line.discount.bp) : formatFen(line.discount.fen)}
                          </span>
                        )}
                        {line.priceOverriddenBy && <span className="tag">{t('sell.priceOverridden')}</span>}
                      </div>
                    </div>
                  </div>
                  <div className="line-qty">
                    {line.soldBy === 'weight' ? (
                      <span className="weight">{formatKg(line.quantity)}</span>
                    ) : line.fixedByLabel ? (
                      <span className="weight">×{line.quantity}</span>
                    ) : editingQty?.lineId === line.lineId ? (
                      <input
                        className="qty-input"
                        autoFocus
                        inputMode="numeric"
                        value={editingQty.text}
                        onChange={(e) => setEditingQty({ lineId: line.lineId, text: e.target.value.replace(/\D/g, '').slice(0, 4) })}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') {
                            const n = Number.parseInt(editingQty.text, 10);
                            setEditingQty(null);
                            if (n > 0) setQuantity(line, n);
                          } else if (e.key === 'Escape') setEditingQty(null);
                        }}
                        onBlur={() => setEditingQty(null)}
                      />
                    ) : (
                      <>
                        <button type="button" className="qty-btn" aria-label={t('sell.less')} disabled={line.quantity <= 1} onClick={() => setQuantity(line, line.quantity - 1)}>−</button>
                        <button type="button" className="qty-value" title={t('sell.typeQty')} onClick={() => setEditingQty({ lineId: line.lineId, text: String(line.quantity) })}>
                          {line.quantity}
                        </button>
                        <button type="button" className="qty-btn" aria-label={t('sell.more')} onClick={() => setQuantity(line, line.quantity + 1)}>+</button>
                      </>
                    )}
                  </div>
                  <div className="line-amount num" data-testid="line-amount">
                    {line.priced.netFen !== line.priced.originalFen && <s>{formatFen(line.priced.originalFen)}</s>}
                    <strong>{formatFen(line.priced.originalFen - line.priced.lineDiscountFen)}</strong>
                  </div>
                  <div className="line-actions">
                    <button type="button" className="icon-btn" data-testid="line-discount" title={t('sell.lineDiscountAction')} onClick={() => setModal({ kind: 'lineDiscount', line })}>%</button>
                    <button type="button" className="icon-btn icon-btn--danger" title={t('sell.remove')} aria-label={t('sell.remove')} onClick={() => removeLine(line)}>×</button>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </div>
        <div className="sell-hints">
          <span><kbd>↑</kbd><kbd>↓</kbd> {t('sell.hintSelect')}</span>
          <span><kbd>+</kbd><kbd>−</kbd> {t('sell.hintQty')}</span>
          <span><kbd>3</kbd><kbd>*</kbd> {t('sell.hintSetQty')}</span>
          <span><kbd>Del</kbd> {t('sell.remove')}</span>
          <span><kbd>F9</kbd> {t('sell.lineDiscountAction')}</span>
          <span><kbd>F10</kbd> {t('sell.clear')}</span>
        </div>
      </section>

      <aside className="sell-right">
        <div className="totals">
          <div className="totals-row"><span>{t('totals.subtotal')}</span><span className="num">{formatFen(totals?.subtotalFen ?? 0)}</span></div>
          {!!totals?.lineDiscountFen && <div className="totals-row minus"><span>{t('totals.lineDiscount')}</span><span className="num">{formatFen(-totals.lineDiscountFen)}</span></div>}
          {!!totals?.orderDiscountFen && <div className="totals-row minus" data-testid="order-discount-row"><span>{t('totals.orderDiscount')}</span><span className="num">{formatFen(-totals.orderDiscountFen)}</span></div>}
          {!!totals?.couponFen && <div className="totals-row minus"><span>{t('totals.coupon')}</span><span className="num">{formatFen(-totals.couponFen)}</span></div>}
          {!!totals?.roundingFen && <div className="totals-row minus"><span>{t('totals.rounding')}</span><span className="num">{formatFen(-totals.roundingFen)}</span></div>}
          <div className="totals-total">
            <span>{t('totals.total')}</span>
            <span className="num" data-testid="cart-total">{formatFen(totals?.totalFen ?? 0)}</span>
          </div>
          <div className="totals-meta">
            <span>{t('totals.items', { count: cart?.itemCount ?? 0 })}</span>
            <span>{t('totals.taxIncluded', { tax: formatFen(totals?.taxFen ?? 0) })}</span>
          </div>
          {cart?.needsApproval && <div className="totals-warn" data-testid="needs-approval">{t('totals.needsApproval', { cap: formatFen(cart.discountCapFen) })}</div>}
          {cart?.approvedBy && !cart.needsApproval && <div className="totals-ok" data-testid="approved">{t('totals.approved')}</div>}
        </div>
        <div className="adjust">
          <button type="button" className="btn btn--tile" data-testid="order-discount" disabled={empty} onClick={() => setModal({ kind: 'orderDiscount' })}>
            {t('sell.orderDiscount')} <kbd>F7</kbd>
          </button>
          <button type="button" className="btn btn--tile" disabled={empty} onClick={() => setModal({ kind: 'coupon' })}>
            {t('sell.coupon')} <kbd>F8</kbd>
          </button>
        </div>
        <div className="tenders">
          {TENDERS.map(({ mode, key }) => (
            <button key={mode} type="button" className={`tender tender--${mode}`} data-testid={`tender-${mode}`} disabled={empty || busy} onClick={() => void tender(mode)}>
              <span className="tender-label">{t(`tender.${mode}`)}</span>
              <kbd>{key}</kbd>
            </button>
          ))}
        </div>
      </aside>

      {modal?.kind === 'lineDiscount' && (
        <DiscountDialog
          title={t('discount.lineTitle', { name: productName(modal.line, lang) })}
          onClose={() => setModal(null)}
          onApply={(discount: DiscountValue) => {
            const lineId = modal.line.lineId;
            setModal(null);
            void run((approval) => api['cart.setLineDiscount']({ lineId, discount, ...(approval ? { approval } : {}) }));
          }}
        />
      )}
      {modal?.kind === 'orderDiscount' && (
        <DiscountDialog
          title={t('discount.orderTitle')}
          onClose={() => setModal(null)}
          onApply={(discount: DiscountValue) => {
            setModal(null);
            void run((approval) => api['cart.setOrderDiscount']({ discount, ...(approval ? { approval } : {}) }));
          }}
        />
      )}
      {modal?.kind === 'coupon' && (
        <CouponDialog
          onClose={() => setModal(null)}
          onApply={(coupon) => {
            setModal(null);
            void run((approval) => api['cart.setCoupon']({ coupon, ...(approval ? { approval } : {}) }));
          }}
        />
      )}
      {modal?.kind === 'clear' && (
        <Dialog title={t('sell.clearTitle')} onClose={() => setModal(null)}>
          <p className="dialog-note">{t('sell.clearConfirm')}</p>
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={() => setModal(null)}>{t('common.cancel')} <kbd>Esc</kbd></button>
            <button
              type="button"
              className="btn btn--danger"
              autoFocus
              onClick={() => {
                setModal(null);
                void run(() => api['cart.clear']({}));
              }}
            >
              {t('sell.clear')}
            </button>
          </div>
        </Dialog>
      )}
      {modal?.kind === 'approval' && (
        <ApprovalDialog
          reason={t('approval.discountReason')}
          onClose={() => setModal(null)}
          onApprove={async (approval) => {
            try {
              applyCart(await modal.retry(approval));
              setModal(null);
              setNotice({ kind: 'ok', text: t('approval.done') });
              return null;
            } catch (e) {
              return errorText(e);
            }
          }}
        />
      )}
    </div>
  );
}
