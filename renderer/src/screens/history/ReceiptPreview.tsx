import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/session';
import { Dialog } from '../../components/Dialog';
import { currentLang, useErrorText } from '../../i18n';
import { mountInertHtml } from '../../lib/inertHtml';

/**
 * Shows receipt.html exactly as the printer would get it. The page's CSP allows no frames in
 * Electron, so instead of an iframe the document is made inert (lib/inertHtml) and placed in a
 * shadow root so its stylesheet stays inside.
 */
export function ReceiptPreview({ orderId, refundId, onClose, onPrint }: { orderId: string; refundId?: string; onClose: () => void; onPrint?: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const describe = useRef(errorText);
  describe.current = errorText;
  const lang = currentLang();
  useEffect(() => {
    let live = true;
    api['receipt.html']({ orderId, language: lang, ...(refundId ? { refundId } : {}) }).then(
      (answer) => live && setHtml(answer.html),
      (e: unknown) => live && setError(describe.current(e)),
    );
    return () => {
      live = false;
    };
  }, [orderId, refundId, lang]);
  useEffect(() => {
    if (host.current && html !== null) mountInertHtml(host.current, html);
  }, [html]);
  return (
    <Dialog title={refundId ? t('history.preview.refundTitle') : t('history.preview.title')} onClose={onClose} wide>
      <div className="receipt-preview" data-testid="history-receipt-preview">
        {error ? <p className="error-text" role="alert">{error}</p> : html === null ? <span className="spinner" aria-label={t('common.working')} /> : null}
        <div ref={host} className="receipt-preview-paper" />
      </div>
      <div className="dialog-actions">
        {onPrint && (
          <button type="button" className="btn" onClick={onPrint}>
            {refundId ? t('history.refund.printOne') : t('history.actions.reprint')}
          </button>
        )}
        <button type="button" className="btn btn--primary" autoFocus onClick={onClose}>
          {t('common.close')} <kbd>Esc</kbd>
        </button>
      </div>
    </Dialog>
  );
}
