/**
 * WeChat Pay client configuration: the zod schema of what a merchant enters, and its resolution into
 * ready-to-use key objects. Resolution fails early with ProviderError('config') so a typo in a key
 * shows up when settings are saved, not in the middle of a sale. Error texts never contain key
 * material or the APIv3 key.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ProviderError } from '../provider';
import { normalizeSerial, PUBLIC_KEY_ID_PREFIX, type WechatVerificationKeys } from './verify';

export const DEFAULT_WECHATPAY_BASE_URL = 'https://api.mch.weixin.qq.com';
/** Points every WeChat client of this process at another host (the sandbox, a proxy). */
export const BASE_URL_ENV = 'TILL_WECHATPAY_BASE_URL';

export const wechatPayConfigSchema = z
  .object({
    baseUrl: z.url().optional(),
    appid: z.string().min(1),
    mchid: z.string().min(1),
    /** Serial of the merchant API certificate, hex. */
    merchantSerial: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'merchantSerial must be the hex serial of the merchant API certificate'),
    merchantPrivateKeyPem: z.string().min(1).optional(),
    merchantPrivateKeyPath: z.string().min(1).optional(),
    /** The APIv3 key: 32 ASCII characters, used as the AES-256-GCM key. */
    apiV3Key: z.string().refine((key) => Buffer.byteLength(key, 'utf8') === 32, 'apiV3Key must be exactly 32 bytes'),
    /** Platform certificates (certificate mode): hex serial → certificate PEM. */
    platformCertificates: z.record(z.string(), z.string().min(1)).optional(),
    /** Platform certificate files; the serial is read from each certificate. */
    platformCertificatePaths: z.array(z.string().min(1)).optional(),
    /** WeChat Pay public key (public-key mode, merchants since 2024). */
    wechatpayPublicKey: z
      .object({
        id: z.string().startsWith(PUBLIC_KEY_ID_PREFIX),
        pem: z.string().min(1).optional(),
        path: z.string().min(1).optional(),
      })
      .refine((key) => Boolean(key.pem) !== Boolean(key.path), 'give exactly one of wechatpayPublicKey.pem and wechatpayPublicKey.path')
      .optional(),
    /** Default notify_url for Native orders and refunds (HTTPS, no query string in production). */
    notifyUrl: z.url().optional(),
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .refine((c) => Boolean(c.merchantPrivateKeyPem) !== Boolean(c.merchantPrivateKeyPath), {
    message: 'give exactly one of merchantPrivateKeyPem and merchantPrivateKeyPath',
  })
  .refine(
    (c) => Boolean(c.wechatpayPublicKey) || Object.keys(c.platformCertificates ?? {}).length > 0 || (c.platformCertificatePaths ?? []).length > 0,
    { message: 'give a WeChat Pay public key or at least one platform certificate' },
  );

export type WechatPayConfigInput = z.input<typeof wechatPayConfigSchema>;

export interface ResolvedWechatPayConfig {
  /** Without a trailing slash. */
  baseUrl: string;
  appid: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  apiV3Key: Buffer;
  verificationKeys: WechatVerificationKeys;
  notifyUrl?: string;
  requestTimeoutMs: number;
}

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  readFile?: (path: string) => string;
}

function configError(message: string): ProviderError {
  return new ProviderError('config', 'CONFIG_INVALID', `WeChat Pay config: ${message}`);
}

function loadPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw configError('merchant private key is not a readable PEM private key');
  }
  if (key.asymmetricKeyType !== 'rsa') throw configError('merchant private key must be RSA');
  return key;
}

function loadCertificate(pem: string, expectedSerial: string | undefined): [string, KeyObject] {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw configError(`platform certificate${expectedSerial ? ` ${expectedSerial}` : ''} is not a readable X.509 PEM`);
  }
  const serial = normalizeSerial(certificate.serialNumber);
  // The map key is what we match Wechatpay-Serial against, so it must be the certificate's own serial.
  if (expectedSerial !== undefined && normalizeSerial(expectedSerial) !== serial) {
    throw configError(`platform certificate listed under ${expectedSerial} has serial ${serial}`);
  }
  return [serial, certificate.publicKey];
}

function loadPublicKey(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch {
    throw configError('WeChat Pay public key is not a readable PEM public key');
  }
}

/** Validates raw settings and loads keys. Throws ProviderError('config') on any problem. */
export function resolveWechatPayConfig(input: unknown, sources: ConfigSources = {}): ResolvedWechatPayConfig {
  const parsed = wechatPayConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw configError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '));
  }
  const config = parsed.data;
  const env = sources.env ?? process.env;
  const readFile = sources.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const read = (path: string, what: string): string => {
    try {
      return readFile(path);
    } catch {
      throw configError(`cannot read ${what} file ${path}`);
    }
  };

  const certificates = new Map<string, KeyObject>();
  for (const [serial, pem] of Object.entries(config.platformCertificates ?? {})) {
    const [actual, key] = loadCertificate(pem, serial);
    certificates.set(actual, key);
  }
  for (const path of config.platformCertificatePaths ?? []) {
    const [serial, key] = loadCertificate(read(path, 'platform certificate'), undefined);
    certificates.set(serial, key);
  }
  const publicKey = config.wechatpayPublicKey
    ? {
        id: config.wechatpayPublicKey.id,
        key: loadPublicKey(config.wechatpayPublicKey.pem ?? read(config.wechatpayPublicKey.path ?? '', 'WeChat Pay public key')),
      }
    : undefined;

  const baseUrl = (env[BASE_URL_ENV] || config.baseUrl || DEFAULT_WECHATPAY_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw configError(`baseUrl must be an http(s) URL, got ${baseUrl}`);

  return {
    baseUrl,
    appid: config.appid,
    mchid: config.mchid,
    merchantSerial: normalizeSerial(config.merchantSerial),
    merchantPrivateKey: loadPrivateKey(config.merchantPrivateKeyPem ?? read(config.merchantPrivateKeyPath ?? '', 'merchant private key')),
    apiV3Key: Buffer.from(config.apiV3Key, 'utf8'),
    verificationKeys: { certificates, ...(publicKey ? { publicKey } : {}) },
    ...(config.notifyUrl ? { notifyUrl: config.notifyUrl } : {}),
    requestTimeoutMs: config.requestTimeoutMs,
  };
}
