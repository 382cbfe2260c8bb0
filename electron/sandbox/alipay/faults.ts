/**
 * Fault injection for any gateway call. Each fault is "applied" (the sandbox carries out the
 * request, then the answer is lost or replaced) or "not applied" (the request never took effect),
 * because the client must treat both alike: as unknown, resolved by query.
 */
export const FAULT_KINDS = [
  /** 20000 isp.unknow-error, signed. */
  'service_unavailable',
  /** 40004 ACQ.SYSTEM_ERROR, signed. */
  'system_error',
  /** The socket is destroyed without an answer. */
  'hang_up',
  /** The answer is held for delayMs (beyond the client's timeout); not applied: then the socket is dropped. */
  'delay',
  /** An HTTP error page (status httpStatus, default 502) from a proxy in front of the gateway. */
  'http_error',
  /** The signed answer is altered after signing (always applied). */
  'bad_signature',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** Whether the request takes effect before the fault hits. */
  applied: boolean;
  /** Only calls of this method (e.g. 'alipay.trade.pay'); every method when absent. */
  method?: string;
  /** How many matching calls it hits (default 1). */
  times?: number;
  delayMs?: number;
  httpStatus?: number;
}

export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

export class FaultQueue {
  private faults: Array<FaultSpec & { remaining: number }> = [];

  add(spec: FaultSpec): void {
    this.faults.push({ ...spec, remaining: Math.max(1, spec.times ?? 1) });
  }

  /** The first pending fault for `method`, consumed once. */
  take(method: string): FaultSpec | undefined {
    const fault = this.faults.find((candidate) => candidate.method === undefined || candidate.method === method);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    const { remaining: _remaining, ...spec } = fault;
    return spec;
  }

  pending(): FaultSpec[] {
    return this.faults.map(({ remaining, ...spec }) => ({ ...spec, times: remaining }));
  }

  clear(): void {
    this.faults = [];
  }
}
