/**
 * Gateway-level checks of a v2 request before any business logic (payment-protocols.md §4.1):
 * parameters from the query string AND the form body (alipay-sdk splits them), app id, method,
 * charset, timestamp, and the RSA2 signature over all params minus `sign`, empties dropped,
 * `sign_type` kept. Failures answer like the real gateway, including the isv.invalid-signature
 * sub_msg that echoes the gateway's own sign string.
 */
import { type KeyObject } from 'node:crypto';
import { failure, METHODS, type Body } from './methods';
import { isSignType, requestSignContent, responseKeyOf, rsaVerify } from './signing';

export interface VerifiedRequest {
  ok: true;
  method: string;
  biz: Body;
  notifyUrl?: string;
}

export interface RejectedRequest {
  ok: false;
  /** `<method>_response`, or error_response when the method itself is missing or unknown. */
  responseKey: string;
  body: Body;
}

export interface RequestCheckContext {
  appId: string;
  appPublicKey: KeyObject;
  now: number;
  /** Reject timestamps further than this from `now`; null: no check (the real window is undocumented). */
  maxSkewSeconds: number | null;
}

/** Query params first, form params over them; a key sent twice with different values is refused. */
export function mergeParams(query: URLSearchParams, form: URLSearchParams): Record<string, string> | 'conflict' {
  const params: Record<string, string> = {};
  for (const source of [query, form]) {
    for (const [key, value] of source) {
      if (Object.hasOwn(params, key) && params[key] !== value) return 'conflict';
      params[key] = value;
    }
  }
  return params;
}

export function checkRequest(params: Record<string, string>, ctx: RequestCheckContext): VerifiedRequest | RejectedRequest {
  const method = params.method;
  if (!method) return { ok: false, responseKey: 'error_response', body: failure('40001', 'isv.missing-method', '缺少方法名参数') };
  if (!Object.hasOwn(METHODS, method)) {
    return { ok: false, responseKey: 'error_response', body: failure('40002', 'isv.invalid-method', '不存在的方法名') };
  }
  const reject = (body: Body): RejectedRequest => ({ ok: false, responseKey: responseKeyOf(method), body });

  if (!params.app_id) return reject(failure('40001', 'isv.missing-app-id', '缺少AppID参数'));
  if (params.app_id !== ctx.appId) return reject(failure('40002', 'isv.invalid-app-id', '无效的AppID参数'));
  if (params.charset && params.charset.toLowerCase() !== 'utf-8') return reject(failure('40002', 'isv.invalid-charset', '字符集错误'));
  if (!params.sign) return reject(failure('40001', 'isv.missing-signature', '缺少签名参数'));
  const signType = params.sign_type ?? 'RSA';
  if (!isSignType(signType)) return reject(failure('40002', 'isv.invalid-signature-type', '无效的签名类型'));

  const timestamp = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(params.timestamp ?? '');
  if (!timestamp) return reject(failure('40002', 'isv.invalid-timestamp', '非法的时间戳参数'));
  if (ctx.maxSkewSeconds !== null) {
    const sentAt = Date.parse(`${timestamp[1]}T${timestamp[2]}+08:00`);
    if (Math.abs(ctx.now - sentAt) > ctx.maxSkewSeconds * 1000) return reject(failure('40002', 'isv.invalid-timestamp', '非法的时间戳参数'));
  }

  const content = requestSignContent(params);
  if (!rsaVerify(content, params.sign, ctx.appPublicKey, signType)) {
    // The real gateway echoes its sign string, HTML-escaped, so integrators can diff it with theirs.
    return reject(
      failure('40002', 'isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content.replaceAll('&', '&amp;')}`),
    );
  }

  let biz: Body = {};
  if (params.biz_content) {
    try {
      const parsed: unknown = JSON.parse(params.biz_content);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      biz = parsed as Body;
    } catch {
      return reject(failure('40002', 'isv.invalid-parameter', 'biz_content 不是合法的 JSON 对象'));
    }
  }
  return { ok: true, method, biz, ...(params.notify_url ? { notifyUrl: params.notify_url } : {}) };
}
