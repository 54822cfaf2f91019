// Child process: stands in for Slack's response_url. The bot's private answers land here, keyed
// by path; the run reads them back over GET /_bench/responses?key=… . A process of its own, so
// receiving thousands of answers during the ack measurement does not slow the load generator's
// event loop (which would count as ack latency for the bot, and not for the baseline).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady, exitWithParent } from './procs.js';

const got = new Map<string, unknown[]>();
let total = 0;
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/_bench/responses') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ total, bodies: got.get(url.searchParams.get('key') ?? '') ?? [] }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const key = decodeURIComponent(url.pathname.slice(3));
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
  });
});
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
exitWithParent(async () => {
  server.closeAllConnections();
  server.close();
});
announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
