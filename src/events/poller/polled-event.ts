// The envelope of an event the poller saw: the same fields as a pushed one, with ids derived
// from the occurrence (so a second poll of it is the same job) and the occurrence key built the
// way normalise.ts builds it for pushed events.
import { createHash } from 'node:crypto';
import type { EventBase } from '../domain-event.js';
import { domainEventId } from '../normalise.js';

export const occurrenceKeyOf = (...parts: Array<string | number | undefined>) =>
  parts.map((p) => (p === undefined ? '' : String(p))).join('|');

export function polledBase(
  occurrenceKey: string,
  at: { time: string; region: string; account: string },
): EventBase {
  const sourceEventId = `poll-${createHash('sha256').update(occurrenceKey).digest('hex').slice(0, 32)}`;
  return { id: domainEventId(sourceEventId), sourceEventId, occurrenceKey, ...at };
}

/** An SDK Date (or nothing) as ISO 8601; `fallback` when AWS gave none. */
export function isoOr(value: Date | undefined, fallback: number): string {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  return new Date(Number.isNaN(ms) ? fallback : ms).toISOString();
}
