/**
 * The face-to-face methods of the sandbox gateway: each takes the verified request's biz_content
 * and answers the `<method>_response` body, changing trade state the way Alipay does
 * (payment-protocols.md §5.1–§5.6, §5.8).
 */
import { randomDigits, randomAlphanumeric } from '../common/keys';
import { beijingDate, beijingDateTime } from '../common/time';
import { ALIPAY_AUTH_CODE, outcomeForAuthCode, type PayOutcome } from './authCodes';
import { type AlipaySandboxBehaviour } from './behaviour';
import { parseYuan, yuan } from './money';
import { isPaid, refundedFen, type SandboxRefund, type SandboxTrade, type TradeBook } from './trades';

export type Body = Record<string, unknown>;

export interface MethodContext {
  now(): number;
  book: TradeBook;
  behaviour(): AlipaySandboxBehaviour;
  scripts: ReadonlyMap<string, PayOutcome>;
  /** auth_code → the out_trade_no it paid (codes are single-use). */
  usedAuthCodes: Map<string, string>;
  schedule(delayMs: number, task: () => void): void;
  /** A download URL for the bill of `date`, or undefined when there is none. */
  billUrl(date: string): string | undefined;
}

const MESSAGES: Record<string, string> = {
  '10000': 'Success',
  '10003': 'order success pay inprocess',
  '20000': 'Service Currently Unavailable',
  '40001': 'Missing Required Arguments',
  '40002': 'Invalid Arguments',
  '40004': 'Business Failed',
  '40006': 'Insufficient Permissions',
};

export function answer(code: string, fields: Body = {}): Body {
  return { code, msg: MESSAGES[code] ?? 'Unknown', ...fields };
}

export function failure(code: string, subCode: string, subMsg: string, fields: Body = {}): Body {
  return { ...answer(code), sub_code: subCode, sub_msg: subMsg, ...fields };
}

const business = (subCode: string, subMsg: string, fields: Body = {}) => failure('40004', subCode, subMsg, fields);
const invalidParameter = (what: string) => business('ACQ.INVALID_PARAMETER', `参数无效: ${what}`);
const tradeNotExist = () => business('ACQ.TRADE_NOT_EXIST', '交易不存在');

