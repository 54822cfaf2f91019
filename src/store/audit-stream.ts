// The audit stream: one entry per request transition or notable step (AWS call, retry, adoption).
// Entries are flat string maps: request, env, by, event, from, to, at, plus AWS ids.
import type { Redis } from 'ioredis';
import { fieldsOf } from './redis.js';

/** Approximate cap on the stream's entries (XADD MAXLEN ~), for every writer. */
export const AUDIT_MAX_LEN = 1_000_000;
/** Longest value kept in an entry's field: the audit says what happened, it is not a log. */
export const AUDIT_VALUE_MAX = 500;

/** The one writer of entries outside request transitions (those are written by their script). */
export async function appendAudit(
  redis: Redis,
  key: string,
  fields: Record<string, string | number | undefined>,
  now: number,
  maxLen: number = AUDIT_MAX_LEN,
): Promise<void> {
  const flat: string[] = ['at', String(now)];
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && k !== 'at') flat.push(k, String(v).slice(0, AUDIT_VALUE_MAX));
  }
  await redis.xadd(key, 'MAXLEN', '~', maxLen, '*', ...flat);
}

export interface AuditEntry {
  /** Stream entry id (time-ordered). */
  id: string;
  fields: Record<string, string>;
}

/** Oldest first. With `requestId`, only that request's entries (a scan; fine for one request). */
export async function readAudit(
  redis: Redis,
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
