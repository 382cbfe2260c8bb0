/**
 * AEAD_AES_256_GCM resource decryption (payment-protocols.md §1.4).
 *
 * The cipher follows the key length: production APIv3 keys are 32 bytes (AES-256), but the official
 * wechatpay-go vectors use 16-byte keys, which only decrypt as AES-128-GCM.
 */
import { createDecipheriv } from 'node:crypto';
import { ProviderError } from '../provider';

const TAG_BYTES = 16;

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

function cipherFor(key: Buffer): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  switch (key.length) {
    case 16:
      return 'aes-128-gcm';
    case 24:
      return 'aes-192-gcm';
    case 32:
      return 'aes-256-gcm';
    default:
      throw new ProviderError('config', 'APIV3_KEY_LENGTH', `APIv3 key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
}

/** Decrypts Base64(ciphertext ‖ 16-byte tag); throws ProviderError('verification') if the tag fails. */
export function aeadDecrypt(key: Buffer | string, nonce: string, associatedData: string, ciphertextBase64: string): Buffer {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const sealed = Buffer.from(ciphertextBase64, 'base64');
  if (sealed.length < TAG_BYTES) throw new ProviderError('verification', 'DECRYPT_FAILED', 'ciphertext shorter than the GCM tag');
  const decipher = createDecipheriv(cipherFor(keyBytes), keyBytes, Buffer.from(nonce, 'utf8'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new ProviderError('verification', 'DECRYPT_FAILED', 'AEAD tag check failed (wrong APIv3 key or tampered resource)');
  }
}

/** Checks the algorithm, then decrypts the resource of a notification (or certificate) to UTF-8 text. */
export function decryptResource(key: Buffer | string, resource: EncryptedResource): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') {
    throw new ProviderError('verification', 'UNSUPPORTED_ALGORITHM', `unsupported resource algorithm ${resource.algorithm}`);
  }
  return aeadDecrypt(key, resource.nonce, resource.associated_data ?? '', resource.ciphertext).toString('utf8');
}
