// How the process tells its log that Redis went away and came back. Every connection createRedis
// makes (and every copy BullMQ makes of one) is watched here, and BullMQ's 'error' events are
// folded in: an outage is one "unreachable" line, at most one "still unreachable" line every few
// seconds with counts, and one "reachable again" line with how long it lasted. Without this, each
// reconnect attempt of each connection printed a line, or a plain-text stack when nothing listened.
import type { Cluster, Redis } from 'ioredis';
import { type Logger, scrubSecrets } from '../log.js';
import { isConnectionError, isFailoverError } from './redis-errors.js';

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
  /**
   * Follows one connection's error, reconnecting, ready and end events; for a cluster client also
   * each node's ('node error', and a node connection ready again or dropped from the pool).
   */
  watch(redis: Redis | Cluster, label: string): void;
  /**
   * For a BullMQ 'error': true when it reports a lost connection during an outage, and was
   * counted in the outage lines instead of logged; or a cluster's failover answer (UNBLOCKED…),
   * logged as one "failing over" line every few seconds whatever the number of workers.
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
  let lastFailoverLineAt: number | undefined;
  const everyMs = opts.everyMs ?? 5_000;
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
  // A cluster client stays ready while one node is lost (a failover): that node's outage lasts
  // until a connection to it is ready again, or the slot map (read again after errors) no longer
  // names it. Its connections come and go meanwhile; their failures count in the one outage.
  const watchNodes = (cluster: Cluster, id: string) => {
    const failing = new Set<string>();
    const nodeId = (address: string) => `${id}@${address}`;
    const back = (address: string) => {
      if (failing.delete(address)) say(outage.ready(nodeId(address)));
    };
    cluster.on('node error', (err: Error, address: string) => {
      lastOutageAt = now();
      failing.add(address);
      say(outage.failed(nodeId(address), describe(err)));
    });
    cluster.on('+node', (node: Redis) => {
      node.on('ready', () => back(`${node.options.host}:${node.options.port}`));
    });
    cluster.on('refresh', () => {
      if (failing.size === 0) return;
      const inMap = new Set(cluster.slots.flat());
      for (const address of [...failing]) if (!inMap.has(address)) back(address);
    });
    cluster.on('end', () => {
      for (const address of failing) outage.ended(nodeId(address));
      failing.clear();
    });
  };
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
      if (connection.isCluster) watchNodes(connection as Cluster, id);
    },
    fold(err) {
      if (isFailoverError(err)) {
        lastOutageAt = now();
        const at = now();
        if (lastFailoverLineAt === undefined || at - lastFailoverLineAt >= everyMs) {
          lastFailoverLineAt = at;
          opts.log.warn(
            { redis, err: { message: describe(err) } },
            'Redis Cluster is failing over: commands are retried',
          );
        }
        return true;
      }
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
