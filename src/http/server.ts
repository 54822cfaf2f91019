// The one HTTP server of a process: health, readiness, metrics, and whatever the roles mount
// (Slack's /slack/events, AWS's /aws/events). Transport only; no business logic here.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface HttpServerOptions {
  log: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** Exact paths → handlers, e.g. '/slack/events'. */
  routes?: Record<string, RouteHandler>;
}

export interface RunningHttpServer {
  server: http.Server;
  port: number;
  mount(path: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export async function startHttpServer(
  port: number,
  host: string | undefined,
  opts: HttpServerOptions,
): Promise<RunningHttpServer> {
  const routes = new Map<string, RouteHandler>(Object.entries(opts.routes ?? {}));
  const { log, metrics } = opts;

  async function readiness(res: ServerResponse) {
    const results = await Promise.all(
      opts.readiness.map(async (r) => {
        try {
          await r.check();
          return [r.name, 'ok'] as const;
        } catch (err) {
          return [r.name, `down: ${(err as Error).message}`] as const;
        }
      }),
    );
    const ready = results.every(([, v]) => v === 'ok');
    sendJson(res, ready ? 200 : 503, { ready, checks: Object.fromEntries(results) });
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route =
      path === '/healthz' || path === '/readyz' || path === '/metrics' || routes.has(path)
        ? path
        : 'other';
    res.on('finish', () => metrics.httpRequests.inc({ route, status: String(res.statusCode) }));
    const run = async () => {
      if (path === '/healthz' && req.method === 'GET') return sendJson(res, 200, { status: 'ok' });
      if (path === '/readyz' && req.method === 'GET') return readiness(res);
      if (path === '/metrics' && req.method === 'GET') {
        const body = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(body);
        return;
      }
      const handler = routes.get(path);
      if (handler) return handler(req, res);
      return sendJson(res, 404, {
        error: 'not_found',
        message: `No route for ${req.method} ${path}`,
      });
    };
    run().catch((err: unknown) => {
      log.error({ err, path }, 'HTTP handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than typical load balancer idle timeouts
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    mount: (p, h) => {
      routes.set(p, h);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      }),
  };
}
