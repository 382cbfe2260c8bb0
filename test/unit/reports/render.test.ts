import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../../electron/printing/escpos';
import {
  CSV_BOM,
  csvField,
  dayReportCsvFilename,
  renderDayReportCsv,
  renderDayReportEscPos,
  renderDayReportHtml,
  renderShiftReportEscPos,
  renderShiftReportHtml,
} from '../../../electron/reports/render';
import { decodeGb18030 } from '../../support/gb18030';
import { dayReportFixture, shiftReportFixture } from './reportFixture';

/** A small RFC 4180 reader: quoted fields with "" escapes, commas and CRLF inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV must end with CRLF');
  return rows;
}

/** Sections by title ('[title]' row), each as header + rows. */
function sections(rows: string[][]): Map<string, { header: string[]; rows: string[][] }> {
  const out = new Map<string, { header: string[]; rows: string[][] }>();
  let current: { header: string[]; rows: string[][] } | null = null;
  for (const row of rows) {
    if (row.length === 1 && row[0] === '') {
      current = null;
    } else if (!current && row.length === 1 && /^\[.*\]$/.test(row[0]!)) {
      current = { header: [], rows: [] };
      out.set(row[0]!.slice(1, -1), current);
    } else if (current && current.header.length === 0) {
      current.header = row;
    } else if (current) {
      current.rows.push(row);
    } else throw new Error(`row outside a section: ${row.join('|')}`);
  }
  return out;
}

function column(section: { header: string[]; rows: string[][] }, name: string): string[] {
  const index = section.header.indexOf(name);
  if (index < 0) throw new Error(`no column ${name} in ${section.header.join('|')}`);
  return section.rows.map((r) => r[index] ?? '');
}

const sum = (values: string[]) => values.reduce((n, v) => n + Number.parseInt(v, 10), 0);

