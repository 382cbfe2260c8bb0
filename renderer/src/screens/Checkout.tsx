import { useCallback, useState } from 'react';
import type { OrderDto } from '../api/types';
import { publishDisplay } from '../lib/displayChannel';
import { Payment } from './Payment';
import { Receipt } from './Receipt';
import { Sell, type TenderMode } from './Sell';

type Phase = { kind: 'sell' } | { kind: 'pay'; order: OrderDto; mode: TenderMode } | { kind: 'receipt'; order: OrderDto; changeFen: number };

/** The counter: sell → pay → receipt → sell. */
export function Checkout() {
  const [phase, setPhase] = useState<Phase>({ kind: 'sell' });
  const onPaid = useCallback((order: OrderDto, changeFen: number) => setPhase({ kind: 'receipt', order, changeFen }), []);
  const backToSell = useCallback(() => setPhase({ kind: 'sell' }), []);
  const newSale = useCallback(() => {
    publishDisplay({ kind: 'idle' });
    setPhase({ kind: 'sell' });
  }, []);
  if (phase.kind === 'pay') return <Payment key={phase.order.id} order={phase.order} mode={phase.mode} onPaid={onPaid} onVoided={backToSell} />;
  if (phase.kind === 'receipt') return <Receipt order={phase.order} changeFen={phase.changeFen} onNewSale={newSale} />;
  return <Sell onPay={(order, mode) => setPhase({ kind: 'pay', order, mode })} />;
}
