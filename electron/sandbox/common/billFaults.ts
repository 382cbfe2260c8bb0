/**
 * Bill faults (both sandboxes): what a reconciliation test needs the provider's trade bill to get
 * "wrong" against the merchant's books, applied when the bill file is generated so the file itself
 * stays protocol-faithful (same columns, sums and summary as a real one with those lines):
 *   - `drop-line`:   a payment (or one refund) of a trade is left out of the bill;
 *   - `alter-amount`: a payment (or refund) line carries another amount;
 *   - `add-foreign-payment`: a paid trade the merchant never made (another system on the account).
 * Faults stay until cleared, like the behaviour knobs; each applies to every bill it matches.
 */
import { z } from 'zod';

const outTradeNo = z.string().min(1).max(64);

export const billFaultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('drop-line'),
    outTradeNo,
    line: z.enum(['payment', 'refund']).default('payment'),
    /** For refund lines: only this refund (default: every refund of the trade). */
    outRefundNo: z.string().min(1).max(64).optional(),
  }),
  z.object({
    kind: z.literal('alter-amount'),
    outTradeNo,
    line: z.enum(['payment', 'refund']).default('payment'),
    outRefundNo: z.string().min(1).max(64).optional(),
    amountFen: z.number().int().positive(),
  }),
  z.object({
    kind: z.literal('add-foreign-payment'),
    /** The bill day (China time) the foreign payment appears on. */
    billDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    outTradeNo,
    amountFen: z.number().int().positive(),
  }),
]);

export type BillFault = z.output<typeof billFaultSchema>;
export type BillFaultInput = z.input<typeof billFaultSchema>;

export class BillFaults {
  private faults: BillFault[] = [];

  add(input: BillFaultInput): BillFault {
    const fault = billFaultSchema.parse(input);
    this.faults.push(fault);
    return fault;
  }

  list(): BillFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }

  /** Whether the payment line of `outTradeNo` is dropped, and the amount it carries otherwise. */
  payment(outTradeNo: string, amountFen: number): { drop: boolean; amountFen: number } {
    return this.line('payment', outTradeNo, undefined, amountFen);
  }

  refund(outTradeNo: string, outRefundNo: string, amountFen: number): { drop: boolean; amountFen: number } {
    return this.line('refund', outTradeNo, outRefundNo, amountFen);
  }

  foreignPayments(billDate: string): Array<{ outTradeNo: string; amountFen: number }> {
    return this.faults.flatMap((fault) =>
      fault.kind === 'add-foreign-payment' && fault.billDate === billDate ? [{ outTradeNo: fault.outTradeNo, amountFen: fault.amountFen }] : [],
    );
  }

  private line(line: 'payment' | 'refund', outTradeNo: string, outRefundNo: string | undefined, amountFen: number) {
    const matches = (fault: BillFault) =>
      fault.kind !== 'add-foreign-payment' &&
      fault.line === line &&
      fault.outTradeNo === outTradeNo &&
      (line === 'payment' || fault.outRefundNo === undefined || fault.outRefundNo === outRefundNo);
    const applicable = this.faults.filter(matches);
    const drop = applicable.some((fault) => fault.kind === 'drop-line');
    const altered = applicable.findLast((fault) => fault.kind === 'alter-amount');
    return { drop, amountFen: altered?.kind === 'alter-amount' ? altered.amountFen : amountFen };
  }
}
