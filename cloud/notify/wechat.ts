/**
 * WeChat Pay APIv3 notifications, verified and decrypted on node:crypto (payment-protocols.md §1.2,
 * §1.4, §2.7). Hand-written rather than shared with the till's client because the layer rule lets
 * cloud/ import nothing from the terminal side but electron/sync/wire.ts, and it is small:
 *
 *   1. all four Wechatpay-Timestamp/-Nonce/-Signature/-Serial headers present; SIGNTEST probes refused;
 *   2. |now − timestamp| < 300 s;
 *   3. key by Wechatpay-Serial: PUB_KEY_ID_… → the WeChat Pay public key, else a platform certificate;
 *   4. RSASSA-PKCS1-v1_5/SHA-256 over `timestamp\nnonce\nbody\n` with the RAW body bytes;
 *   5. resource decrypted with AEAD_AES_256_GCM (APIv3 key, resource nonce, associated_data).
 */
import { createDecipheriv, createPublicKey, createVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { NotificationRefused, type NormalisedNotification } from './types';

export const WECHAT_MAX_SKEW_SECONDS = 300;
const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';
const PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';

export interface WechatStoreConfig {
  mchid: string;
  appid: string;
  platformPublicKeyId?: string;
  platformPublicKeyPem?: string;
  /** Platform certificate serial (hex) → certificate PEM. */
  platformCertificates?: Record<string, string>;
}

export interface WechatVerificationKeys {
  publicKey?: { id: string; key: KeyObject };
  certificates: Map<string, KeyObject>;
}

export function wechatKeysFrom(config: WechatStoreConfig): WechatVerificationKeys {
  const certificates = new Map<string, KeyObject>();
  for (const [serial, pem] of Object.entries(config.platformCertificates ?? {})) {
    certificates.set(serial.trim().toUpperCase(), new X509Certificate(pem).publicKey);
  }
  const publicKey =
    config.platformPublicKeyId && config.platformPublicKeyPem ? { id: config.platformPublicKeyId, key: createPublicKey(config.platformPublicKeyPem) } : undefined;
  return { ...(publicKey ? { publicKey } : {}), certificates };
}

const refuse = (status: number, code: string, message: string): never => {
  throw new NotificationRefused(status, code, message);
};

/** Throws NotificationRefused unless the headers carry a fresh, valid signature over the raw body. */
export function verifyWechatSignature(headers: Record<string, string | string[] | undefined>, rawBody: Buffer, keys: WechatVerificationKeys, nowSeconds: number): void {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const timestamp = header('wechatpay-timestamp');
  const nonce = header('wechatpay-nonce');
  const signature = header('wechatpay-signature');
  const serial = header('wechatpay-serial');
  if (!timestamp || !nonce || !signature || !serial) return refuse(401, 'SIGNATURE_HEADERS_MISSING', 'Wechatpay-Timestamp/-Nonce/-Signature/-Serial required');
  if (signature.startsWith(SIGNTEST_PREFIX)) return refuse(401, 'SIGNTEST_PROBE', 'signature probe refused');
  if (!/^\d{1,12}$/.test(timestamp)) return refuse(401, 'BAD_TIMESTAMP', 'Wechatpay-Timestamp is not a number');
  if (Math.abs(nowSeconds - Number(timestamp)) >= WECHAT_MAX_SKEW_SECONDS) return refuse(401, 'STALE_TIMESTAMP', 'Wechatpay-Timestamp outside the 300 s window');
  let key: KeyObject | undefined;
  if (serial.startsWith(PUBLIC_KEY_ID_PREFIX)) key = keys.publicKey?.id === serial ? keys.publicKey.key : undefined;
  else key = keys.certificates.get(serial.trim().toUpperCase());
  if (!key) return refuse(401, 'UNKNOWN_SERIAL', `no key for Wechatpay-Serial ${serial}`);
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), rawBody, Buffer.from('\n', 'utf8')]);
  let valid = false;
  try {
    valid = createVerify('RSA-SHA256').update(message).verify(key, signature, 'base64');
  } catch {
    valid = false;
  }
  if (!valid) refuse(401, 'BAD_SIGNATURE', 'signature does not verify');
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/**
 * AEAD_AES_256_GCM: key = the APIv3 key's ASCII bytes, ciphertext = base64(ct ‖ 16-byte tag).
 * (A 16-byte key gives AES-128-GCM: only the official test vector uses one; stores must have 32.)
 */
