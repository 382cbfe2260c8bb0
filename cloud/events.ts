/**
 * Verified provider notifications: stored once (unique on provider + trade number + refund number +
 * state, so the providers' resends and duplicates land on one row), then relayed to the terminal
 * that owns the out_trade_no through GET /v1/sync/events. The till treats them as hints and confirms
 * by querying the provider.
 *
 * The feed's cursor is the row's bigserial. Inserts for one terminal are serialised by an advisory
 * lock, so a row with a lower seq can never commit after a reader has seen a higher one (the feed
 * would skip it for ever otherwise).
 */
import type { RelayedEvent } from '../electron/sync/wire';
import { toInt, type CloudDatabase, type Queryable } from './db';
import { newId } from './ids';
import { NotificationRefused, type NormalisedNotification } from './notify/types';

export interface NotifyTarget {
  terminalId: string;
  storeId: string;
  terminalCode: string;
}

export interface StoredEvent {
  id: string;
  /** False when this was a resend/duplicate of a stored event. */
  inserted: boolean;
  terminalCode: string;
}

/**
 * Amount check against what the tills have synced: when the cloud knows this out_trade_no (or this
 * refund), the notified amount must be the same. Returns the terminal code that owns the payment.
 */
async function checkAgainstSynced(db: Queryable, target: NotifyTarget, n: NormalisedNotification): Promise<string> {
  const payments = await db.query<{ amount_fen: unknown; terminal_code: string }>(
    `SELECT p.amount_fen, o.terminal_code FROM order_payments p JOIN orders o ON o.id = p.order_id
     WHERE p.out_trade_no = $1 AND o.store_id = $2 LIMIT 1`,
    [n.outTradeNo, target.storeId],
  );
  const payment = payments[0];
  if (payment && toInt(payment.amount_fen) !== n.totalFen) {
    throw new NotificationRefused(400, 'AMOUNT_MISMATCH', `amount ${n.totalFen} fen differs from the synced payment (${toInt(payment.amount_fen)} fen)`);
  }
  if (n.kind === 'refund' && n.refundFen !== null && n.outRefundNo) {
    const refunds = await db.query<{ amount_fen: unknown }>(
      'SELECT r.amount_fen FROM order_refunds r JOIN orders o ON o.id = r.order_id WHERE r.out_refund_no = $1 AND o.store_id = $2 LIMIT 1',
      [n.outRefundNo, target.storeId],
    );
    if (refunds[0] && toInt(refunds[0].amount_fen) !== n.refundFen) {
      throw new NotificationRefused(400, 'AMOUNT_MISMATCH', `refund ${n.refundFen} fen differs from the synced refund (${toInt(refunds[0].amount_fen)} fen)`);
    }
  }
  return payment?.terminal_code ?? target.terminalCode;
}

export async function storeNotification(db: CloudDatabase, target: NotifyTarget, n: NormalisedNotification, nowMs: number): Promise<StoredEvent> {
  const owner = await checkAgainstSynced(db, target, n);
  const now = new Date(nowMs).toISOString();
  const dedupeKey = `${n.providerTradeNo ?? n.outTradeNo}|${n.outRefundNo ?? ''}|${n.claimedState}`;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`events:${target.storeId}/${owner}`]);
    const rows = await tx.query<{ id: string; inserted: boolean }>(
      `INSERT INTO provider_events (id, provider, dedupe_key, provider_event_id, store_id, terminal_code, terminal_id, kind, out_trade_no,
         out_refund_no, claimed_state, amount_fen, payload, received_at, last_delivery_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $14)
       ON CONFLICT (provider, dedupe_key) DO UPDATE SET deliveries = provider_events.deliveries + 1, last_delivery_at = EXCLUDED.last_delivery_at
       RETURNING id, (xmax = 0) AS inserted`,
      [
        newId('evt'),
        n.provider,
        dedupeKey,
        n.providerEventId,
        target.storeId,
        owner,
        target.terminalId,
        n.kind,
        n.outTradeNo,
        n.outRefundNo,
        n.claimedState,
        n.kind === 'refund' ? n.refundFen : n.totalFen,
        JSON.stringify(n.payload),
        now,
      ],
    );
    return { id: rows[0]!.id, inserted: rows[0]!.inserted, terminalCode: owner };
  });
}

export const DEFAULT_EVENTS_LIMIT = 100;
export const MAX_EVENTS_LIMIT = 500;

export async function eventsFor(db: Queryable, terminal: { storeId: string; code: string }, after: string, limit: number): Promise<{ events: RelayedEvent[]; cursor: string }> {
  const rows = await db.query<{
    seq: unknown;
    id: string;
    provider: 'wechat' | 'alipay';
    kind: 'payment' | 'refund';
    out_trade_no: string;
    out_refund_no: string | null;
    claimed_state: string;
    received_at: unknown;
  }>(
    `SELECT seq, id, provider, kind, out_trade_no, out_refund_no, claimed_state, received_at FROM provider_events
     WHERE store_id = $1 AND terminal_code = $2 AND seq > $3::bigint ORDER BY seq LIMIT $4`,
    [terminal.storeId, terminal.code, after, limit],
  );
  const events = rows.map((row) => ({
    id: row.id,
    provider: row.provider,
    kind: row.kind,
    outTradeNo: row.out_trade_no,
    outRefundNo: row.out_refund_no,
    claimedState: row.claimed_state,
    receivedAt: new Date(row.received_at as string | Date).toISOString(),
  }));
  const last = rows.at(-1);
  return { events, cursor: last ? String(toInt(last.seq)) : after };
}

export interface NotifyTargetRow extends NotifyTarget {
  wechatConfig: Record<string, unknown> | null;
  wechatApiV3KeySealed: string | null;
  alipayConfig: Record<string, unknown> | null;
}

/** The notify URL's terminal (revoked ones too: providers keep resending for a day) and its store's keys. */
export async function notifyTarget(db: Queryable, terminalId: string): Promise<NotifyTargetRow | undefined> {
  const rows = await db.query<{
    id: string;
    store_id: string;
    code: string;
    wechat_config: Record<string, unknown> | null;
    wechat_api_v3_key_sealed: string | null;
    alipay_config: Record<string, unknown> | null;
  }>(
    `SELECT t.id, t.store_id, t.code, s.wechat_config, s.wechat_api_v3_key_sealed, s.alipay_config
     FROM terminals t JOIN stores s ON s.id = t.store_id WHERE t.id = $1`,
    [terminalId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    terminalId: row.id,
    storeId: row.store_id,
    terminalCode: row.code,
    wechatConfig: row.wechat_config,
    wechatApiV3KeySealed: row.wechat_api_v3_key_sealed,
    alipayConfig: row.alipay_config,
  };
}
