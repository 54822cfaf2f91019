// A `fetch` for the Slack clients (WebClient's and Bolt's `fetch` option) on node:http(s) with
// keep-alive agents. Node 20's built-in fetch (undici) spent most of the bot's CPU when a burst
// of clicks each opened and updated a modal: Request/Response objects, web streams and abort
// signals for every call. The Slack Web API and response_urls need little of that: a POST with a
// string body, and a JSON answer read whole. Anything else (a FormData upload) goes to the
// built-in fetch.
//
// Each call sends in a turn of the event loop of its own and hands its answer back in another
// (src/runtime/turns.ts), so Slack calls take turns with incoming requests waiting for an ack.
import http from 'node:http';
import https from 'node:https';
import { nextTurn } from './turns.js';

/** A call that gets no answer in this long fails (the Web API client retries it). */
const TIMEOUT_MS = 30_000;
const MAX_SOCKETS = 50;

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
};

/** Status codes whose Response may not carry a body. */
const NO_BODY = new Set([101, 204, 205, 304]);

function headersOf(h: RequestInit['headers']): Record<string, string> {
  if (!h) return {};
  if (h instanceof Headers) return Object.fromEntries(h.entries());
  if (Array.isArray(h)) return Object.fromEntries(h);
  return { ...(h as Record<string, string>) };
}

function bodyOf(b: RequestInit['body']): string | Uint8Array | undefined | null {
  if (b === undefined || b === null) return undefined;
  if (typeof b === 'string' || b instanceof Uint8Array) return b;
  if (b instanceof URLSearchParams) return b.toString();
  return null; // FormData, Blob, streams: not handled here
}

function send(url: URL, init: RequestInit, body: string | Uint8Array | undefined) {
  return new Promise<Response>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const headers = headersOf(init.headers);
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = (secure ? https : http).request(
      url,
      {
        method: init.method ?? 'GET',
        headers,
        agent: agents[secure ? 'https:' : 'http:'],
        timeout: TIMEOUT_MS,
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (init.redirect === 'error' && status >= 300 && status < 400) {
          res.resume();
          reject(new TypeError(`fetch failed: redirected (HTTP ${status}) from ${url.origin}`));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const pairs: [string, string][] = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          }
          resolve(
            new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers: pairs,
            }),
          );
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${url.origin} in ${TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const httpFetch: typeof fetch = async (input, init = {}) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const body = bodyOf(init.body);
  if (
    input instanceof Request ||
    body === null ||
    (url.protocol !== 'http:' && url.protocol !== 'https:')
  ) {
    return fetch(input, init);
  }
  await nextTurn();
  const answer = await send(url, init, body);
  await nextTurn();
  return answer;
};