/** Visible text of a document, tags removed. */
function textOf(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

describe('day report HTML', () => {
  it('shows the totals, headings and formatted amounts in Chinese', () => {
    const html = renderDayReportHtml(dayReportFixture(), 'zh-CN');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    const text = textOf(html);
    for (const heading of ['日结报表（Z）', '汇总', '按支付方式', '按收银员', '按小时', '热销商品', '各班现金', '未完成支付', '未同步订单', '对账']) {
      expect(text).toContain(heading);
    }
    expect(html).toMatch(/data-total="net">¥960\.40</);
    expect(text).toContain('¥1,000.00'); // gross, grouped
    expect(text).toContain('¥972.70'); // sales
    expect(text).toContain('-¥12.30'); // refunds shown as money out
    expect(text).toContain('¥138.95'); // average ticket
    expect(text).toContain('1.234 kg'); // a weighed top product in kg, not grams
    expect(text).toContain('-¥0.70'); // the drawer came up 70 fen short
    expect(text).toContain('微信支付');
    expect(text).toContain('渠道已收款，本地未成功');
    expect(text).toContain('修复（经理授权）');
    expect(text).toContain('无法连接支付宝');
    // The shift difference is coloured as a loss.
    expect(html).toMatch(/class="num neg">-¥0\.70</);
    // Local times in the store's zone (UTC+8): the report was generated at 22:05.
    expect(text).toContain('2026-11-23 22:05');
  });

  it('renders English with the same amounts', () => {
    const html = renderDayReportHtml(dayReportFixture(), 'en');
    const text = textOf(html);
    for (const heading of ['Daily settlement (Z report)', 'By tender', 'By cashier', 'By hour', 'Top products', 'Cash per shift', 'Unfinished payments', 'Unsynced orders', 'Reconciliation']) {
      expect(text).toContain(heading);
    }
    expect(html).toMatch(/data-total="net">¥960\.40</);
    expect(html).toMatch(/data-tender="wechat">¥400\.00</);
    expect(text).toContain('Paid at the provider, not paid here');
    expect(text).toContain('Alipay unreachable');
    expect(text).not.toContain('微信支付');
  });

  it('draws one bar per hour with sales, the busiest hour the tallest', () => {
    const report = dayReportFixture();
    const html = renderDayReportHtml(report, 'en');
    const svg = /<svg class="hours"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    const bars = [...svg.matchAll(/<rect class="bar" data-hour="(\d+)" data-fen="(\d+)"[^>]* height="(\d+)"/g)];
    expect(bars.map((b) => Number(b[1]))).toEqual(report.hours.map((h) => h.hour));
    expect(bars.map((b) => Number(b[2]))).toEqual(report.hours.map((h) => h.salesFen));
    const heights = bars.map((b) => Number(b[3]));
    expect(Math.max(...heights)).toBe(heights[1]);
    expect(heights[0]).toBeLessThan(heights[1]!);
    // With two hours more, two bars more.
    const more = renderDayReportHtml({ ...report, hours: [...report.hours, { hour: 20, orderCount: 1, salesFen: 5 }, { hour: 21, orderCount: 1, salesFen: 7 }] }, 'en');
    expect(more.match(/<rect class="bar"/g)).toHaveLength(5);
  });

  it('says "not reconciled yet" without a run, and escapes user text', () => {
    const html = renderDayReportHtml(dayReportFixture({ reconciliation: null, storeName: '<script>x</script>' }), 'zh-CN');
    expect(textOf(html)).toContain('尚未对账');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&lt;script&gt;');
    expect(textOf(renderDayReportHtml(dayReportFixture({ reconciliation: null }), 'en'))).toContain('Not reconciled yet');
  });
});

describe('shift (X) report HTML', () => {
  it('shows the drawer maths and cash movements in both languages', () => {
    const zh = textOf(renderShiftReportHtml(shiftReportFixture(), 'zh-CN'));
    expect(zh).toContain('交班报表（X）');
    expect(zh).toContain('备用金');
    expect(zh).toContain('¥500.00');
    expect(zh).toContain('¥707.70'); // expected
    expect(zh).toContain('¥707.00'); // counted
    expect(zh).toContain('-¥0.70');
    expect(zh).toContain('存银行');
    const en = textOf(renderShiftReportHtml(shiftReportFixture(), 'en', { timeZone: 'UTC' }));
    expect(en).toContain('Shift report (X)');
    expect(en).toContain('Opening float');
    expect(en).toContain('¥687.70'); // net
    expect(en).toContain('2026-11-23 09:30'); // closed, in the zone asked for
  });
});

describe('day report CSV', () => {
  it('starts with a BOM, parses back, and its fen columns re-add to the totals', () => {
    const report = dayReportFixture();
    const csv = renderDayReportCsv(report, 'zh-CN');
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    const all = sections(parseCsv(csv.slice(1)));
    const totals = all.get('汇总')!;
    const byKey = new Map(totals.rows.map((r) => [r[0], { yuan: r[2], fen: Number(r[3]) }]));
    const fen = (key: string) => byKey.get(key)!.fen;
    expect(fen('salesFen')).toBe(fen('grossFen') - fen('lineDiscountsFen') - fen('orderDiscountsFen') - fen('couponsFen') - fen('roundingFen') + fen('deliveryFeesFen'));
    expect(fen('netFen')).toBe(fen('salesFen') - fen('refundsFen'));
    expect(byKey.get('salesFen')!.yuan).toBe('972.70');
    expect(byKey.get('roundingFen')!.yuan).toBe('0.30');
    for (const [, { yuan, fen: f }] of byKey) expect(yuan).toBe(`${Math.trunc(f / 100)}.${String(f % 100).padStart(2, '0')}`);

    const tenders = all.get('按支付方式')!;
    expect(sum(column(tenders, '收款（分）'))).toBe(report.tenders.reduce((n, t) => n + t.takenFen, 0));
    expect(sum(column(tenders, '退款（分）'))).toBe(report.totals.refundsFen);
    expect(sum(column(tenders, '净收入（分）'))).toBe(report.totals.netFen);
    expect(column(tenders, '收款')).toEqual(['300.00', '400.00', '272.70']);
    expect(sum(column(all.get('按收银员')!, '销售额（分）'))).toBe(report.totals.salesFen);
    expect(sum(column(all.get('按小时')!, '销售额（分）'))).toBe(report.totals.salesFen);
    const shifts = all.get('各班现金')!;
    expect(column(shifts, '差额（分）')).toEqual(['-70', '']);
    expect(column(shifts, '差额')).toEqual(['-0.70', '']);
    // A name with a quote survives the round trip.
    expect(column(all.get('按收银员')!, '收银员')).toContain('Amy "Till" Chen');
    expect(column(all.get('差异')!, '差异类型')).toEqual(['渠道已收款，本地未成功']);
  });

  it('has English headers in English, and "not reconciled" without a run', () => {
    const csv = renderDayReportCsv(dayReportFixture({ reconciliation: null }), 'en');
    const all = sections(parseCsv(csv.slice(1)));
    expect([...all.keys()]).toEqual(expect.arrayContaining(['Totals', 'By tender', 'By cashier', 'By hour', 'Top products', 'Cash per shift', 'Reconciliation']));
    expect(all.get('By tender')!.header).toEqual(['Tender', 'Taken', 'Taken (fen)', 'Count', 'Refunded', 'Refunded (fen)', 'Refund count', 'Net', 'Net (fen)']);
    expect(all.get('Reconciliation')!.rows[0]![0]).toBe('Not reconciled yet');
    expect(all.has('Issues')).toBe(false);
    expect(dayReportCsvFilename({ storeId: 'S001', businessDate: '2026-11-23' }, 'en')).toBe('day-report-S001-2026-11-23-en.csv');
  });

  it('quotes fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(null)).toBe('');
    expect(parseCsv(`${csvField('x,"y"\r\nz')},1\r\n`)).toEqual([['x,"y"\r\nz', '1']]);
  });
});

