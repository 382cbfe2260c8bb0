/**
 * One Alipay OpenAPI v2 gateway call through the official alipay-sdk: `exec(method, {bizContent,
 * notifyUrl, timestamp}, {validateSign: true})` signs the request (RSA2) and verifies the response
 * signature over the raw `<method>_response` text (payment-protocols.md §4.1, §4.2).
 *
 * What this module adds around the SDK, and why:
 * - `camelcase: false`, so replies keep Alipay's snake_case field names.
 * - `timestamp` is passed explicitly in Beijing time from an injectable clock; the SDK would format
 *   the machine's local time.
 * - Top-level params and biz_content never carry undefined or '' values: the SDK signs `k=` and
 *   even `k=undefined`, while the gateway drops empty values from its sign string (§6).
 * - VerifyingAlipaySdk overrides `checkResponseSign` (a public SDK method that exec calls) to fill
 *   two gaps while still verifying with the SDK's own getSignStr + RSA check:
 *     a) gateway errors arrive as `error_response`, which the SDK tries to cut out under the
 *        method's key and therefore can never verify;
 *     b) a reply without `sign` makes the SDK crash inside node:crypto with no trace of the body.
 * - Every failure becomes a ProviderError: transport problems are `unknown` (the request may or
 *   may not have been applied), signature problems are `verification`.
 */
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { ProviderError } from '../provider';
import { formatAlipayTime } from './beijingTime';
import { type AlipayConfig } from './config';

export interface GatewayReply {
  method: string;
  code: string;
  msg: string;
  subCode?: string;
  subMsg?: string;
  /** The verified `<method>_response` object, snake_case keys as Alipay sent them. */
  body: Record<string, unknown>;
}

/** Carries the raw body of a reply that had no signature at all, so it can be classified. */
class UnsignedResponseError extends Error {
  constructor(readonly raw: string) {
    super('Alipay response carried no sign');
  }
}

class VerifyingAlipaySdk extends AlipaySdk {
  override checkResponseSign(responseDataRaw: string, responseKey: string, serverSign: string, traceId: string): void {
    if (typeof serverSign !== 'string' || serverSign === '') throw new UnsignedResponseError(responseDataRaw);
    const signedKey =
      responseDataRaw.includes(`"${responseKey}"`) || !responseDataRaw.includes('"error_response"')
        ? responseKey
        : 'error_response';
    super.checkResponseSign(responseDataRaw, signedKey, serverSign, traceId);
  }
}

/** Gateway-level rejections: the request never reached the trade system (§4.1). */
const GATEWAY_REJECTION_CODES = new Set(['20001', '40001', '40002', '40006']);

type Params = Record<string, unknown>;

/** Drops undefined/'' members (recursively) so nothing empty reaches the sign string or biz_content. */
export function compact<T extends Params>(params: T): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    out[key] = value !== null && typeof value === 'object' && !Array.isArray(value) ? compact(value as Params) : value;
  }
  return out;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function replyFrom(method: string, data: Params): GatewayReply {
  const body: Params = { ...data };
  delete body.traceId; // added by the SDK, not part of Alipay's answer
  const subCode = asString(body.sub_code);
  const subMsg = asString(body.sub_msg);
  return {
    method,
    code: asString(body.code) ?? '',
    msg: asString(body.msg) ?? '',
    ...(subCode ? { subCode } : {}),
    ...(subMsg ? { subMsg } : {}),
    body,
  };
}

function unsignedReplyError(method: string, raw: string): ProviderError {
  let inner: Params | undefined;
  try {
    const parsed = JSON.parse(raw) as Params;
    const candidate = parsed[`${method.replaceAll('.', '_')}_response`] ?? parsed.error_response;
    if (candidate && typeof candidate === 'object') inner = candidate as Params;
  } catch {
    // not JSON: handled below
  }
  const code = asString(inner?.code) ?? '';
  const subCode = asString(inner?.sub_code);
  if (GATEWAY_REJECTION_CODES.has(code)) {
    // An unsigned gateway rejection (bad signature, missing parameter, wrong app id) means nothing
    // was processed; it is surfaced as a configuration problem, marked unsigned.
    return new ProviderError('config', subCode ?? code, `Alipay gateway rejected ${method}: ${asString(inner?.sub_msg) ?? asString(inner?.msg) ?? ''}`, {
      method,
      code,
      signed: false,
    });
  }
  return new ProviderError('verification', 'UNSIGNED_RESPONSE', `Alipay ${method} response carried no signature`, {
    method,
    code,
    ...(subCode ? { subCode } : {}),
  });
}

