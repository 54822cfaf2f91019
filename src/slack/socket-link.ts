// Socket Mode's connection, kept open. Bolt's client reconnects on its own but, when
// apps.connections.open fails for good during a reconnect (Slack unreachable past its retries, a
// revoked token), it leaves a rejected promise nobody awaits and the process dies of it. So its
// auto-reconnect is off (src/slack/app.ts) and this loop reconnects: a refusal of the token ends
// in `failed` (the process stops, saying what Slack answered and what to do); anything else
// (Slack unreachable, 5xx, internal_error) is tried again for as long as it takes, n × step apart
// up to maxDelayMs, and readiness says Socket Mode is down meanwhile (README.md).
import type { Logger } from '../log.js';
import { scrubSecrets } from '../log.js';

/** What this loop needs of Bolt's SocketModeClient (autoReconnectEnabled: false). */
export interface SocketClient {
  start(): Promise<unknown>;
  disconnect(): Promise<void>;
  on(event: 'disconnected', listener: () => void): unknown;
}

export interface SocketLinkOptions {
  log: Logger;
  now: () => number;
  /** The n-th failed reconnect in a row waits n × stepMs (the first try after a drop: at once). */
  stepMs: number;
  maxDelayMs: number;
  /** Readiness stays ok this long after a drop (a refresh reconnects well within it). */
  graceMs: number;
  /** SLACK_API_URL, named in errors; default slack.com. */
  apiUrl: string | undefined;
}

export interface SocketLink {
  /** The first connection; throws a clear error (socketOpenError) when it cannot be had. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Readiness: throws, saying why, while not connected (past the grace window after a drop). */
  check(): void;
  /** Settles when Slack refused the app-level token while reconnecting: the process must stop. */
  failed: Promise<Error>;
}

/** Answers of apps.connections.open that no retry changes: the token or the app must be fixed. */
const REFUSALS = new Set([
  'invalid_auth',
  'not_authed',
  'not_allowed_token_type',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'team_disabled',
  'user_removed_from_team',
  'missing_scope',
  'no_permission',
]);

const FIX =
  'Set SLACK_APP_TOKEN to an app-level token of this app (api.slack.com/apps → Basic ' +
  'Information → App-Level Tokens, scope connections:write), or unset it to receive ' +
  'Slack requests over HTTP at /slack/events.';

function slackCode(err: unknown): string | undefined {
  const code = (err as { data?: { error?: unknown } } | undefined)?.data?.error;
  return typeof code === 'string' ? code : undefined;
}

/** Why a connection could not be had, in a few words; never the token. */
function reasonOf(err: unknown): string {
  const code = slackCode(err);
  if (code) return `apps.connections.open answered ${code}`;
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === 'number') return `apps.connections.open answered HTTP ${status}`;
  if (err instanceof Error) return scrubSecrets(err.message);
  return 'the WebSocket closed before Slack said hello';
}

/** Why Socket Mode could not (re)connect, and what to do; never the token. */
export function socketOpenError(err: unknown, apiUrl: string | undefined, when = ''): Error {
  const code = slackCode(err);
  if (code && REFUSALS.has(code)) {
    return new Error(
      `Socket Mode: Slack refused SLACK_APP_TOKEN at apps.connections.open (${code})${when}. ${FIX}`,
      { cause: err },
    );
  }
  if (code) {
    return new Error(`Socket Mode: apps.connections.open failed (${code})${when}. ${FIX}`, {
      cause: err,
    });
  }
  return new Error(
    `Socket Mode: could not open a connection through ${apiUrl ?? 'https://slack.com/api/'} ` +
      `(${reasonOf(err)})${when}. Check that the bot can reach Slack (SLACK_API_URL, proxies, ` +
      'firewall).',
    { cause: err },
  );
}

export function keepSocketLink(client: SocketClient, o: SocketLinkOptions): SocketLink {
  let state: 'idle' | 'connected' | 'reconnecting' | 'stopped' | 'failed' = 'idle';
  let downSince = 0;
  let failures = 0;
  let lastReason = '';
  let timer: NodeJS.Timeout | undefined;
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => {
    fail = resolve;
  });
  const secondsDown = () => Math.round((o.now() - downSince) / 1000);

  const attempt = async (): Promise<void> => {
    timer = undefined;
    try {
      await client.start();
    } catch (err) {
      if (state !== 'reconnecting') return;
      const code = slackCode(err);
      if (code && REFUSALS.has(code)) {
        state = 'failed';
        lastReason = `Slack refused SLACK_APP_TOKEN (${code})`;
        fail(socketOpenError(err, o.apiUrl, ' while reconnecting'));
        return;
      }
      failures += 1;
      lastReason = reasonOf(err);
      const delay = Math.min(o.stepMs * failures, o.maxDelayMs);
      o.log.warn(
        { failures, downForS: secondsDown(), retryInMs: delay },
        `Socket Mode: could not reconnect to Slack (${lastReason}); trying again in ${Math.ceil(delay / 1000)} s`,
      );
      timer = setTimeout(() => void attempt(), delay);
      return;
    }
    if (state !== 'reconnecting') {
      // Stopped while connecting: that connection must not stay open.
      await client.disconnect().catch(() => undefined);
      return;
    }
    state = 'connected';
    // Every drop is told once it is over (a refresh every few hours, a blip), with its length.
    o.log.info({ failures, downForMs: o.now() - downSince }, 'Socket Mode: reconnected to Slack');
    failures = 0;
  };

  client.on('disconnected', () => {
    if (state !== 'connected') return; // a failed attempt: attempt() handles it
    state = 'reconnecting';
    downSince = o.now();
    lastReason = 'the connection closed';
    void attempt();
  });

  return {
    failed,
    async start() {
      try {
        await client.start();
      } catch (err) {
        throw socketOpenError(err, o.apiUrl);
      }
      if (state === 'idle') state = 'connected';
    },
    async stop() {
      state = 'stopped';
      clearTimeout(timer);
      timer = undefined;
      await client.disconnect();
    },
    check() {
      if (state === 'connected') return;
      if (state === 'reconnecting' && o.now() - downSince < o.graceMs) return;
      if (state === 'idle') throw new Error('Socket Mode not connected yet');
      if (state === 'stopped') throw new Error('Socket Mode stopped');
      throw new Error(`Socket Mode disconnected for ${secondsDown()} s (${lastReason})`);
    },
  };
}
