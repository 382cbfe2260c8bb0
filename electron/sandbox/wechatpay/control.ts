/**
 * HTTP control surface under /__sandbox/ — what the customer display ("customer scans and pays"),
 * the end-to-end tests and a curious developer use to drive the sandbox. Unauthenticated on purpose:
 * the sandbox only listens on loopback. CORS is open so a browser page on another port can call it.
 *
 *   GET    /__sandbox/health
 *   GET    /__sandbox/trades                 all trades (snapshots)
 *   GET    /__sandbox/trades/{out_trade_no}  one trade
 *   GET    /__sandbox/refunds                all refunds
 *   POST   /__sandbox/pay                    {out_trade_no, delay_ms?, completes_despite_close?}
 *   POST   /__sandbox/script                 {auth_code, outcome}           (codepay outcome for one code)
 *   POST   /__sandbox/refund-script          {out_refund_no, final_status?, not_enough?}
 *   GET    /__sandbox/faults                 active faults
 *   POST   /__sandbox/faults                 {op, kind, applied, delay_ms?, times?}
 *   DELETE /__sandbox/faults
 *   GET    /__sandbox/behaviour
 *   POST   /__sandbox/behaviour              a partial behaviour (see behaviour.ts)
 *   GET    /__sandbox/notifications          delivery log
 *   GET    /__sandbox/bill-faults            bill faults in force
 *   POST   /__sandbox/bill-faults            {kind: drop-line|alter-amount|add-foreign-payment, …} (common/billFaults.ts)
 *   DELETE /__sandbox/bill-faults
 */
import { z } from 'zod';
import type { Reply } from './api';
import type { BillFault, BillFaultInput } from '../common/billFaults';
import type { WechatSandboxBehaviour, WechatSandboxBehaviourPatch } from './behaviour';
import { codepayOutcomeSchema, type CodepayOutcome } from './codepayScripts';
import { operationSchema, type ActiveFault, type FaultSpecInput } from './faults';
import type { DeliveryRecord } from './notifier';
import type { RefundState } from './trades';
import type { SandboxRefundView, SandboxTradeView } from './views';

export type ScanAndPayResult = { ok: true; trade: SandboxTradeView } | { ok: false; status: number; code: string; message: string };

/** The sandbox's control API; the HTTP routes below and the TypeScript handle expose the same operations. */
export interface WechatSandboxControl {
  /** The customer scans the Native QR of `outTradeNo` and pays after `delayMs` (0: now). */
  scanAndPay(outTradeNo: string, options?: { delayMs?: number; completesDespiteClose?: boolean }): ScanAndPayResult;
  /** Fixes the codepay outcome of one auth code (overrides the suffix table). */
  script(authCode: string, outcome: CodepayOutcome): void;
  /** Fixes how one refund ends (or that it is refused for lack of balance). */
  scriptRefund(outRefundNo: string, script: { finalStatus?: RefundState; notEnough?: boolean }): void;
  injectFault(spec: FaultSpecInput): string;
  faults(): ActiveFault[];
  clearFaults(): void;
  configure(patch: WechatSandboxBehaviourPatch): WechatSandboxBehaviour;
  behaviour(): WechatSandboxBehaviour;
  trades(): SandboxTradeView[];
  trade(outTradeNo: string): SandboxTradeView | undefined;
  refunds(): SandboxRefundView[];
  notifications(): DeliveryRecord[];
  /** Applies due transitions now (handy with a fake clock). */
  settle(): void;
  /** Makes the trade bills differ from the trades (a dropped, altered or foreign line), for reconciliation tests. */
  injectBillFault(fault: BillFaultInput): BillFault;
  billFaults(): BillFault[];
  clearBillFaults(): void;
}

const paySchema = z.object({ out_trade_no: z.string().min(1), delay_ms: z.number().int().min(0).optional(), completes_despite_close: z.boolean().optional() });
const scriptSchema = z.object({ auth_code: z.string().min(1), outcome: codepayOutcomeSchema });
const refundScriptSchema = z.object({
  out_refund_no: z.string().min(1),
  final_status: z.enum(['SUCCESS', 'CLOSED', 'ABNORMAL']).optional(),
  not_enough: z.boolean().optional(),
});
const faultSchema = z.object({
  op: z.union([operationSchema, z.literal('*')]),
  kind: z.enum(['accepted-202', 'system-error-500', 'rate-limit-429', 'hang-up', 'delay']),
  applied: z.boolean(),
  delay_ms: z.number().int().min(0).optional(),
  times: z.number().int().min(1).optional(),
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

export function runControl(method: string, pathname: string, body: Buffer, control: WechatSandboxControl): Reply {
  const path = pathname.replace(/^\/__sandbox/, '');
  if (method === 'GET' && path === '/health') return { status: 200, json: { ok: true } };
  if (method === 'GET' && path === '/trades') return { status: 200, json: { trades: control.trades() } };
  if (method === 'GET' && path.startsWith('/trades/')) {
    const trade = control.trade(decodeURIComponent(path.slice('/trades/'.length)));
    return trade ? { status: 200, json: trade } : { status: 404, json: { code: 'ORDER_NOT_EXIST', message: 'no such trade' } };
  }
  if (method === 'GET' && path === '/refunds') return { status: 200, json: { refunds: control.refunds() } };
  if (method === 'POST' && path === '/pay') {
    const parsed = parse(paySchema, body);
    if (!parsed.ok) return parsed.reply;
    const result = control.scanAndPay(parsed.value.out_trade_no, {
      ...(parsed.value.delay_ms === undefined ? {} : { delayMs: parsed.value.delay_ms }),
      ...(parsed.value.completes_despite_close === undefined ? {} : { completesDespiteClose: parsed.value.completes_despite_close }),
    });
    return result.ok ? { status: 200, json: { trade: result.trade } } : { status: result.status, json: { code: result.code, message: result.message } };
  }
  if (method === 'POST' && path === '/script') {
    const parsed = parse(scriptSchema, body);
    if (!parsed.ok) return parsed.reply;
    control.script(parsed.value.auth_code, parsed.value.outcome);
    return { status: 200, json: { ok: true } };
  }
  if (method === 'POST' && path === '/refund-script') {
    const parsed = parse(refundScriptSchema, body);
    if (!parsed.ok) return parsed.reply;
    control.scriptRefund(parsed.value.out_refund_no, {
      ...(parsed.value.final_status === undefined ? {} : { finalStatus: parsed.value.final_status }),
      ...(parsed.value.not_enough === undefined ? {} : { notEnough: parsed.value.not_enough }),
    });
    return { status: 200, json: { ok: true } };
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
      const { delay_ms, times, ...rest } = parsed.value;
      const id = control.injectFault({ ...rest, ...(delay_ms === undefined ? {} : { delayMs: delay_ms }), ...(times === undefined ? {} : { times }) });
      return { status: 200, json: { id } };
    }
  }
  if (path === '/behaviour') {
    if (method === 'GET') return { status: 200, json: control.behaviour() };
    if (method === 'POST') {
      try {
        return { status: 200, json: control.configure(JSON.parse(body.toString('utf8') || '{}')) };
      } catch (error) {
        return bad(error instanceof Error ? error.message : 'invalid behaviour');
      }
    }
  }
  if (method === 'GET' && path === '/notifications') return { status: 200, json: { deliveries: control.notifications() } };
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
        return bad(error instanceof Error ? error.message : 'invalid bill fault');
      }
    }
  }
  return { status: 404, json: { code: 'NOT_FOUND', message: `no control route ${method} ${pathname}` } };
}
