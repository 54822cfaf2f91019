// The local Slack: a Web API stand-in, Slack's signed requests towards the bot, a typed test
// client and the workspace page, all on one node:http server started in-process.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BotUrls } from './bot-urls.js';
import {
  forwardToAws,
  type PageContext,
  PageInputError,
  pageAct,
  type ScenarioNames,
  sendJson,
  snapshot,
  streamEvents,
} from './page-api.js';
import { ChannelRateLimiter, DEFAULT_RATE_LIMITS, type RateLimitOptions } from './rate-limiter.js';
import { SocketMode } from './socket-mode.js';
import { WorkspaceState } from './state.js';
import { createTestClient, type SlackTestClient } from './test-client.js';
import { ACK_TIMEOUT_MS, type BotLink, ResponseUrls } from './towards-bot.js';
import { TriggerIds } from './triggers.js';
import { type ApiContext, callWebApi } from './web-api.js';
import { demoWorkspace, type Workspace } from './workspace.js';

export type { HomeOpened } from './app-home.js';
export { checkBlocks, checkHomeView, checkModalView, LIMITS } from './block-kit-limits.js';
export { visibleText } from './elements.js';
export type { ScenarioNames } from './page-api.js';
export { signSlackRequest } from './signing.js';
export type { Delivery, DisconnectReason, EnvelopeType } from './socket-mode.js';
export type {
  ApiCall,
  HomeView,
  Message,
  ModalView,
  SlackBlock,
  StateEvent,
  WorkspaceState,
} from './state.js';
export type {
  ActAs,
  ClickTarget,
  CommandResult,
  MessageMatcher,
  SlackTestClient,
  ViewMatcher,
  WaitOptions,
} from './test-client.js';
export type { AckResult, ActionSent, ViewSubmitted } from './towards-bot.js';
export type {
  Persona,
  Workspace,
  WorkspaceChannel,
  WorkspaceUser,
  WorkspaceUserGroup,
} from './workspace.js';
export { demoWorkspace } from './workspace.js';

export interface LocalSlackOptions {
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The bot token (xoxb-…) the Web API accepts; any other token gets invalid_auth. */
  botToken: string;
  /** Signs the requests sent to the bot. */
  signingSecret: string;
  /**
   * Where commands and interactions go, e.g. http://127.0.0.1:3001/slack/events; or setBotUrl()
   * later. Several (web replicas): spread round robin, skipping one that refuses (bot-urls.ts).
   */
  botUrl?: string | readonly string[];
  /** Default T0SANDBOX. */
  teamId?: string;
  /** Default A0ROLLBACK. */
  apiAppId?: string;
  /** Users, user groups, channels; default demoWorkspace(). */
  workspace?: Workspace;
  /** Per-channel limits of chat.postMessage and chat.update; default 1/s with a burst of 3; false: none. */
  rateLimits?: RateLimitOptions | false;
  /** Base URL of the local AWS endpoint (its /_sandbox/… control API); without it the page hides scenario controls. */
  awsControlUrl?: string;
  /** Pipeline and alarm names the page's scenario controls offer (e.g. from the demo world). */
  scenarios?: ScenarioNames;
  /** Clock in ms; default Date.now. Tests pass their own to expire trigger_ids without waiting. */
  now?: () => number;
  /** How long Slack waits for the bot's ack; default 3000 ms. */
  ackTimeoutMs?: number;
  /** How commands and interactions reach the bot: signed HTTP POSTs (default) or Socket Mode envelopes. */
  transport?: 'http' | 'socket';
  /** The app-level token (xapp-…) apps.connections.open accepts. */
  appToken?: string;
}

export interface LocalSlack {
  /** For SLACK_API_URL / WebClient slackApiUrl; ends with '/api/'. */
  apiUrl: string;
  /** The workspace page. */
  pageUrl: string;
  client: SlackTestClient;
  state: WorkspaceState;
  workspace: Workspace;
  /** One bot URL, or several web replicas' (spread round robin, skipping one that refuses). */
  setBotUrl(url: string | readonly string[]): void;
  /** The next `times` calls of `method` answer HTTP 429 with Retry-After (default 1 s). */
  force429(method: string, times: number, retryAfterSeconds?: number): void;
  /** A trigger_id as Slack sends with an interaction of `user` (valid 3 s, exchanged once). */
  issueTrigger(user: string): string;
  transport: 'http' | 'socket';
  /**
   * Socket Mode: open connections, a `disconnect` message sent on each of them, every envelope
   * sent (redeliveries too), acks lost on purpose (their envelopes are redelivered), a revoked
   * app-level token, and an outage (Slack unreachable until it ends).
   */
  socketMode: Pick<
    SocketMode,
    'connectionCount' | 'disconnect' | 'deliveries' | 'ignoreAcks' | 'revokeAppToken' | 'outage'
  >;
  close(): Promise<void>;
}

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
const PAGE_FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/blocks.js': 'blocks.js',
  '/local-aws.js': 'local-aws.js',
  '/style.css': 'style.css',
};
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const MAX_BODY_BYTES = 5 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new PageInputError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Web API arguments from a form-encoded or JSON body, and the token from header or body. */
function decodeApiArgs(req: IncomingMessage, raw: string, url: URL) {
  const args: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json') && raw !== '') {
    Object.assign(args, JSON.parse(raw) as Record<string, unknown>);
  } else if (raw !== '') {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
  }
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ')
    ? header.slice(7)
    : (args.token as string | undefined);
  return { args, token };
}

