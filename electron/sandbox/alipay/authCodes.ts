/**
 * Scripted outcomes of alipay.trade.pay (customer-presented code). Real Alipay codes are 16–24 digits
 * starting 25–30 (payment-protocols.md §3.3); the sandbox keeps that shape and reads the outcome from
 * the LAST TWO DIGITS, unless a test scripted that exact code with `sandbox.script(authCode, outcome)`.
 * (Numbered like the WeChat sandbox's table where the cases correspond.)
 *
 * | suffix | outcome                      | pay answer                           | trade afterwards                                   |
 * |--------|------------------------------|--------------------------------------|----------------------------------------------------|
 * | 01     | success                      | 10000                                | TRADE_SUCCESS (+ notification)                      |
 * | 02     | userpaying-then-success      | 10003                                | WAIT_BUYER_PAY, TRADE_SUCCESS after userPayingMs    |
 * | 03     | userpaying-then-closed       | 10003                                | WAIT_BUYER_PAY, TRADE_CLOSED after userPayingMs     |
 * | 04     | userpaying-forever           | 10003                                | WAIT_BUYER_PAY until cancelled (or timeout_express) |
 * | 05     | service-unavailable-applied  | 20000 isp.unknow-error               | TRADE_SUCCESS (created and paid: money taken)       |
 * | 06     | auth-code-invalid            | 40004 ACQ.PAYMENT_AUTH_CODE_INVALID  | none                                                |
 * | 07     | balance-not-enough           | 40004 ACQ.BUYER_BALANCE_NOT_ENOUGH   | none                                                |
 * | 08     | system-error-not-applied     | 40004 ACQ.SYSTEM_ERROR               | none (query → ACQ.TRADE_NOT_EXIST)                  |
 * | other  | success                      | 10000                                | TRADE_SUCCESS                                       |
 *
 * A code not shaped like an Alipay code is answered ACQ.PAYMENT_AUTH_CODE_INVALID; a code already
 * used for another out_trade_no likewise (codes are single-use). Resubmitting the same request under
 * the same out_trade_no answers 10003 (still paying), ACQ.TRADE_HAS_SUCCESS or ACQ.TRADE_HAS_CLOSE.
 */
import { z } from 'zod';
import { randomDigits } from '../common/keys';

export const payOutcomeSchema = z.enum([
  'success',
  'userpaying-then-success',
  'userpaying-then-closed',
  'userpaying-forever',
  'service-unavailable-applied',
  'auth-code-invalid',
  'balance-not-enough',
  'system-error-not-applied',
]);
export type PayOutcome = z.infer<typeof payOutcomeSchema>;

export const OUTCOME_BY_SUFFIX: Readonly<Record<string, PayOutcome>> = {
  '01': 'success',
  '02': 'userpaying-then-success',
  '03': 'userpaying-then-closed',
  '04': 'userpaying-forever',
  '05': 'service-unavailable-applied',
  '06': 'auth-code-invalid',
  '07': 'balance-not-enough',
  '08': 'system-error-not-applied',
};

const SUFFIX_OF = Object.fromEntries(Object.entries(OUTCOME_BY_SUFFIX).map(([suffix, outcome]) => [outcome, suffix])) as Record<PayOutcome, string>;

export const ALIPAY_AUTH_CODE = /^(2[5-9]|30)[0-9]{14,22}$/;

export function outcomeForAuthCode(authCode: string, scripted: ReadonlyMap<string, PayOutcome>): PayOutcome {
  return scripted.get(authCode) ?? OUTCOME_BY_SUFFIX[authCode.slice(-2)] ?? 'success';
}

/** A valid-looking 18-digit Alipay code ("28…") ending in the given suffix; random middle unless `serial` is given. */
export function authCodeWithSuffix(suffix: string, serial?: number): string {
  const middle = serial === undefined ? randomDigits(14) : String(serial).padStart(14, '0').slice(-14);
  return `28${middle}${suffix.padStart(2, '0').slice(-2)}`;
}

/** A fresh code producing `outcome`. */
export function authCodeFor(outcome: PayOutcome): string {
  return authCodeWithSuffix(SUFFIX_OF[outcome]);
}
