import { useTranslation } from 'react-i18next';
import { useSession } from './api/session';
import { StatusBar } from './components/StatusBar';
import { Checkout } from './screens/Checkout';
import { Display } from './screens/Display';
import { Login } from './screens/Login';

function NotYet({ screen }: { screen: 'manager' | 'history' }) {
  const { t } = useTranslation();
  return (
    <main className="not-yet">
      <h1>{t(`nav.${screen}`)}</h1>
      <p>{t('nav.notYet')}</p>
      <a className="btn btn--primary" href="/">{t('nav.backToCounter')}</a>
    </main>
  );
}

/** Four screens by pathname; no router library needed. */
export function App() {
  const session = useSession();
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/display') return <Display />;
  return (
    <div className="app">
      <StatusBar />
      {!session ? <Login /> : path === '/manager' ? <NotYet screen="manager" /> : path === '/history' ? <NotYet screen="history" /> : <Checkout />}
    </div>
  );
}
