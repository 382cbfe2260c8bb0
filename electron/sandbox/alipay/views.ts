/** Plain snapshots of sandbox state for the control API and GET /__sandbox/trades (no live objects escape). */
import { yuan } from './money';
import { refundedFen, type SandboxRefund, type SandboxTrade, type SandboxTradeStatus } from './trades';

export interface SandboxRefundView {
  outRequestNo: string;
  outTradeNo: string;
  tradeNo?: string;
  refundFen: number;
  /** trade.refund, or the refund made by cancelling a paid trade. */
  origin: 'refund' | 'cancel';
  at: string;
}

export interface SandboxTradeView {
  outTradeNo: string;
  kind: 'precreate' | 'bar_code';
  /** NOT_SCANNED: precreated; Alipay has no trade until the customer scans. */
  state: SandboxTradeStatus;
  subject: string;
  totalFen: number;
  totalAmount: string;
  refundedFen: number;
  tradeNo?: string;
  qrCode?: string;
  authCode?: string;
  createdAt: string;
  expiresAt?: string;
  paidAt?: string;
  closedAt?: string;
  cancelAction?: 'close' | 'refund';
  /** A payment (or scripted end of "user paying") still to happen. */
  pendingUntil?: string;
  refunds: SandboxRefundView[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function refundView(trade: SandboxTrade, refund: SandboxRefund): SandboxRefundView {
  return {
    outRequestNo: refund.outRequestNo,
    outTradeNo: trade.outTradeNo,
    ...(trade.tradeNo ? { tradeNo: trade.tradeNo } : {}),
    refundFen: refund.amountFen,
    origin: refund.via,
    at: iso(refund.at),
  };
}

export function tradeView(trade: SandboxTrade): SandboxTradeView {
  const view: SandboxTradeView = {
    outTradeNo: trade.outTradeNo,
    kind: trade.kind,
    state: trade.status,
    subject: trade.subject,
    totalFen: trade.totalFen,
    totalAmount: yuan(trade.totalFen),
    refundedFen: refundedFen(trade),
    createdAt: iso(trade.createdAt),
    refunds: trade.refunds.map((refund) => refundView(trade, refund)),
  };
  if (trade.tradeNo) view.tradeNo = trade.tradeNo;
  if (trade.qrCode) view.qrCode = trade.qrCode;
  if (trade.authCode) view.authCode = trade.authCode;
  if (trade.expiresAt !== undefined) view.expiresAt = iso(trade.expiresAt);
  if (trade.paidAt !== undefined) view.paidAt = iso(trade.paidAt);
  if (trade.closedAt !== undefined) view.closedAt = iso(trade.closedAt);
  if (trade.cancelAction) view.cancelAction = trade.cancelAction;
  if (trade.pendingSettle) view.pendingUntil = iso(trade.pendingSettle.at);
  return view;
}
