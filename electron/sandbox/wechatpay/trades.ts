/**
 * The sandbox's books: trades and refunds in memory, the trade_state machine of payment-protocols.md
 * §2.4 and the business rules of §2.9/§3.4. Pure logic on an injected clock — no HTTP here; answers are
 * `Reply` values that the server turns into wire responses.
 *
 * Delayed transitions (a customer who pays in 2 s, a refund that succeeds later) are stored as due
 * times and applied by `settle()`, which every operation calls first. The server also arms timers that
 * call `settle()` at the due time, so notifications go out on time with a real clock, while a test
 * with a fake clock sees the transition as soon as it moves the clock and touches the sandbox.
 */
import { randomAlphanumeric, randomDigits } from '../common/keys';
import { beijingDate, rfc3339Beijing } from '../common/time';
import type { WechatSandboxBehaviour } from './behaviour';
import type { CodepayOutcome } from './codepayScripts';

export type TradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'REVOKED' | 'PAYERROR';
export type RefundState = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

const STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  USERPAYING: '用户支付中（需输入密码）',
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  CLOSED: '已关闭',
  REVOKED: '已撤销（付款码支付）',
  PAYERROR: '支付失败（其他原因，如银行返回失败）',
};

export interface ErrorReply {
  status: number;
  code: string;
  message: string;
  detail?: unknown;
}

export interface SandboxRefund {
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  refundFen: number;
  totalFen: number;
  reason?: string;
  notifyUrl?: string;
  status: RefundState;
  finalStatus: RefundState;
  createdAt: number;
  settlesAt: number;
  successAt?: number;
  /** `reverse` refunds are made by reversing a paid codepay trade. */
  origin: 'refund' | 'reverse';
}

export interface SandboxTrade {
  outTradeNo: string;
  tradeType: 'NATIVE' | 'MICROPAY';
  appid: string;
  mchid: string;
  description: string;
  totalFen: number;
  attach?: string;
  notifyUrl?: string;
  timeExpire?: string;
  expiresAt: number;
  state: TradeState;
  /** Overrides the standard description (e.g. why a codepay failed). */
  stateDesc?: string;
  createdAt: number;
  paidAt?: number;
  closedAt?: number;
  revokedAt?: number;
  transactionId: string;
  openid?: string;
  codeUrl?: string;
  authCode?: string;
  /** The request as first made; the same out_trade_no with other parameters is OUT_TRADE_NO_USED. */
  fingerprint: string;
  /** A scheduled transition: the customer finishes paying (or fails) at `at`. */
  pending?: { at: number; to: 'SUCCESS' | 'PAYERROR'; survivesClose: boolean };
  /** The error a codepay answered, replayed to an identical retry. */
  failure?: ErrorReply;
  reverseCalls: number;
}

export type TradeEvent = { type: 'paid'; trade: SandboxTrade } | { type: 'refund-settled'; trade: SandboxTrade; refund: SandboxRefund };

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorReply };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const err = (status: number, code: string, message: string, detail?: unknown): Result<never> => ({
  ok: false,
  error: { status, code, message, ...(detail === undefined ? {} : { detail }) },
});

export interface NativeCreate {
  appid: string;
  mchid: string;
  description: string;
  outTradeNo: string;
  totalFen: number;
  notifyUrl: string;
  timeExpire?: string;
  attach?: string;
}

export interface CodepayCreate {
  appid: string;
  mchid: string;
  description: string;
  outTradeNo: string;
  totalFen: number;
  authCode: string;
  attach?: string;
}

export interface RefundCreate {
  outTradeNo: string;
  outRefundNo: string;
  refundFen: number;
  totalFen: number;
  reason?: string;
  notifyUrl?: string;
}

export type CodepayReply =
  | { kind: 'trade'; trade: SandboxTrade }
  | { kind: 'userpaying'; trade: SandboxTrade }
  | { kind: 'error'; error: ErrorReply };

const PAID_STATES: ReadonlySet<TradeState> = new Set(['SUCCESS', 'REFUND']);
const MAX_REFUNDS_PER_TRADE = 50;
const MIN_EXPIRY_MS = 60_000;
const DEFAULT_EXPIRY_MS = 7 * 24 * 60 * 60 * 1000;

export class TradeBook {
  private readonly tradesByNo = new Map<string, SandboxTrade>();
  private readonly refundsByNo = new Map<string, SandboxRefund>();
  private readonly usedAuthCodes = new Map<string, string>();
  private sequence = 0;

  constructor(
    private readonly now: () => number,
    private readonly onEvent: (event: TradeEvent) => void,
  ) {}

