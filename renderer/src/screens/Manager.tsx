import { useTranslation } from 'react-i18next';

/** Manager screens (users and PINs, catalog import, provider and printer settings). */
export function Manager() {
  const { t } = useTranslation();
  return (
    <main className="not-yet">
      <h1>{t('nav.manager')}</h1>
      <p>{t('nav.notYet')}</p>
      <a className="btn btn--primary" href="/">{t('nav.backToCounter')}</a>
    </main>
  );
}
