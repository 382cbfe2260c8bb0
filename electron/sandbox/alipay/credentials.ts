/**
 * Matching key material for the sandbox and the client: the app's key pair (the client signs with
 * the private half, the sandbox verifies with the public half) and the "Alipay" key pair (the
 * sandbox signs responses and notifications, the client verifies), plus app id and seller id.
 */
import { type AlipayConfigInput } from '../../payments/alipay/config';
import { generateRsaKeyPair, randomDigits } from '../common/keys';

export interface AlipaySandboxCredentials {
  appId: string;
  /** Merchant PID, 2088 + 12 digits. */
  sellerId: string;
  appPrivateKeyPem: string;
  appPublicKeyPem: string;
  alipayPrivateKeyPem: string;
  alipayPublicKeyPem: string;
}

export async function generateAlipaySandboxCredentials(): Promise<AlipaySandboxCredentials> {
  const [app, alipay] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  return {
    appId: `2021${randomDigits(12)}`,
    sellerId: `2088${randomDigits(12)}`,
    appPrivateKeyPem: app.privateKeyPem,
    appPublicKeyPem: app.publicKeyPem,
    alipayPrivateKeyPem: alipay.privateKeyPem,
    alipayPublicKeyPem: alipay.publicKeyPem,
  };
}

/** Client settings that talk to a sandbox at `gatewayUrl` with these credentials. */
export function alipayClientConfigFor(
  credentials: AlipaySandboxCredentials,
  gatewayUrl: string,
  overrides: Partial<AlipayConfigInput> = {},
): AlipayConfigInput {
  return {
    gateway: gatewayUrl,
    appId: credentials.appId,
    appPrivateKey: credentials.appPrivateKeyPem,
    alipayPublicKey: credentials.alipayPublicKeyPem,
    sellerId: credentials.sellerId,
    ...overrides,
  };
}
