/**
 * The store manager's end of the day through the real UI (browser host, Debian Chromium, sandbox
 * payments), once per language:
 *
 *   the manager opens the shift with a counted float and puts change into the drawer → the
 *   cashier sells for cash (with change) and by WeChat Pay QR (paid by the sandbox) → a cash
 *   refund with the manager's PIN → the manager closes the shift counting ¥0.50 short → the shift
 *   (X) report → the day (Z, 日结) report on screen, printed to PDF through the page's own print
 *   path (its text checked with pdftotext) and exported as CSV.
 *
 * Every figure on screen and on paper is checked against the arithmetic from what happened here
 * and against the stored rows. Screenshots: test-results/screens/<lang>/day-close/.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test, type Lang } from './fixtures';
import { approvalDialog, fenOf, latestPayment, orderRow, product, scanItem, yuan } from './helpers';

const WORDS = {
  'zh-CN': { title: '日结报表', net: '净收入', cash: '现金', wechat: '微信支付', difference: '差额', notReconciled: '尚未对账', reason: '补零钱', refundReason: '顾客退货' },
  en: { title: 'Daily settlement', net: 'Net', cash: 'Cash', wechat: 'WeChat Pay', difference: 'Difference', notReconciled: 'Not reconciled', reason: 'change top-up', refundReason: 'customer returned it' },
} as const;

async function logIn(page: Page, baseUrl: string, user: string, pin: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.getByTestId('login-user').fill(user);
  for (const digit of pin) await page.getByTestId(`pin-key-${digit}`).click();
  await page.getByTestId('pin-submit').click();
  await expect(page.getByTestId('scan-input')).toBeVisible();
}

async function logOut(page: Page): Promise<void> {
  await page.locator('.status-bar .btn--ghost').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
}

/** '−¥0.50' / '-¥0.50' / '+¥1.00' / '¥2.00' → fen (the screen uses a real minus sign). */
function signedFenOf(text: string): number {
  return fenOf(text.replace('−', '-').replace('+', ''));
}

