/**
 * The manager's "Test connection" (payments.testConnection): one order query for an out_trade_no
 * that cannot exist, classified into "the provider answered and we trust the answer" or one typed
 * error that says what to fix.
 *
 * Why a query of a made-up number: it has no side effect at the provider, it needs the same
 * merchant identity, request signature and response verification as a real payment, and the only
 * correct answer is "no such order" — WeChat Pay 404 ORDER_NOT_EXIST, Alipay 40004
 * ACQ.TRADE_NOT_EXIST. Anything else is a finding:
 *
 * | what happened                                     | error                      |
 * |---------------------------------------------------|----------------------------|
 * | connection refused, DNS, reset                    | PROVIDER_UNREACHABLE       |
 * | no answer within the client's timeout             | PROVIDER_TIMEOUT           |
 * | provider refused our signature / ids (401, 40002) | PROVIDER_AUTH_FAILED       |
 * | provider's answer failed our verification         | PROVIDER_SIGNATURE_INVALID |
 * | anything else (5xx, a trade that exists, …)       | PROVIDER_UNEXPECTED_ANSWER |
 *
 * Alipay signs business errors, and our gateway verifies every reply (gateway.ts), so a
 * TRADE_NOT_EXIST that reaches us is verified. WeChat Pay's clients verify only 2xx answers
 * (payment-protocols.md §1.2 rule 7) and `query()` does not expose headers, so for WeChat the probe
 * sends the query itself through the client's own transport and verifies the 404's signature when
 * WeChat signed it; an unsigned 404 is reported as `signature: 'unsigned'` (the request signature
 * was still accepted, or WeChat would have answered 401).
 */
import { performance } from 'node:perf_hooks';
import { TillError } from '../api/errors';
import { ProviderError, type PaymentProvider, type ProviderName } from './provider';
import type { ProviderEntry } from './registry';
import { WechatPayClient, verifyWechatSignature, type ResolvedWechatPayConfig } from './wechatpay';
import { parseErrorEnvelope, failureError } from './wechatpay/classify';
import { randomNonce } from './wechatpay/sign';
import { WechatTransport } from './wechatpay/transport';

export interface ConnectionProbeResult {
  provider: ProviderName;
  /** Round trip of the query, monotonic clock. */
  latencyMs: number;
  /** What the provider answered: ORDER_NOT_EXIST / TRADE_NOT_EXIST. */
  providerCode: string;
  /** 'verified': the answer's signature checked out with the configured provider key. */
  signature: 'verified' | 'unsigned';
  sandbox: boolean;
  /** The made-up number that was queried (never a real order). */
  probeOutTradeNo: string;
  host: string;
}

const NAMES: Record<ProviderName, { en: string; zh: string }> = {
  wechat: { en: 'WeChat Pay', zh: '微信支付' },
  alipay: { en: 'Alipay', zh: '支付宝' },
};

const NOT_EXIST = new Set(['ORDER_NOT_EXIST', 'ORDERNOTEXIST', 'TRADE_NOT_EXIST', 'ACQ.TRADE_NOT_EXIST']);

/** "TILLPROBE" + epoch ms + 3 random digits: 25 characters, valid for both providers, never one of ours (ours are ULID-based). */
export function probeOutTradeNo(nowMs: number): string {
  return `TILLPROBE${nowMs}${Math.floor(Math.random() * 1000)
    .toString()
    .padStart(3, '0')}`;
}

function providerNames(provider: ProviderName) {
  return { provider: NAMES[provider].en, providerZh: NAMES[provider].zh };
}

