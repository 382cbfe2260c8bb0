import type { OrderDto, PaymentDto } from '../../api/types';

/** Order states from which refund.create accepts a refund (electron/payments/refunds/refundEngine.ts). */
const REFUNDABLE_STATES = new Set(['paid', 'in_progress', 'completed', 'partially_refunded']);
/** Refund states that are still on their way (the provider has not confirmed yet). */
export const OPEN_REFUND_STATES = new Set(['created', 'pending', 'unknown']);

function liveRefundedOf(order: OrderDto, paymentId: string): number {
  return order.refunds.filter((r) => r.paymentId === paymentId && r.state !== 'failed').reduce((sum, r) => sum + r.amountFen, 0);
}

/**
 * What can still be refunded, in fen: every captured tender minus its refunds that have not failed
 * (a refund still processing already counts, as the database's guard counts it).
 */
export function refundableFen(order: OrderDto): number {
  if (!REFUNDABLE_STATES.has(order.state)) return 0;
  return order.payments.filter((p) => p.state === 'succeeded').reduce((sum, p) => sum + Math.max(0, p.amountFen - liveRefundedOf(order, p.id)), 0);
}

/**
 * Where a refund of `amountFen` goes, as the refund engine splits it: back over the order's
 * captured tenders, latest first. Shown before the manager approves; the core decides.
 */
export function refundPlan(order: OrderDto, amountFen: number): { payment: PaymentDto; amountFen: number }[] {
  const plan: { payment: PaymentDto; amountFen: number }[] = [];
  let remaining = amountFen;
  for (const payment of order.payments.filter((p) => p.state === 'succeeded').reverse()) {
    if (remaining <= 0) break;
    const share = Math.min(remaining, payment.amountFen - liveRefundedOf(order, payment.id));
    if (share <= 0) continue;
    plan.push({ payment, amountFen: share });
    remaining -= share;
  }
  return plan;
}

/** "12.34" for an input field (no symbol, no grouping), from integer fen. */
export function fenToYuanText(fen: number): string {
  const value = Math.max(0, Math.trunc(fen));
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A time or date-time in the store's time zone, in the UI language. */
export function formatWhen(iso: string | null, lang: string, timeZone: string, withDate = false): string {
  if (!iso) return '—';
  const key = `${lang}|${timeZone}|${withDate}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        second: withDate ? '2-digit' : undefined,
        hour12: false,
        ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      });
    } catch {
      formatter = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false });
    }
    formatters.set(key, formatter);
  }
  return formatter.format(new Date(iso));
}

/** YYYY-MM-DD ± days, on the calendar (no time zone involved). */
export function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map((part) => Number.parseInt(part, 10));
  const shifted = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return shifted.toISOString().slice(0, 10);
}

/** The short number a cashier says out loud: the order's sequence of the day, "#0012". */
export function shortOrderNo(orderNo: string): string {
  const seq = orderNo.split('-').at(-1);
  return seq ? `#${seq}` : orderNo;
}
