import { useTranslation } from 'react-i18next';

/** A touch PIN pad; the physical keyboard is handled by the owning field. */
export function PinPad({ onDigit, onBackspace, onClear, onSubmit, submitLabel }: {
  onDigit: (digit: string) => void;
  onBackspace: () => void;
  onClear: () => void;
  onSubmit: () => void;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const keep = (e: React.MouseEvent) => e.preventDefault();
  return (
    <div className="pinpad" onMouseDown={keep}>
      {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
        <button key={d} type="button" className="pin-key" onClick={() => onDigit(d)}>
          {d}
        </button>
      ))}
      <button type="button" className="pin-key pin-key--muted" onClick={onClear}>
        {t('pin.clear')}
      </button>
      <button type="button" className="pin-key" onClick={() => onDigit('0')}>
        0
      </button>
      <button type="button" className="pin-key pin-key--muted" onClick={onBackspace} aria-label={t('pin.backspace')}>
        ⌫
      </button>
      <button type="button" className="pin-key pin-key--submit" onClick={onSubmit}>
        {submitLabel}
      </button>
    </div>
  );
}
