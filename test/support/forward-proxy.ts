// A small HTTP proxy on 127.0.0.1 for the proxy tests, as a corporate proxy behaves: CONNECT
// tunnels (https://, wss://, and undici's http:// too) and plain forward requests
// (`GET http://host/path`). It records what went through it, and the Proxy-Authorization it was
// given; with `credentials` it answers 407 to anyone else.
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface ProxyRecord {
  kind: 'connect' | 'forward';
  /** host:port the client asked for. */
  target: string;
  /** The path of a forwarded request. */
  path?: string;
  authorization?: string;
}

export interface ForwardProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  seen: ProxyRecord[];
  /** Targets (host:port) seen, each once. */
  targets(): string[];
  close(): Promise<void>;
}

export async function startForwardProxy(
  o: { credentials?: { user: string; password: string } } = {},
): Promise<ForwardProxy> {
  const seen: ProxyRecord[] = [];
  const sockets = new Set<net.Socket>();
  const expected = o.credentials
    ? `Basic ${Buffer.from(`${o.credentials.user}:${o.credentials.password}`).toString('base64')}`
    : undefined;
  const allowed = (auth: string | undefined) => !expected || auth === expected;

  const server = http.createServer((req, res) => {
    const auth = req.headers['proxy-authorization'];
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('a proxy wants an absolute URL');
      return;
    }
    seen.push({
      kind: 'forward',
      target: target.host,
      path: target.pathname,
      ...(auth ? { authorization: auth } : {}),
    });
    if (!allowed(auth)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      target,
      { method: req.method, headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const auth = req.headers['proxy-authorization'];
    const target = req.url ?? '';
    seen.push({ kind: 'connect', target, ...(auth ? { authorization: auth } : {}) });
    if (!allowed(auth)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host = '', port = '443'] = target.split(/:(?=\d+$)/);
    const upstream = net.connect(Number(port), host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    targets: () => [...new Set(seen.map((r) => r.target))],
    async close() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
