import { createWechatPayClient } from './wechatpay';
import { createAlipayClient } from './alipay';
import type { ProviderRegistry } from './registry';
import type { SecretVault } from './secrets';
import type { ProviderName } from './provider';

/**
 * Builds the live provider clients from the non-secret settings (`payments.wechat`,
 * `payments.alipay`: ids, serials, gateway/base URL, platform certificates or public key, notify
 * URLs, or key *file paths*) plus the secrets held encrypted in the vault. Environment overrides
 * (TILL_WECHATPAY_BASE_URL, TILL_ALIPAY_GATEWAY) are applied by the clients themselves, so the
 * same code talks to the real hosts, the sandbox or any server that speaks the protocol.
 */
export interface ConfigureResult {
  configured: ProviderName[];
  /** Provider → why it could not be configured (never containing key material). */
  errors: Partial<Record<ProviderName, string>>;
}

type Settings = Record<string, unknown> | null;

export function configureProviders(
  registry: ProviderRegistry,
  settings: { wechat: Settings; alipay: Settings },
  vault: SecretVault | undefined,
  env: Record<string, string | undefined> = process.env,
): ConfigureResult {
  const result: ConfigureResult = { configured: [], errors: {} };
  const attempt = (name: ProviderName, build: () => void) => {
    try {
      build();
      result.configured.push(name);
    } catch (error) {
      registry.set(name, undefined);
      result.errors[name] = error instanceof Error ? error.message : String(error);
    }
  };
  if (settings.wechat) {
    const wechat = settings.wechat;
    attempt('wechat', () => {
      const merchantPrivateKeyPem = wechat.merchantPrivateKeyPath ? undefined : vault?.reveal('wechat.merchantPrivateKey');
      const apiV3Key = vault?.reveal('wechat.apiV3Key');
      const client = createWechatPayClient(
        { ...wechat, ...(merchantPrivateKeyPem ? { merchantPrivateKeyPem } : {}), ...(apiV3Key ? { apiV3Key } : {}) },
        { env },
      );
      registry.set('wechat', { client, sandbox: false });
    });
  } else registry.set('wechat', undefined);
  if (settings.alipay) {
    const alipay = settings.alipay;
    attempt('alipay', () => {
      // appPrivateKey may be a file path in settings; otherwise the sealed PEM from the vault.
      const appPrivateKey = (alipay.appPrivateKey as string | undefined) ?? vault?.reveal('alipay.appPrivateKey');
      // The client validates the whole shape with its zod schema; settings are untyped JSON here.
      const client = createAlipayClient({ ...alipay, ...(appPrivateKey ? { appPrivateKey } : {}) } as never, { env });
      registry.set('alipay', { client, sandbox: false });
    });
  } else registry.set('alipay', undefined);
  return result;
}
