import { useTranslation } from 'react-i18next';
import { formatFen, parseYuanToFen } from '../../lib/money';

/** The notes and coins a drawer is counted in, as fen (100, 50, 20, 10, 5, 1 yuan, 5 jiao, 1 jiao). */
export const DENOMINATIONS = ['10000', '5000', '2000', '1000', '500', '100', '50', '10'] as const;
export type Denomination = (typeof DENOMINATIONS)[number];

export interface CashCountValue {
  mode: 'denominations' | 'total';
  pieces: Partial<Record<Denomination, string>>;
  total: string;
}

export const emptyCount = (): CashCountValue => ({ mode: 'denominations', pieces: {}, total: '' });

function piecesOf(text: string | undefined): number | null {
  if (!text || text.trim() === '') return 0;
  return /^\d{1,6}$/.test(text.trim()) ? Number.parseInt(text.trim(), 10) : null;
}

/** The count as fen, or null while an entry is not a valid number. */
export function countedFen(value: CashCountValue): number | null {
  if (value.mode === 'total') return value.total.trim() === '' ? null : parseYuanToFen(value.total);
  let total = 0;
  for (const d of DENOMINATIONS) {
    const pieces = piecesOf(value.pieces[d]);
    if (pieces === null) return null;
    total += Number(d) * pieces;
  }
  return total;
}

/** What the API takes: the pieces per denomination (the core recomputes the total) or a plain total. */
export function countInput(value: CashCountValue): { denominations: Partial<Record<Denomination, number>> } | { total: number } | null {
  const fen = countedFen(value);
  if (fen === null) return null;
  if (value.mode === 'total') return { total: fen };
  const denominations: Partial<Record<Denomination, number>> = {};
  for (const d of DENOMINATIONS) {
    const pieces = piecesOf(value.pieces[d]) ?? 0;
    if (pieces > 0) denominations[d] = pieces;
  }
  return { denominations };
}

/** Counting a drawer: pieces per denomination with a running total, or a plain total in yuan. */
export function CashCountForm({ value, onChange, testId }: { value: CashCountValue; onChange: (next: CashCountValue) => void; testId: string }) {
  const { t } = useTranslation();
  const total = countedFen(value);
  return (
    <div className="shift-count" data-testid={testId}>
      <div className="shift-count-mode" role="radiogroup" aria-label={t('shift.count.mode')}>
        {(['denominations', 'total'] as const).map((mode) => (
          <button
            key={mode}
            type="button"
            role="radio"
            aria-checked={value.mode === mode}
            className={`btn${value.mode === mode ? ' btn--primary' : ''}`}
            data-testid={`${testId}-mode-${mode}`}
            onClick={() => onChange({ ...value, mode })}
          >
            {t(`shift.count.${mode}`)}
          </button>
        ))}
      </div>
      {value.mode === 'denominations' ? (
        <table className="shift-denoms">
          <thead>
            <tr>
              <th>{t('shift.count.denomination')}</th>
              <th>{t('shift.count.pieces')}</th>
              <th className="num">{t('shift.count.subtotal')}</th>
            </tr>
          </thead>
          <tbody>
            {DENOMINATIONS.map((d) => {
              const pieces = piecesOf(value.pieces[d]);
              return (
                <tr key={d}>
                  <td>{t(`shift.denomination.${d}`)}</td>
                  <td>
                    <input
                      className="shift-pieces"
                      inputMode="numeric"
                      data-testid={`${testId}-pieces-${d}`}
                      aria-label={t(`shift.denomination.${d}`)}
                      aria-invalid={pieces === null}
                      value={value.pieces[d] ?? ''}
                      onChange={(e) => onChange({ ...value, pieces: { ...value.pieces, [d]: e.target.value.replace(/[^\d]/g, '').slice(0, 6) } })}
                    />
                  </td>
                  <td className="num">{pieces === null ? '—' : formatFen(Number(d) * pieces)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <label className="field">
          <span>{t('shift.count.totalYuan')}</span>
          <input
            inputMode="decimal"
            data-testid={`${testId}-total`}
            value={value.total}
            aria-invalid={value.total.trim() !== '' && total === null}
            onChange={(e) => onChange({ ...value, total: e.target.value })}
            placeholder="0.00"
          />
        </label>
      )}
      <div className="shift-count-total">
        {t('shift.count.total')} <strong className="num" data-testid={`${testId}-sum`}>{total === null ? '—' : formatFen(total)}</strong>
      </div>
    </div>
  );
}
