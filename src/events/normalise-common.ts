// What normalise.ts and normalise-alarm.ts share: the result type, the envelope every domain
// event carries, and small readers of AWS's values. Pure.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { DomainEvent, EventBase } from './domain-event.js';
import type { EventShape } from './notification-shapes.js';

export type NormaliseResult =
  /** `shape`: how it reached us (the same domain event whatever the shape). */
  | { kind: 'event'; event: DomainEvent; shape: EventShape }
  /** `unreadable`: a shape we cannot read (unknown detail-type or source), not just a state we skip. */
  | { kind: 'ignored'; reason: string; sourceEventId?: string; unreadable?: true }
  | { kind: 'invalid'; reason: string; sourceEventId?: string };

export type Base = Omit<EventBase, 'occurrenceKey'>;

/** BullMQ job ids may not contain ':' nor be all digits; anything unusual is hashed. */
export function domainEventId(sourceEventId: string): string {
  if (/^[A-Za-z0-9._-]{1,200}$/.test(sourceEventId)) return `aws-${sourceEventId}`;
  return `aws-h${createHash('sha256').update(sourceEventId).digest('hex').slice(0, 40)}`;
}

export function isoTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // CloudWatch writes +0000; Date.parse wants +00:00.
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function has<K extends string>(table: Record<K, string>, key: string): key is K {
  return Object.hasOwn(table, key);
}

export function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export const key = (...parts: Array<string | number | undefined>) =>
  parts.map((p) => (p === undefined ? '' : String(p))).join('|');

export function ignoredState(sourceEventId: string, state: string): NormaliseResult {
  return { kind: 'ignored', reason: `unknown state ${state}`, sourceEventId };
}

export function invalid(
  sourceEventId: string,
  error: z.ZodError,
  prefix = 'detail',
): NormaliseResult {
  const issue = error.issues[0];
  const where = issue?.path.join('.');
  const at = where ? `${prefix}.${where}` : prefix;
  return { kind: 'invalid', reason: `${at}: ${issue?.message}`, sourceEventId };
}
