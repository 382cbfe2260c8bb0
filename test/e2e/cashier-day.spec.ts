/**
 * The cashier's day through the real UI: the built renderer served by the browser host, driven in
 * Debian's Chromium, against a fresh till in sandbox payments mode (test/e2e/fixtures.ts). Run once
 * per language; every screen is kept as a screenshot under test-results/screens/<lang>/.
 *
 *   log in → scan (unit barcodes, a repeat, a weighed scale label) → search by pinyin initials →
 *   line discount within the cap → order discount above it (wrong PIN, then the manager's) →
 *   WeChat Pay QR (decoded from the page, compared with the sandbox's code_url, paid by the
 *   sandbox) → receipt → receipt PDF (text checked) → Alipay customer code with USERPAYING →
 *   cash with change → split tender (cash + Alipay QR paid from the customer display) → a QR the
 *   cashier cancels, then the order voided → partial refund of the WeChat order in the history
 *   with the manager's PIN, confirmed by the sandbox.
 *
 * The customer display (/display) runs beside the cashier in the same browser: it must mirror the
 * cart, show the same QR and amount, and the thank-you with the change after cash.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { makeWeighedBarcode } from '../../electron/checkout/barcode';
import { authCodeWithSuffix as alipayAuthCode } from '../../electron/sandbox/alipay/authCodes';
import { expect, test, type Lang } from './fixtures';
import { approvalDialog, callApi, cartLine, decodeQr, fenOf, latestPayment, orderRow, product, scanItem, scanWithScanner, yuan, type Product } from './helpers';

const TEXT = {
  'zh-CN': { wechat: '微信支付', alipay: '支付宝', cash: '现金', refundReason: '顾客退回一瓶可乐' },
  en: { wechat: 'WeChat Pay', alipay: 'Alipay', cash: 'Cash', refundReason: 'customer returned a can' },
} as const;

/* ---------------------------------------------------------------------------------------------- */
/* The day, once per language                                                                      */
/* ---------------------------------------------------------------------------------------------- */

