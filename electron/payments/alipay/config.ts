/**
 * Alipay client configuration: validated with zod, keys resolved from PEM text, Alipay's bare
 * base64 export, or a file path, and normalised so alipay-sdk receives exactly the key format it
 * expects (it guesses PKCS#1 vs PKCS#8 from `keyType`, and silently mangles the other one).
 *
 * Never log an AlipayConfig: it holds the app private key.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ProviderError } from '../provider';

export const DEFAULT_ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do';
/** Points the client at another v2 gateway (the local sandbox in demo mode). */
export const ALIPAY_GATEWAY_ENV = 'TILL_ALIPAY_GATEWAY';

export const alipayConfigSchema = z.object({
  /** v2 gateway URL; `TILL_ALIPAY_GATEWAY` wins over this, the production gateway is the default. */
  gateway: z.url({ protocol: /^https?$/ }).optional(),
  appId: z.string().regex(/^[0-9]{1,32}$/, 'app_id is digits'),
  /** App private key: PEM (PKCS#1 or PKCS#8), Alipay's bare base64 export, or a path to either. */
  appPrivateKey: z.string().min(1),
  /** The *Alipay* public key (not the app's): PEM, bare base64, or a path to either. */
  alipayPublicKey: z.string().min(1),
  /** Merchant PID (2088…); when set, notifications for another seller are rejected. */
  sellerId: z.string().regex(/^2088[0-9]{12}$/, 'seller_id is 2088 followed by 12 digits').optional(),
  /** Default notify_url for precreate / pay / refund. */
  notifyUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** HTTP timeout of one gateway call. */
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
  /** Upper bound of a merchant QR's life (Alipay timeout_express: minutes, hours or days). */
  qrTimeoutExpress: z.string().regex(/^[1-9][0-9]*[mhd]$/, 'like 5m, 2h or 1d').default('5m'),
});

export type AlipayConfigInput = z.input<typeof alipayConfigSchema>;

export interface AlipayConfig {
  gateway: string;
  appId: string;
  /** PKCS#1 PEM, the SDK's default key type. */
  appPrivateKeyPem: string;
  /** SPKI PEM. */
  alipayPublicKeyPem: string;
  sellerId?: string;
  notifyUrl?: string;
  timeoutMs: number;
  qrTimeoutExpress: string;
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  readFile?: (path: string) => string;
}

function configError(message: string): ProviderError {
  return new ProviderError('config', 'INVALID_CONFIG', `Alipay configuration: ${message}`);
}

const BARE_BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** PEM text as is; bare base64 as DER; anything else is a file path whose content is read. */
function keyMaterial(value: string, what: string, readFile: (path: string) => string): { pem?: string; der?: Buffer } {
  const text = value.trim();
  if (text.includes('-----BEGIN')) return { pem: text };
  // Alipay's key tool exports keys as one long base64 line; a path is never 200+ base64 chars.
  if (text.length >= 200 && BARE_BASE64.test(text)) return { der: Buffer.from(text.replace(/\s+/g, ''), 'base64') };
  let content: string;
  try {
    content = readFile(text);
  } catch {
    // The path may be sensitive-ish but is not a secret; the key content never reaches a message.
    throw configError(`${what} is neither PEM, base64, nor a readable file (${text})`);
  }
  return keyMaterial(content, what, () => {
    throw configError(`${what} file does not contain a key`);
  });
}

function loadPrivateKey(value: string, readFile: (path: string) => string): KeyObject {
  const { pem, der } = keyMaterial(value, 'appPrivateKey', readFile);
  const attempts: Array<() => KeyObject> = pem
    ? [() => createPrivateKey(pem)]
    : [
        () => createPrivateKey({ key: der!, format: 'der', type: 'pkcs8' }),
        () => createPrivateKey({ key: der!, format: 'der', type: 'pkcs1' }),
      ];
  for (const attempt of attempts) {
    try {
      const key = attempt();
      if (key.asymmetricKeyType === 'rsa') return key;
    } catch {
      // try the next encoding
    }
  }
  throw configError('appPrivateKey is not an RSA private key');
}

function loadPublicKey(value: string, readFile: (path: string) => string): KeyObject {
  const { pem, der } = keyMaterial(value, 'alipayPublicKey', readFile);
  try {
    const key = pem ? createPublicKey(pem) : createPublicKey({ key: der!, format: 'der', type: 'spki' });
    if (key.asymmetricKeyType === 'rsa') return key;
  } catch {
    // fall through
  }
  throw configError('alipayPublicKey is not an RSA public key');
}

export function loadAlipayConfig(input: AlipayConfigInput, options: LoadConfigOptions = {}): AlipayConfig {
  const parsed = alipayConfigSchema.safeParse(input);
  if (!parsed.success) {
    // Paths and messages only: zod issues do not carry the (secret) input values.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw configError(problems.join('; '));
  }
  const value = parsed.data;
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));

  const envGateway = env[ALIPAY_GATEWAY_ENV]?.trim();
  if (envGateway && !z.url({ protocol: /^https?$/ }).safeParse(envGateway).success) {
    throw configError(`${ALIPAY_GATEWAY_ENV} is not an http(s) URL`);
  }

  const privateKey = loadPrivateKey(value.appPrivateKey, readFile);
  const publicKey = loadPublicKey(value.alipayPublicKey, readFile);
  return {
    gateway: envGateway || value.gateway || DEFAULT_ALIPAY_GATEWAY,
    appId: value.appId,
    appPrivateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    alipayPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ...(value.sellerId ? { sellerId: value.sellerId } : {}),
    ...(value.notifyUrl ? { notifyUrl: value.notifyUrl } : {}),
    timeoutMs: value.timeoutMs,
    qrTimeoutExpress: value.qrTimeoutExpress,
  };
}

/** Minutes in a timeout_express value ("5m" → 5, "2h" → 120, "1d" → 1440). */
export function timeoutExpressMinutes(value: string): number {
  const match = /^([1-9][0-9]*)([mhd])$/.exec(value);
  if (!match) throw new RangeError(`not a timeout_express: ${value}`);
  const amount = Number.parseInt(match[1]!, 10);
  return match[2] === 'm' ? amount : match[2] === 'h' ? amount * 60 : amount * 1440;
}
