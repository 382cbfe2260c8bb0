import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/session';
import { Dialog } from '../../components/Dialog';
import { currentLang, useErrorText } from '../../i18n';

/**
 * Shows receipt.html exactly as the printer would get it. The page's CSP allows no frames in
 * Electron, so instead of an iframe the document is parsed inertly (DOMParser: nothing runs),
 * stripped of anything active, and placed in a shadow root so its stylesheet stays inside.
 */
function mountReceipt(host: HTMLElement, html: string): void {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  parsed.querySelectorAll('script, iframe, frame, object, embed, link, meta, base, form').forEach((node) => node.remove());
  for (const element of Array.from(parsed.body.querySelectorAll('*'))) {
    for (const attribute of Array.from(element.attributes)) {
      if (/^on/i.test(attribute.name) || /^\s*javascript:/i.test(attribute.value)) element.removeAttribute(attribute.name);
    }
  }
  const css = Array.from(parsed.querySelectorAll('style'))
    .map((style) => style.textContent ?? '')
    .join('\n')
    // The receipt styles its html/body; inside a shadow root the host plays that part.
    .replace(/\bhtml\s*,\s*body\b/g, ':host')
    .replace(/(^|[\s{}>,])body\b/g, '$1:host');
  const style = document.createElement('style');
  style.textContent = `${css}\n:host { display: block; }`;
  const nodes = Array.from(parsed.body.childNodes).map((node) => document.importNode(node, true));
  root.replaceChildren(style, ...nodes);
}

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
    if (host.current && html !== null) mountReceipt(host.current, html);
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
