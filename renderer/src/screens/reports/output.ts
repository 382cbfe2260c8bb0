/**
 * The report's two outputs that happen in the page: "Print / Save PDF" prints report.html through
 * the browser's (or Electron's) print dialog, where "Save as PDF" is one of the printers; "Export
 * CSV" saves report.csv as a file. The HTML is parsed inertly (DOMParser: nothing runs), stripped
 * of anything active and placed in a shadow root, so its stylesheet stays inside; a print
 * stylesheet shows only that host while printing.
 */

import { api } from '../../api/session';
import { currentLang } from '../../i18n';
import { mountInertHtml } from '../../lib/inertHtml';

/** Which report leaves the screen: a business day's Z report or one shift's X report. */
export type ReportTarget = { kind: 'day'; date: string } | { kind: 'shift'; shiftId: string };

/** report.print: the ESC/POS summary to a network receipt printer, or the A4 page to a system one; returns the outcome's i18n key. */
export async function printReportSummary(target: ReportTarget): Promise<'reports.output.sentNetwork' | 'reports.output.sentSystem'> {
  const result = await api['report.print']({ ...target, lang: currentLang() });
  return result.printer === 'network' ? 'reports.output.sentNetwork' : 'reports.output.sentSystem';
}

/** report.html through the print dialog ("Save as PDF" is one of its printers). `opening` runs first: the dialog blocks. */
export async function printReportDocument(target: ReportTarget, opening: () => void): Promise<void> {
  const { html } = await api['report.html']({ ...target, lang: currentLang() });
  opening();
  printHtmlDocument(html);
}

const HOST_CLASS = 'report-print-host';

/** Puts the document into a print-only host and opens the print dialog (window.print blocks until it closes). */
function printHtmlDocument(html: string): void {
  document.querySelector(`.${HOST_CLASS}`)?.remove();
  const host = document.createElement('div');
  host.className = HOST_CLASS;
  host.setAttribute('aria-hidden', 'true');
  mountInertHtml(host, html, { printOnly: true });
  document.body.appendChild(host);
  // Page-level rules live in the document's sheet: they must reach <body>'s other children.
  document.querySelector(`.${HOST_CLASS}-style`)?.remove();
  const page = document.createElement('style');
  page.className = `${HOST_CLASS}-style`;
  page.textContent = `.${HOST_CLASS} { display: none; }
@media print {
  @page { size: A4; margin: 12mm; }
  body > :not(.${HOST_CLASS}) { display: none !important; }
  .${HOST_CLASS} { display: block !important; }
}`;
  document.head.appendChild(page);
  window.print();
}

/** Saves text as a download (the CSV already starts with its BOM). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
