/** Plain snapshots of sandbox state for the control API and GET /__sandbox/trades (no live objects escape). */
import type { SandboxRefund, SandboxTrade, TradeBook, TradeState } from './trades';

export interface SandboxRefundView {
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  refundFen: number;
  status: string;
  origin: 'refund' | 'reverse';
  createdAt: string;
  successAt?: string;
}

export interface SandboxTradeView {
  outTradeNo: string;
  tradeType: 'NATIVE' | 'MICROPAY';
  state: TradeState;
  stateDesc: string;
  totalFen: number;
  description: string;
  transactionId: string;
  codeUrl?: string;
  authCode?: string;
  createdAt: string;
  expiresAt: string;
  paidAt?: string;
  closedAt?: string;
  revokedAt?: string;
  /** A payment still to happen (scanAndPay with a delay, scripted USERPAYING). */
  pendingUntil?: string;
  refunds: SandboxRefundView[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function refundView(refund: SandboxRefund): SandboxRefundView {
  return {
    outRefundNo: refund.outRefundNo,
    refundId: refund.refundId,
    outTradeNo: refund.outTradeNo,
    refundFen: refund.refundFen,
    status: refund.status,
    origin: refund.origin,
    createdAt: iso(refund.createdAt),
    ...(refund.successAt === undefined ? {} : { successAt: iso(refund.successAt) }),
  };
}

export function tradeView(book: TradeBook, trade: SandboxTrade): SandboxTradeView {
  return {
    outTradeNo: trade.outTradeNo,
    tradeType: trade.tradeType,
    state: trade.state,
    stateDesc: book.describe(trade),
    totalFen: trade.totalFen,
    description: trade.description,
    transactionId: trade.transactionId,
    ...(trade.codeUrl === undefined ? {} : { codeUrl: trade.codeUrl }),
    ...(trade.authCode === undefined ? {} : { authCode: trade.authCode }),
    createdAt: iso(trade.createdAt),
    expiresAt: iso(trade.expiresAt),
    ...(trade.paidAt === undefined ? {} : { paidAt: iso(trade.paidAt) }),
    ...(trade.closedAt === undefined ? {} : { closedAt: iso(trade.closedAt) }),
    ...(trade.revokedAt === undefined ? {} : { revokedAt: iso(trade.revokedAt) }),
    ...(trade.pending === undefined ? {} : { pendingUntil: iso(trade.pending.at) }),
    refunds: book.refundsOf(trade.outTradeNo).map(refundView),
  };
}
