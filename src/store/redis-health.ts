// How the process tells its log that Redis went away and came back. Every connection createRedis
// makes (and every copy BullMQ makes of one) is watched here, and BullMQ's 'error' events are
// folded in: an outage is one "unreachable" line, at most one "still unreachable" line every few
// seconds with counts, and one "reachable again" line with how long it lasted. Without this, each
// reconnect attempt of each connection printed a line, or a plain-text stack when nothing listened.
import type { Redis } from 'ioredis';
import { type Logger, scrubSecrets } from '../log.js';
import { isConnectionError } from './redis-errors.js';

/** What the outage log has to say; undefined when a failure is only counted. */
export type OutageNote =
  | { kind: 'down'; error: string; connections: number }
  | {
      kind: 'still-down';
      error: string;
      downForMs: number;
      /** Failures since the outage began. */
      failures: number;
      /** Failures since the previous line that got no line of their own. */
      suppressed: number;
      connections: number;
    }
  | { kind: 'back'; downForMs: number; failures: number; suppressed: number };

export interface OutageLog {
  /**
   * A failure: `connection` lost or refused, or (connection undefined) a BullMQ error reporting
   * one. `counted` false for a loss that is not an attempt (a close before the reconnect).
   */
  failed(connection: string | undefined, error: string, counted?: boolean): OutageNote | undefined;
  /** `connection` is ready again; the outage ends when no watched connection is still down. */
  ready(connection: string): OutageNote | undefined;
  /** `connection` was closed on purpose: it no longer keeps an outage open. */
  ended(connection: string): void;
  /** Whether an outage is open. */
  isDown(): boolean;
}

/**
 * The rate-limited outage log, pure (clock passed in). An outage opens with the first failure,
 * and ends when every connection that failed is ready again (or was closed on purpose).
 * `everyMs` (default 5 s): the least time between two lines about one outage.
 */
export function createOutageLog(opts: { now: () => number; everyMs?: number }): OutageLog {
  const everyMs = opts.everyMs ?? 5_000;
  const down = new Set<string>();
  let outage:
    | { since: number; lastLineAt: number; failures: number; suppressed: number }
    | undefined;
  const settle = (): OutageNote | undefined => {
    if (!outage || down.size > 0) return undefined;
    const { since, failures, suppressed } = outage;
    outage = undefined;
    return { kind: 'back', downForMs: opts.now() - since, failures, suppressed };
  };
  return {
    failed(connection, error, counted = true) {
      if (connection !== undefined) down.add(connection);
      const now = opts.now();
      if (!outage) {
        // A BullMQ report while every watched connection is up opens nothing: no 'ready' would
        // end it. The caller logs it on its own (see RedisHealth.fold).
        if (connection === undefined) return undefined;
        outage = { since: now, lastLineAt: now, failures: counted ? 1 : 0, suppressed: 0 };
        return { kind: 'down', error, connections: down.size };
      }
      if (!counted) return undefined;
      outage.failures++;
      if (now - outage.lastLineAt < everyMs) {
        outage.suppressed++;
        return undefined;
      }
      const note: OutageNote = {
        kind: 'still-down',
        error,
        downForMs: now - outage.since,
        failures: outage.failures,
        suppressed: outage.suppressed,
        connections: down.size,
      };
      outage.lastLineAt = now;
      outage.suppressed = 0;
      return note;
    },
    ready(connection) {
      down.delete(connection);
      return settle();
    },
    ended(connection) {
      down.delete(connection);
      // Closed on purpose while down (shutdown during an outage): nothing came back to say so.
      if (outage && down.size === 0) outage = undefined;
    },
    isDown: () => outage !== undefined,
  };
}

let lastOutageAt: number | undefined;

/**
 * When this process last saw Redis lost (ms since the epoch), or undefined if never: the latest
 * error or unexpected close of any watched connection, or BullMQ error reporting one, so it moves
 * on while an outage lasts. Writes made before it may not have reached Redis, and a Redis that
 * restarted may have come back without them.
 */
