/**
 * The app:// handler body: maps app://till/<path> to a file of the built renderer, refusing
 * anything outside it, and answers with the CSP on HTML. Plain Node (global Request/Response),
 * no electron import, so the unit tests exercise exactly what main.ts passes to protocol.handle.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { SPA_ROUTES } from '../api/spaRoutes';
import { SHELL_SECURITY } from './security';

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
});

export type ResolvedAppPath = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404 | 405 };

/**
 * Where app://till/<path> lives under rootDir, or why it is refused. Pure: no file system access.
 * Refuses other hosts, encoded separators and NULs, and any path that resolves outside rootDir.
 */
export function resolveAppPath(rootDir: string, url: string): ResolvedAppPath {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 400 };
  }
  if (parsed.protocol !== `${SHELL_SECURITY.scheme}:` || parsed.host !== SHELL_SECURITY.host || parsed.username || parsed.password) {
    return { ok: false, status: 403 };
  }
  const rawPath = parsed.pathname;
  if (/%2f|%5c|%00/i.test(rawPath) || rawPath.includes('\\') || rawPath.includes('\0')) return { ok: false, status: 400 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400 };
  }
  const route = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const relativeFile = SPA_ROUTES.includes(route) ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const file = resolve(root, relativeFile);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) return { ok: false, status: 403 };
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!contentType) return { ok: false, status: 404 };
  return { ok: true, file, contentType };
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...SHELL_SECURITY.responseHeaders } });
}

/** The protocol.handle('app', …) handler for a renderer built into rootDir. GET/HEAD only. */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const resolved = resolveAppPath(rootDir, request.url);
    if (!resolved.ok) return plain(resolved.status, resolved.status === 404 ? 'Not found' : 'Refused');
    try {
      const info = await stat(resolved.file);
      if (!info.isFile()) return plain(404, 'Not found');
      const body = await readFile(resolved.file);
      const headers: Record<string, string> = { 'Content-Type': resolved.contentType, ...SHELL_SECURITY.responseHeaders };
      if (resolved.contentType.startsWith('text/html')) headers['Content-Security-Policy'] = SHELL_SECURITY.csp;
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
    } catch {
      return plain(404, 'Not found');
    }
  };
}