/** Text lines of printer bytes, with the ESC/GS/FS commands taken out. */
function printedLines(bytes: Uint8Array): string[] {
  const commands = [
    [0x1b, 0x40], [0x1c, 0x26], [0x1b, 0x61, -1], [0x1b, 0x45, -1], [0x1d, 0x21, -1], [0x1c, 0x21, -1], [0x1b, 0x64, -1], [0x1d, 0x56, -1],
  ];
  const text: number[] = [];
  outer: for (let i = 0; i < bytes.length; i++) {
    for (const cmd of commands) {
      if (cmd.every((b, k) => b === -1 || bytes[i + k] === b)) {
        i += cmd.length - 1;
        continue outer;
      }
    }
    text.push(bytes[i]!);
  }
  return decodeGb18030(Uint8Array.from(text)).split('\n');
}

describe('ESC/POS summaries', () => {
  for (const paperWidth of [58, 80] as const) {
    const columns = paperWidth === 58 ? 32 : 48;
    it(`day report, ${paperWidth} mm: Chinese totals, every line within ${columns} columns, cut at the end`, () => {
      const bytes = renderDayReportEscPos(dayReportFixture(), 'zh-CN', { paperWidth });
      expect([...bytes.subarray(0, 4)]).toEqual([0x1b, 0x40, 0x1c, 0x26]);
      expect([...bytes.subarray(-3)]).toEqual([0x1d, 0x56, 0x01]);
      expect(Buffer.from(bytes).includes(Buffer.from([0x1b, 0x70]))).toBe(false); // a report never opens the drawer
      const lines = printedLines(bytes);
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
      const text = lines.join('\n');
      expect(text).toContain('日结报表（Z）');
      expect(text).toMatch(/净收入 +￥960\.40/);
      expect(text).toMatch(/销售额 +￥972\.70/);
      expect(text).toMatch(/微信支付 +￥400\.00/);
      expect(text).toMatch(/应有现金 +￥707\.70/);
      expect(text).toMatch(/实点现金 +￥707\.00/);
      expect(text).toMatch(/差额 +-￥0\.70/);
      expect(text).toContain('未清点'); // the open shift
      expect(text).toMatch(/微信支付 +有差异/);
      expect(text).toMatch(/差异 +1/);
    });

    it(`day report, ${paperWidth} mm: English`, () => {
      const lines = printedLines(renderDayReportEscPos(dayReportFixture({ reconciliation: null }), 'en', { paperWidth }));
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
      const text = lines.join('\n');
      expect(text).toMatch(/Net +￥960\.40/);
      expect(text).toMatch(/Alipay +￥272\.70/);
      expect(text).toMatch(/Difference +-￥0\.70/);
      expect(text).toContain('Not reconciled yet');
    });

    it(`shift report, ${paperWidth} mm`, () => {
      const bytes = renderShiftReportEscPos(shiftReportFixture(), 'en', { paperWidth });
      expect([...bytes.subarray(-3)]).toEqual([0x1d, 0x56, 0x01]);
      const lines = printedLines(bytes);
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
      const text = lines.join('\n');
      expect(text).toContain('Shift report (X)');
      expect(text).toMatch(/Opening float +￥500\.00/);
      expect(text).toMatch(/Expected +￥707\.70/);
      expect(text).toMatch(/Net +￥687\.70/);
      const zh = printedLines(renderShiftReportEscPos(shiftReportFixture(), 'zh-CN', { paperWidth })).join('\n');
      expect(zh).toMatch(/备用金 +￥500\.00/);
      expect(zh).toMatch(/差额 +-￥0\.70/);
    });
  }
});
