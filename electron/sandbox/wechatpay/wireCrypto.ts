/**
 * The sandbox's half of the wire cryptography: checking the merchant's Authorization header, signing
 * our answers and notifications with the platform key, and sealing notification resources.
 *
 * Deliberately written apart from the client's sign/verify modules: if both sides shared one helper,
 * a mistake in it (a missing "\n", the wrong URL form) would agree with itself and every test would pass.
 */
import { createCipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { randomAlphanumeric } from '../common/keys';

export interface ParsedAuthorization {
  mchid: string;
  serialNo: string;
  nonce: string;
  timestamp: string;
  signature: string;
}

const SCHEMA = 'WECHATPAY2-SHA256-RSA2048 ';

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header || !header.startsWith(SCHEMA)) return undefined;
  const fields = new Map<string, string>();
  for (const match of header.slice(SCHEMA.length).matchAll(/(\w+)="([^"]*)"/g)) {
    if (match[1] !== undefined && match[2] !== undefined) fields.set(match[1], match[2]);
  }
  const mchid = fields.get('mchid');
  const serialNo = fields.get('serial_no');
  const nonce = fields.get('nonce_str');
  const timestamp = fields.get('timestamp');
  const signature = fields.get('signature');
  if (!mchid || !serialNo || !nonce || !timestamp || !signature) return undefined;
  return { mchid, serialNo, nonce, timestamp, signature };
}

/** What WeChat signs against: the method, the URL exactly as it arrived, and the raw body bytes. */
export function requestSignMessage(method: string, rawUrl: string, auth: ParsedAuthorization, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${method}\n${rawUrl}\n${auth.timestamp}\n${auth.nonce}\n`, 'utf8'), body, Buffer.from('\n')]);
}

export function verifyRsaSha256(message: Buffer, signatureBase64: string, publicKey: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKey, signatureBase64, 'base64');
  } catch {
    return false;
  }
}

export interface PlatformSigner {
  /** Certificate serial (hex) or PUB_KEY_ID_…; goes into Wechatpay-Serial. */
  serial: string;
  privateKey: KeyObject;
}

export interface SignatureHeaders {
  'Wechatpay-Timestamp': string;
  'Wechatpay-Nonce': string;
  'Wechatpay-Signature': string;
  'Wechatpay-Serial': string;
  'Wechatpay-Signature-Type': string;
}

/** Signs `TIMESTAMP\nNONCE\nBODY\n` (an empty body for 204). */
export function signatureHeaders(signer: PlatformSigner, body: Buffer | string, timestampSeconds: number): SignatureHeaders {
  const timestamp = String(timestampSeconds);
  const nonce = randomAlphanumeric(32);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), bytes, Buffer.from('\n')]);
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': createSign('RSA-SHA256').update(message).sign(signer.privateKey, 'base64'),
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

export interface SealedResource {
  original_type: string;
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

/** AEAD_AES_256_GCM with the 32-byte APIv3 key, a 12-character nonce and the given AAD. */
export function sealResource(apiV3Key: string, originalType: string, associatedData: string, plaintext: string): SealedResource {
  const nonce = randomAlphanumeric(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { original_type: originalType, algorithm: 'AEAD_AES_256_GCM', ciphertext: sealed.toString('base64'), associated_data: associatedData, nonce };
}

/** Flips bits in a valid signature: what a forger without our key would send. */
export function forgeSignature(validBase64: string): string {
  const bytes = Buffer.from(validBase64, 'base64');
  const index = bytes.length > 0 ? (randomBytes(1)[0] ?? 0) % bytes.length : 0;
  bytes[index] = (bytes[index] ?? 0) ^ 0x5a;
  return bytes.toString('base64');
}
