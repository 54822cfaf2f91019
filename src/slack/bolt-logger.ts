import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../log.js';

/**
 * What Bolt and its socket client put in their text that must not reach a log: at debug they
 * log whole envelopes and acks. Tokens (xoxb-, xapp-) are scrubbed by src/log.ts everywhere.
 * - response_url (and response_urls[].response_url): anyone holding one can post as the bot in
 *   that channel for 30 minutes; any hooks.slack.com URL in free text for the same reason.
 * - a WebSocket URL's ticket (wss://…/link/?ticket=…): it opens a connection as this app.
 * - the payload's `token` (the legacy verification token) and any other `…token` field.
 * trigger_id, envelope_id, user and channel ids stay: they are what a debug line is for.
 */
const REDACTIONS: Array<[RegExp, string]> = [
  // JSON, with or without escaped slashes and quotes ("response_url":"https:\/\/…").
  [/(\\?"(?:response_url|[a-z_]*token)\\?"\s*:\s*\\?")(?:[^"\\]|\\[^"])*/gi, '$1[redacted]'],
  // Form-encoded or query strings (response_url=…&, ?ticket=…).
  [/([?&](?:response_url|ticket|token)=)[^&\s"'\\]+/gi, '$1[redacted]'],
  [/https?:(?:\\?\/){2}hooks\.slack\.com(?:\\?\/)[^\s"'\\]+/gi, '[redacted hooks.slack.com URL]'],
];

/** Bolt's text without response URLs, tickets and tokens; the rest as it was. */
export function redactBoltText(text: string): string {
  let out = text;
  for (const [re, by] of REDACTIONS) out = out.replace(re, by);
  return out;
}

/**
 * Lines the Socket Mode reconnect loop (socket-link.ts) says better, once, with what to do:
 * Bolt's own go to debug so a drop or a refused token is not reported three times.
 */
const SAID_BY_SOCKET_LINK = [/^Failed to retrieve a new WSS URL/, /^WebSocket error/];
const saidElsewhere = (text: string) => SAID_BY_SOCKET_LINK.some((re) => re.test(text));

/** Bolt's logger interface on top of our pino logger (same redaction, same JSON). */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.INFO;
  const text = (msgs: unknown[]) =>
    redactBoltText(msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' '));
  // Formatted only when the level is on: Bolt and its WebClient log at debug on every request
  // and call, and formatting those (objects as JSON) cost real time on the ack path.
  const problem =
    (at: 'warn' | 'error') =>
    (...m: unknown[]) => {
      if (!child.isLevelEnabled(at)) return;
      const line = text(m);
      if (saidElsewhere(line)) child.debug(line);
      else child[at](line);
    };
  return {
    debug: (...m) => void (child.isLevelEnabled('debug') && child.debug(text(m))),
    info: (...m) => void (child.isLevelEnabled('info') && child.info(text(m))),
    warn: problem('warn'),
    error: problem('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
