import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReceiptHtml } from '../../../electron/printing/html';
import { buildRefundReceipt, buildSaleReceipt } from '../../../electron/printing/receiptModel';
import { context, sampleOrder, sampleRefund } from './orderFixture';

describe('renderReceiptHtml', () => {
  it('escapes every text value, so an item name cannot inject markup', async () => {
    const html = await renderReceiptHtml(buildSaleReceipt(sampleOrder(), context('zh-CN')));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 面包');
    const refund = await renderReceiptHtml(buildRefundReceipt(sampleOrder(), { refunds: sampleRefund() }, context('zh-CN')));
    expect(refund).toContain('商品破损 &lt;b&gt;');
    expect(refund).not.toContain('<b>');
  });

  it('escapes store and cashier fields too', async () => {
    const ctx = context('en');
    ctx.store.name = 'A "quoted" <img src=x onerror=alert(1)> shop';
    ctx.cashier.displayName = "O'Brien";
    const html = await renderReceiptHtml(buildSaleReceipt(sampleOrder(), ctx));
    expect(html).not.toMatch(/<img/);
    expect(html).toContain('A &quot;quoted&quot; &lt;img src=x onerror=alert(1)&gt; shop');
    expect(html).toContain('O&#39;Brien');
  });

  it('is a self-contained document with the content, inline CSS and an inline SVG QR', async () => {
    const html = await renderReceiptHtml(buildSaleReceipt(sampleOrder(), context('zh-CN')), { paperWidth: 58 });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('@page { size: 58mm auto;');
    expect(html).toMatch(/<svg[^>]*viewBox/);
    expect(html).not.toMatch(/<(link|script|img)\b/);
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    for (const text of ['鲜果小超市（人民路店）', '销售小票', 'S001-20250301-0042', '2025-03-01 10:04:06', '张三', '0.523kg', '¥12.80/kg', '抹零', '-¥0.69', '¥26.00', '含税 13%', '微信支付', '4200********7890', '找零', '¥4.00', '谢谢惠顾']) {
      expect(html).toContain(text);
    }
  });

  it('has a price column at 80 mm and not at 58 mm', async () => {
    const model = buildSaleReceipt(sampleOrder(), context('en'));
    const wide = await renderReceiptHtml(model, { paperWidth: 80 });
    const narrow = await renderReceiptHtml(model, { paperWidth: 58 });
    expect(wide).toContain('<th>Price</th>');
    expect(narrow).not.toContain('<th>Price</th>');
    expect(wide).toContain('@page { size: 80mm auto;');
  });

  it('escapeHtml covers the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
