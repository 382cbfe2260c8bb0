/** Money on screen: integer fen in, ¥12.34 out. No floats anywhere on this path. */
export function formatFen(fen: number, options: { sign?: boolean } = {}): string {
  const value = Math.trunc(fen);
  const negative = value < 0;
  const abs = Math.abs(value);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  const grouped = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = negative ? '−' : options.sign ? '+' : '';
  return `${sign}¥${grouped}.${cents < 10 ? '0' : ''}${cents}`;
}

/** "12", "12.3", "12.34", "¥12.34" → fen; null when not a valid amount. */
export function parseYuanToFen(text: string): number | null {
  const cleaned = text.trim().replace(/^[¥￥]/, '').replace(/,/g, '');
  const match = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (!match) return null;
  const yuan = Number.parseInt(match[1] ?? '0', 10);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return yuan * 100 + Number.parseInt(fraction, 10);
}

/** Grams → "0.456 kg". */
export function formatKg(grams: number): string {
  const g = Math.max(0, Math.trunc(grams));
  const kg = Math.floor(g / 1000);
  const rest = String(g % 1000).padStart(3, '0');
  return `${kg}.${rest} kg`;
}

/** Basis points off → "15%" (1500 bp). */
export function formatBp(bp: number): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  return rest === 0 ? `${whole}%` : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}

/** "15" or "15.5" percent → basis points; null when invalid. */
export function parsePercentToBp(text: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(text.trim().replace(/%$/, ''));
  if (!match) return null;
  const bp = Number.parseInt(match[1] ?? '0', 10) * 100 + Number.parseInt((match[2] ?? '').padEnd(2, '0'), 10);
  return bp >= 1 && bp <= 10_000 ? bp : null;
}
