/**
 * What the browser end-to-end specs share: amounts as the UI prints them, the demo catalog and the
 * stored rows a spec checks the screen against, a USB scanner's keystrokes, the QR decoder and the
 * page's own API client.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Locator, Page } from '@playwright/test';
import { expect, type Till } from './fixtures';

/** ¥12.34 as the UI prints it (no float on the way). */
export function yuan(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** '¥12.34' (or '-¥0.30', '12.34') → 1234. */
export function fenOf(text: string): number {
  const match = /(-)?¥?\s*([\d,]+)\.(\d{2})/.exec(text);
  if (!match) throw new Error(`no amount in ${JSON.stringify(text)}`);
  const fen = Number.parseInt(match[2]!.replace(/,/g, ''), 10) * 100 + Number.parseInt(match[3]!, 10);
  return match[1] ? -fen : fen;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  nameEn: string | null;
  priceFen: number;
  plu: string | null;
  barcode: string | null;
}

export function product(till: Till, name: string): Product {
  const row = till.core.db
    .prepare(
      `SELECT p.id, p.sku, p.name, p.name_en AS nameEn, p.price_fen AS priceFen, p.plu,
              (SELECT b.barcode FROM product_barcodes b WHERE b.product_id = p.id LIMIT 1) AS barcode
         FROM products p WHERE p.name = ?`,
    )
    .get(name) as Product | undefined;
  if (!row) throw new Error(`demo catalog has no ${name}`);
  return row;
}

export interface PaymentRow {
  id: string;
  orderId: string;
  outTradeNo: string | null;
  codeUrl: string | null;
  amountFen: number;
  state: string;
}

/** The latest payment attempt of an order for a tender, as the till stored it. */
export function latestPayment(till: Till, orderNo: string, tender: 'wechat' | 'alipay' | 'cash'): PaymentRow {
  const row = till.core.db
    .prepare(
      `SELECT p.id, p.order_id AS orderId, p.out_trade_no AS outTradeNo, p.code_url AS codeUrl, p.amount_fen AS amountFen, p.state
         FROM payments p JOIN orders o ON o.id = p.order_id
        WHERE o.order_no = ? AND p.tender = ? ORDER BY p.created_at DESC, p.rowid DESC LIMIT 1`,
    )
    .get(orderNo, tender) as PaymentRow | undefined;
  if (!row) throw new Error(`no ${tender} payment for ${orderNo}`);
  return row;
}

export function orderRow(till: Till, orderNo: string): { id: string; state: string; totalFen: number } {
  return till.core.db.prepare('SELECT id, state, total_fen AS totalFen FROM orders WHERE order_no = ?').get(orderNo) as { id: string; state: string; totalFen: number };
}

/** Decodes the QR code an element shows, from a screenshot of it, with a real decoder. */
export async function decodeQr(element: Locator): Promise<string> {
  const png = PNG.sync.read(await element.screenshot({ animations: 'disabled' }));
  const found = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!found) throw new Error('no QR code found in the screenshot');
  return found.data;
}

/**
 * A USB barcode scanner: the whole code within a few milliseconds, then Enter, into whatever has
 * focus (the always-focused scan field). useScanField tells this burst from a person typing.
 */
export async function scanWithScanner(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code, { delay: 2 });
  await page.keyboard.press('Enter');
}

export async function scanItem(page: Page, code: string): Promise<void> {
  const field = page.getByTestId('scan-input');
  await expect(field).toBeFocused();
  await scanWithScanner(page, code);
  await expect(field).toHaveValue('');
}

export function cartLine(page: Page, sku: string): Locator {
  return page.locator(`[data-testid="cart-line"][data-sku="${sku}"]`);
}

/** The manager approves in the ApprovalDialog (user is prefilled 'manager'); the PIN typed on the keyboard. */
export function approvalDialog(page: Page): Locator {
  return page.getByRole('dialog').filter({ has: page.getByTestId('approval-pin') });
}

export type PageGlobals = {
  document: { querySelector(selector: string): { content?: string } | null };
  sessionStorage: { getItem(key: string): string | null };
};

/** The API as the page itself calls it (host token from the page, session from sessionStorage). */
export async function callApi<T>(page: Page, method: string, input: unknown): Promise<T> {
  const answer = await page.evaluate(
    async ({ method, input }) => {
      // (Runs in the page; the Node-side tsconfig has no DOM types.)
      const { document, sessionStorage } = globalThis as unknown as PageGlobals;
      const hostToken = document.querySelector('meta[name="till-host-token"]')?.content ?? '';
      const session = JSON.parse(sessionStorage.getItem('till.session') ?? 'null') as { token: string } | null;
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-till-host-token': hostToken, ...(session ? { authorization: `Bearer ${session.token}` } : {}) },
        body: JSON.stringify({ input }),
      });
      return (await response.json()) as { ok: boolean; result?: unknown; error?: { code: string } };
    },
    { method, input },
  );
  if (!answer.ok) throw new Error(`${method} failed: ${JSON.stringify(answer.error)}`);
  return answer.result as T;
}
