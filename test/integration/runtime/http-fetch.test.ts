// httpFetch (the Slack clients' transport) against a local HTTP server: what the Web API client
// and Bolt's respond() read from a Response (status, headers, text, JSON), POST bodies as sent,
// no body for 204, a refused redirect, an abort, a server that never answers, and the real
// WebClient making a call through it.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from '../../../src/runtime/http-fetch.js';

const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let base = '';
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() });
    if (req.url === '/api/chat.postMessage') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'chat:write' });
      res.end(JSON.stringify({ ok: true, ts: '1.0002', channel: 'C1' }));
    } else if (req.url === '/limited') {
      res.writeHead(429, { 'retry-after': '3' });
      res.end('slow down');
    } else if (req.url === '/empty') {
      res.writeHead(204);
      res.end();
    } else if (req.url === '/moved') {
      res.writeHead(302, { location: 'https://example.invalid/' });
      res.end();
    } else if (req.url === '/hang') {
      // never answers
    } else {
      res.writeHead(404);
      res.end('nope');
    }
  });
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

describe('httpFetch', () => {
  it('posts the body and headers as given and reads the answer like fetch does', async () => {
    const r = await httpFetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-test' },
      body: JSON.stringify({ text: 'héllo' }),
    });
    expect(r.status).toBe(200);
    expect(r.ok).toBe(true);
    expect(r.headers.get('x-oauth-scopes')).toBe('chat:write');
    expect(await r.json()).toEqual({ ok: true, ts: '1.0002', channel: 'C1' });
    const last = seen.at(-1)!;
    expect(last.method).toBe('POST');
    expect(last.body).toBe('{"text":"héllo"}');
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength('{"text":"héllo"}')));
    expect(last.headers.authorization).toBe('Bearer xoxb-test');
  });

  it('passes non-2xx answers through, and has no body for 204', async () => {
    const limited = await httpFetch(`${base}/limited`, { method: 'POST', body: 'a=1' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await limited.text()).toBe('slow down');
    const empty = await httpFetch(`${base}/empty`, { method: 'POST' });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
    expect(seen.at(-2)!.body).toBe('a=1');
  });

  it('refuses to follow a redirect when told, and stops on abort', async () => {
    await expect(httpFetch(`${base}/moved`, { method: 'POST', redirect: 'error' })).rejects.toThrow(
      /redirected/,
    );
    const controller = new AbortController();
    const pending = httpFetch(`${base}/hang`, { method: 'POST', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });

  it('carries the real WebClient', async () => {
    const client = new WebClient('xoxb-test', {
      slackApiUrl: `${base}/api/`,
      fetch: httpFetch,
      retryConfig: { retries: 0 },
    });
    const res = await client.chat.postMessage({ channel: 'C1', text: 'hi' });
    expect(res.ts).toBe('1.0002');
    const last = seen.at(-1)!;
    expect(last.headers.authorization).toBe('Bearer xoxb-test');
    expect(new URLSearchParams(last.body).get('text')).toBe('hi');
  });
});
