/**
 * Plumbing shared by the payment fault simulator and the kill -9 loop: where the two protocol
 * sandboxes listen and which client configuration talks to them (serialisable, so it can cross a
 * process boundary), real clients built from that, and a small HTTP client for the sandboxes'
 * /__sandbox control routes (the same routes a customer display or an end-to-end test uses).
 *
 * Nothing here is a mock: the clients sign, the sandboxes verify and sign back, the clients verify.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { createWechatPayClient } from '../../../electron/payments/wechatpay';
import { createAlipayClient } from '../../../electron/payments/alipay';
import type { ProviderRegistry } from '../../../electron/payments/registry';
import type { PaymentProvider, ProviderName } from '../../../electron/payments/provider';
import type { WechatPayConfigInput } from '../../../electron/payments/wechatpay/config';
import type { AlipayConfigInput } from '../../../electron/payments/alipay/config';
import {
  generateWechatSandboxKeys,
  type WechatSandbox,
  type WechatSandboxBehaviourPatch,
  type WechatSandboxKeys,
  type SandboxTradeView as WechatTradeView,
} from '../../../electron/sandbox/wechatpay';
import {
  generateAlipaySandboxKeys,
  type AlipaySandbox,
  type AlipaySandboxBehaviourPatch,
  type AlipaySandboxKeys,
  type SandboxTradeView as AlipayTradeView,
} from '../../../electron/sandbox/alipay';
import { randomAlphanumeric, randomDigits, randomSerialHex } from '../../../electron/sandbox/common/keys';
import { createSelfSignedCertificatePem } from '../../../electron/sandbox/common/x509';

export type { WechatTradeView, AlipayTradeView };

export interface SandboxEndpoints {
  wechat: { baseUrl: string; config: WechatPayConfigInput };
  alipay: { baseUrl: string; config: AlipayConfigInput };
}

export interface SandboxBehaviours {
  wechat: WechatSandboxBehaviourPatch;
  alipay: AlipaySandboxBehaviourPatch;
}

const generateKeyPairAsync = promisify(generateKeyPair);

async function rsaPair(bits: number) {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: bits });
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Sandbox key material. 2048 bits is what the sandboxes make and what production uses. The fault
 * simulator may ask for 1024: the signing and verification code paths are the same, an RSA signature
 * costs a quarter, and two processes sign every one of tens of thousands of exchanges.
 */
export async function sandboxKeys(bits: number): Promise<{ wechat: WechatSandboxKeys; alipay: AlipaySandboxKeys }> {
  if (bits === 2048) {
    const [wechat, alipay] = await Promise.all([generateWechatSandboxKeys(), generateAlipaySandboxKeys()]);
    return { wechat, alipay };
  }
  const [merchant, platform, publicKey, app, alipay] = await Promise.all([rsaPair(bits), rsaPair(bits), rsaPair(bits), rsaPair(bits), rsaPair(bits)]);
  const mchid = `19${randomDigits(8)}`;
  const platformSerial = randomSerialHex();
  const now = Date.now();
  return {
    wechat: {
      mchid,
      appid: `wx${randomAlphanumeric(16).toLowerCase()}`,
      merchant: { serial: randomSerialHex(), privateKeyPem: merchant.privateKeyPem, publicKeyPem: merchant.publicKeyPem },
      platformCertificate: {
        serial: platformSerial,
        privateKeyPem: platform.privateKeyPem,
        certificatePem: createSelfSignedCertificatePem({
          serialHex: platformSerial,
          commonName: 'Tenpay.com Root CA (sandbox)',
          organization: 'sandbox',
          publicKey: platform.publicKey,
          privateKey: platform.privateKey,
          notBefore: new Date(now - 86_400_000),
          notAfter: new Date(now + 5 * 365 * 86_400_000),
        }),
      },
      publicKey: { id: `PUB_KEY_ID_01${mchid}${randomDigits(12)}`, privateKeyPem: publicKey.privateKeyPem, publicKeyPem: publicKey.publicKeyPem },
      apiV3Key: randomAlphanumeric(32),
    },
    alipay: {
      appId: `2021${randomDigits(12)}`,
      sellerId: `2088${randomDigits(12)}`,
      app: { privateKeyPem: app.privateKeyPem, publicKeyPem: app.publicKeyPem },
      alipay: { privateKeyPem: alipay.privateKeyPem, publicKeyPem: alipay.publicKeyPem },
    },
  };
}

/** Where running (in-process) sandboxes listen and the client configs that match their keys. */
export function endpointsOf(sandboxes: { wechat: WechatSandbox; alipay: AlipaySandbox }): SandboxEndpoints {
  return {
    wechat: { baseUrl: sandboxes.wechat.baseUrl, config: sandboxes.wechat.clientConfig() },
    alipay: { baseUrl: sandboxes.alipay.baseUrl, config: sandboxes.alipay.clientConfig() },
  };
}

export interface ClientOptions {
  /** HTTP timeout of one provider call; short, so the `delay` faults become real timeouts. */
  timeoutMs: number;
  /** Where the providers deliver notifications (the relay); the loopback discard port otherwise. */
  notifyUrls?: Partial<Record<ProviderName, string>>;
  /** Told of every provider call (provider, method, ms it took): the simulator counts them. */
  onCall?: (provider: ProviderName, method: string, ms: number) => void;
}

