import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPA_ROUTES } from '../../../electron/api/spaRoutes';
import { createAppProtocolHandler, resolveAppPath } from '../../../electron/shell/appProtocol';
import { SHELL_SECURITY } from '../../../electron/shell/security';

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'till-app-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Till</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'outside the renderer');
  writeFileSync(join(base, 'renderer-evil.js'), 'sibling folder with a shared prefix');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => createAppProtocolHandler(root)(new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves every SPA screen as index.html with the CSP', async () => {
    for (const route of SPA_ROUTES) {
      const response = await get(`app://till${route}`);
      expect(response.status, route).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(SHELL_SECURITY.csp);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>Till</title>');
    }
    expect((await get('app://till/display/')).status).toBe(200);
  });

  it('serves assets with their type and no CSP header', async () => {
    const response = await get('app://till/assets/app.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBeNull();
    expect(await response.text()).toBe('console.log(1)');
  });

  it('refuses path traversal in every spelling', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt', '/%2e%2e%2f%2e%2e%2fsecret.txt', '/../renderer-evil.js']) {
      const response = await get(`app://till${path}`);
      expect([400, 403, 404], path).toContain(response.status);
      expect(await response.text(), path).not.toContain('outside the renderer');
    }
    expect(resolveAppPath(root, 'app://till/..%2f..%2fsecret.txt')).toEqual({ ok: false, status: 400 });
    expect(resolveAppPath(root, 'app://till/a%00.js')).toEqual({ ok: false, status: 400 });
    expect(resolveAppPath(root, 'app://till/%E0%A4%A')).toEqual({ ok: false, status: 400 });
  });

  it('refuses other hosts, methods, unknown types and missing files', async () => {
    expect((await get('app://evil/index.html')).status).toBe(403);
    expect((await get('app://till/index.html', 'POST')).status).toBe(405);
    expect((await get('app://till/assets')).status).toBe(404);
    expect((await get('app://till/missing.js')).status).toBe(404);
    expect((await get('app://till/assets/app.exe')).status).toBe(404);
    const head = await get('app://till/', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
