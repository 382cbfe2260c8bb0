/**
 * The report's two outputs that happen in the page: "Print / Save PDF" prints report.html through
 * the browser's (or Electron's) print dialog, where "Save as PDF" is one of the printers; "Export
 * CSV" saves report.csv as a file. The HTML is parsed inertly (DOMParser: nothing runs), stripped
 * of anything active and placed in a shadow root, so its stylesheet stays inside; a print
 * stylesheet shows only that host while printing.
 */

const HOST_CLASS = 'report-print-host';

function sanitize(html: string): { css: string; nodes: Node[] } {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  parsed.querySelectorAll('script, iframe, frame, object, embed, link, meta, base, form').forEach((node) => node.remove());
  for (const element of Array.from(parsed.body.querySelectorAll('*'))) {
    for (const attribute of Array.from(element.attributes)) {
      if (/^on/i.test(attribute.name) || /^\s*javascript:/i.test(attribute.value)) element.removeAttribute(attribute.name);
    }
  }
  const css = Array.from(parsed.querySelectorAll('style'))
    .map((style) => style.textContent ?? '')
    .join('\n')
    // @page only works in the document's own sheet (added below); html/body become the host.
    .replace(/@page\s*\{[^}]*\}/g, '')
    .replace(/@media screen\s*\{[^{}]*(\{[^}]*\}[^{}]*)*\}/g, '')
    .replace(/\bhtml\s*,\s*body\b/g, ':host')
    .replace(/(^|[\s{}>,])body\b/g, '$1:host');
  return { css, nodes: Array.from(parsed.body.childNodes).map((node) => document.importNode(node, true)) };
}

/** Puts the document into a print-only host and opens the print dialog (window.print blocks until it closes). */
export function printHtmlDocument(html: string): void {
  document.querySelector(`.${HOST_CLASS}`)?.remove();
  const host = document.createElement('div');
  host.className = HOST_CLASS;
  host.setAttribute('aria-hidden', 'true');
  const root = host.attachShadow({ mode: 'open' });
  const { css, nodes } = sanitize(html);
  const style = document.createElement('style');
  style.textContent = `${css}\n:host { display: block; }`;
  root.replaceChildren(style, ...nodes);
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