for (const lang of ['zh-CN', 'en'] as const satisfies readonly Lang[]) {
  test.describe(`cashier's day (${lang})`, () => {
    test.use({ lang });

    test(`a whole day at the counter in ${lang}`, async ({ page, context, till, screens }) => {
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(`cashier: ${e.message}`));
      const words = TEXT[lang];

      const coke330 = product(till, '可口可乐 330ml');
      const coke500 = product(till, '可口可乐 500ml');
      const coke125 = product(till, '可口可乐 1.25L');
      const coke2l = product(till, '可口可乐 2L');
      const water = product(till, '农夫山泉饮用天然水 550ml');
      const water4l = product(till, '农夫山泉饮用天然水 4L');
      const banana = product(till, '香蕉');
      const icedTea = product(till, '康师傅冰红茶 500ml');
      const oreo = product(till, '奥利奥原味夹心饼干 97g');
      const oreoBig = product(till, '奥利奥原味夹心饼干 388g');
      const noodles5 = product(till, '康师傅红烧牛肉面 五连包');
      const shown = (p: Product) => (lang === 'en' && p.nameEn ? p.nameEn : p.name);

      /* -------------------------------------------------------------------------- the shift */
      await test.step('the manager opens the shift: the float counted by denomination on the Shift screen', async () => {
        await page.goto(`${till.url}/`);
        await expect(page.getByTestId('login-form')).toBeVisible();
        await page.getByTestId('login-user').fill('manager');
        for (const digit of '6666') await page.getByTestId(`pin-key-${digit}`).click();
        await page.getByTestId('pin-submit').click();
        // No shift yet: the counter says sales are blocked, and the status bar says so too.
        await expect(page.getByTestId('no-shift-banner')).toBeVisible();
        await expect(page.getByTestId('status-shift')).toHaveAttribute('data-state', 'none');
        await page.getByTestId('status-shift').click();
        await expect(page.getByTestId('shift-open-panel')).toBeVisible();
        await page.getByTestId('shift-float-pieces-10000').fill('2');
        await page.getByTestId('shift-float-pieces-1000').fill('5');
        await page.getByTestId('shift-float-pieces-50').fill('4');
        await expect(page.getByTestId('shift-float-sum')).toHaveText(yuan(25_200));
        await screens.shot(page, 'shift-count');
        await page.getByTestId('shift-open').click();
        await expect(page.getByTestId('shift-current')).toBeVisible();
        await expect(page.getByTestId('shift-float-value')).toHaveText(yuan(25_200));
        await expect(page.getByTestId('shift-expected')).toHaveText(yuan(25_200));
        await expect(page.getByTestId('status-shift')).toHaveAttribute('data-state', 'open');
        await screens.shot(page, 'shift-open');
        const open = till.core.shifts.current(till.core.identity().terminalId);
        expect(open?.opening_float_fen).toBe(25_200);
        expect(JSON.parse(open?.opening_count ?? 'null')).toEqual({ '10000': 2, '1000': 5, '50': 4 });
        await page.locator('.status-bar .btn--ghost').click();
        await expect(page.getByTestId('login-form')).toBeVisible();
      });

      /* -------------------------------------------------------------------------- log in */
      await test.step('log in as the cashier with the PIN pad', async () => {
        await page.goto(`${till.url}/`);
        await expect(page.getByTestId('login-form')).toBeVisible();
        await expect(page.locator('html')).toHaveAttribute('lang', lang);
        await screens.shot(page, 'login');
        await page.getByTestId('login-user').fill('cashier');
        for (const digit of '1234') await page.getByTestId(`pin-key-${digit}`).click();
        await page.getByTestId('pin-submit').click();
        await expect(page.getByTestId('scan-input')).toBeFocused();
        await expect(page.getByTestId('status-shift')).toHaveAttribute('data-state', 'open');
        await expect(page.getByTestId('no-shift-banner')).toHaveCount(0);
        await screens.shot(page, 'sell-empty');
      });

      // The customer display, a second window of the same browser (it hears the cashier's window
      // on a BroadcastChannel and the core's events on the host's WebSocket).
      const display = await context.newPage();
      display.on('pageerror', (e) => pageErrors.push(`display: ${e.message}`));
      await display.setViewportSize({ width: 1280, height: 800 });
      await display.goto(`${till.url}/display`);
      await expect(display.locator('.status-pill.conn-online')).toBeVisible();
      await expect(display.getByTestId('display')).toHaveAttribute('data-mode', 'cart');
      await screens.shot(display, 'display-welcome');

      /* -------------------------------------------------------------------------- sale 1 */
      let sale1OrderNo = '';
      let sale1OutTradeNo = '';
      let sale1TotalFen = 0;

      await test.step('scan unit barcodes (one twice) and a weighed scale label', async () => {
        await scanItem(page, coke330.barcode!);
        await expect(cartLine(page, coke330.sku)).toBeVisible();
        await scanItem(page, water.barcode!);
        await expect(cartLine(page, water.sku)).toBeVisible();
        // The same barcode again adds to its line.
        await scanItem(page, coke330.barcode!);
        await expect(cartLine(page, coke330.sku).locator('.qty-value')).toHaveText('2');
        await expect(page.getByTestId('cart-line')).toHaveCount(2);

        // A scale label: prefix 28 = weight layout, PLU of the bananas, 1.234 kg, EAN-13 check digit.
        const weightRule = till.core.settings.get('catalog.weighedBarcodeRules').find((rule) => rule.valueKind === 'weight' && rule.prefixes.includes('28'));
        expect(weightRule, 'the demo settings read 28… labels as weights').toBeTruthy();
        const label = makeWeighedBarcode(weightRule!, '28', Number.parseInt(banana.plu!, 10), 1234);
        expect(label).toMatch(/^28\d{11}$/);
        await scanItem(page, label);
        const bananaLine = cartLine(page, banana.sku);
        await expect(bananaLine).toBeVisible();
        await expect(bananaLine.locator('.weight')).toHaveText('1.234 kg');
        await expect(bananaLine.getByTestId('line-amount')).toHaveText(yuan(Math.round((banana.priceFen * 1234) / 1000)));
        await expect(bananaLine).toContainText(shown(banana));
      });

      await test.step('search by pinyin initials and add from the results', async () => {
        // Typed by a person (slow keys): a search, not a scan.
        await page.keyboard.type('kkkl', { delay: 110 });
        const results = page.getByTestId('search-results');
        await expect(results.locator(`[data-sku="${coke500.sku}"]`)).toBeVisible();
        const names = await results.getByTestId('search-result').locator('.result-name').allTextContents();
        expect(names.length).toBeGreaterThanOrEqual(4);
        for (const name of names) expect(name).toMatch(lang === 'en' ? /Coca-Cola/ : /可口可乐/);
        await screens.shot(page, 'search-pinyin-kkkl');
        await results.locator(`[data-sku="${coke500.sku}"]`).click();
        await expect(cartLine(page, coke500.sku)).toBeVisible();
        await expect(page.getByTestId('scan-input')).toHaveValue('');
        await expect(page.getByTestId('scan-input')).toBeFocused();
        await expect(page.getByTestId('cart-line')).toHaveCount(4);
      });

      await test.step('a line discount within the cap needs no approval', async () => {
        await cartLine(page, coke330.sku).getByTestId('line-discount').click();
        await expect(page.getByTestId('discount-value')).toBeFocused();
        await page.getByTestId('discount-value').fill('5');
        await screens.shot(page, 'discount-line-5pct');
        await page.getByTestId('discount-apply').click();
        await expect(cartLine(page, coke330.sku).locator('.tag')).toContainText('5');
        await expect(cartLine(page, coke330.sku).getByTestId('line-amount').locator('strong')).toHaveText(yuan(coke330.priceFen * 2 - (coke330.priceFen * 2 * 5) / 100));
        await expect(approvalDialog(page)).toHaveCount(0);
        await expect(page.getByTestId('needs-approval')).toHaveCount(0);
      });

      await test.step('an order discount above the cap needs a manager: wrong PIN refused, then approved', async () => {
        await page.getByTestId('order-discount').click();
        await page.getByTestId('discount-value').fill('15');
        await page.getByTestId('discount-apply').click();
        const dialog = approvalDialog(page);
        await expect(dialog).toBeVisible();
        await expect(dialog.getByTestId('approval-user')).toHaveValue('manager');
        await expect(dialog.getByTestId('approval-pin')).toBeFocused();
        await screens.shot(page, 'discount-approval');
        await page.keyboard.type('0000');
        await page.keyboard.press('Enter');
        await expect(dialog.getByTestId('approval-error')).toBeVisible();
        await screens.shot(page, 'discount-approval-wrong-pin');
        await dialog.getByTestId('approval-pin').fill('6666');
        await page.keyboard.press('Enter');
        await expect(dialog).toHaveCount(0);
        await expect(page.getByTestId('approved')).toBeVisible();
        await expect(page.getByTestId('order-discount-row')).toBeVisible();
        await expect(page.getByTestId('scan-input')).toBeFocused();
        sale1TotalFen = fenOf(await page.getByTestId('cart-total').innerText());
        await screens.shot(page, 'sell-cart-discounted');
      });

      await test.step('the customer display mirrors the cart', async () => {
        await expect(display.getByTestId('display-line')).toHaveCount(4);
        await expect(display.getByTestId('display-total')).toHaveText(yuan(sale1TotalFen));
        await expect(display.getByTestId('display-line').filter({ hasText: banana.name })).toContainText('1.234 kg');
        await screens.shot(display, 'display-cart');
      });

      await test.step('WeChat Pay QR: decoded from the screen, it is the sandbox code_url; the sandbox pays', async () => {
        await page.keyboard.press('F1');
        const qr = page.getByTestId('pay-qr');
        await expect(qr).toBeVisible();
        await expect(page.getByTestId('pay-status')).toHaveAttribute('data-stage', 'waiting_for_scan');
        await expect(page.getByTestId('qr-amount')).toHaveText(yuan(sale1TotalFen));
        sale1OrderNo = (await page.getByTestId('pay-order').getAttribute('data-order-no'))!;
        expect(sale1OrderNo).toMatch(/\d{8}-\d{4}$/);

        const payment = latestPayment(till, sale1OrderNo, 'wechat');
        sale1OutTradeNo = payment.outTradeNo!;
        const trade = till.sandboxes.wechat.trade(sale1OutTradeNo);
        expect(trade, 'the sandbox knows the Native order').toBeTruthy();
        expect(trade!.tradeType).toBe('NATIVE');
        expect(trade!.state).toBe('NOTPAY');
        expect(trade!.totalFen).toBe(sale1TotalFen);
        const decoded = await decodeQr(qr);
        expect(decoded).toBe(trade!.codeUrl);
        expect(decoded).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
        await screens.shot(page, 'pay-wechat-qr');

        // The customer display shows the same code and amount.
        await expect(display.getByTestId('display')).toHaveAttribute('data-mode', 'qr');
        await expect(display.getByTestId('display-amount')).toHaveText(yuan(sale1TotalFen));
        expect(await decodeQr(display.getByTestId('display-qr'))).toBe(trade!.codeUrl);
        await expect(display.getByTestId('display-simulate')).toBeVisible();
        await screens.shot(display, 'display-qr-wechat');

        // The customer scans and pays (in the sandbox); the till finds out by polling its query.
        const paid = till.sandboxes.wechat.scanAndPay(sale1OutTradeNo);
        expect(paid.ok).toBe(true);
        await expect(page.getByTestId('receipt-order-no')).toHaveText(sale1OrderNo, { timeout: 20_000 });
        expect(till.sandboxes.wechat.trade(sale1OutTradeNo)!.state).toBe('SUCCESS');
        expect(orderRow(till, sale1OrderNo).state).toBe('completed');
        await expect(page.locator('.receipt-paper')).toContainText(words.wechat);
        await expect(page.locator('.receipt-paper')).toContainText(coke330.name);
        await screens.shot(page, 'receipt-wechat');
        await expect(display.getByTestId('display')).toHaveAttribute('data-mode', 'thanks');
        await screens.shot(display, 'display-thanks-wechat');
      });

      await test.step('the receipt printed to PDF in Chromium has the order, the items, the total and the tender', async () => {
        const order = orderRow(till, sale1OrderNo);
        const { html } = await callApi<{ html: string }>(page, 'receipt.html', { orderId: order.id, language: lang, paperWidth: 80 });
        const printer = await context.newPage();
        await printer.setContent(html, { waitUntil: 'load' });
        const pdfPath = join(screens.dir, `receipt-${sale1OrderNo}.pdf`);
        writeFileSync(pdfPath, await printer.pdf({ preferCSSPageSize: true, width: '80mm', printBackground: true }));
        await printer.close();
        // pdftotext (poppler-utils): the text a person or a search would get from the file.
        const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' });
        writeFileSync(join(screens.dir, `receipt-${sale1OrderNo}.txt`), text);
        expect(text).toContain(sale1OrderNo);
        expect(text).toContain(coke330.name);
        expect(text).toContain(banana.name);
        expect(text).toContain(yuan(sale1TotalFen).replace('¥', ''));
        expect(text).toContain(words.wechat);
        // The page as a picture (kept, to look at); the receipt's QR code (the order number, for the
        // history search) must decode from it.
        const picture = join(screens.dir, `receipt-${sale1OrderNo}-pdf`);
        execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', pdfPath, picture]);
        const png = PNG.sync.read(readFileSync(`${picture}.png`));
        expect(jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data).toBe(sale1OrderNo);
      });

      await page.getByTestId('receipt-new-sale').click();
      await expect(page.getByTestId('scan-input')).toBeFocused();
      await expect(display.getByTestId('display')).toHaveAttribute('data-mode', 'cart');

      /* -------------------------------------------------------------------------- sale 2 */
      await test.step('Alipay customer code: USERPAYING while the customer enters the password, then paid', async () => {
        await scanItem(page, icedTea.barcode!);
        await scanItem(page, oreo.barcode!);
        await expect(page.getByTestId('cart-line')).toHaveCount(2);
        const totalFen = icedTea.priceFen + oreo.priceFen;
        await expect(page.getByTestId('cart-total')).toHaveText(yuan(totalFen));
        await page.keyboard.press('F3');
        const codeField = page.getByTestId('code-input');
        await expect(codeField).toBeFocused();
        await screens.shot(page, 'pay-customer-code');
        // Suffix 02: the sandbox answers USERPAYING (10003), then the customer completes.
        const code = alipayAuthCode('02');
        await scanWithScanner(page, code);
        const status = page.getByTestId('pay-status');
        await expect(status).toHaveAttribute('data-stage', /customer_paying|checking/);
        const orderNo = (await page.getByTestId('pay-order').getAttribute('data-order-no'))!;
        const payment = latestPayment(till, orderNo, 'alipay');
        expect(till.sandboxes.alipay.trade(payment.outTradeNo!)?.state).toBe('WAIT_BUYER_PAY');
        await expect(status).toHaveAttribute('data-stage', 'customer_paying');
        await screens.shot(page, 'pay-customer-code-userpaying');
        await expect(page.getByTestId('receipt-order-no')).toHaveText(orderNo, { timeout: 25_000 });
        expect(till.sandboxes.alipay.trade(payment.outTradeNo!)?.state).toBe('TRADE_SUCCESS');
        expect(till.sandboxes.alipay.trade(payment.outTradeNo!)?.totalFen).toBe(totalFen);
        // Only the last four digits are kept and shown.
        await expect(page.locator('.receipt-paper')).toContainText(`${words.alipay} ···${code.slice(-4)}`);
        await screens.shot(page, 'receipt-alipay-code');
        await expect(display.getByTestId('display')).toHaveAttribute('data-mode', 'thanks');
        await page.getByTestId('receipt-new-sale').click();
      });

      /* -------------------------------------------------------------------------- sale 3 */
      await test.step('cash with change; the display thanks the customer and shows the change', async () => {
        await expect(page.getByTestId('scan-input')).toBeFocused();
        await scanItem(page, oreoBig.barcode!);
        await scanItem(page, water4l.barcode!);
        const totalFen = oreoBig.priceFen + water4l.priceFen;
        await expect(page.getByTestId('cart-total')).toHaveText(yuan(totalFen));
        await page.keyboard.press('F4');
        const tendered = page.getByTestId('cash-tendered');
        await expect(tendered).toBeFocused();
        await page.keyboard.type('50');
        const changeFen = 5000 - totalFen;
        await expect(page.getByTestId('cash-change')).toHaveText(yuan(changeFen));
        await screens.shot(page, 'pay-cash-change');
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('receipt-order-no')).toBeVisible();
        await expect(page.locator('.receipt-change')).toContainText(yuan(changeFen));
        await expect(page.locator('.receipt-paper')).toContainText(words.cash);
        await screens.shot(page, 'receipt-cash');
        await expect(display.getByTestId('display-thanks')).toBeVisible();
        await expect(display.getByTestId('display-paid')).toContainText(yuan(totalFen));
        await expect(display.getByTestId('display-change')).toContainText(yuan(changeFen));
        await screens.shot(display, 'display-thanks-change');
        await page.keyboard.press('Enter'); // next sale
      });

      /* -------------------------------------------------------------------------- sale 4 */
      await test.step('split tender: part cash, the rest by Alipay QR paid from the customer display', async () => {
        await expect(page.getByTestId('scan-input')).toBeFocused();
        await scanItem(page, noodles5.barcode!);
        await scanItem(page, coke2l.barcode!);
        const totalFen = noodles5.priceFen + coke2l.priceFen;
        await expect(page.getByTestId('cart-total')).toHaveText(yuan(totalFen));
        await page.keyboard.press('F6');
        await page.getByTestId('cash-part').fill('10');
        await page.getByTestId('cash-tendered').fill('20');
        await expect(page.getByTestId('cash-change')).toHaveText(yuan(1000));
        await screens.shot(page, 'pay-split-cash-part');
        await page.getByTestId('cash-submit').click();
        const restFen = totalFen - 1000;
        await expect(page.getByTestId('pay')).toHaveAttribute('data-view', 'pick');
        await expect(page.getByTestId('pay-due')).toHaveText(yuan(restFen));
        await expect(page.getByTestId('pick-split')).toHaveCount(0);
        await screens.shot(page, 'pay-split-remaining');
        await page.getByTestId('pick-alipay').click();
        await expect(page.getByTestId('pay-qr')).toBeVisible();
        await expect(page.getByTestId('qr-amount')).toHaveText(yuan(restFen));
        const orderNo = (await page.getByTestId('pay-order').getAttribute('data-order-no'))!;
        const payment = latestPayment(till, orderNo, 'alipay');
        const trade = till.sandboxes.alipay.trade(payment.outTradeNo!);
        expect(trade?.kind).toBe('precreate');
        expect(trade?.totalFen).toBe(restFen);
        expect(await decodeQr(page.getByTestId('pay-qr'))).toBe(trade!.qrCode);
        await screens.shot(page, 'pay-split-alipay-qr');
        await expect(display.getByTestId('display-amount')).toHaveText(yuan(restFen));
        await screens.shot(display, 'display-qr-alipay');
        // The demo's "customer scans and pays" on the customer display.
        await display.getByTestId('display-simulate').click();
        await expect(page.getByTestId('receipt-order-no')).toHaveText(orderNo, { timeout: 20_000 });
        expect(till.sandboxes.alipay.trade(payment.outTradeNo!)?.state).toBe('TRADE_SUCCESS');
        const paper = page.locator('.receipt-paper');
        await expect(paper).toContainText(words.cash);
        await expect(paper).toContainText(words.alipay);
        await expect(paper).toContainText(yuan(restFen));
        await expect(page.locator('.receipt-change')).toContainText(yuan(1000));
        await screens.shot(page, 'receipt-split');
        await page.getByTestId('receipt-new-sale').click();
      });

      /* -------------------------------------------------------------------------- sale 5 */
      await test.step('a WeChat QR the cashier cancels is closed at the provider; the order is voided', async () => {
        await expect(page.getByTestId('scan-input')).toBeFocused();
        await scanItem(page, coke125.barcode!);
        await page.keyboard.press('F1');
        await expect(page.getByTestId('pay-qr')).toBeVisible();
        const orderNo = (await page.getByTestId('pay-order').getAttribute('data-order-no'))!;
        const payment = latestPayment(till, orderNo, 'wechat');
        await page.getByTestId('pay-cancel').click();
        await expect(page.getByTestId('pay-status')).toHaveAttribute('data-stage', /closing|closed/);
        await expect(page.getByTestId('pay-status')).toHaveAttribute('data-stage', 'closed', { timeout: 20_000 });
        await expect(page.getByTestId('pay-qr')).toHaveCount(0);
        expect(till.sandboxes.wechat.trade(payment.outTradeNo!)?.state).toBe('CLOSED');
        expect(latestPayment(till, orderNo, 'wechat').state).toBe('closed');
        await screens.shot(page, 'pay-cancelled');
        await expect(display.getByTestId('display')).not.toHaveAttribute('data-mode', 'qr');
        await page.getByTestId('pay-void').click();
        await expect(page.getByTestId('scan-input')).toBeVisible();
        expect(orderRow(till, orderNo).state).toBe('cancelled');
        await screens.shot(page, 'sell-after-void');
      });

      /* -------------------------------------------------------------------------- refund */
      await test.step('history: find the WeChat order, refund part of it with the manager PIN', async () => {
        await page.getByTestId('nav-history').click();
        await expect(page).toHaveURL(/\/history$/);
        const search = page.getByTestId('history-search');
        await expect(search).toBeVisible();
        await expect(page.getByTestId('history-row')).toHaveCount(5);
        await screens.shot(page, 'history-day');
        await search.fill(sale1OrderNo.slice(-4));
        const row = page.locator(`[data-testid="history-row"][data-order-no="${sale1OrderNo}"]`);
        await expect(row).toBeVisible();
        await row.click();
        const detail = page.getByTestId('history-detail');
        await expect(detail).toHaveAttribute('data-order-no', sale1OrderNo);
        await expect(detail).toContainText(sale1OutTradeNo);
        await screens.shot(page, 'history-detail');

        await page.getByTestId('history-refund').click();
        const amount = page.getByTestId('refund-amount');
        await expect(amount).toHaveValue(`${Math.floor(sale1TotalFen / 100)}.${String(sale1TotalFen % 100).padStart(2, '0')}`);
        await amount.fill('3.00');
        await page.getByTestId('refund-reason').fill(words.refundReason);
        await screens.shot(page, 'refund-form');
        await page.getByTestId('refund-confirm').click();
        const dialog = approvalDialog(page);
        await expect(dialog).toBeVisible();
        await dialog.getByTestId('approval-user').fill('manager');
        await dialog.getByTestId('approval-pin').fill('6666');
        await screens.shot(page, 'refund-approval');
        await page.keyboard.press('Enter');
        const result = page.getByTestId('refund-result');
        await expect(result).toBeVisible();
        await expect(result).toHaveAttribute('data-state', 'succeeded', { timeout: 30_000 });
        await expect(result).toContainText(yuan(300));
        await screens.shot(page, 'refund-succeeded');

        // The provider agrees: one refund of ¥3.00 against the original out_trade_no.
        const refunds = till.sandboxes.wechat.refunds().filter((r) => r.outTradeNo === sale1OutTradeNo);
        expect(refunds).toHaveLength(1);
        expect(refunds[0]!.refundFen).toBe(300);
        expect(refunds[0]!.status).toBe('SUCCESS');
        expect(orderRow(till, sale1OrderNo).state).toBe('partially_refunded');

        await page.keyboard.press('Escape');
        await expect(result).toHaveCount(0);
        await expect(page.getByTestId('history-refund-row')).toHaveAttribute('data-state', 'succeeded');
        await screens.shot(page, 'history-after-refund');
      });

      await test.step('the customer display is back to its welcome', async () => {
        await expect(display.getByTestId('display')).toHaveAttribute('data-mode', 'cart');
        await screens.shot(display, 'display-idle');
      });

      expect(pageErrors).toEqual([]);
      expect(till.serverErrors).toEqual([]);
    });
  });
}
