// The Bolt app: over HTTP at /slack/events by default, in Socket Mode when SLACK_APP_TOKEN is set.
// Transport lives here; listeners are registered by src/slack/listeners/*.
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { Env } from '../config/env.js';
import type { RouteHandler } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { httpFetch } from '../runtime/http-fetch.js';
import { boltLogger } from './bolt-logger.js';
import { foreignPayloadReason, futureTimestampGuard } from './request-guard.js';

export interface SlackTransport {
  app: App;
  /** Mount at /slack/events on our HTTP server (HTTP mode only). */
  httpHandler?: RouteHandler;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackApp(
  env: Env,
  log: Logger,
  metrics?: Pick<Metrics, 'slackRequests'>,
  now: () => number = Date.now,
): SlackTransport {
  const logger = boltLogger(log);
  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    // Bounded retries: a job or listener must not hang for Slack's default ~30 minutes.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    // Calls and respond() take turns with incoming requests (src/runtime/turns.ts).
    fetch: httpFetch,
  };
  let app: App;
  let httpHandler: RouteHandler | undefined;
  let socket: SocketModeReceiver | undefined;
  if (env.SLACK_APP_TOKEN) {
    socket = new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN, logger });
    app = new App({ token: env.SLACK_BOT_TOKEN, receiver: socket, logger, clientOptions });
  } else {
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
  return {
    app,
    ...(httpHandler ? { httpHandler } : {}),
    start: async () => {
      if (socket) await socket.start();
    },
    stop: async () => {
      if (socket) await socket.stop();
    },
  };
}
