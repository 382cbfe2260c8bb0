/**
 * Request signing, WECHATPAY2-SHA256-RSA2048 (payment-protocols.md §1.1).
 *
 * The canonical URL is the path plus `?query` exactly as sent on the wire (already escaped) and the
 * body is the exact bytes sent, so callers must sign the very strings they hand to fetch.
 */
import { createSign, randomInt, type KeyObject } from 'node:crypto';

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

/** METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n — five lines, each ending in \n (a GET ends with \n\n). */
export function buildRequestSignMessage(method: string, canonicalUrl: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${canonicalUrl}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** Base64 RSASSA-PKCS1-v1_5 / SHA-256 over the UTF-8 message. */
export function signMessage(message: string, privateKey: KeyObject | string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

const NONCE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 32 characters from [0-9A-Za-z], as the official SDKs generate. */
export function randomNonce(): string {
  let nonce = '';
  for (let i = 0; i < 32; i += 1) nonce += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)];
  return nonce;
}

export interface AuthorizationInput {
  mchid: string;
  merchantSerial: string;
  privateKey: KeyObject | string;
  method: string;
  canonicalUrl: string;
  body: string;
  /** Unix seconds. */
  timestamp: number;
  nonce: string;
}

/** The full `Authorization` header value. Parameter order follows wechatpay-go; the server accepts any order. */
export function buildAuthorization(input: AuthorizationInput): string {
  const timestamp = String(input.timestamp);
  const message = buildRequestSignMessage(input.method, input.canonicalUrl, timestamp, input.nonce, input.body);
  const signature = signMessage(message, input.privateKey);
  return (
    `${AUTH_SCHEMA} mchid="${input.mchid}",nonce_str="${input.nonce}",timestamp="${timestamp}",` +
    `serial_no="${input.merchantSerial}",signature="${signature}"`
  );
}
