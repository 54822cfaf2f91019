// A `fetch` for the Slack clients (WebClient's and Bolt's `fetch` option) on node:http(s) with
// keep-alive agents. Node 20's built-in fetch (undici) spent most of the bot's CPU when a burst
// of clicks each opened and updated a modal: Request/Response objects, web streams and abort
// signals for every call. The Slack Web API and response_urls need little of that: a POST with a
// string body, and a JSON answer read whole. Anything else (a FormData upload) goes to the
// built-in fetch.
//
// Each call sends in a turn of the event loop of its own and hands its answer back in another
// (src/runtime/turns.ts), so Slack calls take turns with incoming requests waiting for an ack.
//
// Behind an HTTP proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY: proxy-settings.ts) the agents route
// each call direct or through the proxy (proxy.ts), and the calls left to fetch go through the
// same proxy by an undici dispatcher: Node's own fetch ignores those variables.
import http from 'node:http';
import https from 'node:https';
import { fetch as undiciFetch } from 'undici';
import { createHttpAgents, type HttpAgents, proxyDispatcherFor, proxyKeyOf } from './proxy.js';
import { type ProxyEnv, proxySettingsOf } from './proxy-settings.js';
import { nextTurn } from './turns.js';

/** A call that gets no answer in this long fails (the Web API client retries it). */
const TIMEOUT_MS = 30_000;
const MAX_SOCKETS = 50;

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

function send(
  agents: Pick<HttpAgents, 'http' | 'https'>,
  url: URL,
  init: RequestInit,
  body: string | Uint8Array | undefined,
) {
  return new Promise<Response>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const headers = headersOf(init.headers);
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = (secure ? https : http).request(
      url,
      {
        method: init.method ?? 'GET',
        headers,
        agent: secure ? agents.https : agents.http,
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

/**
 * A fetch on these agents; `fallback` takes what they do not handle (a Request, a FormData body,
 * another scheme).
 */
export function createHttpFetch(
  agents: Pick<HttpAgents, 'http' | 'https'>,
  fallback: typeof fetch = fetch,
): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = bodyOf(init.body);
    if (
      input instanceof Request ||
      body === null ||
      (url.protocol !== 'http:' && url.protocol !== 'https:')
    ) {
      return fallback(input, init);
    }
    await nextTurn();
    const answer = await send(agents, url, init, body);
    await nextTurn();
    return answer;
  };
}

/** Direct connections only (no proxy), on keep-alive agents of its own. */
export const httpFetch: typeof fetch = createHttpFetch({
  http: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
  https: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
});

const transports = new Map<string, typeof fetch>();

/**
 * The process's Slack transport for the proxy variables in `env`: made once per settings, so
 * the Web API client and Bolt's share one pool of sockets. Without a proxy, httpFetch itself.
 */
export function httpFetchFor(env: ProxyEnv): typeof fetch {
  const key = proxyKeyOf(env);
  let transport = transports.get(key);
  if (!transport) {
    const dispatcher = proxyDispatcherFor(env);
    transport = dispatcher
      ? createHttpFetch(
          createHttpAgents(proxySettingsOf(env), { keepAlive: true, maxSockets: MAX_SOCKETS }),
          ((input: Parameters<typeof fetch>[0], init: RequestInit = {}) =>
            undiciFetch(input as never, { ...(init as object), dispatcher })) as typeof fetch,
        )
      : httpFetch;
    transports.set(key, transport);
  }
  return transport;
}
