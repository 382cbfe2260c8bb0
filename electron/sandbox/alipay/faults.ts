/**
 * Fault injection for any sandbox call (payment-protocols.md §5.8): 20000, ACQ.SYSTEM_ERROR, a socket
 * hang-up, an answer delayed past the client's timeout, a proxy's HTTP error page, or an answer
 * altered after signing — each either `applied` (the request took effect, only the answer is lost or
 * wrong) or not applied (nothing happened). The difference is exactly what the client cannot see and
 * must resolve by query.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** Gateway methods by short name, plus the bill file download. */
export const OPERATION_BY_METHOD = {
  'alipay.trade.precreate': 'precreate',
  'alipay.trade.pay': 'pay',
  'alipay.trade.query': 'query',
  'alipay.trade.close': 'close',
  'alipay.trade.cancel': 'cancel',
  'alipay.trade.refund': 'refund',
  'alipay.trade.fastpay.refund.query': 'refund-query',
  'alipay.data.dataservice.bill.downloadurl.query': 'bill-url',
} as const;

export const operationSchema = z.enum(['precreate', 'pay', 'query', 'close', 'cancel', 'refund', 'refund-query', 'bill-url', 'bill-download']);
export type SandboxOperation = z.infer<typeof operationSchema>;

export const faultSpecSchema = z.object({
  /** Which call; '*' matches every one. */
  op: z.union([operationSchema, z.literal('*')]),
  kind: z.enum([
    /** 20000 isp.unknow-error, signed. */
    'service-unavailable',
    /** 40004 ACQ.SYSTEM_ERROR, signed. */
    'system-error',
    /** The socket is destroyed without an answer. */
    'hang-up',
    /** The answer is held for delayMs; not applied: then the socket is dropped. */
    'delay',
    /** An HTTP error page (httpStatus, default 502) from a proxy in front of the gateway. */
    'http-error',
    /** The signed answer is altered after signing (the request is always carried out). */
    'bad-signature',
  ]),
  /** Whether the request takes effect before the fault hits the answer. */
  applied: z.boolean(),
  /** For `delay`: how long the answer is held (make it longer than the client timeout). */
  delayMs: z.number().int().min(0).default(0),
  /** How many matching requests the fault hits. Note: urllib under alipay-sdk resends once after a socket error. */
  times: z.number().int().min(1).default(1),
  httpStatus: z.number().int().min(400).max(599).default(502),
});
export type FaultSpec = z.output<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;

export interface ActiveFault extends FaultSpec {
  id: string;
  remaining: number;
}

export class FaultPlan {
  private faults: ActiveFault[] = [];

  add(input: FaultSpecInput): string {
    const spec = faultSpecSchema.parse(input);
    const id = randomUUID();
    this.faults.push({ ...spec, id, remaining: spec.times });
    return id;
  }

  /** The first fault that matches `op`, consuming one of its uses. */
  take(op: SandboxOperation): FaultSpec | undefined {
    const fault = this.faults.find((candidate) => candidate.op === '*' || candidate.op === op);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }

  list(): ActiveFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }
}
