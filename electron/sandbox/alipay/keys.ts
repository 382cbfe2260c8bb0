/**
 * Key material for an Alipay sandbox and the matching client configuration, made in one call so demo
 * mode and tests can wire the real client to the sandbox without touching a PEM by hand.
 *
 * Two independent RSA-2048 pairs, as in production: the app's key (the client signs requests with the
 * private half, the sandbox verifies with the public half, which a merchant uploads to the Alipay
 * console) and the "Alipay" key (the sandbox signs answers and notifications, the client verifies with
 * the public half, which a merchant downloads). Plus an app id and a seller id (PID).
 */
import { type AlipayConfigInput } from '../../payments/alipay/config';
import { generateRsaKeyPair, randomDigits } from '../common/keys';

export interface AlipaySandboxKeys {
  appId: string;
  /** Merchant PID, 2088 + 12 digits. */
  sellerId: string;
  app: { privateKeyPem: string; publicKeyPem: string };
  alipay: { privateKeyPem: string; publicKeyPem: string };
}

export interface GenerateKeysOptions {
  appId?: string;
  sellerId?: string;
}

export async function generateAlipaySandboxKeys(options: GenerateKeysOptions = {}): Promise<AlipaySandboxKeys> {
  const [app, alipay] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  return {
    appId: options.appId ?? `2021${randomDigits(12)}`,
    sellerId: options.sellerId ?? `2088${randomDigits(12)}`,
    app: { privateKeyPem: app.privateKeyPem, publicKeyPem: app.publicKeyPem },
    alipay: { privateKeyPem: alipay.privateKeyPem, publicKeyPem: alipay.publicKeyPem },
  };
}

export interface ClientConfigOptions {
  /** The sandbox's /gateway.do URL. */
  gateway: string;
  notifyUrl?: string;
  timeoutMs?: number;
  qrTimeoutExpress?: string;
}

/** The client configuration that matches `keys` (inline PEMs, so nothing touches the disk). */
export function alipayClientConfigFor(keys: AlipaySandboxKeys, options: ClientConfigOptions): AlipayConfigInput {
  return {
    gateway: options.gateway,
    appId: keys.appId,
    appPrivateKey: keys.app.privateKeyPem,
    alipayPublicKey: keys.alipay.publicKeyPem,
    sellerId: keys.sellerId,
    ...(options.notifyUrl ? { notifyUrl: options.notifyUrl } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.qrTimeoutExpress ? { qrTimeoutExpress: options.qrTimeoutExpress } : {}),
  };
}

/** Generates sandbox keys and returns them with a function that builds the matching client config. */
export async function generateAlipaySandboxPair(options: GenerateKeysOptions = {}) {
  const keys = await generateAlipaySandboxKeys(options);
  return { keys, clientConfig: (config: ClientConfigOptions) => alipayClientConfigFor(keys, config) };
}