export function decryptWechatResource(apiV3Key: string | Buffer, resource: EncryptedResource): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') return refuse(400, 'UNSUPPORTED_ALGORITHM', `resource algorithm ${resource.algorithm}`);
  const key = Buffer.isBuffer(apiV3Key) ? apiV3Key : Buffer.from(apiV3Key, 'utf8');
  if (![16, 24, 32].includes(key.length)) return refuse(500, 'BAD_API_V3_KEY', 'APIv3 key has the wrong length');
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < 17) return refuse(400, 'BAD_CIPHERTEXT', 'ciphertext too short');
  try {
    const decipher = createDecipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return refuse(400, 'DECRYPTION_FAILED', 'resource does not decrypt with the APIv3 key');
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (record: Record<string, unknown>, key: string): string | undefined => (typeof record[key] === 'string' && record[key] !== '' ? (record[key] as string) : undefined);
const fenOf = (value: unknown): number | undefined => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined);

/**
 * Verified + decrypted + checked against the store's merchant: the notification in the cloud's own
 * shape, or `undefined` for an event type the till does not use (acknowledged, not relayed).
 */
export function readWechatNotification(
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer,
  config: WechatStoreConfig & { apiV3Key: string },
  nowSeconds: number,
): NormalisedNotification | undefined {
  verifyWechatSignature(headers, rawBody, wechatKeysFrom(config), nowSeconds);
  let envelope: unknown;
  try {
    envelope = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return refuse(400, 'MALFORMED', 'body is not JSON');
  }
  if (!isRecord(envelope) || !isRecord(envelope.resource) || typeof envelope.id !== 'string' || typeof envelope.event_type !== 'string') {
    return refuse(400, 'MALFORMED', 'not a notification envelope');
  }
  const resourceIn = envelope.resource;
  if (typeof resourceIn.ciphertext !== 'string' || typeof resourceIn.nonce !== 'string' || typeof resourceIn.algorithm !== 'string') {
    return refuse(400, 'MALFORMED', 'resource incomplete');
  }
  const plaintext = decryptWechatResource(config.apiV3Key, {
    algorithm: resourceIn.algorithm,
    ciphertext: resourceIn.ciphertext,
    nonce: resourceIn.nonce,
    ...(typeof resourceIn.associated_data === 'string' ? { associated_data: resourceIn.associated_data } : {}),
  });
  let resource: unknown;
  try {
    resource = JSON.parse(plaintext);
  } catch {
    return refuse(400, 'MALFORMED', 'resource is not JSON');
  }
  if (!isRecord(resource)) return refuse(400, 'MALFORMED', 'resource is not an object');
  const eventType = envelope.event_type;
  const isPayment = eventType === 'TRANSACTION.SUCCESS';
  const isRefund = eventType.startsWith('REFUND.');
  if (!isPayment && !isRefund) return undefined;

  if (str(resource, 'mchid') !== config.mchid) return refuse(403, 'MERCHANT_MISMATCH', `mchid ${str(resource, 'mchid') ?? '(none)'} is not this store's`);
  const appid = str(resource, 'appid');
  if (appid !== undefined && appid !== config.appid) return refuse(403, 'MERCHANT_MISMATCH', `appid ${appid} is not this store's`);
  const outTradeNo = str(resource, 'out_trade_no');
  if (!outTradeNo) return refuse(400, 'MALFORMED', 'out_trade_no missing');
  const amount = isRecord(resource.amount) ? resource.amount : {};
  const totalFen = fenOf(amount.total);
  if (totalFen === undefined || (isPayment && totalFen < 1)) return refuse(400, 'BAD_AMOUNT', 'amount.total is not a valid fen amount');
  const transactionId = str(resource, 'transaction_id');

  if (isPayment) {
    const state = str(resource, 'trade_state') ?? 'SUCCESS';
    return {
      provider: 'wechat',
      providerEventId: envelope.id,
      kind: 'payment',
      outTradeNo,
      outRefundNo: null,
      claimedState: state,
      providerTradeNo: transactionId ?? null,
      totalFen,
      refundFen: null,
      payload: { event_type: eventType, resource },
    };
  }
  const outRefundNo = str(resource, 'out_refund_no');
  if (!outRefundNo) return refuse(400, 'MALFORMED', 'out_refund_no missing');
  const refundFen = fenOf(amount.refund);
  if (refundFen === undefined || refundFen < 1 || refundFen > totalFen) return refuse(400, 'BAD_AMOUNT', 'amount.refund is not a valid fen amount');
  return {
    provider: 'wechat',
    providerEventId: envelope.id,
    kind: 'refund',
    outTradeNo,
    outRefundNo,
    claimedState: str(resource, 'refund_status') ?? eventType.slice('REFUND.'.length),
    providerTradeNo: transactionId ?? null,
    totalFen,
    refundFen,
    payload: { event_type: eventType, resource },
  };
}
