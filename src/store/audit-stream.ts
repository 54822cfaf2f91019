// The audit stream: one entry per request transition or notable step (AWS call, retry, adoption).
// Entries are flat string maps: request, env, by, event, from, to, at, plus AWS ids.
import type { Redis } from 'ioredis';
import { fieldsOf } from './redis.js';

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