for (const lang of ['zh-CN', 'en'] as const satisfies readonly Lang[]) {
  test.describe(`day close (${lang})`, () => {
    test.use({ lang, screensSuite: 'day-close' });

    test(`shift, sales, refund, close with a difference and the 日结 on paper, in ${lang}`, async ({ page, till, screens }) => {
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      const words = WORDS[lang];
      // The demo core opens no shift by itself: the manager does, below.
      expect(till.core.shifts.current(till.core.identity().terminalId)).toBeFalsy();

      const coke = product(till, '可口可乐 330ml');
      const oreo = product(till, '奥利奥原味夹心饼干 97g');
      const water = product(till, '农夫山泉饮用天然水 550ml');
      const icedTea = product(till, '康师傅冰红茶 500ml');
      const floatFen = 10_000 + 5 * 1_000; // one ¥100 note, five ¥10 notes
      const cashInFen = 2_000;
      const refundFen = 200;
      const cashSaleFen = coke.priceFen + oreo.priceFen;
      const qrSaleFen = water.priceFen + icedTea.priceFen;
      expect(cashSaleFen).toBeLessThan(5_000);

      await test.step('the manager opens the shift with a counted float and puts change into the drawer', async () => {
        await logIn(page, till.url, 'manager', '6666');
        await expect(page.getByTestId('no-shift-banner')).toBeVisible();
        await page.getByTestId('status-shift').click();
        await page.getByTestId('shift-float-pieces-10000').fill('1');
        await page.getByTestId('shift-float-pieces-1000').fill('5');
        await expect(page.getByTestId('shift-float-sum')).toHaveText(yuan(floatFen));
        await page.getByTestId('shift-open').click();
        await expect(page.getByTestId('shift-float-value')).toHaveText(yuan(floatFen));

        await page.getByTestId('shift-movement-in').click();
        await page.getByTestId('shift-movement-amount').fill('20');
        await page.getByTestId('shift-movement-reason').fill(words.reason);
        await page.getByTestId('shift-movement-submit').click();
        await expect(page.getByTestId('shift-movements')).toContainText(words.reason);
        await expect(page.getByTestId('shift-expected')).toHaveText(yuan(floatFen + cashInFen));
        await screens.shot(page, 'shift-opened-cash-in');
        await logOut(page);
      });

      let cashOrderNo = '';
      await test.step('the cashier sells for cash with change', async () => {
        await logIn(page, till.url, 'cashier', '1234');
        await expect(page.getByTestId('no-shift-banner')).toHaveCount(0);
        await scanItem(page, coke.barcode!);
        await scanItem(page, oreo.barcode!);
        await expect(page.getByTestId('cart-total')).toHaveText(yuan(cashSaleFen));
        await page.keyboard.press('F4');
        await expect(page.getByTestId('cash-tendered')).toBeFocused();
        await page.keyboard.type('50');
        await expect(page.getByTestId('cash-change')).toHaveText(yuan(5_000 - cashSaleFen));
        await page.keyboard.press('Enter');
        cashOrderNo = (await page.getByTestId('receipt-order-no').innerText()).trim();
        expect(orderRow(till, cashOrderNo).state).toBe('completed');
        await page.keyboard.press('Enter'); // next sale
      });

      await test.step('and by WeChat Pay QR, paid in the sandbox', async () => {
        await expect(page.getByTestId('scan-input')).toBeFocused();
        await scanItem(page, water.barcode!);
        await scanItem(page, icedTea.barcode!);
        await expect(page.getByTestId('cart-total')).toHaveText(yuan(qrSaleFen));
        await page.keyboard.press('F1');
        await expect(page.getByTestId('pay-qr')).toBeVisible();
        const orderNo = (await page.getByTestId('pay-order').getAttribute('data-order-no'))!;
        const payment = latestPayment(till, orderNo, 'wechat');
        expect(till.sandboxes.wechat.scanAndPay(payment.outTradeNo!).ok).toBe(true);
        await expect(page.getByTestId('receipt-order-no')).toHaveText(orderNo, { timeout: 20_000 });
        await page.getByTestId('receipt-new-sale').click();
      });

      await test.step('a cash refund of ¥2.00 with the manager PIN, paid out of the drawer', async () => {
        await page.getByTestId('nav-history').click();
        await page.locator(`[data-testid="history-row"][data-order-no="${cashOrderNo}"]`).click();
        await page.getByTestId('history-refund').click();
        await page.getByTestId('refund-amount').fill('2.00');
        await page.getByTestId('refund-reason').fill(words.refundReason);
        await page.getByTestId('refund-confirm').click();
        const dialog = approvalDialog(page);
        await dialog.getByTestId('approval-user').fill('manager');
        await dialog.getByTestId('approval-pin').fill('6666');
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('refund-result')).toHaveAttribute('data-state', 'succeeded', { timeout: 30_000 });
        await page.keyboard.press('Escape');
        await logOut(page);
      });

      const expectedFen = floatFen + cashInFen + cashSaleFen - refundFen;
      const countedFen = expectedFen - 50;
      await test.step('the manager closes the shift counting ¥0.50 short', async () => {
        await logIn(page, till.url, 'manager', '6666');
        await page.getByTestId('status-shift').click();
        await expect(page.getByTestId('shift-expected')).toHaveText(yuan(expectedFen));
        await page.getByTestId('shift-count-mode-total').click();
        await page.getByTestId('shift-count-total').fill(`${Math.floor(countedFen / 100)}.${String(countedFen % 100).padStart(2, '0')}`);
        await expect(page.getByTestId('shift-difference')).toContainText('0.50');
        await screens.shot(page, 'shift-close-count');
        await page.getByTestId('shift-close').click();
        await expect(page.getByTestId('shift-closed')).toBeVisible();
        expect(signedFenOf(await page.getByTestId('shift-closed-difference').innerText())).toBe(-50);
        // The status bar hears shift.changed: no drawer is open any more.
        await expect(page.getByTestId('status-shift')).toHaveAttribute('data-state', 'none');
        await screens.shot(page, 'shift-closed');
        const stored = till.core.db.prepare('SELECT state, expected_fen AS expected, counted_fen AS counted, difference_fen AS difference FROM shifts').all();
        expect(stored).toEqual([{ state: 'closed', expected: expectedFen, counted: countedFen, difference: -50 }]);

        // The X report of the closed shift.
        await page.getByTestId('shift-xreport-button').click();
        await expect(page.getByTestId('shift-xreport-pdf')).toBeVisible();
        await screens.shot(page, 'shift-x-report');
      });

      const netFen = cashSaleFen + qrSaleFen - refundFen;
      await test.step('the day report on screen adds up', async () => {
        await page.getByTestId('nav-reports').click();
        await expect(page.getByTestId('reports')).toBeVisible();
        expect(signedFenOf(await page.getByTestId('reports-net').innerText())).toBe(netFen);
        expect(signedFenOf(await page.getByTestId('reports-shift-difference').innerText())).toBe(-50);
        await expect(page.getByTestId('reports-hour-chart')).toBeVisible();
        await screens.shot(page, 'day-report');
      });

      await test.step('Print / Save PDF: the page prints the 日结 document; the PDF says what happened', async () => {
        // Headless Chromium has no print dialog: record that the page asked for one, then print the
        // page exactly as the dialog's "Save as PDF" would (print media, the page's own @page rules).
        await page.evaluate(() => {
          const g = globalThis as unknown as { print: () => void; printedTimes?: number };
          g.printedTimes = 0;
          g.print = () => {
            g.printedTimes = (g.printedTimes ?? 0) + 1;
          };
        });
        await page.getByTestId('reports-print-pdf').click();
        await expect.poll(() => page.evaluate(() => (globalThis as unknown as { printedTimes?: number }).printedTimes)).toBe(1);
        const pdfPath = join(screens.dir, 'day-report.pdf');
        writeFileSync(pdfPath, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
        const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' });
        writeFileSync(join(screens.dir, 'day-report.txt'), text);
        const businessDate = till.core.orders.today();
        expect(text).toContain(words.title);
        expect(text).toContain(businessDate);
        expect(text).toContain(words.net);
        expect(text).toContain(yuan(netFen));
        expect(text).toContain(yuan(cashSaleFen));
        expect(text).toContain(yuan(qrSaleFen));
        expect(text).toContain(words.wechat);
        expect(text).toContain(words.difference);
        expect(text).toMatch(/-¥0\.50/);
        expect(text).toContain(yuan(expectedFen));
        expect(text).toContain(yuan(countedFen));
        expect(text).toContain(words.notReconciled);
        // Only the document is printed, not the screen around it.
        expect(text).not.toContain('F8');
        execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdfPath, join(screens.dir, 'day-report-pdf')]);
      });

      await test.step('Export CSV: a file with a BOM whose fen columns carry the net', async () => {
        const download = page.waitForEvent('download');
        await page.getByTestId('reports-csv').click();
        const file = await download;
        expect(file.suggestedFilename()).toMatch(new RegExp(`${till.core.orders.today()}.*\\.csv$`));
        const path = join(screens.dir, file.suggestedFilename());
        await file.saveAs(path);
        const csv = readFileSync(path, 'utf8');
        expect(csv.charCodeAt(0)).toBe(0xfeff);
        expect(csv).toContain(String(netFen));
        expect(csv).toContain(words.net);
      });

      expect(orderRow(till, cashOrderNo).state).toBe('partially_refunded');
      expect(pageErrors).toEqual([]);
      expect(till.serverErrors).toEqual([]);
    });
  });
}
