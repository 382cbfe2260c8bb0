import QRCode from 'qrcode';
import type { ReceiptField, ReceiptModel } from './receiptModel';

/**
 * The receipt as one self-contained HTML document (inline CSS, the QR as inline SVG, no external
 * resources), so the same string works on screen, through the system printer and with printToPDF.
 * Every value from the model is escaped: item names, store names and refund reasons are user input.
 */

export type PaperWidth = 58 | 80;

export interface HtmlOptions {
  paperWidth?: PaperWidth;
  /** Document title; defaults to the receipt title and order number. */
  title?: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function field(f: ReceiptField, className = 'row'): string {
  return `<div class="${className}"><span>${escapeHtml(f.label)}</span><span>${escapeHtml(f.value)}</span></div>`;
}

function amountRow(label: string, text: string, className = 'row'): string {
  return `<div class="${className}"><span>${escapeHtml(label)}</span><span class="amt">${escapeHtml(text)}</span></div>`;
}

function css(paperWidth: PaperWidth): string {
  // Printable width of a 58 mm roll is about 48 mm, of an 80 mm roll about 72 mm.
  const contentMm = paperWidth === 58 ? 48 : 72;
  const fontPx = paperWidth === 58 ? 11 : 12;
  return `
@page { size: ${paperWidth}mm auto; margin: 0; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #fff; color: #000; }
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; font-size: ${fontPx}px; line-height: 1.35; }
.receipt { width: ${contentMm}mm; margin: 0 auto; padding: 2mm 0; }
.center { text-align: center; }
.store { font-size: 1.4em; font-weight: bold; }
.title { font-weight: bold; margin-top: 1mm; }
.row { display: flex; justify-content: space-between; gap: 2mm; }
.row > span:first-child { overflow-wrap: anywhere; }
.amt, .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
hr { border: 0; border-top: 1px dashed #000; margin: 1.5mm 0; }
table.items { width: 100%; border-collapse: collapse; }
table.items th { font-weight: normal; text-align: right; border-bottom: 1px dashed #000; }
table.items th:first-child, table.items td.name { text-align: left; }
table.items td { vertical-align: top; text-align: right; white-space: nowrap; }
/* A gap between the number columns, or '1.234kg' runs into '¥7.98/kg'. */
table.items th + th, table.items td + td { padding-left: 1.5mm; }
table.items td.name { white-space: normal; overflow-wrap: anywhere; }
table.items tr.detail td { font-size: 0.9em; }
.total { font-size: 1.5em; font-weight: bold; }
.sub { padding-left: 3mm; font-size: 0.9em; }
.qr { text-align: center; margin-top: 2mm; }
.qr svg { width: ${paperWidth === 58 ? 28 : 34}mm; height: auto; }
.footer { text-align: center; margin-top: 1mm; }
@media screen { body { background: #eee; } .receipt { background: #fff; padding: 3mm; } }
`;
}

function itemsTable(model: ReceiptModel, paperWidth: PaperWidth): string {
  if (model.items.length === 0) return '';
  const c = model.columns;
  const head = `<tr><th>${escapeHtml(c.name)}</th><th>${escapeHtml(c.quantity)}</th>${
    paperWidth === 80 ? `<th>${escapeHtml(c.unitPrice)}</th>` : ''
  }<th>${escapeHtml(c.amount)}</th></tr>`;
  const rows = model.items
    .map((item) => {
      const priceCell = paperWidth === 80 ? `<td class="num">${escapeHtml(item.unitPriceText)}</td>` : '';
      // At 58 mm the unit price moves under the name to keep three columns.
      const name =
        paperWidth === 58
          ? `${escapeHtml(item.name)}<br><small>@${escapeHtml(item.unitPriceText)}</small>`
          : escapeHtml(item.name);
      let html = `<tr><td class="name">${name}</td><td class="num">${escapeHtml(item.quantityText)}</td>${priceCell}<td class="num">${escapeHtml(item.totalText ?? '')}</td></tr>`;
      if (item.discountText) {
        const span = paperWidth === 80 ? 3 : 2;
        html += `<tr class="detail"><td class="name" colspan="${span}">&nbsp;&nbsp;${escapeHtml(c.discount)}</td><td class="num">${escapeHtml(item.discountText)}</td></tr>`;
      }
      return html;
    })
    .join('');
  return `<table class="items"><thead>${head}</thead><tbody>${rows}</tbody></table><hr>`;
}

/** Renders the model; async only because qrcode's SVG output is. */
export async function renderReceiptHtml(model: ReceiptModel, options: HtmlOptions = {}): Promise<string> {
  const paperWidth = options.paperWidth ?? 80;
  const svg = await QRCode.toString(model.qrPayload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const title = options.title ?? `${model.title} ${model.orderNo}`;
  const lang = model.language === 'zh-CN' ? 'zh-CN' : 'en';

  const parts: string[] = [];
  parts.push(`<div class="center store">${escapeHtml(model.store.name)}</div>`);
  for (const line of model.storeLines) parts.push(`<div class="center">${escapeHtml(line)}</div>`);
  parts.push(`<div class="center title">${escapeHtml(model.title)}</div><hr>`);
  parts.push(model.meta.map((f) => field(f)).join(''), '<hr>');
  parts.push(itemsTable(model, paperWidth));
  if (model.adjustments.length > 0) {
    parts.push(model.adjustments.map((row) => amountRow(row.label, row.text)).join(''));
  }
  parts.push(amountRow(model.total.label, model.total.text, 'row total'));
  if (model.taxes.length > 0) parts.push(model.taxes.map((tax) => amountRow(tax.label, tax.text, 'row sub')).join(''));
  if (model.tenders.length > 0) {
    parts.push('<hr>', `<div class="title">${escapeHtml(model.tendersTitle)}</div>`);
    for (const tender of model.tenders) {
      parts.push(amountRow(tender.label, tender.amountText));
      if (tender.tendered) parts.push(field(tender.tendered, 'row sub'));
      if (tender.change) parts.push(field(tender.change, 'row sub'));
      for (const detail of tender.details) parts.push(field(detail, 'row sub'));
    }
  }
  if (model.references.length > 0) {
    parts.push(`<div class="title">${escapeHtml(model.referencesTitle)}</div>`);
    parts.push(model.references.map((f) => field(f, 'row sub')).join(''));
  }
  parts.push('<hr>', `<div class="qr">${svg}<div>${escapeHtml(model.qrCaption)}</div></div>`);
  parts.push(`<div class="footer">${model.footer.map((line) => `<div>${escapeHtml(line)}</div>`).join('')}</div>`);

  return htmlDocument({
    lang,
    title,
    css: css(paperWidth),
    open: `<div class="receipt receipt-${model.kind}" data-paper="${paperWidth}">`,
    body: parts.join('\n'),
  });
}

/**
 * A self-contained page (receipt, report): escaped title, inline stylesheet, the body inside one
 * wrapper element. `open` is the wrapper's opening <div> tag, `body` is already HTML.
 */
export function htmlDocument(page: { lang: string; title: string; css: string; open: string; body: string }): string {
  return `<!DOCTYPE html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>${escapeHtml(page.title)}</title>
<style>${page.css}</style>
</head>
<body>
${page.open}
${page.body}
</div>
</body>
</html>
`;
}
