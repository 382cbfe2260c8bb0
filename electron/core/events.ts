import { EventEmitter } from 'node:events';
import type { PaymentProgress } from '../payments/attempts/engine';
import type { RefundProgress } from '../payments/refunds/refundEngine';
import type { SyncStatusDto } from '../api/dto';

/**
 * Events flowing from the core to every screen (cashier window, customer display, manager).
 * Payloads are plain JSON so the same objects cross IPC and the browser host's WebSocket.
 */
export interface CoreEvents {
  'cart.changed': { terminalId: string; cart: unknown };
  'order.changed': { orderId: string; orderNo: string; state: string; version: number };
  'payment.progress': PaymentProgress;
  'refund.progress': RefundProgress;
  /** The sync worker's backlog, last success and last error (bilingual), as sync.status returns it. */
  'sync.status': Pick<SyncStatusDto, 'pending' | 'lastSuccessAt' | 'lastError'> & Partial<SyncStatusDto>;
  'printer.status': { printer: string; ok: boolean; message?: string };
  /** A shift (the terminal's drawer) opened, moved cash or closed. */
  'shift.changed': { terminalId: string; shiftId: string; state: 'open' | 'closed' };
}

export type CoreEventName = keyof CoreEvents;

export class CoreEventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every window subscribes; the default limit of 10 would warn on a busy store's screens.
    this.emitter.setMaxListeners(100);
  }

  emit<K extends CoreEventName>(name: K, payload: CoreEvents[K]): void {
    this.emitter.emit(name, payload);
    this.emitter.emit('*', name, payload);
  }

  on<K extends CoreEventName>(name: K, listener: (payload: CoreEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** Every event, for transports that forward all of them (IPC, WebSocket). */
  onAny(listener: <K extends CoreEventName>(name: K, payload: CoreEvents[K]) => void): () => void {
    const wrapped = (name: CoreEventName, payload: CoreEvents[CoreEventName]) => listener(name, payload);
    this.emitter.on('*', wrapped);
    return () => this.emitter.off('*', wrapped);
  }
}
