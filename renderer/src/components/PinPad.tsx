import { useTranslation } from 'react-i18next';

/**
 * A touch PIN pad; the physical keyboard is handled by the owning field. `compact` (in dialogs) uses
 * lower keys so a dialog with a PIN pad fits a 1366×768 or 1024×768 counter screen without scrolling.
 */
export function PinPad({ onDigit, onBackspace, onClear, onSubmit, submitLabel, compact }: {
  onDigit: (digit: string) => void;
  onBackspace: () => void;
  onClear: () => void;
  onSubmit: () => void;
  submitLabel: string;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const keep = (e: React.MouseEvent) => e.preventDefault();
  const key = compact ? { minHeight: 48 } : undefined;
  return (
    <div className="pinpad" data-testid="pinpad" onMouseDown={keep}>
      {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
        <button key={d} type="button" className="pin-key" data-testid={`pin-key-${d}`} style={key} onClick={() => onDigit(d)}>
          {d}
        </button>
      ))}
      <button type="button" className="pin-key pin-key--muted" style={key} onClick={onClear}>
        {t('pin.clear')}
      </button>
      <button type="button" className="pin-key" data-testid="pin-key-0" style={key} onClick={() => onDigit('0')}>
        0
      </button>
      <button type="button" className="pin-key pin-key--muted" style={key} onClick={onBackspace} aria-label={t('pin.backspace')}>
        ⌫
      </button>
      <button type="button" className="pin-key pin-key--submit" data-testid="pin-submit" style={key} onClick={onSubmit}>
        {submitLabel}
      </button>
    </div>
  );
}
