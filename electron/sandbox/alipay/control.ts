/**
 * HTTP control surface under /__sandbox/ — what the customer display ("customer scans and pays"), the
 * end-to-end tests and a curious developer use to drive the sandbox. Same shape as the WeChat
 * sandbox's. Unauthenticated on purpose: the sandbox only listens on loopback. CORS is open so a
 * browser page on another port can call it.
 *
 *   GET    /__sandbox/health
 *   GET    /__sandbox/trades                 all trades (snapshots)
 *   GET    /__sandbox/trades/{out_trade_no}  one trade
 *   GET    /__sandbox/refunds                all refunds
 *   POST   /__sandbox/pay                    {out_trade_no, delay_ms?, completes_despite_close?}  customer scans and pays
 *   POST   /__sandbox/scan                   {out_trade_no}        customer scans only (trade appears, WAIT_BUYER_PAY)
 *   POST   /__sandbox/script                 {auth_code, outcome}  (trade.pay outcome for one code)
 *   GET    /__sandbox/auth-codes             the suffix → outcome table
 *   POST   /__sandbox/auth-code              {outcome}             a fresh code for an outcome
 *   GET    /__sandbox/faults                 active faults
 *   POST   /__sandbox/faults                 {op, kind, applied, delay_ms?, times?, http_status?}
 *   DELETE /__sandbox/faults
 *   GET    /__sandbox/behaviour
 *   POST   /__sandbox/behaviour              a partial behaviour (see behaviour.ts)
 *   GET    /__sandbox/notifications          delivery log
 *   POST   /__sandbox/settle                 apply due transitions now (with a moved clock)
 *   POST   /__sandbox/reset                  forget all state, default behaviour
 *   GET    /__sandbox/bill-faults            bill faults in force
 *   POST   /__sandbox/bill-faults            {kind: drop-line|alter-amount|add-foreign-payment, …} (common/billFaults.ts)
 *   DELETE /__sandbox/bill-faults
 */
import { z } from 'zod';
import type { BillFault, BillFaultInput } from '../common/billFaults';
import { OUTCOME_BY_SUFFIX, payOutcomeSchema, type PayOutcome } from './authCodes';
import { type AlipaySandboxBehaviour, type AlipaySandboxBehaviourPatch } from './behaviour';
import { faultSpecSchema, type ActiveFault, type FaultSpecInput } from './faults';
import { type DeliveryRecord } from './notifier';
import { type SandboxRefundView, type SandboxTradeView } from './views';

export type ControlResult = { ok: true; trade: SandboxTradeView } | { ok: false; status: number; code: string; message: string };
/** Kept under the WeChat sandbox's name. */
export type ScanAndPayResult = ControlResult;

/** The sandbox's control API; the HTTP routes below and the TypeScript handle expose the same operations. */
export interface AlipaySandboxControl {
  /** The customer scans the QR of `outTradeNo` now and pays after `delayMs` (0: now). */
  scanAndPay(outTradeNo: string, options?: { delayMs?: number; completesDespiteClose?: boolean }): ScanAndPayResult;
  /** The customer only scans: Alipay now has the trade, WAIT_BUYER_PAY. */
  scan(outTradeNo: string): ControlResult;
  /** Fixes the trade.pay outcome of one auth code (overrides the suffix table). */
  script(authCode: string, outcome: PayOutcome): void;
  /** A fresh, unused auth code that produces `outcome`. */
  authCode(outcome: PayOutcome): string;
  injectFault(spec: FaultSpecInput): string;
  faults(): ActiveFault[];
  clearFaults(): void;
  configure(patch: AlipaySandboxBehaviourPatch): AlipaySandboxBehaviour;
  behaviour(): AlipaySandboxBehaviour;
  trades(): SandboxTradeView[];
  trade(outTradeNo: string): SandboxTradeView | undefined;
  refunds(): SandboxRefundView[];
  notifications(): DeliveryRecord[];
  /** Applies due transitions now (handy with a fake clock). */
  settle(): void;
  /** Forgets trades, scripts, faults, notifications and bills; behaviour back to its defaults. */
  reset(): void;
  /** Makes the trade bills differ from the trades (a dropped, altered or foreign line), for reconciliation tests. */
  injectBillFault(fault: BillFaultInput): BillFault;
  billFaults(): BillFault[];
  clearBillFaults(): void;
}

export interface Reply {
  status: number;
  json?: unknown;
}

const paySchema = z.object({ out_trade_no: z.string().min(1), delay_ms: z.number().int().min(0).optional(), completes_despite_close: z.boolean().optional() });
const scanSchema = z.object({ out_trade_no: z.string().min(1) });
const scriptSchema = z.object({ auth_code: z.string().min(1), outcome: payOutcomeSchema });
const authCodeSchema = z.object({ outcome: payOutcomeSchema });
const faultSchema = faultSpecSchema.omit({ delayMs: true, times: true, httpStatus: true }).extend({
  op: faultSpecSchema.shape.op.default('*'),
  delay_ms: z.number().int().min(0).optional(),
  times: z.number().int().min(1).optional(),
  http_status: z.number().int().min(400).max(599).optional(),
});

