import { COLUMNS, ESC_POS, encodeGb18030, sanitizePrinterText, wrapToWidth, leftRight, type EscPosPaperWidth } from './escpos';
import { escapeHtml } from './html';

/**
 * The printer test page (printer.test): short, bilingual, and built to show at a glance what is
 * wrong with a thermal printer: Chinese that comes out garbled (GB18030 / Chinese mode), a paper
 * width setting that does not match the roll (the ruler wraps or stops short), a cutter and, on
 * request, the cash drawer wired to the printer.
 */

export interface TestPageContext {
  storeName: string;
  terminalCode: string;
  paperWidth: EscPosPaperWidth;
  /** Pre-formatted local time (store time zone). */
  printedAt: string;
  /** "network 192.168.1.50:9100" / "system (default printer)". */
  target: string;
  openDrawer: boolean;
}

interface Line {
  text: string;
  bold?: boolean;
  center?: boolean;
}

function lines(ctx: TestPageContext): { header: Line[]; body: Line[]; footer: Line[] } {
  const width = COLUMNS[ctx.paperWidth];
  const ruler = '1234567890'.repeat(Math.ceil(width / 10)).slice(0, width);
  return {
    header: [
      { text: '打印测试 Test page', bold: true, center: true },
      { text: `${ctx.storeName} · ${ctx.terminalCode}`, center: true },
    ],
    body: [
      ...leftRight('时间 Time', ctx.printedAt, width).map((text) => ({ text })),
      ...leftRight('打印机 Printer', ctx.target, width).map((text) => ({ text })),
      ...leftRight('纸宽 Paper', `${ctx.paperWidth} mm / ${width}`, width).map((text) => ({ text })),
      ...leftRight('钱箱 Drawer', ctx.openDrawer ? '已弹开 opened' : '未弹开 not opened', width).map((text) => ({ text })),
      { text: '-'.repeat(width) },
      { text: '中文：收银台打印正常，谢谢惠顾！' },
      { text: 'English: the receipt printer works.' },
      ...leftRight('金额 Amount', '￥1,234.56', width).map((text) => ({ text })),
      { text: ruler },
    ],
    footer: [
      { text: '上面一行数字应正好占满一行', center: true },
      { text: 'The digits above should fill exactly one line', center: true },
    ],
  };
}

/** ESC/POS bytes of the test page (GB18030, Chinese mode, optional drawer kick, partial cut). */
export function renderTestPageEscPos(ctx: TestPageContext): Uint8Array {
  const width = COLUMNS[ctx.paperWidth];
  const chunks: Uint8Array[] = [];
  const cmd = (bytes: readonly number[]) => chunks.push(Uint8Array.from(bytes));
  const text = (line: Line) => {
    for (const wrapped of wrapToWidth(sanitizePrinterText(line.text), width)) {
      cmd(line.center ? ESC_POS.ALIGN_CENTER : ESC_POS.ALIGN_LEFT);
      if (line.bold) cmd(ESC_POS.BOLD_ON);
      chunks.push(encodeGb18030(wrapped));
      cmd([0x0a]);
      if (line.bold) cmd(ESC_POS.BOLD_OFF);
    }
  };
  const page = lines(ctx);
  cmd(ESC_POS.INIT);
  cmd(ESC_POS.CHINESE_MODE);
  if (ctx.openDrawer) cmd(ESC_POS.DRAWER_KICK);
  cmd(ESC_POS.SIZE_DOUBLE_HEIGHT);
  cmd(ESC_POS.CJK_SIZE_DOUBLE_HEIGHT);
  const [title, ...restOfHeader] = page.header;
  if (title) text(title);
  cmd(ESC_POS.SIZE_NORMAL);
  cmd(ESC_POS.CJK_SIZE_NORMAL);
  for (const line of [...restOfHeader, { text: '-'.repeat(width) }, ...page.body, { text: '-'.repeat(width) }, ...page.footer]) text(line);
  cmd(ESC_POS.ALIGN_LEFT);
  cmd(ESC_POS.FEED_4);
  cmd(ESC_POS.CUT_PARTIAL);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The same page as a self-contained HTML document for the system printer. */
export function renderTestPageHtml(ctx: TestPageContext): string {
  const contentMm = ctx.paperWidth === 58 ? 48 : 72;
  const page = lines(ctx);
  const render = (line: Line) =>
    `<div class="${[line.center ? 'center' : '', line.bold ? 'bold' : ''].join(' ').trim()}">${escapeHtml(line.text)}</div>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>打印测试 Test page</title>
<style>
@page { size: ${ctx.paperWidth}mm auto; margin: 0; }
body { margin: 0; font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; font-size: 12px; }
.page { width: ${contentMm}mm; margin: 0 auto; padding: 2mm 0; white-space: pre-wrap; font-family: ui-monospace, "Noto Sans Mono CJK SC", monospace; }
.center { text-align: center; } .bold { font-weight: bold; font-size: 1.4em; }
hr { border: 0; border-top: 1px dashed #000; }
</style></head>
<body><div class="page">
${page.header.map(render).join('\n')}
<hr>
${page.body.map(render).join('\n')}
<hr>
${page.footer.map(render).join('\n')}
</div></body></html>`;
}