  private nextId(prefix: string): string {
    this.sequence += 1;
    // e.g. 4200 + yyyymmdd + 16 digits: same length and shape as real transaction ids.
    return `${prefix}${beijingDate(this.now()).replaceAll('-', '')}${String(this.sequence).padStart(6, '0')}${randomDigits(10)}`;
  }

  /** Applies every transition whose time has come. */
  settle(): void {
    const now = this.now();
    for (const trade of this.tradesByNo.values()) {
      const pending = trade.pending;
      if (!pending || now < pending.at) continue;
      const payable = trade.state === 'NOTPAY' || trade.state === 'USERPAYING' || (trade.state === 'CLOSED' && pending.survivesClose);
      delete trade.pending;
      if (!payable) continue;
      if (pending.to === 'SUCCESS') {
        this.markPaid(trade, pending.at);
      } else {
        trade.state = 'PAYERROR';
        trade.stateDesc = '用户取消支付或支付失败';
        trade.failure = { status: 400, code: 'PAYERROR', message: '支付失败' };
      }
    }
    for (const refund of this.refundsByNo.values()) {
      if (refund.status !== 'PROCESSING' || now < refund.settlesAt) continue;
      refund.status = refund.finalStatus;
      if (refund.status === 'SUCCESS') refund.successAt = refund.settlesAt;
      const trade = this.tradesByNo.get(refund.outTradeNo);
      if (trade) this.onEvent({ type: 'refund-settled', trade, refund });
    }
  }

  /** Due times of scheduled transitions, for the server's timers. */
  dueTimes(): number[] {
    const times: number[] = [];
    for (const trade of this.tradesByNo.values()) if (trade.pending) times.push(trade.pending.at);
    for (const refund of this.refundsByNo.values()) if (refund.status === 'PROCESSING') times.push(refund.settlesAt);
    return times;
  }

  private markPaid(trade: SandboxTrade, at: number): void {
    trade.state = 'SUCCESS';
    delete trade.stateDesc;
    trade.paidAt = at;
    trade.openid ??= `o${randomAlphanumeric(27)}`;
    this.onEvent({ type: 'paid', trade });
  }

  get(outTradeNo: string): SandboxTrade | undefined {
    this.settle();
    return this.tradesByNo.get(outTradeNo);
  }

  all(): SandboxTrade[] {
    this.settle();
    return [...this.tradesByNo.values()];
  }

  refunds(): SandboxRefund[] {
    this.settle();
    return [...this.refundsByNo.values()];
  }

  refundsOf(outTradeNo: string): SandboxRefund[] {
    return [...this.refundsByNo.values()].filter((refund) => refund.outTradeNo === outTradeNo);
  }

  describe(trade: SandboxTrade): string {
    return trade.stateDesc ?? STATE_DESC[trade.state];
  }

