import { useTranslation } from 'react-i18next';

/** The day's orders: search, details, reprint and refund (manager PIN). */
export function History() {
  const { t } = useTranslation();
  return (
    <main className="not-yet">
      <h1>{t('nav.history')}</h1>
      <p>{t('nav.notYet')}</p>
      <a className="btn btn--primary" href="/">{t('nav.backToCounter')}</a>
    </main>
  );
}
