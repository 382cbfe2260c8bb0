/**
 * The money invariants of the payment fault simulator and the kill -9 loop, checked between the
 * till's SQLite store and the two sandboxes' books once everything has settled:
 *
 *   - the store is sound: PRAGMA integrity_check = ok, foreign_key_check empty;
 *   - every attempt and refund is final (nothing left created/pending/unknown/closing);
 *   - per out_trade_no, the money the provider kept (paid − refunded, by refund, reverse or cancel)
 *     equals the money the till kept (succeeded − its succeeded refunds): no trade paid at the
 *     provider is unpaid locally, no local success is unpaid at the provider;
 *   - every refund the provider made through the refund API is a succeeded local refund with the same
 *     out_refund_no and amount, and the other way round;
 *   - per order, Σ succeeded payments − Σ succeeded refunds equals the order's own books
 *     (paid_fen − refunded_fen), the total when it is completed, 0 when it is cancelled or still
 *     pending, and the order never keeps more than its total (no double capture kept).
 */
import type { Database } from 'better-sqlite3';
import type { OrderRow, PaymentRow } from '../../../db/stores/orders';
import type { RefundRow } from '../../../electron/checkout/orders';
import type { ProviderName } from '../../../electron/payments/provider';
import type { AlipayTradeView, DeliveryView, WechatTradeView } from './sandboxes';

/** One trade as a sandbox's books know it, provider-neutral. */
export interface LedgerTrade {
  provider: ProviderName;
  outTradeNo: string;
  totalFen: number;
  state: string;
  /** Money was taken at some point (WeChat paidAt: SUCCESS/REFUND/REVOKED-after-success; Alipay paidAt). */
  paid: boolean;
  /** A scheduled transition (a payment still to land) is outstanding. */
  pending: boolean;
  refunds: { outRefundNo: string; fen: number; status: string; via: 'refund' | 'reverse' }[];
}

export function wechatLedger(trades: WechatTradeView[]): LedgerTrade[] {
  return trades.map((trade) => ({
    provider: 'wechat',
    outTradeNo: trade.outTradeNo,
    totalFen: trade.totalFen,
    state: trade.state,
    paid: trade.paidAt !== undefined,
    pending: trade.pendingUntil !== undefined,
    refunds: trade.refunds.map((refund) => ({
      outRefundNo: refund.outRefundNo,
      fen: refund.refundFen,
      status: refund.status,
      via: refund.origin === 'reverse' ? 'reverse' : 'refund',
    })),
  }));
}

export function alipayLedger(trades: AlipayTradeView[]): LedgerTrade[] {
  return trades.map((trade) => ({
    provider: 'alipay',
    outTradeNo: trade.outTradeNo,
    totalFen: trade.totalFen,
    state: trade.state,
    paid: trade.paidAt !== undefined,
    pending: trade.pendingUntil !== undefined,
    // Alipay refunds (trade.refund or cancel of a paid trade) are synchronous: they exist once made.
    refunds: trade.refunds.map((refund) => ({
      outRefundNo: refund.outRequestNo,
      fen: refund.refundFen,
      status: 'SUCCESS',
      via: refund.origin === 'cancel' ? 'reverse' : 'refund',
    })),
  }));
}

export interface Violation {
  kind: string;
  orderId?: string;
  outTradeNo?: string;
  detail: string;
}

export interface InvariantStats {
  orders: number;
  providerPayments: number;
  cashPayments: number;
  succeededProviderPayments: number;
  refunds: number;
  automaticRefunds: number;
  providerTrades: number;
  paidProviderTrades: number;
  reversedAfterPayment: number;
  orderStates: Record<string, number>;
  paymentStates: Record<string, number>;
}

const UNFINISHED_PAYMENT = new Set(['created', 'pending', 'unknown', 'closing']);
const OPEN_REFUND = new Set(['created', 'pending', 'unknown']);
const SETTLED_ORDER = new Set(['paid', 'in_progress', 'completed']);

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

