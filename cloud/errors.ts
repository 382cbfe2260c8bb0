/**
 * Every refusal the cloud sends to a till or an admin: a wire `cloudError` body with a code and the
 * message in Chinese and English. Provider notification routes answer in the providers' own formats
 * instead (see notify/).
 */
import type { BilingualReason } from '../electron/sync/wire';

const CATALOG = {
  BAD_REQUEST: [400, '请求格式错误', 'The request is malformed'],
  NOT_FOUND: [404, '没有这个接口', 'No such endpoint'],
  PAYLOAD_TOO_LARGE: [413, '请求太大', 'The request is too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, '不支持的内容类型', 'Unsupported content type'],
  ADMIN_TOKEN_REQUIRED: [401, '需要有效的管理令牌', 'A valid admin token is required'],
  STORE_EXISTS: [409, '门店编码已存在', 'A store with this code already exists'],
  STORE_NOT_FOUND: [404, '门店不存在', 'No such store'],
  TERMINAL_NOT_FOUND: [404, '终端不存在', 'No such terminal'],
  PROVIDER_CONFIG_INVALID: [400, '支付渠道配置无效', 'The payment provider settings are invalid'],
  ENROLMENT_CODE_INVALID: [403, '注册码无效、已使用或已过期', 'The enrolment code is invalid, already used or expired'],
  SIGNATURE_MISSING: [401, '缺少请求签名', 'The request signature headers are missing'],
  SIGNATURE_INVALID: [401, '请求签名无效', 'The request signature does not verify'],
  TIMESTAMP_OUT_OF_WINDOW: [401, '请求时间与云端相差过大，请检查终端时钟', "The request timestamp is too far from the cloud's clock; check the till's clock"],
  NONCE_REPLAYED: [401, '重复的请求（nonce 已使用）', 'Replayed request (nonce already used)'],
  TERMINAL_UNKNOWN: [401, '终端未注册', 'Unknown terminal'],
  TERMINAL_REVOKED: [403, '终端已被停用，请重新注册', 'This terminal has been revoked; enrol it again'],
  DATABASE_UNAVAILABLE: [503, '云端数据库暂不可用，请稍后重试', 'The cloud database is unavailable; retry later'],
  INTERNAL: [500, '云端内部错误', 'Internal cloud error'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type CloudErrorCode = keyof typeof CATALOG;

export class CloudHttpError extends Error {
  readonly status: number;
  readonly reason: BilingualReason;

  constructor(code: CloudErrorCode, detail?: { zh?: string; en?: string }) {
    const [status, zh, en] = CATALOG[code];
    super(en);
    this.name = 'CloudHttpError';
    this.status = status;
    this.reason = { code, zh: detail?.zh ? `${zh}：${detail.zh}` : zh, en: detail?.en ? `${en}: ${detail.en}` : en };
  }

  body(): { error: BilingualReason } {
    return { error: this.reason };
  }
}

export function reason(code: string, zh: string, en: string): BilingualReason {
  return { code, zh, en };
}