function transportError(method: string, error: unknown): ProviderError {
  if (error instanceof UnsignedResponseError) return unsignedReplyError(method, error.raw);
  if (error instanceof AlipayRequestError) {
    const message = error.message;
    if (message.startsWith('验签失败')) {
      return new ProviderError('verification', 'INVALID_SIGNATURE', `Alipay ${method} response signature did not verify`, { method });
    }
    if (message.startsWith('HttpClient Request error')) {
      const cause = error.cause as { name?: string; code?: string } | undefined;
      const timedOut = /timeout/i.test(cause?.name ?? '') || /timeout/i.test(message);
      return new ProviderError('unknown', timedOut ? 'TIMEOUT' : 'NETWORK', `Alipay ${method}: ${timedOut ? 'timed out' : 'network error'}`, {
        method,
        ...(cause?.code ? { cause: cause.code } : {}),
      });
    }
    if (message.startsWith('HTTP 请求错误')) {
      const status = /status: (\d+)/.exec(message)?.[1];
      return new ProviderError('unknown', 'HTTP_ERROR', `Alipay ${method}: HTTP ${status ?? '?'}`, { method, status });
    }
    // "Response 格式错误": not JSON or no response member, e.g. a proxy's error page.
    return new ProviderError('unknown', 'MALFORMED_RESPONSE', `Alipay ${method}: unreadable response`, { method });
  }
  return new ProviderError('unknown', 'CLIENT_ERROR', `Alipay ${method}: ${error instanceof Error ? error.message : String(error)}`, { method });
}

export interface CallOptions {
  notifyUrl?: string;
}

export class AlipayGateway {
  readonly sdk: AlipaySdk;

  constructor(
    config: AlipayConfig,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.sdk = new VerifyingAlipaySdk({
      appId: config.appId,
      privateKey: config.appPrivateKeyPem,
      keyType: 'PKCS1',
      alipayPublicKey: config.alipayPublicKeyPem,
      signType: 'RSA2',
      gateway: config.gateway,
      timeout: config.timeoutMs,
      camelcase: false,
    });
  }

  /** Calls `method`; resolves with the verified reply whatever its code, rejects only when the outcome is unknown or unverified. */
  async call(method: string, bizContent: Params, options: CallOptions = {}): Promise<GatewayReply> {
    const params = compact({
      // Optional common param ("only JSON"); alipay-sdk leaves it out, the documented request has it.
      format: 'JSON',
      bizContent: compact(bizContent),
      timestamp: formatAlipayTime(this.clock()),
      notifyUrl: options.notifyUrl,
    });
    let data: Params;
    try {
      data = (await this.sdk.exec(method, params, { validateSign: true })) as Params;
    } catch (error) {
      throw transportError(method, error);
    }
    return replyFrom(method, data);
  }
}

/** Classifies a non-10000 reply that the caller has no specific rule for (§4.1, §5.3). */
export function replyError(reply: GatewayReply): ProviderError {
  const details = {
    method: reply.method,
    code: reply.code,
    ...(reply.subCode ? { subCode: reply.subCode } : {}),
  };
  const text = `Alipay ${reply.method}: ${reply.code} ${reply.subCode ?? ''} ${reply.subMsg ?? reply.msg}`.replace(/\s+/g, ' ').trim();
  if (reply.subCode === 'ACQ.SYSTEM_ERROR' || reply.code === '20000' || reply.code === '10003') {
    return new ProviderError('unknown', reply.subCode ?? reply.code, text, details);
  }
  if (GATEWAY_REJECTION_CODES.has(reply.code)) {
    return new ProviderError('config', reply.subCode ?? reply.code, text, { ...details, ...(reply.subMsg ? { subMsg: reply.subMsg } : {}) });
  }
  if (reply.code === '40004') return new ProviderError('rejected', reply.subCode ?? reply.code, text, details);
  // A code we do not know: never guess that nothing happened.
  return new ProviderError('unknown', reply.code || 'UNKNOWN_CODE', text, details);
}