  createNative(request: NativeCreate, behaviour: WechatSandboxBehaviour): Result<SandboxTrade> {
    this.settle();
    const fingerprint = JSON.stringify([request.appid, request.description, request.totalFen, request.notifyUrl, request.timeExpire ?? null, request.attach ?? null]);
    const existing = this.tradesByNo.get(request.outTradeNo);
    if (existing) {
      if (existing.tradeType !== 'NATIVE') return err(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
      if (PAID_STATES.has(existing.state)) return err(behaviour.createAfterSuccess.status, behaviour.createAfterSuccess.code, behaviour.createAfterSuccess.message);
      if (existing.state === 'CLOSED') return err(400, 'ORDER_CLOSED', '订单已关闭，请重新下单');
      if (existing.fingerprint !== fingerprint) return err(403, 'OUT_TRADE_NO_USED', '商户订单号重复，请求参数与原订单不一致');
      return ok(existing); // same parameters before expiry: same code_url (§0 idempotent create)
    }
    const now = this.now();
    let expiresAt = now + DEFAULT_EXPIRY_MS;
    if (request.timeExpire !== undefined) {
      const parsed = Date.parse(request.timeExpire);
      if (Number.isNaN(parsed)) return err(400, 'PARAM_ERROR', 'time_expire 格式错误', { field: 'time_expire', value: request.timeExpire, issue: 'not RFC3339', location: 'body' });
      expiresAt = Math.max(parsed, now + MIN_EXPIRY_MS); // earlier than create+1 min is raised to create+1 min (§2.2)
    }
    const trade: SandboxTrade = {
      outTradeNo: request.outTradeNo,
      tradeType: 'NATIVE',
      appid: request.appid,
      mchid: request.mchid,
      description: request.description,
      totalFen: request.totalFen,
      ...(request.attach === undefined ? {} : { attach: request.attach }),
      notifyUrl: request.notifyUrl,
      ...(request.timeExpire === undefined ? {} : { timeExpire: request.timeExpire }),
      expiresAt,
      state: 'NOTPAY',
      createdAt: now,
      transactionId: this.nextId('4200'),
      codeUrl: `weixin://wxpay/bizpayurl?pr=${randomAlphanumeric(7)}`,
      fingerprint,
      reverseCalls: 0,
    };
    this.tradesByNo.set(trade.outTradeNo, trade);
    return ok(trade);
  }

  /** The customer scans the Native QR and pays after `delayMs`. */
  customerPays(outTradeNo: string, options: { delayMs?: number; completesDespiteClose?: boolean } = {}): Result<SandboxTrade> {
    this.settle();
    const trade = this.tradesByNo.get(outTradeNo);
    if (!trade) return err(404, 'ORDER_NOT_EXIST', `no trade ${outTradeNo}`);
    if (trade.tradeType !== 'NATIVE') return err(409, 'NOT_NATIVE', 'only Native orders are paid by scanning');
    if (trade.state !== 'NOTPAY') return err(409, 'NOT_PAYABLE', `trade is ${trade.state}`);
    if (this.now() > trade.expiresAt) return err(409, 'EXPIRED', '二维码已过期');
    trade.pending = { at: this.now() + Math.max(0, options.delayMs ?? 0), to: 'SUCCESS', survivesClose: options.completesDespiteClose ?? false };
    this.settle();
    return ok(trade);
  }

  codepay(request: CodepayCreate, outcome: CodepayOutcome, behaviour: WechatSandboxBehaviour): CodepayReply {
    this.settle();
    const fingerprint = JSON.stringify([request.appid, request.description, request.totalFen, request.authCode, request.attach ?? null]);
    const existing = this.tradesByNo.get(request.outTradeNo);
    if (existing) {
      if (existing.fingerprint !== fingerprint) return { kind: 'error', error: { status: 403, code: 'OUT_TRADE_NO_USED', message: '商户订单号重复' } };
      return this.replayCodepay(existing);
    }
    const usedBy = this.usedAuthCodes.get(request.authCode);
    if (usedBy !== undefined) return { kind: 'error', error: { status: 400, code: 'AUTHCODEEXPIRE', message: '付款码已使用，请用户刷新付款码后重新支付' } };
    if (outcome === 'system-error-not-applied') return { kind: 'error', error: { status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙，请稍后重试' } };

    const now = this.now();
    const trade: SandboxTrade = {
      outTradeNo: request.outTradeNo,
      tradeType: 'MICROPAY',
      appid: request.appid,
      mchid: request.mchid,
      description: request.description,
      totalFen: request.totalFen,
      ...(request.attach === undefined ? {} : { attach: request.attach }),
      expiresAt: now + DEFAULT_EXPIRY_MS,
      state: 'USERPAYING',
      createdAt: now,
      transactionId: this.nextId('4200'),
      openid: `o${randomAlphanumeric(27)}`,
      authCode: request.authCode,
      fingerprint,
      reverseCalls: 0,
    };
    this.tradesByNo.set(trade.outTradeNo, trade);
    this.usedAuthCodes.set(request.authCode, trade.outTradeNo);
    const later = (to: 'SUCCESS' | 'PAYERROR') => ({ at: now + behaviour.userPayingMs, to, survivesClose: false });
    switch (outcome) {
      case 'success':
        this.markPaid(trade, now);
        return { kind: 'trade', trade };
      case 'userpaying-then-success':
        trade.pending = later('SUCCESS');
        return { kind: 'userpaying', trade };
      case 'userpaying-then-payerror':
        trade.pending = later('PAYERROR');
        return { kind: 'userpaying', trade };
      case 'userpaying-forever':
        return { kind: 'userpaying', trade };
      case 'system-error-applied':
        this.markPaid(trade, now);
        return { kind: 'error', error: { status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙，请稍后重试' } };
      case 'bank-error-then-success':
        trade.pending = later('SUCCESS');
        return { kind: 'error', error: { status: 500, code: 'BANK_ERROR', message: '银行系统异常' } };
      case 'authcode-expired':
        return this.failCodepay(trade, { status: 400, code: 'AUTHCODEEXPIRE', message: '二维码已过期，请用户在微信上刷新后再试' });
      case 'not-enough':
        return this.failCodepay(trade, { status: 403, code: 'NOTENOUGH', message: '用户余额不足，请用户换卡支付' });
    }
  }

  private failCodepay(trade: SandboxTrade, error: ErrorReply): CodepayReply {
    trade.state = 'PAYERROR';
    trade.stateDesc = error.message;
    trade.failure = error;
    return { kind: 'error', error };
  }

  /** An identical retry of a codepay (after a timeout) answers with where the trade is now. */
  private replayCodepay(trade: SandboxTrade): CodepayReply {
    switch (trade.state) {
      case 'SUCCESS':
      case 'REFUND':
        return { kind: 'trade', trade };
      case 'USERPAYING':
      case 'NOTPAY':
        return { kind: 'userpaying', trade };
      case 'PAYERROR':
        return { kind: 'error', error: trade.failure ?? { status: 400, code: 'PAYERROR', message: '支付失败' } };
      case 'REVOKED':
        return { kind: 'error', error: { status: 400, code: 'ORDERREVERSED', message: '订单已撤销' } };
      case 'CLOSED':
        return { kind: 'error', error: { status: 400, code: 'ORDER_CLOSED', message: '订单已关闭' } };
    }
  }

  query(outTradeNo: string, behaviour: WechatSandboxBehaviour): Result<SandboxTrade> {
    this.settle();
    const trade = this.tradesByNo.get(outTradeNo);
    const now = this.now();
    if (!trade || now - trade.createdAt < behaviour.queryLagMs) return err(404, 'ORDER_NOT_EXIST', '订单不存在');
    return ok(trade);
  }

  /** Whether a paid trade should still look unpaid to a query (payment-visibility lag knob). */
  hidesPayment(trade: SandboxTrade, behaviour: WechatSandboxBehaviour): boolean {
    return trade.paidAt !== undefined && trade.state === 'SUCCESS' && this.now() < trade.paidAt + behaviour.paymentVisibilityLagMs;
  }

  /** Close answers 204 whatever the trade (§2.9); only a paid trade with the `orderpaid-error` knob refuses. */
  close(outTradeNo: string, behaviour: WechatSandboxBehaviour): Result<null> {
    this.settle();
    const trade = this.tradesByNo.get(outTradeNo);
    if (!trade) return ok(null);
    if (PAID_STATES.has(trade.state)) return behaviour.closePaid === 'orderpaid-error' ? err(400, 'ORDERPAID', '订单已支付，不能关闭') : ok(null);
    if (trade.state === 'NOTPAY' || trade.state === 'USERPAYING') {
      trade.state = 'CLOSED';
      delete trade.stateDesc;
      trade.closedAt = this.now();
      // A customer already past the password screen still pays (the paid-after-close race): keep a
      // pending payment only when it was scripted to survive the close.
      if (trade.pending && !trade.pending.survivesClose) delete trade.pending;
    }
    return ok(null);
  }

  reverse(outTradeNo: string, behaviour: WechatSandboxBehaviour): Result<{ trade: SandboxTrade; recall: boolean }> {
    this.settle();
    const trade = this.tradesByNo.get(outTradeNo);
    if (!trade) return err(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (trade.tradeType !== 'MICROPAY') return err(400, 'INVALID_REQUEST', '非付款码支付订单不可撤销');
    const now = this.now();
    if (now - trade.createdAt < behaviour.reverseMinAgeMs) return err(403, 'USERPAYING', '正在支付中不能发起撤销，请稍后再试');
    trade.reverseCalls += 1;
    if (behaviour.reverseRecallOnce && trade.reverseCalls === 1 && trade.state !== 'REVOKED') return ok({ trade, recall: true });
    if (PAID_STATES.has(trade.state)) {
      // Reversing a paid code payment returns the money: record it as a refund so it shows in the bill.
      const refunded = this.refundsOf(outTradeNo).filter((r) => r.status !== 'CLOSED').reduce((sum, r) => sum + r.refundFen, 0);
      const refund: SandboxRefund = {
        outRefundNo: `REVERSE-${outTradeNo}`,
        refundId: this.nextId('5030'),
        outTradeNo,
        transactionId: trade.transactionId,
        refundFen: trade.totalFen - refunded,
        totalFen: trade.totalFen,
        status: 'SUCCESS',
        finalStatus: 'SUCCESS',
        createdAt: now,
        settlesAt: now,
        successAt: now,
        origin: 'reverse',
      };
      if (refund.refundFen > 0) this.refundsByNo.set(refund.outRefundNo, refund);
    }
    if (trade.state !== 'CLOSED') {
      trade.state = 'REVOKED';
      delete trade.stateDesc;
      trade.revokedAt ??= now;
    }
    delete trade.pending;
    return ok({ trade, recall: false });
  }

  refund(request: RefundCreate, behaviour: WechatSandboxBehaviour, script: { finalStatus?: RefundState; notEnough?: boolean } = {}): Result<SandboxRefund> {
    this.settle();
    const existing = this.refundsByNo.get(request.outRefundNo);
    if (existing) {
      // Same out_refund_no = same refund (§0): a retry gets the refund as it is now.
      if (existing.outTradeNo === request.outTradeNo && existing.refundFen === request.refundFen) return ok(existing);
      return err(400, 'INVALID_REQUEST', '退款单号已存在，但请求参数与原退款不一致');
    }
    const trade = this.tradesByNo.get(request.outTradeNo);
    if (!trade || !PAID_STATES.has(trade.state)) return err(404, 'RESOURCE_NOT_EXISTS', '订单不存在或未支付');
    if (request.totalFen !== trade.totalFen) return err(400, 'INVALID_REQUEST', '订单金额与原订单不一致');
    const live = this.refundsOf(trade.outTradeNo).filter((refund) => refund.status !== 'CLOSED');
    const remaining = trade.totalFen - live.reduce((sum, refund) => sum + refund.refundFen, 0);
    if (request.refundFen > remaining) return err(400, 'INVALID_REQUEST', `申请退款金额超过订单可退金额（剩余 ${remaining} 分）`);
    if (live.length >= MAX_REFUNDS_PER_TRADE) return err(400, 'INVALID_REQUEST', '部分退款次数超过上限（50）');
    if (script.notEnough ?? behaviour.refundNotEnough) return err(403, 'NOT_ENOUGH', '基本账户余额不足，请充值后重新发起');
    const now = this.now();
    const refund: SandboxRefund = {
      outRefundNo: request.outRefundNo,
      refundId: this.nextId('5030'),
      outTradeNo: trade.outTradeNo,
      transactionId: trade.transactionId,
      refundFen: request.refundFen,
      totalFen: trade.totalFen,
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      ...(request.notifyUrl === undefined ? {} : { notifyUrl: request.notifyUrl }),
      status: 'PROCESSING',
      finalStatus: script.finalStatus ?? behaviour.refundFinalStatus,
      createdAt: now,
      settlesAt: now + behaviour.refundProcessingMs,
      origin: 'refund',
    };
    this.refundsByNo.set(refund.outRefundNo, refund);
    trade.state = 'REFUND';
    delete trade.stateDesc;
    return ok(refund);
  }

  queryRefund(outRefundNo: string): Result<SandboxRefund> {
    this.settle();
    const refund = this.refundsByNo.get(outRefundNo);
    if (!refund || refund.origin !== 'refund') return err(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return ok(refund);
  }
}

/** The Transaction object of §2.3 as WeChat would serialise it. */
export function transactionJson(book: TradeBook, trade: SandboxTrade, asUnpaid = false): Record<string, unknown> {
  const state: TradeState = asUnpaid ? 'NOTPAY' : trade.state;
  const paid = !asUnpaid && trade.paidAt !== undefined;
  return {
    appid: trade.appid,
    mchid: trade.mchid,
    out_trade_no: trade.outTradeNo,
    ...(paid || trade.tradeType === 'MICROPAY' ? { transaction_id: trade.transactionId } : {}),
    trade_type: trade.tradeType,
    trade_state: state,
    trade_state_desc: asUnpaid ? STATE_DESC.NOTPAY : book.describe(trade),
    ...(paid ? { bank_type: 'OTHERS', success_time: rfc3339Beijing(trade.paidAt ?? 0) } : {}),
    attach: trade.attach ?? '',
    ...(paid && trade.openid ? { payer: { openid: trade.openid } } : {}),
    amount: paid
      ? { total: trade.totalFen, payer_total: trade.totalFen, currency: 'CNY', payer_currency: 'CNY' }
      : { total: trade.totalFen, currency: 'CNY', payer_currency: 'CNY' },
    promotion_detail: [],
  };
}

/** The Refund object of §2.6. */
export function refundJson(refund: SandboxRefund): Record<string, unknown> {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successAt === undefined ? {} : { success_time: rfc3339Beijing(refund.successAt) }),
    create_time: rfc3339Beijing(refund.createdAt),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.totalFen,
      refund: refund.refundFen,
      from: [],
      payer_total: refund.totalFen,
      payer_refund: refund.refundFen,
      settlement_refund: refund.refundFen,
      settlement_total: refund.totalFen,
      discount_refund: 0,
      currency: 'CNY',
    },
    promotion_detail: [],
  };
}
