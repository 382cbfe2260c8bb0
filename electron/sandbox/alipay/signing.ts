/**
 * The Alipay side of the v2 signatures (payment-protocols.md §4.1, §4.2, §4.4), written
 * independently of alipay-sdk so the client is checked against the rules, not against itself.
 */
import { createSign, createVerify, type KeyObject } from 'node:crypto';

export type SignType = 'RSA2' | 'RSA';

const ALGORITHM: Record<SignType, string> = { RSA2: 'RSA-SHA256', RSA: 'RSA-SHA1' };

export function isSignType(value: unknown): value is SignType {
  return value === 'RSA2' || value === 'RSA';
}

function sortedContent(params: Record<string, string>, excluded: readonly string[]): string {
  return Object.keys(params)
    .filter((key) => !excluded.includes(key) && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

/** What the gateway signs a request over: every param but `sign`, empties dropped, `sign_type` KEPT. */
export function requestSignContent(params: Record<string, string>): string {
  return sortedContent(params, ['sign']);
}

/** What Alipay signs a notification over: `sign` AND `sign_type` excluded, empties dropped. */
export function notificationSignContent(params: Record<string, string>): string {
  return sortedContent(params, ['sign', 'sign_type']);
}

export function rsaSign(content: string, key: KeyObject, signType: SignType = 'RSA2'): string {
  return createSign(ALGORITHM[signType]).update(content, 'utf8').sign(key, 'base64');
}

export function rsaVerify(content: string, signature: string, key: KeyObject, signType: SignType = 'RSA2'): boolean {
  try {
    return createVerify(ALGORITHM[signType]).update(content, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** JSON as the real gateway writes it: '/' escaped as '\/' (valid JSON, and it is what gets signed). */
export function gatewayJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('/', '\\/');
}

export interface EnvelopeOptions {
  /** Alter the body after signing (a response tampered with in transit). */
  tamper?: boolean;
}

/**
 * `{"<method>_response":{…},"sign":"…"}` — the signature covers the exact raw text of the inner
 * object, which is then embedded verbatim.
 */
export function signedEnvelope(responseKey: string, body: Record<string, unknown>, key: KeyObject, options: EnvelopeOptions = {}): string {
  const inner = gatewayJson(body);
  const sign = rsaSign(inner, key);
  const sent = options.tamper ? inner.replace(/}$/, ',"tampered":"1"}') : inner;
  return `{${JSON.stringify(responseKey)}:${sent},"sign":${JSON.stringify(sign)}}`;
}

/** The response member name for a method: alipay.trade.pay → alipay_trade_pay_response. */
export function responseKeyOf(method: string): string {
  return `${method.replaceAll('.', '_')}_response`;
}
