import type { OrderState } from '../../db/stores/orders';
import { TillError } from '../api/errors';

export type { OrderState };

/**
 * The order lifecycle in one table (architecture.md §4). Every state change goes through
 * `assertTransition` and then a conditional UPDATE (`WHERE state = :from`), so two writers can never
 * both move the same order, and side effects run only for the writer whose UPDATE changed a row.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  // A payment attempt starts, cash settles it outright, or the cashier abandons the sale.
  pending_payment: ['paying', 'paid', 'cancelled'],
  // The attempt succeeds (or with split tender covers the rest), fails back to pending, or the sale is abandoned.
  paying: ['paid', 'pending_payment', 'cancelled'],
  paid: ['in_progress', 'completed', 'partially_refunded', 'refunded'],
  in_progress: ['completed', 'partially_refunded', 'refunded'],
  completed: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  cancelled: [],
  refunded: [],
};

export const ORDER_STATE_LABELS: Readonly<Record<OrderState, { zh: string; en: string }>> = {
  pending_payment: { zh: '待支付', en: 'pending payment' },
  paying: { zh: '支付中', en: 'paying' },
  paid: { zh: '已支付', en: 'paid' },
  in_progress: { zh: '进行中', en: 'in progress' },
  completed: { zh: '已完成', en: 'completed' },
  cancelled: { zh: '已取消', en: 'cancelled' },
  refunded: { zh: '已退款', en: 'refunded' },
  partially_refunded: { zh: '部分退款', en: 'partially refunded' },
};

export const ORDER_STATES = Object.keys(ORDER_TRANSITIONS) as OrderState[];

export function canTransition(from: OrderState, to: OrderState): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: OrderState, to: OrderState): void {
  if (!canTransition(from, to)) {
    throw new TillError('ILLEGAL_TRANSITION', {
      from,
      to,
      fromZh: ORDER_STATE_LABELS[from].zh,
      toZh: ORDER_STATE_LABELS[to].zh,
    });
  }
}

/** States in which money has been taken (reports and refunds read this). */
export const PAID_STATES: readonly OrderState[] = ['paid', 'in_progress', 'completed', 'partially_refunded', 'refunded'];
