import { createWechatPayClient } from '../payments/wechatpay';
import { createAlipayClient } from '../payments/alipay';
import type { ProviderRegistry } from '../payments/registry';
import type { DemoPayer } from '../core/createCore';
import { startWechatSandbox, type WechatSandbox, type WechatSandboxBehaviourPatch } from './wechatpay';
import { startAlipaySandbox, type AlipaySandbox, type AlipaySandboxBehaviourPatch } from './alipay';

export interface DemoSandboxes {
  wechat: WechatSandbox;
  alipay: AlipaySandbox;
  close(): Promise<void>;
}

export interface DemoSandboxOptions {
  wechat?: WechatSandboxBehaviourPatch;
  alipay?: AlipaySandboxBehaviourPatch;
  /** Where the sandboxes deliver notifications (the till's or the cloud's notify endpoint). */
  wechatNotifyUrl?: string;
  alipayNotifyUrl?: string;
  now?: () => number;
}

/**
 * Demo mode and the tests: both provider sandboxes on loopback with fresh keys, and the real
 * clients pointed at them through the registry. Nothing here is a mock: the clients sign, the
 * sandboxes verify and sign back, and the clients verify that.
 */
export async function startDemoSandboxes(registry: ProviderRegistry, options: DemoSandboxOptions = {}): Promise<DemoSandboxes> {
  const [wechat, alipay] = await Promise.all([
    startWechatSandbox({
      ...(options.wechat ? { behaviour: options.wechat } : {}),
      ...(options.wechatNotifyUrl ? { notifyUrl: options.wechatNotifyUrl } : {}),
      ...(options.now ? { now: options.now } : {}),
    }),
    startAlipaySandbox({
      ...(options.alipay ? { behaviour: options.alipay } : {}),
      ...(options.alipayNotifyUrl ? { notifyUrl: options.alipayNotifyUrl } : {}),
      ...(options.now ? { now: options.now } : {}),
    }),
  ]);
  registerSandboxClients(registry, { wechat, alipay }, { wechat: options.wechatNotifyUrl, alipay: options.alipayNotifyUrl });
  return {
    wechat,
    alipay,
    close: async () => {
      registry.set('wechat', undefined);
      registry.set('alipay', undefined);
      await Promise.all([wechat.close(), alipay.close()]);
    },
  };
}

/** The demo payer the customer display's "simulate scan and pay" button drives. */
export function demoPayerFor(sandboxes: { wechat: WechatSandbox; alipay: AlipaySandbox }): DemoPayer {
  return {
    pay: (tender, outTradeNo) => ({ ok: (tender === 'wechat' ? sandboxes.wechat.scanAndPay(outTradeNo) : sandboxes.alipay.scanAndPay(outTradeNo)).ok }),
  };
}

/** Points a registry's WeChat and Alipay clients at running sandboxes (e.g. after a core restart). */
export function registerSandboxClients(
  registry: ProviderRegistry,
  sandboxes: { wechat: WechatSandbox; alipay: AlipaySandbox },
  notifyUrls: { wechat?: string | undefined; alipay?: string | undefined } = {},
): void {
  // Native orders must name a notify_url. Until a notify endpoint is wired (the cloud relays
  // them), point it at the loopback discard port: deliveries fail fast and nothing leaves the host.
  const wechatNotify = notifyUrls.wechat ?? 'http://127.0.0.1:9/notify/wechat';
  const alipayNotify = notifyUrls.alipay ?? 'http://127.0.0.1:9/notify/alipay';
  // The environment overrides (TILL_*_BASE_URL) are for real deployments; the demo pins its own.
  registry.set('wechat', { client: createWechatPayClient(sandboxes.wechat.clientConfig({ notifyUrl: wechatNotify }), { env: {} }), sandbox: true });
  registry.set('alipay', { client: createAlipayClient(sandboxes.alipay.clientConfig({ notifyUrl: alipayNotify }), { env: {} }), sandbox: true });
}