function hostOf(url: string | undefined): string {
  if (!url) return '?';
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

/**
 * The clients keep their resolved configuration private (it holds the merchant key). The probe
 * needs two things from it that the PaymentProvider interface does not offer: WeChat's transport
 * inputs (to read the raw 404's signature headers) and the host, for the message. Read in-process
 * only; nothing from it is returned or logged except the host name.
 */
function privateConfig(client: PaymentProvider): unknown {
  return Reflect.get(client, 'config') as unknown;
}

function endpointOf(client: PaymentProvider): string {
  const config = privateConfig(client) as { baseUrl?: unknown; gateway?: unknown } | undefined;
  const url = typeof config?.baseUrl === 'string' ? config.baseUrl : typeof config?.gateway === 'string' ? config.gateway : undefined;
  return hostOf(url);
}

const REASON_ZH: Record<string, string> = {
  ECONNREFUSED: '连接被拒绝（地址或端口错误，或服务未运行）',
  ENOTFOUND: '找不到该域名',
  EAI_AGAIN: '域名解析失败',
  EHOSTUNREACH: '网络不可达',
  ENETUNREACH: '网络不可达',
  ECONNRESET: '连接被对方断开',
  CERT_HAS_EXPIRED: 'TLS 证书已过期',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '无法验证 TLS 证书',
};

function networkCause(error: ProviderError): string | undefined {
  const fromDetails = error.details?.cause;
  if (typeof fromDetails === 'string') return fromDetails;
  return /\b(E[A-Z_]{3,}|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+)\b/.exec(error.message)?.[1];
}

/** Turns a provider failure during the probe into the typed error the manager sees. */
export function classifyProbeFailure(provider: ProviderName, host: string, error: unknown): TillError {
  const names = { ...providerNames(provider), host };
  if (!(error instanceof ProviderError)) {
    return new TillError('PROVIDER_UNEXPECTED_ANSWER', { ...names, code: error instanceof Error ? error.name : 'ERROR' });
  }
  if (error.kind === 'unknown' && error.code === 'TIMEOUT') return new TillError('PROVIDER_TIMEOUT', { ...names, code: error.code });
  if (error.kind === 'unknown' && error.code === 'NETWORK') {
    const cause = networkCause(error);
    return new TillError('PROVIDER_UNREACHABLE', {
      ...names,
      code: error.code,
      reason: cause ? `network error (${cause})` : 'network error',
      reasonZh: (cause && REASON_ZH[cause]) ?? `网络错误${cause ? `（${cause}）` : ''}`,
    });
  }
  if (error.kind === 'verification') return new TillError('PROVIDER_SIGNATURE_INVALID', { ...names, code: error.code });
  if (error.kind === 'config') return new TillError('PROVIDER_AUTH_FAILED', { ...names, code: error.code });
  return new TillError('PROVIDER_UNEXPECTED_ANSWER', { ...names, code: error.code });
}

function elapsed(started: number): number {
  return Math.max(0, Math.round(performance.now() - started));
}

async function probeWechat(config: ResolvedWechatPayConfig, outTradeNo: string, now: () => number): Promise<{ code: string; signature: 'verified' | 'unsigned' }> {
  const transport = new WechatTransport(config, { fetch: (input, init) => fetch(input, init), now, nonce: randomNonce });
  const response = await transport.request({
    method: 'GET',
    pathAndQuery: `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(config.mchid)}`,
    // 2xx answers are verified by the transport; the 404 we expect is checked below.
    verifyResponse: true,
    operation: 'connection test',
  });
  if (response.status === 404) {
    const envelope = parseErrorEnvelope(response.status, response.text);
    if (!NOT_EXIST.has(envelope.code)) throw failureError(response.status, envelope, 'connection test');
    if (!response.headers['wechatpay-signature']) return { code: envelope.code, signature: 'unsigned' };
    verifyWechatSignature({ headers: response.headers, body: response.body }, config.verificationKeys, Math.floor(now() / 1000));
    return { code: envelope.code, signature: 'verified' };
  }
  if (response.status >= 200 && response.status < 300) {
    // A trade under a number we just made up: not the provider we think we are talking to.
    throw new ProviderError('rejected', 'PROBE_ORDER_EXISTS', `connection test: HTTP ${response.status} for a made-up order number`);
  }
  throw failureError(response.status, parseErrorEnvelope(response.status, response.text), 'connection test');
}

async function probeByQuery(client: PaymentProvider, outTradeNo: string): Promise<{ code: string; signature: 'verified' | 'unsigned' }> {
  const trade = await client.query(outTradeNo);
  if (trade.status !== 'not_found') {
    throw new ProviderError('rejected', 'PROBE_ORDER_EXISTS', `connection test: the provider reports ${trade.providerState} for a made-up order number`);
  }
  // Alipay's gateway verifies every reply it returns (unsigned business replies are rejected there).
  return { code: trade.providerState, signature: 'verified' };
}

/** Runs the probe against a configured client; resolves with the timing or rejects with a TillError. */
export async function probeProvider(provider: ProviderName, entry: ProviderEntry, options: { now?: () => number } = {}): Promise<ConnectionProbeResult> {
  const now = options.now ?? Date.now;
  const outTradeNo = probeOutTradeNo(now());
  const host = endpointOf(entry.client);
  const started = performance.now();
  try {
    const config = entry.client instanceof WechatPayClient ? (privateConfig(entry.client) as ResolvedWechatPayConfig | undefined) : undefined;
    const answer = config?.verificationKeys ? await probeWechat(config, outTradeNo, now) : await probeByQuery(entry.client, outTradeNo);
    return { provider, latencyMs: elapsed(started), providerCode: answer.code, signature: answer.signature, sandbox: entry.sandbox, probeOutTradeNo: outTradeNo, host };
  } catch (error) {
    throw classifyProbeFailure(provider, host, error);
  }
}

export function providerDisplayNames(provider: ProviderName): { provider: string; providerZh: string } {
  return providerNames(provider);
}
