// The Bolt app: over HTTP at /slack/events by default, in Socket Mode when SLACK_APP_TOKEN is set.
// Transport lives here; listeners are registered by src/slack/listeners/*.
import {
  type AnyMiddlewareArgs,
  App,
  HTTPReceiver,
  type Middleware,
  SocketModeReceiver,
} from '@slack/bolt';
import type { Env } from '../config/env.js';
import type { RouteHandler } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { httpFetchFor } from '../runtime/http-fetch.js';
import { proxyDispatcherFor } from '../runtime/proxy.js';
import type { SlackDeliveries } from '../store/slack-delivery-store.js';
import { boltLogger } from './bolt-logger.js';
import { foreignPayloadReason, futureTimestampGuard } from './request-guard.js';
import { keepSocketLink, type SocketLink, socketOpenError } from './socket-link.js';

export interface SlackTransport {
  app: App;
  /** Mount at /slack/events on our HTTP server (HTTP mode only). */
  httpHandler?: RouteHandler;
  /** 'socket-mode' when SLACK_APP_TOKEN is set, else 'http'. */
  transport: 'socket-mode' | 'http';
  /** Socket Mode only: readiness of the connection, and a refused token while running. */
  socket?: Pick<SocketLink, 'check' | 'failed'>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Socket Mode timings (Bolt's SocketModeClient). Production keeps the defaults; tests shorten them. */
export interface SocketModeTimings {
  /**
   * How long to wait for Slack's pong to our ping, ms; also the step of the reconnect back-off
   * (the n-th reconnect in a row waits n × this). Default 5000.
   */
  clientPingTimeout?: number;
  /** How long to wait for Slack's next ping before reconnecting, ms. Default 30000. */
  serverPingTimeout?: number;
  /** How long stop() waits for the close handshake before it drops the connection, ms. Default 2000. */
  closeTimeoutMs?: number;
  /** How long /readyz stays ok after the connection drops (a refresh reconnects within it), ms. Default 10000. */
  readyGraceMs?: number;
}

export interface SlackAppOptions {
  metrics?: Pick<Metrics, 'slackRequests'>;
  now?: () => number;
  /** Socket Mode timings; default Bolt's (see SocketModeTimings). */
  socketMode?: SocketModeTimings;
  /** Remembers the commands and interactions taken, so a redelivered one is acted on once. */
  deliveries?: SlackDeliveries;
}

/**
 * apps.connections.open's own retries (a blip); a longer outage is outlasted by the reconnect
 * loop (socket-link.ts), which tries again for as long as it takes and logs each failure.
 */
const SOCKET_OPEN_RETRIES = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 4_000 };
/** The longest wait between two reconnect attempts, ms. */
const SOCKET_MAX_RECONNECT_DELAY_MS = 30_000;

/** Socket Mode's `dispatcher` option when a proxy is set; nothing otherwise (its own default). */
function proxiedWebSocket(env: Env) {
  const dispatcher = proxyDispatcherFor(env);
  return dispatcher ? { dispatcher } : {};
}

export function createSlackApp(env: Env, log: Logger, opts: SlackAppOptions = {}): SlackTransport {
  const { metrics, now = Date.now } = opts;
  const logger = boltLogger(log);
  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    // Bounded retries: a job or listener must not hang for Slack's default ~30 minutes.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    // Calls and respond() take turns with incoming requests (src/runtime/turns.ts), through the
    // proxy when HTTPS_PROXY/HTTP_PROXY is set (src/runtime/proxy.ts).
    fetch: httpFetchFor(env),
  };
  let app: App;
  let httpHandler: RouteHandler | undefined;
  let socket: SocketModeReceiver | undefined;
  let link: SocketLink | undefined;
  const t = opts.socketMode ?? {};
  if (env.SLACK_APP_TOKEN) {
    socket = new SocketModeReceiver({
      appToken: env.SLACK_APP_TOKEN,
      logger,
      // Reconnects are ours (socket-link.ts): Bolt's leave a rejected promise when they fail.
      autoReconnectEnabled: false,
      // The WebSocket is undici's: behind a proxy it tunnels with CONNECT (src/runtime/proxy.ts).
      ...proxiedWebSocket(env),
      ...(t.clientPingTimeout ? { clientPingTimeout: t.clientPingTimeout } : {}),
      ...(t.serverPingTimeout ? { serverPingTimeout: t.serverPingTimeout } : {}),
      // The socket client's own WebClient calls apps.connections.open: the same API URL and
      // fetch as ours, so it reaches the Slack SLACK_API_URL names (not slack.com).
      installerOptions: { clientOptions: { ...clientOptions, retryConfig: SOCKET_OPEN_RETRIES } },
    });
    app = new App({ token: env.SLACK_BOT_TOKEN, receiver: socket, logger, clientOptions });
    link = keepSocketLink(socket.client, {
      log,
      now,
      stepMs: t.clientPingTimeout ?? 5_000,
      maxDelayMs: SOCKET_MAX_RECONNECT_DELAY_MS,
      graceMs: t.readyGraceMs ?? 10_000,
      apiUrl: env.SLACK_API_URL,
    });
  } else {
    // loadEnv requires it without SLACK_APP_TOKEN; never verify with an empty secret.
    if (!env.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is required over HTTP');
    const receiver = new HTTPReceiver({
      signingSecret: env.SLACK_SIGNING_SECRET,
      endpoints: '/slack/events',
      processBeforeResponse: false,
      logger,
      unhandledRequestTimeoutMillis: 2_500,
    });
    app = new App({ token: env.SLACK_BOT_TOKEN, receiver, logger, clientOptions });
    httpHandler = futureTimestampGuard(now, receiver.requestListener);
  }
  const expected = {
    ...(env.SLACK_TEAM_ID ? { teamId: env.SLACK_TEAM_ID } : {}),
    ...(env.SLACK_APP_ID ? { appId: env.SLACK_APP_ID } : {}),
  };
  app.use(async ({ body, next, logger: l }) => {
    const reason = foreignPayloadReason(body, expected);
    const kind = String((body as { type?: string; command?: string }).type ?? 'command');
    metrics?.slackRequests.inc({ kind, outcome: reason ? 'refused' : 'accepted' });
    if (reason) {
      l.warn(`refused a Slack payload: ${reason}`);
      return; // not acknowledged: Slack shows the sender an error, nothing runs
    }
    await next();
  });
  if (opts.deliveries) app.use(actOnce(opts.deliveries, log));
  const closeTimeoutMs = opts.socketMode?.closeTimeoutMs ?? 2_000;
  return {
    app,
    ...(httpHandler ? { httpHandler } : {}),
    transport: socket ? 'socket-mode' : 'http',
    ...(link ? { socket: link } : {}),
    start: async () => {
      if (!link) return;
      try {
        // One call of our own first, with the WebClient's error (the socket client's start
        // reports only that the connection closed).
        await app.client.apps.connections.open({ token: env.SLACK_APP_TOKEN });
      } catch (err) {
        throw socketOpenError(err, env.SLACK_API_URL);
      }
      await link.start();
    },
    stop: async () => {
      if (!link) return;
      // Bolt's receiver.stop() does not wait for the close: the client's disconnect() does.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        link.stop(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, closeTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
  };
}

/**
 * A command or interaction is taken once, by its trigger_id: Slack redelivers a Socket Mode
 * envelope whose ack came late, with the same payload. A redelivery of one already taken is
 * acked and dropped; one still being taken is dropped unacked (Slack tries again, and by then it
 * is done or, if its run failed before the ack went out, released and taken).
 */
function actOnce(deliveries: SlackDeliveries, log: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as { trigger_id?: unknown; event_id?: unknown };
    const raw = body.trigger_id ?? body.event_id;
    if (typeof raw !== 'string' || raw === '') return args.next();
    const ack = (args as { ack?: (r?: undefined) => Promise<void> }).ack;
    let claim: Awaited<ReturnType<SlackDeliveries['claim']>>;
    try {
      claim = await deliveries.claim(raw);
    } catch (err) {
      log.warn({ err }, 'could not check for a redelivered Slack request; taking it');
      return args.next();
    }
    if (claim.status === 'done') {
      log.info({ retryNum: args.context.retryNum }, 'Slack redelivered a request already taken');
      await ack?.();
      return;
    }
    if (claim.status === 'pending') return;
    try {
      await args.next();
    } catch (err) {
      await deliveries.release(raw, claim.token).catch(() => undefined);
      throw err;
    }
    await deliveries
      .commit(raw, claim.token)
      .catch((err: unknown) => log.warn({ err }, 'could not remember a Slack request as taken'));
  };
}
