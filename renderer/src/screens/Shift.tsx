import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ShiftCashDto, ShiftDto, ShiftReportDto } from '../../../electron/api/dto';
import { api, useSession } from '../api/session';
import { useErrorText } from '../i18n';
import { formatFen, parseYuanToFen } from '../lib/money';
import { CashCountForm, countInput, countedFen, emptyCount, type CashCountValue } from './shift/CashCountForm';
import { MovementCells, ShiftReportView, diffClass, diffLabel, timeOf } from './shift/ShiftReportView';
import { printReportDocument, printReportSummary } from './reports/output';
import '../styles/shift.css';

type Notice = { kind: 'ok' | 'error'; text: string } | null;

/** The count as the API's open/close input: pieces per denomination, or a plain total. */
function countFields(value: CashCountValue, totalKey: 'floatFen' | 'countedFen') {
  const input = countInput(value);
  if (!input) return null;
  return 'total' in input ? { [totalKey]: input.total } : { denominations: input.denominations };
}

/**
 * The manager's Shift screen (/shift): open the drawer with a counted float (by denomination or a
 * total), cash in/out with a reason, close with a count (expected vs counted, the difference short
 * or over), the movements, the X report on screen, and the day's shifts. Keyboard: F1 open or
 * close, F2 cash in, F3 cash out, F6 X report.
 */