function text(biz: Body, name: string): string | undefined {
  const value = biz[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** timeout_express ("90m", "2h", "1d", "1c" = end of the Beijing day) or time_expire → deadline. */
function deadline(biz: Body, now: number, fallbackMs: number | undefined): number | undefined | 'invalid' {
  const timeExpire = text(biz, 'time_expire');
  if (timeExpire) {
    const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(timeExpire);
    return match ? Date.parse(`${match[1]}T${match[2]}+08:00`) : 'invalid';
  }
  const express = text(biz, 'timeout_express');
  if (!express) return fallbackMs === undefined ? undefined : now + fallbackMs;
  const match = /^([1-9][0-9]*)([mhdc])$/.exec(express);
  if (!match) return 'invalid';
  const amount = Number(match[1]);
  if (match[2] === 'c') return Date.parse(`${beijingDate(now)}T23:59:59+08:00`);
  return now + amount * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}

function newTrade(ctx: MethodContext, fields: Pick<SandboxTrade, 'outTradeNo' | 'kind' | 'subject' | 'totalFen' | 'status'> & Partial<SandboxTrade>): SandboxTrade {
  return ctx.book.add({
    createdAt: ctx.now(),
    buyerId: `2088${randomDigits(12)}`,
    buyerLogonId: `${randomAlphanumeric(3).toLowerCase()}***@alipay.com`,
    refunds: [],
    cancelAttempts: 0,
    ...fields,
  });
}

function fundBillList(trade: SandboxTrade): Array<Record<string, string>> {
  return [{ fund_channel: 'ALIPAYACCOUNT', amount: yuan(trade.totalFen) }];
}

/** The fields a successful trade.pay answers with. */
function paidFields(trade: SandboxTrade): Body {
  return {
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    buyer_logon_id: trade.buyerLogonId,
    total_amount: yuan(trade.totalFen),
    receipt_amount: yuan(trade.totalFen),
    buyer_pay_amount: yuan(trade.totalFen),
    point_amount: '0.00',
    invoice_amount: yuan(trade.totalFen),
    gmt_payment: beijingDateTime(trade.paidAt ?? trade.createdAt),
    fund_bill_list: fundBillList(trade),
    buyer_user_id: trade.buyerId,
  };
}

function precreate(ctx: MethodContext, biz: Body, notifyUrl: string | undefined): Body {
  const outTradeNo = text(biz, 'out_trade_no');
  const totalFen = parseYuan(biz.total_amount);
  const subject = text(biz, 'subject');
  if (!outTradeNo || !subject) return invalidParameter('out_trade_no and subject are required');
  if (totalFen === undefined) return invalidParameter('total_amount');
  const existing = ctx.book.get(outTradeNo);
  if (existing) {
    if (existing.kind !== 'precreate' || existing.totalFen !== totalFen || existing.subject !== subject) {
      return business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
    }
    if (isPaid(existing) && existing.status !== 'TRADE_CLOSED') return business('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
    if (existing.status === 'TRADE_CLOSED') return business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    return answer('10000', { out_trade_no: outTradeNo, qr_code: existing.qrCode });
  }
  const expiresAt = deadline(biz, ctx.now(), ctx.behaviour().precreateDefaultTimeoutMs);
  if (expiresAt === 'invalid') return invalidParameter('timeout_express / time_expire');
  const trade = newTrade(ctx, {
    outTradeNo,
    kind: 'precreate',
    subject,
    totalFen,
    status: 'NOT_SCANNED',
    qrCode: `https://qr.alipay.com/bax0${randomAlphanumeric(20).toLowerCase()}`,
    ...(notifyUrl ? { notifyUrl } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(text(biz, 'store_id') ? { storeId: text(biz, 'store_id') } : {}),
  });
  return answer('10000', { out_trade_no: outTradeNo, qr_code: trade.qrCode });
}

function pay(ctx: MethodContext, biz: Body, notifyUrl: string | undefined): Body {
  const outTradeNo = text(biz, 'out_trade_no');
  const authCode = text(biz, 'auth_code');
  const subject = text(biz, 'subject');
  const totalFen = parseYuan(biz.total_amount);
  if (!outTradeNo || !authCode || !subject) return invalidParameter('out_trade_no, auth_code and subject are required');
  if (text(biz, 'scene') !== 'bar_code') return invalidParameter('scene must be bar_code');
  if (totalFen === undefined) return invalidParameter('total_amount');

  const existing = ctx.book.get(outTradeNo);
  if (existing) {
    if (existing.kind !== 'bar_code' || existing.totalFen !== totalFen || existing.subject !== subject || existing.authCode !== authCode) {
      return business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
    }
    // The same submission again (the till retrying after a timeout).
    if (existing.status === 'WAIT_BUYER_PAY') return answer('10003', { out_trade_no: outTradeNo });
    if (existing.status === 'TRADE_CLOSED') return business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    return business('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
  }
  if (!ALIPAY_AUTH_CODE.test(authCode)) return business('ACQ.PAYMENT_AUTH_CODE_INVALID', '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款');
  const usedBy = ctx.usedAuthCodes.get(authCode);
  if (usedBy !== undefined && usedBy !== outTradeNo) {
    return business('ACQ.PAYMENT_AUTH_CODE_INVALID', '付款码已使用，请顾客刷新付款码后重新收款');
  }
  ctx.usedAuthCodes.set(authCode, outTradeNo);

  const outcome = outcomeForAuthCode(authCode, ctx.scripts);
  if (outcome === 'auth-code-invalid') return business('ACQ.PAYMENT_AUTH_CODE_INVALID', '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款');
  if (outcome === 'balance-not-enough') return business('ACQ.BUYER_BALANCE_NOT_ENOUGH', '买家余额不足');
  if (outcome === 'system-error-not-applied') return business('ACQ.SYSTEM_ERROR', '系统错误');

  const expiresAt = deadline(biz, ctx.now(), undefined);
  if (expiresAt === 'invalid') return invalidParameter('timeout_express / time_expire');
  const trade = newTrade(ctx, {
    outTradeNo,
    kind: 'bar_code',
    subject,
    totalFen,
    status: 'WAIT_BUYER_PAY',
    authCode,
    tradeNo: ctx.book.newTradeNo(),
    scannedAt: ctx.now(),
    ...(notifyUrl ? { notifyUrl } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(text(biz, 'store_id') ? { storeId: text(biz, 'store_id') } : {}),
  });

  if (outcome === 'success' || outcome === 'service-unavailable-applied') {
    ctx.book.markPaid(trade);
    if (outcome === 'service-unavailable-applied') return failure('20000', 'isp.unknow-error', '系统繁忙');
    return answer('10000', paidFields(trade));
  }
  if (outcome === 'userpaying-then-success' || outcome === 'userpaying-then-closed') {
    const delay = ctx.behaviour().userPayingMs;
    trade.pendingSettle = { at: ctx.now() + delay, to: outcome === 'userpaying-then-success' ? 'TRADE_SUCCESS' : 'TRADE_CLOSED' };
    // Due on the injectable clock; the timer (+1 ms: timers may fire a hair early) makes it happen on time.
    ctx.schedule(delay + 1, () => ctx.book.settleDue());
  }
  // user paying (for a while, or until cancelled)
  return answer('10003', {
    trade_no: trade.tradeNo,
    out_trade_no: outTradeNo,
    buyer_logon_id: trade.buyerLogonId,
    total_amount: yuan(totalFen),
    receipt_amount: '0.00',
    buyer_pay_amount: '0.00',
    point_amount: '0.00',
    invoice_amount: '0.00',
    buyer_user_id: trade.buyerId,
  });
}

function query(ctx: MethodContext, biz: Body): Body {
  const outTradeNo = text(biz, 'out_trade_no');
  if (!outTradeNo) return invalidParameter('out_trade_no is required');
  const trade = ctx.book.getVisible(outTradeNo);
  if (!trade) return tradeNotExist();
  const paid = isPaid(trade);
  return answer('10000', {
    trade_no: trade.tradeNo,
    out_trade_no: outTradeNo,
    buyer_logon_id: trade.buyerLogonId,
    trade_status: trade.status,
    total_amount: yuan(trade.totalFen),
    buyer_pay_amount: paid ? yuan(trade.totalFen) : '0.00',
    point_amount: '0.00',
    invoice_amount: paid ? yuan(trade.totalFen) : '0.00',
    receipt_amount: paid ? yuan(trade.totalFen) : '0.00',
    ...(paid ? { send_pay_date: beijingDateTime(trade.paidAt!), fund_bill_list: fundBillList(trade) } : {}),
    buyer_user_id: trade.buyerId,
    ...(trade.storeId ? { store_id: trade.storeId } : {}),
  });
}

function close(ctx: MethodContext, biz: Body): Body {
  const outTradeNo = text(biz, 'out_trade_no');
  if (!outTradeNo) return invalidParameter('out_trade_no is required');
  const trade = ctx.book.get(outTradeNo);
  if (!trade || trade.status === 'NOT_SCANNED') return tradeNotExist();
  if (trade.status === 'TRADE_SUCCESS' || trade.status === 'TRADE_FINISHED') return business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
  if (trade.status === 'WAIT_BUYER_PAY') ctx.book.markClosed(trade);
  return answer('10000', { trade_no: trade.tradeNo, out_trade_no: outTradeNo });
}

function cancel(ctx: MethodContext, biz: Body): Body {
  const outTradeNo = text(biz, 'out_trade_no');
  if (!outTradeNo) return invalidParameter('out_trade_no is required');
  const trade = ctx.book.get(outTradeNo);
  // Nothing reached Alipay under this number: nothing to undo (open question §10.5; we answer close).
  if (!trade) return answer('10000', { out_trade_no: outTradeNo, retry_flag: 'N', action: 'close' });
  trade.cancelAttempts += 1;
  if (ctx.behaviour().cancelRetryOnce && trade.cancelAttempts === 1) {
    return business('ACQ.SYSTEM_ERROR', '系统错误', { out_trade_no: outTradeNo, retry_flag: 'Y' });
  }
  const base = { trade_no: trade.tradeNo, out_trade_no: outTradeNo, retry_flag: 'N' };
  if (trade.status === 'TRADE_FINISHED') return business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法', { retry_flag: 'N' });
  if (trade.status === 'TRADE_CLOSED') return answer('10000', { ...base, action: trade.cancelAction ?? 'close' });
  if (trade.status === 'TRADE_SUCCESS') {
    const refund: SandboxRefund = { outRequestNo: outTradeNo, amountFen: trade.totalFen - refundedFen(trade), at: ctx.now(), via: 'cancel' };
    trade.cancelAction = 'refund';
    ctx.book.refund(trade, refund);
    return answer('10000', { ...base, action: 'refund', gmt_refund_pay: beijingDateTime(refund.at) });
  }
  // NOT_SCANNED or WAIT_BUYER_PAY: close it so a late payment can no longer succeed.
  trade.cancelAction = 'close';
  ctx.book.markClosed(trade);
  return answer('10000', { ...base, action: 'close' });
}

function refund(ctx: MethodContext, biz: Body): Body {
  const outTradeNo = text(biz, 'out_trade_no');
  const amountFen = parseYuan(biz.refund_amount);
  if (!outTradeNo) return invalidParameter('out_trade_no is required');
  if (amountFen === undefined) return invalidParameter('refund_amount');
  const outRequestNo = text(biz, 'out_request_no') ?? outTradeNo;
  const trade = ctx.book.getVisible(outTradeNo);
  if (!trade) return tradeNotExist();

  const refundFields = (fundChange: 'Y' | 'N', at: number) => ({
    trade_no: trade.tradeNo,
    out_trade_no: outTradeNo,
    buyer_logon_id: trade.buyerLogonId,
    fund_change: fundChange,
    refund_fee: yuan(refundedFen(trade)),
    gmt_refund_pay: beijingDateTime(at),
    buyer_user_id: trade.buyerId,
    send_back_fee: yuan(amountFen),
  });

  const previous = trade.refunds.find((candidate) => candidate.outRequestNo === outRequestNo && candidate.via === 'refund');
  if (previous) {
    if (previous.amountFen !== amountFen) return business('ACQ.DISCORDANT_REPEAT_REQUEST', '请求信息不一致');
    return answer('10000', refundFields('N', previous.at));
  }
  if (trade.status === 'TRADE_FINISHED') return business('ACQ.TRADE_HAS_FINISHED', '交易已完结');
  if (trade.status !== 'TRADE_SUCCESS') return business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
  if (amountFen > trade.totalFen - refundedFen(trade)) return business('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');

  const created: SandboxRefund = { outRequestNo, amountFen, at: ctx.now(), via: 'refund' };
  const reason = text(biz, 'refund_reason');
  if (reason) created.reason = reason;
  ctx.book.refund(trade, created);
  return answer('10000', refundFields('Y', created.at));
}

function refundQuery(ctx: MethodContext, biz: Body): Body {
  const outTradeNo = text(biz, 'out_trade_no');
  if (!outTradeNo) return invalidParameter('out_trade_no is required');
  const outRequestNo = text(biz, 'out_request_no') ?? outTradeNo;
  const trade = ctx.book.getVisible(outTradeNo);
  if (!trade) return tradeNotExist();
  const found = trade.refunds.find((candidate) => candidate.outRequestNo === outRequestNo);
  // "Nothing returned" means "not refunded" — also during the lag right after a refund (§5.6).
  if (!found || ctx.now() < found.at + ctx.behaviour().refundQueryLagMs) return answer('10000');
  return answer('10000', {
    trade_no: trade.tradeNo,
    out_trade_no: outTradeNo,
    out_request_no: outRequestNo,
    total_amount: yuan(trade.totalFen),
    refund_amount: yuan(found.amountFen),
    refund_status: 'REFUND_SUCCESS',
    gmt_refund_pay: beijingDateTime(found.at),
  });
}

function billDownloadUrl(ctx: MethodContext, biz: Body): Body {
  if (text(biz, 'bill_type') !== 'trade') return invalidParameter('bill_type: only trade is simulated');
  const date = text(biz, 'bill_date');
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return invalidParameter('bill_date must be yyyy-MM-dd');
  // Production: a day's bill exists from about 10:00 the next day (§5.7); only days with activity have one.
  const availableFrom = Date.parse(`${date}T10:00:00+08:00`) + 86_400_000;
  const available = ctx.behaviour().billAvailability === 'immediate' ? date <= beijingDate(ctx.now()) : ctx.now() >= availableFrom;
  const url = available ? ctx.billUrl(date) : undefined;
  if (!url) return business('isp.bill_not_exist', '账单不存在');
  return answer('10000', { bill_download_url: url });
}

export type MethodHandler = (ctx: MethodContext, biz: Body, notifyUrl: string | undefined) => Body;

export const METHODS: Readonly<Record<string, MethodHandler>> = {
  'alipay.trade.precreate': precreate,
  'alipay.trade.pay': pay,
  'alipay.trade.query': query,
  'alipay.trade.close': close,
  'alipay.trade.cancel': cancel,
  'alipay.trade.refund': refund,
  'alipay.trade.fastpay.refund.query': refundQuery,
  'alipay.data.dataservice.bill.downloadurl.query': billDownloadUrl,
};

