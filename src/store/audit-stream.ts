// The audit stream (`<prefix>:audit`): one entry per request transition or notable step (AWS call,
// retry, adoption), and every attempt to act, refused ones included. Entries are flat string maps:
// request, env, by, event, from, to, at, plus AWS ids. Request transitions are written by their
// script (lua/transition-request-3.lua) with the cap and values made here; everything else goes
// through appendAudit. The status follower reads it as a consumer group (followAudit).
import type { RequestState } from '../domain/request-state.js';
import { fieldsOf, type RedisConnection } from './redis.js';
import { redisReplyCode } from './redis-errors.js';
import { healthOf } from './redis-health.js';

/** Approximate cap on the stream's entries (XADD MAXLEN ~), for every writer. */
export const AUDIT_MAX_LEN = 1_000_000;
/** Longest value kept in an entry's field: the audit says what happened, it is not a log. */
export const AUDIT_VALUE_MAX = 500;

/** An entry's fields as every writer keeps them: strings, cut to AUDIT_VALUE_MAX, none undefined. */
export function auditValues(
  fields: Readonly<Record<string, string | number | undefined>>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined) values[k] = String(v).slice(0, AUDIT_VALUE_MAX);
  }
  return values;
}

/** The one writer of entries outside request transitions (those are written by their script). */
export async function appendAudit(
  redis: RedisConnection,
  key: string,
  fields: Record<string, string | number | undefined>,
  now: number,
): Promise<void> {
  const { at: _ignored, ...rest } = auditValues(fields);
  const flat = ['at', String(now), ...Object.entries(rest).flat()];
  await redis.xadd(key, 'MAXLEN', '~', AUDIT_MAX_LEN, '*', ...flat);
}

export interface AuditEntry {
  /** Stream entry id (time-ordered). */
  id: string;
  fields: Record<string, string>;
}

/** Oldest first. With `requestId`, only that request's entries (a scan; fine for one request). */
export async function readAudit(
  redis: RedisConnection,
  key: string,
  opts: { requestId?: string; count?: number },
): Promise<AuditEntry[]> {
  const raw = opts.requestId
    ? await redis.xrange(key, '-', '+')
    : await redis.xrevrange(key, '+', '-', 'COUNT', opts.count ?? 100).then((x) => x.reverse());
  const entries = raw.map(([id, flat]) => ({ id, fields: fieldsOf(flat) }));
  const mine = opts.requestId
    ? entries.filter((e) => e.fields.request === opts.requestId)
    : entries;
  return opts.count && opts.requestId ? mine.slice(-opts.count) : mine;
}

export interface AttemptAudit {
  record(entry: {
    by: string;
    event: string;
    env?: string;
    channel?: string;
    detail?: string;
    request?: string;
    /** A CodeDeploy deployment acted on (a forward deploy held while blocked). */
    deployment?: string;
  }): Promise<void>;
}

/** Every attempt to act is audited, including the refused ones that never become a request. */
export function createAttemptAudit(
  redis: RedisConnection,
  prefix: string,
  now: () => number = Date.now,
): AttemptAudit {
  return {
    record: (entry) => appendAudit(redis, `${prefix}:audit`, entry, now()),
  };
}

/** A request transition as a reader of the stream sees it. */
export interface AuditTransition {
  /** Stream entry id: acknowledge it once handled. */
  entry: string;
  /** The request and the state it moved to; absent for entries that are not transitions. */
  request?: { id: string; state: RequestState };
}

/** One consumer of the audit stream in a consumer group: what it has not acknowledged is kept. */
export interface AuditConsumer {
  /** Makes the group unless it exists: reading from new entries ('$') or from the start ('0'). */
  join(from: '$' | '0'): Promise<void>;
  /**
   * Up to 100 entries, waiting up to 2 s: our own pending ones ('0', after a crash) or new ones
   * ('>'). 'group-gone' when Redis lost the group (it came back without its data).
   */
  read(cursor: '0' | '>'): Promise<AuditTransition[] | 'group-gone'>;
  /**
   * Up to 100 entries some consumer of the group read and left unacknowledged for `minIdleMs`
   * (its process died: each process reads under a name of its own), now this consumer's
   * (XAUTOCLAIM, Redis 6.2). Entries trimmed from the stream meanwhile come back without a request.
   */
  claimStale(minIdleMs: number): Promise<AuditTransition[] | 'group-gone'>;
  ack(entry: string): Promise<void>;
  /** True when `err` is a lost connection, already said in the outage lines (redis-health.ts). */
  inOutage(err: unknown): boolean;
  /** Ends the connection (a blocked read answers at once). */
  close(): void;
}

function transition(entry: string, flat: string[] | null): AuditTransition {
  const f = flat ? fieldsOf(flat) : {};
  return f.request && f.to
    ? { entry, request: { id: f.request, state: f.to as RequestState } }
    : { entry };
}

/**
 * `connection` is the consumer's own: XREADGROUP BLOCK holds it. `consumer` names this reader in
 * the group; default one per process.
 */
export function followAudit(
  connection: RedisConnection,
  prefix: string,
  names: { group: string; consumer?: string },
): AuditConsumer {
  const key = `${prefix}:audit`;
  const { group } = names;
  const consumer = names.consumer ?? `c-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    async join(from) {
      try {
        await connection.xgroup('CREATE', key, group, from, 'MKSTREAM');
      } catch (err) {
        if (redisReplyCode(err) !== 'BUSYGROUP') throw err;
      }
    },
    async read(cursor) {
      let res: Array<[string, Array<[string, string[]]>]> | null;
      try {
        res = (await connection.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          100,
          'BLOCK',
          2_000,
          'STREAMS',
          key,
          cursor,
        )) as typeof res;
      } catch (err) {
        if (redisReplyCode(err) === 'NOGROUP') return 'group-gone';
        throw err;
      }
      return (res?.[0]?.[1] ?? []).map(([entry, flat]) => transition(entry, flat));
    },
    async claimStale(minIdleMs) {
      let res: [string, Array<[string, string[] | null]>, ...unknown[]];
      try {
        res = (await connection.xautoclaim(
          key,
          group,
          consumer,
          minIdleMs,
          '0',
          'COUNT',
          100,
        )) as typeof res;
      } catch (err) {
        if (redisReplyCode(err) === 'NOGROUP') return 'group-gone';
        throw err;
      }
      return res[1].map(([entry, flat]) => transition(entry, flat));
    },
    async ack(entry) {
      await connection.xack(key, group, entry);
    },
    inOutage: (err) => healthOf(connection)?.fold(err) ?? false,
    close: () => connection.disconnect(),
  };
}