export async function startLocalSlack(opts: LocalSlackOptions): Promise<LocalSlack> {
  const now = opts.now ?? Date.now;
  const host = opts.host ?? '127.0.0.1';
  const workspace = opts.workspace ?? demoWorkspace();
  const state = new WorkspaceState(now);
  let baseUrl = '';
  const bots = new BotUrls(opts.botUrl);

  const ctx: ApiContext = {
    state,
    workspace,
    botToken: opts.botToken,
    teamId: opts.teamId ?? 'T0SANDBOX',
    apiAppId: opts.apiAppId ?? 'A0ROLLBACK',
    triggers: new TriggerIds(now),
    limiter: new ChannelRateLimiter(opts.rateLimits ?? DEFAULT_RATE_LIMITS, now),
    baseUrl: () => baseUrl,
  };
  const link: BotLink = {
    ctx,
    signingSecret: opts.signingSecret,
    botUrl: () => bots.first(),
    bots,
    now,
    ackTimeoutMs: opts.ackTimeoutMs ?? ACK_TIMEOUT_MS,
    responseUrls: new ResponseUrls(() => baseUrl, now),
  };
  const transport = opts.transport ?? 'http';
  const socket = new SocketMode({
    appToken: opts.appToken,
    apiAppId: ctx.apiAppId,
    ackTimeoutMs: link.ackTimeoutMs,
    baseUrl: () => baseUrl,
  });
  if (transport === 'socket') link.socket = socket;
  const page: PageContext = {
    link,
    awsControlUrl: opts.awsControlUrl,
    scenarios: opts.scenarios ?? {},
    apiUrl: () => `${baseUrl}/api/`,
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      if (req.method !== 'POST' && req.method !== 'GET') return sendJson(res, 405, { ok: false });
      const raw = await readBody(req);
      let decoded: ReturnType<typeof decodeApiArgs>;
      try {
        decoded = decodeApiArgs(req, raw, url);
      } catch {
        return sendJson(res, 200, { ok: false, error: 'invalid_json' });
      }
      if (path === '/api/apps.connections.open') {
        const opened = socket.answerOpen(decoded.token);
        return sendJson(res, opened.status, opened.body);
      }
      const result = callWebApi(ctx, path.slice(5), decoded.args, decoded.token);
      return sendJson(res, result.status, result.body, result.headers ?? {});
    }
    if (path.startsWith('/response/') && req.method === 'POST') {
      const raw = await readBody(req);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, { ok: false, error: 'invalid_payload' });
      }
      const result = link.responseUrls.use(ctx, path.slice('/response/'.length), body);
      return sendJson(res, result.status, result.body);
    }
    if (path === '/_page/state') return sendJson(res, 200, snapshot(page));
    if (path === '/_page/events') return streamEvents(page, req, res);
    if (path.startsWith('/_page/aws/') && (req.method === 'POST' || req.method === 'GET')) {
      const forwarded = await forwardToAws(
        page,
        path.slice('/_page/aws/'.length),
        req.method === 'POST' ? await readBody(req) : '',
        req.method,
      );
      res.writeHead(forwarded.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(forwarded.body);
      return;
    }
    if (path.startsWith('/_page/') && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      return sendJson(res, 200, await pageAct(page, path.slice('/_page/'.length), body));
    }
    const file = PAGE_FILES[path];
    if (file && req.method === 'GET') {
      const content = await readFile(`${PAGE_DIR}${file}`);
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy':
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'",
      });
      res.end(content);
      return;
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const status = error instanceof PageInputError || error instanceof SyntaxError ? 400 : 500;
      if (!res.headersSent) sendJson(res, status, { ok: false, error: message });
      else res.end();
    });
  });
  // Idle keep-alive connections stay open as the real service's do (Node's default closes them
  // after 5 s, and a client reusing one at that moment gets ECONNRESET).
  server.keepAliveTimeout = 65_000;
  socket.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${port}`;

  return {
    apiUrl: `${baseUrl}/api/`,
    pageUrl: `${baseUrl}/`,
    client: createTestClient(link),
    state,
    workspace,
    setBotUrl(url) {
      bots.set(url);
    },
    issueTrigger: (user) => ctx.triggers.issue(user),
    transport,
    socketMode: socket,
    force429(method, times, retryAfterSeconds = 1) {
      ctx.limiter.force(method, times, retryAfterSeconds);
    },
    close() {
      socket.close();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