const bad = (message: string): Reply => ({ status: 400, json: { code: 'BAD_CONTROL_REQUEST', message } });

function parse<T>(schema: z.ZodType<T>, body: Buffer): { ok: true; value: T } | { ok: false; reply: Reply } {
  try {
    const parsed = schema.safeParse(JSON.parse(body.toString('utf8') || '{}'));
    if (parsed.success) return { ok: true, value: parsed.data };
    return { ok: false, reply: bad(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')) };
  } catch {
    return { ok: false, reply: bad('body is not JSON') };
  }
}

const tradeReply = (result: ControlResult): Reply =>
  result.ok ? { status: 200, json: { trade: result.trade } } : { status: result.status, json: { code: result.code, message: result.message } };

export function runControl(method: string, pathname: string, body: Buffer, control: AlipaySandboxControl): Reply {
  const path = pathname.replace(/^\/__sandbox/, '').replace(/\/$/, '');
  if (method === 'GET' && path === '/health') return { status: 200, json: { ok: true } };
  if (method === 'GET' && path === '/trades') return { status: 200, json: { trades: control.trades() } };
  if (method === 'GET' && path.startsWith('/trades/')) {
    const trade = control.trade(decodeURIComponent(path.slice('/trades/'.length)));
    return trade ? { status: 200, json: trade } : { status: 404, json: { code: 'TRADE_NOT_EXIST', message: 'no such trade' } };
  }
  if (method === 'GET' && path === '/refunds') return { status: 200, json: { refunds: control.refunds() } };
  if (method === 'POST' && path === '/pay') {
    const parsed = parse(paySchema, body);
    if (!parsed.ok) return parsed.reply;
    return tradeReply(
      control.scanAndPay(parsed.value.out_trade_no, {
        ...(parsed.value.delay_ms === undefined ? {} : { delayMs: parsed.value.delay_ms }),
        ...(parsed.value.completes_despite_close === undefined ? {} : { completesDespiteClose: parsed.value.completes_despite_close }),
      }),
    );
  }
  if (method === 'POST' && path === '/scan') {
    const parsed = parse(scanSchema, body);
    return parsed.ok ? tradeReply(control.scan(parsed.value.out_trade_no)) : parsed.reply;
  }
  if (method === 'POST' && path === '/script') {
    const parsed = parse(scriptSchema, body);
    if (!parsed.ok) return parsed.reply;
    control.script(parsed.value.auth_code, parsed.value.outcome);
    return { status: 200, json: { ok: true } };
  }
  if (method === 'GET' && path === '/auth-codes') return { status: 200, json: { suffixes: OUTCOME_BY_SUFFIX } };
  if (method === 'POST' && path === '/auth-code') {
    const parsed = parse(authCodeSchema, body);
    return parsed.ok ? { status: 200, json: { auth_code: control.authCode(parsed.value.outcome), outcome: parsed.value.outcome } } : parsed.reply;
  }
  if (path === '/faults') {
    if (method === 'GET') return { status: 200, json: { faults: control.faults() } };
    if (method === 'DELETE') {
      control.clearFaults();
      return { status: 200, json: { ok: true } };
    }
    if (method === 'POST') {
      const parsed = parse(faultSchema, body);
      if (!parsed.ok) return parsed.reply;
      const { delay_ms, times, http_status, ...rest } = parsed.value;
      const id = control.injectFault({
        ...rest,
        ...(delay_ms === undefined ? {} : { delayMs: delay_ms }),
        ...(times === undefined ? {} : { times }),
        ...(http_status === undefined ? {} : { httpStatus: http_status }),
      });
      return { status: 200, json: { id } };
    }
  }
  if (path === '/behaviour') {
    if (method === 'GET') return { status: 200, json: control.behaviour() };
    if (method === 'POST') {
      try {
        return { status: 200, json: control.configure(JSON.parse(body.toString('utf8') || '{}') as AlipaySandboxBehaviourPatch) };
      } catch (error) {
        return bad(error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'invalid behaviour');
      }
    }
  }
  if (method === 'GET' && path === '/notifications') return { status: 200, json: { deliveries: control.notifications() } };
  if (method === 'POST' && path === '/settle') {
    control.settle();
    return { status: 200, json: { ok: true } };
  }
  if (path === '/bill-faults') {
    if (method === 'GET') return { status: 200, json: { faults: control.billFaults() } };
    if (method === 'DELETE') {
      control.clearBillFaults();
      return { status: 200, json: { ok: true } };
    }
    if (method === 'POST') {
      try {
        return { status: 200, json: control.injectBillFault(JSON.parse(body.toString('utf8') || '{}') as BillFaultInput) };
      } catch (error) {
        return bad(error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'invalid bill fault');
      }
    }
  }
  if (method === 'POST' && path === '/reset') {
    control.reset();
    return { status: 200, json: { ok: true } };
  }
  return { status: 404, json: { code: 'NOT_FOUND', message: `no control route ${method} ${pathname}` } };
}
