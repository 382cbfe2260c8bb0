import type { Database } from 'better-sqlite3';
import type { PaymentRow, PaymentState } from './orders';

export type { PaymentRow, PaymentState };

/** Attempt states that still need work (a network call, a query, a close). */
export const LIVE_PAYMENT_STATES: readonly PaymentState[] = ['created', 'pending', 'unknown', 'closing'];

export type PaymentChanges = Partial<
  Pick<
    PaymentRow,
    | 'provider_trade_no'
    | 'provider_state'
    | 'code_url'
    | 'failure_code'
    | 'failure_message'
    | 'next_check_at'
    | 'check_count'
    | 'succeeded_at'
    | 'finished_at'
    | 'expires_at'
  >
>;

export class PaymentStore {
  constructor(private readonly db: Database) {}

  get(id: string): PaymentRow | undefined {
    return this.db.prepare('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow | undefined;
  }

  byOutTradeNo(outTradeNo: string): PaymentRow | undefined {
    return this.db.prepare('SELECT * FROM payments WHERE out_trade_no = ?').get(outTradeNo) as PaymentRow | undefined;
  }

  liveForOrder(orderId: string): PaymentRow | undefined {
    return this.db
      .prepare("SELECT * FROM payments WHERE order_id = ? AND state IN ('created', 'pending', 'unknown', 'closing')")
      .get(orderId) as PaymentRow | undefined;
  }

  /** Every unfinished provider attempt, oldest first: what the sweeper resumes after a restart. */
  unfinished(): PaymentRow[] {
    return this.db
      .prepare("SELECT * FROM payments WHERE state IN ('created', 'pending', 'unknown', 'closing') ORDER BY created_at, id")
      .all() as PaymentRow[];
  }

  /**
   * Conditional state change: only from one of `from`. Returns the new row, or undefined when the
   * attempt had already moved (another path resolved it first) — then the caller must not repeat
   * the side effects.
   */
  transition(id: string, from: readonly PaymentState[], to: PaymentState, now: string, changes: PaymentChanges = {}): PaymentRow | undefined {
    const sets = Object.keys(changes).map((column) => `${column} = @${column}`);
    const placeholders = from.map((_, index) => `@from${index}`).join(', ');
    const params: Record<string, unknown> = { ...changes, id, to, now };
    from.forEach((state, index) => (params[`from${index}`] = state));
    return this.db
      .prepare(
        `UPDATE payments SET state = @to, updated_at = @now${sets.length ? ', ' + sets.join(', ') : ''}
         WHERE id = @id AND state IN (${placeholders}) RETURNING *`,
      )
      .get(params) as PaymentRow | undefined;
  }

  /** Bookkeeping that is not a state change (next poll time, counters, provider ids). */
  update(id: string, now: string, changes: PaymentChanges): void {
    const sets = Object.keys(changes).map((column) => `${column} = @${column}`);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE payments SET updated_at = @now, ${sets.join(', ')} WHERE id = @id`).run({ ...changes, id, now });
  }
}

/**
 * What the status bar needs to judge one provider's health, from the attempts already stored
 * (no network call): the latest attempt since `since`, the attempts still unresolved, and the last
 * success. Reads the (tender, created_at) index and the unfinished partial index only.
 */
export function providerActivity(
  db: Database,
  tender: 'wechat' | 'alipay',
  since: string,
): { latest: Pick<PaymentRow, 'state' | 'failure_code' | 'created_at' | 'updated_at'> | undefined; unresolved: number; lastSuccessAt: string | null } {
  const latest = db
    .prepare('SELECT state, failure_code, created_at, updated_at FROM payments WHERE tender = ? AND created_at >= ? ORDER BY created_at DESC LIMIT 1')
    .get(tender, since) as Pick<PaymentRow, 'state' | 'failure_code' | 'created_at' | 'updated_at'> | undefined;
  // The unfinished partial index, named: with an equality on tender the planner would otherwise pick
  // (tender, created_at) and walk every attempt of that provider ever made.
  const unresolved = (
    db
      .prepare("SELECT count(*) AS n FROM payments INDEXED BY payments_unfinished WHERE state IN ('created', 'pending', 'unknown', 'closing') AND state = 'unknown' AND tender = ?")
      .get(tender) as { n: number }
  ).n;
  const success = db
    .prepare("SELECT succeeded_at FROM payments WHERE tender = ? AND state = 'succeeded' ORDER BY created_at DESC LIMIT 1")
    .get(tender) as { succeeded_at: string | null } | undefined;
  return { latest, unresolved, lastSuccessAt: success?.succeeded_at ?? null };
}
