import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../components/Dialog';
import { parsePercentToBp, parseYuanToFen } from '../lib/money';

export type DiscountValue = { kind: 'amount'; fen: number } | { kind: 'percent'; bp: number } | null;

/** Line or order discount: amount in ¥ or percent off; "Remove" clears it. */
export function DiscountDialog({ title, onApply, onClose }: { title: string; onApply: (discount: DiscountValue) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'percent' | 'amount'>('percent');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    if (kind === 'amount') {
      const fen = parseYuanToFen(text);
      if (!fen) return setError(t('discount.invalidAmount'));
      onApply({ kind: 'amount', fen });
    } else {
      const bp = parsePercentToBp(text);
      if (!bp) return setError(t('discount.invalidPercent'));
      onApply({ kind: 'percent', bp });
    }
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="segmented">
        <button type="button" data-testid="discount-kind-percent" className={kind === 'percent' ? 'on' : ''} onClick={() => setKind('percent')}>{t('discount.percent')}</button>
        <button type="button" data-testid="discount-kind-amount" className={kind === 'amount' ? 'on' : ''} onClick={() => setKind('amount')}>{t('discount.amount')}</button>
      </div>
      <label className="field">
        <span>{kind === 'percent' ? t('discount.percentLabel') : t('discount.amountLabel')}</span>
        <input
          autoFocus
          data-testid="discount-value"
          inputMode="decimal"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => e.key === 'Enter' && apply()}
          placeholder={kind === 'percent' ? '10' : '5.00'}
        />
      </label>
      {error && <p className="error-text" data-testid="discount-error">{error}</p>}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={() => onApply(null)}>{t('discount.remove')}</button>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')} <kbd>Esc</kbd></button>
        <button type="button" className="btn btn--primary" data-testid="discount-apply" onClick={apply}>{t('common.apply')} <kbd>Enter</kbd></button>
      </div>
    </Dialog>
  );
}

export function CouponDialog({ onApply, onClose }: { onApply: (coupon: { code: string; fen: number } | null) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    const fen = parseYuanToFen(amount);
    if (!code.trim()) return setError(t('coupon.needCode'));
    if (!fen) return setError(t('discount.invalidAmount'));
    onApply({ code: code.trim(), fen });
  };
  return (
    <Dialog title={t('coupon.title')} onClose={onClose}>
      <label className="field">
        <span>{t('coupon.code')}</span>
        <input autoFocus value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('discount.amountLabel')}</span>
        <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && apply()} placeholder="5.00" />
      </label>
      {error && <p className="error-text">{error}</p>}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={() => onApply(null)}>{t('coupon.remove')}</button>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')} <kbd>Esc</kbd></button>
        <button type="button" className="btn btn--primary" onClick={apply}>{t('common.apply')} <kbd>Enter</kbd></button>
      </div>
    </Dialog>
  );
}