export function Shift() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const errorText = useErrorText();
  const session = useSession();
  const isManager = session?.user.role === 'manager' || session?.user.role === 'owner';
  const [shift, setShift] = useState<ShiftDto | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [day, setDay] = useState<ShiftCashDto[]>([]);
  const [count, setCount] = useState<CashCountValue>(emptyCount);
  const [note, setNote] = useState('');
  const [movement, setMovement] = useState<{ kind: 'in' | 'out'; amount: string; reason: string }>({ kind: 'out', amount: '', reason: '' });
  const [report, setReport] = useState<ShiftReportDto | null>(null);
  const [closed, setClosed] = useState<ShiftCashDto | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const amountRef = useRef<HTMLInputElement>(null);
  const describe = useRef(errorText);
  describe.current = errorText;

  const load = useCallback(async () => {
    try {
      const current = await api['shift.current']({});
      setShift(current);
      if (session) setDay(await api['shift.list']({ date: session.businessDate }));
    } catch (e) {
      setNotice({ kind: 'error', text: describe.current(e) });
    } finally {
      setLoaded(true);
    }
  }, [session]);
  useEffect(() => {
    if (isManager) void load();
  }, [isManager, load]);

  const run = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setNotice({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  const open = () =>
    run(async () => {
      const fields = countFields(count, 'floatFen');
      if (!fields) throw new Error('count');
      const opened = await api['shift.open'](fields);
      setShift(opened);
      setClosed(null);
      setReport(null);
      setCount(emptyCount());
      setNotice({ kind: 'ok', text: t('shift.opened', { amount: formatFen(opened.openingFloatFen) }) });
      await load();
    });

  const move = () =>
    run(async () => {
      const amountFen = parseYuanToFen(movement.amount);
      if (!amountFen || amountFen <= 0) throw new Error('amount');
      if (!movement.reason.trim()) throw new Error('reason');
      const next = await api['shift.cashMovement']({ kind: movement.kind, amountFen, reason: movement.reason.trim() });
      setShift(next);
      setMovement({ kind: movement.kind, amount: '', reason: '' });
      setNotice({ kind: 'ok', text: t(movement.kind === 'in' ? 'shift.movedIn' : 'shift.movedOut', { amount: formatFen(amountFen) }) });
    });

  const close = () =>
    run(async () => {
      const fields = countFields(count, 'countedFen');
      if (!fields) throw new Error('count');
      const result = await api['shift.close']({ ...fields, ...(note.trim() ? { note: note.trim() } : {}) });
      setClosed(result);
      setShift(null);
      setCount(emptyCount());
      setNote('');
      setReport(null);
      await load();
    });

  // The X report leaves the screen the way the day report does: the ESC/POS summary to the
  // receipt printer (report.print), or the A4 document through the print dialog (report.html).
  const printSummary = (shiftId: string) =>
    run(async () => {
      setNotice({ kind: 'ok', text: t(await printReportSummary({ kind: 'shift', shiftId })) });
    });
  const printDocument = (shiftId: string) =>
    run(async () => {
      await printReportDocument({ kind: 'shift', shiftId }, () => setNotice({ kind: 'ok', text: t('reports.output.printDialog') }));
    });

  const showReport = (shiftId?: string) =>
    run(async () => {
      setReport(await api['shift.report'](shiftId ? { shiftId } : {}));
    });

  useEffect(() => {
    if (!isManager) return;
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[data-modal="true"]')) return;
      if (e.key === 'F1') {
        e.preventDefault();
        void (shift ? close() : open());
      } else if ((e.key === 'F2' || e.key === 'F3') && shift) {
        e.preventDefault();
        setMovement((m) => ({ ...m, kind: e.key === 'F2' ? 'in' : 'out' }));
        amountRef.current?.focus();
      } else if (e.key === 'F6') {
        e.preventDefault();
        void showReport(shift?.shiftId);
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
      <main className="not-yet" data-testid="shift-denied">
        <h1>{t('shift.denied.title')}</h1>
        <p>{t('shift.denied.body')}</p>
        <a className="btn btn--primary btn--big" href="/">{t('nav.backToCounter')}</a>
      </main>
    );
  }

  const counted = countedFen(count);
  const movementFen = parseYuanToFen(movement.amount);
  const difference = shift && counted !== null ? counted - shift.expectedFen : null;

  return (
    <main className="shift" data-testid="shift-screen">
      <div className="shift-toolbar">
        <h2>{t('shift.title')}</h2>
        <span className="shift-muted">
          {session?.store.name} · {session?.terminal.code} · {t('status.businessDate')} {session?.businessDate}
        </span>
        <span className="shift-spacer" />
        <button type="button" className="btn" data-testid="shift-xreport-button" disabled={busy || (!shift && day.length === 0)} onClick={() => void showReport(shift?.shiftId ?? day.at(-1)?.shiftId)}>
          {t('shift.x.button')} <kbd>F6</kbd>
        </button>
        <a className="btn" href="/">← {t('nav.backToCounter')}</a>
      </div>
      {notice && (
        <div className={`notice notice--${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="shift-notice" data-kind={notice.kind}>
          {notice.text}
          <button type="button" className="notice-close" onClick={() => setNotice(null)} aria-label={t('common.close')}>×</button>
        </div>
      )}
      <div className="shift-scroll">
        {closed && (
          <section className={`shift-panel shift-closed ${diffClass(closed.differenceFen ?? 0)}`} data-testid="shift-closed">
            <h3>{t('shift.closedTitle')}</h3>
            <div className="shift-compare">
              <div><span>{t('shift.cash.expected')}</span><strong className="num">{formatFen(closed.expectedFen)}</strong></div>
              <div><span>{t('shift.cash.counted')}</span><strong className="num">{formatFen(closed.countedFen ?? 0)}</strong></div>
              <div className={`shift-diff ${diffClass(closed.differenceFen ?? 0)}`}>
                <span>{t('shift.cash.difference')}</span>
                <strong className="num" data-testid="shift-closed-difference">{formatFen(closed.differenceFen ?? 0, { sign: true })}</strong>
                <small>{diffLabel(t, closed.differenceFen ?? 0)}</small>
              </div>
            </div>
          </section>
        )}
        {!loaded ? (
          <p className="shift-muted">{t('common.working')}</p>
        ) : !shift ? (
          <section className="shift-panel" data-testid="shift-open-panel">
            <h3>{t('shift.openTitle')}</h3>
            <p className="shift-muted">{t('shift.openHint')}</p>
            <CashCountForm value={count} onChange={setCount} testId="shift-float" />
            <div className="shift-buttons">
              <button type="button" className="btn btn--primary btn--big" data-testid="shift-open" disabled={busy || counted === null} onClick={() => void open()}>
                {t('shift.open')} <kbd>F1</kbd>
              </button>
            </div>
          </section>
        ) : (
          <>
            <section className="shift-panel" data-testid="shift-current" data-shift-id={shift.shiftId}>
              <h3>{t('shift.currentTitle')}</h3>
              <dl className="shift-facts">
                <dt>{t('shift.openedBy')}</dt>
                <dd data-testid="shift-opened-by">{shift.openedByName ?? shift.openedBy} · {timeOf(shift.openedAt, lang)}</dd>
              </dl>
              <div className="shift-cash-grid">
                <div><span>{t('shift.cash.float')}</span><strong className="num" data-testid="shift-float-value">{formatFen(shift.openingFloatFen)}</strong></div>
                <div><span>{t('shift.cash.taken')}</span><strong className="num">+{formatFen(shift.cashTakenFen)}</strong></div>
                <div><span>{t('shift.cash.change')}</span><strong className="num">−{formatFen(shift.changeGivenFen)}</strong></div>
                <div><span>{t('shift.cash.refunds')}</span><strong className="num">−{formatFen(shift.cashRefundsFen)}</strong></div>
                <div><span>{t('shift.cash.in')}</span><strong className="num">+{formatFen(shift.cashInFen)}</strong></div>
                <div><span>{t('shift.cash.out')}</span><strong className="num">−{formatFen(shift.cashOutFen)}</strong></div>
                <div className="shift-expected"><span>{t('shift.cash.expected')}</span><strong className="num" data-testid="shift-expected">{formatFen(shift.expectedFen)}</strong></div>
              </div>
              <p className="shift-muted shift-formula">{t('shift.formula')}</p>
            </section>

            <section className="shift-panel" data-testid="shift-movement">
              <h3>{t('shift.movements.new')}</h3>
              <div className="shift-movement-form">
                <div className="shift-count-mode" role="radiogroup" aria-label={t('shift.movements.kind')}>
                  {(['in', 'out'] as const).map((kind) => (
                    <button key={kind} type="button" role="radio" aria-checked={movement.kind === kind} data-testid={`shift-movement-${kind}`} className={`btn${movement.kind === kind ? ' btn--primary' : ''}`} onClick={() => setMovement((m) => ({ ...m, kind }))}>
                      {t(`shift.movements.${kind}`)} <kbd>{kind === 'in' ? 'F2' : 'F3'}</kbd>
                    </button>
                  ))}
                </div>
                <label className="field">
                  <span>{t('shift.movements.amount')}</span>
                  <input ref={amountRef} inputMode="decimal" data-testid="shift-movement-amount" value={movement.amount} placeholder="0.00" onChange={(e) => setMovement((m) => ({ ...m, amount: e.target.value }))} />
                </label>
                <label className="field shift-reason">
                  <span>{t('shift.movements.reason')}</span>
                  <input data-testid="shift-movement-reason" value={movement.reason} maxLength={200} placeholder={t('shift.movements.reasonPlaceholder')} onChange={(e) => setMovement((m) => ({ ...m, reason: e.target.value }))} onKeyDown={(e) => e.key === 'Enter' && void move()} />
                </label>
                <button type="button" className="btn btn--primary" data-testid="shift-movement-submit" disabled={busy || !movementFen || !movement.reason.trim()} onClick={() => void move()}>
                  {t('shift.movements.submit')}
                </button>
              </div>
              {shift.movements.length === 0 ? (
                <p className="shift-muted">{t('shift.movements.none')}</p>
              ) : (
                <table className="shift-table" data-testid="shift-movements">
                  <thead>
                    <tr><th>{t('shift.movements.at')}</th><th>{t('shift.movements.kind')}</th><th className="num">{t('shift.movements.amount')}</th><th>{t('shift.movements.reason')}</th><th>{t('shift.movements.by')}</th></tr>
                  </thead>
                  <tbody>
                    {shift.movements.map((m) => (
                      <tr key={m.id} data-kind={m.kind}>
                        <MovementCells movement={m} lang={lang} />
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>

            <section className="shift-panel" data-testid="shift-close-panel">
              <h3>{t('shift.closeTitle')}</h3>
              <CashCountForm value={count} onChange={setCount} testId="shift-count" />
              <div className="shift-compare">
                <div><span>{t('shift.cash.expected')}</span><strong className="num">{formatFen(shift.expectedFen)}</strong></div>
                <div><span>{t('shift.cash.counted')}</span><strong className="num">{counted === null ? '—' : formatFen(counted)}</strong></div>
                <div className={`shift-diff ${difference === null ? '' : diffClass(difference)}`} data-testid="shift-difference">
                  <span>{t('shift.cash.difference')}</span>
                  <strong className="num">{difference === null ? '—' : formatFen(difference, { sign: true })}</strong>
                  {difference !== null && <small>{diffLabel(t, difference)}</small>}
                </div>
              </div>
              <label className="field">
                <span>{t('shift.note')}</span>
                <input data-testid="shift-close-note" value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
              </label>
              <div className="shift-buttons">
                <button type="button" className="btn btn--primary btn--big" data-testid="shift-close" disabled={busy || counted === null} onClick={() => void close()}>
                  {t('shift.close')} <kbd>F1</kbd>
                </button>
              </div>
            </section>
          </>
        )}

        {report && (
          <ShiftReportView
            report={report}
            actions={
              <>
                <button type="button" className="btn" data-testid="shift-xreport-print" disabled={busy} onClick={() => void printSummary(report.cash.shiftId)}>
                  {t('reports.actions.print')}
                </button>
                <button type="button" className="btn" data-testid="shift-xreport-pdf" disabled={busy} onClick={() => void printDocument(report.cash.shiftId)}>
                  {t('reports.actions.printPdf')}
                </button>
              </>
            }
          />
        )}

        {day.length > 0 && (
          <section className="shift-panel" data-testid="shift-day">
            <h3>{t('shift.dayTitle')}</h3>
            <table className="shift-table">
              <thead>
                <tr>
                  <th>{t('shift.openedBy')}</th><th>{t('shift.state')}</th><th className="num">{t('shift.cash.float')}</th><th className="num">{t('shift.cash.expected')}</th>
                  <th className="num">{t('shift.cash.counted')}</th><th className="num">{t('shift.cash.difference')}</th><th />
                </tr>
              </thead>
              <tbody>
                {day.map((s) => (
                  <tr key={s.shiftId}>
                    <td>{s.openedByName ?? s.openedBy} · {timeOf(s.openedAt, lang)}</td>
                    <td>{t(`shift.states.${s.state}`)}</td>
                    <td className="num">{formatFen(s.openingFloatFen)}</td>
                    <td className="num">{formatFen(s.expectedFen)}</td>
                    <td className="num">{s.countedFen === null ? '—' : formatFen(s.countedFen)}</td>
                    <td className={`num shift-diff ${s.differenceFen === null ? '' : diffClass(s.differenceFen)}`}>{s.differenceFen === null ? '—' : formatFen(s.differenceFen, { sign: true })}</td>
                    <td><button type="button" className="btn" onClick={() => void showReport(s.shiftId)}>{t('shift.x.button')}</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </div>
    </main>
  );
}