export function checkInvariants(db: Database, ledger: readonly LedgerTrade[]): { violations: Violation[]; stats: InvariantStats } {
  const violations: Violation[] = [];
  const add = (kind: string, detail: string, ids: { orderId?: string; outTradeNo?: string } = {}) => violations.push({ kind, detail, ...ids });

  // 1. The store itself.
  const integrity = db.pragma('integrity_check') as { integrity_check: string }[];
  if (integrity.length !== 1 || integrity[0]?.integrity_check !== 'ok') add('integrity', JSON.stringify(integrity).slice(0, 500));
  const foreignKeys = db.pragma('foreign_key_check') as unknown[];
  if (foreignKeys.length > 0) add('foreign-keys', JSON.stringify(foreignKeys).slice(0, 500));

  const orders = db.prepare('SELECT * FROM orders').all() as OrderRow[];
  const payments = db.prepare('SELECT * FROM payments').all() as PaymentRow[];
  const refunds = db.prepare('SELECT * FROM refunds').all() as RefundRow[];
  const refundsByPayment = new Map<string, RefundRow[]>();
  for (const refund of refunds) refundsByPayment.set(refund.payment_id, [...(refundsByPayment.get(refund.payment_id) ?? []), refund]);
  const paymentsByOrder = new Map<string, PaymentRow[]>();
  for (const payment of payments) paymentsByOrder.set(payment.order_id, [...(paymentsByOrder.get(payment.order_id) ?? []), payment]);
  const paymentByNo = new Map(payments.filter((p) => p.out_trade_no).map((p) => [p.out_trade_no!, p]));
  const tradeByNo = new Map(ledger.map((trade) => [trade.outTradeNo, trade]));
  const localRefundByNo = new Map(refunds.map((refund) => [refund.out_refund_no, refund]));

  // 2. Everything final.
  for (const payment of payments) {
    if (UNFINISHED_PAYMENT.has(payment.state)) {
      add('payment-not-final', `${payment.id} ${payment.tender}/${payment.method} still ${payment.state} (${payment.failure_code ?? ''})`, {
        orderId: payment.order_id,
        outTradeNo: payment.out_trade_no ?? '',
      });
    }
  }
  for (const refund of refunds) {
    if (OPEN_REFUND.has(refund.state)) add('refund-not-final', `${refund.out_refund_no} still ${refund.state} (${refund.failure_code ?? ''})`, { orderId: refund.order_id });
    if (refund.state === 'abnormal' || refund.state === 'failed') {
      add('refund-failed', `${refund.out_refund_no} ${refund.state} ${refund.failure_code ?? ''} ${refund.failure_message ?? ''}`, { orderId: refund.order_id });
    }
  }
  for (const trade of ledger) {
    if (trade.pending) add('provider-not-final', `${trade.provider} ${trade.outTradeNo} still has a scheduled transition (${trade.state})`, { outTradeNo: trade.outTradeNo });
    for (const refund of trade.refunds) {
      if (refund.status === 'PROCESSING') add('provider-refund-not-final', `${refund.outRefundNo} PROCESSING at ${trade.provider}`, { outTradeNo: trade.outTradeNo });
    }
  }

  // 3. Per out_trade_no: the provider's books against ours.
  let reversedAfterPayment = 0;
  for (const payment of payments) {
    if (payment.tender === 'cash') continue;
    const no = payment.out_trade_no!;
    const trade = tradeByNo.get(no);
    const ids = { orderId: payment.order_id, outTradeNo: no };
    if (trade && trade.provider !== payment.tender) add('wrong-provider', `${no} is a ${trade.provider} trade, tender ${payment.tender}`, ids);
    const providerRefunded = trade ? sum(trade.refunds.filter((r) => r.status === 'SUCCESS').map((r) => r.fen)) : 0;
    const providerKept = trade?.paid ? trade.totalFen - providerRefunded : 0;
    const localRefunded = sum((refundsByPayment.get(payment.id) ?? []).filter((r) => r.state === 'succeeded').map((r) => r.amount_fen));
    const localKept = (payment.state === 'succeeded' ? payment.amount_fen : 0) - localRefunded;
    if (providerKept !== localKept) {
      add('money-mismatch', `${no}: provider kept ${providerKept} fen (${trade ? `${trade.state}, paid=${trade.paid}` : 'no trade'}), till kept ${localKept} (${payment.state})`, ids);
    }
    if (payment.state === 'succeeded') {
      if (!trade?.paid) add('succeeded-not-paid-at-provider', `${no} succeeded locally, provider says ${trade?.state ?? 'no trade'}`, ids);
      else if (trade.totalFen !== payment.amount_fen) add('amount-mismatch', `${no}: provider ${trade.totalFen} fen, till ${payment.amount_fen}`, ids);
      const reversed = trade ? sum(trade.refunds.filter((r) => r.via === 'reverse' && r.status === 'SUCCESS').map((r) => r.fen)) : 0;
      if (reversed > 0) add('succeeded-but-reversed', `${no} succeeded locally but ${reversed} fen was reversed/cancelled at the provider`, ids);
    } else if (trade?.paid) {
      const reversed = sum(trade.refunds.filter((r) => r.via === 'reverse' && r.status === 'SUCCESS').map((r) => r.fen));
      if (reversed < trade.totalFen) add('paid-at-provider-not-locally', `${no} paid at ${trade.provider} (${trade.state}), till says ${payment.state}`, ids);
      else reversedAfterPayment += 1;
    }
  }
  for (const trade of ledger) {
    if (!paymentByNo.has(trade.outTradeNo)) add('unknown-trade', `${trade.provider} has ${trade.outTradeNo} (${trade.state}) that no local attempt made`, { outTradeNo: trade.outTradeNo });
  }

  // 4. Refunds, both ways.
  for (const refund of refunds) {
    const payment = payments.find((p) => p.id === refund.payment_id);
    if (!payment || payment.tender === 'cash') continue;
    const trade = tradeByNo.get(payment.out_trade_no!);
    const remote = trade?.refunds.find((r) => r.outRefundNo === refund.out_refund_no && r.via === 'refund');
    const ids = { orderId: refund.order_id, outTradeNo: payment.out_trade_no! };
    if (refund.state === 'succeeded') {
      if (!remote || remote.status !== 'SUCCESS') add('refund-not-at-provider', `${refund.out_refund_no} succeeded locally, provider: ${remote?.status ?? 'none'}`, ids);
      else if (remote.fen !== refund.amount_fen) add('refund-amount-mismatch', `${refund.out_refund_no}: provider ${remote.fen}, till ${refund.amount_fen}`, ids);
    } else if (remote?.status === 'SUCCESS') {
      add('refund-lost-locally', `${refund.out_refund_no} refunded at the provider, till says ${refund.state}`, ids);
    }
  }
  for (const trade of ledger) {
    for (const remote of trade.refunds) {
      if (remote.via !== 'refund' || remote.status !== 'SUCCESS') continue;
      const local = localRefundByNo.get(remote.outRefundNo);
      if (!local || local.state !== 'succeeded') {
        add('provider-refund-unknown-locally', `${trade.provider} refunded ${remote.fen} fen as ${remote.outRefundNo}; till: ${local?.state ?? 'no row'}`, { outTradeNo: trade.outTradeNo });
      }
    }
  }

  // 5. Orders: the books, the state, and never more kept than the total.
  const orderStates: Record<string, number> = {};
  for (const order of orders) {
    orderStates[order.state] = (orderStates[order.state] ?? 0) + 1;
    const own = paymentsByOrder.get(order.id) ?? [];
    const succeeded = own.filter((p) => p.state === 'succeeded');
    const kept = succeeded.map((p) => p.amount_fen - sum((refundsByPayment.get(p.id) ?? []).filter((r) => r.state === 'succeeded').map((r) => r.amount_fen)));
    const net = sum(kept);
    const books = order.paid_fen - order.refunded_fen;
    const ids = { orderId: order.id };
    const where = `${order.order_no} (${order.state}, total ${order.total_fen}, paid_fen ${order.paid_fen}, refunded_fen ${order.refunded_fen})`;
    if (net !== books) add('order-books', `${where}: tenders kept ${net} fen, books say ${books}`, ids);
    if (net > order.total_fen) add('double-capture-kept', `${where}: ${net} fen kept over ${succeeded.length} succeeded tenders`, ids);
    if (SETTLED_ORDER.has(order.state)) {
      if (net !== order.total_fen || order.paid_fen !== order.total_fen) add('settled-order-money', `${where}: kept ${net}`, ids);
      // Split tenders keep several parts; a tender for the whole bill kept next to another is a double capture.
      const keptTenders = succeeded.filter((_, i) => kept[i]! > 0);
      if (keptTenders.length > 1 && keptTenders.some((p) => p.amount_fen >= order.total_fen)) {
        add('two-tenders-kept', `${where}: ${keptTenders.length} tenders kept money, one of them for the whole bill`, ids);
      }
    } else if (order.state === 'cancelled') {
      if (net !== 0) add('cancelled-order-keeps-money', `${where}: kept ${net}`, ids);
    } else if (order.state === 'pending_payment') {
      if (net !== order.paid_fen - order.refunded_fen) add('pending-order-money', `${where}: kept ${net}`, ids);
    } else if (order.state === 'refunded') {
      if (net !== 0 || order.refunded_fen !== order.total_fen) add('refunded-order-money', `${where}: kept ${net}`, ids);
    } else if (order.state === 'partially_refunded') {
      if (net !== order.total_fen - order.refunded_fen) add('partially-refunded-order-money', `${where}: kept ${net}`, ids);
    } else if (order.state === 'paying') {
      add('order-still-paying', where, ids);
    }
    // Money that landed for an order that could not take it is refunded in full, automatically.
    for (const payment of succeeded) {
      const own = refundsByPayment.get(payment.id) ?? [];
      if (own.some((r) => r.automatic === 1) && sum(own.filter((r) => r.state === 'succeeded').map((r) => r.amount_fen)) !== payment.amount_fen) {
        add('automatic-refund-incomplete', `${payment.out_trade_no}: automatic refund does not cover ${payment.amount_fen} fen`, ids);
      }
    }
  }

  const paymentStates: Record<string, number> = {};
  for (const payment of payments) {
    const key = `${payment.tender}/${payment.state}`;
    paymentStates[key] = (paymentStates[key] ?? 0) + 1;
  }
  const providerPayments = payments.filter((p) => p.tender !== 'cash');
  return {
    violations,
    stats: {
      orders: orders.length,
      providerPayments: providerPayments.length,
      cashPayments: payments.length - providerPayments.length,
      succeededProviderPayments: providerPayments.filter((p) => p.state === 'succeeded').length,
      refunds: refunds.length,
      automaticRefunds: refunds.filter((r) => r.automatic === 1).length,
      providerTrades: ledger.length,
      paidProviderTrades: ledger.filter((t) => t.paid).length,
      reversedAfterPayment,
      orderStates,
      paymentStates,
    },
  };
}

/** Tampered notifications must never have been accepted; genuine ones never rejected as forged. */
export function checkDeliveries(provider: ProviderName, deliveries: readonly DeliveryView[], rejectedStatus: number): { violations: Violation[]; tampered: number; genuine: number } {
  const violations: Violation[] = [];
  let tampered = 0;
  let genuine = 0;
  for (const delivery of deliveries) {
    const isGenuine = delivery.variant === 'genuine' || delivery.variant === 'retry' || delivery.variant === 'duplicate';
    if (isGenuine) {
      genuine += 1;
      if (delivery.status === rejectedStatus) {
        violations.push({ kind: 'genuine-notification-rejected', outTradeNo: delivery.outTradeNo, detail: `${provider} ${delivery.variant} ${delivery.eventId}` });
      }
    } else {
      tampered += 1;
      if (delivery.accepted) {
        violations.push({ kind: 'tampered-notification-accepted', outTradeNo: delivery.outTradeNo, detail: `${provider} ${delivery.variant} ${delivery.eventId}` });
      }
    }
  }
  return { violations, tampered, genuine };
}