export function lastRedisOutageAt(): number | undefined {
  return lastOutageAt;
}

export interface RedisHealth {
  readonly log: Logger;
  /** Follows one connection's error, reconnecting, ready and end events. */
  watch(redis: Redis, label: string): void;
  /**
   * For a BullMQ 'error': true when it reports a lost connection during an outage, and was
   * counted in the outage lines instead of logged.
   */
  fold(err: unknown): boolean;
}

const healthOfConnection = new WeakMap<object, RedisHealth>();

/** The health watching `connection`, if createRedis made it with one. */
export function healthOf(connection: unknown): RedisHealth | undefined {
  return typeof connection === 'object' && connection !== null
    ? healthOfConnection.get(connection)
    : undefined;
}

/**
 * `target`: the Redis URL as shown in logs (redactRedisUrl). `everyMs`: see createOutageLog.
 */
export function createRedisHealth(opts: {
  log: Logger;
  target: string;
  now?: () => number;
  everyMs?: number;
}): RedisHealth {
  const now = opts.now ?? Date.now;
  const outage = createOutageLog({ now, ...(opts.everyMs ? { everyMs: opts.everyMs } : {}) });
  const redis = opts.target;
  let seq = 0;
  const say = (note: OutageNote | undefined) => {
    if (!note) return;
    if (note.kind === 'down') {
      opts.log.warn(
        { redis, err: { message: note.error }, connections: note.connections },
        'Redis is unreachable',
      );
    } else if (note.kind === 'still-down') {
      const { kind: _, error, ...counts } = note;
      opts.log.warn({ redis, err: { message: error }, ...counts }, 'Redis is still unreachable');
    } else {
      const { kind: _, ...counts } = note;
      opts.log.info({ redis, ...counts }, 'Redis is reachable again');
    }
  };
  const describe = (err: unknown) =>
    scrubSecrets(err instanceof Error ? err.message || err.name : String(err));
  const health: RedisHealth = {
    log: opts.log,
    watch(connection, label) {
      const id = `${label}#${++seq}`;
      healthOfConnection.set(connection, health);
      // Every ioredis 'error' is about the connection (command errors reject their promise), and
      // ioredis reconnects after it: count it in the outage.
      connection.on('error', (err: Error) => {
        lastOutageAt = now();
        say(outage.failed(id, describe(err)));
      });
      // Only after a close nobody asked for (a deliberate one ends the connection instead).
      connection.on('reconnecting', () => {
        lastOutageAt = now();
        say(outage.failed(id, 'connection lost', false));
      });
      connection.on('ready', () => say(outage.ready(id)));
      connection.on('end', () => outage.ended(id));
    },
    fold(err) {
      if (!isConnectionError(err)) return false;
      lastOutageAt = now();
      if (!outage.isDown()) return false;
      say(outage.failed(undefined, describe(err)));
      return true;
    },
  };
  return health;
}

/** What BullMQ's Queue, Worker and QueueEvents share: an 'error' event. */
export interface ErrorEvents {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Sends the 'error' events of a BullMQ Queue, Worker or QueueEvents to the health of the
 * connection it was given: a lost connection is counted in the outage lines, anything else goes
 * to `other` (default: one error line naming `component`). Every one needs this: with no listener
 * BullMQ prints the error as plain text (console.error), once per reconnect attempt.
 * A connection without health (tests) sends every error to `other`, if given.
 */
export function reportRedisErrors(
  target: ErrorEvents,
  connection: unknown,
  component: string,
  other?: (err: Error) => void,
): void {
  const health = healthOf(connection);
  if (!health) {
    if (other) target.on('error', other);
    return;
  }
  const rest =
    other ?? ((err: Error) => health.log.error({ component, err }, `${component} error`));
  target.on('error', (err) => {
    if (!health.fold(err)) rest(err);
  });
}
