/**
 * A document from the core (receipt.html, report.html) made safe to place in the page: parsed
 * inertly (DOMParser: nothing runs), stripped of anything active, its nodes imported into this
 * document and its stylesheet rewritten for a shadow root, where the host plays html/body's part.
 * `printOnly` also drops @page (it only works in the document's own sheet) and @media screen
 * blocks, for a copy that is only ever printed.
 */
function inertHtml(html: string, options: { printOnly?: boolean } = {}): { css: string; nodes: Node[] } {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  parsed.querySelectorAll('script, iframe, frame, object, embed, link, meta, base, form').forEach((node) => node.remove());
  for (const element of Array.from(parsed.body.querySelectorAll('*'))) {
    for (const attribute of Array.from(element.attributes)) {
      if (/^on/i.test(attribute.name) || /^\s*javascript:/i.test(attribute.value)) element.removeAttribute(attribute.name);
    }
  }
  let css = Array.from(parsed.querySelectorAll('style'))
    .map((style) => style.textContent ?? '')
    .join('\n');
  if (options.printOnly) {
    css = css.replace(/@page\s*\{[^}]*\}/g, '').replace(/@media screen\s*\{[^{}]*(\{[^}]*\}[^{}]*)*\}/g, '');
  }
  css = css.replace(/\bhtml\s*,\s*body\b/g, ':host').replace(/(^|[\s{}>,])body\b/g, '$1:host');
  return { css, nodes: Array.from(parsed.body.childNodes).map((node) => document.importNode(node, true)) };
}

/** Fills a host's (open) shadow root with the inert document and its stylesheet. */
export function mountInertHtml(host: HTMLElement, html: string, options: { printOnly?: boolean } = {}): void {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const { css, nodes } = inertHtml(html, options);
  const style = document.createElement('style');
  style.textContent = `${css}\n:host { display: block; }`;
  root.replaceChildren(style, ...nodes);
}
