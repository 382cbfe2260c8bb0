import { describe, expect, it } from 'vitest';
import {
  buildRefundReceipt,
  buildSaleReceipt,
  formatRateBp,
  formatStoreDateTime,
  formatWeightGrams,
  maskReference,
  receiptLabels,
} from '../../../electron/printing/receiptModel';
import { context, payment, sampleOrder, sampleRefund } from './orderFixture';

describe('buildSaleReceipt', () => {
  const order = sampleOrder();
  const model = buildSaleReceipt(order, context('zh-CN'));

  it('adds up to the order total to the fen', () => {
    const sum = model.adjustments.reduce((n, row) => n + row.amountFen, 0);
    expect(sum).toBe(order.price.totalFen);
    expect(model.total.amountFen).toBe(2600);
    expect(model.total.text).toBe('¥26.00');
    expect(model.items.reduce((n, item) => n + (item.totalFen ?? 0), 0)).toBe(order.price.subtotalFen);
    expect(model.items.reduce((n, item) => n + (item.discountFen ?? 0), 0)).toBe(-order.price.lineDiscountFen);
    expect(model.taxes.reduce((n, tax) => n + tax.taxFen, 0)).toBe(order.price.taxFen);
    expect(model.tenders.reduce((n, tender) => n + tender.amountFen, 0)).toBe(order.totalFen);
  });

  it('lists every adjustment with its zh-CN label and sign, including 抹零 and the coupon code', () => {
    expect(model.adjustments.map((row) => [row.label, row.text])).toEqual([
      ['商品合计', '¥25.19'],
      ['单品优惠', '-¥0.50'],
      ['整单优惠', '-¥1.00'],
      ['优惠券 SPRING2', '-¥2.00'],
      ['配送费', '¥5.00'],
      ['抹零', '-¥0.69'],
    ]);
    expect(model.total.label).toBe('应付');
  });

  it('shows weights in kg with three decimals and a per-kg price', () => {
    const apple = model.items.find((item) => item.lineNo === 2);
    expect(apple).toMatchObject({ quantityText: '0.523kg', unitPriceText: '¥12.80/kg', totalText: '¥6.69' });
    expect(model.items[0]).toMatchObject({ quantityText: '3', unitPriceText: '¥3.50', totalText: '¥10.50', discountText: '-¥0.50' });
  });

  it('groups included tax by rate', () => {
    expect(model.taxes.map((tax) => [tax.label, tax.text])).toEqual([
      ['含税 6%', '¥0.38'],
      ['含税 9%', '¥0.47'],
      ['含税 13%', '¥0.98'],
    ]);
  });

  it('lists succeeded tenders only, cash with tendered and change, QR with a masked transaction id', () => {
    expect(model.tenders.map((tender) => tender.label)).toEqual(['微信支付', '现金']);
    const wechat = model.tenders[0]!;
    expect(wechat.details).toEqual([
      { label: '交易单号', value: '4200********7890' },
      { label: '付款码尾号', value: '8841' },
    ]);
    const cash = model.tenders[1]!;
    expect(cash.tendered).toEqual({ label: '实收', value: '¥20.00' });
    expect(cash.change).toEqual({ label: '找零', value: '¥4.00' });
    expect(model.references).toEqual([{ label: '微信支付 商户单号', value: 'T1S001202503010042A1' }]);
    expect(JSON.stringify(model)).not.toContain('4200001234202503011234567890');
    expect(JSON.stringify(model)).not.toContain('FAILED-ATTEMPT');
    expect(model.hasCash).toBe(true);
  });

  it('has the header, time in the store time zone, cashier, QR payload and footer', () => {
    expect(model.store.name).toBe('鲜果小超市（人民路店）');
    expect(model.storeLines).toEqual(['地址：上海市黄浦区人民路 100 号', '电话：021-12345678']);
    expect(model.dateTime).toBe('2025-03-01 10:04:06');
    expect(model.meta).toContainEqual({ label: '收银员', value: '张三' });
    expect(model.meta).toContainEqual({ label: '单号', value: 'S001-20250301-0042' });
    expect(model.qrPayload).toBe('S001-20250301-0042');
    expect(model.footer).toEqual(['谢谢惠顾，欢迎再次光临']);
  });

  it('is complete in English and has no Chinese labels left', () => {
    const en = buildSaleReceipt(order, context('en'));
    expect(en.title).toBe('Sales receipt');
    expect(en.adjustments.map((row) => row.label)).toEqual(['Subtotal', 'Item discounts', 'Order discount', 'Coupon SPRING2', 'Delivery fee', 'Rounding']);
    expect(en.total.label).toBe('Total');
    expect(en.tenders.map((tender) => tender.label)).toEqual(['WeChat Pay', 'Cash']);
    expect(en.storeLines[1]).toBe('Tel: 021-12345678');
    // Labels only: the store name, address, cashier and item names are data and stay Chinese.
    const labels = [en.title, ...en.meta.map((f) => f.label), ...Object.values(en.columns), ...en.taxes.map((t) => t.label), en.tendersTitle, en.referencesTitle, en.qrCaption, ...en.footer];
    for (const label of labels) expect(label).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('has every label in both languages', () => {
    const zh = receiptLabels('zh-CN');
    const en = receiptLabels('en');
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const value of [...Object.values(zh), ...Object.values(en)]) expect(value.trim()).not.toBe('');
  });

  it('does not kick for a QR-only sale and marks reprints', () => {
    const qrOnly = sampleOrder([payment({ id: 'p', tender: 'alipay', amountFen: 2600, providerTradeNo: '2025030122001400001234567890' })]);
    const m = buildSaleReceipt(qrOnly, { ...context('en'), reprintAt: new Date('2025-03-02T01:00:00Z') });
    expect(m.hasCash).toBe(false);
    expect(m.meta).toContainEqual({ label: 'Reprint', value: '2025-03-02 09:00:00' });
  });
});

describe('buildRefundReceipt', () => {
  const order = sampleOrder();

  it('shows negative amounts, the original order number and the reason', () => {
    const model = buildRefundReceipt(order, { refunds: sampleRefund(), lines: [{ lineNo: 1, quantity: 1 }] }, context('zh-CN'));
    expect(model.kind).toBe('refund');
    expect(model.title).toBe('退款单');
    expect(model.total).toMatchObject({ label: '退款金额', amountFen: -853, text: '-¥8.53' });
    expect(model.meta).toContainEqual({ label: '原单号', value: 'S001-20250301-0042' });
    expect(model.meta).toContainEqual({ label: '退款原因', value: '商品破损 <b>' });
    expect(model.items).toHaveLength(1);
    expect(model.items[0]).toMatchObject({ name: '可口可乐 330ml', quantityText: '-1', totalFen: null });
    expect(model.tenders).toHaveLength(1);
    expect(model.tenders[0]).toMatchObject({ tender: 'wechat', label: '微信支付', amountFen: -853, amountText: '-¥8.53' });
    expect(model.references).toEqual([{ label: '退款单号', value: 'R1S001202503010042A1' }]);
    expect(model.dateTime).toBe('2025-03-01 14:10:02');
    expect(model.hasCash).toBe(false);
  });

  it('sums several refunds (split tender), flags a pending one, and kicks for a cash refund', () => {
    const refunds = [sampleRefund(), sampleRefund({ id: 'ref_2', paymentId: 'pay_2', outRefundNo: 'R2', amountFen: 1000, state: 'pending', succeededAt: null })];
    const model = buildRefundReceipt(order, { refunds, lines: [{ lineNo: 2, quantity: 523 }] }, context('en'));
    expect(model.total).toMatchObject({ label: 'Refund total', amountFen: -1853, text: '-¥18.53' });
    expect(model.tenders.map((t) => t.label)).toEqual(['WeChat Pay', 'Cash']);
    expect(model.tenders[1]!.details).toContainEqual({ label: 'Refund status', value: 'processing' });
    expect(model.items[0]!.quantityText).toBe('-0.523kg');
    expect(model.title).toBe('REFUND');
    expect(model.hasCash).toBe(true);
  });
});

describe('formatting helpers', () => {
  it('formats weights, rates, references and store times without floats', () => {
    expect(formatWeightGrams(523)).toBe('0.523kg');
    expect(formatWeightGrams(1500)).toBe('1.500kg');
    expect(formatWeightGrams(5)).toBe('0.005kg');
    expect(() => formatWeightGrams(0.5)).toThrow(RangeError);
    expect(formatRateBp(1300)).toBe('13%');
    expect(formatRateBp(650)).toBe('6.5%');
    expect(formatRateBp(1)).toBe('0.01%');
    expect(maskReference('4200001234202503011234567890')).toBe('4200********7890');
    expect(maskReference('123456')).toBe('**3456');
    expect(formatStoreDateTime('2025-12-31T16:30:00Z', 'Asia/Shanghai')).toBe('2026-01-01 00:30:00');
    expect(formatStoreDateTime('2025-12-31T16:30:00Z', 'UTC')).toBe('2025-12-31 16:30:00');
  });
});
