/**
 * Key material for a WeChat Pay sandbox and the matching client configuration, made in one call so
 * demo mode and tests can wire the real client to the sandbox without touching a PEM by hand.
 *
 * Three independent RSA-2048 pairs, as in production: the merchant's API key (the sandbox verifies
 * request signatures with its public half), the platform certificate (certificate mode) and the
 * WeChat Pay public key (public-key mode, `PUB_KEY_ID_…`). The APIv3 key is 32 random characters.
 */
import type { WechatPayConfigInput } from '../../payments/wechatpay/config';
import { generateRsaKeyPair, randomAlphanumeric, randomDigits, randomSerialHex } from '../common/keys';
import { createSelfSignedCertificatePem } from '../common/x509';

export interface WechatSandboxKeys {
  mchid: string;
  appid: string;
  merchant: { serial: string; privateKeyPem: string; publicKeyPem: string };
  platformCertificate: { serial: string; privateKeyPem: string; certificatePem: string };
  publicKey: { id: string; privateKeyPem: string; publicKeyPem: string };
  /** 32 ASCII characters. */
  apiV3Key: string;
}

export interface GenerateKeysOptions {
  mchid?: string;
  appid?: string;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export async function generateWechatSandboxKeys(options: GenerateKeysOptions = {}): Promise<WechatSandboxKeys> {
  const [merchant, platform, publicKey] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair(), generateRsaKeyPair()]);
  const mchid = options.mchid ?? `19${randomDigits(8)}`;
  const platformSerial = randomSerialHex();
  const now = Date.now();
  return {
    mchid,
    appid: options.appid ?? `wx${randomAlphanumeric(16).toLowerCase()}`,
    merchant: { serial: randomSerialHex(), privateKeyPem: merchant.privateKeyPem, publicKeyPem: merchant.publicKeyPem },
    platformCertificate: {
      serial: platformSerial,
      privateKeyPem: platform.privateKeyPem,
      certificatePem: createSelfSignedCertificatePem({
        serialHex: platformSerial,
        commonName: 'Tenpay.com Root CA (sandbox)',
        organization: '财付通支付科技有限公司 (sandbox)',
        publicKey: platform.publicKey,
        privateKey: platform.privateKey,
        notBefore: new Date(now - 24 * 60 * 60 * 1000),
        notAfter: new Date(now + 5 * YEAR_MS),
      }),
    },
    publicKey: { id: `PUB_KEY_ID_01${mchid}${randomDigits(12)}`, privateKeyPem: publicKey.privateKeyPem, publicKeyPem: publicKey.publicKeyPem },
    apiV3Key: randomAlphanumeric(32),
  };
}

export interface ClientConfigOptions {
  baseUrl: string;
  notifyUrl?: string;
  /** Which verification keys the client gets: both (migration), only the public key, or only the certificate. */
  verification?: 'both' | 'publicKey' | 'certificate';
  requestTimeoutMs?: number;
}

/** The client configuration that matches `keys` (inline PEMs, so nothing touches the disk). */
export function wechatClientConfigFor(keys: WechatSandboxKeys, options: ClientConfigOptions): WechatPayConfigInput {
  const verification = options.verification ?? 'both';
  return {
    baseUrl: options.baseUrl,
    appid: keys.appid,
    mchid: keys.mchid,
    merchantSerial: keys.merchant.serial,
    merchantPrivateKeyPem: keys.merchant.privateKeyPem,
    apiV3Key: keys.apiV3Key,
    ...(verification !== 'publicKey' ? { platformCertificates: { [keys.platformCertificate.serial]: keys.platformCertificate.certificatePem } } : {}),
    ...(verification !== 'certificate' ? { wechatpayPublicKey: { id: keys.publicKey.id, pem: keys.publicKey.publicKeyPem } } : {}),
    ...(options.notifyUrl ? { notifyUrl: options.notifyUrl } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  };
}

/** Generates sandbox keys and returns them with a function that builds the matching client config. */
export async function generateWechatSandboxPair(options: GenerateKeysOptions = {}) {
  const keys = await generateWechatSandboxKeys(options);
  return { keys, clientConfig: (config: ClientConfigOptions) => wechatClientConfigFor(keys, config) };
}
