/**
 * Fault injection for any sandbox endpoint (payment-protocols.md §2.9): 202, 500 SYSTEM_ERROR, 429, a
 * socket hang-up, or an answer delayed past the client's timeout — each either `applied` (the request
 * took effect, only the answer is lost or wrong) or not applied (nothing happened). The difference is
 * exactly what the client cannot see and must resolve by query.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const operationSchema = z.enum(['native', 'codepay', 'query', 'close', 'reverse', 'refund', 'refund-query', 'tradebill', 'bill-download']);
export type SandboxOperation = z.infer<typeof operationSchema>;

export const faultSpecSchema = z.object({
  /** Which endpoint; '*' matches every one. */
  op: z.union([operationSchema, z.literal('*')]),
  kind: z.enum(['accepted-202', 'system-error-500', 'rate-limit-429', 'hang-up', 'delay']),
  /** Whether the request takes effect before the fault hits the answer. */
  applied: z.boolean(),
  /** For `delay`: how long the answer is held (make it longer than the client timeout). */
  delayMs: z.number().int().min(0).default(0),
  /** How many matching requests the fault hits. */
  times: z.number().int().min(1).default(1),
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
