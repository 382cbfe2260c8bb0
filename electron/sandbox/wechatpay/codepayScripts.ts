import { randomDigits } from '../common/keys';
/**
 * Scripted outcomes for customer-presented codes (payment-protocols.md §3.4). A WeChat payment code
 * is 18 digits starting 10–15; the sandbox reads the outcome from its LAST TWO DIGITS, unless a test
 * scripted that exact code with `sandbox.script(authCode, outcome)`.
 *
 * | suffix | outcome                    | pay answer                         | trade afterwards                     |
 * |--------|----------------------------|------------------------------------|--------------------------------------|
 * | 01     | success                    | 200 SUCCESS                        | SUCCESS                              |
 * | 02     | userpaying-then-success    | USERPAYING (202 or 200, knob)      | SUCCESS after userPayingMs           |
 * | 03     | userpaying-then-payerror   | USERPAYING                         | PAYERROR after userPayingMs          |
 * | 04     | userpaying-forever         | USERPAYING                         | USERPAYING until reversed/closed     |
 * | 05     | system-error-applied       | 500 SYSTEM_ERROR                   | SUCCESS (the money was taken)        |
 * | 06     | authcode-expired           | 400 AUTHCODEEXPIRE                 | PAYERROR                             |
 * | 07     | not-enough                 | 403 NOTENOUGH                      | PAYERROR                             |
 * | 08     | system-error-not-applied   | 500 SYSTEM_ERROR                   | none (query → 404 ORDER_NOT_EXIST)   |
 * | 09     | bank-error-then-success    | 500 BANK_ERROR                     | USERPAYING, SUCCESS after userPayingMs |
 * | other  | success                    | 200 SUCCESS                        | SUCCESS                              |
 *
 * A code that is not 18 digits starting 10–15 is answered 400 AUTH_CODE_INVALID with no trade; a code
 * already used by another out_trade_no is answered 400 AUTHCODEEXPIRE (codes are single-use).
 */
import { z } from 'zod';

export const codepayOutcomeSchema = z.enum([
  'success',
  'userpaying-then-success',
  'userpaying-then-payerror',
  'userpaying-forever',
  'system-error-applied',
  'authcode-expired',
  'not-enough',
  'system-error-not-applied',
  'bank-error-then-success',
]);
export type CodepayOutcome = z.infer<typeof codepayOutcomeSchema>;

export const OUTCOME_BY_SUFFIX: Readonly<Record<string, CodepayOutcome>> = {
  '01': 'success',
  '02': 'userpaying-then-success',
  '03': 'userpaying-then-payerror',
  '04': 'userpaying-forever',
  '05': 'system-error-applied',
  '06': 'authcode-expired',
  '07': 'not-enough',
  '08': 'system-error-not-applied',
  '09': 'bank-error-then-success',
};

export const WECHAT_AUTH_CODE = /^1[0-5]\d{16}$/;

export function outcomeForAuthCode(authCode: string, scripted: ReadonlyMap<string, CodepayOutcome>): CodepayOutcome {
  return scripted.get(authCode) ?? OUTCOME_BY_SUFFIX[authCode.slice(-2)] ?? 'success';
}

/** A valid-looking WeChat payment code ending in the given suffix, for tests and the demo. */
export function authCodeWithSuffix(suffix: string, serial?: number): string {
  // Codes are single-use at the provider, so without a serial every call gets a fresh one.
  const middle = serial === undefined ? randomDigits(14) : String(serial).padStart(14, '0').slice(-14);
  return `13${middle}${suffix.padStart(2, '0').slice(-2)}`;
}
