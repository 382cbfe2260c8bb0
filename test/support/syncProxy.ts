import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy between a till and the cloud that loses things on purpose (the sync fault test):
 *
 *   dropRequestRate    the request never reaches the cloud (the till sees the connection reset)
 *   dropResponseRate   the request is forwarded, the cloud answers (it has committed), and the
 *                      till's connection is destroyed instead of getting the answer
 *   cloud down         the upstream connection fails: the till's connection is reset
 *
 * Decisions use the injected random source (seeded by the test). Hooks tell the test when a batch
 * is on its way up and when its answer came back, so it can kill the cloud or the till right then.
 */
export interface SyncProxyStats {
  requests: number;
  forwarded: number;
  droppedRequests: number;
  droppedResponses: number;
  upstreamErrors: number;
  delivered: number;
}

export interface ProxyEvent {
  stage: 'forward' | 'answer';
  method: string;
  path: string;
  status?: number;
}

export interface SyncProxy {
  url: string;
  dropRequestRate: number;
  dropResponseRate: number;
  stats: SyncProxyStats;
  /**
   * Hears 'forward' (a till request was sent on to the cloud) and 'answer' (the cloud's answer is
   * back at the proxy, before it is delivered or dropped). Returns the unsubscribe.
   */
  listen(listener: (event: ProxyEvent) => void): () => void;
  close(): Promise<void>;
}

export async function startSyncProxy(upstream: { host: string; port: number }, random: () => number): Promise<SyncProxy> {
  const listeners = new Set<(event: ProxyEvent) => void>();
  const emit = (event: ProxyEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  const stats: SyncProxyStats = { requests: 0, forwarded: 0, droppedRequests: 0, droppedResponses: 0, upstreamErrors: 0, delivered: 0 };
  const proxy: SyncProxy = {
    url: '',
    dropRequestRate: 0,
    dropResponseRate: 0,
    stats,
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {},
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    stats.requests += 1;
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    if (random() < proxy.dropRequestRate) {
      stats.droppedRequests += 1;
      res.socket?.destroy();
      return;
    }
    const headers = { ...req.headers, host: `${upstream.host}:${upstream.port}`, connection: 'close' };
    const up = httpRequest({ host: upstream.host, port: upstream.port, method, path: req.url, headers, agent: false }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', () => {
        stats.upstreamErrors += 1;
        res.socket?.destroy();
      });
      answer.on('end', () => {
        emit({ stage: 'answer', method, path, status: answer.statusCode ?? 0 });
        if (random() < proxy.dropResponseRate) {
          stats.droppedResponses += 1;
          res.socket?.destroy();
          return;
        }
        const out = Buffer.concat(chunks);
        const copy: Record<string, string | string[]> = {};
        for (const [key, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !['connection', 'transfer-encoding', 'keep-alive', 'content-length'].includes(key)) copy[key] = value;
        }
        res.writeHead(answer.statusCode ?? 502, { ...copy, 'content-length': String(out.length), connection: 'close' });
        res.end(out);
        stats.delivered += 1;
      });
    });
    up.on('error', () => {
      // The cloud is down (or died mid-request): the till sees a reset, as it would.
      stats.upstreamErrors += 1;
      res.socket?.destroy();
    });
    stats.forwarded += 1;
    up.end(body);
    emit({ stage: 'forward', method, path });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    req.on('error', () => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}
