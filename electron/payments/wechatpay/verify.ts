/**
 * Verification of WeChat Pay's signed responses and notifications (payment-protocols.md §1.2).
 *
 * One function serves both, because both sign `TIMESTAMP\nNONCE\nBODY\n` over the raw bytes. The key
 * is chosen by `Wechatpay-Serial`: a `PUB_KEY_ID_…` value selects the WeChat Pay public key, anything
 * else a platform certificate by hex serial. An unknown serial is refused rather than triggering a
 * certificate refresh, so a forger cannot make us fetch keys in a loop.
 */
import { createVerify, type KeyObject } from 'node:crypto';
import { ProviderError } from '../provider';

/** Clock skew beyond which a signature is refused; go uses `>= 5 min`, so do we. */
export const MAX_SIGNATURE_AGE_SECONDS = 300;
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';
export const PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';

export interface WechatVerificationKeys {
  /** WeChat Pay public key mode: the key and its `PUB_KEY_ID_…`. */
  publicKey?: { id: string; key: KeyObject };
  /** Platform certificate mode: upper-case hex serial → the certificate's public key. */
  certificates: ReadonlyMap<string, KeyObject>;
}

export interface SignedMessage {
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** The raw body exactly as received; empty for a 204. */
  body: string | Buffer;
}

export function normalizeSerial(serial: string): string {
  return serial.trim().toUpperCase();
}

function fail(code: string, message: string): never {
  throw new ProviderError('verification', code, message);
}

export function selectVerificationKey(serial: string, keys: WechatVerificationKeys): KeyObject {
  if (serial.startsWith(PUBLIC_KEY_ID_PREFIX)) {
    if (keys.publicKey && keys.publicKey.id === serial) return keys.publicKey.key;
    return fail('UNKNOWN_SERIAL', `unknown WeChat Pay public key id ${serial}`);
  }
  const key = keys.certificates.get(normalizeSerial(serial));
  if (!key) return fail('UNKNOWN_SERIAL', `unknown platform certificate serial ${serial}`);
  return key;
}

/**
 * Throws ProviderError('verification') unless the message carries a fresh, valid signature from a key
 * we hold. `nowSeconds` comes from the caller's injectable clock.
 */
export function verifyWechatSignature(message: SignedMessage, keys: WechatVerificationKeys, nowSeconds: number): void {
  const timestamp = message.headers['wechatpay-timestamp'];
  const nonce = message.headers['wechatpay-nonce'];
  const signature = message.headers['wechatpay-signature'];
  const serial = message.headers['wechatpay-serial'];
  if (!timestamp || !nonce || !signature || !serial) {
    return fail('MISSING_SIGNATURE_HEADERS', 'response lacks one of Wechatpay-Timestamp/-Nonce/-Signature/-Serial');
  }
  // Probes are deliberately invalid; refuse them by name so the log says why.
  if (signature.startsWith(SIGNTEST_PREFIX)) return fail('SIGNTEST_PROBE', 'WeChat Pay signature probe (WECHATPAY/SIGNTEST/)');
  if (!/^\d+$/.test(timestamp)) return fail('BAD_TIMESTAMP', `Wechatpay-Timestamp is not a number: ${timestamp}`);
  if (Math.abs(nowSeconds - Number(timestamp)) >= MAX_SIGNATURE_AGE_SECONDS) {
    return fail('STALE_TIMESTAMP', `Wechatpay-Timestamp ${timestamp} is ${MAX_SIGNATURE_AGE_SECONDS}s or more away from now (${nowSeconds})`);
  }
  const key = selectVerificationKey(serial, keys);
  const body = typeof message.body === 'string' ? Buffer.from(message.body, 'utf8') : message.body;
  const signed = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), body, Buffer.from('\n', 'utf8')]);
  let valid = false;
  try {
    valid = createVerify('RSA-SHA256').update(signed).verify(key, signature, 'base64');
  } catch {
    valid = false;
  }
  if (!valid) fail('BAD_SIGNATURE', `signature does not verify with key ${serial}`);
}
