/**
 * Scripted outcomes of alipay.trade.pay (customer-presented code), chosen by the auth code.
 *
 * Real Alipay codes are 16–24 digits starting 25–30 (payment-protocols.md §3.3); the sandbox keeps
 * that shape and reads the outcome from the LAST TWO DIGITS:
 *
 * | suffix | outcome                    | wire answer                              | trade afterwards                              |
 * |--------|----------------------------|------------------------------------------|-----------------------------------------------|
 * | 00     | success                    | 10000                                    | TRADE_SUCCESS (+ notification)                |
 * | 01     | user_paying_then_success   | 10003                                    | WAIT_BUYER_PAY for userPayingMs → TRADE_SUCCESS |
 * | 02     | user_paying_then_closed    | 10003                                    | WAIT_BUYER_PAY for userPayingMs → TRADE_CLOSED  |
 * | 03     | user_paying_forever        | 10003                                    | WAIT_BUYER_PAY until cancelled / expired       |
 * | 04     | unavailable_but_paid       | 20000 isp.unknow-error                   | TRADE_SUCCESS (the trade was created and paid) |
 * | 05     | system_error_not_created   | 40004 ACQ.SYSTEM_ERROR                   | none (query → ACQ.TRADE_NOT_EXIST)             |
 * | 10     | auth_code_invalid          | 40004 ACQ.PAYMENT_AUTH_CODE_INVALID      | none                                           |
 * | 11     | balance_not_enough         | 40004 ACQ.BUYER_BALANCE_NOT_ENOUGH       | none                                           |
 * | other  | success                    | 10000                                    | TRADE_SUCCESS                                  |
 *
 * `sandbox.script(authCode, outcome)` overrides the table for one code. A code is single-use:
 * presenting it again for another out_trade_no answers ACQ.PAYMENT_AUTH_CODE_INVALID.
 */
import { randomDigits } from '../common/keys';

export const PAY_OUTCOMES = [
  'success',
  'user_paying_then_success',
  'user_paying_then_closed',
  'user_paying_forever',
  'unavailable_but_paid',
  'system_error_not_created',
  'auth_code_invalid',
  'balance_not_enough',
] as const;

export type PayOutcome = (typeof PAY_OUTCOMES)[number];

export const AUTH_CODE_SUFFIXES: Readonly<Record<string, PayOutcome>> = {
  '00': 'success',
  '01': 'user_paying_then_success',
  '02': 'user_paying_then_closed',
  '03': 'user_paying_forever',
  '04': 'unavailable_but_paid',
  '05': 'system_error_not_created',
  '10': 'auth_code_invalid',
  '11': 'balance_not_enough',
};

const SUFFIX_OF: Record<PayOutcome, string> = Object.fromEntries(
  Object.entries(AUTH_CODE_SUFFIXES).map(([suffix, outcome]) => [outcome, suffix]),
) as Record<PayOutcome, string>;

export const AUTH_CODE_PATTERN = /^(2[5-9]|30)[0-9]{14,22}$/;

export function isPayOutcome(value: unknown): value is PayOutcome {
  return typeof value === 'string' && (PAY_OUTCOMES as readonly string[]).includes(value);
}

export function outcomeOfAuthCode(authCode: string, scripted: ReadonlyMap<string, PayOutcome>): PayOutcome {
  return scripted.get(authCode) ?? AUTH_CODE_SUFFIXES[authCode.slice(-2)] ?? 'success';
}

/** A fresh 18-digit code ("28…") whose suffix selects `outcome`. */
export function authCodeFor(outcome: PayOutcome): string {
  return `28${randomDigits(14)}${SUFFIX_OF[outcome]}`;
}
