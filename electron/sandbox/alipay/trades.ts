/**
 * The sandbox's trade state (payment-protocols.md §5.2, §5.8):
 *
 *   precreate → NOT_SCANNED (Alipay has no trade yet: query/close answer ACQ.TRADE_NOT_EXIST)
 *   scan / bar_code submit → WAIT_BUYER_PAY ──pay──> TRADE_SUCCESS ──full refund / cancel──> TRADE_CLOSED
 *   WAIT_BUYER_PAY ──timeout_express / close / cancel──> TRADE_CLOSED
 *
 * Deadlines (QR expiry, the end of a scripted "user paying" phase) are kept as instants of the
 * injectable clock and applied lazily whenever a trade is looked at, so a test can move the clock;
 * a real-time timer additionally completes scripted payments so their notifications go out.
 */
import { randomDigits } from '../common/keys';
import { beijingDate } from '../common/time';

export type SandboxTradeStatus = 'NOT_SCANNED' | 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';

export interface SandboxRefund {
  outRequestNo: string;
  amountFen: number;
  at: number;
  reason?: string;
  /** trade.refund, or the refund a cancel of a paid trade makes. */
  via: 'refund' | 'cancel';
}

export interface SandboxTrade {
  outTradeNo: string;
  kind: 'precreate' | 'bar_code';
  subject: string;
  totalFen: number;
  status: SandboxTradeStatus;
  createdAt: number;
  buyerId: string;
  buyerLogonId: string;
  refunds: SandboxRefund[];
  cancelAttempts: number;
  tradeNo?: string;
  qrCode?: string;
  authCode?: string;
  notifyUrl?: string;
  storeId?: string;
  /** Last moment the customer may pay (timeout_express / time_expire). */
  expiresAt?: number;
  scannedAt?: number;
  paidAt?: number;
  closedAt?: number;
  /**
   * A payment still to happen or a scripted 10003 phase: at `at` the trade becomes `to`.
   * `despiteClose`: the customer is already past the password screen, so the payment lands even if
   * the merchant closes or cancels in between (the paid-after-close race).
   */
  pendingSettle?: { at: number; to: 'TRADE_SUCCESS' | 'TRADE_CLOSED'; despiteClose?: boolean };
  cancelAction?: 'close' | 'refund';
}

export interface TradeBookEvents {
  paid(trade: SandboxTrade): void;
  refunded(trade: SandboxTrade, refund: SandboxRefund): void;
}

export class SandboxStateError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'EXPIRED' | 'WRONG_STATE',
    message: string,
  ) {
    super(message);
  }
}

export function refundedFen(trade: SandboxTrade): number {
  return trade.refunds.reduce((sum, refund) => sum + refund.amountFen, 0);
}

export function isPaid(trade: SandboxTrade): boolean {
  return trade.paidAt !== undefined;
}

export class TradeBook {
  private readonly trades = new Map<string, SandboxTrade>();

  constructor(
    private readonly now: () => number,
    private readonly events: TradeBookEvents,
  ) {}

  /** The trade with its due deadlines applied, or undefined. */
  get(outTradeNo: string): SandboxTrade | undefined {
    const trade = this.trades.get(outTradeNo);
    if (trade) this.refresh(trade);
    return trade;
  }

  /** Present at Alipay: created by a scan or a bar-code submission (not a bare precreate). */
  getVisible(outTradeNo: string): SandboxTrade | undefined {
    const trade = this.get(outTradeNo);
    return trade && trade.status !== 'NOT_SCANNED' ? trade : undefined;
  }

  all(): SandboxTrade[] {
    for (const trade of this.trades.values()) this.refresh(trade);
    return [...this.trades.values()];
  }

  clear(): void {
    this.trades.clear();
  }

  add(trade: SandboxTrade): SandboxTrade {
    this.trades.set(trade.outTradeNo, trade);
    return trade;
  }

  newTradeNo(): string {
    return `${beijingDate(this.now()).replaceAll('-', '')}2200${randomDigits(16)}`;
  }

  /** The customer opens the QR in the Alipay app: the trade now exists, waiting for payment. */
  scan(outTradeNo: string): SandboxTrade {
    const trade = this.get(outTradeNo);
    if (!trade) throw new SandboxStateError('NOT_FOUND', `no precreate for ${outTradeNo}`);
    if (trade.status !== 'NOT_SCANNED') return trade;
    if (trade.expiresAt !== undefined && this.now() >= trade.expiresAt) {
      throw new SandboxStateError('EXPIRED', `the QR of ${outTradeNo} has expired`);
    }
    trade.status = 'WAIT_BUYER_PAY';
    trade.scannedAt = this.now();
    trade.tradeNo = this.newTradeNo();
    return trade;
  }

  /** The customer scans and pays now, or schedules the payment for `at` (see pendingSettle). */
  customerPays(outTradeNo: string, at: number, despiteClose: boolean): SandboxTrade {
    const trade = this.scan(outTradeNo);
    if (isPaid(trade) && trade.status !== 'TRADE_CLOSED') return trade;
    if (trade.status !== 'WAIT_BUYER_PAY') throw new SandboxStateError('WRONG_STATE', `${outTradeNo} is ${trade.status}`);
    if (at <= this.now()) this.markPaid(trade);
    else trade.pendingSettle = { at, to: 'TRADE_SUCCESS', ...(despiteClose ? { despiteClose } : {}) };
    return trade;
  }

  markPaid(trade: SandboxTrade): void {
    trade.status = 'TRADE_SUCCESS';
    trade.paidAt = this.now();
    delete trade.pendingSettle;
    this.events.paid(trade);
  }

  markClosed(trade: SandboxTrade, at = this.now()): void {
    trade.status = 'TRADE_CLOSED';
    trade.closedAt = at;
    if (!trade.pendingSettle?.despiteClose) delete trade.pendingSettle;
  }

  /** Applies a pending payment / end of a scripted 10003 phase (called when it is due). */
  settle(trade: SandboxTrade): void {
    const pending = trade.pendingSettle;
    if (!pending) return;
    delete trade.pendingSettle;
    if (pending.to === 'TRADE_CLOSED') {
      if (trade.status === 'WAIT_BUYER_PAY') this.markClosed(trade, pending.at);
      return;
    }
    if (trade.status === 'WAIT_BUYER_PAY') {
      this.markPaid(trade);
    } else if (trade.status === 'TRADE_CLOSED' && pending.despiteClose && !isPaid(trade)) {
      // The merchant closed, but the customer had already confirmed: the payment lands anyway.
      delete trade.closedAt;
      delete trade.cancelAction;
      this.markPaid(trade);
    }
  }

  /** Applies every due transition (deadlines measured on the injectable clock). */
  settleDue(): void {
    for (const trade of this.trades.values()) this.refresh(trade);
  }

  refund(trade: SandboxTrade, refund: SandboxRefund): void {
    trade.refunds.push(refund);
    if (refundedFen(trade) >= trade.totalFen) this.markClosed(trade, refund.at);
    this.events.refunded(trade, refund);
  }

  private refresh(trade: SandboxTrade): void {
    const now = this.now();
    const settle = trade.pendingSettle;
    const beforeExpiry = trade.expiresAt === undefined || (settle !== undefined && settle.at < trade.expiresAt);
    if (settle && now >= settle.at && (beforeExpiry || settle.despiteClose)) this.settle(trade);
    if (trade.status === 'WAIT_BUYER_PAY' && trade.expiresAt !== undefined && now >= trade.expiresAt) {
      this.markClosed(trade, trade.expiresAt);
    }
  }
}
