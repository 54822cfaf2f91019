// What an authenticated caller handed us: an EventBridge event (not yet read), or an answer.
import type { IncomingHttpHeaders } from 'node:http';
import type { Outcome } from './intake-outcome.js';

export type Delivery =
  | { kind: 'event'; via: 'eventbridge' | 'sns'; event: unknown; snsMessageId?: string }
  | { kind: 'answer'; outcome: Outcome };

/** A single header value; a repeated header is treated as absent-and-suspicious (undefined). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
}

export function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}
