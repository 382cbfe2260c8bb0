import { TillError } from '../api/errors';
import type { ProviderName } from './provider';

/**
 * Which provider a customer's payment code (付款码) belongs to, from its prefix and length
 * (payment-protocols.md §3.3): WeChat 18 digits starting 10–15; Alipay 16–24 digits starting
 * 25–30. Anything else (UnionPay 62…, a product barcode scanned by mistake, a truncated read) is
 * refused before any network call, so a bad scan can never reach a provider.
 */
export function providerForAuthCode(raw: string): { provider: ProviderName; authCode: string } {
  const authCode = raw.trim();
  if (!/^\d+$/.test(authCode)) throw new TillError('PAYMENT_CODE_INVALID', { tail: tail(authCode) });
  const prefix = Number(authCode.slice(0, 2));
  if (authCode.length === 18 && prefix >= 10 && prefix <= 15) return { provider: 'wechat', authCode };
  if (authCode.length >= 16 && authCode.length <= 24 && prefix >= 25 && prefix <= 30) return { provider: 'alipay', authCode };
  throw new TillError('PAYMENT_CODE_INVALID', { tail: tail(authCode) });
}

/** Only the last four digits are ever stored or shown: a payment code is a bearer credential. */
export function tail(authCode: string): string {
  return authCode.slice(-4);
}