/** The same client, with every method call reported to `onCall` first. */
function counted<T extends PaymentProvider>(client: T, onCall: ClientOptions['onCall']): T {
  if (!onCall) return client;
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) {
          return result.finally(() => onCall(target.name, property, performance.now() - started));
        }
        onCall(target.name, property, performance.now() - started);
        return result;
      };
    },
  });
}

/**
 * The test-side twin of electron/sandbox/demo.ts `registerSandboxClients`: the same real clients,
 * built from serialisable configs (the sandboxes may live in another process) and with a short
 * request timeout, which registerSandboxClients does not expose.
 */
export function registerEndpointClients(registry: ProviderRegistry, endpoints: SandboxEndpoints, options: ClientOptions): void {
  const wechatNotify = options.notifyUrls?.wechat ?? 'http://127.0.0.1:9/notify/wechat';
  const alipayNotify = options.notifyUrls?.alipay ?? 'http://127.0.0.1:9/notify/alipay';
  registry.set('wechat', {
    client: counted(createWechatPayClient({ ...endpoints.wechat.config, notifyUrl: wechatNotify, requestTimeoutMs: options.timeoutMs }, { env: {} }), options.onCall),
    sandbox: true,
  });
  registry.set('alipay', {
    client: counted(createAlipayClient({ ...endpoints.alipay.config, notifyUrl: alipayNotify, timeoutMs: options.timeoutMs }, { env: {} }), options.onCall),
    sandbox: true,
  });
}

export interface FaultInput {
  op: string;
  kind: string;
  applied: boolean;
  delayMs?: number;
  times?: number;
}

export interface ActiveFaultView {
  op: string;
  kind: string;
  applied: boolean;
  remaining: number;
}

export interface DeliveryView {
  eventId: string;
  outTradeNo: string;
  variant: string;
  /** 0 for the first delivery, n for the n-th retry. */
  attempt: number;
  status?: number;
  reply?: string;
  accepted: boolean;
}

export type PayResult = { ok: true } | { ok: false; status: number; code: string };

/** The /__sandbox control routes of one sandbox, over HTTP. */
export class SandboxControl {
  constructor(
    readonly provider: ProviderName,
    readonly baseUrl: string,
  ) {}

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(`${this.baseUrl}/__sandbox${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as T };
  }

  /** The customer scans the merchant QR and pays after `delayMs` (POST /__sandbox/pay). */
  async pay(outTradeNo: string, options: { delayMs?: number; completesDespiteClose?: boolean } = {}): Promise<PayResult> {
    const { status, json } = await this.call<{ code?: string }>('POST', '/pay', {
      out_trade_no: outTradeNo,
      ...(options.delayMs === undefined ? {} : { delay_ms: options.delayMs }),
      ...(options.completesDespiteClose === undefined ? {} : { completes_despite_close: options.completesDespiteClose }),
    });
    return status === 200 ? { ok: true } : { ok: false, status, code: json.code ?? `HTTP_${status}` };
  }

  async injectFault(fault: FaultInput): Promise<void> {
    const { status, json } = await this.call('POST', '/faults', {
      op: fault.op,
      kind: fault.kind,
      applied: fault.applied,
      ...(fault.delayMs === undefined ? {} : { delay_ms: fault.delayMs }),
      ...(fault.times === undefined ? {} : { times: fault.times }),
    });
    if (status !== 200) throw new Error(`${this.provider} sandbox refused fault ${JSON.stringify(fault)}: ${JSON.stringify(json)}`);
  }

  async faults(): Promise<ActiveFaultView[]> {
    return (await this.call<{ faults: ActiveFaultView[] }>('GET', '/faults')).json.faults;
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  async configure(patch: unknown): Promise<void> {
    const { status, json } = await this.call('POST', '/behaviour', patch);
    if (status !== 200) throw new Error(`${this.provider} sandbox refused behaviour: ${JSON.stringify(json)}`);
  }

  async trades<T = WechatTradeView | AlipayTradeView>(): Promise<T[]> {
    return (await this.call<{ trades: T[] }>('GET', '/trades')).json.trades;
  }

  async notifications(): Promise<DeliveryView[]> {
    return (await this.call<{ deliveries: DeliveryView[] }>('GET', '/notifications')).json.deliveries;
  }
}

export interface SandboxHostProcess {
  endpoints: SandboxEndpoints;
  control: Record<ProviderName, SandboxControl>;
  child: ChildProcess;
  close(): Promise<void>;
}

export const SANDBOX_HOST_SCRIPT = fileURLToPath(new URL('./sandboxHost.ts', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Starts both sandboxes in a child process (`node --import tsx sandboxHost.ts`), so their half of
 * every exchange (verify, sign, serve) runs on the other CPU core, and waits for their addresses.
 */
export async function spawnSandboxHost(behaviours: SandboxBehaviours, keyBits = 2048): Promise<SandboxHostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SANDBOX_HOST_SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, TILL_SANDBOX_BEHAVIOURS: JSON.stringify(behaviours), TILL_SANDBOX_KEY_BITS: String(keyBits) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const endpoints = await new Promise<SandboxEndpoints>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('sandbox host did not start within 30 s')), 30_000);
    lines.on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice('READY '.length)) as SandboxEndpoints);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox host exited with ${code} before it was ready`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    endpoints,
    child,
    control: { wechat: new SandboxControl('wechat', endpoints.wechat.baseUrl), alipay: new SandboxControl('alipay', endpoints.alipay.baseUrl) },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin?.end();
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}
