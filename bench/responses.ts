// Stands in for Slack's response_url: the bot's private answers to the benchmark's commands and
// clicks land here, keyed by the path, so the run can read the confirmation's offer ids.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Responses {
  url(key: string): string;
  /** Resolves with the first answer under `key` that `match` accepts, or undefined at the deadline. */
  waitFor(key: string, match: (body: unknown) => boolean, timeoutMs: number): Promise<unknown>;
  count(): number;
  close(): Promise<void>;
}

export async function startResponses(): Promise<Responses> {
  const got = new Map<string, unknown[]>();
  const waiters = new Set<() => void>();
  let total = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = decodeURIComponent((req.url ?? '/').slice(3));
      try {
        const list = got.get(key) ?? [];
        list.push(JSON.parse(Buffer.concat(chunks).toString()));
        got.set(key, list);
        total += 1;
      } catch {
        // not JSON: ignored
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (key) => `${base}/r/${encodeURIComponent(key)}`,
    count: () => total,
    waitFor(key, match, timeoutMs) {
      return new Promise((resolve) => {
        const check = () => {
          const hit = (got.get(key) ?? []).find(match);
          if (hit === undefined) return false;
          done(hit);
          return true;
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        const done = (v: unknown) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(v);
        };
        const waiter = () => void check();
        waiters.add(waiter);
        check();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The `value` of the first button with `actionId` anywhere in a message's blocks. */
export function buttonValue(body: unknown, actionId: string): string | undefined {
  let found: string | undefined;
  const walk = (v: unknown): void => {
    if (found !== undefined || v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.action_id === actionId && typeof o.value === 'string') {
      found = o.value;
      return;
    }
    for (const x of Object.values(o)) walk(x);
  };
  walk(body);
  return found;
}
