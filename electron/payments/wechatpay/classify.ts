/**
 * Turning WeChat Pay's HTTP statuses and error codes into our outcome kinds (payment-protocols.md
 * §0 rule 2, §1.5, §2.6, §3.1/3.2). The guiding rule: anything that might have been applied is
 * `unknown` and gets resolved by a query; only answers that clearly mean "nothing happened" are
 * `rejected`, and only our own mistakes are `config`.
 */
import { ProviderError, type ProviderErrorKind } from '../provider';

export interface ErrorEnvelope {
  code: string;
  message: string;
  detail?: unknown;
}

/** Reads `{"code","message","detail"}`; a body that is not the envelope (proxy page, empty) becomes HTTP_<status>. */
export function parseErrorEnvelope(status: number, text: string): ErrorEnvelope {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string') {
      const { code, message, detail } = value as { code: string; message?: unknown; detail?: unknown };
      return { code, message: typeof message === 'string' ? message : code, ...(detail === undefined ? {} : { detail }) };
    }
  } catch {
    // not JSON: fall through
  }
  return { code: `HTTP_${status}`, message: text.slice(0, 200) || `HTTP ${status}` };
}

/**
 * Codes that mean "may have happened, or will": retry with the same parameters after a query.
 * ORDERPAID is here on purpose: the number is already paid, and a query is what tells the caller so.
 */
const UNKNOWN_CODES = new Set([
  'SYSTEM_ERROR',
  'SYSTEMERROR',
  'BANK_ERROR',
  'BANKERROR',
  'USERPAYING',
  'USER_PAYING',
  'FREQUENCY_LIMITED',
  'RATELIMIT_EXCEEDED',
  'SERVICE_UNAVAILABLE',
  'ORDERPAID',
  'STATEMENT_CREATING',
]);

/** Our own mistakes: signature, parameters, merchant/app mismatch, reusing a number with other parameters. */
const CONFIG_CODES = new Set([
  'SIGN_ERROR',
  'PARAM_ERROR',
  'APPID_MCHID_NOT_MATCH',
  'MCH_NOT_EXISTS',
  'NO_AUTH',
  'OUT_TRADE_NO_USED',
  'ACCOUNT_ERROR',
  'INVALID_REQUEST_BODY',
]);

export function isUnknownCode(code: string): boolean {
  return UNKNOWN_CODES.has(code);
}

export function classifyFailure(status: number, code: string): ProviderErrorKind {
  if (status === 202 || status === 429 || status >= 500 || UNKNOWN_CODES.has(code)) return 'unknown';
  if (status === 401 || CONFIG_CODES.has(code)) return 'config';
  return 'rejected';
}

export function failureError(status: number, envelope: ErrorEnvelope, operation: string): ProviderError {
  return new ProviderError(classifyFailure(status, envelope.code), envelope.code, `${operation}: ${envelope.message}`, {
    httpStatus: status,
    ...(envelope.detail === undefined ? {} : { detail: envelope.detail }),
  });
}
