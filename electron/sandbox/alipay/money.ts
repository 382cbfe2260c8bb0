/**
 * Yuan ↔ fen for the sandbox. Deliberately separate from the client's yuan.ts: the sandbox is the
 * oracle the client is tested against, and sharing the conversion would let one bug hide itself.
 */
const AMOUNT = /^(0|[1-9][0-9]{0,8})(?:\.([0-9]{1,2}))?$/;

/** "88.88" → 8888; undefined when the text is not a 0.01–100000000.00 amount. */
export function parseYuan(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = AMOUNT.exec(text);
  if (!match) return undefined;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return fen >= 1 && fen <= 10_000_000_000 ? fen : undefined;
}

/** 8888 → "88.88", -1000 → "-10.00". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
