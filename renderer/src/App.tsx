import { useSession } from './api/session';
import { StatusBar } from './components/StatusBar';
import { Checkout } from './screens/Checkout';
import { Display } from './screens/Display';
import { History } from './screens/History';
import { Login } from './screens/Login';
import { Manager } from './screens/Manager';
import { Reports } from './screens/Reports';
import { Shift } from './screens/Shift';

/** Screens by pathname; no router library needed for four pages. */
export function App() {
  const session = useSession();
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/display') return <Display />;
  return (
    <div className="app">
      <StatusBar />
      {!session ? <Login /> : path === '/manager' ? <Manager /> : path === '/history' ? <History /> : path === '/reports' ? <Reports /> : path === '/shift' ? <Shift /> : <Checkout />}
    </div>
  );
}
