/**
 * Reading Alipay trade replies (query, pay, notifications) into the provider-neutral TradeInfo,
 * with the consistency checks every success must pass: it is about the trade we asked for and its
 * amounts are exact yuan strings.
 */
import { ProviderError, type TradeInfo, type TradeStatus } from '../provider';
import { alipayTimeToIso } from './beijingTime';
import { yuanToFen, YuanFormatError } from './yuan';

/** payment-protocols.md §5.2. TRADE_CLOSED is "never paid" or "paid, then fully refunded". */
export function tradeStatusOf(tradeStatus: string): TradeStatus {
  switch (tradeStatus) {
    case 'WAIT_BUYER_PAY':
      return 'waiting';
    case 'TRADE_SUCCESS':
    case 'TRADE_FINISHED':
      return 'success';
    case 'TRADE_CLOSED':
      return 'closed';
    default:
      // An unheard-of state is not evidence of anything; the caller treats it as unknown.
      throw new ProviderError('unknown', 'UNKNOWN_TRADE_STATUS', `Alipay reported trade_status ${JSON.stringify(tradeStatus)}`);
  }
}

export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An amount field in fen, or undefined when absent; a malformed amount fails verification. */
export function amountField(body: Record<string, unknown>, name: string, allowNegative = false): number | undefined {
  const value = stringField(body, name);
  if (value === undefined) return undefined;
  try {
    return yuanToFen(value, { allowNegative });
  } catch (error) {
    if (error instanceof YuanFormatError) {
      throw new ProviderError('verification', 'BAD_AMOUNT', `Alipay sent ${name}=${JSON.stringify(value)}, not a yuan amount`, { field: name });
    }
    throw error;
  }
}

/** A reply about another order than the one we asked for is never acted upon. */
export function requireSameTrade(body: Record<string, unknown>, outTradeNo: string, method: string): void {
  const reported = stringField(body, 'out_trade_no');
  if (reported !== undefined && reported !== outTradeNo) {
    throw new ProviderError('verification', 'OUT_TRADE_NO_MISMATCH', `Alipay ${method} answered for ${reported}, asked ${outTradeNo}`, {
      method,
      expected: outTradeNo,
      reported,
    });
  }
}

/** TradeInfo from a trade.query / trade.pay body or a notification. */
export function tradeInfoFrom(body: Record<string, unknown>, outTradeNo: string, providerState: string): TradeInfo {
  const status = tradeStatusOf(providerState);
  const totalFen = amountField(body, 'total_amount');
  const providerTradeNo = stringField(body, 'trade_no');
  const paidAt = alipayTimeToIso(body.gmt_payment) ?? alipayTimeToIso(body.send_pay_date);
  const info: TradeInfo = { status, providerState, outTradeNo };
  if (providerTradeNo) info.providerTradeNo = providerTradeNo;
  if (totalFen !== undefined) info.totalFen = totalFen;
  if (status === 'success' && paidAt) info.paidAt = paidAt;
  if (status === 'closed' && paidAt) {
    // A closed trade with a payment time had been paid: Alipay closes a paid trade only once it is
    // fully refunded (§5.2), so everything received went back.
    info.paidAt = paidAt;
    const received = amountField(body, 'receipt_amount');
    const refunded = received !== undefined && received > 0 ? received : totalFen;
    if (refunded !== undefined) info.refundedFen = refunded;
  }
  const description = stringField(body, 'sub_msg');
  if (description) info.description = description;
  return info;
}
